"""A figure is a whole number from 0 to the form's ceiling (rules.md §5): the ceiling as form data, the cells
that are not figures, and the rule evaluator facing what a hostile tester typed. No database except the
migration that gives an already loaded v1 its ceiling.
"""

import copy
import importlib
import tomllib
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kstt.catalogue.models import FormDefinition
from kstt.catalogue.rules.forms import (
    DEFAULT_CEILING,
    FIGURE,
    MAX_CEILING,
    FormRow,
    FormSpecError,
    check_cells,
    check_form,
    check_previous,
    figure_findings,
    is_figure,
    parse_form_spec,
)

FORMS = Path(__file__).resolve().parents[1] / "definitions" / "forms"
with (FORMS / "06-VPCP-KSTT.v1.toml").open("rb") as _file:
    RAW_06 = tomllib.load(_file)
with (FORMS / "II-07b-VPCP-KSTT.v1.toml").open("rb") as _file:
    RAW_07B = tomllib.load(_file)
FORM_06 = parse_form_spec(RAW_06)
ROW = {
    "received_total": 5, "received_online": 2, "received_direct": 2, "carried_over": 1,
    "settled_total": 3, "settled_early": 1, "settled_on_time": 1, "settled_late": 1,
    "pending_total": 2, "pending_in_time": 1, "pending_overdue": 1,
}  # fmt: skip
#: What a hostile tester put in cells through the API or the page (a draft may hold any of it).
HOSTILE = ["abc", "", " ", "1", "1.000", -5, 1.5, 12.0, True, False, 1e308, float("inf"), float("-inf"),
           float("nan"), 10**308, 99999999999999999999, "99999999999999999999", Decimal("NaN"), "9" * 40]  # fmt: skip


def brief(findings):
    return [(f.rule, f.row, f.column) for f in findings]


# --- The ceiling, as form data ----------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [RAW_06, RAW_07B], ids=["06", "07b"])
def test_the_shipped_forms_name_their_ceiling(raw):
    assert parse_form_spec(raw).ceiling == 999_999_999 == raw["ceiling"]


def test_a_form_that_names_no_ceiling_gets_the_default():
    raw = {k: v for k, v in RAW_06.items() if k != "ceiling"}
    assert parse_form_spec(raw).ceiling == DEFAULT_CEILING == 999_999_999


@pytest.mark.parametrize(
    ("ceiling", "ok"),
    [
        pytest.param(1, True, id="one"),
        pytest.param(MAX_CEILING, True, id="fifteen-digits"),
        pytest.param(MAX_CEILING + 1, False, id="more-than-a-spreadsheet-keeps"),
        pytest.param(0, False, id="zero"),
        pytest.param(-1, False, id="negative"),
        pytest.param("999999999", False, id="text"),
        pytest.param(1e9, False, id="float"),
        pytest.param(True, False, id="bool"),
    ],
)
def test_a_ceiling_is_a_whole_number_from_1_to_fifteen_digits(ceiling, ok):
    raw = RAW_06 | {"ceiling": ceiling}
    if ok:
        assert parse_form_spec(raw).ceiling == ceiling
    else:
        with pytest.raises(FormSpecError, match=r"^ceiling: must be a whole number from 1 to 999999999999999"):
            parse_form_spec(raw)


# --- What a figure is ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "figure"),
    [
        pytest.param(0, True, id="zero"),
        pytest.param(7, True, id="seven"),
        pytest.param(999_999_999, True, id="the-ceiling"),
        pytest.param(1_000_000_000, False, id="one-over-the-ceiling"),
        pytest.param(-1, False, id="negative"),
        pytest.param(True, False, id="true-is-an-int-in-python-but-not-a-figure"),
        pytest.param(False, False, id="false"),
        pytest.param(1.0, False, id="a-whole-float"),
        pytest.param("1", False, id="digits-as-text"),
        pytest.param(Decimal(1), False, id="a-decimal"),
        pytest.param(None, False, id="empty-is-no-figure-either"),
    ],
)
def test_is_figure(value, figure):
    assert is_figure(value, 999_999_999) is figure


def one(value, *, column="settled_late", row="HT"):
    """Form 06 with one field row (and its total row) where one cell holds ``value``."""
    cells = ROW | {column: value}
    rows = [FormRow("HT", "Hộ tịch", cells if row == "HT" else ROW)]
    return rows, FormRow("total", "Tổng cộng", cells if row == "total" else ROW)


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:20] for v in HOSTILE])
def test_every_hostile_value_is_named_as_not_a_figure_on_its_cell(value):
    expected = [] if value is None else [(FIGURE, "HT", "settled_late")]
    assert brief(figure_findings(FORM_06, *one(value))) == expected


def test_an_empty_cell_is_not_named_the_required_check_says_it():
    assert figure_findings(FORM_06, *one(None)) == []
    assert brief(check_cells(FORM_06, *one(None))) == [
        ("required", "HT", "settled_late"),
        ("R6", "total", "settled_late"),
    ]


@pytest.mark.parametrize(
    ("value", "named"),
    [
        pytest.param(999_999_999, False, id="the-ceiling"),
        pytest.param(1_000_000_000, True, id="one-over"),
    ],
)
def test_the_ceiling_holds_for_a_field_row(value, named):
    assert bool(figure_findings(FORM_06, *one(value))) is named


