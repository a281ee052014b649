"""The printed layout every official form workbook shares (forms.md "Layout fidelity"), form by form.

A renderer (``form06_xlsx``, ``form07b_xlsx``) opens a ``PrintedForm`` over a form definition and the
texts of its header, writes its body rows through ``PrintedForm.body`` and closes it with the grand total
row and the ``_kstt`` map. Nothing here queries or reads settings: every printed text comes from the
definition's ``[layout]`` table or from the caller.

The data sheet reproduces the printed form:

- top left, the form label and "Ban hành theo …"; top right, the reporting and receiving units;
- centred over the table, the title (bold), "Kỳ báo cáo: <period>" and "(Từ ngày … đến ngày …)";
  right-aligned above the table, the unit of measure when the form has one;
- the header: STT and the label column merged down the header rows, each column group merged across its
  columns, each ``layout.subgroups`` entry ("Trong đó") merged across its columns under its group, then
  the column headings; under them, the column-number row 1 … n (italic);
- the body, written by the renderer; total rows are ``=SUM(…)`` formulas over the rows they add up;
- under the table, the signature block (``layout.signature``), left and right.

A form may carry a note column right of its last data column (``PrintedForm.open(…, note="Ghi chú")``):
its heading merged down the header rows, no printed number (the form's columns keep theirs), a text per
body row (the version a compiled line comes from). A body row may also say why it has no figures
(``Body.line(…, gap="Chưa báo cáo")``): that text merged across the data columns, the row summed by no
total.

Printed column number n is sheet column n (STT is A, the label column B, column 3 is C …).
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

from kstt.catalogue.rules.forms import Column, FormSpec
from kstt.exports.cells import Formula, put

META_SHEET = "_kstt"
PERIOD_LABEL = "Kỳ báo cáo"
SIGNATURE_NOTES = {"left": "(Ký, ghi rõ họ tên)", "right": "(Ký tên, đóng dấu)"}
# Used only when the definition's layout lacks the text.
DEFAULT_FONT = "Times New Roman"
DEFAULT_LABEL_COLUMNS = ({"number": 1, "heading": "STT"}, {"number": 2, "heading": ""})

BODY_SIZE = 12
TITLE_SIZE = 13
STT_WIDTH, LABEL_WIDTH, DATA_WIDTH, NOTE_WIDTH = 6, 38, 11, 40
HEADER_HEIGHTS = {"top": 32.0, "middle": 22.0, "last": 50.0}
HEADER_TOP = 8  # the first header row: rows 1-7 hold the texts above the table
NUMBER_FORMAT = "#,##0"
_THIN = Side(style="thin")
THIN = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Heading:
    """The texts above the table that come from the report rather than the form definition."""

    unit_name: str  # the reporting unit
    recipient_name: str  # the receiving unit ("" when none)
    period_label: str  # e.g. "Quý III/2021"
    window: tuple[date, date]  # the data cut-off window, inclusive local dates


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


@dataclass
class Body:
    """The table's body rows, written one after another from ``next_row``; each method returns its row."""

    out: _Writer
    columns: Sequence[Column]
    stt_col: int
    label_col: int
    last_col: int
    next_row: int
    note_col: int | None = None  # the note column right of the data columns, if the form has one

    def line(
        self,
        stt: object,
        label: str,
        values: Mapping[str, int | None] | None,
        *,
        bold: bool = False,
        italic: bool = False,
        summed: Sequence[int] = (),
        note: str = "",
        gap: str = "",
    ) -> int:
        """One body row: its STT, its label and its figures; with ``summed``, each figure is the formula
        adding up those sheet rows instead. A figure left empty (None, or no ``values``) stays empty.
        ``note``: the text of the note column; ``gap``: instead of figures, this text merged across the
        data columns (a unit that has not reported)."""
        row, self.next_row = self.next_row, self.next_row + 1
        cells: dict[int, object] = dict.fromkeys(range(1, (self.note_col or self.last_col) + 1))
        cells[self.stt_col], cells[self.label_col] = stt, label
        if values is not None:
            cells |= {c.number: _figure(values.get(c.key)) for c in self.columns}
        if summed:
            cells |= {c.number: sum_formula(get_column_letter(c.number), summed) for c in self.columns}
        if self.note_col is not None:
            cells[self.note_col] = note or None
        numbers = [c.number for c in self.columns]
        if gap:
            for number in numbers[1:]:
                del cells[number]
            cells[numbers[0]] = gap
        for col, value in cells.items():
            align = "center" if col == self.stt_col else "left" if col in (self.label_col, self.note_col) else "right"
            if gap and col == numbers[0]:
                self.out.put(row, col, value, to_col=numbers[-1], italic=True, align="center", border=True)
                continue
            self.out.put(row, col, value, bold=bold, italic=italic, align=align, border=True)
        return row

    def total(self, label: str, values: Mapping[str, int], summed: Sequence[int], *, italic: bool = False) -> int:
        """A total row in bold: the formula adding up ``summed`` (sheet rows); ``values`` when there is none."""
        return self.line(None, label, values, bold=True, italic=italic, summed=summed)


def _figure(value: int | None) -> int | None:
    return None if value is None else int(value)


def sum_formula(column: str, rows: Sequence[int]) -> Formula:
    """``=SUM(C12:C20)`` over a run of rows, ``=SUM(C15,C40,C95)`` over rows apart."""
    first, last = min(rows), max(rows)
    if sorted(rows) == list(range(first, last + 1)):
        return Formula(f"=SUM({column}{first}:{column}{last})")
    return Formula(f"=SUM({','.join(f'{column}{row}' for row in rows)})")


