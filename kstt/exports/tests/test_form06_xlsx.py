"""Form 06 as a workbook (forms.md "Layout fidelity"), reopened with openpyxl: cells, merges, fonts.

Lan, the reporter of commune Yên Nghiệp, exports her form 06 for Q3/2021: two procedure fields, Hộ tịch
(HT) and Chứng thực (CT). Hoa at the provincial office exports the compiled form: the districts Lạc Sơn
and Mai Châu, then the communes Yên Nghiệp, Ân Nghĩa and Mai Châu. No database: the compiled structures
are built by hand over the real definition file, and the renderer never queries.
"""

import dataclasses
import io
import tomllib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from kstt.catalogue.rules.form06 import (
    FORM06_COLUMNS,
    CompiledForm06,
    Form06Group,
    Form06Row,
    Form06Subgroup,
    add,
    zero,
)
from kstt.catalogue.rules.forms import parse_form_spec
from kstt.exports.form06_xlsx import render_form06_xlsx

FORMS = Path(__file__).resolve().parents[2] / "catalogue" / "definitions" / "forms"
with (FORMS / "06-VPCP-KSTT.v1.toml").open("rb") as file:
    FORM_06 = parse_form_spec(tomllib.load(file))

Q3_2021 = (date(2021, 6, 15), date(2021, 9, 14))  # the Q3 cut-off window, 15/06 - 14/09
LABEL_HEADING = "Lĩnh vực, công việc giải quyết theo cấp"
# The printed layout: header rows 8-10, the column-number row 11, the body from row 12.
HEADER_ROWS, NUMBERS_ROW, FIRST_ROW = (8, 9, 10), 11, 12
DATA_LETTERS = "CDEFGHIJKLM"


def figures(*values):
    """The 11 counts in printed order (columns 3-13), each consistent with rules R1-R4."""
    return dict(zip(FORM06_COLUMNS, values, strict=True))


HOTICH = figures(12, 5, 4, 3, 8, 2, 5, 1, 4, 3, 1)
CHUNGTHUC = figures(20, 10, 8, 2, 15, 5, 9, 1, 5, 4, 1)
LAC_SON = figures(30, 20, 6, 4, 25, 10, 14, 1, 5, 5, 0)
MAI_CHAU = figures(18, 9, 7, 2, 16, 6, 10, 0, 2, 1, 1)
YEN_NGHIEP = add([HOTICH, CHUNGTHUC])
AN_NGHIA = figures(7, 2, 4, 1, 6, 1, 5, 0, 1, 1, 0)
TT_MAI_CHAU = figures(11, 6, 4, 1, 9, 3, 6, 0, 2, 2, 0)


def lan_form(*rows, recipient="Ủy ban nhân dân huyện Lạc Sơn"):
    """Lan's form 06 for commune Yên Nghiệp, Q3/2021, with the given field rows."""
    return CompiledForm06(
        spec=FORM_06, unit_code="W05341", unit_name="Ủy ban nhân dân xã Yên Nghiệp", unit_level="commune",
        recipient_name=recipient, period="2021Q3", period_label="Quý III/2021", window=Q3_2021,
        compiled=False, rows=rows, groups=(), total=add(row.counts for row in rows),
    )  # fmt: skip


LAN = lan_form(Form06Row("HT", "Hộ tịch", HOTICH), Form06Row("CT", "Chứng thực", CHUNGTHUC))


def group(level, *rows):
    heading = FORM_06.layout["level_headings"][level]
    return Form06Group(level=level, heading=heading, rows=rows, subtotal=add(row.counts for row in rows))


DISTRICTS = group(
    "district",
    Form06Row("D157", "Ủy ban nhân dân huyện Lạc Sơn", LAC_SON),
    Form06Row("D156", "Ủy ban nhân dân huyện Mai Châu", MAI_CHAU),
)
COMMUNES = group(
    "commune",
    Form06Row("W05341", "Ủy ban nhân dân xã Yên Nghiệp", YEN_NGHIEP),
    Form06Row("W05344", "Ủy ban nhân dân xã Ân Nghĩa", AN_NGHIA),
    Form06Row("W05200", "Ủy ban nhân dân thị trấn Mai Châu", TT_MAI_CHAU),
)
HOA = CompiledForm06(
    spec=FORM_06, unit_code="P17", unit_name="Ủy ban nhân dân tỉnh Hòa Bình", unit_level="province",
    recipient_name="Văn phòng Chính phủ", period="2021Q3", period_label="Quý III/2021", window=Q3_2021,
    compiled=True, rows=(), groups=(DISTRICTS, COMMUNES), total=add([DISTRICTS.subtotal, COMMUNES.subtotal]),
)  # fmt: skip


