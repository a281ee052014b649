"""Reading back a filled-in form 06 workbook (issue 8 point 5): bytes and the form definition in, values out.

The counterpart of ``form06_xlsx.render_form06_xlsx``: it finds the data through the hidden ``_kstt``
sheet that the export writes (same keys, see that module), checks that the workbook is the one this unit
was asked for, reads every cell of the unit's procedure-field rows and of the total row, and runs the
form's rules (``check_form``) on what it read, each finding mapped to its cell ("F12: …").

Like a renderer it never queries and never writes: the caller passes the form definition, the unit's code,
the period's code and the row keys (procedure-field codes) the unit has. Anything that makes the workbook
unusable raises ``FormImportError`` carrying every problem found, each with its cell reference when it has
one; the caller changes nothing then. The messages are Vietnamese texts for the reporter, like the rule
messages of the form definitions.

- A damaged workbook — not a zip, a part that does not parse, a sheet cut short, a character XML forbids,
  ``INF``/``NaN`` or a number beyond any float in a number cell, whatever openpyxl or lxml raise on it —
  is "Tệp Excel bị hỏng, không đọc được." and nothing is read.
- A count is a figure (rules.md §5): a whole number from 0 to the form's ceiling (the total row: the sum of
  its rows at the ceiling); a larger one (``1E+308``) is refused at its cell.
- The total row is the export's ``=SUM(…)`` over the field rows. Saved by a spreadsheet, its computed
  value is read (R6 checks it); saved by a program that does not calculate (no computed value), the
  import adds the field rows up itself; any other formula without a computed value is refused.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.utils import translation
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from kstt import archives
from kstt.catalogue.labels import period_label
from kstt.catalogue.rules.forms import TOTAL, Finding, FormRow, FormSpec, check_form
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.exports.form06_xlsx import META_SHEET, sum_formula

MAX_BYTES = 5 * 1024 * 1024  # an official form 06 is a few dozen kilobytes
_ZIP_MAGIC = b"PK\x03\x04"
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
_DOWNLOAD_AGAIN = "Hãy tải lại biểu mẫu từ hệ thống và nhập số liệu vào đó."
DAMAGED = "Tệp Excel bị hỏng, không đọc được."
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Problem:
    """Why a workbook cannot be imported; ``cell`` is a reference such as "F12", or "" for the whole file."""

    message: str
    cell: str = ""

    def __str__(self) -> str:
        return f"{self.cell}: {self.message}" if self.cell else self.message


class FormImportError(ValueError):
    """The workbook cannot be imported; ``problems`` says every reason found, in reading order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


@dataclass(frozen=True)
class CellFinding:
    """A failing form rule at its cell of the workbook."""

    cell: str  # e.g. "F12"
    finding: Finding

    def __str__(self) -> str:
        return f"{self.cell}: {self.finding.message}"


@dataclass(frozen=True)
class ImportedForm06:
    """What a filled-in workbook says: the field rows' values, the total row as typed, the rules' findings."""

    values: dict[str, dict[str, int | None]]  # row key -> column key -> whole number, or None when empty
    total: dict[str, int | None]
    findings: list[CellFinding]
    cells: dict[tuple[str, str], str]  # (row key or TOTAL, column key) -> cell reference


def read_form06_workbook(
    data: bytes, *, spec: FormSpec, unit_code: str, period_code: str, row_keys: Collection[str]
) -> ImportedForm06:
    """The values of a filled-in form 06 of ``unit_code`` for ``period_code``, or ``FormImportError``.

    ``row_keys`` are the codes of the procedure fields the unit has: the workbook must hold a row for
    each of them and for no other.
    """
    try:  # a zip bomb is refused from the archive's directory, before any parser sees it (issue 13)
        archives.check_archive(data, limits=archives.configured_limits())
    except archives.ArchiveError as error:
        if not error.unreadable:  # not a ZIP at all, or a damaged one: ``_open`` says so in its words
            raise _refuse(error.message) from error
    values_book, formulas_book = _open(data)
    try:
        meta = _meta(values_book)
        _check_identity(meta, spec=spec, unit_code=unit_code, period_code=period_code)
        layout = _layout(meta, spec=spec, row_keys=row_keys, sheets=values_book.sheetnames)
        sheet = meta["sheet"]
        cells = _cells(values_book[sheet], layout)
        _check_headings(cells, layout, spec)
        totals = _formulas_without_values(formulas_book[sheet], cells, layout)
        return _values(cells, layout, spec, computed_totals=totals)
    finally:
        values_book.close()
        formulas_book.close()


# --- Opening the file -------------------------------------------------------------------------------------


