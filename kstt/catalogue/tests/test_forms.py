"""Forms 06 and 07b as data (forms.md): the real definition files, their rules, and a new version as data.

Lan, the reporter of commune Yên Nghiệp, fills form 06 for two procedure fields, Hộ tịch (HT) and
Chứng thực (CT), and its total row; Hoa at the provincial office compiles form 07b, one row per unit.
No database: the definitions are read with tomllib and checked by the pure rules module.
"""

import copy
import json
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from kstt.catalogue.rules.forms import FormRow, FormSpecError, check_form, is_whole, parse_form_spec, to_json

FORMS = Path(__file__).resolve().parents[1] / "definitions" / "forms"


def load(name):
    with (FORMS / name).open("rb") as file:
        return tomllib.load(file)


RAW_06 = load("06-VPCP-KSTT.v1.toml")
RAW_07B = load("II-07b-VPCP-KSTT.v1.toml")
FORM_06 = parse_form_spec(RAW_06)
FORM_07B = parse_form_spec(RAW_07B)

# Lan's figures, consistent: R1 12 = 5 + 4 + 3, R2 8 = 2 + 5 + 1, R3 4 = 3 + 1, R4 12 = 8 + 4 (HT).
HOTICH = {
    "received_total": 12, "received_online": 5, "received_direct": 4, "carried_over": 3,
    "settled_total": 8, "settled_early": 2, "settled_on_time": 5, "settled_late": 1,
    "pending_total": 4, "pending_in_time": 3, "pending_overdue": 1,
}  # fmt: skip
# The same as a person types them in a sheet: text, some with spaces.
CHUNGTHUC = {
    "received_total": "20", "received_online": " 10", "received_direct": "8 ", "carried_over": "2",
    "settled_total": "15", "settled_early": "5", "settled_on_time": "9", "settled_late": "1",
    "pending_total": "5", "pending_in_time": " 4 ", "pending_overdue": "1",
}  # fmt: skip
TOTAL_06 = {key: HOTICH[key] + int(CHUNGTHUC[key]) for key in HOTICH}


def form_06(ht=None, ct=None, total=None, *, with_total=True):
    """Check Lan's form 06 with some cells changed; the findings as (rule, severity, row, column)."""
    rows = [FormRow("HT", "Hộ tịch", HOTICH | (ht or {})), FormRow("CT", "Chứng thực", CHUNGTHUC | (ct or {}))]
    total_row = FormRow("total", "Tổng cộng", TOTAL_06 | (total or {})) if with_total else None
    return check_form(FORM_06, rows, total_row)


def brief(findings):
    return [(f.rule, f.severity, f.row, f.column) for f in findings]


# --- The real files --------------------------------------------------------------------------------------


def test_form_06_is_read_as_forms_md_prints_it():
    assert (FORM_06.key, FORM_06.code, FORM_06.version) == ("06", "06/VPCP/KSTT", 1)
    assert FORM_06.levels == ("department", "district", "commune")
    assert (FORM_06.rows, FORM_06.total_row, FORM_06.unit_of_measure) == ("procedure_fields", True, "Số hồ sơ TTHC")
    assert [c.number for c in FORM_06.columns] == list(range(3, 14))
    assert [(c.key, c.group, c.heading) for c in FORM_06.columns[:5]] == [
        ("received_total", "Số hồ sơ nhận giải quyết", "Tổng số"),
        ("received_online", "Số hồ sơ nhận giải quyết", "Trực tuyến"),
        ("received_direct", "Số hồ sơ nhận giải quyết", "Trực tiếp, dịch vụ bưu chính"),
        ("carried_over", "Số hồ sơ nhận giải quyết", "Từ kỳ trước"),
        ("settled_total", "Số hồ sơ đã giải quyết", "Tổng số"),
    ]
    assert [r.id for r in FORM_06.rules] == ["R1", "R2", "R3", "R4", "R5", "R6"]  # R7, R8 are checked elsewhere
    assert FORM_06.layout["signature"] == {"left": "NGƯỜI LẬP BIỂU", "right": "THỦ TRƯỞNG ĐƠN VỊ"}


