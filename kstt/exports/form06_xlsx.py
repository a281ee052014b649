"""Form 06 as an xlsx workbook: a pure renderer over ``CompiledForm06`` (style.md §8, forms.md "Layout fidelity").

``render_form06_xlsx(compiled)`` takes the compiled structure and returns the bytes of a workbook. It
never queries and never reads settings: every printed text comes from the form definition's ``[layout]``
table (``compiled.spec.layout``) or from the compiled structure itself.

The data sheet (named "Biểu <form key>", e.g. "Biểu 06") reproduces the printed form:

- top left, the form label and "Ban hành theo …"; top right, the reporting and receiving units;
- centred over the table, the title (bold), "Kỳ báo cáo: <period>" and "(Từ ngày … đến ngày …)" filled
  from ``compiled.window``; right-aligned above the table, the unit of measure;
- the header: STT and the label column merged down the header rows, each column group merged across its
  columns, each ``layout.subgroups`` entry ("Trong đó") merged across its columns under its group, then
  the column headings; under them, the column-number row 1 … 13 (italic);
- the body: for one unit, a row per procedure field then the total row; for a compiled form, per level
  group a heading row (I, II, III …), its unit rows (1 … n), a subtotal row "Cộng <heading>", then the
  grand total row. Heading, subtotal and total rows are bold. Counts are int cells; the total row is a
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
====================  ===============================================================================
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from kstt.catalogue.rules.form06 import CompiledForm06, Form06Row
from kstt.catalogue.rules.forms import Column
from kstt.exports.cells import Formula, put

META_SHEET = "_kstt"
PERIOD_LABEL = "Kỳ báo cáo"
SUBTOTAL_LABEL = "Cộng"
SIGNATURE_NOTES = {"left": "(Ký, ghi rõ họ tên)", "right": "(Ký tên, đóng dấu)"}
# Used only when the definition's layout lacks the text.
DEFAULT_FONT = "Times New Roman"
DEFAULT_LABEL_COLUMNS = ({"number": 1, "heading": "STT"}, {"number": 2, "heading": ""})

BODY_SIZE = 12
TITLE_SIZE = 13
STT_WIDTH, LABEL_WIDTH, DATA_WIDTH = 6, 38, 11
HEADER_HEIGHTS = {"top": 32.0, "middle": 22.0, "last": 50.0}
NUMBER_FORMAT = "#,##0"
_THIN = Side(style="thin")
THIN = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class _Writer:
    """One sheet and the form's font: each call writes one cell, or one merged block from its top-left cell."""

    ws: Any
    font: str

    def put(
        self,
        row: int,
        col: int,
        value: object,
        *,
        to_row: int | None = None,
        to_col: int | None = None,
        bold: bool = False,
        italic: bool = False,
        size: int = BODY_SIZE,
        align: str = "center",
        border: bool = False,
    ) -> None:
        cell = put(self.ws.cell(row=row, column=col), value)
        cell.font = Font(name=self.font, size=size, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        if border:
            cell.border = THIN  # merging copies the top-left cell's edges to the whole block
        if isinstance(value, int | Formula) and not isinstance(value, bool):
            cell.number_format = NUMBER_FORMAT
        end_row, end_col = to_row or row, to_col or col
        if (end_row, end_col) != (row, col):
            self.ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)


