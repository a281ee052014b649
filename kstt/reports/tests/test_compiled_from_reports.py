"""Form 06 compiled from the units' reports: the province and a district sum the standing version of each
unit's report (accepted, else the latest submitted), list the units that have not reported, and show the
dossiers' figures beside the reported ones; in the 2021 shape and the two-level one, on both engines."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add
from kstt.catalogue.rules.periods import Period
from kstt.compilation.rules import ACCEPTED, LATEST, MISSING, RECEIVED
from kstt.compilation.selectors import CompilationError
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.reports import services
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.models import ReportFigure
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

FORM = "06/VPCP/KSTT"
Q3 = datetime(2021, 10, 2, 2, 0, tzinfo=UTC)


def row(n: int) -> dict[str, int]:
    """A form 06 row that keeps R1–R4: n received each way, 2n settled, n pending."""
    return {
        "received_total": 3 * n, "received_online": n, "received_direct": n, "carried_over": n,
        "settled_total": 2 * n, "settled_early": n, "settled_on_time": n, "settled_late": 0,
        "pending_total": n, "pending_in_time": n, "pending_overdue": 0,
    }  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send(unit: Unit, report_type, period: str, n: int, *, field: str = "HT", at: datetime = Q3):
    """The unit's reporter fills form 06 with ``row(n)`` and submits: the version made."""
    reporter = save_user(
        username=f"r-{unit.code}-{n}", full_name="Người báo cáo", unit=unit, roles={Role.REPORTER},
        password="correct horse 2021", at=AT,
    )  # fmt: skip
    report = services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=reporter)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={FORM: {field: row(n), "total": row(n)}}, narrative=NARRATIVE, reasons={},
        expected_revision=report.draft.revision, at=at, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
        at=at, actor=reporter,
    )  # fmt: skip
    return services.submit(instance=report, at=at, actor=reporter)


@pytest.fixture
def sent(cast, kstt_report, minh, hoa):
    """Q3/2021 in Hòa Bình: the department (3) and Lạc Sơn (2) reported, Lạc Sơn's reviewer accepted Ân
    Nghĩa (4) and returned Yên Nghiệp's first version (1), which came back as version 2 (7); Mai Châu and
    its commune sent nothing."""
    send(cast["P17-STP"], kstt_report, "2021Q3", 3, field="TP")
    services.accept(version=send(cast["D157"], kstt_report, "2021Q3", 2), at=Q3, actor=hoa)
    services.accept(version=send(cast["W05344"], kstt_report, "2021Q3", 4), at=Q3, actor=minh)
    first = send(cast["W05341"], kstt_report, "2021Q3", 1)
    services.return_report(version=first, reasons=["forms"], text="Sai số liệu", at=Q3, actor=minh)
    report = first.instance
    report.refresh_from_db()
    reporter = first.submitted_by
    services.save_draft(
        instance=report, values={FORM: {"HT": row(7), "total": row(7)}}, narrative=NARRATIVE, reasons={},
        expected_revision=report.draft.revision, at=Q3, actor=reporter,
    )  # fmt: skip
    services.submit(instance=report, at=Q3, actor=reporter)
    return cast


def by_unit(compiled):
    return {line.member.code: line for line in compiled.compilation.lines}