def test_form_07b_is_the_provinces_with_twelve_columns():
    assert (FORM_07B.key, FORM_07B.code, FORM_07B.version) == ("07b", "II.07b/VPCP/KSTT", 1)
    assert (FORM_07B.levels, FORM_07B.rows, FORM_07B.total_row) == (("province",), "units", True)
    assert [c.number for c in FORM_07B.columns] == list(range(3, 15))
    assert {r.id: r.severity for r in FORM_07B.rules} == {
        "R1": "error", "R2": "warning", "R3": "warning", "R4": "warning", "R5": "warning", "R6": "error",
    }  # fmt: skip


@pytest.mark.parametrize("raw", [RAW_06, RAW_07B], ids=["06", "07b"])
def test_a_definition_survives_the_json_round_trip_of_storage(raw):
    assert parse_form_spec(json.loads(json.dumps(to_json(raw)))) == parse_form_spec(raw)


# --- Form 06: the rules of forms.md ------------------------------------------------------------------------


def test_lans_correct_form_has_no_findings():
    assert form_06() == []


@pytest.mark.parametrize(
    ("ht", "total", "expected", "figures"),
    [
        pytest.param(
            {"received_online": 4}, None,
            [("R1", "error", "HT", "received_total")], "cột 3 = 12; cột 4 + cột 5 + cột 6 = 11",
            id="R1-received-total-differs",
        ),
        pytest.param(
            {"settled_late": 2}, None,
            [("R2", "error", "HT", "settled_total")], "cột 7 = 8; cột 8 + cột 9 + cột 10 = 9",
            id="R2-settled-total-differs",
        ),
        pytest.param(
            {"pending_overdue": 0}, None,
            [("R3", "error", "HT", "pending_total")], "cột 11 = 4; cột 12 + cột 13 = 3",
            id="R3-pending-total-differs",
        ),
        pytest.param(
            {"settled_total": 9, "settled_on_time": 6}, None,
            [("R4", "error", "HT", "received_total")], "cột 3 = 12; cột 7 + cột 11 = 13",
            id="R4-received-not-settled-plus-pending",
        ),
        pytest.param(
            {"settled_late": -1, "settled_on_time": 7}, None,
            [("R5", "error", "HT", "settled_late")], "cột 10 = -1",
            id="R5-negative",
        ),
        pytest.param(
            {"carried_over": "abc"}, None,
            [("R5", "error", "HT", "carried_over")], "cột 6 = abc",
            id="R5-text",
        ),
        pytest.param(
            {"carried_over": "1.5"}, None,
            [("R5", "error", "HT", "carried_over")], "cột 6 = 1.5",
            id="R5-decimal",
        ),
        pytest.param(
            {"carried_over": "1.000"}, None,
            [("R5", "error", "HT", "carried_over")], "cột 6 = 1.000",
            id="R5-a-dot-is-not-read-as-a-thousands-separator",
        ),
        pytest.param(
            {}, {"settled_early": 8, "settled_on_time": 13},
            [("R6", "error", "total", "settled_early"), ("R6", "error", "total", "settled_on_time")],
            "cột 8 dòng Tổng cộng = 8; tổng cột 8 của các dòng = 7",
            id="R6-total-not-column-sum",
        ),
        pytest.param(
            {}, {"received_online": 16},
            [("R1", "error", "total", "received_total"), ("R6", "error", "total", "received_online")],
            "cột 3 = 32; cột 4 + cột 5 + cột 6 = 33",
            id="R1-on-the-total-row",
        ),
        pytest.param(
            {}, {"settled_late": 3},
            [("R2", "error", "total", "settled_total"), ("R6", "error", "total", "settled_late")],
            "cột 7 = 23; cột 8 + cột 9 + cột 10 = 24",
            id="R2-on-the-total-row",
        ),
        pytest.param(
            {}, {"pending_overdue": 3},
            [("R3", "error", "total", "pending_total"), ("R6", "error", "total", "pending_overdue")],
            "cột 11 = 9; cột 12 + cột 13 = 10",
            id="R3-on-the-total-row",
        ),
        pytest.param(
            {}, {"settled_total": 24, "settled_early": 8},
            [
                ("R4", "error", "total", "received_total"),
                ("R6", "error", "total", "settled_total"),
                ("R6", "error", "total", "settled_early"),
            ],
            "cột 3 = 32; cột 7 + cột 11 = 33",
            id="R4-on-the-total-row",
        ),
        pytest.param(
            {"pending_in_time": ""}, None,
            [("required", "error", "HT", "pending_in_time")],
            "Chưa nhập cột 12 (Số lượng hồ sơ đang giải quyết – Trong hạn)",
            id="required-empty-cell",
        ),
        pytest.param(
            {"received_online": None, "received_direct": "  "}, None,
            [("required", "error", "HT", "received_online"), ("required", "error", "HT", "received_direct")],
            "Chưa nhập cột 4 (Số hồ sơ nhận giải quyết – Trực tuyến)",
            id="R1-skipped-when-its-cells-are-empty",
        ),
    ],
)  # fmt: skip
def test_each_rule_of_form_06_names_its_cell_and_figures(ht, total, expected, figures):
    findings = form_06(ht=ht, total=total, with_total=total is not None)
    assert brief(findings) == expected
    assert figures in findings[0].message


