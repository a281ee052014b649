"""Hoa, the province's reviewer, downloads form 06 compiled from the units' reports for Q3/2021 as the official
workbook and as PDF (issue 15, point 4): the printed layout, each unit's line with the version it comes
from, Mai Châu and its commune shown as "Chưa báo cáo" and summed by no total, the totals as formulas that
LibreOffice recalculates to the compiled numbers, the Vietnamese texts intact in the PDF.

The story is ``sent`` of test_compiled_from_reports: the department (3) and Lạc Sơn (2) reported, Lạc Sơn
accepted Ân Nghĩa (4) and Yên Nghiệp's second version (7) waits; Mai Châu and its commune sent nothing.
"""

from __future__ import annotations

import io
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl.cell.cell import MergedCell

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.form06 import FORM06_COLUMNS, zero
from kstt.catalogue.rules.periods import Period
from kstt.exports import libreoffice
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import numbers, pdf_text, pdftotext, recalculated  # noqa: F401 (a fixture)
from kstt.reports import services
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.compiled_xlsx import render_from_reports_xlsx
from kstt.reports.tests import test_compiled_from_reports as story
from kstt.reports.tests.test_compiled_from_reports import row
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT

sent, _media = story.sent, story._media  # the story's fixtures

DATA = "CDEFGHIJKLM"  # printed columns 3-13
LAC_SON = "Ủy ban nhân dân huyện Lạc Sơn"
MAI_CHAU = "Ủy ban nhân dân huyện Mai Châu"


def compiled(sent, kstt_report, code="P17"):
    return compile_from_reports(unit=sent[code], period=Period(2021, "Q3"), report_type=kstt_report)


