"""Builds the urging letter's docx template (catalogue data): ``python -m kstt.exports.urging_letter_template``.

The template is a Word document with Jinja tags that docxtpl fills (kstt.exports.urging_letter.context
lists the variables): ``{{ subject }}`` in a run, ``{%p for r in recipients %}`` around a paragraph,
``{%tr for l in lines %}`` around a table row. To change the letter, edit this script and run it (it
rewrites ``kstt/catalogue/catalogue_data/urging_letter.docx``), then run
``pytest kstt/exports/tests/test_urging_letter.py`` (it checks the shipped file is what this script builds)
and commit both. Each tag is written in one run, as docxtpl needs; a variable the template reads is one
``kstt.exports.urging_letter.context`` gives.

The layout follows Decree 30/2020/NĐ-CP, Appendix I: A4, margins 20 mm top and bottom, 30 mm left, 15 mm
right; Times New Roman; the issuing body (12 pt, its upper line regular, "VĂN PHÒNG" bold) and the
national emblem line (12 pt bold) with its motto (14 pt bold) side by side; the number and subject under
the issuing body, the place and date line (14 pt italic) under the motto; the body 14 pt, justified; "Nơi
nhận:" (12 pt bold italic, its lines 11 pt) beside the signature block (14 pt bold).
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from kstt.exports.urging_letter import URGING_LETTER_TEMPLATE

FONT = "Times New Roman"


def _paragraph(
    where: _Cell | DocumentType,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    first: bool = False,
) -> Paragraph:
    paragraph: Paragraph = where.paragraphs[0] if first else where.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
        paragraph.paragraph_format.space_after = Pt(6)
    if text:
        run = paragraph.add_run(text)
        run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
        run.font.name = FONT
    return paragraph


def _rule(cell: _Cell, *, indent: Length) -> None:
    """The short solid line Decree 30 draws under the issuing body and under the motto: an empty paragraph's
    bottom border, narrowed by equal left and right indents."""
    paragraph = _paragraph(cell, "", size=2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(name), value)
    border.append(bottom)
    paragraph._p.get_or_add_pPr().append(border)


def _no_borders(table: object) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")  # type: ignore[attr-defined]
    if borders is not None:
        table._tbl.tblPr.remove(borders)  # type: ignore[attr-defined]


def _widths(table: Table, *widths: Length) -> None:
    """Fixed column widths, as Word and LibreOffice read them (the grid and every cell)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def build(path: Path = URGING_LETTER_TEMPLATE) -> Path:
    """Write the template to ``path``."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    centre = WD_ALIGN_PARAGRAPH.CENTER

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    _widths(head, Mm(64), Mm(101))
    left, right = head.rows[0].cells
    _paragraph(left, "{{ issuing_body }}", size=12, align=centre, first=True)
    _paragraph(left, "VĂN PHÒNG", size=13, bold=True, align=centre)
    _rule(left, indent=Mm(22))
    _paragraph(left, "", size=13)
    _paragraph(left, "Số:        /VP-KSTT", size=13, align=centre)
    _paragraph(left, "{{ subject }}", size=12, align=centre)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=centre, first=True)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=centre)
    _rule(right, indent=Mm(20))
    _paragraph(right, "", size=13)
    _paragraph(right, "{{ date_line }}", size=14, italic=True, align=centre)

    _paragraph(document, "")
    _paragraph(document, "Kính gửi:", align=centre)
    _paragraph(document, "{%p for r in recipients %}")
    _paragraph(document, "- {{ r }};", align=centre)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "")
    _paragraph(
        document,
        "Thực hiện chế độ báo cáo định kỳ về công tác kiểm soát thủ tục hành chính, {{ report }} "
        "{{ periods }} phải gửi về Văn phòng Ủy ban nhân dân {{ province_short }} qua Hệ thống thông tin "
        "báo cáo KSTT{% if one_deadline %} chậm nhất {{ deadlines }}{% else %} theo thời hạn ghi tại danh "
        "sách dưới đây{% endif %}. Đến ngày {{ today }}, {{ count }} đơn vị sau đây chưa gửi báo cáo:",
        indent=True,
    )
    table = document.add_table(rows=3, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    headings = ["STT", "Đơn vị", "Kỳ báo cáo", "Hạn gửi", "Số ngày quá hạn"]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _paragraph(cell, text, size=12, bold=True, align=centre, first=True)
    _paragraph(table.rows[1].cells[0], "{%tr for l in lines %}", size=13, first=True)
    for cell, text in zip(
        table.rows[2].cells,
        ["{{ l.number }}", "{{ l.unit }}", "{{ l.period }}", "{{ l.deadline }}", "{{ l.days }}"],
        strict=True,
    ):
        _paragraph(cell, text, size=13, align=None if text == "{{ l.unit }}" else centre, first=True)
    end = table.add_row()
    _paragraph(end.cells[0], "{%tr endfor %}", size=13, first=True)
    _widths(table, Mm(14), Mm(60), Mm(30), Mm(36), Mm(25))
    _paragraph(document, "")
    _paragraph(
        document,
        "Văn phòng Ủy ban nhân dân {{ province_short }} đề nghị Thủ trưởng các đơn vị nêu trên khẩn trương "
        "chỉ đạo hoàn thành và gửi báo cáo qua Hệ thống thông tin báo cáo KSTT. Quá thời điểm chốt số liệu "
        "mà chưa gửi, đơn vị được ghi nhận là không gửi báo cáo và bị trừ điểm theo quy định.",
        indent=True,
    )
    _paragraph(document, "Trân trọng./.", indent=True)

    foot = document.add_table(rows=1, cols=2)
    _no_borders(foot)
    _widths(foot, Mm(75), Mm(90))
    left, right = foot.rows[0].cells
    _paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True)
    _paragraph(left, "- Như trên;", size=11)
    _paragraph(left, "- Lãnh đạo Văn phòng;", size=11)
    _paragraph(left, "- Lưu: VT, KSTT.", size=11)
    _paragraph(right, "KT. CHÁNH VĂN PHÒNG", size=14, bold=True, align=centre, first=True)
    _paragraph(right, "PHÓ CHÁNH VĂN PHÒNG", size=14, bold=True, align=centre)
    for _ in range(4):  # room for the signature, then the signer's name
        _paragraph(right, "", size=14)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
