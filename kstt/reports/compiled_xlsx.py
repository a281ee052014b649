"""Form 06 compiled from the units' reports as the official workbook (issue 15, point 4): a renderer over
``FromReports`` (``compile_from_reports``); it never queries. Its PDF is this workbook printed by
LibreOffice (``kstt.exports.libreoffice.to_pdf``).

The printed layout is form 06's (``kstt.exports.printed``: the form code and legal basis, the units, title
and period, merged group headings, the column-number row 1 … 13, Times New Roman, the signature block),
with a note column "Ghi chú" right of column 13 saying where each line's figures come from:

- per level, a heading row (I, II, III …), one row per unit (1 … n; under their district, 1.1, 1.2 …, each
  district's row the sum of its communes, as on the form computed from dossiers), and the subtotal row
  "Cộng <level>"; then the grand total row;
- a unit that reported: its standing version's figures, the note "Phiên bản 2, đã tiếp nhận" (its accepted
  version) or "Phiên bản 1 gửi gần nhất, chưa tiếp nhận" (its latest submitted one), prefixed by "Theo báo
  cáo của <district>" when its district's compiled report carried it;
- a unit that has not reported: "Chưa báo cáo" across the data columns (no figure, not a zero), counted
  by no total; a unit whose report carries no form 06 figures: "Chưa báo cáo số liệu" the same way;
- the subtotal, district and grand total rows are ``=SUM(…)`` formulas over the rows of the units that
  reported only (the grand total over the subtotals), so LibreOffice recalculates them to the compiled
  numbers; their note says how many units reported out of how many. A district none of whose communes
  reported, or a level none of whose units did, says "Chưa báo cáo" too, rather than a sum of nothing;
  the grand total is always figures (zeros when nobody reported).

The hidden ``_kstt`` sheet holds the keys of form 06's workbook (``sheet``, ``form_key``, ``form_code``,
``form_version``, ``unit_code``, ``period``, ``first_data_row``, ``total_row``, ``column:<key>``,
``row:<unit code>``, ``group:<level>``, ``subtotal:<level>``, ``subgroup:<parent code>/<level>``), with
``compiled`` = "reports" (the importer takes only a unit's own form: this one is not read back) and
``note_column``, the letter of the note column.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from kstt.compilation.rules import ACCEPTED, MISSING, RECEIVED, Block, Line
from kstt.exports.printed import Body, Heading, PrintedForm, roman
from kstt.reports.compiled_selectors import FromReports

NOTE = "Ghi chú"
NOT_REPORTED = "Chưa báo cáo"
NO_FIGURES = "Chưa báo cáo số liệu"
SUBTOTAL_LABEL = "Cộng"


def render_from_reports_xlsx(compiled: FromReports) -> bytes:
    """The workbook of the compiled form 06, as printed, with a hidden ``_kstt`` sheet saying where its data is."""
    spec = compiled.spec
    heading = Heading(compiled.unit_name, compiled.recipient_name, compiled.period_label, compiled.window)
    form = PrintedForm.open(spec, heading, note=NOTE)
    body = form.body
    names = {line.member.code: line.member.name for line in compiled.compilation.lines}
    rows: list[tuple[str, int]] = []  # the body's rows by key, for the _kstt sheet
    written = [
        _write_block(body, index, block, names, rows) for index, block in enumerate(compiled.compilation.blocks, 1)
    ]
    subtotals = [row for row in written if row is not None]
    c = compiled.compilation
    total_row = body.line(
        None,
        spec.layout.get("total_label", ""),
        c.total,
        bold=True,
        summed=subtotals,
        note=_reported(len(c.received), len(c.lines)),
    )
    meta: list[tuple[str, object]] = [
        ("sheet", form.ws.title),
        ("form_key", spec.key),
        ("form_code", spec.code),
        ("form_version", spec.version),
        ("unit_code", compiled.unit_code),
        ("period", compiled.period),
        ("compiled", "reports"),
        ("first_data_row", form.first_data_row),
        ("total_row", total_row),
        ("note_column", get_column_letter(body.note_col or body.last_col + 1)),
        *((f"column:{col.key}", get_column_letter(col.number)) for col in body.columns),
        *rows,
    ]
    return form.close(total_row, meta)


def _write_block(
    body: Body, index: int, block: Block, names: dict[str, str], rows: list[tuple[str, int]]
) -> int | None:
    """One level: its heading, its units (under their parents if the block has sub-blocks), its subtotal;
    returns the subtotal's row (None when no unit of the level reported: "Chưa báo cáo", summed by no
    total) and adds every row written to ``rows`` (key, sheet row)."""
    rows.append((f"group:{block.key}", body.line(roman(index), block.label, None, bold=True)))
    if block.subblocks:
        parts = []  # the parents' rows the subtotal adds up
        for number, sub in enumerate(block.subblocks, start=1):
            first = body.next_row + 1
            received = [first + i for i, line in enumerate(sub.lines) if line.status == RECEIVED]
            parent_code = sub.key.split("/", 1)[0]
            parent = body.line(
                number,
                names.get(parent_code, sub.label),
                sub.subtotal if received else None,
                bold=True,
                italic=True,
                summed=received,
                note=_reported(sub.received, len(sub.lines)),
                gap="" if received else NOT_REPORTED,
            )
            rows.append((f"subgroup:{sub.key}", parent))
            for place, line in enumerate(sub.lines, start=1):
                rows.append((f"row:{line.member.code}", _write_line(body, f"{number}.{place}", line, names)))
            if received:
                parts.append(parent)
    else:
        at = [_write_line(body, number, line, names) for number, line in enumerate(block.lines, start=1)]
        rows += [(f"row:{line.member.code}", row) for line, row in zip(block.lines, at, strict=True)]
        parts = [row for line, row in zip(block.lines, at, strict=True) if line.status == RECEIVED]
    subtotal = body.line(
        None,
        f"{SUBTOTAL_LABEL} {block.label}",
        block.subtotal if parts else None,
        bold=True,
        summed=parts,
        note=_reported(block.received, len(block.lines)),
        gap="" if parts else NOT_REPORTED,
    )
    rows.append((f"subtotal:{block.key}", subtotal))
    return subtotal if parts else None


def _write_line(body: Body, stt: object, line: Line, names: dict[str, str]) -> int:
    if line.status == RECEIVED:
        return body.line(stt, line.member.name, line.reported, note=standing_note(line, names))
    gap = NOT_REPORTED if line.status == MISSING else NO_FIGURES
    return body.line(stt, line.member.name, None, gap=gap, note=standing_note(line, names))


def standing_note(line: Line, names: dict[str, str]) -> str:
    """Where a line's figures come from, as the note column prints it."""
    carrier = f"Theo báo cáo của {names.get(line.via, line.via)}" if line.via else ""
    if line.standing is None:
        return f"Không có trong báo cáo của {names.get(line.via, line.via)}" if line.via else ""
    if line.standing.basis == ACCEPTED:
        version = f"phiên bản {line.standing.number}, đã tiếp nhận"
    else:
        version = f"phiên bản {line.standing.number} gửi gần nhất, chưa tiếp nhận"
    text = f"{carrier}: {version}" if carrier else version[0].upper() + version[1:]
    if line.status != RECEIVED:
        text += "; không có số liệu biểu 06"
    return text


def _reported(received: int, total: int) -> str:
    return f"Đã báo cáo {received}/{total} đơn vị"
