"""The official workbooks as LibreOffice reads them: recalculated, and printed to PDF (issue 15, point 4).

LibreOffice recomputes every total row's ``=SUM(…)`` to the compiled numbers, and the PDF it prints keeps
the Vietnamese texts with their diacritics (read back with ``pdftotext``). Runs where LibreOffice and
poppler-utils are installed; `.ci/run` installs both and sets KSTT_REQUIRE_LIBREOFFICE, so in CI they run
rather than skip. The failures of ``kstt.exports.libreoffice`` (missing, failing, too slow) need neither.
"""

import csv
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.catalogue.rules.form07b import FORM07B_COLUMNS
from kstt.exports import libreoffice
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.exports.form07b_xlsx import render_form07b_xlsx
from kstt.exports.tests import test_form06_xlsx as f06
from kstt.exports.tests import test_form07b_xlsx as f07b
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)

CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1"  # comma, double quote, UTF-8, from line 1


@pytest.fixture
def pdftotext(soffice):  # noqa: F811 (a fixture)
    program = shutil.which("pdftotext")
    if program is None:
        if os.environ.get("KSTT_REQUIRE_LIBREOFFICE"):
            pytest.fail("pdftotext is missing and KSTT_REQUIRE_LIBREOFFICE is set: apt-get install poppler-utils")
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return program


def recalculated(workbook: bytes) -> dict[tuple[str, str], list[str]]:
    """The data sheet as LibreOffice computes it, by each row's STT and label."""
    text = libreoffice.convert(workbook, suffix=".xlsx", target=CSV).decode("utf-8")
    return {(row[0], row[1]): row for row in csv.reader(io.StringIO(text)) if len(row) > 2 and row[1]}


