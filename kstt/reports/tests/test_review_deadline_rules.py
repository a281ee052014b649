"""The reviewers' own deadline (rules.md §5, issue 14 point 6): KSTT_REVIEW_DAYS *calendar* days, to the end
of the local day; one row per case (kstt.reports.review_rules)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kstt.reports.review_rules import overdue_for_review, review_due

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: int, hour: int = 10, minute: int = 0, second: int = 0, month: int = 9) -> datetime:
    return datetime(2021, month, day, hour, minute, second, tzinfo=HCM)


DUE_CASES = [
    pytest.param(local(15), 10, datetime(2021, 9, 25, 23, 59, 59, 999999, tzinfo=HCM), id="ten-days-to-the-day-end"),
    pytest.param(
        local(17), 10, datetime(2021, 9, 27, 23, 59, 59, 999999, tzinfo=HCM),
        id="calendar-days-a-weekend-does-not-move-it",
    ),
    pytest.param(
        datetime(2021, 9, 14, 17, 30, tzinfo=UTC), 10, datetime(2021, 9, 25, 23, 59, 59, 999999, tzinfo=HCM),
        id="submitted-on-the-local-day-not-the-utc-one",
    ),
    pytest.param(local(28), 5, datetime(2021, 10, 3, 23, 59, 59, 999999, tzinfo=HCM), id="configured-days"),
    pytest.param(local(15, 23, 59), 1, datetime(2021, 9, 16, 23, 59, 59, 999999, tzinfo=HCM), id="one-day"),
]  # fmt: skip


@pytest.mark.parametrize(("submitted", "days", "expected"), DUE_CASES)
def test_review_due(submitted, days, expected):
    assert review_due(submitted, zone=HCM, days=days) == expected


OVERDUE_CASES = [
    pytest.param(local(15), local(25, 23, 59, 59), False, id="on-the-last-day-not-yet"),
    pytest.param(local(15), local(26, 0, 0), True, id="the-next-local-day-overdue"),
    pytest.param(local(15), datetime(2021, 9, 25, 16, 59, 59, tzinfo=UTC), False, id="utc-before-local-midnight"),
    pytest.param(local(15), datetime(2021, 9, 25, 17, 0, tzinfo=UTC), True, id="utc-after-local-midnight"),
    pytest.param(local(15), local(16), False, id="the-next-day-not-yet"),
]  # fmt: skip


@pytest.mark.parametrize(("submitted", "now", "expected"), OVERDUE_CASES)
def test_overdue_for_review(submitted, now, expected):
    assert overdue_for_review(submitted, now=now, zone=HCM, days=10) is expected


def test_naive_instants_and_no_days_are_refused():
    with pytest.raises(ValueError, match="naive"):
        review_due(datetime(2021, 9, 15, 10, 0), zone=HCM, days=10)
    with pytest.raises(ValueError, match="naive"):
        overdue_for_review(local(15), now=datetime(2021, 9, 30, 10, 0), zone=HCM, days=10)
    with pytest.raises(ValueError, match="at least one day"):
        review_due(local(15), zone=HCM, days=0)