def open_book(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book["Biểu 06"], dict(book["_kstt"].iter_rows(min_row=2, values_only=True))


def figures(ws, at: int) -> list[object]:
    return [ws[f"{letter}{at}"].value for letter in DATA]


def counts(values: dict[str, int]) -> list[int]:
    return [values[c] for c in FORM06_COLUMNS]


@pytest.fixture
def p17_form(sent, kstt_report):
    return compiled(sent, kstt_report)


@pytest.fixture
def sheet(p17_form):
    return open_book(render_from_reports_xlsx(p17_form))


def test_the_workbook_prints_the_forms_header_with_a_note_column(sheet):
    ws, where = sheet
    assert ws["A1"].value == "Biểu số 06/VPCP/KSTT"
    assert ws["A2"].value == "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
    assert ws["A4"].value == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT TTHC"
    assert (ws["A5"].value, ws["A6"].value) == ("Kỳ báo cáo: Quý III/2021", "(Từ ngày 15/06/2021 đến ngày 14/09/2021)")
    assert ws["I1"].value == "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình"
    assert ws["I2"].value == "Đơn vị nhận báo cáo: Văn phòng Chính phủ"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:N4", "C8:F8", "G8:J8", "K8:M8", "D9:F9", "A8:A10", "B8:B10", "N8:N10"} <= merged
    assert ws["N8"].value == "Ghi chú" and where["note_column"] == "N"
    assert [ws.cell(row=11, column=n).value for n in range(1, 15)] == [
        *range(1, 14),
        None,
    ]  # 1 … 13, the note unnumbered
    fonts = {c.font.name for r in ws.iter_rows(min_row=1, max_row=where["total_row"]) for c in r if c.value is not None}
    assert fonts == {"Times New Roman"}
    assert ws["A4"].font.bold and ws["A4"].alignment.horizontal == "center"


def test_each_line_says_which_version_stands(sheet):
    ws, where = sheet
    yen_nghiep, an_nghia, lac_son = where["row:W05341"], where["row:W05344"], where["row:D157"]
    assert (ws[f"A{yen_nghiep}"].value, ws[f"B{yen_nghiep}"].value) == ("2.1", "Ủy ban nhân dân xã Yên Nghiệp")
    assert figures(ws, yen_nghiep) == counts(row(7))
    assert ws[f"N{yen_nghiep}"].value == "Phiên bản 2 gửi gần nhất, chưa tiếp nhận"
    assert ws[f"N{an_nghia}"].value == "Phiên bản 1, đã tiếp nhận" and figures(ws, an_nghia) == counts(row(4))
    assert (ws[f"B{lac_son}"].value, figures(ws, lac_son)) == (LAC_SON, counts(row(2)))
    assert ws[f"N{where['row:P17-STP']}"].value == "Phiên bản 1 gửi gần nhất, chưa tiếp nhận"


def test_a_unit_that_has_not_reported_says_so_across_the_figures_never_a_zero(sheet):
    ws, where = sheet
    merged = {str(r) for r in ws.merged_cells.ranges}
    for code in ("D156", "W05200"):
        at = where[f"row:{code}"]
        assert ws[f"C{at}"].value == "Chưa báo cáo" and f"C{at}:M{at}" in merged
        assert all(isinstance(ws[f"{letter}{at}"], MergedCell) for letter in DATA[1:])
    mai_chau = where["subgroup:D156/commune"]  # the district none of whose communes reported
    assert (ws[f"B{mai_chau}"].value, ws[f"C{mai_chau}"].value) == (MAI_CHAU, "Chưa báo cáo")
    assert ws[f"N{mai_chau}"].value == "Đã báo cáo 0/1 đơn vị"


def test_the_totals_are_formulas_over_the_lines_that_reported_only(sheet):
    ws, where = sheet
    assert ws[f"C{where['subtotal:district']}"].value == f"=SUM(C{where['row:D157']}:C{where['row:D157']})"
    lac_son = where["subgroup:D157/commune"]
    assert ws[f"M{lac_son}"].value == f"=SUM(M{where['row:W05341']}:M{where['row:W05344']})"
    assert ws[f"C{where['subtotal:commune']}"].value == f"=SUM(C{lac_son}:C{lac_son})"  # not Mai Châu's row
    subtotals = [where[f"subtotal:{level}"] for level in ("department", "district", "commune")]
    total = where["total_row"]
    assert ws[f"B{total}"].value == "Tổng cộng" and ws[f"B{total}"].font.bold
    assert ws[f"C{total}"].value == f"=SUM({','.join(f'C{r}' for r in subtotals)})"
    assert ws[f"N{total}"].value == "Đã báo cáo 4/6 đơn vị"
    assert ws[f"B{where['subtotal:district']}"].value == "Cộng Huyện, thị xã, thành phố"
    assert ws[f"N{where['subtotal:district']}"].value == "Đã báo cáo 1/2 đơn vị"


def test_the_signature_block_stands_under_the_table(sheet):
    ws, where = sheet
    below = where["total_row"] + 2
    assert (ws[f"A{below}"].value, ws[f"A{below + 1}"].value) == ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
    signer = next(c for c in ws[below] if c.value == "THỦ TRƯỞNG ĐƠN VỊ")
    assert signer.font.bold


def test_a_level_where_nobody_reported_says_so_and_the_total_is_zeros(sent, kstt_report):
    """Mai Châu compiles its own row and its commune's: neither reported."""
    ws, where = open_book(render_from_reports_xlsx(compiled(sent, kstt_report, "D156")))
    for level in ("district", "commune"):
        assert ws[f"C{where[f'subtotal:{level}']}"].value == "Chưa báo cáo"
    total = where["total_row"]
    assert figures(ws, total) == counts(zero()) and ws[f"N{total}"].value == "Đã báo cáo 0/2 đơn vị"


def test_the_workbook_is_not_read_back_as_a_units_own_form(sheet):
    _ws, where = sheet
    assert where["compiled"] == "reports" and where["unit_code"] == "P17" and where["period"] == "2021Q3"


# --- LibreOffice: recalculated and printed ------------------------------------------------------------------


def test_libreoffice_recalculates_every_total_to_the_compiled_numbers(soffice, p17_form):  # noqa: F811
    printed = recalculated(render_from_reports_xlsx(p17_form))
    c = p17_form.compilation
    assert numbers(printed["", "Tổng cộng"], 11) == counts(c.total) == counts(row(16))
    for block in c.blocks:
        assert numbers(printed["", f"Cộng {block.label}"], 11) == counts(block.subtotal)
    assert numbers(printed["2", LAC_SON], 11) == counts(row(7 + 4))  # Lạc Sơn over its communes
    assert printed["1.1", "Ủy ban nhân dân thị trấn Mai Châu"][2] == "Chưa báo cáo"


def test_the_pdf_keeps_the_vietnamese_texts_and_prints_the_compiled_total(pdftotext, p17_form):  # noqa: F811
    text = pdf_text(pdftotext, libreoffice.to_pdf(render_from_reports_xlsx(p17_form)))
    for words in (
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC",
        "Biểu số 06/VPCP/KSTT",
        "Kỳ báo cáo: Quý III/2021",
        "Ủy ban nhân dân thị trấn Mai Châu",
        "Chưa báo cáo",
        "Ghi chú",
        "NGƯỜI LẬP BIỂU",
    ):
        assert words in text, words
    [total_line] = [line for line in text.splitlines() if "Tổng cộng" in line]
    assert [int(x) for x in total_line.split("Tổng cộng")[1].split()[:11]] == counts(row(16))


# --- The command and the page -------------------------------------------------------------------------------


def test_the_command_writes_the_workbook_and_the_pdf(sent, tmp_path, soffice):  # noqa: F811
    call_command("form06_reports", unit="P17", period="2021Q3", format="xlsx", output=tmp_path / "06.xlsx")
    ws, where = open_book((tmp_path / "06.xlsx").read_bytes())
    assert ws[f"C{where['row:D156']}"].value == "Chưa báo cáo"
    call_command("form06_reports", unit="P17", period="2021Q3", format="pdf", output=tmp_path / "06.pdf")
    assert (tmp_path / "06.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_needs_an_output_file_for_a_workbook_and_keeps_its_json(sent):
    with pytest.raises(CommandError, match="--format xlsx needs --output FILE"):
        call_command("form06_reports", unit="P17", period="2021Q3", format="xlsx")
    out = StringIO()
    call_command("form06_reports", unit="P17", period="2021Q3", format="json", stdout=out)
    assert '"source": "reports"' in out.getvalue()


def test_the_page_offers_the_workbook_and_the_pdf(client, sent, hoa):
    client.force_login(hoa)
    html = client.get(reverse("compiled:form06_reports", args=["P17"]) + "?period=2021Q3").content.decode()
    for name in ("form06_reports_xlsx", "form06_reports_pdf"):
        assert f'href="{reverse(f"compiled:{name}", args=["P17"])}?period=2021Q3"' in html


def test_the_workbook_downloads_for_the_provinces_reviewer(client, sent, hoa):
    client.force_login(hoa)
    answer = client.get(reverse("compiled:form06_reports_xlsx", args=["P17"]) + "?period=2021Q3")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="bieu-06-tong-hop-bao-cao-P17-2021Q3.xlsx"'
    ws, where = open_book(answer.content)
    assert figures(ws, where["row:W05341"]) == counts(row(7))


def test_the_pdf_downloads_for_the_districts_reviewer(client, sent, minh, soffice):  # noqa: F811
    client.force_login(minh)
    answer = client.get(reverse("compiled:form06_reports_pdf", args=["D157"]) + "?period=2021Q3")
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    assert answer["Content-Disposition"] == 'attachment; filename="bieu-06-tong-hop-bao-cao-D157-2021Q3.pdf"'


@pytest.mark.parametrize("name", ["form06_reports_xlsx", "form06_reports_pdf"])
@pytest.mark.parametrize(
    ("person", "code"),
    [
        pytest.param("minh", "P17", id="a-districts-reviewer-not-the-province"),
        pytest.param("lan", "D157", id="a-communes-reporter"),
        pytest.param("tuan", "P17", id="a-departments-reporter"),
        pytest.param("minh", "W05341", id="a-commune-compiles-nothing"),
    ],
)
def test_the_downloads_are_for_the_receiving_units_reviewers_only(request, client, sent, person, code, name):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse(f"compiled:{name}", args=[code]) + "?period=2021Q3").status_code == 404


def test_a_bad_period_is_said(client, sent, hoa):
    client.force_login(hoa)
    answer = client.get(reverse("compiled:form06_reports_xlsx", args=["P17"]) + "?period=2021Q9")
    assert answer.status_code == 400


def test_a_commune_carried_by_its_districts_compiled_report_says_so(cast, kstt_report):
    """Lạc Sơn sent its form compiled by unit, with Yên Nghiệp's row and without Ân Nghĩa's: the province's
    workbook takes Yên Nghiệp from it and shows Ân Nghĩa as not reported, its own report not added."""
    story.send(cast["W05341"], kstt_report, "2021Q3", 50)
    story.send(cast["W05344"], kstt_report, "2021Q3", 60)
    reporter = save_user(
        username="r-D157", full_name="Người báo cáo", unit=cast["D157"], roles={Role.REPORTER},
        password="correct horse 2021", at=AT,
    )  # fmt: skip
    report = services.open_instance(
        unit=cast["D157"], report_type=kstt_report, period="2021Q3", at=story.Q3, actor=reporter
    )
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={story.FORM: {"D157": row(1), "W05341": row(2), "total": row(3)}},
        narrative=NARRATIVE, reasons={}, expected_revision=report.draft.revision, at=story.Q3, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
        at=story.Q3, actor=reporter,
    )  # fmt: skip
    services.submit(instance=report, at=story.Q3, actor=reporter)
    ws, where = open_book(render_from_reports_xlsx(compiled(cast, kstt_report)))
    yen_nghiep, an_nghia = where["row:W05341"], where["row:W05344"]
    assert figures(ws, yen_nghiep) == counts(row(2))
    assert ws[f"N{yen_nghiep}"].value == f"Theo báo cáo của {LAC_SON}: phiên bản 1 gửi gần nhất, chưa tiếp nhận"
    assert ws[f"C{an_nghia}"].value == "Chưa báo cáo"
    assert ws[f"N{an_nghia}"].value == f"Không có trong báo cáo của {LAC_SON}"
