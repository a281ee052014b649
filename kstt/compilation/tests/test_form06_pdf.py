"""Hoa at the provincial office downloads the province's form 06 as PDF beside the workbook, as LibreOffice
prints the workbook: Vietnamese texts intact, totals recalculated. Without LibreOffice the page says so."""

import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import compile_form06
from kstt.compilation.tests.test_form06_pages import dossiers  # noqa: F401 (a fixture)
from kstt.exports import libreoffice
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import pdftotext  # noqa: F401 (a fixture)
from kstt.units.models import Unit


def pdf_url(code: str) -> str:
    return reverse("compilation:form06_pdf", args=[code]) + "?period=2021Q3"


def text_of(program: str, pdf: bytes) -> str:
    return subprocess.run([program, "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def test_the_form_page_offers_the_pdf_beside_the_workbook(client, hoa, dossiers):  # noqa: F811
    client.force_login(hoa)
    html = client.get(reverse("compilation:form06", args=["P17"]) + "?period=2021Q3").content.decode()
    assert f'href="{pdf_url("P17")}"' in html and "Tải bản PDF" in html


def test_hoa_downloads_the_provinces_form_as_pdf(client, hoa, dossiers, pdftotext):  # noqa: F811
    client.force_login(hoa)
    page = client.get(pdf_url("P17"))
    assert page.status_code == 200
    assert page["Content-Type"] == "application/pdf"
    assert page["Content-Disposition"] == 'attachment; filename="bieu-06-P17-2021Q3.pdf"'
    text = text_of(pdftotext, page.content)
    assert "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC" in text
    assert "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình" in text and "Kỳ báo cáo: Quý III/2021" in text
    compiled = compile_form06(
        unit=Unit.objects.get(code="P17"), period=Period.parse("2021Q3"), report_type=catalogue.report_type()
    )
    [total] = [line for line in text.splitlines() if "Tổng cộng" in line]
    assert [int(x.replace(",", "")) for x in total.split("Tổng cộng")[1].split()] == [
        compiled.total[c] for c in FORM06_COLUMNS
    ]


def test_another_units_reporter_gets_no_pdf(client, lan, dossiers):  # noqa: F811
    client.force_login(lan)
    assert client.get(pdf_url("P17")).status_code == 404


def test_without_libreoffice_the_page_says_so_and_offers_the_workbook(client, hoa, dossiers, monkeypatch):  # noqa: F811
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    client.force_login(hoa)
    page = client.get(pdf_url("P17"))
    assert page.status_code == 503
    html = page.content.decode()
    assert "Máy chủ không in được biểu ra PDF" in html
    assert reverse("compilation:form06_xlsx", args=["P17"]) + "?period=2021Q3" in html


def test_kstt_form06_writes_the_pdf(tmp_path, dossiers, pdftotext):  # noqa: F811
    output = tmp_path / "bieu06.pdf"
    call_command("form06", "--unit", "P17", "--period", "2021Q3", "--format", "pdf", "--output", str(output))
    assert "Ủy ban nhân dân huyện Lạc Sơn" in text_of(pdftotext, output.read_bytes())


def test_kstt_form06_says_when_libreoffice_is_missing(tmp_path, dossiers, monkeypatch):  # noqa: F811
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    with pytest.raises(CommandError, match="LibreOffice is not installed"):
        call_command(
            "form06", "--unit", "P17", "--period", "2021Q3", "--format", "pdf", "--output", str(tmp_path / "x.pdf")
        )
