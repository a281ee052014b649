"""The reviewers' dashboard (issue 9, point 5) on P90, the province whose 2021 holds every case of
rules.md §4–§6 (kstt/compliance/tests/test_deductions_command.py), seen on 1 February 2022.

Hằng works in P90's provincial office and sees every unit of the province; Khoa reviews for the
district D901 and sees its commune; Bình reports for that commune and sees no dashboard.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import periods_of_year
from kstt.compliance import dashboard as board_module
from kstt.compliance.dashboard import STATUSES, UnknownDistrict, compliance_dashboard
from kstt.compliance.rules import Status
from kstt.compliance.selectors import judged
from kstt.compliance.tests.test_deductions_command import INCIDENTS, SUBMISSIONS, UNITS
from kstt.tests.cast import AT
from kstt.units.models import Unit

pytestmark = pytest.mark.django_db

HN = ZoneInfo("Asia/Ho_Chi_Minh")
ON = datetime(2022, 2, 1, 9, 0, tzinfo=HN)
URL = "/compliance/"


@pytest.fixture
def p90(tmp_path: Path, settings) -> dict[str, Unit]:
    settings.KSTT_CLOCK = datetime(2025, 1, 1, tzinfo=HN)  # the history runs to 2024; the page is seen on ON
    for name, text, command in (
        ("units.csv", UNITS, "load_units"),
        ("submissions.csv", SUBMISSIONS, "load_submissions"),
        ("incidents.csv", INCIDENTS, "load_incidents"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        # The incidents are loaded after the history they excuse: they move its lines, so they say why.
        options = ["--reason=Biên bản sự cố"] if command == "load_incidents" else []
        call_command(command, str(path), *options, stdout=io.StringIO(), stderr=io.StringIO())
    settings.KSTT_CLOCK = ON
    return {u.code: u for u in Unit.objects.all()}


def person(username: str, unit: Unit | None, roles: set[str]):
    return save_user(username=username, full_name=username.title(), unit=unit, roles=roles, password=None, at=AT)


@pytest.fixture
def hang(p90):
    return person("hang", p90["P90"], {Role.REVIEWER})


@pytest.fixture
def khoa(p90):
    return person("khoa", p90["D901"], {Role.REVIEWER})


@pytest.fixture
def binh(p90):
    return person("binh", p90["W90101"], {Role.REPORTER})


def cells(html: str) -> dict[str, str]:
    """cell test id (unit-period) → its status code, as the page shows them."""
    return {key: status for status, key in re.findall(r'data-status="([a-z_]+)" data-testid="cell-([\w-]+)"', html)}


def count(html: str, status: str) -> int:
    found = re.search(
        rf'data-testid="count-{status}">[^<]*<span class="badge text-bg-light" data-testid="count">(\d+)<', html
    )
    assert found, status
    return int(found[1])


# --- who sees it ------------------------------------------------------------------------------------


def test_the_provincial_office_sees_every_unit_of_the_province(client, hang):
    client.force_login(hang)
    page = client.get(URL, {"year": 2021})
    assert page.status_code == 200
    shown = cells(page.content.decode())
    assert {key.rsplit("-", 1)[0] for key in shown} == {"P90-SNV", "P90-STP", "D901", "D902", "W90101"}
    assert len(shown) == 20


def test_a_district_reviewer_sees_the_districts_communes_only(client, khoa):
    client.force_login(khoa)
    shown = cells(client.get(URL, {"year": 2021}).content.decode())
    assert set(shown) == {f"W90101-2021Q{q}" for q in range(1, 5)}


def test_a_reporter_is_refused_in_vietnamese(client, binh):
    client.force_login(binh)
    page = client.get(URL)
    assert page.status_code == 403
    assert "Chỉ Văn phòng UBND tỉnh" in page.content.decode()


def test_a_department_reviewer_is_refused(client, p90):
    client.force_login(person("dung", p90["P90-STP"], {Role.REVIEWER}))
    assert client.get(URL).status_code == 403


def test_an_administrator_sees_every_unit(client, p90):
    client.force_login(person("quan", None, {Role.ADMIN}))
    shown = cells(client.get(URL, {"year": 2021}).content.decode())
    assert len(shown) == 24  # the province's own report too: there is no tree root for administrators


def test_anonymous_visitors_are_sent_to_log_in(client, p90):
    page = client.get(URL)
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_the_menu_offers_the_dashboard_to_those_who_may_see_it(client, hang, binh):
    client.force_login(hang)
    assert 'href="/compliance/"' in client.get("/").content.decode()
    client.force_login(binh)
    assert 'href="/compliance/"' not in client.get("/").content.decode()


# --- what it shows ----------------------------------------------------------------------------------


def test_every_cell_has_the_status_judged_for_it(client, hang):
    client.force_login(hang)
    shown = cells(client.get(URL, {"year": 2021}).content.decode())
    report_type = ReportType.objects.get(code="kstt")
    expected = {
        f"{j.code}-{j.period.code}": j.verdict.status.value
        for j in judged(
            report_type=report_type, periods=periods_of_year(2021, report_type.periods), as_of=ON, within=hang.unit
        )
    }
    assert shown == expected
    assert shown["D901-2021Q1"] == "late"
    assert shown["D901-2021Q3"] == "excused"
    assert shown["D902-2021Q1"] == "not_sent"
    assert shown["D902-2021Q4"] == "incident_open"  # an incident in its scope is still open
    assert shown["P90-SNV-2021Q1"] == "on_time"


def test_the_counts_are_those_of_the_verdicts(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021}).content.decode()
    expected = Counter(cells(html).values())
    assert {status.value: count(html, status.value) for status in STATUSES} == {
        "on_time": 7,
        "excused": 2,
        "late": 2,
        "not_sent": 8,  # four of them the commune's
        "not_yet_due": 0,
        "overdue": 0,
        "incident_open": 1,
    }
    assert {status.value: count(html, status.value) for status in STATUSES} == {
        s.value: expected.get(s.value, 0) for s in STATUSES
    }


def test_a_cell_links_to_the_report_and_its_evidence_and_marks_faults_and_deductions(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021}).content.decode()
    cell = re.search(r'data-testid="cell-P90-STP-2021Q2">(.*?)</td>', html, re.S)[1]
    assert 'href="/reports/P90-STP/2021Q2/"' in cell
    assert 'href="/compliance/lines/P90-STP/2021Q2/"' in cell
    assert 'data-testid="fault"' in cell and "Không đúng đề cương" in cell and "Số liệu không chính xác" in cell
    assert re.search(r'data-testid="points">−0,25<', cell)
    not_sent = re.search(r'data-testid="cell-D902-2021Q1">(.*?)</td>', html, re.S)[1]
    assert re.search(r'data-testid="points">−0,50<', not_sent) and 'data-testid="fault"' not in not_sent
    on_time = re.search(r'data-testid="cell-P90-SNV-2021Q1">(.*?)</td>', html, re.S)[1]
    assert re.search(r'data-testid="points">0<', on_time)
    commune = re.search(r'data-testid="cell-W90101-2021Q1">(.*?)</td>', html, re.S)[1]
    assert 'data-testid="points"' not in commune  # communes are not scored in 2021
    opened = re.search(r'data-testid="cell-D902-2021Q4">(.*?)</td>', html, re.S)[1]
    assert 'data-testid="points"' not in opened  # nothing to judge yet


def test_the_labels_are_vietnamese(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021}).content.decode()
    for label in ("Đúng hạn", "Được gia hạn do sự cố", "Chậm", "Không gửi", "Chưa đến hạn", "Quá hạn, chưa gửi"):
        assert label in html


def test_the_on_time_rates_per_period_and_level(client, hang):
    client.force_login(hang)
    page = client.get(URL, {"year": 2021})
    chart = page.context["chart"]
    html = page.content.decode()
    data = json.loads(re.search(r'<script id="dash-chart-data" type="application/json">(.*?)</script>', html, re.S)[1])
    assert data == json.loads(json.dumps(chart, default=str))
    by_level = {d["level"]: d["data"] for d in data["datasets"]}
    # Departments: Q1 2/2, Q2 STP on time and SNV late 1/2, Q3 2/2 (one excused), Q4 neither sent 0/2.
    assert by_level["department"] == ["100.0", "50.0", "100.0", "0.0"]
    # Districts: Q1 D901 late, D902 not sent; Q2 1/2; Q3 2/2; Q4 D901 on time, D902 held open (not due).
    assert by_level["district"] == ["0.0", "50.0", "100.0", "100.0"]
    assert by_level["commune"] == ["0.0", "0.0", "0.0", "0.0"]
    assert 'data-testid="rate-district-2021Q4">100,0% <span class="text-muted">(1/1)' in html
    assert data["labels"] == ["Quý I/2021", "Quý II/2021", "Quý III/2021", "Quý IV/2021"]


def test_a_rate_counts_only_reports_that_are_due(p90):
    """Before the Q4 deadlines nothing of Q4 is due: no rate; a report already sent counts."""
    report_type = ReportType.objects.get(code="kstt")
    before = datetime(2021, 12, 15, 9, 0, tzinfo=HN)
    board = compliance_dashboard(report_type=report_type, year=2021, as_of=before, root=p90["P90"])
    q4 = {r.level: r for r in board.rates if r.period.code == "2021Q4"}
    assert q4["department"].percent is None and q4["department"].expected == 2
    after = datetime(2021, 12, 21, 9, 0, tzinfo=HN)  # departments' deadline (20/12) past, nothing sent
    board = compliance_dashboard(report_type=report_type, year=2021, as_of=after, root=p90["P90"])
    q4 = {r.level: r for r in board.rates if r.period.code == "2021Q4"}
    assert (q4["department"].on_time, q4["department"].due) == (0, 2)
    assert (q4["district"].on_time, q4["district"].due) == (1, 1)  # D901 sent; D902 held open by an incident


# --- filters -----------------------------------------------------------------------------------------


def test_the_level_filter(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021, "level": "district"}).content.decode()
    assert {key.rsplit("-", 1)[0] for key in cells(html)} == {"D901", "D902"}
    assert count(html, "not_sent") == 2 and count(html, "incident_open") == 1


def test_the_district_filter_shows_the_district_and_its_communes(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021, "district": "D901"}).content.decode()
    assert {key.rsplit("-", 1)[0] for key in cells(html)} == {"D901", "W90101"}
    assert count(html, "not_sent") == 4 and count(html, "on_time") == 2


def test_the_status_filter_picks_units_and_keeps_the_counts(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021, "status": "excused"}).content.decode()
    assert {key.rsplit("-", 1)[0] for key in cells(html)} == {"D901", "P90-STP"}
    assert count(html, "not_sent") == 8  # the counts are what the status filter picks among


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "2019"}, "không phải là năm có kỳ báo cáo"),
        ({"year": "hai"}, "không phải là năm có kỳ báo cáo"),
        ({"level": "village"}, "không phải là cấp đơn vị"),
        ({"status": "lost"}, "không phải là tình trạng"),
        ({"district": "D999"}, "không phải là huyện"),
        ({"page": "0"}, "không phải là số trang"),
        ({"page": "9"}, "Không có trang 9"),
    ],
    ids=[
        "year-without-periods",
        "year-not-a-number",
        "unknown-level",
        "unknown-status",
        "district-not-followed",
        "page-zero",
        "page-past-the-last",
    ],
)
def test_bad_filter_values_are_refused_in_vietnamese(client, hang, query, message):
    client.force_login(hang)
    page = client.get(URL, query)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_a_district_reviewer_may_not_pick_another_district(client, khoa):
    client.force_login(khoa)
    assert client.get(URL, {"district": "D902"}).status_code == 400


def test_the_years_offered_run_from_the_first_to_the_clocks(client, hang):
    client.force_login(hang)
    page = client.get(URL)
    assert page.context["years"] == [2021, 2022]
    assert page.context["filters"].year == 2022


def test_an_unknown_district_is_an_error_of_the_aggregation_too(p90):
    report_type = ReportType.objects.get(code="kstt")
    with pytest.raises(UnknownDistrict):
        compliance_dashboard(report_type=report_type, year=2021, as_of=ON, root=p90["D901"], district="D902")


# --- pages and queries -------------------------------------------------------------------------------


def test_rows_are_paginated_and_the_counts_cover_every_page(client, hang, monkeypatch):
    from kstt.compliance import dashboard_views

    monkeypatch.setattr(dashboard_views, "ROWS_PER_PAGE", 2)
    client.force_login(hang)
    first = client.get(URL, {"year": 2021}).content.decode()
    third = client.get(URL, {"year": 2021, "page": 3}).content.decode()
    assert len(cells(first)) == 8 and len(cells(third)) == 4
    assert count(first, "not_sent") == count(third, "not_sent") == 8
    assert "page=2" in first and "Trang 1/3" in first


def test_rows_are_grouped_by_level_and_sorted_by_code(client, hang):
    client.force_login(hang)
    html = client.get(URL, {"year": 2021}).content.decode()
    order = re.findall(r'data-testid="row-([\w-]+)"', html)
    assert order == ["P90-SNV", "P90-STP", "D901", "D902", "W90101"]
    assert board_module.level_order("department") < board_module.level_order("commune")


def test_the_query_count_does_not_grow_with_units(client, hang, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hang)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"year": 2021}).status_code == 200
    more = "code,name,level,kind,parent_code\n" + "".join(
        f"D9{d:02},Huyện {d},district,huyện,P90\n"
        + "".join(f"W9{d:02}{w:02},Xã {d}-{w},commune,xã,D9{d:02}\n" for w in range(1, 11))
        for d in range(10, 40)
    )
    from kstt.units.services import load_units

    load_units(data=more.encode(), effective_from=None, at=AT)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(URL, {"year": 2021})
    assert page.context["page"].paginator.count == 5 + 30 * 11
    assert Status.NOT_SENT in page.context["board"].counts