def workbook(compiled):
    return openpyxl.load_workbook(io.BytesIO(render_form06_xlsx(compiled)))


def sheet(compiled):
    return workbook(compiled)["Biểu 06"]


def meta(book):
    return dict(book["_kstt"].iter_rows(min_row=2, values_only=True))


def counts(ws, row):
    return {key: ws[f"{letter}{row}"].value for key, letter in zip(FORM06_COLUMNS, DATA_LETTERS, strict=True)}


def formulas(ws, row):
    return {key: ws[f"{letter}{row}"].value for key, letter in zip(FORM06_COLUMNS, DATA_LETTERS, strict=True)}


def summed(ws, row):
    """A total row as a spreadsheet computes it: each cell's ``=SUM(…)`` over the cells and ranges it names,
    a subtotal it names computed in turn (LibreOffice recomputes the same numbers: test_libreoffice.py)."""

    def value(cell):
        formula = cell.value
        if not (isinstance(formula, str) and formula.startswith("=")):
            return formula or 0
        assert formula.startswith("=SUM(") and formula.endswith(")"), formula
        cells = []
        for part in formula.removeprefix("=SUM(").removesuffix(")").split(","):
            cells += [cell for line in ws[part] for cell in line] if ":" in part else [ws[part]]
        return sum(value(cell) for cell in cells)

    found = {key: value(ws[f"{letter}{row}"]) for key, letter in zip(FORM06_COLUMNS, DATA_LETTERS, strict=True)}
    assert all(ws[f"{letter}{row}"].data_type == "f" for letter in DATA_LETTERS)
    return found


def merged_range(ws, cell):
    """The merged range holding a cell, or None."""
    return next((r for r in ws.merged_cells.ranges if cell.coordinate in r), None)


# --- One unit's form: the printed header ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coordinate", "text"),
    [
        pytest.param("A1", "Biểu số 06/VPCP/KSTT", id="form-label-top-left"),
        pytest.param("A2", "Ban hành theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020", id="issued-under-it"),
        pytest.param("H1", "Đơn vị báo cáo: Ủy ban nhân dân xã Yên Nghiệp", id="reporting-unit-top-right"),
        pytest.param("H2", "Đơn vị nhận báo cáo: Ủy ban nhân dân huyện Lạc Sơn", id="receiving-unit-under-it"),
        pytest.param("A4", FORM_06.title, id="title"),
        pytest.param("A5", "Kỳ báo cáo: Quý III/2021", id="period"),
        pytest.param("A6", "(Từ ngày 15/06/2021 đến ngày 14/09/2021)", id="cut-off-window"),
        pytest.param("A7", "Đơn vị tính: Số hồ sơ TTHC", id="unit-of-measure"),
        pytest.param("A8", "STT", id="stt-heading"),
        pytest.param("B8", LABEL_HEADING, id="label-heading"),
        pytest.param("C8", "Số hồ sơ nhận giải quyết", id="group-received"),
        pytest.param("G8", "Số hồ sơ đã giải quyết", id="group-settled"),
        pytest.param("K8", "Số lượng hồ sơ đang giải quyết", id="group-pending"),
        pytest.param("C9", "Tổng số", id="received-total"),
        pytest.param("D9", "Trong đó", id="subgroup-of-which"),
        pytest.param("D10", "Trực tuyến", id="received-online"),
        pytest.param("E10", "Trực tiếp, dịch vụ bưu chính", id="received-direct"),
        pytest.param("F10", "Từ kỳ trước", id="carried-over"),
        pytest.param("G9", "Tổng số", id="settled-total"),
        pytest.param("H9", "Trước hạn", id="settled-early"),
        pytest.param("I9", "Đúng hạn", id="settled-on-time"),
        pytest.param("J9", "Quá hạn", id="settled-late"),
        pytest.param("K9", "Tổng số", id="pending-total"),
        pytest.param("L9", "Trong hạn", id="pending-in-time"),
        pytest.param("M9", "Quá hạn", id="pending-overdue"),
    ],
)
def test_lans_header_prints_each_text_where_the_form_has_it(coordinate, text):
    assert sheet(LAN)[coordinate].value == text