def test_the_province_sums_the_standing_reports_and_lists_the_missing(sent, kstt_report):
    compiled = compile_from_reports(unit=sent["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    lines = by_unit(compiled)
    assert list(lines) == ["P17-STP", "D156", "D157", "W05200", "W05341", "W05344"]
    assert (lines["W05341"].standing.number, lines["W05341"].standing.basis) == (2, LATEST)
    assert lines["W05341"].reported == row(7)  # the version sent back, not the returned one
    assert (lines["W05344"].standing.basis, lines["D157"].standing.basis) == (ACCEPTED, ACCEPTED)
    assert [(c, lines[c].status) for c in ("D156", "W05200")] == [("D156", MISSING), ("W05200", MISSING)]
    assert [line.member.code for line in compiled.compilation.missing] == ["D156", "W05200"]
    assert (lines["P17-STP"].standing.number, lines["P17-STP"].reported) == (1, row(3))
    # The grand total is the sum of the totals of the reports received: 3 + 2 + 7 + 4, each once.
    assert compiled.compilation.total == row(3 + 2 + 7 + 4)
    received = [line.reported for line in compiled.compilation.received]
    assert compiled.compilation.total == add(received) == compiled.reports_total
    communes = next(b for b in compiled.compilation.blocks if b.key == "commune")
    assert [(s.key, s.received, s.missing) for s in communes.subblocks] == [
        ("D156/commune", 0, 1),
        ("D157/commune", 2, 0),
    ]


def test_a_district_compiles_its_own_row_beside_its_communes(sent, kstt_report):
    compiled = compile_from_reports(unit=sent["D157"], period=Period(2021, "Q3"), report_type=kstt_report)
    assert list(by_unit(compiled)) == ["D157", "W05341", "W05344"]
    assert compiled.compilation.total == row(2 + 7 + 4) and compiled.compilation.missing == ()


def test_a_district_report_compiled_by_unit_carries_its_communes_counted_once(cast, kstt_report, hoa):
    """Lạc Sơn sent its form compiled by unit (its own row, Yên Nghiệp's; Ân Nghĩa left out): the province
    takes the communes from it, never from their own reports as well."""
    send(cast["W05341"], kstt_report, "2021Q3", 50)
    send(cast["W05344"], kstt_report, "2021Q3", 60)
    reporter = save_user(
        username="r-D157", full_name="Người báo cáo", unit=cast["D157"], roles={Role.REPORTER},
        password="correct horse 2021", at=AT,
    )  # fmt: skip
    report = services.open_instance(unit=cast["D157"], report_type=kstt_report, period="2021Q3", at=Q3, actor=reporter)
    report.refresh_from_db()
    rows = {"D157": row(1), "W05341": row(2), "total": row(3)}
    services.save_draft(
        instance=report, values={FORM: rows}, narrative=NARRATIVE, reasons={},
        expected_revision=report.draft.revision, at=Q3, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
        at=Q3, actor=reporter,
    )  # fmt: skip
    services.submit(instance=report, at=Q3, actor=reporter)
    compiled = compile_from_reports(unit=cast["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    lines = by_unit(compiled)
    assert (lines["D157"].reported, lines["D157"].via) == (row(1), "")
    assert (lines["W05341"].reported, lines["W05341"].via, lines["W05341"].standing.number) == (row(2), "D157", 1)
    assert (lines["W05344"].status, lines["W05344"].via) == (MISSING, "D157")  # its own report is not added
    assert compiled.compilation.total == row(3) == compiled.reports_total  # Lạc Sơn's total, the only report
    # Lạc Sơn's own compilation takes its own row and its communes' reports.
    district = compile_from_reports(unit=cast["D157"], period=Period(2021, "Q3"), report_type=kstt_report)
    assert district.compilation.total == row(1 + 50 + 60)


def test_a_commune_compiles_nothing(sent, kstt_report):
    with pytest.raises(CompilationError):
        compile_from_reports(unit=sent["W05341"], period=Period(2021, "Q3"), report_type=kstt_report)


def test_the_dossiers_figures_stand_beside_the_reported_ones(sent, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    compiled = compile_from_reports(unit=sent["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    lines = by_unit(compiled)
    yen_nghiep = lines["W05341"]
    assert yen_nghiep.computed is not None and yen_nghiep.status == RECEIVED
    assert yen_nghiep.differences == tuple(
        c for c in FORM06_COLUMNS if yen_nghiep.reported[c] != yen_nghiep.computed[c]
    )
    assert yen_nghiep.differences  # 7s everywhere against a handful of dossiers
    assert lines["P17-STP"].computed is None  # no dossier of the department: nothing to compare
    assert lines["W05200"].computed is not None and lines["W05200"].status == MISSING  # shown, never summed
    assert compiled.compilation.total == row(16)


def test_the_compilation_costs_the_same_queries_for_a_district_and_the_province(
    sent, kstt_report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        compile_from_reports(unit=sent["P17"], period=Period(2021, "Q3"), report_type=kstt_report)
    with django_assert_max_num_queries(12):
        compile_from_reports(unit=sent["D157"], period=Period(2021, "Q3"), report_type=kstt_report)


PHU_THO_2025 = """code,name,level,kind,parent_code
P25,Ủy ban nhân dân tỉnh Phú Thọ,province,tỉnh,
P25-STP,Sở Tư pháp tỉnh Phú Thọ,department,"sở, ban, ngành",P25
W09001,Ủy ban nhân dân phường Hòa Bình,commune,phường,P25
W09002,Ủy ban nhân dân xã Tân Lạc,commune,xã,P25
"""


def test_the_two_level_province_compiles_its_departments_and_communes(cast, kstt_report):
    load_units(data=PHU_THO_2025.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    units = {u.code: u for u in Unit.objects.filter(code__in=["P25", "P25-STP", "W09001", "W09002"])}
    at = datetime(2026, 1, 3, 2, 0, tzinfo=UTC)
    send(units["P25-STP"], kstt_report, "2025Q4", 5, field="TP", at=at)
    send(units["W09001"], kstt_report, "2025Q4", 6, at=at)
    compiled = compile_from_reports(unit=units["P25"], period=Period(2025, "Q4"), report_type=kstt_report)
    assert [b.key for b in compiled.compilation.blocks] == ["department", "commune"]
    assert compiled.compilation.total == row(11)
    assert [line.member.code for line in compiled.compilation.missing] == ["W09002"]


def test_the_command_and_the_api_give_the_same_json(sent, kstt_report, hoa, lan):
    out = StringIO()
    call_command("form06_reports", unit="P17", period="2021Q3", stdout=out)
    data = json.loads(out.getvalue())
    assert data["source"] == "reports" and data["total"] == data["reports_total"] == row(16)
    assert [m["unit"] for m in data["missing"]] == ["D156", "W05200"]
    yen_nghiep = next(r for r in data["rows"] if r["unit"] == "W05341")
    assert (yen_nghiep["version"], yen_nghiep["standing"], yen_nghiep["reported"]) == (2, "latest", row(7))
    assert data["subtotals"]["D157/commune"]["received"] == 2
    with pytest.raises(CommandError, match="receives no reports"):
        call_command("form06_reports", unit="W05341", period="2021Q3")
    api = APIClient()
    api.force_authenticate(hoa)
    answer = api.get("/api/form06/reports/", {"unit": "P17", "period": "2021Q3"})
    assert answer.status_code == 200 and answer.json() == data
    api.force_authenticate(lan)  # a commune's reporter
    assert api.get("/api/form06/reports/", {"unit": "D157", "period": "2021Q3"}).status_code == 404


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [
        pytest.param("hoa", "P17", 200, id="the-provinces-reviewer"),
        pytest.param("minh", "D157", 200, id="the-districts-reviewer"),
        pytest.param("hoa", "D157", 200, id="the-provinces-reviewer-reads-a-district"),
        pytest.param("minh", "P17", 404, id="a-districts-reviewer-not-the-province"),
        pytest.param("minh", "D156", 404, id="a-districts-reviewer-not-another-district"),
        pytest.param("lan", "D157", 404, id="a-communes-reporter"),
        pytest.param("tuan", "P17", 404, id="a-departments-reporter"),
        pytest.param("minh", "W05341", 404, id="a-commune-compiles-nothing"),
    ],
)
def test_the_page_is_for_the_receiving_units_reviewers(request, client, sent, person, code, status):
    client.force_login(request.getfixturevalue(person))
    page = client.get(reverse("compiled:form06_reports", args=[code]) + "?period=2021Q3")
    assert page.status_code == status


def test_the_province_page_shows_the_missing_and_the_differences(client, sent, hoa):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    client.force_login(hoa)
    html = client.get(reverse("compiled:form06_reports", args=["P17"]) + "?period=2021Q3").content.decode()
    missing = html.split('data-testid="missing-units"')[1].split("</div>")[0]
    assert "Mai Châu" in missing and "D156" in missing and "W05341" not in missing
    assert 'data-testid="differs-W05341-3"' in html
    assert "row=W05341&amp;column=received_total" in html
    total = html.split('data-testid="total"')[1].split("</tr>")[0]
    assert f"<td>{3 * 16}</td>" in total
    computed = html.split('data-testid="computed-total"')[1].split("</tr>")[0]
    assert 'class="table-danger"' in computed and "row=total&amp;column=received_total" in computed
    assert "phiên bản 2 gửi gần nhất" in html.split('data-testid="standing-W05341"')[1].split("</span>")[0]


def test_figures_are_written_with_each_version(sent):
    version = sent["W05341"].reports.get().versions.get(number=2)
    assert (
        ReportFigure.objects.filter(version=version, form=FORM, row="total", column="received_total").get().value == 21
    )


def test_the_unit_page_offers_the_compilation_to_reviewers_only(client, sent, minh, lan):
    client.force_login(minh)
    assert 'data-testid="form06-reports-link"' in client.get(reverse("units:detail", args=["D157"])).content.decode()
    assert (
        'data-testid="form06-reports-link"' not in client.get(reverse("units:detail", args=["W05341"])).content.decode()
    )


def test_the_page_queries_do_not_grow_with_units(client, sent, hoa, django_assert_max_num_queries):
    client.force_login(hoa)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("compiled:form06_reports", args=["P17"]) + "?period=2021Q3")
    assert page.status_code == 200 and 'data-testid="totals-differ"' not in page.content.decode()
