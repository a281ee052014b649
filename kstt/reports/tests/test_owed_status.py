"""Where a report stands against its deadline, the pure rule (rules.md §3–4), on every boundary.

Xã Yên Nghiệp, Q3/2021: the window ends Tuesday 14/09, the deadline is the end of Thursday 16/09
and the closing time the end of Monday 18/10/2021 (23:59:59.999999 in Hà Nội, 16:59:59.999999Z).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import end_of_day
from kstt.reports.rules import OwedStatus, days_left, owed_status

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MICROSECOND = timedelta(microseconds=1)
WINDOW_END = date(2021, 9, 14)
DEADLINE = end_of_day(date(2021, 9, 16), HCM)
CLOSING = end_of_day(date(2021, 10, 18), HCM)


def status(now: datetime, *, deadline=DEADLINE, closing=CLOSING) -> OwedStatus:
    now = now.astimezone(UTC)  # as the clock gives it
    return owed_status(
        now=now, today=now.astimezone(HCM).date(), window_end=WINDOW_END, deadline=deadline, closing=closing
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(end_of_day(WINDOW_END, HCM), OwedStatus.UPCOMING, id="last-instant-of-the-window"),
        pytest.param(end_of_day(WINDOW_END, HCM) + MICROSECOND, OwedStatus.DUE, id="first-instant-after-the-window"),
        pytest.param(DEADLINE, OwedStatus.DUE, id="23-59-59-999999-on-the-deadline-day-is-on-time"),
        pytest.param(DEADLINE + MICROSECOND, OwedStatus.OVERDUE, id="a-microsecond-later-is-late"),
        pytest.param(CLOSING, OwedStatus.OVERDUE, id="23-59-59-999999-on-the-closing-day-is-still-open"),
        pytest.param(CLOSING + MICROSECOND, OwedStatus.NOT_SENT, id="a-microsecond-later-is-not-sent"),
    ],
)
def test_the_status_on_each_boundary(now, expected):
    assert status(now) == expected


def test_an_incident_still_open_holds_the_report_open_past_every_boundary():
    assert status(CLOSING + timedelta(days=30), deadline=None, closing=None) == OwedStatus.INCIDENT_OPEN


def test_an_open_incident_on_the_closing_time_alone_keeps_it_late_not_unsent():
    assert status(CLOSING + timedelta(days=1), closing=None) == OwedStatus.OVERDUE


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        pytest.param(date(2021, 9, 15), 1, id="the-day-before"),
        pytest.param(date(2021, 9, 16), 0, id="the-deadline-day"),
        pytest.param(date(2021, 9, 17), -1, id="the-day-after"),
    ],
)
def test_days_left_count_local_days(today, expected):
    assert days_left(today=today, deadline_day=DEADLINE.astimezone(HCM).date()) == expected


EXTENDED = end_of_day(date(2021, 9, 17), HCM)  # an incident on the deadline moved it one working day
NOW_LATER = CLOSING + timedelta(days=60)  # long after: only the submitted time decides


def sent(submitted_at: datetime, *, deadline=DEADLINE, closing=CLOSING, scheduled=DEADLINE) -> OwedStatus:
    return owed_status(
        now=NOW_LATER,
        today=NOW_LATER.astimezone(HCM).date(),
        window_end=WINDOW_END,
        deadline=deadline,
        closing=closing,
        scheduled=scheduled,
        submitted_at=submitted_at.astimezone(UTC),
    )


@pytest.mark.parametrize(
    ("submitted_at", "kwargs", "expected"),
    [
        pytest.param(DEADLINE, {}, OwedStatus.SENT_ON_TIME, id="sent-at-23-59-59-999999-on-the-deadline-day"),
        pytest.param(DEADLINE + MICROSECOND, {}, OwedStatus.SENT_LATE, id="sent-a-microsecond-later-is-late"),
        pytest.param(CLOSING, {}, OwedStatus.SENT_LATE, id="sent-at-the-closing-time-is-late"),
        pytest.param(CLOSING + MICROSECOND, {}, OwedStatus.NOT_SENT, id="first-sent-after-the-closing-time"),
        pytest.param(
            DEADLINE + MICROSECOND, {"deadline": EXTENDED}, OwedStatus.SENT_EXCUSED, id="late-but-inside-the-extension"
        ),
        pytest.param(
            EXTENDED + MICROSECOND, {"deadline": EXTENDED}, OwedStatus.SENT_LATE, id="after-the-extension-is-late"
        ),
        pytest.param(
            CLOSING + timedelta(days=1),
            {"deadline": None},
            OwedStatus.SENT_EXCUSED,
            id="incident-still-open-at-sending",
        ),
        pytest.param(
            datetime(2021, 9, 16, 17, 30, tzinfo=UTC),
            {},
            OwedStatus.SENT_LATE,
            id="00-30-local-next-day-written-in-utc",
        ),
    ],
)
def test_a_submitted_report_is_judged_by_its_submitted_time(submitted_at, kwargs, expected):
    assert sent(submitted_at, **kwargs) == expected