@pytest.mark.parametrize(
    ("cell_range", "text"),
    [
        pytest.param("A4:M4", FORM_06.title, id="title-over-the-table"),
        pytest.param("A5:M5", "Kỳ báo cáo: Quý III/2021", id="period-over-the-table"),
        pytest.param("A8:A10", "STT", id="stt-down-the-header"),
        pytest.param("B8:B10", LABEL_HEADING, id="label-down-the-header"),
        pytest.param("C8:F8", "Số hồ sơ nhận giải quyết", id="group-received-over-3-6"),
        pytest.param("G8:J8", "Số hồ sơ đã giải quyết", id="group-settled-over-7-10"),
        pytest.param("K8:M8", "Số lượng hồ sơ đang giải quyết", id="group-pending-over-11-13"),
        pytest.param("D9:F9", "Trong đó", id="subgroup-over-4-6"),
        pytest.param("C9:C10", "Tổng số", id="received-total-down-to-the-headings"),
        pytest.param("M9:M10", "Quá hạn", id="pending-overdue-down-to-the-headings"),
    ],
)
def test_lans_header_merges_groups_and_the_subgroup(cell_range, text):
    ws = sheet(LAN)
    assert cell_range in {str(r) for r in ws.merged_cells.ranges}
    assert ws[cell_range.split(":")[0]].value == text


def test_title_is_bold_and_centred_the_unit_of_measure_right_aligned():
    ws = sheet(LAN)
    assert (ws["A4"].font.b, ws["A4"].alignment.horizontal) == (True, "center")
    assert ws["A6"].alignment.horizontal == "center"
    assert ws["A7"].alignment.horizontal == "right"
    header = ("A8", "B8", "C8", "K8", "C9", "D9", "M9", "D10", "F10")  # the merged blocks' top-left cells
    assert {ws[coordinate].alignment.horizontal for coordinate in header} == {"center"}


def test_receiving_unit_line_keeps_its_label_when_there_is_no_recipient():
    ws = sheet(lan_form(Form06Row("HT", "Hộ tịch", HOTICH), recipient=""))
    assert ws["H2"].value == "Đơn vị nhận báo cáo:"


def test_column_number_row_reads_1_to_13_centred_in_italics():
    row = sheet(LAN)[NUMBERS_ROW]
    assert [cell.value for cell in row] == list(range(1, 14))
    assert all(cell.font.i and cell.alignment.horizontal == "center" for cell in row)


# --- One unit's form: the body ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "stt", "label", "values"),
    [
        pytest.param(12, 1, "Hộ tịch", HOTICH, id="1-ho-tich"),
        pytest.param(13, 2, "Chứng thực", CHUNGTHUC, id="2-chung-thuc"),
    ],
)
def test_each_field_row_holds_its_counts_as_numbers(row, stt, label, values):
    ws = sheet(LAN)
    assert (ws[f"A{row}"].value, ws[f"B{row}"].value) == (stt, label)
    assert counts(ws, row) == values
    assert all(type(value) is int for value in counts(ws, row).values())
    assert not ws[f"B{row}"].font.b


def test_total_row_adds_up_the_field_rows_with_formulas_in_bold():
    ws = sheet(LAN)
    assert (ws["A14"].value, ws["B14"].value) == (None, "Tổng cộng")
    assert formulas(ws, 14) == {
        key: f"=SUM({letter}12:{letter}13)" for key, letter in zip(FORM06_COLUMNS, DATA_LETTERS, strict=True)
    }
    assert all(
        ws[f"{letter}14"].data_type == "f" and ws[f"{letter}14"].number_format == "#,##0" for letter in DATA_LETTERS
    )
    assert summed(ws, 14) == LAN.total == figures(32, 15, 12, 5, 23, 7, 14, 2, 9, 7, 2)
    assert all(cell.font.b for cell in sheet(LAN)[14])


def test_the_total_row_follows_a_figure_changed_in_the_workbook():
    """The total is computed, never typed (forms.md): Lan corrects Hộ tịch's count, the total follows."""
    book = workbook(LAN)
    book["Biểu 06"]["C12"] = 40
    assert summed(book["Biểu 06"], 14)["received_total"] == 40 + CHUNGTHUC["received_total"]