def render_form06_xlsx(compiled: CompiledForm06) -> bytes:
    """The workbook of one form 06, as printed, with a hidden ``_kstt`` sheet saying where its data is."""
    spec, layout = compiled.spec, compiled.spec.layout
    columns = sorted(spec.columns, key=lambda c: c.number)
    labels = sorted(layout.get("label_columns", DEFAULT_LABEL_COLUMNS), key=lambda c: c["number"])
    stt_col, label_col = labels[0]["number"], labels[-1]["number"]
    last_col = max(columns[-1].number, label_col)

    workbook = Workbook()
    ws = workbook.active
    ws.title = _SHEET_NAME_FORBIDDEN.sub("-", f"Biểu {spec.key}")[:31]
    out = _Writer(ws, layout.get("font", DEFAULT_FONT))

    _write_top(out, compiled, last_col)
    header_top = 8
    numbers_row = _write_header(out, layout, labels, columns, header_top)
    first_data_row = numbers_row + 1
    body = _Body(out, columns, stt_col, label_col, last_col, next_row=first_data_row)
    rows: list[tuple[str, int]] = []  # the body's rows by key, for the _kstt sheet
    summed: list[int] = []  # the rows the grand total adds up: the field rows, or a compiled form's subtotals
    if compiled.compiled:
        for index, group in enumerate(compiled.groups, start=1):
            heading = group.heading or layout.get("level_headings", {}).get(group.level, group.level)
            rows.append((f"group:{group.level}", body.heading(_roman(index), heading)))
            unit_rows = [body.row(number, row) for number, row in enumerate(group.rows, start=1)]
            rows += [(f"row:{row.key}", at) for row, at in zip(group.rows, unit_rows, strict=True)]
            subtotal = body.total(f"{SUBTOTAL_LABEL} {heading}", group.subtotal, unit_rows)
            rows.append((f"subtotal:{group.level}", subtotal))
            summed.append(subtotal)
    else:
        summed = [body.row(number, row) for number, row in enumerate(compiled.rows, start=1)]
        rows += [(f"row:{row.key}", at) for row, at in zip(compiled.rows, summed, strict=True)]
    total_row = body.total(layout.get("total_label", ""), compiled.total, summed)
    meta: list[tuple[str, object]] = [
        ("sheet", ws.title),
        ("form_key", spec.key),
        ("form_code", spec.code),
        ("form_version", spec.version),
        ("unit_code", compiled.unit_code),
        ("period", compiled.period),
        ("compiled", "yes" if compiled.compiled else "no"),
        ("first_data_row", first_data_row),
        ("total_row", total_row),
        *((f"column:{c.key}", get_column_letter(c.number)) for c in columns),
        *rows,
    ]

    _write_signature(out, layout.get("signature", {}), total_row + 2, label_col, last_col)
    _set_up_page(ws, columns, stt_col, label_col, header_top, numbers_row)
    _write_meta(workbook.create_sheet(META_SHEET), meta)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_top(out: _Writer, compiled: CompiledForm06, last_col: int) -> None:
    """Rows 1-7: form label and legal basis (left), the units (right), title, period, unit of measure."""
    spec, layout = compiled.spec, compiled.spec.layout
    half = max(last_col // 2, 1)
    right = min(half + 2, last_col)
    out.put(1, 1, layout.get("form_label", spec.code), to_col=half, bold=True, align="left")
    out.put(2, 1, layout.get("issued_under", ""), to_col=half, italic=True, align="left")
    recipient = f" {compiled.recipient_name}" if compiled.recipient_name else ""
    out.put(1, right, f"{layout.get('reporting_unit', '')}: {compiled.unit_name}", to_col=last_col, align="left")
    out.put(2, right, f"{layout.get('receiving_unit', '')}:{recipient}", to_col=last_col, align="left")
    out.put(4, 1, spec.title, to_col=last_col, bold=True, size=TITLE_SIZE)
    out.put(5, 1, f"{PERIOD_LABEL}: {compiled.period_label}", to_col=last_col, bold=True)
    out.put(6, 1, _window_text(layout.get("period", ""), *compiled.window), to_col=last_col, italic=True)
    unit_of_measure = layout.get("unit_of_measure", f"Đơn vị tính: {spec.unit_of_measure}")
    out.put(7, 1, unit_of_measure, to_col=last_col, italic=True, align="right")
    out.ws.row_dimensions[4].height = 36


def _window_text(template: str, start: date, end: date) -> str:
    """The layout's "(Từ ngày … đến ngày …)" with the window's dates in place of the two ellipses."""
    first, last = f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}"
    if template.count("…") != 2:
        return f"(Từ ngày {first} đến ngày {last})"
    return template.replace("…", first, 1).replace("…", last, 1)


def _write_header(
    out: _Writer, layout: Mapping[str, Any], labels: Sequence[Mapping[str, Any]], columns: Sequence[Column], top: int
) -> int:
    """The header rows from ``top`` and the column-number row under them; returns the latter's row.

    Each column prints a stack of texts, top down: its group, its subgroup, its heading (a label column
    only a heading). The last text of a stack stretches down to the header's last row; the same group or
    subgroup over adjacent columns is one block merged across them.
    """
    subgroups = {number: sub["heading"] for sub in layout.get("subgroups", []) for number in sub["columns"]}
    stacks = {label["number"]: [label["heading"]] for label in labels}
    for c in columns:
        stacks[c.number] = [text for text in (c.group, subgroups.get(c.number, "")) if text] + [c.heading]
    depth = max(len(stack) for stack in stacks.values())
    last = top + depth - 1

    blocks: list[list[Any]] = []  # [row, first column, last column, text] of each group or subgroup block
    latest: dict[int, list[Any]] = {}  # row -> the block last opened on it
    for number in sorted(stacks):
        *above, heading = stacks[number]
        for row, text in enumerate(above, start=top):
            block = latest.get(row)
            if block and block[2] == number - 1 and block[3] == text:
                block[2] = number
            else:
                latest[row] = [row, number, number, text]
                blocks.append(latest[row])
        out.put(top + len(above), number, heading, to_row=last, bold=True, border=True)
    for row, first, end, text in blocks:
        out.put(row, first, text, to_col=end, bold=True, border=True)
    for row in range(top, last + 1):
        kind = "last" if row == last else "top" if row == top else "middle"
        out.ws.row_dimensions[row].height = HEADER_HEIGHTS[kind]

    for number in sorted(stacks):
        out.put(last + 1, number, number, italic=True, border=True)
    return last + 1


