"""Vân fills the province's own report: form 07b, one row per unit below, sent to the Government Office.

The province has no parent in the tree: its report goes outside KSTT (rules.md §1), so nobody here
accepts or returns it, no review list or count includes it and nobody is notified of it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period
from kstt.notifications.models import Notification
from kstt.reports import selectors, services
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.reports.rules import SubmissionFileError
from kstt.reports.tests.test_deadline_boundaries import row
from kstt.reports.tests.test_documents import Identity, make_pdf, sign
from kstt.tests.cast import AT, NOW
from kstt.units.models import Unit, UnitVersion
from kstt.units.services import load_units

URL = "/reports/P17/2021Q3/"
FORM = "II.07b/VPCP/KSTT"
ROW = {
    "tthc_total": 10, "tthc_province": 6, "tthc_district": 3, "tthc_commune": 1,
    "onestop_total": 8, "onestop_province": 5, "onestop_district": 2, "onestop_commune": 1,
    "workflow_total": 4, "workflow_province": 2, "workflow_district": 1, "workflow_commune": 1,
}  # fmt: skip
SECTIONS = {
    "direction": "Ban hành kế hoạch KSTT năm 2021.",
    "regulation_control": "Thẩm định 5 dự thảo.",
    "publication": "Công bố 120 TTHC.",
    "review": "Rà soát 20 TTHC.",
    "feedback": "Xử lý 2 phản ánh.",
    "settlement": "Giải quyết đúng hạn 98%.",
    "one_stop": "Trung tâm Phục vụ hành chính công hoạt động tốt.",
    "e_procedures": "Dịch vụ công trực tuyến toàn trình.",
    "communication": "Tuyên truyền trên báo tỉnh.",
    "shortcomings": "Một số đơn vị gửi báo cáo muộn.",
    "next_tasks": "Tiếp tục rà soát, đơn giản hóa TTHC.",
    "proposals": "Không.",
}
TWO_LEVELS = "code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,P17\n"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def van(province):
    """The province's reporter (the provincial office compiles form 07b)."""
    return save_user(username="van", full_name="Đinh Thị Vân", unit=province, roles={Role.REPORTER},
                     password="correct horse 2021", at=AT)  # fmt: skip


@pytest.fixture
def van_client(client, van, kstt_report, lan, minh, hoa):
    client.force_login(van)
    return client


@pytest.fixture
def signed_pdf() -> bytes:
    ca = Identity("CA thử nghiệm KSTT", "Kiểm thử")
    chairman = Identity("Bùi Văn Chương", "UBND tỉnh Hòa Bình", issuer=ca, valid_until=datetime(2030, 1, 1, tzinfo=UTC))
    return sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao KSTT tinh quy III) Tj ET"), chairman)


def cells(row: str, values: dict[str, object]) -> dict[str, str]:
    return {f"v|{FORM}|{row}|{column}": str(value) for column, value in values.items()}


def narrative() -> dict[str, str]:
    return {f"s|{key}": text for key, text in SECTIONS.items()}


def post(client, url: str, data: dict[str, object], *, action: str = "save", document: bytes | None = None):
    fields = page_fields_of(client, url)
    payload = {**fields, "action": action, **data}
    if document is not None:
        payload["document"] = SimpleUploadedFile("bao-cao-tinh.pdf", document, content_type="application/pdf")
    return client.post(url, payload)


def page_fields_of(client, url: str) -> dict[str, str]:
    html = client.get(url).content.decode()
    return {
        "revision": re.search(r'name="revision" value="(\d+)"', html).group(1),
        "idempotency_key": re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1),
    }


def province_report(period: str = "2021Q3") -> ReportInstance:
    return ReportInstance.objects.get(unit__code="P17", period=period)


def submit_filled(client, url: str, rows: list[str], signed_pdf: bytes):
    post(client, url, {}, action="upload", document=signed_pdf)
    data = narrative()
    for key in rows:
        data |= cells(key, ROW)
    return post(client, url, data, action="submit")