def test_every_text_is_in_times_new_roman():
    ws = sheet(LAN)
    texts = [cell for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert len(texts) > 30
    assert {cell.font.name for cell in texts} == {"Times New Roman"}


def test_table_has_thin_borders_on_every_cell_and_around_every_merged_block():
    ws = sheet(LAN)
    for row in ws.iter_rows(min_row=HEADER_ROWS[0], max_row=14, max_col=13):
        for cell in row:
            block = merged_range(ws, cell)
            edges = {
                "left": block is None or cell.column == block.min_col,
                "right": block is None or cell.column == block.max_col,
                "top": block is None or cell.row == block.min_row,
                "bottom": block is None or cell.row == block.max_row,
            }
            for side in (side for side, outer in edges.items() if outer):
                assert getattr(cell.border, side).style == "thin", (cell.coordinate, side)


def test_signature_block_sits_under_the_table_left_and_right():
    ws = sheet(LAN)
    assert (ws["A16"].value, ws["A17"].value) == ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)")
    assert (ws["I16"].value, ws["I17"].value) == ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký tên, đóng dấu)")
    assert ws["A16"].font.b and ws["I16"].font.b
    assert {"A16:B16", "I16:M16"} <= {str(r) for r in ws.merged_cells.ranges}


def test_sheet_is_named_for_the_form_and_printed_landscape_one_page_wide():
    book = workbook(LAN)
    ws = book.worksheets[0]
    assert book.sheetnames == ["Biểu 06", "_kstt"]
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.freeze_panes == "C12"  # below the column-number row, right of the label column
    assert ws.print_title_rows == "$8:$11"
    assert ws.column_dimensions["B"].width > ws.column_dimensions["C"].width > ws.column_dimensions["A"].width


def test_an_empty_form_still_prints_its_header_and_a_zero_total_row_without_formulas():
    book = workbook(lan_form())
    ws = book["Biểu 06"]
    assert (ws["A8"].value, ws["C8"].value, ws["D9"].value) == ("STT", "Số hồ sơ nhận giải quyết", "Trong đó")
    assert [cell.value for cell in ws[NUMBERS_ROW]] == list(range(1, 14))
    assert ws["B12"].value == "Tổng cộng"
    assert counts(ws, 12) == zero()
    assert all(type(value) is int for value in counts(ws, 12).values())
    assert ws["A14"].value == "NGƯỜI LẬP BIỂU"
    assert (meta(book)["first_data_row"], meta(book)["total_row"]) == (12, 12)


# --- A compiled form: units grouped by level --------------------------------------------------------------

COMMUNES_SUM = figures(50, 23, 20, 7, 38, 11, 25, 2, 12, 10, 2)
GRAND_TOTAL = figures(98, 52, 33, 13, 79, 27, 49, 3, 19, 16, 3)


@pytest.mark.parametrize(
    ("row", "stt", "label", "values", "bold"),
    [
        pytest.param(12, "I", "Huyện, thị xã, thành phố", None, True, id="I-districts-heading"),
        pytest.param(13, 1, "Ủy ban nhân dân huyện Lạc Sơn", LAC_SON, False, id="1-lac-son"),
        pytest.param(14, 2, "Ủy ban nhân dân huyện Mai Châu", MAI_CHAU, False, id="2-mai-chau"),
        pytest.param(15, None, "Cộng Huyện, thị xã, thành phố", add([LAC_SON, MAI_CHAU]), True, id="districts-sum"),
        pytest.param(16, "II", "Xã, phường, thị trấn", None, True, id="II-communes-heading"),
        pytest.param(17, 1, "Ủy ban nhân dân xã Yên Nghiệp", YEN_NGHIEP, False, id="1-yen-nghiep"),
        pytest.param(18, 2, "Ủy ban nhân dân xã Ân Nghĩa", AN_NGHIA, False, id="2-an-nghia"),
        pytest.param(19, 3, "Ủy ban nhân dân thị trấn Mai Châu", TT_MAI_CHAU, False, id="3-tt-mai-chau"),
        pytest.param(20, None, "Cộng Xã, phường, thị trấn", COMMUNES_SUM, True, id="communes-sum"),
        pytest.param(21, None, "Tổng cộng", GRAND_TOTAL, True, id="grand-total"),
    ],
)
def test_hoas_compiled_form_groups_units_by_level_with_subtotals(row, stt, label, values, bold):
    ws = sheet(HOA)
    assert (ws[f"A{row}"].value, ws[f"B{row}"].value) == (stt, label)
    total = label.startswith(("Cộng", "Tổng"))
    assert (summed(ws, row) if total else counts(ws, row)) == (values or dict.fromkeys(FORM06_COLUMNS))
    assert all(type(value) is int for value in counts(ws, row).values() if values and not total)
    assert all(bool(cell.font.b) == bold for cell in ws[row])


