"""The dashboard's arithmetic, without a database: which reports count in the on-time rate, and how
verdicts become rows, counts and rates (kstt/compliance/dashboard.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.periods import Period
from kstt.compliance.dashboard import UnknownDistrict, is_due, summarise
from kstt.compliance.rules import Status, Verdict
from kstt.compliance.selectors import Judged

HN = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2021, 9, 16, 23, 59, 59, 999999, tzinfo=HN)
CLOSING = DEADLINE + timedelta(days=30)
Q1, Q2, Q3, Q4 = (Period(2021, f"Q{n}") for n in range(1, 5))
YEAR = [Q1, Q2, Q3, Q4]
US = timedelta(microseconds=1)


def verdict(status: Status, *, submitted: datetime | None = None, effective: datetime | None = DEADLINE) -> Verdict:
    return Verdict(
        status=status,
        deadline=DEADLINE,
        effective_deadline=effective,
        closing=CLOSING,
        effective_closing=CLOSING,
        submitted_at=submitted,
        incidents=(),
        standing=1 if submitted else None,
        decision=None,
        faults=(),
        deduction=Decimal("0.00"),
        final=False,
    )


@pytest.mark.parametrize(
    ("case", "as_of", "expected"),
    [
        (verdict(Status.ON_TIME, submitted=DEADLINE - timedelta(days=1)), DEADLINE - timedelta(hours=1), True),
        (verdict(Status.NOT_YET_DUE), DEADLINE - timedelta(days=1), False),
        (verdict(Status.NOT_YET_DUE), DEADLINE, False),
        (verdict(Status.OVERDUE), DEADLINE + US, True),
        (verdict(Status.INCIDENT_OPEN, effective=None), DEADLINE + timedelta(days=3), False),
        (verdict(Status.LATE, submitted=DEADLINE + US), DEADLINE + timedelta(days=2), True),
        (verdict(Status.NOT_SENT), CLOSING + US, True),
        (verdict(Status.NOT_SENT, submitted=CLOSING + US), CLOSING + timedelta(days=1), True),
    ],
    ids=[
        "sent-before-the-deadline",
        "nothing-sent-deadline-ahead",
        "nothing-sent-at-the-deadline-instant-still-in-time",
        "nothing-sent-a-microsecond-after-the-deadline",
        "deadline-held-open-by-an-incident",
        "sent-late",
        "not-sent-by-the-closing-time",
        "first-sent-after-the-closing-time",
    ],
)
def test_which_reports_count_in_the_on_time_rate(case: Verdict, as_of: datetime, expected: bool) -> None:
    assert is_due(case, as_of) is expected


AS_OF = datetime(2021, 12, 20, 9, 0, tzinfo=HN)
LATE = verdict(Status.LATE, submitted=DEADLINE + US)


def judged(unit_id, code, level, period, status, *, parent_id=None, name=None, submitted=None, effective=DEADLINE):
    v = LATE if status is Status.LATE else verdict(status, submitted=submitted, effective=effective)
    return Judged(
        unit_id=unit_id,
        code=code,
        name=name or f"Đơn vị {code}",
        level=level,
        parent_id=parent_id,
        report="kstt",
        period=period,
        instance_id=None,
        settings_version=1,
        scored=level in {"department", "district"},
        schedule=None,  # type: ignore[arg-type]  # not read by the dashboard
        verdict=v,
    )


SENT = DEADLINE - timedelta(days=1)
FOUND = [
    judged(1, "D1", "district", Q1, Status.ON_TIME, parent_id=9, submitted=SENT),
    judged(1, "D1", "district", Q2, Status.LATE, parent_id=9),
    judged(2, "W11", "commune", Q1, Status.EXCUSED, parent_id=1, submitted=SENT),
    judged(2, "W11", "commune", Q2, Status.NOT_SENT, parent_id=1),
    judged(3, "W21", "commune", Q1, Status.NOT_SENT, parent_id=4),
    # A commune that moved from D1 to D2 in Q2, renamed.
    judged(5, "W12", "commune", Q1, Status.ON_TIME, parent_id=1, submitted=SENT),
    judged(5, "W12", "commune", Q2, Status.ON_TIME, parent_id=4, name="Phường Mới", submitted=SENT),
    judged(4, "D2", "district", Q2, Status.INCIDENT_OPEN, parent_id=9, effective=None),  # held open by an incident
    judged(6, "P9-STP", "department", Q1, Status.ON_TIME, parent_id=9, submitted=SENT),
]


def summary(**filters):
    return summarise(FOUND, year=2021, periods=YEAR, as_of=AS_OF, **filters)


def test_rows_are_grouped_by_level_then_code_with_a_cell_per_period():
    board = summary()
    assert [(r.code, r.level) for r in board.rows] == [
        ("P9-STP", "department"),
        ("D1", "district"),
        ("D2", "district"),
        ("W11", "commune"),
        ("W12", "commune"),
        ("W21", "commune"),
    ]
    d2 = next(r for r in board.rows if r.code == "D2")
    assert d2.cells[0] is None and d2.cells[1].status is Status.INCIDENT_OPEN and d2.cells[2:] == (None, None)
    assert next(r for r in board.rows if r.code == "W12").name == "Phường Mới"  # the latest period's name


def test_the_counts_and_rates():
    board = summary()
    assert board.counts == {
        Status.ON_TIME: 4,
        Status.EXCUSED: 1,
        Status.LATE: 1,
        Status.NOT_SENT: 2,
        Status.NOT_YET_DUE: 0,
        Status.OVERDUE: 0,
        Status.INCIDENT_OPEN: 1,
    }
    assert board.total == 9
    rates = {(r.level, r.period): (r.on_time, r.due, r.expected, r.percent) for r in board.rates}
    # Communes in Q1: W11 excused (on time), W12 on time, W21 not sent: 2 of 3.
    assert rates[("commune", Q1)] == (2, 3, 3, Decimal("66.7"))
    # Districts in Q2: D1 late, D2's deadline held open by an incident (not due): 0 of 1.
    assert rates[("district", Q2)] == (0, 1, 2, Decimal("0.0"))
    assert rates[("district", Q3)] == (0, 0, 0, None)
    assert [r.level for r in board.rates][::4] == ["department", "district", "commune"]


@pytest.mark.parametrize(
    ("filters", "codes"),
    [
        ({"level": "commune"}, ["W11", "W12", "W21"]),
        ({"district": "D1"}, ["D1", "W11", "W12"]),  # W12 only for Q1, when it was D1's
        ({"district": "D2"}, ["D2", "W12", "W21"]),
        ({"district": "D1", "level": "commune"}, ["W11", "W12"]),
        ({"status": Status.NOT_SENT}, ["W11", "W21"]),
        ({"status": Status.EXCUSED, "level": "district"}, []),
    ],
    ids=["level", "district-and-its-communes", "a-commune-that-moved-in", "district-and-level", "status", "none"],
)
def test_filters(filters, codes):
    assert [r.code for r in summary(**filters).rows] == codes


def test_a_district_filter_narrows_the_counts_but_a_status_filter_does_not():
    assert summary(district="D1").counts[Status.ON_TIME] == 2  # D1 Q1 and W12 Q1
    assert summary(status=Status.NOT_SENT).counts == summary().counts


def test_the_districts_offered_are_those_among_the_units():
    assert [(d.code, d.name) for d in summary().districts] == [("D1", "Đơn vị D1"), ("D2", "Đơn vị D2")]
    with pytest.raises(UnknownDistrict):
        summary(district="W11")