def _refuse(message: str, cell: str = "") -> FormImportError:
    return FormImportError([Problem(message, cell)])


def _open(data: bytes) -> tuple[Any, Any]:
    """The workbook twice, read-only: cached values (what a formula last computed) and the formulas."""
    if len(data) > MAX_BYTES:
        raise _refuse(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")
    if not data.startswith(_ZIP_MAGIC):
        raise _refuse("Tệp tải lên không phải là bảng tính Excel (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
        raise _refuse(DAMAGED) from error
    if not all(part in names for part in _XLSX_PARTS):
        raise _refuse("Tệp tải lên không phải là bảng tính Excel (.xlsx).")
    if broken is not None:
        raise _refuse(DAMAGED)
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise _refuse(DAMAGED) from error
    return values, formulas


def _meta(book: Any) -> dict[str, object]:
    """The ``_kstt`` sheet's keys and values."""
    if META_SHEET not in book.sheetnames:
        raise _refuse(f"Tệp không phải biểu mẫu do hệ thống xuất ra (không có trang {META_SHEET}). {_DOWNLOAD_AGAIN}")
    meta: dict[str, object] = {}
    try:
        for row in book[META_SHEET].iter_rows(min_row=2, max_col=2, values_only=True):
            if row and row[0] is not None:
                meta[str(row[0])] = row[1] if len(row) > 1 else None
    except Exception as error:  # a damaged sheet
        raise _refuse(DAMAGED) from error
    missing = [key for key in ("sheet", "form_code", "form_version", "unit_code", "period") if key not in meta]
    if missing:
        raise _refuse(f"Trang {META_SHEET} của tệp đã bị sửa (thiếu {', '.join(missing)}). {_DOWNLOAD_AGAIN}")
    return meta


def _check_identity(meta: Mapping[str, object], *, spec: FormSpec, unit_code: str, period_code: str) -> None:
    """The workbook is this form (code and version), this unit's own form, this period's."""
    problems = []
    if meta["form_code"] != spec.code or str(meta["form_version"]) != str(spec.version):
        problems.append(
            Problem(
                f"Tệp là biểu {meta['form_code']} (phiên bản {meta['form_version']}), không phải biểu "
                f"{spec.code} (phiên bản {spec.version}) cần nộp."
            )
        )
    if str(meta["unit_code"]) != unit_code:
        problems.append(Problem(f"Tệp là biểu của đơn vị {meta['unit_code']}, không phải của đơn vị {unit_code}."))
    if str(meta["period"]) != period_code:
        problems.append(Problem(f"Tệp là biểu của {_period(meta['period'])}, không phải của {_period(period_code)}."))
    if meta.get("compiled", "no") != "no":
        problems.append(Problem("Tệp là biểu tổng hợp nhiều đơn vị, không phải biểu của một đơn vị."))
    if problems:
        raise FormImportError(problems)


def _period(code: object) -> str:
    """A period as people name it ("Quý IV/2021"), like the messages in Vietnamese; the text itself when
    it is not a period (a tampered workbook)."""
    try:
        period = Period.parse(str(code))
    except PeriodError:
        return str(code)
    with translation.override("vi"):
        return period_label(period)


# --- Where the data is ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    first_row: int
    total_row: int
    rows: dict[str, int]  # row key -> sheet row
    columns: dict[str, int]  # column key -> sheet column (1 = A)

    def ref(self, row: str, column: str) -> str:
        return f"{get_column_letter(self.columns[column])}{self.total_row if row == TOTAL else self.rows[row]}"


def _number_key(meta: Mapping[str, object], key: str) -> int | None:
    """A row number of the map (a spreadsheet program may have saved 12 as 12.0), or None."""
    value = _whole(meta.get(key))
    return value if value is not None and value >= 1 else None


def _layout(meta: Mapping[str, object], *, spec: FormSpec, row_keys: Collection[str], sheets: list[str]) -> _Layout:
    """The rows and columns the ``_kstt`` map names, refused unless they fit this form and this unit."""
    tampered = f"Trang {META_SHEET} của tệp đã bị sửa"
    problems: list[Problem] = []
    if meta["sheet"] not in sheets:
        raise _refuse(f"{tampered} (không có trang “{meta['sheet']}”). {_DOWNLOAD_AGAIN}")
    first_row, total_row = _number_key(meta, "first_data_row"), _number_key(meta, "total_row")
    if first_row is None or total_row is None or total_row < first_row:
        raise _refuse(f"{tampered} (vị trí các dòng không hợp lệ). {_DOWNLOAD_AGAIN}")

    columns: dict[str, int] = {}
    expected_columns = {c.key for c in spec.columns}
    for key, value in meta.items():
        if key.startswith("column:"):
            try:
                columns[key.removeprefix("column:")] = column_index_from_string(str(value))
            except ValueError:
                problems.append(Problem(f"{tampered} (cột “{value}” không hợp lệ)."))
    if set(columns) != expected_columns or len(set(columns.values())) != len(columns):
        problems.append(Problem(f"{tampered} (các cột không khớp với biểu {spec.code})."))

    rows = {key.removeprefix("row:"): _whole(value) for key, value in meta.items() if key.startswith("row:")}
    foreign = sorted(set(rows) - set(row_keys))
    if foreign:
        problems.append(Problem(f"Tệp có dòng của lĩnh vực mà đơn vị không có: {', '.join(foreign)}."))
    missing = sorted(set(row_keys) - set(rows))
    if missing:
        problems.append(Problem(f"Tệp thiếu dòng của lĩnh vực: {', '.join(missing)}."))
    numbers = list(rows.values())
    in_range = all(n is not None and first_row <= n < total_row for n in numbers)
    if not in_range or len(set(numbers)) != len(numbers):
        problems.append(Problem(f"{tampered} (vị trí các dòng không hợp lệ)."))
    if problems:
        problems.append(Problem(_DOWNLOAD_AGAIN))
        raise FormImportError(problems)
    return _Layout(first_row, total_row, {key: row for key, row in rows.items() if row is not None}, columns)


def _rows(ws: Any, *, min_row: int, max_row: int, max_col: int) -> list[tuple[Any, ...]]:
    """The sheet's rows from ``min_row`` to ``max_row``. openpyxl parses a read-only sheet as it is
    iterated, so the whole sheet is read, to its end: a damaged one (cut short, even after the rows
    needed, a character XML forbids, "INF" or "NaN" in a number cell) fails here, whatever openpyxl or
    lxml raise, and is refused as damaged, nothing read."""
    found: list[tuple[Any, ...]] = []
    try:
        for row in ws.iter_rows(min_row=min_row, max_col=max_col):
            if len(found) <= max_row - min_row:
                found.append(row)
    except Exception as error:  # openpyxl and lxml raise many kinds on a damaged sheet
        raise _refuse(DAMAGED) from error
    return found


def _cells(ws: Any, layout: _Layout) -> dict[tuple[int, int], object]:
    """Every value from the column-number row to the total row, by (row, column); one pass over the sheet."""
    last_col = max(layout.columns.values())
    found: dict[tuple[int, int], object] = {}
    rows = _rows(ws, min_row=layout.first_row - 1, max_row=layout.total_row, max_col=last_col)
    for number, row in enumerate(rows, start=layout.first_row - 1):
        for column, cell in enumerate(row, start=1):
            found[(number, column)] = getattr(cell, "value", None)
    return found


def _check_headings(cells: Mapping[tuple[int, int], object], layout: _Layout, spec: FormSpec) -> None:
    """The map still matches the printed form: each column's number under its heading, the total row's label."""
    numbers_row = layout.first_row - 1
    moved = [
        c for c in spec.columns if _whole(cells.get((numbers_row, layout.columns[c.key]))) != c.number
    ]  # fmt: skip
    problems = [
        Problem(
            f"Cột này phải là cột số {c.number} ({c.heading}) nhưng không khớp; các cột của biểu đã bị xê dịch.",
            f"{get_column_letter(layout.columns[c.key])}{numbers_row}",
        )
        for c in moved
    ]
    total_label = spec.layout.get("total_label")
    if total_label:
        label_col = min(layout.columns.values()) - 1
        if label_col >= 1 and cells.get((layout.total_row, label_col)) != total_label:
            problems.append(
                Problem(
                    f"Dòng này phải là dòng “{total_label}”; các dòng của biểu đã bị xê dịch.",
                    f"{get_column_letter(label_col)}{layout.total_row}",
                )
            )
    if problems:
        problems.append(Problem(_DOWNLOAD_AGAIN))
        raise FormImportError(problems)


def _whole(value: object) -> int | None:
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _formulas_without_values(ws: Any, cells: Mapping[tuple[int, int], object], layout: _Layout) -> set[int]:
    """The columns whose total cell holds the export's own sum of the field rows (``=SUM(C12:C20)``) with no
    computed value — a workbook saved by a program that does not calculate, e.g. openpyxl —, which the
    import adds up itself. Any other formula the spreadsheet never computed is refused: it reads empty."""
    columns = set(layout.columns.values())
    rows = {*layout.rows.values(), layout.total_row}
    field_rows = sorted(layout.rows.values())
    ours: set[int] = set()
    blank = []
    for row in _rows(ws, min_row=layout.first_row, max_row=layout.total_row, max_col=max(columns)):
        for cell in row:
            formula = getattr(cell, "data_type", None) == "f"
            if formula and cell.row in rows and cell.column in columns and cells.get((cell.row, cell.column)) is None:
                if cell.row == layout.total_row and field_rows and _same_formula(cell.value, cell.column, field_rows):
                    ours.add(cell.column)
                    continue
                blank.append(
                    Problem(
                        "Ô có công thức nhưng chưa có kết quả tính. Hãy mở tệp bằng Excel hoặc LibreOffice, "
                        "lưu lại rồi tải lên.",
                        cell.coordinate,
                    )
                )
    if blank:
        raise FormImportError(blank)
    return ours


def _same_formula(formula: object, column: int, rows: list[int]) -> bool:
    """The formula is the export's sum of ``rows`` in ``column`` (spaces and letter case aside)."""
    expected = sum_formula(get_column_letter(column), rows).text
    return _SPACES.sub("", str(formula)).upper() == expected.upper()


# --- Reading the figures ----------------------------------------------------------------------------------


def _count(value: object, ref: str, problems: list[Problem], ceiling: int) -> int | None:
    """A cell as a count: None when empty, a whole number from 0 to ``ceiling`` (rules.md §5: a figure),
    or a problem at its reference. A number that is not finite (1E+309 in the file) is a damaged file."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if isinstance(value, bool | datetime | date | time):
        problems.append(Problem("Ô phải chứa số hồ sơ (số nguyên không âm).", ref))
        return None
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):  # no spreadsheet program writes one: the file was made or damaged by hand
            raise _refuse(f"{DAMAGED} Ô {ref} chứa một giá trị không phải là số (INF hoặc NaN).")
        if isinstance(value, float | Decimal) and value != int(value):
            shown = str(value).replace(".", ",")
            problems.append(Problem(f"Số hồ sơ phải là số nguyên, không phải {shown}.", ref))
            return None
        if value < 0:
            problems.append(Problem(f"Số hồ sơ không được âm ({int(value)}).", ref))
            return None
        if value > ceiling:
            problems.append(
                Problem(f"Số {_grouped(int(value))} vượt quá giới hạn của biểu (tối đa {_grouped(ceiling)}).", ref)
            )
            return None
        return int(value)
    problems.append(Problem(f"Ô chứa chữ “{str(value).strip()}”; cần nhập số hồ sơ bằng số.", ref))
    return None


def _grouped(number: int) -> str:
    """1234567890 as a Vietnamese reader writes it, 1.234.567.890 (the first 20 characters of a longer one)."""
    text = f"{number:,}".replace(",", ".")
    return text if len(text) <= 24 else f"{text[:20]}…"


def _values(
    cells: Mapping[tuple[int, int], object], layout: _Layout, spec: FormSpec, *, computed_totals: Collection[int] = ()
) -> ImportedForm06:
    """The figures of the field rows and of the total row; the total of a column in ``computed_totals`` (the
    export's sum, never computed by a spreadsheet) is the sum of the field rows, as a spreadsheet adds them."""
    problems: list[Problem] = []
    columns = sorted(spec.columns, key=lambda c: c.number)
    refs: dict[tuple[str, str], str] = {}

    def read(row_key: str) -> dict[str, int | None]:
        sheet_row, ceiling = (
            (layout.total_row, total_ceiling) if row_key == TOTAL else (layout.rows[row_key], spec.ceiling)
        )
        found = {}
        for c in columns:
            refs[(row_key, c.key)] = ref = layout.ref(row_key, c.key)
            found[c.key] = _count(cells.get((sheet_row, layout.columns[c.key])), ref, problems, ceiling)
        return found

    ordered = sorted(layout.rows, key=layout.rows.__getitem__)
    total_ceiling = spec.total_ceiling(len(ordered))
    values = {key: read(key) for key in ordered}
    total = read(TOTAL)
    if problems:
        raise FormImportError(problems)
    for c in columns:
        if layout.columns[c.key] in computed_totals:
            total[c.key] = sum(values[key][c.key] or 0 for key in ordered)
    findings = check_form(
        spec,
        [FormRow(key, key, values[key]) for key in ordered],
        FormRow(TOTAL, TOTAL, total) if spec.total_row else None,
    )
    return ImportedForm06(
        values=values,
        total=total,
        findings=[CellFinding(refs[(f.row, f.column)], f) for f in findings],
        cells=refs,
    )