def test_compiled_form_sums_each_group_then_the_subtotals_with_formulas():
    ws = sheet(HOA)
    assert formulas(ws, 15)["received_total"] == "=SUM(C13:C14)"  # Lạc Sơn, Mai Châu
    assert formulas(ws, 20)["pending_overdue"] == "=SUM(M17:M19)"  # the three communes
    assert formulas(ws, 21)["settled_total"] == "=SUM(G15,G20)"  # the two subtotals, not the unit rows again
    assert (summed(ws, 15), summed(ws, 20), summed(ws, 21)) == (DISTRICTS.subtotal, COMMUNES.subtotal, HOA.total)
    assert ws["A23"].value == "NGƯỜI LẬP BIỂU"


def test_compiled_form_keeps_the_printed_label_heading():
    ws = sheet(HOA)
    assert (ws["B8"].value, ws["H1"].value) == (LABEL_HEADING, "Đơn vị báo cáo: Ủy ban nhân dân tỉnh Hòa Bình")


# --- Where the data is: the hidden _kstt sheet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("compiled", "key", "value"),
    [
        pytest.param(LAN, "sheet", "Biểu 06", id="lan-sheet"),
        pytest.param(LAN, "form_key", "06", id="lan-form-key"),
        pytest.param(LAN, "form_code", "06/VPCP/KSTT", id="lan-form-code"),
        pytest.param(LAN, "form_version", 1, id="lan-form-version"),
        pytest.param(LAN, "unit_code", "W05341", id="lan-unit"),
        pytest.param(LAN, "period", "2021Q3", id="lan-period"),
        pytest.param(LAN, "compiled", "no", id="lan-not-compiled"),
        pytest.param(LAN, "first_data_row", 12, id="lan-first-data-row"),
        pytest.param(LAN, "total_row", 14, id="lan-total-row"),
        pytest.param(LAN, "row:HT", 12, id="lan-row-ho-tich"),
        pytest.param(LAN, "row:CT", 13, id="lan-row-chung-thuc"),
        pytest.param(LAN, "column:received_total", "C", id="lan-column-3"),
        pytest.param(LAN, "column:carried_over", "F", id="lan-column-6"),
        pytest.param(LAN, "column:settled_total", "G", id="lan-column-7"),
        pytest.param(LAN, "column:pending_overdue", "M", id="lan-column-13"),
        pytest.param(HOA, "unit_code", "P17", id="hoa-unit"),
        pytest.param(HOA, "compiled", "yes", id="hoa-compiled"),
        pytest.param(HOA, "first_data_row", 12, id="hoa-first-data-row"),
        pytest.param(HOA, "group:district", 12, id="hoa-districts-heading"),
        pytest.param(HOA, "row:D157", 13, id="hoa-row-lac-son"),
        pytest.param(HOA, "subtotal:district", 15, id="hoa-districts-sum"),
        pytest.param(HOA, "group:commune", 16, id="hoa-communes-heading"),
        pytest.param(HOA, "row:W05200", 19, id="hoa-row-tt-mai-chau"),
        pytest.param(HOA, "subtotal:commune", 20, id="hoa-communes-sum"),
        pytest.param(HOA, "total_row", 21, id="hoa-total-row"),
    ],
)
def test_kstt_sheet_says_where_the_data_is(compiled, key, value):
    assert meta(workbook(compiled))[key] == value


def test_kstt_sheet_is_hidden_and_names_every_data_column():
    book = workbook(LAN)
    assert book["_kstt"].sheet_state == "hidden"
    columns = {key.removeprefix("column:"): value for key, value in meta(book).items() if key.startswith("column:")}
    assert columns == dict(zip(FORM06_COLUMNS, DATA_LETTERS, strict=True))


def test_a_filled_in_copy_reads_back_through_the_kstt_sheet():
    """Lan corrects Hộ tịch's online count in the exported file; an importer finds every cell by the map."""
    book = workbook(LAN)
    where = meta(book)
    ws = book[where["sheet"]]
    ws[f"{where['column:received_online']}{where['row:HT']}"] = 6
    saved = io.BytesIO()
    book.save(saved)

    again = openpyxl.load_workbook(io.BytesIO(saved.getvalue()))
    where = meta(again)
    ws = again[where["sheet"]]
    letters = {key: where[f"column:{key}"] for key in FORM06_COLUMNS}
    read = {
        code: {key: ws[f"{letter}{where[f'row:{code}']}"].value for key, letter in letters.items()}
        for code in ("HT", "CT")
    }
    assert read == {"HT": HOTICH | {"received_online": 6}, "CT": CHUNGTHUC}
    assert (where["form_code"], where["form_version"], where["unit_code"], where["period"]) == (
        "06/VPCP/KSTT", 1, "W05341", "2021Q3"
    )  # fmt: skip
    assert not isinstance(ws["C8"], MergedCell) and isinstance(ws["D8"], MergedCell)


