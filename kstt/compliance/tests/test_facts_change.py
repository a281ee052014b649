"""A verdict is recomputed whenever a fact changes (issue 9, point 1): nothing is stored to go stale.

The Department of Justice's Q3 2021 report: window ends Tue 14/09, E + 4 = Sat 18/09, so the deadline
is the end of Monday 20/09/2021; judged on 01/11/2021, after the closing time (20/10).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.choices import DayKind
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import declare_day, withdraw_day
from kstt.compliance.rules import Status, points
from kstt.compliance.selectors import judged
from kstt.incidents.services import close_incident, record_incident
from kstt.reports.services import load_submissions
from kstt.tests.cast import *  # noqa: F403

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
Q3 = Period.parse("2021Q3")
AS_OF = datetime(2021, 11, 1, tzinfo=HN)
#: Each change below moves a final ledger line: it needs a reason (issue 14 point 4).
WHY = "Kiểm thử: thay đổi sự kiện sau khi sổ đã có dòng"


def verdict_of(report_type, unit, as_of=AS_OF):
    [line] = judged(report_type=report_type, periods=[Q3], as_of=as_of, unit_ids=[unit.pk])
    return line.verdict


def load(rows: str) -> None:
    load_submissions(data=f"unit_code,report,period,event,at,reasons\n{rows}".encode(), at=AS_OF)


def test_each_fact_changes_the_verdict(kstt_report, dept_justice, quan) -> None:
    first = verdict_of(kstt_report, dept_justice)
    assert (first.status, points(first.deduction)) == (Status.NOT_SENT, "0.50")

    # A submission (the morning after the deadline).
    load("P17-STP,kstt,2021Q3,submitted,2021-09-21T10:00:00+07:00,")
    late = verdict_of(kstt_report, dept_justice)
    assert (late.status, points(late.deduction)) == (Status.LATE, "0.25")

    # A calendar change: the province declares Monday 20/09 a day off; the deadline moves to 21/09.
    day = declare_day(
        day=date(2021, 9, 20), kind=DayKind.DAY_OFF, name="Nghỉ bù (thử)", at=AS_OF, actor=quan, reason=WHY
    )
    moved = verdict_of(kstt_report, dept_justice)
    assert moved.deadline == datetime(2021, 9, 21, 23, 59, 59, 999999, tzinfo=HN)
    assert (moved.status, points(moved.deduction)) == (Status.ON_TIME, "0.00")
    withdraw_day(entry=day, at=AS_OF, actor=quan, reason=WHY)
    assert verdict_of(kstt_report, dept_justice).status is Status.LATE

    # An incident in the last 24 hours before the deadline, still open: the report was not late.
    incident = record_incident(
        start=datetime(2021, 9, 20, 22, tzinfo=HN),
        end=None,
        all_units=True,
        units=[],
        description="Hệ thống báo cáo mất kết nối",
        at=AS_OF,
        actor=quan,
        reason=WHY,
    )
    held = verdict_of(kstt_report, dept_justice)
    assert (held.status, held.effective_deadline, held.incidents) == (Status.EXCUSED, None, (incident.pk,))
    assert not held.final  # the closing time is held open too: no ledger line yet
    # It ends the next morning: the deadline is the end of the first working day after, 22/09.
    close_incident(incident=incident, end=datetime(2021, 9, 21, 8, tzinfo=HN), at=AS_OF, actor=quan, reason=WHY)
    excused = verdict_of(kstt_report, dept_justice)
    assert excused.effective_deadline == datetime(2021, 9, 22, 23, 59, 59, 999999, tzinfo=HN)
    assert (excused.status, points(excused.deduction), excused.final) == (Status.EXCUSED, "0.00", True)

    # A review: the provincial office returns the version that stands.
    load("P17-STP,kstt,2021Q3,returned,2021-09-24T09:00:00+07:00,incomplete")
    faulty = verdict_of(kstt_report, dept_justice)
    assert (faulty.status, faulty.faults, points(faulty.deduction)) == (Status.EXCUSED, ("incomplete",), "0.25")
    # Corrected after the effective deadline: the returned version still stands.
    load(
        "P17-STP,kstt,2021Q3,submitted,2021-09-27T09:00:00+07:00,\nP17-STP,kstt,2021Q3,accepted,2021-09-28T09:00:00+07:00,"
    )
    assert verdict_of(kstt_report, dept_justice).faults == ("incomplete",)


def test_as_of_sees_the_facts_as_they_were(kstt_report, dept_justice) -> None:
    load(
        "P17-STP,kstt,2021Q3,submitted,2021-09-17T10:00:00+07:00,\n"
        "P17-STP,kstt,2021Q3,returned,2021-10-25T09:00:00+07:00,forms"
    )
    before = verdict_of(kstt_report, dept_justice, as_of=datetime(2021, 10, 24, tzinfo=HN))
    assert (before.status, before.faults, before.final) == (Status.ON_TIME, (), True)
    after = verdict_of(kstt_report, dept_justice)
    assert (after.faults, points(after.deduction)) == (("forms",), "0.25")


def test_a_settings_change_judges_the_periods_it_covers(kstt_report, dept_justice, commune_yen_nghiep, quan) -> None:
    from kstt.catalogue.services import change_settings

    load("P17-STP,kstt,2021Q3,submitted,2021-09-21T10:00:00+07:00,")
    before = judged(report_type=kstt_report, periods=[Q3], as_of=AS_OF, scored_only=True)
    assert {(j.code, j.settings_version, str(j.verdict.deduction)) for j in before if j.code == "P17-STP"} == {
        ("P17-STP", 1, "0.25")
    }
    assert "W05341" not in {j.code for j in before}  # communes are not scored in 2021 by default
    new = change_settings(
        report_type=kstt_report,
        values={"late_points": "0.30", "scored_levels": ["department", "district", "commune"]},
        valid_from=Q3,
        note="Quyết định thử nghiệm",
        at=AS_OF,
        actor=quan,
        reason=WHY,
    )
    after = {j.code: j for j in judged(report_type=kstt_report, periods=[Q3], as_of=AS_OF, scored_only=True)}
    assert after["P17-STP"].settings_version == new.number
    assert str(after["P17-STP"].verdict.deduction) == "0.30"
    assert after["W05341"].scored and str(after["W05341"].verdict.deduction) == "0.50"
    # Q2 is judged by the settings in force for it, untouched.
    q2 = judged(report_type=kstt_report, periods=[Period.parse("2021Q2")], as_of=AS_OF, scored_only=True)
    assert {j.settings_version for j in q2} == {1} and "W05341" not in {j.code for j in q2}