def test_a_failing_row_rule_says_what_should_hold_then_the_figures():
    [finding] = form_06(ht={"received_online": 4}, with_total=False)
    assert finding.message == (
        "Tổng số hồ sơ nhận giải quyết phải bằng số nhận trực tuyến + số nhận trực tiếp, qua bưu chính"
        " + số từ kỳ trước chuyển sang: cột 3 = 12; cột 4 + cột 5 + cột 6 = 11"
    )


def test_every_failure_is_returned_row_by_row_in_rule_order():
    findings = form_06(
        ht={"received_online": 4, "settled_late": 2},
        ct={"carried_over": "hai", "pending_in_time": ""},
        total={"received_online": 14},
    )
    assert brief(findings) == [
        ("R1", "error", "HT", "received_total"),
        ("R2", "error", "HT", "settled_total"),
        ("required", "error", "CT", "pending_in_time"),
        ("R5", "error", "CT", "carried_over"),
        ("R1", "error", "total", "received_total"),
        ("R6", "error", "total", "settled_late"),
        ("R6", "error", "total", "pending_in_time"),  # an empty cell counts for nothing in the column sum
    ]


def test_an_exception_while_evaluating_fails_the_rule_instead_of_leaking():
    raw = copy.deepcopy(RAW_06)
    raw["rules"][4]["expr"] = "value >= 0"  # "abc" >= 0 raises TypeError
    findings = check_form(parse_form_spec(raw), [FormRow("HT", "Hộ tịch", HOTICH | {"carried_over": "abc"})])
    assert brief(findings) == [("R5", "error", "HT", "carried_over")]


@pytest.mark.parametrize(
    ("value", "whole"),
    [
        pytest.param(3, True, id="int"),
        pytest.param(-2, True, id="negative-int-is-whole-R5-refuses-it"),
        pytest.param(" 3 ", True, id="text-with-spaces"),
        pytest.param(Decimal(7), True, id="decimal-without-decimals"),
        pytest.param(True, False, id="bool"),
        pytest.param("1.5", False, id="text-with-decimals"),
        pytest.param(Decimal("1.0"), False, id="decimal-written-with-decimals"),
        pytest.param("abc", False, id="text"),
        pytest.param(None, False, id="empty"),
    ],
)
def test_is_whole(value, whole):
    assert is_whole(value) is whole


# --- Form 07b: warnings and errors -------------------------------------------------------------------------

SO_TU_PHAP = {
    "tthc_total": 100, "tthc_province": 60, "tthc_district": 30, "tthc_commune": 10,
    "onestop_total": 90, "onestop_province": 55, "onestop_district": 25, "onestop_commune": 10,
    "workflow_total": 80, "workflow_province": 50, "workflow_district": 20, "workflow_commune": 10,
}  # fmt: skip
LAC_SON = {
    "tthc_total": 50, "tthc_province": 20, "tthc_district": 20, "tthc_commune": 10,
    "onestop_total": 40, "onestop_province": 15, "onestop_district": 15, "onestop_commune": 10,
    "workflow_total": 30, "workflow_province": 10, "workflow_district": 10, "workflow_commune": 10,
}  # fmt: skip
TOTAL_07B = {key: SO_TU_PHAP[key] + LAC_SON[key] for key in SO_TU_PHAP}


