"""The verdict of one report instance (rules.md §4–§6), case by case, without a database.

The story: a district's Q3 2021 report. The window ends Tuesday 14/09/2021; E + 5 is Sunday 19/09,
so the deadline is the end of Monday 20/09/2021 (Hà Nội time), and the closing time the end of the
30th day after it, Wednesday 20/10/2021.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import DEFAULT_POLICY, schedule, vietnam_calendar
from kstt.catalogue.rules.periods import Period
from kstt.compliance.rules import Amounts, Status, VersionFacts, as_known, deduction, points, verdict
from kstt.incidents.rules import IncidentSpan

HN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
CAL = vietnam_calendar([2021, 2022])
Q3 = schedule(Period.parse("2021Q3"), "district", DEFAULT_POLICY, CAL, HN)
DEADLINE = Q3.deadline  # 20/09/2021 23:59:59.999999 +07:00
CLOSING = Q3.closing  # 20/10/2021 23:59:59.999999 +07:00
AFTER = datetime(2021, 12, 1, tzinfo=HN)  # every case is judged after the closing time unless it says
US = timedelta(microseconds=1)


def at(day: int, month: int = 9, hour: int = 10, minute: int = 0, tz: ZoneInfo = HN) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=tz)


def sent(number: int, when: datetime, decision: str | None = None, *reasons: str, reviewed: datetime | None = None):
    if decision is not None and reviewed is None:
        reviewed = when + timedelta(hours=2)
    return VersionFacts(number, when, decision, tuple(reasons), reviewed)


def incident(id: int, start: datetime, end: datetime | None) -> IncidentSpan:
    return IncidentSpan(id=id, start=start, end=end, all_units=True)


@dataclass
class Case:
    name: str
    versions: list[VersionFacts]
    status: Status
    deduction: str
    faults: tuple[str, ...] = ()
    incidents_: list[IncidentSpan] = field(default_factory=list)
    used: tuple[int, ...] = ()
    effective: datetime | None = DEADLINE
    as_of: datetime = AFTER
    standing: int | None = None


CASES = [
    Case("exactly at the deadline", [sent(1, DEADLINE, "accepted")], Status.ON_TIME, "0.00", standing=1),
    Case("one microsecond after the deadline", [sent(1, DEADLINE + US, "accepted")], Status.LATE, "0.25", standing=1),
    Case(
        "weekend rollover: E+5 is Sunday, sent Monday", [sent(1, at(20, hour=16))], Status.ON_TIME, "0.00", standing=1
    ),
    Case("the day after the rolled deadline", [sent(1, at(21, hour=0))], Status.LATE, "0.25", standing=1),
    Case(
        "a timestamp written in UTC, at the deadline's last microsecond",
        [sent(1, datetime(2021, 9, 20, 16, 59, 59, 999999, tzinfo=UTC))],
        Status.ON_TIME,
        "0.00",
        standing=1,
    ),
    Case(
        "a timestamp written in UTC, one microsecond later (already 21/09 in Hà Nội, still 20/09 in UTC)",
        [sent(1, datetime(2021, 9, 20, 17, 0, tzinfo=UTC))],
        Status.LATE,
        "0.25",
        standing=1,
    ),
    Case(
        "incident open at the deadline and still open: cannot be late yet",
        [sent(1, at(25))],
        Status.EXCUSED,
        "0.00",
        incidents_=[incident(7, at(20, hour=9), None)],
        used=(7,),
        effective=None,
        standing=1,
    ),
    Case(
        "incident open at the deadline, nothing sent: held open, not 'not sent'",
        [],
        Status.INCIDENT_OPEN,
        "0.00",
        incidents_=[incident(7, at(20, hour=9), None)],
        used=(7,),
        effective=None,
    ),
    Case(
        "incident in the last 24 hours, ended the next day: deadline the end of the first working day after",
        [sent(1, at(22, hour=15))],
        Status.EXCUSED,
        "0.00",
        incidents_=[incident(3, at(20, hour=22), at(21, hour=9))],
        used=(3,),
        effective=datetime(2021, 9, 22, 23, 59, 59, 999999, tzinfo=HN),
        standing=1,
    ),
    Case(
        "incident ended exactly 24 hours before the deadline: it overlaps, but ended the day before the "
        "deadline's day, whose first working day after is the deadline's own day: nothing moves",
        [sent(1, at(21, hour=8))],
        Status.LATE,
        "0.25",
        incidents_=[incident(4, at(19, hour=8), DEADLINE - timedelta(hours=24))],
        standing=1,
    ),
    Case(
        "incident overlapping the deadline's last hour, ended on the deadline's day at 23:00",
        [sent(1, at(21, hour=8))],
        Status.EXCUSED,
        "0.00",
        incidents_=[incident(4, at(20, hour=22), at(20, hour=23))],
        used=(4,),
        effective=datetime(2021, 9, 21, 23, 59, 59, 999999, tzinfo=HN),
        standing=1,
    ),
    Case(
        "incident ended one microsecond before the 24 hours: no extension",
        [sent(1, at(21, hour=8))],
        Status.LATE,
        "0.25",
        incidents_=[incident(4, at(19, hour=8), DEADLINE - timedelta(hours=24) - US)],
        standing=1,
    ),
    Case(
        "extended, and sent late even so: late, the incident named",
        [sent(1, at(23, hour=8))],
        Status.LATE,
        "0.25",
        incidents_=[incident(3, at(20, hour=22), at(21, hour=9))],
        used=(3,),
        effective=datetime(2021, 9, 22, 23, 59, 59, 999999, tzinfo=HN),
        standing=1,
    ),
    Case(
        "returned before the deadline and corrected in time: no fault",
        [sent(1, at(15), "returned", "incomplete"), sent(2, at(18), "accepted")],
        Status.ON_TIME,
        "0.00",
        standing=2,
    ),
    Case(
        "returned before the deadline, corrected after it: the returned version stands",
        [sent(1, at(15), "returned", "incomplete"), sent(2, at(22), "accepted")],
        Status.ON_TIME,
        "0.25",
        faults=("incomplete",),
        standing=1,
    ),
    Case(
        "returned after the deadline (the version sent on time stands): a fault",
        [sent(1, at(17), "returned", "inaccurate", "outline", reviewed=at(25)), sent(2, at(27), "accepted")],
        Status.ON_TIME,
        "0.25",
        faults=("outline", "inaccurate"),
        standing=1,
    ),
    Case(
        "late and returned: still one deduction",
        [sent(1, at(24), "returned", "forms"), sent(2, at(28), "accepted")],
        Status.LATE,
        "0.25",
        faults=("forms",),
        standing=1,
    ),
    Case(
        "late, the second version after the deadline too: the first after it stands",
        [sent(1, at(24), "accepted"), sent(2, at(28), "returned", "forms")],
        Status.LATE,
        "0.25",
        standing=1,
    ),
    Case("sent on time, not reviewed yet: no fault", [sent(1, at(16))], Status.ON_TIME, "0.00", standing=1),
    Case(
        "excused and returned: the fault still costs",
        [sent(1, at(22, hour=15), "returned", "incomplete")],
        Status.EXCUSED,
        "0.25",
        faults=("incomplete",),
        incidents_=[incident(3, at(20, hour=22), at(21, hour=9))],
        used=(3,),
        effective=datetime(2021, 9, 22, 23, 59, 59, 999999, tzinfo=HN),
        standing=1,
    ),
    Case("never sent", [], Status.NOT_SENT, "0.50"),
    Case("never sent, the closing time not reached: overdue, not sent", [], Status.OVERDUE, "0.00", as_of=CLOSING),
    Case("sent at the closing time: late", [sent(1, CLOSING, "accepted")], Status.LATE, "0.25", standing=1),
    Case("first sent after the closing time", [sent(1, CLOSING + US, "accepted")], Status.NOT_SENT, "0.50"),
    Case(
        "first sent after the closing time, which an incident extended: late",
        [sent(1, datetime(2021, 10, 21, 10, tzinfo=HN))],
        Status.LATE,
        "0.25",
        incidents_=[incident(9, datetime(2021, 10, 20, 20, tzinfo=HN), datetime(2021, 10, 20, 23, tzinfo=HN))],
        used=(9,),
        standing=1,
    ),
    Case(
        "never sent, the closing time extended by an incident: the incident is named",
        [],
        Status.NOT_SENT,
        "0.50",
        incidents_=[incident(9, datetime(2021, 10, 20, 20, tzinfo=HN), datetime(2021, 10, 20, 23, tzinfo=HN))],
        used=(9,),
    ),
    Case(
        "an incident that ended the day before the deadline's day extends nothing",
        [sent(1, at(21))],
        Status.LATE,
        "0.25",
        incidents_=[incident(5, at(19, hour=1), at(19, hour=23))],
        standing=1,
    ),
    # Issue 14's "done when": the versions before and after a deadline that an incident moves.
    Case(
        "incident moves the deadline: v1 before the scheduled deadline returned, v2 after it but before "
        "the extended one accepted: v2 stands, no fault, no deduction",
        [sent(1, at(20, hour=8), "returned", "forms"), sent(2, at(22, hour=10), "accepted")],
        Status.ON_TIME,
        "0.00",
        incidents_=[incident(5, at(20, hour=9), at(21, hour=15))],
        used=(5,),
        effective=datetime(2021, 9, 22, 23, 59, 59, 999999, tzinfo=HN),
        standing=2,
    ),
    Case(
        "incident still open at the deadline, v1 returned, v2 sent later: no fault yet",
        [sent(1, at(19, hour=10), "returned", "incomplete"), sent(2, at(24, hour=10))],
        Status.ON_TIME,
        "0.00",
        incidents_=[incident(7, at(20, hour=9), None)],
        used=(7,),
        effective=None,
        standing=2,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdict(case: Case) -> None:
    result = verdict(
        deadline=DEADLINE,
        closing=CLOSING,
        incidents=case.incidents_,
        versions=case.versions,
        amounts=Amounts(),
        as_of=case.as_of,
        calendar=CAL,
        zone=HN,
    )
    assert result.status is case.status
    assert points(result.deduction) == case.deduction
    assert result.faults == case.faults
    assert result.incidents == case.used
    assert result.effective_deadline == case.effective
    assert result.standing == case.standing
    assert result.deadline == DEADLINE and result.closing == CLOSING
    first = min((v.submitted_at for v in case.versions), default=None)
    if result.status is Status.NOT_SENT:
        assert result.standing is None and result.faults == ()
    assert result.submitted_at == first


def test_the_schedule_the_cases_rest_on() -> None:
    assert datetime(2021, 9, 20, 23, 59, 59, 999999, tzinfo=HN) == DEADLINE
    assert datetime(2021, 10, 20, 23, 59, 59, 999999, tzinfo=HN) == CLOSING


def test_holiday_rollover() -> None:
    """A deadline on a day off (here one the province declares) moves to the next working day."""
    calendar = vietnam_calendar([2021], province_days_off={date(2021, 9, 20): "ngày nghỉ bù"})
    due = schedule(Period.parse("2021Q3"), "district", DEFAULT_POLICY, calendar, HN)
    assert due.deadline == datetime(2021, 9, 21, 23, 59, 59, 999999, tzinfo=HN)
    result = verdict(
        deadline=due.deadline,
        closing=due.closing,
        incidents=[],
        versions=[sent(1, at(21, hour=20))],
        amounts=Amounts(),
        as_of=AFTER,
        calendar=calendar,
        zone=HN,
    )
    assert result.status is Status.ON_TIME


def test_a_review_after_as_of_is_not_yet_a_fact() -> None:
    versions = [sent(1, at(16), "returned", "incomplete", reviewed=at(30, month=10))]
    before = verdict(
        deadline=DEADLINE,
        closing=CLOSING,
        incidents=[],
        versions=versions,
        amounts=Amounts(),
        as_of=at(29, month=10),
        calendar=CAL,
        zone=HN,
    )
    after = verdict(
        deadline=DEADLINE,
        closing=CLOSING,
        incidents=[],
        versions=versions,
        amounts=Amounts(),
        as_of=at(30, month=10, hour=23),
        calendar=CAL,
        zone=HN,
    )
    assert (before.decision, before.faults, points(before.deduction)) == (None, (), "0.00")
    assert (after.decision, after.faults, points(after.deduction)) == ("returned", ("incomplete",), "0.25")


def test_a_version_after_as_of_is_not_yet_submitted() -> None:
    result = verdict(
        deadline=DEADLINE,
        closing=CLOSING,
        incidents=[],
        versions=[sent(1, at(25))],
        amounts=Amounts(),
        as_of=at(24),
        calendar=CAL,
        zone=HN,
    )
    assert result.status is Status.OVERDUE and result.submitted_at is None and not result.final


def test_an_incident_is_known_as_it_was_at_as_of() -> None:
    spans = [incident(1, at(20), at(22)), incident(2, at(25), None)]
    known = as_known(spans, at(21))
    assert [(i.id, i.end) for i in known] == [(1, None)]


def test_final_once_the_effective_closing_time_has_passed() -> None:
    def final(as_of: datetime) -> bool:
        return verdict(
            deadline=DEADLINE,
            closing=CLOSING,
            incidents=[],
            versions=[],
            amounts=Amounts(),
            as_of=as_of,
            calendar=CAL,
            zone=HN,
        ).final

    assert not final(CLOSING)
    assert final(CLOSING + US)


@pytest.mark.parametrize(
    ("status", "faults", "expected"),
    [
        (Status.NOT_SENT, (), "1.00"),
        (Status.LATE, (), "0.30"),
        (Status.LATE, ("forms",), "0.30"),
        (Status.ON_TIME, ("forms",), "0.30"),
        (Status.EXCUSED, (), "0.00"),
        (Status.ON_TIME, (), "0.00"),
        (Status.NOT_YET_DUE, (), "0.00"),
        (Status.OVERDUE, (), "0.00"),
        (Status.INCIDENT_OPEN, (), "0.00"),
    ],
)
def test_deduction_uses_the_configured_amounts(status: Status, faults: tuple[str, ...], expected: str) -> None:
    assert points(deduction(status, faults, Amounts(Decimal("1"), Decimal("0.3")))) == expected


def test_facts_at_exactly_as_of_are_known() -> None:
    """A version submitted, a review made, an incident ended exactly at ``as_of`` are facts then."""
    moment = at(22, hour=15)
    result = verdict(
        deadline=DEADLINE,
        closing=CLOSING,
        incidents=[incident(3, at(20, hour=22), moment)],
        versions=[sent(1, moment, "returned", "forms", reviewed=moment)],
        amounts=Amounts(),
        as_of=moment,
        calendar=CAL,
        zone=HN,
    )
    assert result.submitted_at == moment
    assert result.decision == "returned" and result.faults == ("forms",)
    # The incident ended (22/09), so the deadline is the end of 23/09, not held open.
    assert result.effective_deadline == datetime(2021, 9, 23, 23, 59, 59, 999999, tzinfo=HN)
    assert as_known([incident(3, at(20), moment)], moment)[0].end == moment
    assert as_known([incident(3, moment, None)], moment)[0].id == 3
