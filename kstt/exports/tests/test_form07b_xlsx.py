"""Form II.07b as a workbook (forms.md "Layout fidelity"), reopened with openpyxl: cells, merges, fonts.

Hoa at the provincial office of Hòa Bình exports form 07b for Q3/2021: the Department of Justice, the
districts Lạc Sơn and Mai Châu. No database: the form is built by hand over the real definition file,
and the renderer never queries. Mai Châu has not given its workflows yet: those cells stay empty.
"""

import io
import tomllib
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kstt.catalogue.rules.form07b import FORM07B_COLUMNS, CompiledForm07b, Form07bRow, column_sums
from kstt.catalogue.rules.forms import parse_form_spec
from kstt.exports.form06_import import FormImportError, read_form06_workbook
from kstt.exports.form07b_xlsx import render_form07b_xlsx
from kstt.exports.tests.test_form06_xlsx import merged_range

FORMS = Path(__file__).resolve().parents[2] / "catalogue" / "definitions" / "forms"
with (FORMS / "II-07b-VPCP-KSTT.v1.toml").open("rb") as file:
    FORM_07B = parse_form_spec(tomllib.load(file))

DATA_LETTERS = "CDEFGHIJKLMN"  # printed columns 3 … 14
HEADER_ROWS, NUMBERS_ROW = (8, 9), 10


def figures(*values):
    return dict(zip(FORM07B_COLUMNS, values, strict=True))


TU_PHAP = figures(142, 142, 0, 0, 140, 140, 0, 0, 140, 140, 0, 0)
LAC_SON = figures(120, 0, 96, 24, 118, 0, 94, 24, 118, 0, 94, 24)
MAI_CHAU = figures(119, 0, 95, 24, 117, 0, 93, 24, None, None, None, None)
ROWS = (
    Form07bRow("S01", "Sở Tư pháp", TU_PHAP),
    Form07bRow("D157", "Ủy ban nhân dân huyện Lạc Sơn", LAC_SON),
    Form07bRow("D156", "Ủy ban nhân dân huyện Mai Châu", MAI_CHAU),
)
HOA = CompiledForm07b(
    spec=FORM_07B, unit_code="P17", unit_name="Ủy ban nhân dân tỉnh Hòa Bình", recipient_name="Văn phòng Chính phủ",
    period="2021Q3", period_label="Quý III/2021", window=(date(2021, 6, 15), date(2021, 9, 14)),
    rows=ROWS, total=column_sums(row.counts for row in ROWS),
)  # fmt: skip
TOTAL = figures(381, 142, 191, 48, 375, 140, 187, 48, 258, 140, 94, 24)


def workbook(form=HOA):
    return openpyxl.load_workbook(io.BytesIO(render_form07b_xlsx(form)))


def sheet(form=HOA):
    return workbook(form)["Biểu 07b"]


def row_values(ws, row):
    return {key: ws[f"{letter}{row}"].value for key, letter in zip(FORM07B_COLUMNS, DATA_LETTERS, strict=True)}


@pytest.mark.parametrize(
    ("coordinate", "text"),
    [
        pytest.param("A1", "Biểu số II.07b/VPCP/KSTT", id="form-label-top-left"),
        pytest.param("A2", "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020", id="issued-under-it"),
        pytest.param("I1", "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình", id="reporting-unit-top-right"),
        pytest.param("I2", "Đơn vị nhận báo cáo: Văn phòng Chính phủ", id="receiving-unit-under-it"),
        pytest.param("A4", "TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH", id="title"),
        pytest.param("A5", "Kỳ báo cáo: Quý III/2021", id="period"),
        pytest.param("A6", "(Từ ngày 15/06/2021 đến ngày 14/09/2021)", id="cut-off-window"),
        pytest.param("A7", None, id="no-unit-of-measure"),
        pytest.param("A8", "STT", id="stt-heading"),
        pytest.param("B8", "Đơn vị", id="label-heading"),
        pytest.param("C8", "Tổng số TTHC thuộc thẩm quyền giải quyết của địa phương", id="group-tthc"),
        pytest.param("G8", "TTHC được thực hiện theo CCMC, MCLT", id="group-onestop"),
        pytest.param("K8", "Quy trình nội bộ giải quyết TTHC theo CCMC, MCLT được ban hành", id="group-workflow"),
        pytest.param("C9", "Tổng số TTHC", id="tthc-total"),
        pytest.param("F9", "Cấp xã", id="tthc-commune"),
        pytest.param("H9", "Tại BPMC cấp tỉnh", id="onestop-province"),
        pytest.param("K9", "Tổng số quy trình", id="workflow-total"),
        pytest.param("N9", "Cấp xã", id="workflow-commune"),
    ],
)
def test_hoas_header_prints_each_text_where_the_form_has_it(coordinate, text):
    assert sheet()[coordinate].value == text


@pytest.mark.parametrize(
    "cell_range",
    ["A4:N4", "A5:N5", "A8:A9", "B8:B9", "C8:F8", "G8:J8", "K8:N8"],
)
def test_title_and_groups_are_merged_over_their_columns(cell_range):
    ws = sheet()
    assert cell_range in {str(r) for r in ws.merged_cells.ranges}