@pytest.mark.parametrize(
    ("stp", "total", "expected", "figures"),
    [
        pytest.param({}, {}, [], "", id="07b-consistent"),
        pytest.param(
            {"tthc_total": 95}, None,
            [("R2", "warning", "STP", "tthc_total")], "cột 3 = 95; cột 4 + cột 5 + cột 6 = 100",
            id="07b-total-below-sum-is-only-a-warning",
        ),
        pytest.param(
            {"onestop_total": 85}, None,
            [("R3", "warning", "STP", "onestop_total")], "cột 7 = 85; cột 8 + cột 9 + cột 10 = 90",
            id="07b-onestop-total-below-sum-is-only-a-warning",
        ),
        pytest.param(
            {"workflow_total": 75}, None,
            [("R4", "warning", "STP", "workflow_total")], "cột 11 = 75; cột 12 + cột 13 + cột 14 = 80",
            id="07b-workflow-total-below-sum-is-only-a-warning",
        ),
        pytest.param(
            {"onestop_total": 110, "onestop_province": 75}, None,
            [("R5", "warning", "STP", "onestop_total")], "cột 7 = 110; cột 3 = 100",
            id="07b-onestop-above-all-procedures-is-a-warning",
        ),
        pytest.param(
            {"workflow_commune": -1, "workflow_province": 61}, None,
            [("R1", "error", "STP", "workflow_commune")], "cột 14 = -1",
            id="07b-negative-is-an-error",
        ),
        pytest.param(
            {}, {"tthc_province": 81, "tthc_district": 49},
            [("R6", "error", "total", "tthc_province"), ("R6", "error", "total", "tthc_district")],
            "cột 4 dòng Tổng cộng = 81; tổng cột 4 của các dòng = 80",
            id="07b-total-row-not-column-sum-is-an-error",
        ),
    ],
)  # fmt: skip
def test_form_07b_warns_on_level_sums_and_refuses_bad_numbers(stp, total, expected, figures):
    rows = [FormRow("STP", "Sở Tư pháp", SO_TU_PHAP | stp), FormRow("LS", "Huyện Lạc Sơn", LAC_SON)]
    total_row = None if total is None else FormRow("total", "Tổng cộng", TOTAL_07B | total)
    findings = check_form(FORM_07B, rows, total_row)
    assert brief(findings) == expected
    assert not findings or figures in findings[0].message


# --- Mistakes in a definition are refused, with their path ------------------------------------------------


DELETE = object()  # the key is removed from the definition


