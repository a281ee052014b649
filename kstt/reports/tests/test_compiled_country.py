"""Form 06 of the whole country compiled from the units' reports (issue 15, point 6): every province
compiled as alone, in the same queries as one province whatever the size of the tree; the country's grand
total is the sum of its provinces' and a district's report compiled by unit never counts its communes
twice; `kstt form06-reports --country`."""

from __future__ import annotations

import json
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
from kstt.reports.compiled_selectors import compile_country_from_reports, compile_from_reports
from kstt.reports.tests.test_compiled_from_reports import FORM, Q3, row, send
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

Q3_2021 = Period(2021, "Q3")

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


def test_the_command_gives_the_country_as_json(two, kstt_report):
    out = StringIO()
    call_command("form06_reports", country=True, period="2021Q3", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["country"], data["unit"], data["source"]) == (True, None, "reports")
    assert [p["unit"] for p in data["provinces"]] == ["P14", "P17"]
    assert data["total"] == data["reports_total"] == row(28)
    assert data["total"] == add(p["total"] for p in data["provinces"])
    assert (data["received"], data["missing"]) == (2 + 3, 1 + 3)
    alone = StringIO()
    call_command("form06_reports", unit="P17", period="2021Q3", stdout=alone)
    assert data["provinces"][1] == json.loads(alone.getvalue())
    with pytest.raises(CommandError):
        call_command("form06_reports", "--country", "--unit", "P17", "--period", "2021Q3")
