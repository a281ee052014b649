"""What keeps a year from being closed (rules.md §6), pure: one row per case the regulation names.

Broken on purpose once each (then restored): judging "final" with ``>=`` instead of ``>`` fails
``closing-time-not-passed-at-its-last-instant``; dropping the incident branch fails
``held-open-by-an-incident``; letting a pending appeal through fails ``appeal-waiting``; counting a
returned standing version as unreviewed fails ``reviewed-is-not-warned``; ignoring ``closed`` in
``appeal_refusal`` fails ``closed-line`` and ``closed-line-after-an-upheld-appeal``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kstt.compliance.rules import (
    AppealRefusal,
    Block,
    ClosingFacts,
    Status,
    appeal_refusal,
    closing_blocks,
    not_reviewed,
)

HN = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSING = datetime(2022, 1, 19, 23, 59, 59, 999999, tzinfo=HN)
AFTER = CLOSING + timedelta(microseconds=1)


def facts(*, status=Status.ON_TIME, closing=CLOSING, appeal=None, standing=1, decision="accepted"):
    return ClosingFacts("D157", "2021Q4", status, closing, appeal, standing, decision)


@pytest.mark.parametrize(
    ("line", "as_of", "block"),
    [
        pytest.param(facts(), AFTER, None, id="final-on-time-accepted"),
        pytest.param(facts(status=Status.NOT_SENT, standing=None, decision=None), AFTER, None, id="final-not-sent"),
        pytest.param(
            facts(status=Status.OVERDUE), CLOSING, Block.NOT_FINAL, id="closing-time-not-passed-at-its-last-instant"
        ),
        pytest.param(facts(), CLOSING - timedelta(days=3), Block.NOT_FINAL, id="sent-but-closing-time-ahead"),
        pytest.param(
            facts(status=Status.INCIDENT_OPEN, closing=None), AFTER, Block.INCIDENT_OPEN, id="held-open-by-an-incident"
        ),
        pytest.param(facts(status=Status.LATE, appeal="pending"), AFTER, Block.APPEAL_PENDING, id="appeal-waiting"),
        pytest.param(facts(status=Status.LATE, appeal="upheld"), AFTER, None, id="appeal-upheld-is-final"),
        pytest.param(facts(status=Status.LATE, appeal="overturned"), AFTER, None, id="appeal-overturned-is-final"),
        pytest.param(facts(decision=None), AFTER, None, id="not-reviewed-does-not-block"),
    ],
)
def test_what_blocks_closing(line, as_of, block):
    found = closing_blocks([line], as_of=as_of)
    assert [b for _, b in found] == ([block] if block is not None else [])


@pytest.mark.parametrize(
    ("line", "warned"),
    [
        pytest.param(facts(decision=None), True, id="standing-version-never-reviewed"),
        pytest.param(facts(decision="returned"), False, id="reviewed-is-not-warned"),
        pytest.param(facts(decision="accepted"), False, id="accepted-is-not-warned"),
        pytest.param(
            facts(status=Status.NOT_SENT, standing=None, decision=None), False, id="nothing-sent-nothing-to-review"
        ),
    ],
)
def test_standing_versions_nobody_reviewed_are_warned(line, warned):
    assert (not_reviewed([line]) == [line]) is warned


@pytest.mark.parametrize(
    ("closed", "latest", "refusal"),
    [
        pytest.param(True, None, AppealRefusal.CLOSED, id="closed-line"),
        pytest.param(True, "upheld", AppealRefusal.CLOSED, id="closed-line-after-an-upheld-appeal"),
        pytest.param(False, None, None, id="open-year-line-with-deduction"),
    ],
)
def test_a_closed_line_cannot_be_appealed(closed, latest, refusal):
    assert appeal_refusal(in_ledger=True, deduction=Decimal("0.25"), latest=latest, closed=closed) is refusal
