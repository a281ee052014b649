"""The ledger reads the appeals: an overturned line stays, marked, and no longer counts; as known at an instant.

The story of ledger_story.py (Sở Tư pháp, Lạc Sơn and Mai Châu in 2021).
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from kstt.catalogue.rules.periods import Period
from kstt.compliance.ledger_selectors import ledger, line_evidence, year_table
from kstt.compliance.models import Appeal
from kstt.compliance.services import decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import (
    AS_OF,
    DECIDED,
    FILED,
    NOW,
    history,  # noqa: F401 (a fixture)
    make_thu,
)
from kstt.incidents.services import record_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


@pytest.fixture
def thu(district_lac_son):
    return make_thu(district_lac_son)


Q1, Q3 = Period.parse("2021Q1"), Period.parse("2021Q3")


def ledger_of(report_type, as_of):
    return ledger(report_type=report_type, year=2021, as_of=as_of)


def line(the_ledger, code, period):
    return next(x for x in the_ledger.lines if (x.judged.code, x.judged.period.code) == (code, period))


@pytest.fixture
def appealed(kstt_report, dept_justice, district_lac_son, tuan, thu, hoa):
    """Tuấn's Q1 overturned, Thu's Q1 (Lạc Sơn) upheld, Tuấn's Q3 still pending."""
    tuan_q1 = file_appeal(unit=dept_justice, report_type=kstt_report, period=Q1, reason="Có sự cố.", at=FILED,
                          actor=tuan)  # fmt: skip
    thu_q1 = file_appeal(unit=district_lac_son, report_type=kstt_report, period=Q1, reason="Biểu đã gửi.",
                         at=FILED, actor=thu)  # fmt: skip
    file_appeal(unit=dept_justice, report_type=kstt_report, period=Q3, reason="Mạng chậm.", at=FILED, actor=tuan)
    decide_appeal(appeal=tuan_q1, decision="overturned", reason="Xác minh được sự cố.", at=DECIDED, actor=hoa)
    decide_appeal(appeal=thu_q1, decision="upheld", reason="Không có căn cứ.", at=DECIDED, actor=hoa)


def test_the_years_table_as_the_story_says(kstt_report):
    table = year_table(report_type=kstt_report, year=2021, as_of=AS_OF)
    assert [row.code for row in table.rows] == ["P17-STP", "D156", "D157"]  # departments, then districts
    totals = {row.code: row.total for row in table.rows}
    assert totals == {"P17-STP": Decimal("0.75"), "D156": Decimal("1.50"), "D157": Decimal("0.75")}
    assert table.total == Decimal("3.00")
    assert table.period_totals == {
        "2021Q1": Decimal("1.25"),
        "2021Q2": Decimal("1.00"),
        "2021Q3": Decimal("0.75"),
        "2021Q4": Decimal("0.00"),
    }
    assert {(c.judged.code, c.judged.period.code) for c in table.not_final} == {
        (code, "2021Q4") for code in ("P17-STP", "D156", "D157")
    }
    # the table's ledger is exactly the ledger of kstt deductions
    assert [(x.judged.code, x.judged.period.code, x.points) for x in table.ledger.lines] == [
        (x.judged.code, x.judged.period.code, x.points) for x in ledger_of(kstt_report, AS_OF).lines
    ]


def test_an_overturned_line_stays_marked_and_no_longer_counts(appealed, kstt_report):
    the_ledger = ledger_of(kstt_report, NOW)
    overturned = line(the_ledger, "P17-STP", "2021Q1")
    assert overturned.appeal.decision == "overturned" and overturned.appeal.decision_reason == "Xác minh được sự cố."
    assert not overturned.counted and overturned.points == Decimal("0.00")
    assert overturned.judged.verdict.deduction == Decimal("0.50")  # the rules' deduction is still shown
    upheld = line(the_ledger, "D157", "2021Q1")
    assert upheld.appeal.decision == "upheld" and upheld.counted and upheld.points == Decimal("0.25")
    pending = line(the_ledger, "P17-STP", "2021Q3")
    assert pending.appeal.decision == "pending" and pending.counted
    assert the_ledger.totals == {"D156": Decimal("1.50"), "D157": Decimal("0.75"), "P17-STP": Decimal("0.25")}
    table = year_table(report_type=kstt_report, year=2021, as_of=NOW)
    assert {row.code: row.total for row in table.rows}["P17-STP"] == Decimal("0.25")
    assert table.total == Decimal("2.50")