# --- The 2021 province's form: the communes under their districts ----------------------------------------

LAC_SON_COMMUNES = Form06Subgroup(
    "D157/commune", "D157", "Ủy ban nhân dân huyện Lạc Sơn", COMMUNES.rows[:2], add(r.counts for r in COMMUNES.rows[:2])
)
MAI_CHAU_COMMUNES = Form06Subgroup(
    "D156/commune",
    "D156",
    "Ủy ban nhân dân huyện Mai Châu",
    COMMUNES.rows[2:],
    add(r.counts for r in COMMUNES.rows[2:]),
)
UNDER_DISTRICTS = Form06Group(
    "commune", COMMUNES.heading, COMMUNES.rows, COMMUNES.subtotal, (LAC_SON_COMMUNES, MAI_CHAU_COMMUNES)
)
HOA_2021 = dataclasses.replace(HOA, groups=(DISTRICTS, UNDER_DISTRICTS))


@pytest.mark.parametrize(
    ("row", "stt", "label", "values", "bold", "italic"),
    [
        pytest.param(15, None, "Cộng Huyện, thị xã, thành phố", DISTRICTS.subtotal, True, False, id="districts-sum"),
        pytest.param(16, "II", "Xã, phường, thị trấn", None, True, False, id="II-communes-heading"),
        pytest.param(17, 1, "Ủy ban nhân dân huyện Lạc Sơn", add([YEN_NGHIEP, AN_NGHIA]), True, True, id="1-lac-son"),
        pytest.param(18, "1.1", "Ủy ban nhân dân xã Yên Nghiệp", YEN_NGHIEP, False, False, id="1.1-yen-nghiep"),
        pytest.param(19, "1.2", "Ủy ban nhân dân xã Ân Nghĩa", AN_NGHIA, False, False, id="1.2-an-nghia"),
        pytest.param(20, 2, "Ủy ban nhân dân huyện Mai Châu", TT_MAI_CHAU, True, True, id="2-mai-chau"),
        pytest.param(21, "2.1", "Ủy ban nhân dân thị trấn Mai Châu", TT_MAI_CHAU, False, False, id="2.1-tt-mai-chau"),
        pytest.param(22, None, "Cộng Xã, phường, thị trấn", COMMUNES_SUM, True, False, id="communes-sum"),
        pytest.param(23, None, "Tổng cộng", GRAND_TOTAL, True, False, id="grand-total"),
    ],
)
def test_the_2021_provinces_form_prints_the_communes_under_their_districts(row, stt, label, values, bold, italic):
    ws = sheet(HOA_2021)
    assert (ws[f"A{row}"].value, ws[f"B{row}"].value) == (stt, label)
    formula = bold and values is not None
    assert (summed(ws, row) if formula else counts(ws, row)) == (values or dict.fromkeys(FORM06_COLUMNS))
    assert all(bool(cell.font.b) == bold and bool(cell.font.i) == italic for cell in ws[row])


def test_a_districts_row_sums_its_communes_and_the_level_subtotal_sums_the_districts_rows():
    ws = sheet(HOA_2021)
    assert formulas(ws, 17)["received_total"] == "=SUM(C18:C19)"  # Yên Nghiệp, Ân Nghĩa
    assert formulas(ws, 20)["received_total"] == "=SUM(C21:C21)"  # thị trấn Mai Châu
    assert formulas(ws, 22)["received_total"] == "=SUM(C17,C20)"  # the two districts' rows, not the communes again
    assert formulas(ws, 23)["received_total"] == "=SUM(C15,C22)"
    assert ws["A25"].value == "NGƯỜI LẬP BIỂU"
    where = meta(workbook(HOA_2021))
    assert (where["subgroup:D157/commune"], where["row:W05344"], where["subgroup:D156/commune"]) == (17, 19, 20)
    assert (where["subtotal:commune"], where["total_row"]) == (22, 23)
