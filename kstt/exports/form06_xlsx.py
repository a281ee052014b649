"""Form 06 as an xlsx workbook: a pure renderer over ``CompiledForm06`` (style.md §8, forms.md "Layout fidelity").

``render_form06_xlsx(compiled)`` takes the compiled structure and returns the bytes of a workbook. It
never queries and never reads settings: every printed text comes from the form definition's ``[layout]``
table (``compiled.spec.layout``) or from the compiled structure itself.

The data sheet (named "Biểu <form key>", e.g. "Biểu 06") reproduces the printed form (the layout every
form shares is ``kstt.exports.printed``):

- top left, the form label and "Ban hành theo …"; top right, the reporting and receiving units;
- centred over the table, the title (bold), "Kỳ báo cáo: <period>" and "(Từ ngày … đến ngày …)" filled
  from ``compiled.window``; right-aligned above the table, the unit of measure;
- the header: STT and the label column merged down the header rows, each column group merged across its
  columns, each ``layout.subgroups`` entry ("Trong đó") merged across its columns under its group, then
  the column headings; under them, the column-number row 1 … 13 (italic);
- the body: for one unit, a row per procedure field then the total row; for a compiled form, per level
  group a heading row (I, II, III …), its unit rows (1 … n), a subtotal row "Cộng <heading>", then the
  grand total row. A level whose units sit under their parent unit (the communes of each district on the
  2021 province's form, ``Form06Group.subgroups``) prints, per parent, a row naming it (1, 2 … in bold
  italics, the sum of its units) then its units (1.1, 1.2 …); the level's subtotal adds up those parent
  rows. Heading, subtotal and total rows are bold. Counts are int cells; the total row is a
  formula over the field rows (``=SUM(C12:C20)``), a subtotal one over its group's unit rows and the grand
  total of a compiled form one over the subtotals (``=SUM(C15,C40,C95)``), so the totals a spreadsheet
  shows are always those of the figures above them (forms.md: the total row is computed, never typed).
  A group or form without rows has its counts instead. Every text is written as text (``cells.put``);
- under the table, the signature block (``layout.signature``), left and right.

Printed column number n is sheet column n (STT is A, the label column B, column 3 is C …). The label
column keeps its printed heading ("Lĩnh vực, công việc giải quyết theo cấp") in a compiled form too: the
printed form uses that one heading at every level, and "theo cấp" is what the level groups show.

Where the data is, for an importer reading back a filled-in copy: a hidden sheet ``_kstt`` (not defined
names, which hold references and formulas and do not carry plain texts reliably across spreadsheet
programs) with a "key" / "value" header row and one key per row:

====================  ===============================================================================
``sheet``             the data sheet's name
``form_key``          the form's key, e.g. "06"
``form_code``         e.g. "06/VPCP/KSTT"
``form_version``      the definition's version (a number)
``unit_code``         the reporting unit's code
``period``            the period code, e.g. "2021Q3"
``compiled``          "yes" (rows per unit, grouped by level) or "no" (rows per procedure field)
``first_data_row``    the first row under the column-number row (a number)
``total_row``         the grand total row (a number)
``column:<key>``      the column letter of each data column, e.g. ``column:received_total`` = "C"
``row:<key>``         the row of each procedure field (one unit) or unit (compiled form), by its code
``group:<level>``     a compiled form's level heading row, e.g. ``group:district``
``subtotal:<level>``  a compiled form's subtotal row
``subgroup:<key>``    a parent's row over its units, by ``Form06Subgroup.key`` (e.g. ``D157/commune``)
====================  ===============================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openpyxl.utils import get_column_letter

from kstt.catalogue.rules.form06 import CompiledForm06, Form06Group
from kstt.exports.printed import META_SHEET, Body, Heading, PrintedForm, roman, sum_formula

__all__ = ["META_SHEET", "render_form06_xlsx", "sum_formula"]

SUBTOTAL_LABEL = "Cộng"


def render_form06_xlsx(compiled: CompiledForm06) -> bytes:
    """The workbook of one form 06, as printed, with a hidden ``_kstt`` sheet saying where its data is."""
    spec = compiled.spec
    heading = Heading(compiled.unit_name, compiled.recipient_name, compiled.period_label, compiled.window)
    form = PrintedForm.open(spec, heading)
    body = form.body
    rows: list[tuple[str, int]] = []  # the body's rows by key, for the _kstt sheet
    summed: list[int] = []  # the rows the grand total adds up: the field rows, or a compiled form's subtotals
    if compiled.compiled:
        for index, group in enumerate(compiled.groups, start=1):
            summed.append(_write_group(body, spec.layout, index, group, rows))
    else:
        summed = [body.line(number, row.label, row.counts) for number, row in enumerate(compiled.rows, start=1)]
        rows += [(f"row:{row.key}", at) for row, at in zip(compiled.rows, summed, strict=True)]
    total_row = body.total(spec.layout.get("total_label", ""), compiled.total, summed)
    meta: list[tuple[str, object]] = [
        ("sheet", form.ws.title),
        ("form_key", spec.key),
        ("form_code", spec.code),
        ("form_version", spec.version),
        ("unit_code", compiled.unit_code),
        ("period", compiled.period),
        ("compiled", "yes" if compiled.compiled else "no"),
        ("first_data_row", form.first_data_row),
        ("total_row", total_row),
        *((f"column:{c.key}", get_column_letter(c.number)) for c in body.columns),
        *rows,
    ]
    return form.close(total_row, meta)


def _write_group(body: Body, layout: Mapping[str, Any], index: int, group: Form06Group, rows: list) -> int:
    """One level group of a compiled form: heading, units (under their parents if any), subtotal; returns
    the subtotal's row and adds every row written to ``rows`` (key, sheet row)."""
    heading = group.heading or layout.get("level_headings", {}).get(group.level, group.level)
    rows.append((f"group:{group.level}", body.line(roman(index), heading, None, bold=True)))
    if group.subgroups:
        parts = []  # the parents' rows the subtotal adds up
        for number, sub in enumerate(group.subgroups, start=1):
            first = body.next_row + 1
            members = list(range(first, first + len(sub.rows)))
            parent = body.line(number, sub.parent_name, sub.subtotal, bold=True, italic=True, summed=members)
            rows.append((f"subgroup:{sub.key}", parent))
            for place, row in enumerate(sub.rows, start=1):
                rows.append((f"row:{row.key}", body.line(f"{number}.{place}", row.label, row.counts)))
            parts.append(parent)
    else:
        parts = [body.line(number, row.label, row.counts) for number, row in enumerate(group.rows, start=1)]
        rows += [(f"row:{row.key}", at) for row, at in zip(group.rows, parts, strict=True)]
    subtotal = body.total(f"{SUBTOTAL_LABEL} {heading}", group.subtotal, parts)
    rows.append((f"subtotal:{group.level}", subtotal))
    return subtotal
