"""R7 across periods (forms.md): Lan's form 06 for 2021Q3 against her commune's 2021Q2 report.

The carried-over dossiers of a field (column 6) are the ones still pending at the end of the previous
period (column 11). A warning, never a blocker. No database: the definition is read with tomllib.
"""

import copy
import tomllib
from pathlib import Path

import pytest

from kstt.catalogue.rules.forms import FormRow, FormSpecError, check_previous, parse_form_spec
from kstt.catalogue.rules.periods import Period, previous_period

FORMS = Path(__file__).resolve().parents[1] / "definitions" / "forms"
with (FORMS / "06-VPCP-KSTT.v1.toml").open("rb") as _file:
    RAW_06 = tomllib.load(_file)
with (FORMS / "II-07b-VPCP-KSTT.v1.toml").open("rb") as _file:
    RAW_07B = tomllib.load(_file)
FORM_06 = parse_form_spec(RAW_06)

# 2021Q2: Hộ tịch (HT) ended with 4 dossiers pending, Chứng thực (CT) with 5; the total row 9.
Q2 = {"HT": {"pending_total": 4}, "CT": {"pending_total": "5"}}
Q2_TOTAL = {"pending_total": 9}
# 2021Q3: what Lan types in column 6, "Từ kỳ trước".
Q3 = {"HT": {"carried_over": 4}, "CT": {"carried_over": "5"}}
Q3_TOTAL = {"carried_over": 9}


def rows(cells):
    return [FormRow(key, key, values) for key, values in cells.items()]


def r7(q3=None, q2=None, *, total=None, previous_total=None, q3_total=Q3_TOTAL, q2_total=Q2_TOTAL):
    """The R7 findings of 2021Q3 with some cells changed, as (rule, severity, row, column)."""
    now = {key: Q3[key] | (q3 or {}).get(key, {}) for key in Q3} | {k: v for k, v in (q3 or {}).items() if k not in Q3}
    before = None if q2 is False else {key: Q2[key] | (q2 or {}).get(key, {}) for key in Q2}
    findings = check_previous(
        FORM_06,
        rows(now),
        None if before is None else rows(before),
        FormRow("total", "Tổng cộng", q3_total | (total or {})) if q3_total is not None else None,
        FormRow("total", "Tổng cộng", q2_total | (previous_total or {})) if q2_total is not None else None,
    )
    return findings


def brief(findings):
    return [(f.rule, f.severity, f.row, f.column) for f in findings]


def test_form_06_says_as_data_that_pending_carries_over_to_the_next_period():
    assert [(c.id, c.source, c.target) for c in FORM_06.carry] == [("R7", "pending_total", "carried_over")]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, [], id="equal-nothing"),
        pytest.param({"q3": {"HT": {"carried_over": 6}}, "total": {"carried_over": 11}},
                     [("R7", "warning", "HT", "carried_over"), ("R7", "warning", "total", "carried_over")],
                     id="one-field-differs-and-so-does-the-total"),
        pytest.param({"q3": {"HT": {"carried_over": 3}, "CT": {"carried_over": "7"}}},
                     [("R7", "warning", "HT", "carried_over"), ("R7", "warning", "CT", "carried_over")],
                     id="one-warning-per-field"),
        pytest.param({"total": {"carried_over": 10}}, [("R7", "warning", "total", "carried_over")],
                     id="the-total-row-alone"),
        pytest.param({"q3_total": None}, [], id="no-total-row-this-period"),
        pytest.param({"q2_total": None, "total": {"carried_over": 10}}, [], id="no-total-row-last-period"),
        pytest.param({"q3": {"TP": {"carried_over": 2}}}, [], id="field-new-this-period"),
        pytest.param({"q2": False, "q3": {"HT": {"carried_over": 6}}}, [], id="no-previous-report"),
        pytest.param({"q3": {"HT": {"carried_over": None}}}, [], id="empty-cell-said-by-required"),
        pytest.param({"q3": {"HT": {"carried_over": "4,5"}}}, [], id="not-a-number-said-by-r5"),
        pytest.param({"q2": {"HT": {"pending_total": ""}}}, [], id="empty-cell-last-period"),
        pytest.param({"q3": {"HT": {"carried_over": " 4 "}}}, [], id="typed-with-spaces-equal"),
        pytest.param({"q3": {"HT": {"carried_over": 4.0}}}, [], id="spreadsheet-float-equal"),
        pytest.param({"q3": {"HT": {"carried_over": 0}}, "q2": {"HT": {"pending_total": 4}}},
                     [("R7", "warning", "HT", "carried_over")], id="zero-carried-but-four-pending"),
    ],
)  # fmt: skip
def test_r7_compares_carried_over_with_last_periods_pending(kwargs, expected):
    assert brief(r7(**kwargs)) == expected