# --- The 2021 shape ---------------------------------------------------------------------------------------


def test_the_province_opens_form_07b_with_a_row_per_department_and_district(van_client):
    response = van_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for unit in ("P17-STP", "D157", "D156"):  # the units below the province in 2021
        assert f'data-testid="row-07b-{unit}"' in html
    assert 'data-testid="row-07b-W05341"' not in html  # a commune reports to its district in 2021
    assert 'data-testid="row-07b-total"' in html
    assert 'name="v|06/VPCP/KSTT|' not in html  # form 06 is not the province's
    assert "Văn phòng Chính phủ" in html  # "Sent to": outside KSTT
    instance = province_report()
    assert instance.status == "draft" and instance.recipient is None and instance.level == "province"
    assert instance.to_government_office


def test_the_province_fills_attaches_and_submits_and_it_reads_as_sent(van_client, signed_pdf):
    response = submit_filled(van_client, URL, ["P17-STP", "D157", "D156"], signed_pdf)
    assert response.status_code == 302, response.content.decode()[:2000]
    instance = province_report()
    assert instance.status == "submitted" and instance.first_submitted_at == NOW
    version = ReportVersion.objects.get(instance=instance)
    assert version.flags == [] and version.document_id is not None
    assert version.values[FORM]["total"]["tthc_total"] == 30  # three rows of 10, computed
    assert not Notification.objects.exists()  # nobody in KSTT is told: it went to the Government Office
    html = van_client.get(URL).content.decode()
    assert 'data-testid="submitted"' in html and "Văn phòng Chính phủ" in html


def test_the_07b_rules_are_warnings_a_report_that_breaks_one_is_submitted_flagged(van_client, signed_pdf):
    post(van_client, URL, {}, action="upload", document=signed_pdf)
    broken = cells("P17-STP", ROW | {"tthc_total": 9}) | cells("D157", ROW) | cells("D156", ROW) | narrative()
    response = post(van_client, URL, broken, action="submit")
    assert response.status_code == 302  # one press: a warning flags it, the explanation is optional
    version = ReportVersion.objects.get()
    assert {f["severity"] for f in version.findings} == {"warning"}
    assert province_report().status == "submitted"


def test_the_province_cannot_submit_without_its_signed_document(van_client):
    data = cells("P17-STP", ROW) | cells("D157", ROW) | cells("D156", ROW) | narrative()
    response = post(van_client, URL, data, action="submit")
    assert response.status_code == 400
    assert 'data-testid="problem-not_ready"' in response.content.decode()
    assert province_report().status == "draft"