@dataclass
class _Body:
    """The table's body rows, written one after another from ``next_row``; each method returns its row."""

    out: _Writer
    columns: Sequence[Column]
    stt_col: int
    label_col: int
    last_col: int
    next_row: int

    def _line(
        self, stt: object, label: str, counts: Mapping[str, int] | None, *, bold: bool, summed: Sequence[int] = ()
    ) -> int:
        row, self.next_row = self.next_row, self.next_row + 1
        cells: dict[int, object] = dict.fromkeys(range(1, self.last_col + 1))
        cells[self.stt_col], cells[self.label_col] = stt, label
        if counts is not None:  # a count left empty (a blank form, a draft not filled in) stays empty
            cells |= {c.number: None if counts.get(c.key) is None else int(counts[c.key]) for c in self.columns}
        if summed:  # a total: the sum of the rows above it, as a formula
            cells |= {c.number: sum_formula(get_column_letter(c.number), summed) for c in self.columns}
        for col, value in cells.items():
            align = "center" if col == self.stt_col else "left" if col == self.label_col else "right"
            self.out.put(row, col, value, bold=bold, align=align, border=True)
        return row

    def heading(self, numeral: str, text: str) -> int:
        return self._line(numeral, text, None, bold=True)

    def row(self, number: int, row: Form06Row) -> int:
        return self._line(number, row.label, row.counts, bold=False)

    def total(self, label: str, counts: Mapping[str, int], summed: Sequence[int]) -> int:
        """A total row: the formula adding up ``summed`` (sheet rows); ``counts`` when there is none."""
        return self._line(None, label, counts, bold=True, summed=summed)


def sum_formula(column: str, rows: Sequence[int]) -> Formula:
    """``=SUM(C12:C20)`` over a run of rows, ``=SUM(C15,C40,C95)`` over rows apart."""
    first, last = min(rows), max(rows)
    if sorted(rows) == list(range(first, last + 1)):
        return Formula(f"=SUM({column}{first}:{column}{last})")
    return Formula(f"=SUM({','.join(f'{column}{row}' for row in rows)})")


def _write_signature(out: _Writer, signature: Mapping[str, str], row: int, label_col: int, last_col: int) -> None:
    """The signers under the table: left under the STT and label columns, right under the last columns."""
    spans = {"left": (1, label_col), "right": (max(last_col - 4, label_col + 1), last_col)}
    for side, (first, end) in spans.items():
        if signature.get(side):
            out.put(row, first, signature[side], to_col=end, bold=True)
            out.put(row + 1, first, signature.get(f"{side}_note", SIGNATURE_NOTES[side]), to_col=end, italic=True)


def _set_up_page(
    ws: Any, columns: Sequence[Column], stt_col: int, label_col: int, header_top: int, numbers_row: int
) -> None:
    """Column widths, frozen panes under the header, landscape A4 one page wide, header repeated per page."""
    ws.column_dimensions[get_column_letter(stt_col)].width = STT_WIDTH
    ws.column_dimensions[get_column_letter(label_col)].width = LABEL_WIDTH
    for c in columns:
        ws.column_dimensions[get_column_letter(c.number)].width = DATA_WIDTH
    ws.freeze_panes = ws.cell(row=numbers_row + 1, column=label_col + 1).coordinate
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_title_rows = f"{header_top}:{numbers_row}"


def _write_meta(ws: Any, meta: Sequence[tuple[str, object]]) -> None:
    ws.sheet_state = "hidden"
    for row, (key, value) in enumerate([("key", "value"), *meta], start=1):
        put(ws.cell(row=row, column=1), key)
        put(ws.cell(row=row, column=2), value)
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 20


def _roman(number: int) -> str:
    """I, II, III … for the level groups of a compiled form."""
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    text = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        text += numeral * count
    return text