@pytest.mark.parametrize(
    ("rows", "total", "named"),
    [
        pytest.param(1, 999_999_999, False, id="one-row-the-ceiling"),
        pytest.param(1, 1_000_000_000, True, id="one-row-one-over"),
        pytest.param(2, 1_999_999_998, False, id="two-rows-twice-the-ceiling"),
        pytest.param(2, 1_999_999_999, True, id="two-rows-one-over"),
    ],
)
def test_the_total_row_may_reach_the_sum_of_its_rows_at_the_ceiling(rows, total, named):
    fields = [FormRow(f"F{i}", "", ROW) for i in range(rows)]
    findings = figure_findings(FORM_06, fields, FormRow("total", "", ROW | {"settled_late": total}))
    assert brief(findings) == ([(FIGURE, "total", "settled_late")] if named else [])


def test_a_value_under_a_key_that_is_no_column_is_named_too():
    rows = [FormRow("HT", "", ROW | {"bogus": "abc", "empty": None})]
    (finding,) = figure_findings(FORM_06, rows)
    assert (finding.rule, finding.row, finding.column) == (FIGURE, "HT", "bogus")
    assert finding.message.startswith("“bogus” không phải là cột của biểu này")


def test_the_message_says_what_was_typed_the_bounds_and_that_it_blocks():
    (finding,) = figure_findings(FORM_06, *one("1,5"))
    assert (finding.severity, finding.message) == (
        "error",
        "Cột 10: “1,5” không phải là số liệu; chỉ nhận số nguyên từ 0 đến 999.999.999. "
        "Còn ô này thì chưa gửi được báo cáo",
    )
    (total,) = figure_findings(FORM_06, *one(True, row="total"))
    assert total.message.startswith("Dòng Tổng cộng, cột 10: “true” không phải là số liệu")
    (long,) = figure_findings(FORM_06, *one(10**308))
    assert "“10000000000000000000000000000…”" in long.message


def test_the_figure_finding_stands_in_for_the_whole_number_rule_on_its_cell_not_for_the_others():
    """ "abc": named once, as not a figure (R5 would say it again); R1-R4 of the row are still checked."""
    rows = [FormRow("HT", "", ROW | {"carried_over": "abc", "received_total": 6})]
    assert brief(check_form(FORM_06, rows)) == [("R4", "HT", "received_total"), ("R5", "HT", "carried_over")]
    assert brief(check_cells(FORM_06, rows)) == [(FIGURE, "HT", "carried_over"), ("R4", "HT", "received_total")]


# --- The evaluator never crashes and never rounds ---------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE, ids=[repr(v)[:20] for v in HOSTILE])
@pytest.mark.parametrize("where", ["HT", "total"])
def test_the_rules_never_crash_on_what_a_draft_may_hold(value, where):
    rows, total = one(value, row=where)
    findings = check_cells(FORM_06, rows, total) + check_form(FORM_06, rows, total)
    assert all(f.message for f in findings)
    previous = [FormRow("HT", "", ROW | {"pending_total": value})]
    check_previous(FORM_06, one(value, column="carried_over")[0], previous)


def test_big_numbers_are_added_exactly():
    """99999999999999999999 = 99999999999999999998 + 1 + 0: true in integers, lost in floating point."""
    big = ROW | {"received_total": 99999999999999999999, "received_online": 99999999999999999998,
                 "received_direct": 1, "carried_over": 0}  # fmt: skip
    assert [f.rule for f in check_form(FORM_06, [FormRow("HT", "", big)])] == ["R4"]  # R1 holds, exactly
    wrong = big | {"received_direct": 2}
    (r1, _) = check_form(FORM_06, [FormRow("HT", "", wrong)])
    assert r1.rule == "R1" and "cột 3 = 99999999999999999999" in r1.message


# --- Migration 0008: a form 06 or 07b v1 loaded before its ceiling was data ---------------------------------


def load():
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    return out.getvalue()


def test_a_database_that_loaded_the_v1_forms_before_the_ceiling_was_data_still_loads_the_shipped_catalogue(
    kstt_report,
):
    from django.apps import apps

    migration = importlib.import_module("kstt.catalogue.migrations.0008_forms_v1_name_their_ceiling")
    shipped = {f.code: (copy.deepcopy(f.definition), f.digest) for f in FormDefinition.objects.all()}
    assert {code: definition["ceiling"] for code, (definition, _) in shipped.items()} == {
        "06/VPCP/KSTT": 999_999_999, "II.07b/VPCP/KSTT": 999_999_999
    }  # fmt: skip
    migration.remove_ceiling(apps, None)  # as they were stored before
    assert not any("ceiling" in f.definition for f in FormDefinition.objects.all())
    with pytest.raises(CommandError, match="is already loaded with different content"):
        load()
    migration.add_ceiling(apps, None)
    assert {f.code: (f.definition, f.digest) for f in FormDefinition.objects.all()} == shipped
    assert "forms: 0 new (-), 2 unchanged" in load()
    migration.add_ceiling(apps, None)  # twice: unchanged
    assert {f.code: (f.definition, f.digest) for f in FormDefinition.objects.all()} == shipped


def test_a_stored_form_with_another_ceiling_keeps_it(kstt_report):
    from django.apps import apps

    migration = importlib.import_module("kstt.catalogue.migrations.0008_forms_v1_name_their_ceiling")
    form = FormDefinition.objects.get(code="06/VPCP/KSTT")
    form.definition = form.definition | {"ceiling": 5000}
    form.save()
    migration.add_ceiling(apps, None)
    migration.remove_ceiling(apps, None)
    form.refresh_from_db()
    assert form.definition["ceiling"] == 5000
