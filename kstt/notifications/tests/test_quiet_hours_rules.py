"""Reminders wait out the quiet hours (issue 14 point 7): kstt.notifications.rules.quiet and sent_for, one row
per case. Local times are Hà Nội's (UTC+7); a UTC instant on either side of the local boundary is judged in
the province's zone."""

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kstt.notifications.rules import AFTER, BEFORE, quiet, sent_for

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
EVENING, MORNING = time(17, 30), time(7, 30)  # the defaults: across midnight


def local(hour: int, minute: int = 0, second: int = 0, day: int = 16) -> datetime:
    return datetime(2021, 9, day, hour, minute, second, tzinfo=HCM)


QUIET_CASES = [
    # -- the default, 17:30–07:30 local, across midnight ------------------------------------------------------
    pytest.param(local(17, 29), EVENING, MORNING, False, id="17:29-sends"),
    pytest.param(local(17, 29, 59), EVENING, MORNING, False, id="17:29:59-sends"),
    pytest.param(local(17, 30), EVENING, MORNING, True, id="17:30-waits"),
    pytest.param(local(23, 59, 59), EVENING, MORNING, True, id="before-midnight-waits"),
    pytest.param(local(0, 0), EVENING, MORNING, True, id="midnight-waits"),
    pytest.param(local(7, 29), EVENING, MORNING, True, id="07:29-waits"),
    pytest.param(local(7, 29, 59), EVENING, MORNING, True, id="07:29:59-waits"),
    pytest.param(local(7, 30), EVENING, MORNING, False, id="07:30-sends"),
    pytest.param(local(12, 0), EVENING, MORNING, False, id="noon-sends"),
    pytest.param(datetime(2021, 9, 16, 10, 29, tzinfo=UTC), EVENING, MORNING, False, id="10:29-utc-is-17:29-local"),
    pytest.param(datetime(2021, 9, 16, 10, 30, tzinfo=UTC), EVENING, MORNING, True, id="10:30-utc-is-17:30-local"),
    pytest.param(datetime(2021, 9, 16, 0, 29, tzinfo=UTC), EVENING, MORNING, True, id="00:29-utc-is-07:29-local"),
    pytest.param(datetime(2021, 9, 16, 0, 30, tzinfo=UTC), EVENING, MORNING, False, id="00:30-utc-is-07:30-local"),
    # -- a window within one day (a lunch break) --------------------------------------------------------------
    pytest.param(local(11, 59), time(12, 0), time(13, 0), False, id="within-a-day-before-it-sends"),
    pytest.param(local(12, 0), time(12, 0), time(13, 0), True, id="within-a-day-its-start-waits"),
    pytest.param(local(12, 59), time(12, 0), time(13, 0), True, id="within-a-day-inside-waits"),
    pytest.param(local(13, 0), time(12, 0), time(13, 0), False, id="within-a-day-its-end-sends"),
    pytest.param(local(0, 30), time(12, 0), time(13, 0), False, id="within-a-day-the-night-sends"),
    # -- none -------------------------------------------------------------------------------------------------
    pytest.param(local(0, 0), time(0, 0), time(0, 0), False, id="equal-times-no-quiet-hours"),
    pytest.param(local(17, 30), time(17, 30), time(17, 30), False, id="equal-times-never-wait"),
]


@pytest.mark.parametrize(("now", "start", "end", "expected"), QUIET_CASES)
def test_quiet(now, start, end, expected):
    assert quiet(now=now, zone=HCM, start=start, end=end) is expected


def test_quiet_refuses_a_naive_instant():
    with pytest.raises(ValueError, match="naive"):
        quiet(now=datetime(2021, 9, 16, 12, 0), zone=HCM, start=EVENING, end=MORNING)


DEADLINE = datetime(2021, 9, 16, 23, 59, 59, 999999, tzinfo=HCM)
MOVED = datetime(2021, 9, 17, 23, 59, 59, 999999, tzinfo=HCM)

SENT_CASES = [
    pytest.param((), DEADLINE, frozenset(), id="nothing-sent"),
    pytest.param({(BEFORE, 1, DEADLINE)}, DEADLINE, {(BEFORE, 1)}, id="sent-about-the-deadline-in-force-counts"),
    pytest.param({(BEFORE, 1, DEADLINE.astimezone(UTC))}, DEADLINE, {(BEFORE, 1)}, id="the-same-instant-in-utc-counts"),
    pytest.param({(BEFORE, 7, DEADLINE), (BEFORE, 1, DEADLINE)}, MOVED, frozenset(), id="a-moved-deadline-afresh"),
    pytest.param(
        {(BEFORE, 1, DEADLINE), (BEFORE, 3, MOVED)}, MOVED, {(BEFORE, 3)}, id="only-the-moved-deadlines-own-count"
    ),
    pytest.param({(AFTER, 1, DEADLINE)}, MOVED, frozenset(), id="late-about-an-earlier-deadline-does-not-count"),
    pytest.param({(BEFORE, 1, DEADLINE)}, None, frozenset(), id="held-open-nothing-counts"),
]


@pytest.mark.parametrize(("sent", "deadline", "expected"), SENT_CASES)
def test_sent_for(sent, deadline, expected):
    assert sent_for(sent, deadline) == frozenset(expected)