def test_nobody_in_kstt_accepts_or_returns_the_provinces_report(van_client, van, hoa, signed_pdf):
    submit_filled(van_client, URL, ["P17-STP", "D157", "D156"], signed_pdf)
    version = ReportVersion.objects.get()
    later = datetime(2021, 9, 16, 3, 0, tzinfo=UTC)
    with pytest.raises(services.SentToGovernmentOffice, match="Government Office"):
        services.accept(version=version, at=later, actor=hoa)
    with pytest.raises(services.SentToGovernmentOffice, match="Government Office"):
        services.return_report(version=version, reasons=["incomplete"], text="Thiếu", at=later, actor=hoa)
    api = APIClient()
    api.force_authenticate(van)
    for name, body in (("api-report-accept", {"text": ""}), ("api-report-return", {"reasons": ["forms"]})):
        response = api.post(reverse(name, args=["P17", "2021Q3", 1]), body, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "sent_to_government_office"
    detail = api.get(reverse("api-report", args=["P17", "2021Q3"])).json()
    assert detail["report"]["recipient"] is None and detail["recipient_name"]
    assert detail["access"]["review"] is False
    assert van_client.get(reverse("review:history", args=["P17", "2021Q3"])).status_code == 200
    assert van_client.get(reverse("review:document", args=["P17", "2021Q3", 1])).status_code == 200
    van_client.force_login(hoa)  # the province's reviewer has no review page for it
    assert van_client.get(reverse("review:detail", args=["P17", "2021Q3"])).status_code == 404
    url = reverse("review:accept", args=["P17", "2021Q3"])
    assert van_client.post(url, {"version": 1}).status_code == 404
    assert province_report().status == "submitted"


def test_the_review_list_and_counts_of_the_province_never_include_its_own_report(van_client, hoa, signed_pdf):
    submit_filled(van_client, URL, ["P17-STP", "D157", "D156"], signed_pdf)
    van_client.force_login(hoa)
    html = van_client.get(reverse("review:list") + "?period=2021Q3").content.decode()
    assert 'data-testid="review-row-D157"' in html
    assert 'data-testid="review-row-P17"' not in html
    kstt = ReportType.objects.get(code="kstt")
    (counts,) = selectors.review_counts(recipient=hoa.unit, report_type=kstt, periods=[Period.parse("2021Q3")])
    assert counts.submitted == 0 and counts.waiting == 0  # the province's own submission is not counted


def test_only_the_province_level_reports_outside_kstt_a_department_with_no_parent_owes_nothing(cast, kstt_report):
    # The unit file refuses such a tree; a version written behind its back must still not open a
    # report that nobody would review.
    orphan = Unit.objects.create(code="P99-X")
    UnitVersion.objects.create(unit=orphan, name="Sở không có cấp trên", level="department", parent=None)
    with pytest.raises(services.NotOwed, match="no parent"):
        services._open_or_create(
            unit=orphan, report_type=kstt_report, period=Period.parse("2021Q3"), at=NOW, actor=None
        )
    assert not ReportInstance.objects.exists()


# --- The two-level shape ----------------------------------------------------------------------------------


def test_in_the_two_level_shape_form_07b_has_a_row_per_department_and_commune(van_client, settings, signed_pdf):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=NOW, source="reform")
    settings.KSTT_CLOCK = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)
    url = "/reports/P17/2025Q3/"
    html = van_client.get(url).content.decode()
    assert 'data-testid="row-07b-P17-STP"' in html
    assert 'data-testid="row-07b-W05341"' in html  # the commune now reports straight to the province
    rows = re.findall(r'data-testid="row-07b-([^"]+)"', html)
    response = submit_filled(van_client, url, [r for r in rows if r != "total"], signed_pdf)
    assert response.status_code == 302
    instance = province_report("2025Q3")
    assert instance.status == "submitted" and instance.recipient is None
    assert not Notification.objects.exists()


# --- A history loaded from a file ---------------------------------------------------------------------------

HISTORY = "unit_code,report,period,event,at,reasons\nP17,kstt,2021Q3,submitted,2021-09-20T16:00:00+07:00,\n"


def test_a_loaded_history_sends_the_provinces_report_to_the_government_office(cast, kstt_report):
    at = datetime(2022, 3, 1, 3, 0, tzinfo=UTC)
    services.load_submissions(data=HISTORY.encode(), at=at, source="history.csv")
    instance = province_report()
    assert instance.status == "submitted" and instance.recipient is None
    accepted = HISTORY + "P17,kstt,2021Q3,accepted,2021-09-22T08:00:00+07:00,\n"
    with pytest.raises(SubmissionFileError) as refused:
        services.load_submissions(data=accepted.encode(), at=at, source="history.csv")
    assert refused.value.line == 3 and "Government Office" in refused.value.reason
    assert province_report().status == "submitted"


def test_the_provinces_home_shows_its_own_report_as_sent(van_client, signed_pdf):
    mine = row(van_client.get(reverse("home") + "?year=2021").content.decode(), "owed-P17-2021Q3")
    assert f'href="{URL}"' in mine and "Đã gửi" not in mine
    submit_filled(van_client, URL, ["P17-STP", "D157", "D156"], signed_pdf)
    mine = row(van_client.get(reverse("home") + "?year=2021").content.decode(), "owed-P17-2021Q3")
    assert f'href="{URL}"' in mine and "Đã gửi" in mine