@pytest.mark.parametrize(
    ("path", "value", "error"),
    [
        pytest.param(
            ("rules", 0, "expr"),
            "received_total == foo + 1",
            "rules[0].expr: unknown column 'foo'",
            id="unknown-column-in-expr",
        ),
        pytest.param(
            ("rules", 0, "expr"),
            "__import__('os')",
            "rules[0].expr: function '__import__' is not allowed",
            id="import-call",
        ),
        pytest.param(
            ("rules", 4, "expr"), "open('/etc/passwd')", "rules[4].expr: function 'open' is not allowed", id="open-call"
        ),
        pytest.param(
            ("rules", 4, "expr"), "value.__class__", "rules[4].expr: Attribute is not allowed", id="attribute-access"
        ),
        pytest.param(
            ("rules", 1, "expr"), "settled_total ==", "rules[1].expr: does not parse", id="expr-does-not-parse"
        ),
        pytest.param(
            ("rules", 4, "expr"),
            "received_total >= 0",
            "rules[4].expr: unknown name 'received_total'",
            id="cell-rule-names-a-column",
        ),
        pytest.param(("rules", 5, "cell"), "received_total", "rules[5].cell:", id="cell-on-a-column-rule"),
        pytest.param(
            ("columns", 3, "key"),
            "received_total",
            "columns[3].key: duplicate 'received_total'",
            id="duplicate-column-key",
        ),
        pytest.param(("columns", 3, "number"), 3, "columns[3].number: duplicate 3", id="duplicate-column-number"),
        pytest.param(("columns", 0, "key"), "rows", "columns[0].key: 'rows' is not allowed", id="reserved-column-key"),
        pytest.param(("columns", 0, "hedaing"), "x", "columns[0].hedaing: unknown key", id="unknown-column-field"),
        pytest.param(
            ("columns", 2, "heading"), DELETE, "columns[2].heading: required key missing", id="column-without-heading"
        ),
        pytest.param(
            ("rules", 1, "severity"),
            "fatal",
            "rules[1].severity: must be one of: error, warning",
            id="unknown-severity",
        ),
        pytest.param(
            ("rules", 1, "scope"), "sheet", "rules[1].scope: must be one of: cell, row, column", id="unknown-scope"
        ),
        pytest.param(("rules", 1, "id"), "R1", "rules[1].id: duplicate 'R1'", id="duplicate-rule-id"),
        pytest.param(("titel",), "x", "titel: unknown key", id="unknown-top-level-key"),
        pytest.param(("code",), DELETE, "code: required key missing", id="missing-required-key"),
        pytest.param(("levels",), ["department", "ward"], "levels[1]: must be one of", id="bad-level"),
        pytest.param(("levels",), [], "levels: must be a non-empty list", id="no-level"),
        pytest.param(("version",), 0, "version: must be a whole number >= 1", id="version-zero"),
        pytest.param(("rows",), "cells", "rows: must be one of", id="unknown-row-source"),
        pytest.param(("valid_from",), "2021-13-01", "valid_from: must be a date", id="bad-date"),
        pytest.param(("valid_until",), "2020-12-31", "valid_until: is before valid_from", id="ends-before-it-starts"),
    ],
)
def test_a_mistake_in_a_definition_is_refused_with_its_path(path, value, error):
    raw = copy.deepcopy(RAW_06)
    target = raw
    for step in path[:-1]:
        target = target[step]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    with pytest.raises(FormSpecError) as caught:
        parse_form_spec(raw)
    assert str(caught.value).startswith(error)


# --- A new version is a data change ----------------------------------------------------------------------


def form_06_version_2():
    """Form 06 as a successor circular might print it: a 14th column and a rule over it, as data only."""
    raw = copy.deepcopy(RAW_06)
    raw.update(version=2, legal_basis="Thông tư số 5/2025/TT-VPCP", valid_from="2026-02-15")
    raw["columns"].append(
        {"key": "received_postal", "number": 14, "group": "Số hồ sơ nhận giải quyết", "heading": "Qua bưu chính"}
    )
    raw["rules"].append({
        "id": "R9", "scope": "row", "severity": "error", "expr": "received_postal <= received_direct",
        "message": "Số hồ sơ nhận qua bưu chính không thể nhiều hơn số nhận trực tiếp, dịch vụ bưu chính",
    })  # fmt: skip
    return parse_form_spec(raw)


@pytest.mark.parametrize(
    ("postal", "expected", "figures"),
    [
        pytest.param(3, [], "", id="v2-postal-within-direct"),
        pytest.param(5, [("R9", "error", "HT", "received_postal")], "cột 14 = 5; cột 5 = 4", id="v2-new-rule-enforced"),
        pytest.param(None, [("required", "error", "HT", "received_postal")], "Chưa nhập cột 14",
                     id="v2-new-column-required"),
    ],
)  # fmt: skip
def test_a_new_version_of_form_06_is_enforced_by_the_same_evaluator(postal, expected, figures):
    spec = form_06_version_2()
    assert (spec.version, spec.valid_from.isoformat(), len(spec.columns)) == (2, "2026-02-15", 12)
    findings = check_form(spec, [FormRow("HT", "Hộ tịch", HOTICH | {"received_postal": postal})])
    assert brief(findings) == expected
    assert not findings or figures in findings[0].message
