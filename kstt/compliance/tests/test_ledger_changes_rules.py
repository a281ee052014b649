"""What a change does to the ledger, line by line (issue 14 point 4): two judgements of the same
ledger compared. Pure: one row per case the preview names."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kstt.compliance.rules import ledger_changes
from kstt.ledger_impact import LineChange, LineState

LATE = LineState("late", Decimal("0.25"))
LATE_30 = LineState("late", Decimal("0.30"))
ON_TIME = LineState("on_time", Decimal("0.00"))
EXCUSED = LineState("excused", Decimal("0.00"))
NOT_SENT = LineState("not_sent", Decimal("0.50"))
JUSTICE_Q3 = ("P17-STP", "2021Q3", "kstt")
LAC_SON_Q3 = ("D157", "2021Q3", "kstt")
JUSTICE, LAC_SON = "Sở Tư pháp", "Ủy ban nhân dân huyện Lạc Sơn"


def line(key, name, before, after):
    unit, period, report = key
    return LineChange(unit, name, report, period, before, after)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param({}, {}, [], id="no-line-before-nor-after"),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, LATE)}, {JUSTICE_Q3: (JUSTICE, LATE)}, [], id="a-line-judged-the-same-is-no-change"
        ),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, LATE)},
            {JUSTICE_Q3: (JUSTICE, LineState("late", Decimal("0.250")))},
            [],
            id="the-same-points-written-otherwise-is-no-change",
        ),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, LATE)},
            {JUSTICE_Q3: (JUSTICE, EXCUSED)},
            [line(JUSTICE_Q3, JUSTICE, LATE, EXCUSED)],
            id="late-becomes-excused-by-an-incident",
        ),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, LATE)},
            {JUSTICE_Q3: (JUSTICE, LATE_30)},
            [line(JUSTICE_Q3, JUSTICE, LATE, LATE_30)],
            id="only-the-deduction-changes-new-amounts",
        ),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, EXCUSED)},
            {JUSTICE_Q3: (JUSTICE, ON_TIME)},
            [line(JUSTICE_Q3, JUSTICE, EXCUSED, ON_TIME)],
            id="only-the-status-changes-same-deduction",
        ),
        pytest.param(
            {},
            {LAC_SON_Q3: (LAC_SON, NOT_SENT)},
            [line(LAC_SON_Q3, LAC_SON, None, NOT_SENT)],
            id="a-line-comes-into-the-ledger-newly-scored",
        ),
        pytest.param(
            {JUSTICE_Q3: (JUSTICE, LATE)},
            {},
            [line(JUSTICE_Q3, JUSTICE, LATE, None)],
            id="a-line-leaves-the-ledger-held-open-by-an-incident",
        ),
        pytest.param(
            {
                LAC_SON_Q3: (LAC_SON, ON_TIME),
                JUSTICE_Q3: (JUSTICE, LATE),
                ("D156", "2021Q3", "kstt"): ("Mai Châu", NOT_SENT),
            },
            {
                JUSTICE_Q3: (JUSTICE, EXCUSED),
                ("D156", "2021Q3", "kstt"): ("Mai Châu", NOT_SENT),
                LAC_SON_Q3: (LAC_SON, LATE),
            },
            [line(LAC_SON_Q3, LAC_SON, ON_TIME, LATE), line(JUSTICE_Q3, JUSTICE, LATE, EXCUSED)],
            id="only-the-lines-that-move-in-unit-code-order",
        ),
        pytest.param(
            {("P17-STP", "2021Q4", "kstt"): (JUSTICE, LATE), JUSTICE_Q3: (JUSTICE, LATE)},
            {("P17-STP", "2021Q4", "kstt"): (JUSTICE, ON_TIME), JUSTICE_Q3: (JUSTICE, ON_TIME)},
            [
                line(JUSTICE_Q3, JUSTICE, LATE, ON_TIME),
                line(("P17-STP", "2021Q4", "kstt"), JUSTICE, LATE, ON_TIME),
            ],
            id="a-unit-s-lines-in-period-order",
        ),
    ],
)
def test_the_lines_a_change_moves(before, after, expected) -> None:
    assert ledger_changes(before, after) == expected


def test_a_line_reads_back_from_what_the_page_and_the_audit_keep() -> None:
    moved = line(JUSTICE_Q3, JUSTICE, LATE, None)
    assert moved.as_data() == {
        "unit": "P17-STP",
        "name": JUSTICE,
        "report": "kstt",
        "period": "2021Q3",
        "before": {"status": "late", "deduction": "0.25"},
        "after": None,
    }
    assert LineChange.from_data(moved.as_data()) == moved
