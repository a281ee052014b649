"""The one timeliness rule (rules.md §4, §6 "Statuses"), pure, on every boundary.

Xã Yên Nghiệp, Q3/2021: the window ends Tuesday 14/09, the deadline is the end of Thursday 16/09
and the closing time the end of Monday 18/10/2021 (23:59:59.999999 in Hà Nội, 16:59:59.999999Z).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.deadlines import end_of_day
from kstt.reports.rules import days_left
from kstt.reports.timeliness import PENDING, SENT, STATUSES, FutureInstant, Status, check_as_of, status

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MICROSECOND = timedelta(microseconds=1)
WINDOW_END = date(2021, 9, 14)
DEADLINE = end_of_day(date(2021, 9, 16), HCM)
CLOSING = end_of_day(date(2021, 10, 18), HCM)


def unsent(as_of: datetime, *, deadline=DEADLINE, closing=CLOSING) -> Status:
    return status(scheduled=DEADLINE, deadline=deadline, closing=closing, submitted_at=None, as_of=as_of)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        pytest.param(end_of_day(WINDOW_END, HCM), Status.NOT_YET_DUE, id="last-instant-of-the-window"),
        pytest.param(DEADLINE, Status.NOT_YET_DUE, id="23-59-59-999999-on-the-deadline-day-not-yet-due"),
        pytest.param(DEADLINE + MICROSECOND, Status.OVERDUE, id="a-microsecond-later-overdue-not-sent"),
        pytest.param(CLOSING, Status.OVERDUE, id="23-59-59-999999-on-the-closing-day-still-overdue"),
        pytest.param(CLOSING + MICROSECOND, Status.NOT_SENT, id="a-microsecond-later-is-not-sent"),
    ],
)
def test_an_unsent_report_on_each_boundary(as_of, expected):
    assert unsent(as_of.astimezone(UTC)) == expected


def test_an_incident_still_open_holds_the_report_open_past_every_boundary():
    assert unsent(CLOSING + timedelta(days=30), deadline=None, closing=None) == Status.INCIDENT_OPEN


def test_an_open_incident_on_the_closing_time_alone_keeps_it_overdue_not_unsent():
    assert unsent(CLOSING + timedelta(days=1), closing=None) == Status.OVERDUE


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
LATER = CLOSING + timedelta(days=60)  # long after: only the submitted time decides


def sent(submitted_at: datetime, *, deadline=DEADLINE, closing=CLOSING, as_of=LATER) -> Status:
    return status(
        scheduled=DEADLINE, deadline=deadline, closing=closing, submitted_at=submitted_at.astimezone(UTC), as_of=as_of
    )


@pytest.mark.parametrize(
    ("submitted_at", "kwargs", "expected"),
    [
        pytest.param(DEADLINE, {}, Status.ON_TIME, id="sent-at-23-59-59-999999-on-the-deadline-day"),
        pytest.param(DEADLINE + MICROSECOND, {}, Status.LATE, id="sent-a-microsecond-later-is-late"),
        pytest.param(CLOSING, {}, Status.LATE, id="sent-at-the-closing-time-is-late"),
        pytest.param(CLOSING + MICROSECOND, {}, Status.NOT_SENT, id="first-sent-after-the-closing-time"),
        pytest.param(
            DEADLINE + MICROSECOND, {"deadline": EXTENDED}, Status.EXCUSED, id="late-but-inside-the-extension"
        ),
        pytest.param(EXTENDED + MICROSECOND, {"deadline": EXTENDED}, Status.LATE, id="after-the-extension-is-late"),
        pytest.param(
            CLOSING + timedelta(days=1), {"deadline": None}, Status.EXCUSED, id="incident-still-open-at-sending"
        ),
        pytest.param(datetime(2021, 9, 16, 17, 30, tzinfo=UTC), {}, Status.LATE, id="00-30-local-next-day-in-utc"),
        pytest.param(
            DEADLINE, {"as_of": DEADLINE - MICROSECOND}, Status.NOT_YET_DUE, id="a-submission-after-as-of-is-not-known"
        ),
    ],
)
def test_a_submitted_report_is_judged_by_its_submitted_time(submitted_at, kwargs, expected):
    assert sent(submitted_at, **kwargs) == expected


def test_every_status_is_sent_pending_or_not_sent():
    assert set(STATUSES) == SENT | PENDING | {Status.NOT_SENT} and not SENT & PENDING


def test_a_judgement_is_never_asked_as_of_the_future():
    now = DEADLINE
    assert check_as_of(now, now=now) == now
    with pytest.raises(FutureInstant):
        check_as_of(now + MICROSECOND, now=now)