@pytest.mark.parametrize(
    ("as_of", "decision", "counted"),
    [
        pytest.param(FILED - timedelta(microseconds=1), None, True, id="before-it-was-filed"),
        pytest.param(FILED, "pending", True, id="the-instant-it-was-filed"),
        pytest.param(DECIDED - timedelta(microseconds=1), "pending", True, id="before-the-decision"),
        pytest.param(DECIDED, "overturned", False, id="the-instant-of-the-decision"),
    ],
)
def test_the_ledger_as_known_at_an_instant(appealed, kstt_report, as_of, decision, counted):
    found = line(ledger_of(kstt_report, as_of), "P17-STP", "2021Q1")
    assert (found.appeal.decision if found.appeal else None, found.counted) == (decision, counted)
    if decision == "pending":
        assert found.appeal.decision_reason == ""  # not known yet


def test_the_latest_appeal_of_a_line_stands(appealed, kstt_report, district_lac_son, thu, hoa):
    """A line appealed twice, as the records may hold from before one appeal per line (issue 14; the service
    refuses it now): the ledger reads the latest."""
    again = Appeal.objects.create(unit=district_lac_son, report_type=kstt_report, period=Q1.code,
                                  reason="Có biên bản mới.", line={}, filed_by=thu,
                                  filed_at=DECIDED + timedelta(days=1))  # fmt: skip
    assert line(ledger_of(kstt_report, NOW), "D157", "2021Q1").appeal.id == again.id
    decide_appeal(appeal=again, decision="overturned", reason="Đủ căn cứ.", at=DECIDED + timedelta(days=2), actor=hoa)
    assert not line(ledger_of(kstt_report, NOW), "D157", "2021Q1").counted


def test_kstt_deductions_says_where_each_appeal_stands(appealed, settings):
    settings.KSTT_CLOCK = NOW
    out = io.StringIO()
    call_command("deductions", "--year", "2021", stdout=out)
    result = json.loads(out.getvalue())
    assert result["appeals"] == [
        {"unit": "D157", "report": "kstt", "period": "2021Q1", "decision": "upheld", "deduction": "0.25",
         "counted": True},
        {"unit": "P17-STP", "report": "kstt", "period": "2021Q1", "decision": "overturned", "deduction": "0.50",
         "counted": False},
        {"unit": "P17-STP", "report": "kstt", "period": "2021Q3", "decision": "pending", "deduction": "0.25",
         "counted": True},
    ]  # fmt: skip
    overturned = next(x for x in result["lines"] if (x["unit"], x["period"]) == ("P17-STP", "2021Q1"))
    assert overturned["deduction"] == "0.00" and overturned["status"] == "not_sent"
    assert result["totals"]["P17-STP"] == "0.25"


def test_a_lines_evidence(appealed, kstt_report, district_lac_son, dept_justice, hoa):
    lac_son = line_evidence(report_type=kstt_report, unit_id=district_lac_son.pk, period=Q1, as_of=NOW)
    assert lac_son.review.version == 1 and lac_son.review.decision == "returned"
    assert lac_son.review.reasons == ("forms",)
    assert [a.decision for a in lac_son.appeals] == ["upheld"]
    assert lac_son.appeals[0].decided_by == "Phạm Thị Hoa" and lac_son.appeals[0].filed_by == "Vũ Thị Thu"
    assert lac_son.cell.in_ledger and lac_son.cell.counted
    assert lac_son.judged.schedule.steps  # how the deadline was reached
    justice_q1 = line_evidence(report_type=kstt_report, unit_id=dept_justice.pk, period=Q1, as_of=NOW)
    assert justice_q1.review is None and not justice_q1.cell.counted


def test_the_incidents_a_line_rests_on(kstt_report, dept_justice, hoa):
    """An incident open on the deadline of Q3 (20/09) moves Sở Tư pháp's deadline: it is excused, and named."""
    incident = record_incident(
        start=AS_OF.replace(month=9, day=20, hour=20), end=AS_OF.replace(month=9, day=22, hour=8), all_units=False,
        units=[dept_justice], description="Mất kết nối", at=AS_OF, actor=hoa, reason="Biên bản sự cố",
    )  # fmt: skip
    evidence = line_evidence(report_type=kstt_report, unit_id=dept_justice.pk, period=Q3, as_of=NOW)
    assert evidence.judged.verdict.status == "excused"
    assert [(i.id, i.description) for i in evidence.incidents] == [(incident.pk, "Mất kết nối")]


def test_a_unit_that_owed_nothing_has_no_evidence(kstt_report):
    from kstt.units.models import Unit

    nowhere = Unit.objects.create(code="ZZ")  # no version in the tree: it owed no report
    assert line_evidence(report_type=kstt_report, unit_id=nowhere.pk, period=Q1, as_of=NOW) is None
