"""The narrative report's renderer (kstt.exports.narrative): pure, over a value; the document reopened with
python-docx (and printed by LibreOffice, read back with pdftotext), its texts checked, never its bytes."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime
from decimal import Decimal

import docx
import pytest
from docx.text.paragraph import Paragraph

from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.exports import libreoffice, narrative_template
from kstt.exports.narrative import (
    NARRATIVE_TEMPLATE,
    FigureRow,
    Figures,
    Narrative,
    NarrativeSection,
    RegimeLine,
    UnitText,
    heading,
    next_part,
    percent,
    period_words,
    place_of,
    regime_summary,
    render_narrative,
)
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import pdftotext  # noqa: F401 (a fixture)


@pytest.mark.parametrize(
    ("year", "kind", "words"),
    [
        pytest.param(2021, "Q1", "quý I năm 2021", id="first-quarter"),
        pytest.param(2021, "Q3", "quý III năm 2021", id="third-quarter"),
        pytest.param(2026, "Q4", "quý IV năm 2026", id="fourth-quarter"),
        pytest.param(2021, "H1", "6 tháng đầu năm 2021", id="first-half"),
        pytest.param(2021, "M9", "9 tháng năm 2021", id="nine-months"),
        pytest.param(2021, "Y", "năm 2021", id="the-year"),
    ],
)
def test_the_period_is_said_in_the_title_as_an_administrative_report_says_it(year, kind, words):
    assert period_words(year, kind) == words


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Ủy ban nhân dân tỉnh Hòa Bình", "Hòa Bình"),
        ("Ủy ban nhân dân thành phố Hà Nội", "Hà Nội"),
        ("Ủy ban nhân dân huyện Lạc Sơn", "Lạc Sơn"),
        ("Ủy ban nhân dân thị xã Phú Thọ", "Phú Thọ"),
        ("UBND quận Ba Đình", "Ba Đình"),
    ],
)
def test_the_date_line_names_the_place_without_the_bodys_title(name, place):
    assert place_of(name) == place


@pytest.mark.parametrize(
    ("part", "whole", "said"),
    [
        pytest.param(15, 16, "93,75%", id="decimal-comma"),
        pytest.param(16, 16, "100%", id="whole-number-without-decimals"),
        pytest.param(1, 3, "33,33%", id="rounded-to-two-decimals"),
        pytest.param(2, 3, "66,67%", id="rounded-half-up"),
        pytest.param(0, 0, "—", id="nothing-settled-is-no-share"),
    ],
)
def test_a_share_is_printed_the_vietnamese_way(part, whole, said):
    assert percent(part, whole) == said


@pytest.mark.parametrize(
    ("number", "title", "said"),
    [
        pytest.param("I", "Kết quả đạt được", "I. KẾT QUẢ ĐẠT ĐƯỢC", id="a-part-in-capitals"),
        pytest.param("I.6", "Kết quả giải quyết thủ tục hành chính", "6. Kết quả giải quyết thủ tục hành chính",
                     id="a-sub-section-by-its-own-number"),
    ],
)  # fmt: skip
def test_a_sections_heading(number, title, said):
    assert heading(NarrativeSection("k", number, title)) == said


def test_the_reporting_regime_comes_after_the_outlines_last_part():
    sections = [NarrativeSection("a", "I", "A"), NarrativeSection("b", "I.1", "B"), NarrativeSection("c", "IV", "C")]
    assert next_part(sections) == "V" and next_part(sections[:2]) == "II"


LABELS = {
    "on_time": "Đúng hạn",
    "excused": "Được gia hạn do sự cố",
    "late": "Chậm",
    "not_sent": "Không gửi",
    "overdue": "Quá hạn, chưa gửi",
}


@pytest.mark.parametrize(
    ("statuses", "said"),
    [
        pytest.param(
            ["late", "on_time", "not_sent", "on_time"],
            "có 4 đơn vị phải gửi báo cáo qua Hệ thống; trong đó đúng hạn: 2 đơn vị; chậm: 1 đơn vị; "
            "không gửi: 1 đơn vị.",
            id="each-status-counted-in-the-regulations-order",
        ),
        pytest.param(
            ["overdue", "excused"],
            "có 2 đơn vị phải gửi báo cáo qua Hệ thống; trong đó được gia hạn do sự cố: 1 đơn vị; "
            "quá hạn, chưa gửi: 1 đơn vị.",
            id="excused-and-not-judged-yet",
        ),
        pytest.param([], "có 0 đơn vị phải gửi báo cáo qua Hệ thống.", id="nobody-owes"),
    ],
)
def test_the_reporting_regime_in_one_sentence(statuses, said):
    lines = [RegimeLine(f"Đơn vị {n}", status, LABELS[status], None) for n, status in enumerate(statuses)]
    assert regime_summary(2021, "Q3", lines) == f"Kỳ báo cáo quý III năm 2021 {said}"


def counts(n: int) -> dict[str, int]:
    return dict.fromkeys(FORM06_COLUMNS, n) | {"settled_total": 2 * n, "received_total": 3 * n}


HOA = Narrative(
    unit="Ủy ban nhân dân tỉnh Hòa Bình",
    year=2021,
    kind="Q3",
    on=date(2021, 10, 20),
    legal_basis="Thông tư số 01/2020/TT-VPCP ngày 21/10/2020, Phụ lục II, mục A",
    sections=[
        NarrativeSection("results", "I", "Kết quả đạt được", text=False),
        NarrativeSection(
            "direction", "I.1", "Công tác chỉ đạo, điều hành",
            texts=[UnitText("Sở Tư pháp", "Đã ban hành Kế hoạch số 12/KH-STP.\r\n\r\nĐã kiểm tra 3 đơn vị <A&B>.")],
            silent=["Ủy ban nhân dân huyện Lạc Sơn"], unsent=["Ủy ban nhân dân huyện Mai Châu"],
        ),
        NarrativeSection(
            "settlement", "I.6", "Kết quả giải quyết thủ tục hành chính",
            figures=Figures(
                total=counts(5),
                rows=[FigureRow("Sở, ban, ngành", counts(2)), FigureRow("Huyện, thị xã, thành phố", counts(3)),
                      FigureRow("Tổng cộng", counts(5), total=True)],
                received=2, expected=3, missing=["Ủy ban nhân dân huyện Mai Châu"],
            ),
        ),
        NarrativeSection("proposals", "II", "Đề xuất, kiến nghị"),
    ],
    regime=[
        RegimeLine("Sở Tư pháp", "on_time", "Đúng hạn", datetime(2021, 10, 1, 9, 30), Decimal("0.00")),
        RegimeLine("Ủy ban nhân dân huyện Lạc Sơn", "late", "Chậm", datetime(2021, 10, 20, 8, 0), Decimal("0.25")),
        RegimeLine("Ủy ban nhân dân huyện Mai Châu", "not_sent", "Không gửi", None, Decimal("0.50")),
    ],
)  # fmt: skip


def style(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None and paragraph.style.name else ""


def _open(narrative: Narrative) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_narrative(narrative)))


def test_the_draft_is_in_the_format_of_decree_30():
    document = _open(HOA)
    left, right = (cell.text for cell in document.tables[0].rows[0].cells)
    assert left.startswith("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH") and "Số:        /BC-UBND" in left
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert right.endswith("Hòa Bình, ngày 20 tháng 10 năm 2021")
    paragraphs = [p.text for p in document.paragraphs]
    title = paragraphs.index("BÁO CÁO")
    assert paragraphs[title + 1] == (
        "Tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính, cơ chế một cửa, một cửa liên thông "
        "và thực hiện thủ tục hành chính trên môi trường điện tử quý III năm 2021"
    )
    foot_left, foot_right = (cell.text for cell in document.tables[-1].rows[0].cells)
    assert foot_left.startswith("Nơi nhận:\n- Văn phòng Chính phủ") and foot_left.endswith("- Lưu: VT, KSTT.")
    assert foot_right.startswith("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.font.name}
    assert fonts == {"Times New Roman"} and document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Heading 1"].font.name == "Times New Roman"


def test_the_sections_are_headings_with_the_units_texts_under_their_names():
    document = _open(HOA)
    headings = [(style(p), p.text) for p in document.paragraphs if style(p).startswith("Heading")]
    assert headings == [
        ("Heading 1", "I. KẾT QUẢ ĐẠT ĐƯỢC"),
        ("Heading 2", "1. Công tác chỉ đạo, điều hành"),
        ("Heading 2", "6. Kết quả giải quyết thủ tục hành chính"),
        ("Heading 1", "II. ĐỀ XUẤT, KIẾN NGHỊ"),
        ("Heading 1", "III. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO"),
    ]
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("1. Công tác chỉ đạo, điều hành")
    end = paragraphs.index("6. Kết quả giải quyết thủ tục hành chính")
    assert paragraphs[start + 1 : end] == [
        "Nội dung báo cáo của các đơn vị (để tổng hợp, biên tập):",
        "Sở Tư pháp:",
        "Đã ban hành Kế hoạch số 12/KH-STP.",
        "Đã kiểm tra 3 đơn vị <A&B>.",  # escaped on the way in, the same text on the way out
        "Đơn vị không có nội dung ở mục này: Ủy ban nhân dân huyện Lạc Sơn, "
        "Ủy ban nhân dân huyện Mai Châu (chưa gửi báo cáo).",
    ]
    unit_name = document.paragraphs[start + 2]
    assert all(run.bold and run.italic for run in unit_name.runs)
    after = paragraphs[paragraphs.index("II. ĐỀ XUẤT, KIẾN NGHỊ") + 1]
    assert after == "(Chưa có nội dung của đơn vị nào ở mục này.)"


def test_the_figures_section_says_form_06_in_words_and_in_a_table():
    document = _open(HOA)
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("6. Kết quả giải quyết thủ tục hành chính")
    assert paragraphs[start + 1 : start + 5] == [
        "Trong kỳ, tổng số hồ sơ tiếp nhận là 15 hồ sơ (trực tuyến: 5; trực tiếp, dịch vụ bưu chính: 5; "
        "từ kỳ trước chuyển sang: 5).",
        "Số hồ sơ đã giải quyết là 10 hồ sơ (trước hạn: 5; đúng hạn: 5; quá hạn: 5); tỷ lệ giải quyết trước hạn, "
        "đúng hạn đạt 100%.",
        "Số hồ sơ đang giải quyết là 5 hồ sơ (trong hạn: 5; quá hạn: 5).",
        "Số liệu tổng hợp từ báo cáo của 2/3 đơn vị; chưa có số liệu của: Ủy ban nhân dân huyện Mai Châu.",
    ]
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert rows[0][:4] == ["Nhóm đơn vị", "Hồ sơ tiếp nhận", "Trong đó trực tuyến", "Đã giải quyết"]
    assert [r[0] for r in rows[1:]] == ["Sở, ban, ngành", "Huyện, thị xã, thành phố", "Tổng cộng"]
    assert rows[-1] == ["Tổng cộng", "15", "5", "10", "10", "5", "5", "5"]


def test_the_reporting_regime_counts_and_lists_each_unit():
    document = _open(HOA)
    paragraphs = [p.text for p in document.paragraphs]
    summary = paragraphs[paragraphs.index("III. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO") + 1]
    assert summary == (
        "Kỳ báo cáo quý III năm 2021 có 3 đơn vị phải gửi báo cáo qua Hệ thống; trong đó đúng hạn: 1 đơn vị; "
        "chậm: 1 đơn vị; không gửi: 1 đơn vị."
    )
    rows = [[cell.text for cell in row.cells] for row in document.tables[2].rows]
    assert rows == [
        ["STT", "Đơn vị", "Tình hình gửi báo cáo", "Thời điểm gửi", "Điểm trừ"],
        ["1", "Sở Tư pháp", "Đúng hạn", "09:30 01/10/2021", "0"],
        ["2", "Ủy ban nhân dân huyện Lạc Sơn", "Chậm", "08:00 20/10/2021", "0,25"],
        ["3", "Ủy ban nhân dân huyện Mai Châu", "Không gửi", "", "0,5"],
    ]


def test_a_districts_draft_goes_to_the_province():
    district = Narrative(
        unit="Ủy ban nhân dân huyện Lạc Sơn", year=2021, kind="H1", on=date(2021, 7, 5), legal_basis="Thông tư",
        sections=[NarrativeSection("direction", "I", "Chỉ đạo")], regime=[],
        recipient="Ủy ban nhân dân tỉnh Hòa Bình",
    )  # fmt: skip
    document = _open(district)
    left, right = (cell.text for cell in document.tables[0].rows[0].cells)
    assert left.startswith("ỦY BAN NHÂN DÂN HUYỆN LẠC SƠN") and right.endswith("Lạc Sơn, ngày 05 tháng 7 năm 2021")
    assert document.tables[-1].rows[0].cells[0].text.startswith("Nơi nhận:\n- Ủy ban nhân dân tỉnh Hòa Bình;")
    assert any(p.text.endswith("6 tháng đầu năm 2021") for p in document.paragraphs)


def test_the_committed_template_is_what_the_script_builds(tmp_path):
    built = docx.Document(str(narrative_template.build(tmp_path / "narrative.docx")))
    shipped = docx.Document(str(NARRATIVE_TEMPLATE))

    def texts(document: docx.document.Document) -> list[str]:
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return [f"{style(p)}|{p.text}" for p in document.paragraphs] + cells

    assert texts(built) == texts(shipped)
    assert any("{%p for s in sections %}" in text for text in texts(shipped))


def test_libreoffice_prints_the_draft_with_its_diacritics(pdftotext):  # noqa: F811 (a fixture)
    pdf = libreoffice.to_pdf(render_narrative(HOA), suffix=".docx")
    # In reading order (no -layout): the two columns of the heading and of the signature block, one after the other.
    text = subprocess.run([pdftotext, "-", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout  # noqa: S603
    words = " ".join(text.decode("utf-8").split())
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hòa Bình, ngày 20 tháng 10 năm 2021",
        "BÁO CÁO",
        "quý III năm 2021",
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác chỉ đạo, điều hành",
        "Đã ban hành Kế hoạch số 12/KH-STP.",
        "Ủy ban nhân dân huyện Lạc Sơn",
        "III. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO",
        "chậm: 1 đơn vị",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
    ]:
        assert expected in words, expected
