"""The urging letter's renderer (kstt.exports.urging_letter): pure, over a value; the document reopened with
python-docx, its texts checked, never its bytes. The date line follows Decree 30/2020/NĐ-CP, Appendix I."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import pytest

from kstt.exports import urging_letter_template
from kstt.exports.urging_letter import (
    URGING_LETTER_TEMPLATE,
    LetterLine,
    UrgingLetter,
    date_line,
    issuing_body,
    letter_subject,
    place_of,
    render_urging_letter,
)

REPORT = "Báo cáo định kỳ về tình hình, kết quả thực hiện kiểm soát TTHC"
Q3 = datetime(2021, 10, 15, 17, 0)
Q2 = datetime(2021, 7, 15, 17, 0)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        pytest.param(date(2021, 12, 20), "Hòa Bình, ngày 20 tháng 12 năm 2021", id="two-digit-day-and-month"),
        pytest.param(date(2026, 2, 5), "Hòa Bình, ngày 05 tháng 02 năm 2026", id="day-below-10-and-february-padded"),
        pytest.param(date(2026, 1, 31), "Hòa Bình, ngày 31 tháng 01 năm 2026", id="january-padded"),
        pytest.param(date(2021, 9, 25), "Hòa Bình, ngày 25 tháng 9 năm 2021", id="march-to-september-not-padded"),
        pytest.param(date(2021, 3, 1), "Hòa Bình, ngày 01 tháng 3 năm 2021", id="day-padded-month-not"),
    ],
)
def test_the_date_line_writes_the_date_as_decree_30_says(on, expected):
    assert date_line("Hòa Bình", on) == expected


@pytest.mark.parametrize(
    ("province", "place", "body"),
    [
        ("Ủy ban nhân dân tỉnh Hòa Bình", "Hòa Bình", "ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH"),
        ("Ủy ban nhân dân tỉnh Phú Thọ", "Phú Thọ", "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"),
        ("Ủy ban nhân dân thành phố Hà Nội", "Hà Nội", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI"),
    ],
)
def test_the_place_and_the_issuing_body_come_from_the_provinces_name(province, place, body):
    assert place_of(province) == place and issuing_body(province) == body


def _open(letter: UrgingLetter) -> docx.document.Document:
    return docx.Document(io.BytesIO(render_urging_letter(letter)))


def test_a_few_units_are_named_one_by_one_under_kinh_gui():
    letter = UrgingLetter(
        province="Ủy ban nhân dân tỉnh Phú Thọ",
        report=REPORT,
        on=date(2026, 11, 3),
        lines=[
            LetterLine("Ủy ban nhân dân xã Yên Lập", "Quý III/2026", Q3, 19),
            LetterLine("Sở Y tế", "Quý III/2026", Q3, 19),
        ],
    )
    document = _open(letter)
    head = [cell.text for cell in document.tables[0].rows[0].cells]
    assert (
        head[0].startswith("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nVĂN PHÒNG")
        and "Phú Thọ, ngày 03 tháng 11 năm 2026" in head[1]
    )
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Kính gửi:")
    assert paragraphs[start + 1 : start + 3] == ["- Sở Y tế;", "- Ủy ban nhân dân xã Yên Lập;"]
    body = next(p for p in paragraphs if p.startswith("Thực hiện"))
    assert "báo cáo định kỳ về tình hình" in body and "Quý III/2026" in body
    assert "chậm nhất 17 giờ 00 ngày 15/10/2021" in body and "2 đơn vị" in body
    assert "Văn phòng Ủy ban nhân dân tỉnh Phú Thọ đề nghị" in "\n".join(paragraphs)
    assert letter_subject(letter) in head[0]


def test_many_units_and_deadlines_are_sent_to_the_list():
    lines = [LetterLine(f"Ủy ban nhân dân xã {n}", "Quý III/2021", Q3, 66) for n in range(7)]
    lines.append(LetterLine("Sở Nội vụ", "Quý II/2021", Q2, 158))
    document = _open(
        UrgingLetter(province="Ủy ban nhân dân tỉnh Hòa Bình", report=REPORT, on=date(2021, 12, 20), lines=lines)
    )
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Kính gửi:")
    assert paragraphs[start + 1] == "- Các đơn vị có tên trong danh sách dưới đây;"
    body = next(p for p in paragraphs if p.startswith("Thực hiện"))
    assert "Quý II/2021, Quý III/2021" in body and "theo thời hạn ghi tại danh sách dưới đây" in body
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert len(rows) == 1 + 8 and rows[1] == ["1", "Sở Nội vụ", "Quý II/2021", "17:00 15/07/2021", "158"]
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, 9)]
    head = document.tables[0].rows[0].cells[0].text
    assert (
        "V/v đôn đốc gửi báo cáo định kỳ về tình hình, kết quả thực hiện kiểm soát TTHC Quý II/2021, Quý III/2021"
        in head
    )


def test_the_committed_template_is_what_the_script_builds(tmp_path):
    built = docx.Document(str(urging_letter_template.build(tmp_path / "letter.docx")))
    shipped = docx.Document(str(URGING_LETTER_TEMPLATE))

    def texts(document: docx.document.Document) -> list[str]:
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return [p.text for p in document.paragraphs] + cells

    assert texts(built) == texts(shipped)
    assert any("{{ date_line }}" in text for text in texts(shipped))


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def writer():
    """LibreOffice with its Writer (the docx filter) and pdftotext; CI requires them (.ci/run installs them)."""
    found = False
    if SOFFICE is not None and shutil.which("pdftotext") is not None:
        program = Path(os.path.realpath(SOFFICE)).parent
        found = (program / "libswlo.so").exists() or (program / "swriter").exists()
    if not found:
        if os.environ.get("KSTT_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice Writer or pdftotext is missing: apt-get install libreoffice-writer poppler-utils")
        pytest.skip("LibreOffice Writer or pdftotext is not installed")
    return SOFFICE, shutil.which("pdftotext")


def test_libreoffice_prints_the_letter_with_its_diacritics(writer, tmp_path):
    letter = UrgingLetter(
        province="Ủy ban nhân dân tỉnh Hòa Bình",
        report=REPORT,
        on=date(2021, 12, 20),
        lines=[LetterLine("Ủy ban nhân dân xã Yên Nghiệp", "Quý III/2021", Q3, 66)],
    )
    soffice, pdftotext = writer
    (tmp_path / "letter.docx").write_bytes(render_urging_letter(letter))
    subprocess.run(  # noqa: S603 (LibreOffice on our own file)
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(tmp_path / "letter.docx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = subprocess.run(  # noqa: S603
        [pdftotext, "-layout", str(tmp_path / "letter.pdf"), "-"], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    words = " ".join(text.split())
    for expected in [
        "ỦY BAN NHÂN DÂN TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hòa Bình, ngày 20 tháng 12 năm 2021",
        "Kính gửi:",
        "Ủy ban nhân dân xã Yên Nghiệp",
        "Nơi nhận:",
        "KT. CHÁNH VĂN PHÒNG",
    ]:
        assert expected in words, expected
