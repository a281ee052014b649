"""Form 06 of the whole country compiled from the units' reports (issue 15, point 6): every province
compiled as alone, in the same queries as one province whatever the size of the tree; the country's grand
total is the sum of its provinces' and a district's report compiled by unit never counts its communes
twice; `kstt form06-reports --country`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.form06 import add
from kstt.catalogue.rules.periods import Period
from kstt.compilation.rules import MISSING, RECEIVED
from kstt.reports import services
from kstt.reports.compiled_selectors import compile_country_from_reports, compile_from_reports, compile_national_form
from kstt.reports.models import ReportFigure, ReportVersion
from kstt.reports.tests import test_compiled_from_reports
from kstt.reports.tests.test_compiled_from_reports import FORM, PHU_THO_2025, Q3, row, send
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

Q3_2021 = Period(2021, "Q3")
sent = test_compiled_from_reports.sent  # the fixture: Q3/2021 in Hòa Bình, accepted, returned and sent again

#: A second province of the 2021 shape beside the cast's Hòa Bình (P17).
SON_LA = """code,name,level,kind,parent_code
P14,Ủy ban nhân dân tỉnh Sơn La,province,tỉnh,
D116,Ủy ban nhân dân thành phố Sơn La,district,thành phố,P14
W03646,Ủy ban nhân dân phường Chiềng Lề,commune,phường,D116
W03649,Ủy ban nhân dân phường Tô Hiệu,commune,phường,D116
"""


def grown(size: int) -> str:
    """A third province with ``size`` districts of three communes each."""
    lines = ["code,name,level,kind,parent_code", "P99,Ủy ban nhân dân tỉnh Thử,province,tỉnh,"]
    for d in range(size):
        lines.append(f"D9{d:02},Ủy ban nhân dân huyện Thử {d},district,huyện,P99")
        lines.extend(f"W9{d:02}{c},Ủy ban nhân dân xã Thử {d}.{c},commune,xã,D9{d:02}" for c in range(3))
    return "\n".join(lines) + "\n"


def send_by_unit(unit: Unit, report_type, rows: dict[str, dict[str, int]]):
    """The district's reporter sends form 06 compiled by unit: its own row and its communes'."""
    reporter = save_user(
        username=f"r-{unit.code}-units", full_name="Người báo cáo", unit=unit, roles={Role.REPORTER},
        password="correct horse 2021", at=AT,
    )  # fmt: skip
    report = services.open_instance(unit=unit, report_type=report_type, period="2021Q3", at=Q3, actor=reporter)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={FORM: {**rows, "total": add(rows.values())}}, narrative=NARRATIVE, reasons={},
        expected_revision=report.draft.revision, at=Q3, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
        at=Q3, actor=reporter,
    )  # fmt: skip
    return services.submit(instance=report, at=Q3, actor=reporter)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def two(cast, kstt_report):
    """Q3/2021 in two provinces. Hòa Bình: the department (3), Lạc Sơn compiled by unit (its own row 2,
    Yên Nghiệp's 5; Ân Nghĩa left out), Yên Nghiệp and Ân Nghĩa also sent their own (50, 60: never
    counted), Mai Châu and its commune nothing. Sơn La: the city (7) and Chiềng Lề (11) by field."""
    load_units(data=SON_LA.encode(), effective_from=None, at=AT, source="test")
    units = {u.code: u for u in Unit.objects.all()}
    send(units["P17-STP"], kstt_report, "2021Q3", 3, field="TP")
    send(units["W05341"], kstt_report, "2021Q3", 50)
    send(units["W05344"], kstt_report, "2021Q3", 60)
    send_by_unit(units["D157"], kstt_report, {"D157": row(2), "W05341": row(5)})
    send(units["D116"], kstt_report, "2021Q3", 7)
    send(units["W03646"], kstt_report, "2021Q3", 11)
    return units


def test_the_country_is_its_provinces_each_compiled_as_alone(two, kstt_report):
    country = compile_country_from_reports(period=Q3_2021, report_type=kstt_report)
    assert [p.unit_code for p in country.provinces] == ["P14", "P17"]
    alone = {
        code: compile_from_reports(unit=two[code], period=Q3_2021, report_type=kstt_report) for code in ("P14", "P17")
    }
    for province in country.provinces:
        assert province.compilation == alone[province.unit_code].compilation
        assert province.reports_total == alone[province.unit_code].reports_total
    assert [p.compilation.total for p in country.provinces] == [row(7 + 11), row(3 + 2 + 5)]
    assert country.total == add(p.compilation.total for p in alone.values()) == row(28)
    assert country.reports_total == country.total


def test_a_districts_report_by_unit_counts_its_communes_once_in_the_country(two, kstt_report):
    country = compile_country_from_reports(period=Q3_2021, report_type=kstt_report)
    hoa_binh = next(p for p in country.provinces if p.unit_code == "P17")
    lines = {line.member.code: line for line in hoa_binh.compilation.lines}
    assert (lines["W05341"].reported, lines["W05341"].via) == (row(5), "D157")  # not its own 50
    assert (lines["W05344"].status, lines["W05344"].via) == (MISSING, "D157")  # its own 60 is not added
    assert lines["D157"].reported == row(2)
    son_la = next(p for p in country.provinces if p.unit_code == "P14")
    assert [(line.member.code, line.status) for line in son_la.compilation.lines] == [
        ("D116", RECEIVED), ("W03646", RECEIVED), ("W03649", MISSING),
    ]  # fmt: skip


def test_the_country_costs_the_same_queries_however_large_the_tree(two, kstt_report):
    compile_country_from_reports(period=Q3_2021, report_type=kstt_report)  # caches (the form, the settings)
    with CaptureQueriesContext(connection) as small:
        compile_country_from_reports(period=Q3_2021, report_type=kstt_report)
    load_units(data=grown(12).encode(), effective_from=None, at=AT, source="test")
    for unit in Unit.objects.filter(code__startswith="W9")[:20]:
        send(unit, kstt_report, "2021Q3", 1)
    with CaptureQueriesContext(connection) as large:
        country = compile_country_from_reports(period=Q3_2021, report_type=kstt_report)
    assert len(country.provinces) == 3 and sum(len(p.compilation.lines) for p in country.provinces) == 9 + 48
    assert len(large) == len(small) <= 8
    with CaptureQueriesContext(connection) as province:
        compile_from_reports(unit=two["P99"] if "P99" in two else Unit.objects.get(code="P99"), period=Q3_2021,
                             report_type=kstt_report)  # fmt: skip
    assert len(province) <= len(small) + 1  # the same queries, and the unit as it was


def test_the_command_gives_the_countrys_form_one_line_per_province(two, kstt_report):
    out = StringIO()
    call_command("form06_reports", country=True, period="2021Q3", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["country"], data["unit"], data["source"]) == (True, None, "reports")
    assert data["provinces"] == [
        {"unit": "P14", "name": "Ủy ban nhân dân tỉnh Sơn La", "total": row(18), "received": 2, "missing": 1},
        {"unit": "P17", "name": "Ủy ban nhân dân tỉnh Hòa Bình", "total": row(10), "received": 3, "missing": 3},
    ]
    assert data["total"] == row(28) == add(p["total"] for p in data["provinces"])
    assert (data["received"], data["missing"]) == (2 + 3, 1 + 3)
    with pytest.raises(CommandError):
        call_command("form06_reports", "--country", "--unit", "P17", "--period", "2021Q3")
    with pytest.raises(CommandError):
        call_command("form06_reports", "--unit", "P17", "--detail", "--period", "2021Q3")


def test_the_command_gives_every_provinces_compilation_in_detail(two, kstt_report):
    out = StringIO()
    call_command("form06_reports", country=True, detail=True, period="2021Q3", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["country"], data["detail"], data["unit"], data["source"]) == (True, True, None, "reports")
    assert [p["unit"] for p in data["provinces"]] == ["P14", "P17"]
    assert data["total"] == data["reports_total"] == row(28)
    assert data["total"] == add(p["total"] for p in data["provinces"])
    assert (data["received"], data["missing"]) == (2 + 3, 1 + 3)
    alone = StringIO()
    call_command("form06_reports", unit="P17", period="2021Q3", stdout=alone)
    assert data["provinces"][1] == json.loads(alone.getvalue())


# --- The national form: one line per province, summed in SQL --------------------------------------------------


def assert_lines_are_the_provinces_compilations(national, period, kstt_report):
    for line in national.provinces:
        alone = compile_from_reports(unit=Unit.objects.get(code=line.code), period=period, report_type=kstt_report)
        assert (line.code, dict(line.total)) == (line.code, dict(alone.compilation.total))
        assert (line.received, line.missing) == (len(alone.compilation.received), len(alone.compilation.missing))
    assert national.total == add(line.total for line in national.provinces)


def test_the_national_form_has_one_line_per_province_its_compilations_total(two, kstt_report):
    national = compile_national_form(period=Q3_2021, report_type=kstt_report)
    assert [(p.code, p.name) for p in national.provinces] == [
        ("P14", "Ủy ban nhân dân tỉnh Sơn La"), ("P17", "Ủy ban nhân dân tỉnh Hòa Bình"),
    ]  # fmt: skip
    assert_lines_are_the_provinces_compilations(national, Q3_2021, kstt_report)
    assert [dict(p.total) for p in national.provinces] == [row(7 + 11), row(3 + 2 + 5)]
    assert [(p.received, p.missing) for p in national.provinces] == [(2, 1), (3, 3)]
    assert national.total == row(28) == compile_country_from_reports(period=Q3_2021, report_type=kstt_report).total
    assert (national.received, national.missing) == (5, 4)


def test_the_national_form_counts_a_districts_communes_once(two, kstt_report):
    """Lạc Sơn's report compiled by unit carries Yên Nghiệp (5) and not Ân Nghĩa: their own reports (50,
    60) are never added, and Ân Nghĩa is missing; Sơn La's city reported by field, so Chiềng Lề's own
    report (11) counts."""
    national = compile_national_form(period=Q3_2021, report_type=kstt_report)
    hoa_binh = next(p for p in national.provinces if p.code == "P17")
    assert hoa_binh.total["received_total"] == row(10)["received_total"] == 30  # 3 + 2 + 5, not + 50 + 60
    son_la = next(p for p in national.provinces if p.code == "P14")
    assert son_la.total == row(18)


def test_the_national_form_takes_the_standing_versions(sent, kstt_report):
    """Ân Nghĩa accepted (4) with a later version 2 (40) not reviewed: the accepted one stands; Yên
    Nghiệp returned (1) then sent again (7): the latest counts."""
    accepted = ReportVersion.objects.get(instance__unit=sent["W05344"], number=1)
    later = ReportVersion.objects.create(instance=accepted.instance, number=2, submitted_at=Q3)
    ReportFigure.objects.bulk_create(
        ReportFigure(version=later, form=FORM, row=key, column=c, value=v)
        for key in ("HT", "total")
        for c, v in row(40).items()
    )
    national = compile_national_form(period=Q3_2021, report_type=kstt_report)
    assert_lines_are_the_provinces_compilations(national, Q3_2021, kstt_report)
    (hoa_binh,) = national.provinces
    assert (dict(hoa_binh.total), hoa_binh.received, hoa_binh.missing) == (row(3 + 2 + 4 + 7), 4, 2)


def test_the_national_form_of_two_level_provinces(cast, kstt_report):
    load_units(data=PHU_THO_2025.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    units = {u.code: u for u in Unit.objects.filter(code__in=["P25", "P25-STP", "W09001", "W09002"])}
    at = datetime(2026, 1, 3, 2, 0, tzinfo=UTC)
    send(units["P25-STP"], kstt_report, "2025Q4", 5, field="TP", at=at)
    send(units["W09001"], kstt_report, "2025Q4", 6, at=at)
    q4 = Period(2025, "Q4")
    national = compile_national_form(period=q4, report_type=kstt_report)
    assert_lines_are_the_provinces_compilations(national, q4, kstt_report)
    phu_tho = next(p for p in national.provinces if p.code == "P25")
    assert (dict(phu_tho.total), phu_tho.received, phu_tho.missing) == (row(11), 2, 1)


def test_the_national_form_costs_the_same_queries_however_large_the_tree(two, kstt_report):
    compile_national_form(period=Q3_2021, report_type=kstt_report)  # caches (the form, the settings)
    with CaptureQueriesContext(connection) as small:
        compile_national_form(period=Q3_2021, report_type=kstt_report)
    load_units(data=grown(12).encode(), effective_from=None, at=AT, source="test")
    for unit in Unit.objects.filter(code__startswith="W9")[:20]:
        send(unit, kstt_report, "2021Q3", 1)
    send_by_unit(Unit.objects.get(code="D900"), kstt_report, {"D900": row(1), "W9000": row(2)})
    with CaptureQueriesContext(connection) as large:
        national = compile_national_form(period=Q3_2021, report_type=kstt_report)
    assert len(large) == len(small) <= 3
    assert [p.code for p in national.provinces] == ["P14", "P17", "P99"]
    assert_lines_are_the_provinces_compilations(national, Q3_2021, kstt_report)
    assert national.provinces[2].received + national.provinces[2].missing == 48
