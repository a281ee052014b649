"""The deductions of a year as a workbook for the Department of Home Affairs (`kstt deductions --format xlsx`).

A pure renderer (style.md §8): ``render_deductions_xlsx(ledger, zone, incidents=…)`` takes the ledger the
compliance selectors built (its lines carry the units' names and levels, the verdicts and the appeals)
and, optionally, the incidents' descriptions by id; it never queries. The workbook is in Vietnamese
whatever the interface language, ready to print (A4 landscape, one page wide, the header repeated on
every page, borders, the header frozen on screen, points as numbers with two decimals):

- **Tổng hợp**: the province's table — a title naming the year, the instant the figures are taken at,
  then one row per scored unit with a line (by level: departments, districts, communes; then by code):
  STT, unit code, name, level, the deduction counted for each quarter (empty when the quarter has no
  final line yet), the total, and the appeals; a total row under them.
- **Chi tiết**: every line with its evidence — deadline, effective deadline, submitted time
  (dd/mm/yyyy HH:MM, local time), status, quality faults, incidents, settings version, the deduction the
  rules give, the deduction counted, the appeal.

An overturned line stays, marked: its deduction counts 0 and the appeal column says so. Every text (a
unit's name, an appeal's reason, an incident's description) is written as text, never as a formula
(``kstt.exports.cells.put``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from kstt.catalogue.rules.periods import Period
from kstt.compliance.choices import AppealDecision, status_label
from kstt.compliance.ledger_selectors import LEVEL_ORDER, Ledger, LedgerLine
from kstt.exports.cells import put
from kstt.reports.choices import ReturnReason
from kstt.units.choices import Level

SUMMARY_SHEET, DETAIL_SHEET = "Tổng hợp", "Chi tiết"
FONT = "Times New Roman"
POINTS_FORMAT = "0.00"
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

SUMMARY_TITLE = "BẢNG TỔNG HỢP ĐIỂM TRỪ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
SUMMARY_SUBTITLE = "VỀ CÔNG TÁC BÁO CÁO ĐỊNH KỲ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM {year}"
AS_OF = "(Số liệu tính đến {when}; cách trừ điểm theo Công văn số 1346/UBND-KSTT năm 2021)"
EMPTY_NOTE = (
    "Ghi chú: ô để trống là kỳ báo cáo chưa qua thời điểm chốt (chưa tính điểm) hoặc đơn vị không phải gửi "
    "báo cáo kỳ đó; dòng được chấp nhận kiến nghị vẫn được ghi lại nhưng không tính điểm trừ."
)
DETAIL_TITLE = "CHI TIẾT CÁC DÒNG ĐIỂM TRỪ NĂM {year}"
TOTAL_LABEL = "Tổng cộng"
SUMMARY_HEADINGS = ("STT", "Mã đơn vị", "Tên đơn vị", "Cấp")
QUARTERS_HEADING = "Điểm trừ theo kỳ báo cáo"
TOTAL_HEADING = "Tổng điểm trừ"
APPEALS_HEADING = "Ghi chú (kiến nghị)"
DETAIL_HEADINGS = (
    ("STT", 6),
    ("Mã đơn vị", 12),
    ("Tên đơn vị", 34),
    ("Kỳ báo cáo", 11),
    ("Thời hạn gửi", 17),
    ("Thời hạn sau gia hạn", 17),
    ("Thời điểm gửi", 17),
    ("Tình trạng", 20),
    ("Lỗi chất lượng", 28),
    ("Sự cố kỹ thuật", 30),
    ("Phiên bản thiết lập", 11),
    ("Điểm trừ theo quy định", 11),
    ("Điểm trừ được tính", 11),
    ("Kiến nghị", 40),
)
APPEAL_TEXTS = {
    AppealDecision.PENDING: "đang chờ xem xét kiến nghị",
    AppealDecision.UPHELD: "kiến nghị không được chấp nhận, giữ nguyên điểm trừ",
    AppealDecision.OVERTURNED: "kiến nghị được chấp nhận, không tính điểm trừ",
}


def render_deductions_xlsx(ledger: Ledger, zone: ZoneInfo, *, incidents: Mapping[int, str] | None = None) -> bytes:
    """The workbook of a year's deductions: the province's table ("Tổng hợp") and every line ("Chi tiết").

    ``incidents``: id → description of the incidents the lines name (shown beside their number)."""
    with translation.override("vi"):
        workbook = Workbook()
        summary = workbook.active
        summary.title = SUMMARY_SHEET
        _write_summary(summary, ledger, zone)
        _write_detail(workbook.create_sheet(DETAIL_SHEET), ledger, zone, incidents or {})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(ws: Any, row: int, col: int, value: object, *, bold: bool = False, italic: bool = False,
         align: str = "left", border: bool = True, size: int = 12, to_col: int | None = None,
         to_row: int | None = None) -> None:  # fmt: skip
    cell = put(ws.cell(row=row, column=col), value)  # a text is always a text (unit names, appeal reasons)
    cell.font = Font(name=FONT, size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if border:
        for r in range(row, (to_row or row) + 1):
            for c in range(col, (to_col or col) + 1):
                ws.cell(row=r, column=c).border = BORDER
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        cell.number_format = POINTS_FORMAT
    if (to_row or row, to_col or col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=to_row or row, end_column=to_col or col)


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return f"{value.astimezone(zone):%d/%m/%Y %H:%M}" if value is not None else ""


def _points_text(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _quarter(period: Period) -> str:
    return f"Quý {ROMAN.get(period.kind, period.kind)}"


def _level(level: str) -> str:
    return str(Level(level).label) if level in Level.values else level


def _appeal_text(line: LedgerLine, *, with_period: bool) -> str:
    appeal = line.appeal
    if appeal is None:
        return ""
    text = APPEAL_TEXTS.get(AppealDecision(appeal.decision), appeal.decision)
    if appeal.decision == AppealDecision.OVERTURNED:
        text = f"kiến nghị được chấp nhận, không tính {_points_text(line.judged.verdict.deduction)} điểm"
    if appeal.decision_reason:
        text = f"{text} ({appeal.decision_reason})"
    return f"{_quarter(line.judged.period)}: {text}" if with_period else text[:1].upper() + text[1:]


def _write_summary(ws: Any, ledger: Ledger, zone: ZoneInfo) -> None:
    units: dict[str, list[LedgerLine]] = {}
    for line in ledger.lines:
        units.setdefault(line.judged.code, []).append(line)
    ordered = sorted(units.items(), key=lambda item: (LEVEL_ORDER.get(item[1][-1].judged.level, 9), item[0]))
    first_quarter = len(SUMMARY_HEADINGS) + 1
    total_col = first_quarter + len(QUARTERS)
    notes_col = total_col + 1

    _put(ws, 1, 1, SUMMARY_TITLE, bold=True, size=14, align="center", border=False, to_col=notes_col)
    _put(ws, 2, 1, SUMMARY_SUBTITLE.format(year=ledger.year), bold=True, size=13, align="center", border=False,
         to_col=notes_col)  # fmt: skip
    when = _local(ledger.as_of, zone)
    _put(ws, 3, 1, AS_OF.format(when=when), italic=True, align="center", border=False, to_col=notes_col)
    header, sub = 5, 6
    for col, heading in enumerate(SUMMARY_HEADINGS, start=1):
        _put(ws, header, col, heading, bold=True, align="center", to_row=sub)
    _put(ws, header, first_quarter, QUARTERS_HEADING, bold=True, align="center", to_col=total_col - 1)
    for offset, quarter in enumerate(QUARTERS):
        _put(ws, sub, first_quarter + offset, f"Quý {ROMAN[quarter]}", bold=True, align="center")
    _put(ws, header, total_col, TOTAL_HEADING, bold=True, align="center", to_row=sub)
    _put(ws, header, notes_col, APPEALS_HEADING, bold=True, align="center", to_row=sub)

    row = sub
    sums = dict.fromkeys(QUARTERS, Decimal("0.00"))
    for number, (code, lines) in enumerate(ordered, start=1):
        row += 1
        latest = lines[-1].judged
        by_quarter = {line.judged.period.kind: line for line in lines}
        _put(ws, row, 1, number, align="center")
        ws.cell(row=row, column=1).number_format = "0"
        _put(ws, row, 2, code)
        _put(ws, row, 3, latest.name)
        _put(ws, row, 4, _level(latest.level))
        for offset, quarter in enumerate(QUARTERS):
            found = by_quarter.get(quarter)
            _put(ws, row, first_quarter + offset, found.points if found is not None else None, align="right")
            if found is not None:
                sums[quarter] += found.points
        _put(ws, row, total_col, sum((line.points for line in lines), Decimal("0.00")), bold=True, align="right")
        notes = [_appeal_text(line, with_period=True) for line in lines if line.appeal is not None]
        _put(ws, row, notes_col, "; ".join(notes))
    row += 1
    _put(ws, row, 1, TOTAL_LABEL, bold=True, align="center", to_col=len(SUMMARY_HEADINGS))
    for offset, quarter in enumerate(QUARTERS):
        _put(ws, row, first_quarter + offset, sums[quarter], bold=True, align="right")
    _put(ws, row, total_col, sum(sums.values(), Decimal("0.00")), bold=True, align="right")
    _put(ws, row, notes_col, "")
    _put(ws, row + 2, 1, EMPTY_NOTE, italic=True, size=11, border=False, to_col=notes_col)
    ws.row_dimensions[row + 2].height = 32

    widths = [6, 13, 40, 16, *([10] * len(QUARTERS)), 12, 48]
    _set_up_page(ws, widths, header_rows=(header, sub), freeze=f"{get_column_letter(4)}{sub + 1}")


def _write_detail(ws: Any, ledger: Ledger, zone: ZoneInfo, incidents: Mapping[int, str]) -> None:
    last = len(DETAIL_HEADINGS)
    _put(ws, 1, 1, DETAIL_TITLE.format(year=ledger.year), bold=True, size=14, align="center", border=False, to_col=last)
    _put(ws, 2, 1, AS_OF.format(when=_local(ledger.as_of, zone)), italic=True, align="center", border=False,
         to_col=last)  # fmt: skip
    header = 4
    for col, (heading, _width) in enumerate(DETAIL_HEADINGS, start=1):
        _put(ws, header, col, heading, bold=True, align="center")
    for number, line in enumerate(ledger.lines, start=1):
        row = header + number
        item, verdict = line.judged, line.judged.verdict
        faults = "; ".join(str(ReturnReason(f).label) if f in ReturnReason.values else f for f in verdict.faults)
        named = [f"#{i} {incidents[i]}" if i in incidents else f"#{i}" for i in verdict.incidents]
        values: Sequence[object] = (
            number,
            item.code,
            item.name,
            f"{_quarter(item.period)}/{item.period.year}",
            _local(verdict.deadline, zone),
            _local(verdict.effective_deadline, zone),
            _local(verdict.submitted_at, zone) or "Không gửi",
            status_label(verdict.status),
            faults,
            "; ".join(named),
            item.settings_version,
            verdict.deduction,
            line.points,
            _appeal_text(line, with_period=False),
        )
        for col, value in enumerate(values, start=1):
            numeric = col in (12, 13)
            _put(ws, row, col, value, align="right" if numeric else "center" if col in (1, 4, 11) else "left")
            if col in (1, 11):
                ws.cell(row=row, column=col).number_format = "0"
    _set_up_page(ws, [w for _, w in DETAIL_HEADINGS], header_rows=(header, header), freeze=f"D{header + 1}")


def _set_up_page(ws: Any, widths: Sequence[int], *, header_rows: tuple[int, int], freeze: str) -> None:
    """Column widths, frozen header, A4 landscape one page wide, the header rows repeated on every page."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_title_rows = f"{header_rows[0]}:{header_rows[1]}"