@dataclass
class PrintedForm:
    """One form's workbook while it is written: the header on opening, the body, then ``close``."""

    spec: FormSpec
    workbook: Any
    ws: Any
    body: Body
    numbers_row: int

    @classmethod
    def open(cls, spec: FormSpec, heading: Heading, *, note: str = "") -> PrintedForm:
        """The workbook with the texts above the table and its header; ``note``: the heading of a note
        column right of the data columns ("": none)."""
        layout = spec.layout
        columns = sorted(spec.columns, key=lambda c: c.number)
        labels = sorted(layout.get("label_columns", DEFAULT_LABEL_COLUMNS), key=lambda c: c["number"])
        stt_col, label_col = labels[0]["number"], labels[-1]["number"]
        last_col = max(columns[-1].number, label_col)
        note_col = last_col + 1 if note else None
        workbook = Workbook()
        ws = workbook.active
        ws.title = _SHEET_NAME_FORBIDDEN.sub("-", f"Biểu {spec.key}")[:31]
        out = _Writer(ws, layout.get("font", DEFAULT_FONT))
        _write_top(out, spec, heading, note_col or last_col)
        notes = {note_col: note} if note_col is not None else {}
        numbers_row = _write_header(out, layout, labels, columns, HEADER_TOP, notes)
        body = Body(out, columns, stt_col, label_col, last_col, next_row=numbers_row + 1, note_col=note_col)
        return cls(spec, workbook, ws, body, numbers_row)

    @property
    def first_data_row(self) -> int:
        return self.numbers_row + 1

    def close(self, total_row: int, meta: Sequence[tuple[str, object]]) -> bytes:
        """The signature block under ``total_row``, the page set-up, the hidden ``_kstt`` sheet holding
        ``meta`` (one key per row under a "key" / "value" header); the workbook's bytes."""
        body = self.body
        width = body.note_col or body.last_col
        _write_signature(body.out, self.spec.layout.get("signature", {}), total_row + 2, body.label_col, width)
        _set_up_page(self.ws, body.columns, body.stt_col, body.label_col, HEADER_TOP, self.numbers_row)
        if body.note_col is not None:
            self.ws.column_dimensions[get_column_letter(body.note_col)].width = NOTE_WIDTH
        _write_meta(self.workbook.create_sheet(META_SHEET), meta)
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _write_top(out: _Writer, spec: FormSpec, heading: Heading, last_col: int) -> None:
    """Rows 1-7: form label and legal basis (left), the units (right), title, period, unit of measure."""
    layout = spec.layout
    half = max(last_col // 2, 1)
    right = min(half + 2, last_col)
    out.put(1, 1, layout.get("form_label", spec.code), to_col=half, bold=True, align="left")
    out.put(2, 1, layout.get("issued_under", ""), to_col=half, italic=True, align="left")
    recipient = f" {heading.recipient_name}" if heading.recipient_name else ""
    out.put(1, right, f"{layout.get('reporting_unit', '')}: {heading.unit_name}", to_col=last_col, align="left")
    out.put(2, right, f"{layout.get('receiving_unit', '')}:{recipient}", to_col=last_col, align="left")
    out.put(4, 1, spec.title, to_col=last_col, bold=True, size=TITLE_SIZE)
    out.put(5, 1, f"{PERIOD_LABEL}: {heading.period_label}", to_col=last_col, bold=True)
    out.put(6, 1, _window_text(layout.get("period", ""), *heading.window), to_col=last_col, italic=True)
    default_measure = f"Đơn vị tính: {spec.unit_of_measure}" if spec.unit_of_measure else ""
    unit_of_measure = layout.get("unit_of_measure", default_measure)
    if unit_of_measure:
        out.put(7, 1, unit_of_measure, to_col=last_col, italic=True, align="right")
    out.ws.row_dimensions[4].height = 36


def _window_text(template: str, start: date, end: date) -> str:
    """The layout's "(Từ ngày … đến ngày …)" with the window's dates in place of the two ellipses."""
    first, last = f"{start:%d/%m/%Y}", f"{end:%d/%m/%Y}"
    if template.count("…") != 2:
        return f"(Từ ngày {first} đến ngày {last})"
    return template.replace("…", first, 1).replace("…", last, 1)


def _write_header(
    out: _Writer,
    layout: Mapping[str, Any],
    labels: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    top: int,
    notes: Mapping[int, str] | None = None,
) -> int:
    """The header rows from ``top`` and the column-number row under them; returns the latter's row.
    ``notes``: columns added right of the form's (by sheet column, their heading), printed unnumbered.

    Each column prints a stack of texts, top down: its group, its subgroup, its heading (a label column
    only a heading). The last text of a stack stretches down to the header's last row; the same group or
    subgroup over adjacent columns is one block merged across them.
    """
    subgroups = {number: sub["heading"] for sub in layout.get("subgroups", []) for number in sub["columns"]}
    stacks = {label["number"]: [label["heading"]] for label in labels}
    for c in columns:
        stacks[c.number] = [text for text in (c.group, subgroups.get(c.number, "")) if text] + [c.heading]
    notes = dict(notes or {})
    stacks |= {number: [heading] for number, heading in notes.items()}
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
        out.put(last + 1, number, None if number in notes else number, italic=True, border=True)
    return last + 1


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


def roman(number: int) -> str:
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