def test_the_warning_names_both_values_in_vietnamese():
    (finding,) = r7({"HT": {"carried_over": 6}}, q3_total=None)
    assert finding.message == (
        "Số hồ sơ từ kỳ trước chuyển sang phải bằng số hồ sơ đang giải quyết cuối kỳ trước: "
        "cột 6 kỳ này = 6; cột 11 kỳ trước = 4"
    )


def test_r7_is_a_warning_never_a_blocker():
    findings = r7({"HT": {"carried_over": 6}}, total={"carried_over": 11})
    assert [f.severity for f in findings] == ["warning", "warning"]


def test_a_form_without_carry_has_no_r7():
    form_07b = parse_form_spec(RAW_07B)
    assert form_07b.carry == ()
    row = FormRow("P1", "Sở Tư pháp", {"tthc_total": 5})
    assert check_previous(form_07b, [row], [FormRow("P1", "Sở Tư pháp", {"tthc_total": 9})]) == []


@pytest.mark.parametrize(
    ("carry", "error"),
    [
        pytest.param([{"from": "pending_totl", "to": "carried_over"}], "carry[0].from: unknown column 'pending_totl'",
                     id="unknown-from-column"),
        pytest.param([{"from": "pending_total", "to": "carried"}], "carry[0].to: unknown column 'carried'",
                     id="unknown-to-column"),
        pytest.param([{"from": "pending_total"}], "carry[0].to: required key missing", id="missing-to"),
        pytest.param([{"from": "pending_total", "to": "carried_over", "sevrity": "error"}],
                     "carry[0].sevrity: unknown key", id="unknown-key"),
        pytest.param([{"from": "pending_total", "to": "carried_over", "id": "R1"}],
                     "carry[0].id: 'R1' is already a rule of this form", id="id-of-a-rule"),
        pytest.param([{"from": "pending_total", "to": "carried_over"}, {"from": "settled_total", "to": "carried_over"}],
                     "carry[1].to: duplicate 'carried_over'", id="one-column-carried-twice"),
        pytest.param({"from": "pending_total"}, "carry: must be a list", id="not-a-list"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_carry_table_is_refused_with_its_path(carry, error):
    raw = copy.deepcopy(RAW_06) | {"carry": carry}
    with pytest.raises(FormSpecError) as caught:
        parse_form_spec(raw)
    assert str(caught.value).startswith(error)


@pytest.mark.parametrize(
    ("code", "previous"),
    [
        pytest.param("2021Q1", "2020Q4", id="q1-steps-back-a-year"),
        pytest.param("2021Q2", "2021Q1", id="q2"),
        pytest.param("2021Q3", "2021Q2", id="q3"),
        pytest.param("2021Q4", "2021Q3", id="q4"),
        pytest.param("2021Y", "2020Y", id="year"),
        pytest.param("2021H1", "2020H1", id="six-months"),
        pytest.param("2021M9", "2020M9", id="nine-months"),
    ],
)
def test_previous_period(code, previous):
    assert previous_period(Period.parse(code)) == Period.parse(previous)


def test_a_quarters_previous_window_ends_the_day_before_it_starts():
    for code in ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]:
        period = Period.parse(code)
        start, _ = period.window()
        _, end_before = previous_period(period).window()
        assert (start - end_before).days == 1
