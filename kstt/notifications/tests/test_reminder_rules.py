"""Which reminder is due when (kstt.notifications.rules.due_reminder): one row per case, days in Hà Nội.

The report of the table: its data window ends on Tuesday 14/09/2021, it is due by the end of Friday
24/09/2021 and closes at the end of Monday 25/10/2021 (local). Reminders 7, 3 and 1 days before the
deadline fall on 17/09, 21/09 and 23/09; the reminder 1 day late on 25/09.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from kstt.notifications.rules import AFTER, BEFORE, DueReminder, due_reminder

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
WINDOW_END = date(2021, 9, 14)
DEADLINE = datetime.combine(date(2021, 9, 24), time.max, tzinfo=HCM)
CLOSING = datetime.combine(date(2021, 10, 25), time.max, tzinfo=HCM)


def local(day: int, month: int = 9, hour: int = 8, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2021, month, day, hour, minute, second, tzinfo=HCM)


def due(now, **changes):
    arguments = {
        "now": now,
        "zone": HCM,
        "window_end": WINDOW_END,
        "deadline": DEADLINE,
        "closing": CLOSING,
        "submitted": False,
        "days_before": (7, 3, 1),
        "days_after": (1,),
        "sent": (),
    }
    return due_reminder(**(arguments | changes))


CASES = [
    # -- before the deadline ----------------------------------------------------------------------------------
    pytest.param(local(16, hour=23, minute=59), {}, None, id="the-day-before-seven-days-before-nothing"),
    pytest.param(local(17, hour=0), {}, DueReminder(BEFORE, 7), id="seven-days-before-from-its-days-first-instant"),
    pytest.param(
        datetime(2021, 9, 16, 17, 30, tzinfo=UTC), {}, DueReminder(BEFORE, 7),
        id="17:30-utc-is-already-the-next-local-day",
    ),
    pytest.param(
        datetime(2021, 9, 16, 16, 59, 59, tzinfo=UTC), {}, None, id="16:59:59-utc-is-still-the-local-day-before"
    ),
    pytest.param(local(17, hour=15), {"sent": {(BEFORE, 7)}}, None, id="seven-days-before-is-sent-once"),
    pytest.param(local(20), {"sent": {(BEFORE, 7)}}, None, id="between-two-reminders-nothing"),
    pytest.param(
        datetime(2021, 9, 20, 17, 30, tzinfo=UTC), {"sent": {(BEFORE, 7)}}, DueReminder(BEFORE, 3),
        id="three-days-before-on-its-local-day-while-the-utc-date-is-the-day-before",
    ),
    pytest.param(local(23), {}, DueReminder(BEFORE, 1), id="missed-days-only-the-most-urgent-one"),
    pytest.param(local(23, hour=20), {"sent": {(BEFORE, 1)}}, None, id="the-skipped-ones-never-afterwards"),
    pytest.param(local(22), {"sent": {(BEFORE, 3)}}, None, id="a-less-urgent-one-never-after-a-more-urgent-one"),
    pytest.param(
        local(24, hour=23, minute=59, second=59), {"sent": {(BEFORE, 1)}}, None, id="the-deadline-day-nothing-new"
    ),
    pytest.param(DEADLINE, {}, DueReminder(BEFORE, 1), id="the-deadlines-last-microsecond-is-still-before"),
    pytest.param(
        local(24, hour=7), {"sent": {(BEFORE, 1)}, "days_before": (7, 3, 1, 0)}, DueReminder(BEFORE, 0),
        id="zero-days-before-is-the-deadline-day",
    ),
    pytest.param(local(10), {"days_before": (14, 7, 3, 1)}, None, id="nothing-before-the-window-has-ended"),
    pytest.param(
        local(14, hour=23, minute=59), {"days_before": (14, 7, 3, 1)}, None, id="the-windows-last-day-is-still-data"
    ),
    pytest.param(
        local(15, hour=0), {"days_before": (14, 7, 3, 1)}, DueReminder(BEFORE, 14),
        id="the-day-after-the-window-the-one-whose-day-has-come",
    ),
    pytest.param(local(23), {"days_before": ()}, None, id="no-reminders-before-configured"),
    # -- after the deadline -----------------------------------------------------------------------------------
    pytest.param(local(25, hour=0), {}, DueReminder(AFTER, 1), id="one-day-late-from-the-next-days-first-instant"),
    pytest.param(
        datetime(2021, 9, 24, 17, 0, tzinfo=UTC), {"sent": {(BEFORE, 1)}}, DueReminder(AFTER, 1),
        id="17:00-utc-is-local-midnight-one-day-late",
    ),
    pytest.param(
        datetime(2021, 9, 24, 16, 59, 59, tzinfo=UTC), {"sent": {(BEFORE, 1)}}, None,
        id="16:59:59-utc-is-still-the-deadline-day",
    ),
    pytest.param(local(30), {"sent": {(AFTER, 1)}}, None, id="one-day-late-is-sent-once"),
    pytest.param(local(28), {"sent": {(AFTER, 1)}, "days_after": (7, 1)}, None, id="between-two-late-ones-nothing"),
    pytest.param(
        local(1, month=10), {"sent": {(AFTER, 1)}, "days_after": (7, 1)}, DueReminder(AFTER, 7),
        id="seven-days-late-on-its-day",
    ),
    pytest.param(local(5, month=10), {"days_after": (7, 1)}, DueReminder(AFTER, 7), id="missed-days-only-the-latest"),
    pytest.param(local(5, month=10), {"sent": {(AFTER, 7)}, "days_after": (7, 1)}, None, id="never-a-less-late-one"),
    pytest.param(
        local(25, month=10, hour=23, minute=59, second=59), {}, DueReminder(AFTER, 1), id="until-the-closing-time"
    ),
    pytest.param(CLOSING, {"sent": {(BEFORE, 1)}}, DueReminder(AFTER, 1), id="the-closing-times-last-microsecond"),
    pytest.param(local(26, month=10, hour=0), {}, None, id="nothing-after-the-closing-time"),
    pytest.param(local(27), {"closing": None}, DueReminder(AFTER, 1), id="closing-held-open-by-an-incident-still-late"),
    pytest.param(local(27), {"days_after": ()}, None, id="no-reminders-after-configured"),
    # -- never ------------------------------------------------------------------------------------------------
    pytest.param(local(23), {"submitted": True}, None, id="submitted-before-the-deadline-nothing"),
    pytest.param(local(27), {"submitted": True}, None, id="submitted-late-nothing"),
    pytest.param(local(23), {"deadline": None}, None, id="an-open-incident-holds-the-deadline-nothing-before"),
    pytest.param(local(27), {"deadline": None, "closing": None}, None, id="an-open-incident-holds-it-nothing-late"),
]  # fmt: skip


@pytest.mark.parametrize(("now", "changes", "expected"), CASES)
def test_due_reminder(now, changes, expected):
    assert due(now, **changes) == expected


def test_an_extended_deadline_counts_from_its_own_day():
    """An incident moved the deadline to Monday 27/09: the day 1 late is Tuesday 28/09."""
    extended = datetime.combine(date(2021, 9, 27), time.max, tzinfo=HCM)
    assert due(local(25, hour=9), deadline=extended, sent={(BEFORE, 1)}) is None
    assert due(local(26, hour=9), deadline=extended, sent={(BEFORE, 1)}) is None
    assert due(local(28, hour=0), deadline=extended, sent={(BEFORE, 1)}) == DueReminder(AFTER, 1)


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="naive"):
        due(datetime(2021, 9, 23, 8, 0))