def pdf_text(program: str, pdf: bytes) -> str:
    done = subprocess.run([program, "-layout", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)  # noqa: S603
    return done.stdout.decode("utf-8")


def numbers(row: list[str], count: int) -> list[int]:
    return [int(x.replace(",", "")) for x in row[2 : 2 + count]]


def test_libreoffice_recalculates_the_2021_provinces_form_06_to_the_compiled_numbers(soffice):  # noqa: F811
    form = f06.HOA_2021
    printed = recalculated(render_form06_xlsx(form))
    assert numbers(printed["", "Tổng cộng"], 11) == [form.total[c] for c in FORM06_COLUMNS]
    for group in form.groups:
        assert numbers(printed["", f"Cộng {group.heading}"], 11) == [group.subtotal[c] for c in FORM06_COLUMNS]
    for number, sub in enumerate(f06.UNDER_DISTRICTS.subgroups, start=1):  # a district's row over its communes
        assert numbers(printed[str(number), sub.parent_name], 11) == [sub.subtotal[c] for c in FORM06_COLUMNS]


def test_libreoffice_recalculates_form_07b_to_the_compiled_numbers(soffice):  # noqa: F811
    printed = recalculated(render_form07b_xlsx(f07b.HOA))
    assert numbers(printed["", "Tổng cộng"], 12) == [f07b.TOTAL[c] for c in FORM07B_COLUMNS]
    assert printed["3", "Ủy ban nhân dân huyện Mai Châu"][10:14] == ["", "", "", ""]  # empty, not 0


def test_form_06_as_pdf_keeps_the_vietnamese_texts_and_prints_the_computed_totals(pdftotext):
    text = pdf_text(pdftotext, libreoffice.to_pdf(render_form06_xlsx(f06.HOA_2021)))
    for words in (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC",
        "Biểu số 06/VPCP/KSTT",
        "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020",
        "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình",
        "Kỳ báo cáo: Quý III/2021",
        "Ủy ban nhân dân xã Ân Nghĩa",
        "Xã, phường, thị trấn",
        "NGƯỜI LẬP BIỂU",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ):
        assert words in text, words
    [total_line] = [line for line in text.splitlines() if "Tổng cộng" in line]
    assert [int(x) for x in total_line.split("Tổng cộng")[1].split()] == [f06.GRAND_TOTAL[c] for c in FORM06_COLUMNS]


def test_form_07b_as_pdf_keeps_the_vietnamese_title(pdftotext):
    text = pdf_text(pdftotext, libreoffice.to_pdf(render_form07b_xlsx(f07b.HOA)))
    assert "TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH" in text
    assert "Tại BPMC" in text and "Cấp huyện" in text and "Ủy ban nhân dân huyện Lạc Sơn" in text
    [total_line] = [line for line in text.splitlines() if "Tổng cộng" in line]
    assert [int(x) for x in total_line.split("Tổng cộng")[1].split()] == [f07b.TOTAL[c] for c in FORM07B_COLUMNS]


# --- When LibreOffice cannot help ------------------------------------------------------------------------


def test_a_missing_libreoffice_is_named_plainly(monkeypatch):
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    with pytest.raises(libreoffice.LibreOfficeMissing, match="apt-get install libreoffice-calc"):
        libreoffice.to_pdf(b"not read")


def fake_soffice(tmp_path, monkeypatch, script: str) -> None:
    program = tmp_path / "soffice"
    program.write_text(f"#!/bin/sh\n{script}\n")
    program.chmod(0o755)
    monkeypatch.setattr(libreoffice, "soffice", lambda: str(program))


def test_a_conversion_that_fails_says_what_libreoffice_said(tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, "echo 'Error: source file could not be loaded' >&2; exit 1")
    with pytest.raises(libreoffice.ConversionError, match=r"exit 1\): Error: source file could not be loaded"):
        libreoffice.to_pdf(b"broken")


def test_a_conversion_that_writes_nothing_is_an_error_too(tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, "exit 0")
    with pytest.raises(libreoffice.ConversionError, match="could not convert the document to pdf"):
        libreoffice.to_pdf(b"ignored")


def test_a_conversion_past_its_timeout_is_stopped(tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, f"sleep 30 & echo $! > {tmp_path}/child; wait")
    with pytest.raises(libreoffice.ConversionError, match="within 1 s"):
        libreoffice.to_pdf(b"slow", timeout=1)
    child = int((tmp_path / "child").read_text())
    assert not alive(child)  # the process it started went with it


def alive(pid: int) -> bool:
    """Whether the process runs (a killed one nobody has reaped yet is a zombie: "Z" in /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def test_the_converted_file_is_what_libreoffice_wrote(tmp_path, monkeypatch):
    # The fake copies the document to <outdir>/document.pdf: the bytes come back unchanged.
    fake_soffice(tmp_path, monkeypatch, 'mkdir -p "$7" && cp "$8" "$7/document.pdf"')  # --outdir OUT SOURCE
    assert libreoffice.to_pdf(b"%PDF-1.7 ...") == b"%PDF-1.7 ..."


# --- A Word document (the narrative, the urging letter) -----------------------------------------------------

DOCUMENT_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</w:t></w:r></w:p>
<w:p><w:r><w:t>Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p>
<w:p><w:r><w:t>BÁO CÁO kết quả công tác kiểm soát thủ tục hành chính quý III năm 2021</w:t></w:r></w:p>
</w:body></w:document>"""


def minimal_docx() -> bytes:
    """The smallest Word document LibreOffice opens: three paragraphs of Vietnamese."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
            '+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": DOCUMENT_XML,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture
def writer(pdftotext):
    """LibreOffice Writer (the docx filter): ``libreoffice-writer``, which .ci/run installs beside Calc."""
    program = Path(os.path.realpath(libreoffice.soffice() or "/nonexistent")).parent
    if not ((program / "libswlo.so").exists() or (program / "swriter").exists()):
        if os.environ.get("KSTT_REQUIRE_LIBREOFFICE"):
            pytest.fail(
                "LibreOffice Writer is missing and KSTT_REQUIRE_LIBREOFFICE is set: apt-get install libreoffice-writer"
            )
        pytest.skip("LibreOffice Writer is not installed")
    return pdftotext


def test_a_word_document_prints_to_pdf_with_its_diacritics(writer):
    text = " ".join(pdf_text(writer, libreoffice.to_pdf(minimal_docx(), suffix=".docx")).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "kiểm soát thủ tục hành chính quý III năm 2021" in text