def test_title_centred_bold_and_every_text_in_times_new_roman():
    ws = sheet()
    assert (ws["A4"].font.b, ws["A4"].alignment.horizontal) == (True, "center")
    texts = [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert len(texts) > 25
    assert {cell.font.name for cell in texts} == {"Times New Roman"}


def test_column_number_row_reads_1_to_14():
    assert [cell.value for cell in sheet()[NUMBERS_ROW]] == list(range(1, 15))


@pytest.mark.parametrize(
    ("row", "stt", "label", "values"),
    [
        pytest.param(11, 1, "Sở Tư pháp", TU_PHAP, id="1-tu-phap"),
        pytest.param(12, 2, "Ủy ban nhân dân huyện Lạc Sơn", LAC_SON, id="2-lac-son"),
        pytest.param(13, 3, "Ủy ban nhân dân huyện Mai Châu", MAI_CHAU, id="3-mai-chau-workflows-empty"),
    ],
)
def test_each_unit_row_holds_its_counts_as_numbers_an_empty_cell_empty(row, stt, label, values):
    ws = sheet()
    assert (ws[f"A{row}"].value, ws[f"B{row}"].value) == (stt, label)
    assert row_values(ws, row) == values
    assert {type(v) for v in row_values(ws, row).values()} <= {int, type(None)}


def test_total_row_is_a_sum_formula_over_the_unit_rows():
    ws = sheet()
    assert ws["B14"].value == "Tổng cộng" and ws["B14"].font.b
    assert row_values(ws, 14) == {
        key: f"=SUM({c}11:{c}13)" for key, c in zip(FORM07B_COLUMNS, DATA_LETTERS, strict=True)
    }
    assert all(ws[f"{c}14"].data_type == "f" for c in DATA_LETTERS)
    computed = {
        key: sum(ws[f"{c}{r}"].value or 0 for r in (11, 12, 13))
        for key, c in zip(FORM07B_COLUMNS, DATA_LETTERS, strict=True)
    }
    assert computed == HOA.total == TOTAL


def test_every_table_cell_has_its_thin_edges():
    ws = sheet()
    for row in ws.iter_rows(min_row=HEADER_ROWS[0], max_row=14, max_col=14):
        for cell in row:
            block = merged_range(ws, cell)
            if block is None or cell.coordinate == block.start_cell.coordinate:
                assert cell.border.left.style == "thin" and cell.border.top.style == "thin", cell.coordinate


def test_signature_block_under_the_table():
    ws = sheet()
    assert (ws["A16"].value, ws["A17"].value) == ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
    assert (ws["J16"].value, ws["J17"].value) == ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)")
    assert {"A16:B16", "J16:N16"} <= {str(r) for r in ws.merged_cells.ranges}


def test_kstt_sheet_says_where_the_data_is():
    book = workbook()
    where = dict(book["_kstt"].iter_rows(min_row=2, values_only=True))
    assert book.sheetnames == ["Biểu 07b", "_kstt"] and book["_kstt"].sheet_state == "hidden"
    assert (where["form_code"], where["unit_code"], where["period"]) == ("II.07b/VPCP/KSTT", "P17", "2021Q3")
    assert (where["row:S01"], where["row:D156"], where["total_row"]) == (11, 13, 14)
    assert where["column:workflow_commune"] == "N"


def test_a_form_without_units_prints_a_total_of_zeros_not_a_formula():
    empty = CompiledForm07b(**{**HOA.__dict__, "rows": (), "total": column_sums([])})
    ws = sheet(empty)
    assert ws["B11"].value == "Tổng cộng"
    assert row_values(ws, 11) == dict.fromkeys(FORM07B_COLUMNS, 0)


def test_a_filled_in_copy_reads_back_through_the_importer():
    """forms.md: an exported workbook, filled in and uploaded again, imports cleanly. Hoa types Mai Châu's
    workflows into the empty cells; the importer, given form 07b's definition, reads every unit's row."""
    book = workbook()
    ws = book["Biểu 07b"]
    for letter, value in zip("KLMN", (117, 0, 93, 24), strict=True):
        ws[f"{letter}13"] = value
    saved = io.BytesIO()
    book.save(saved)
    read = read_form06_workbook(
        saved.getvalue(), spec=FORM_07B, unit_code="P17", period_code="2021Q3", row_keys=["S01", "D157", "D156"]
    )
    workflows = {"workflow_total": 117, "workflow_province": 0, "workflow_district": 93, "workflow_commune": 24}
    assert read.values == {"S01": TU_PHAP, "D157": LAC_SON, "D156": MAI_CHAU | workflows}
    assert read.cells[("D156", "workflow_commune")] == "N13"
    assert read.findings == []  # every row keeps R2-R6


def test_the_importer_refuses_the_workbook_of_another_unit():
    with pytest.raises(FormImportError, match="không phải của đơn vị P99"):
        read_form06_workbook(render_form07b_xlsx(HOA), spec=FORM_07B, unit_code="P99", period_code="2021Q3",
                             row_keys=["S01", "D157", "D156"])  # fmt: skip
