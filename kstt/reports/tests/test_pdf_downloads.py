"""Vân, the province's reporter, downloads her form 07b as the official workbook and as PDF from the
report page: the units below the province as rows, her figures, the total as formulas, Vietnamese intact.
Lan, a commune's reporter, downloads her form 06 as PDF beside its workbook."""

import io
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from kstt.exports import libreoffice
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import pdftotext  # noqa: F401 (a fixture)
from kstt.reports.tests.test_province_report import (  # noqa: F401 (fixtures)
    FORM,
    ROW,
    URL,
    _setup,
    cells,
    post,
    van,
    van_client,
)

LAC_SON = ROW | {"workflow_commune": "mười"}  # a cell typed as words: the workbook leaves it empty


def url(kind: str) -> str:
    return reverse("reports_excel:form07b", args=["P17", "2021Q3", kind])


@pytest.fixture
def filled(van_client):  # noqa: F811
    van_client.get(URL)  # opens the report
    post(van_client, URL, cells("P17-STP", ROW) | cells("D157", LAC_SON) | cells("D156", ROW))
    return van_client


def test_the_report_page_offers_form_07b_as_excel_and_pdf(filled):
    html = filled.get(URL).content.decode()
    assert f'href="{url("xlsx")}"' in html and f'href="{url("pdf")}"' in html
    assert "Tải biểu 07b (Excel)" in html and "Tải biểu 07b (PDF)" in html


def test_the_workbook_holds_her_units_and_figures_with_the_total_as_formulas(filled):
    answer = filled.get(url("xlsx"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="bieu-07b-P17-2021Q3.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    ws = book["Biểu 07b"]
    where = dict(book["_kstt"].iter_rows(min_row=2, values_only=True))
    assert (ws["A4"].value, ws["A5"].value) == ("TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH", "Kỳ báo cáo: Quý III/2021")
    assert ws["I2"].value == "Đơn vị nhận báo cáo: Văn phòng Chính phủ"
    assert ws["I1"].value == "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình"
    rows = {code: where[f"row:{code}"] for code in ("P17-STP", "D157", "D156")}
    assert ws[f"B{rows['D157']}"].value == "Ủy ban nhân dân huyện Lạc Sơn"
    assert ws[f"C{rows['P17-STP']}"].value == ROW["tthc_total"]
    assert ws[f"N{rows['D157']}"].value is None  # "mười" is not a figure
    assert ws[f"N{rows['D156']}"].value == ROW["workflow_commune"]
    total = where["total_row"]
    assert ws[f"C{total}"].value == f"=SUM(C{min(rows.values())}:C{max(rows.values())})"


def test_the_pdf_prints_the_vietnamese_title_and_the_recalculated_total(filled, pdftotext):  # noqa: F811
    answer = filled.get(url("pdf"))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    text = subprocess.run([pdftotext, "-layout", "-", "-"], input=answer.content, capture_output=True, check=True)  # noqa: S603
    printed = text.stdout.decode()
    assert "TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH" in printed and "Ủy ban nhân dân tỉnh Hòa Bình" in printed
    [total] = [line for line in printed.splitlines() if "Tổng cộng" in line]
    assert total.split("Tổng cộng")[1].split()[:2] == ["30", "18"]  # three rows of 10 and of 6


def test_without_libreoffice_the_pdf_answers_503_with_the_reason(filled, monkeypatch):
    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    answer = filled.get(url("pdf"))
    assert answer.status_code == 503
    assert "Máy chủ không in được biểu ra PDF" in answer.content.decode()


@pytest.mark.parametrize("kind", ["docx", "xlsx.pdf"])
def test_another_kind_is_not_found(filled, kind):
    assert filled.get(url(kind)).status_code == 404


def test_a_district_reviewer_gets_no_07b_of_the_province(client, minh, filled):
    client.force_login(minh)
    assert client.get(url("xlsx")).status_code == 404


def test_a_commune_has_no_form_07b(client, lan, filled):
    client.force_login(lan)
    assert client.get(reverse("reports_excel:form07b", args=["W05341", "2021Q3", "xlsx"])).status_code == 404


# --- Lan's own form 06 as PDF, beside its workbook --------------------------------------------------------


def test_lan_downloads_her_form_06_as_pdf_with_the_figures_of_her_draft(client, lan, pdftotext):  # noqa: F811
    from kstt.reports.tests.test_excel_round_trip import DOSSIERS, push_dossiers
    from kstt.tests.cast import AT

    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    client.force_login(lan)
    page = client.get("/reports/W05341/2021Q3/").content.decode()
    pdf_url = reverse("reports_excel:download_pdf", args=["W05341", "2021Q3"])
    assert f'href="{pdf_url}"' in page and "Tải biểu 06 (PDF)" in page
    answer = client.get(pdf_url)
    assert (
        answer.status_code == 200
        and answer["Content-Disposition"] == 'attachment; filename="bieu-06-W05341-2021Q3.pdf"'
    )
    printed = subprocess.run([pdftotext, "-layout", "-", "-"], input=answer.content, capture_output=True, check=True)  # noqa: S603
    text = printed.stdout.decode()
    assert "Đơn vị báo cáo: Ủy ban nhân dân xã Yên Nghiệp" in text and "Hộ tịch" in text
    [ho_tich] = [line for line in text.splitlines() if "Hộ tịch" in line]
    assert ho_tich.split("Hộ tịch")[1].split()[0] == "3"  # received, from her dossiers (as in the workbook)


def test_someone_else_gets_no_pdf_of_lans_form(client, minh, lan, kstt_report):
    client.force_login(minh)
    assert client.get(reverse("reports_excel:download_pdf", args=["W05341", "2021Q3"])).status_code == 404
