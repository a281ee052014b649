"""Builds the narrative report's docx template (catalogue data): ``python -m kstt.exports.narrative_template``.

The template is a Word document with Jinja tags that docxtpl fills (kstt.exports.narrative.context lists the
variables): ``{%p for s in sections %}`` around the paragraphs and tables of a section, ``{%p if s.table %}``
around the figures table, ``{%tr for r in s.rows %}`` around a table row. To change the draft, edit this
script and run it (it rewrites ``kstt/catalogue/catalogue_data/narrative.docx``), then run
``pytest kstt/exports/tests/test_narrative.py`` (it checks the shipped file is what this script builds) and
commit both. Each tag is written in one run, as docxtpl needs.

The layout is the urging letter's (Decree 30/2020/NĐ-CP, Appendix I; kstt.exports.urging_letter_template):
A4, margins 20/20/30/15 mm, Times New Roman; the issuing body and the national emblem line with its motto
side by side, the number under the issuing body, the place and date line under the motto; the type of the
document ("BÁO CÁO", 14 pt bold) and its summary (14 pt bold) centred; the body 14 pt, justified. The
sections' headings use Word's "Heading 1" (a part: "I. KẾT QUẢ ĐẠT ĐƯỢC") and "Heading 2" (a sub-section),
restyled in Times New Roman 14 pt bold black, so the writer's navigation pane lists them.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from kstt.exports.narrative import NARRATIVE_TEMPLATE
from kstt.exports.urging_letter_template import FONT, _no_borders, _paragraph, _rule, _widths

TITLE = (
    "Tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính, cơ chế một cửa, một cửa liên thông "
    "và thực hiện thủ tục hành chính trên môi trường điện tử {{ period }}"
)
FIGURE_HEADINGS = [
    "Nhóm đơn vị",
    "Hồ sơ tiếp nhận",
    "Trong đó trực tuyến",
    "Đã giải quyết",
    "Trước hạn, đúng hạn",
    "Quá hạn",
    "Đang giải quyết",
    "Đang giải quyết quá hạn",
]
FIGURE_CELLS = [
    "{{ r.label }}",
    "{{ r.received }}",
    "{{ r.online }}",
    "{{ r.settled }}",
    "{{ r.in_time }}",
    "{{ r.late }}",
    "{{ r.pending }}",
    "{{ r.overdue }}",
]
REGIME_HEADINGS = ["STT", "Đơn vị", "Tình hình gửi báo cáo", "Thời điểm gửi", "Điểm trừ"]
REGIME_CELLS = ["{{ l.number }}", "{{ l.unit }}", "{{ l.status }}", "{{ l.at }}", "{{ l.points }}"]


def _headings(document: object) -> None:
    """Word's Heading 1 and 2 in the body's font: Times New Roman 14 pt bold, black, no theme font."""
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]  # type: ignore[attr-defined]
        style.font.name, style.font.size, style.font.bold, style.font.italic = FONT, Pt(14), True, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            if fonts.get(qn(theme)) is not None:
                del fonts.attrib[qn(theme)]
        fonts.set(qn("w:eastAsia"), FONT)
        fonts.set(qn("w:cs"), FONT)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(3)
        style.paragraph_format.first_line_indent = Mm(10)
        style.paragraph_format.keep_with_next = True


def _table(
    document: object, headings: list[str], cells: list[str], loop: str, widths: list[int], *, left: set[int]
) -> None:
    """A bordered table: its heading row, then one row repeated by ``loop`` (``{%tr for … %}``), the columns
    ``left`` aligned left, the others centred."""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=3, cols=len(headings))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        _paragraph(cell, text, size=12, bold=True, align=centre, first=True)
    _paragraph(table.rows[1].cells[0], loop, size=12, first=True)
    for i, (cell, text) in enumerate(zip(table.rows[2].cells, cells, strict=True)):
        _paragraph(cell, text, size=12, align=None if i in left else centre, first=True)
    end = table.add_row()
    _paragraph(end.cells[0], "{%tr endfor %}", size=12, first=True)
    _widths(table, *(Mm(w) for w in widths))


def build(path: Path = NARRATIVE_TEMPLATE) -> Path:
    """Write the template to ``path``."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _headings(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    _widths(head, Mm(64), Mm(101))
    left, right = head.rows[0].cells
    _paragraph(left, "{{ issuing_body }}", size=13, bold=True, align=centre, first=True)
    _rule(left, indent=Mm(22))
    _paragraph(left, "", size=13)
    _paragraph(left, "{{ number_line }}", size=13, align=centre)
    _paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True, align=centre, first=True)
    _paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=centre)
    _rule(right, indent=Mm(20))
    _paragraph(right, "", size=13)
    _paragraph(right, "{{ date_line }}", size=14, italic=True, align=centre)

    _paragraph(document, "")
    _paragraph(document, "BÁO CÁO", bold=True, align=centre)
    _paragraph(document, TITLE, bold=True, align=centre)
    _rule(document, indent=Mm(60))  # type: ignore[arg-type]
    _paragraph(document, "")
    _paragraph(
        document,
        "Thực hiện chế độ báo cáo định kỳ theo {{ legal_basis }}, {{ unit }} báo cáo tình hình, kết quả thực "
        "hiện công tác kiểm soát thủ tục hành chính {{ period }} như sau:",
        indent=True,
        align=justify,
    )

    _paragraph(document, "{%p for s in sections %}")
    _paragraph(document, "{%p if s.part %}")
    document.add_paragraph("{{ s.heading }}", style="Heading 1")
    _paragraph(document, "{%p else %}")
    document.add_paragraph("{{ s.heading }}", style="Heading 2")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if s.text %}")
    _paragraph(document, "{%p for w in s.words %}")
    _paragraph(document, "{{ w }}", indent=True, align=justify)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p if s.table %}")
    _table(
        document, FIGURE_HEADINGS, FIGURE_CELLS, "{%tr for r in s.rows %}", [37, 18, 18, 18, 18, 15, 18, 23], left={0}
    )
    _paragraph(document, "", size=6)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if s.units %}")
    _paragraph(document, "Nội dung báo cáo của các đơn vị (để tổng hợp, biên tập):", italic=True, indent=True)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p for u in s.units %}")
    _paragraph(document, "{{ u.name }}:", bold=True, italic=True, indent=True, align=justify)
    _paragraph(document, "{%p for para in u.paragraphs %}")
    _paragraph(document, "{{ para }}", indent=True, align=justify)
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "{%p if s.silent %}")
    _paragraph(document, "Đơn vị không có nội dung ở mục này: {{ s.silent }}.", italic=True, indent=True)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p if s.empty %}")
    _paragraph(document, "(Chưa có nội dung của đơn vị nào ở mục này.)", italic=True, indent=True)
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endif %}")
    _paragraph(document, "{%p endfor %}")

    document.add_paragraph("{{ regime_heading }}", style="Heading 1")
    _paragraph(document, "{{ regime_summary }}", indent=True, align=justify)
    _table(document, REGIME_HEADINGS, REGIME_CELLS, "{%tr for l in regime %}", [14, 66, 40, 30, 15], left={1})
    _paragraph(document, "")
    _paragraph(
        document,
        "Trên đây là báo cáo tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính {{ period }} "
        "của {{ unit }}./.",
        indent=True,
        align=justify,
    )

    foot = document.add_table(rows=1, cols=2)
    _no_borders(foot)
    _widths(foot, Mm(75), Mm(90))
    left, right = foot.rows[0].cells
    _paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, first=True)
    _paragraph(left, "- {{ recipient }};", size=11)
    _paragraph(left, "- Chủ tịch, các Phó Chủ tịch;", size=11)
    _paragraph(left, "- Lưu: VT, KSTT.", size=11)
    _paragraph(right, "TM. ỦY BAN NHÂN DÂN", size=14, bold=True, align=centre, first=True)
    _paragraph(right, "CHỦ TỊCH", size=14, bold=True, align=centre)
    for _ in range(4):  # room for the signature, then the signer's name
        _paragraph(right, "", size=14)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
