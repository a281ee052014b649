"""Form 06 workbooks read back (issue 8 point 5): exported, filled in with openpyxl, imported again.

Lan, the reporter of commune Yên Nghiệp, downloads her form 06 for Q3/2021 (fields Hộ tịch HT and Chứng
thực CT), fills it in and uploads it. The workbook either reads back into her figures, with each failing
rule at its cell ("F12: …"), or is refused with a Vietnamese message and nothing read. No database.
"""

import io
import re
import subprocess
import tomllib
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kstt.catalogue.rules.form06 import FORM06_COLUMNS, CompiledForm06, Form06Group, Form06Row, add, zero
from kstt.catalogue.rules.forms import TOTAL, parse_form_spec
from kstt.exports.form06_import import FormImportError, read_form06_workbook
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)

FORMS = Path(__file__).resolve().parents[2] / "catalogue" / "definitions" / "forms"
with (FORMS / "06-VPCP-KSTT.v1.toml").open("rb") as file:
    FORM_06 = parse_form_spec(tomllib.load(file))

Q3_2021 = (date(2021, 6, 15), date(2021, 9, 14))
# The printed layout: column-number row 11, Hộ tịch on row 12, Chứng thực on 13, the total on 14;
# columns 3..13 are C..M.
LETTER = dict(zip(FORM06_COLUMNS, "CDEFGHIJKLM", strict=True))


def figures(*values):
    return dict(zip(FORM06_COLUMNS, values, strict=True))


HOTICH = figures(12, 5, 4, 3, 8, 2, 5, 1, 4, 3, 1)
CHUNGTHUC = figures(20, 10, 8, 2, 15, 5, 9, 1, 5, 4, 1)
LAN_FIELDS = ("HT", "CT")
DAMAGED = "Tệp Excel bị hỏng, không đọc được."


def lan_form(hotich=HOTICH, chungthuc=CHUNGTHUC, *, unit="W05341", period="2021Q3", spec=FORM_06):
    rows = (Form06Row("HT", "Hộ tịch", hotich), Form06Row("CT", "Chứng thực", chungthuc))
    return CompiledForm06(
        spec=spec, unit_code=unit, unit_name="Ủy ban nhân dân xã Yên Nghiệp", unit_level="commune",
        recipient_name="Ủy ban nhân dân huyện Lạc Sơn", period=period, period_label="Quý III/2021",
        window=Q3_2021, compiled=False, rows=rows, groups=(), total=add(r.counts for r in rows),
    )  # fmt: skip


def edited(compiled, **cells):
    """The exported workbook with cells set by openpyxl (``C12=6``), as bytes."""
    book = openpyxl.load_workbook(io.BytesIO(render_form06_xlsx(compiled)))
    ws = book["Biểu 06"]
    for coordinate, value in cells.items():
        ws[coordinate] = value
    return save(book)


def save(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data, **overrides):
    arguments: dict[str, Any] = {
        "spec": FORM_06,
        "unit_code": "W05341",
        "period_code": "2021Q3",
        "row_keys": LAN_FIELDS,
    }
    return read_form06_workbook(data, **(arguments | overrides))


def refusal(data, **overrides):
    with pytest.raises(FormImportError) as caught:
        read(data, **overrides)
    return [str(problem) for problem in caught.value.problems]


def with_meta(compiled, **changes):
    """The exported workbook with keys of its _kstt map changed (None removes the key)."""
    book = openpyxl.load_workbook(io.BytesIO(render_form06_xlsx(compiled)))
    meta = book["_kstt"]
    for row in list(meta.iter_rows(min_row=2)):
        key = row[0].value
        if key in changes:
            if changes[key] is None:
                row[0].value = row[1].value = None
            else:
                row[1].value = changes[key]
    return save(book)


# --- Round trips ------------------------------------------------------------------------------------------


def test_lans_prefilled_workbook_reads_back_unchanged_with_no_finding():
    imported = read(render_form06_xlsx(lan_form()))
    assert imported.values == {"HT": HOTICH, "CT": CHUNGTHUC}
    assert imported.total == add([HOTICH, CHUNGTHUC])
    assert imported.findings == []


def test_lan_corrects_a_prefilled_figure_and_the_total_and_it_reads_back():
    """One more online dossier in Hộ tịch, still pending: columns 3, 4, 11 and 12 of its row and the total."""
    data = edited(lan_form(), C12=13, D12=6, K12=5, L12=4, C14=33, D14=16, K14=10, L14=8)
    imported = read(data)
    assert imported.values["HT"] == HOTICH | {
        "received_total": 13, "received_online": 6, "pending_total": 5, "pending_in_time": 4
    }  # fmt: skip
    assert imported.values["CT"] == CHUNGTHUC
    assert imported.total["received_online"] == 16
    assert imported.findings == []


def test_a_blank_workbook_reads_back_as_zeros():
    imported = read(render_form06_xlsx(lan_form(zero(), zero())))
    assert imported.values == {"HT": zero(), "CT": zero()}
    assert imported.findings == []


def test_lan_fills_in_a_blank_workbook():
    blank = lan_form(zero(), zero())
    cells = {
        f"{LETTER[key]}{row}": value for row, counts in ((12, HOTICH), (13, CHUNGTHUC)) for key, value in counts.items()
    }
    cells |= {f"{LETTER[key]}14": value for key, value in add([HOTICH, CHUNGTHUC]).items()}
    imported = read(edited(blank, **cells))
    assert imported.values == {"HT": HOTICH, "CT": CHUNGTHUC}
    assert imported.findings == []


def test_a_cleared_cell_reads_as_empty_and_the_required_finding_points_at_it():
    """The total row follows the cleared cell (its formula adds up the rows): R1 now fails on the total row."""
    imported = read(edited(lan_form(), F13=None))
    assert imported.values["CT"]["carried_over"] is None
    assert imported.total["carried_over"] == HOTICH["carried_over"]
    assert [(f.cell, f.finding.rule) for f in imported.findings] == [("F13", "required"), ("C14", "R1")]
    assert str(imported.findings[0]).startswith("F13: Chưa nhập cột 6")


def test_a_whole_number_typed_as_a_decimal_reads_as_that_number():
    assert read(edited(lan_form(), C12=12.0)).values["HT"]["received_total"] == 12


# --- The rules of the form, at their cells ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param({"D12": 6, "D14": 16}, [("C12", "R1"), ("C14", "R1")], id="R1-online-raised-not-the-total"),
        pytest.param({"H13": 6, "H14": 8}, [("G13", "R2"), ("G14", "R2")], id="R2-early-raised"),
        pytest.param({"M12": 2, "M14": 3}, [("K12", "R3"), ("K14", "R3")], id="R3-overdue-raised"),
        pytest.param({"F12": 4, "F14": 6}, [("C12", "R1"), ("C14", "R1")], id="R1-carried-over-raised"),
        pytest.param(
            {"C13": 21, "C14": 33, "D13": 11, "D14": 16, "G13": 14, "I13": 8, "G14": 22, "I14": 13},
            [("C13", "R4"), ("C14", "R4")],
            id="R4-received-not-settled-plus-pending",
        ),
        pytest.param({"D14": 16, "E14": 11}, [("D14", "R6"), ("E14", "R6")], id="R6-total-row-not-the-column-sum"),
    ],
)
def test_each_failing_rule_is_reported_at_its_cell(cells, expected):
    imported = read(edited(lan_form(), **cells))
    assert [(f.cell, f.finding.rule) for f in imported.findings] == expected


def test_the_message_names_the_cell_and_the_figures():
    finding, _ = read(edited(lan_form(), D14=16, E14=11)).findings
    assert finding.cell == "D14"
    assert str(finding) == (
        "D14: Dòng Tổng cộng phải bằng tổng các dòng lĩnh vực ở trên: cột 4 dòng Tổng cộng = 16; "
        "tổng cột 4 của các dòng = 15"
    )


def test_every_cell_of_the_map_is_given_for_a_page_to_show():
    imported = read(render_form06_xlsx(lan_form()))
    assert imported.cells[("HT", "received_total")] == "C12"
    assert imported.cells[("CT", "pending_overdue")] == "M13"
    assert imported.cells[(TOTAL, "carried_over")] == "F14"


# --- Cells that are not counts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param({"F12": "ba"}, ["F12: Ô chứa chữ “ba”; cần nhập số hồ sơ bằng số."], id="text"),
        pytest.param({"F12": "3"}, ["F12: Ô chứa chữ “3”; cần nhập số hồ sơ bằng số."], id="digits-as-text"),
        pytest.param({"D13": -1}, ["D13: Số hồ sơ không được âm (-1)."], id="negative"),
        pytest.param({"H12": 2.5}, ["H12: Số hồ sơ phải là số nguyên, không phải 2,5."], id="fraction"),
        pytest.param({"C14": date(2021, 9, 1)}, ["C14: Ô phải chứa số hồ sơ (số nguyên không âm)."], id="a-date"),
        pytest.param(
            {"F12": "ba", "D13": -2},
            ["F12: Ô chứa chữ “ba”; cần nhập số hồ sơ bằng số.", "D13: Số hồ sơ không được âm (-2)."],
            id="every-problem-at-once",
        ),
    ],
)
def test_a_cell_that_is_not_a_count_is_refused_at_its_reference(cells, expected):
    assert refusal(edited(lan_form(), **cells)) == expected


def test_a_formula_without_a_computed_value_is_refused():
    """openpyxl writes formulas without their results: the file must be saved by a spreadsheet first."""
    problems = refusal(edited(lan_form(), C12="=D12+E12+F12"))
    assert problems == [
        "C12: Ô có công thức nhưng chưa có kết quả tính. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên."
    ]


def test_a_formula_with_its_computed_value_reads_as_the_value():
    """As Excel saves it: the formula and, beside it, its last result."""
    data = render_form06_xlsx(lan_form())
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, count = re.subn(
                    r'<c r="C12"([^>]*)><v>12</v></c>', r'<c r="C12"\1><f>D12+E12+F12</f><v>12</v></c>',
                    content.decode(),
                )  # fmt: skip
                assert count == 1
                content = text.encode()
            new.writestr(item, content)
    assert read(target.getvalue()).values["HT"]["received_total"] == 12


def test_a_workbook_saved_by_libreoffice_with_formulas_reads_back(soffice, tmp_path):  # noqa: F811 (a fixture)
    """Lan types formulas for the totals and saves the file in LibreOffice: the results are read, the map kept."""
    source = tmp_path / "in" / "bieu06.xlsx"
    source.parent.mkdir()
    formulas = {f"{letter}14": f"=SUM({letter}12:{letter}13)" for letter in LETTER.values()}
    source.write_bytes(edited(lan_form(), C12="=D12+E12+F12", **formulas))
    subprocess.run(  # noqa: S603 (LibreOffice on our own file)
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    imported = read((tmp_path / "bieu06.xlsx").read_bytes())
    assert imported.values == {"HT": HOTICH, "CT": CHUNGTHUC}
    assert imported.total == add([HOTICH, CHUNGTHUC])
    assert imported.findings == []


# --- The total row is a formula (forms.md: computed, never typed) -----------------------------------------


def rewritten(data, part, change):
    """The workbook ``data`` with one of its parts (``xl/worksheets/sheet1.xml``) passed through ``change``."""
    source, target = io.BytesIO(data), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            content = old.read(item.filename)
            new.writestr(item, change(content) if item.filename == part else content)
    return target.getvalue()


def cell_xml(coordinate, content):
    """A change of sheet1.xml: the cell's ``<v>…</v>`` (or ``<f>…</f><v>…</v>``) replaced by ``content``."""

    def change(xml):
        text, count = re.subn(
            rf'(<c r="{coordinate}"[^>]*>)(?:<f>[^<]*</f>)?<v>[^<]*</v>', rf"\g<1>{content}", xml.decode()
        )
        assert count == 1, coordinate
        return text.encode()

    return change


SHEET = "xl/worksheets/sheet1.xml"


def test_the_downloaded_total_row_sums_the_field_rows_and_reads_back_without_a_spreadsheet():
    """Saved by openpyxl, never opened in a spreadsheet: no computed value, the import adds the rows up."""
    data = render_form06_xlsx(lan_form())
    formulas = openpyxl.load_workbook(io.BytesIO(data))["Biểu 06"]
    assert [formulas[f"{letter}14"].value for letter in "CFM"] == ["=SUM(C12:C13)", "=SUM(F12:F13)", "=SUM(M12:M13)"]
    assert openpyxl.load_workbook(io.BytesIO(data), data_only=True)["Biểu 06"]["C14"].value is None
    imported = read(data)
    assert imported.total == add([HOTICH, CHUNGTHUC]) and imported.findings == []


def test_a_figure_changed_by_a_program_moves_the_total_with_it():
    imported = read(edited(lan_form(), C12=40, D12=33))
    assert imported.total["received_total"] == 40 + CHUNGTHUC["received_total"]
    assert imported.total["received_online"] == 33 + CHUNGTHUC["received_online"]
    assert [(f.cell, f.finding.rule) for f in imported.findings] == [("C12", "R4"), ("C14", "R4")]  # R6 holds


def test_the_total_as_a_spreadsheet_computed_it_is_read_as_it_is():
    """As Excel saves it: the formula and its last result, read even when stale (R6 then says so)."""
    data = render_form06_xlsx(lan_form())
    fresh = rewritten(data, SHEET, cell_xml("C14", "<f>SUM(C12:C13)</f><v>32</v>"))
    assert read(fresh).total["received_total"] == 32 and read(fresh).findings == []
    stale = rewritten(data, SHEET, cell_xml("C14", "<f>SUM(C12:C13)</f><v>99</v>"))
    imported = read(stale)
    assert imported.total["received_total"] == 99
    assert [(f.cell, f.finding.rule) for f in imported.findings] == [("C14", "R1"), ("C14", "R4"), ("C14", "R6")]


@pytest.mark.parametrize(
    "formula",
    [
        pytest.param("=C12*2", id="another-formula"),
        pytest.param("=SUM(C12:C12)", id="the-sum-of-one-row-only"),
        pytest.param("=SUM(C11:C13)", id="the-column-number-row-too"),
    ],
)
def test_any_other_formula_in_the_total_row_without_its_result_is_refused(formula):
    assert refusal(edited(lan_form(), C14=formula)) == [
        "C14: Ô có công thức nhưng chưa có kết quả tính. Hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi tải lên."
    ]


def test_the_downloaded_workbook_saved_by_libreoffice_reads_back_with_the_totals_it_computed(soffice, tmp_path):  # noqa: F811
    source = tmp_path / "in" / "bieu06.xlsx"
    source.parent.mkdir()
    source.write_bytes(edited(lan_form(), C12=13, D12=6, K12=5, L12=4))  # one more, online, pending in time
    subprocess.run(  # noqa: S603 (LibreOffice on our own file)
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
         "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    saved = (tmp_path / "bieu06.xlsx").read_bytes()
    assert openpyxl.load_workbook(io.BytesIO(saved), data_only=True)["Biểu 06"]["C14"].value == 33  # computed
    imported = read(saved)
    assert imported.total == add([imported.values["HT"], CHUNGTHUC])
    assert imported.total["received_total"] == 33 and imported.findings == []


# --- The form's ceiling (rules.md §5) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param({"C12": 999_999_999}, [], id="the-ceiling-reads"),
        pytest.param({"C12": 1_000_000_000}, ["C12: Số 1.000.000.000 vượt quá giới hạn của biểu (tối đa 999.999.999)."],
                     id="one-over"),
        pytest.param({"C12": 1e308}, ["C12: Số 100.000.000.000.000.… vượt quá giới hạn của biểu (tối đa 999.999.999)."],
                     id="1E+308"),
        pytest.param({"C14": 1_999_999_998}, [], id="the-total-of-two-rows-at-the-ceiling"),
        pytest.param({"C14": 1_999_999_999},
                     ["C14: Số 1.999.999.999 vượt quá giới hạn của biểu (tối đa 1.999.999.998)."], id="total-one-over"),
    ],
)  # fmt: skip
def test_a_number_over_the_forms_ceiling_is_refused_at_its_cell(cells, expected):
    if expected:
        assert refusal(edited(lan_form(), **cells)) == expected
    else:
        (coordinate, value), *_ = cells.items()
        imported = read(edited(lan_form(), **cells))
        assert (imported.total if coordinate == "C14" else imported.values["HT"])["received_total"] == value


def test_a_unit_or_field_named_like_a_formula_reads_back():
    """The _kstt map and the labels are texts (kstt.exports.cells), never formulas that read empty."""
    rows = (Form06Row("HT", '=HYPERLINK("http://x")', HOTICH), Form06Row("CT", "+Chứng thực", CHUNGTHUC))
    compiled = replace(lan_form(unit="=W05341"), rows=rows)
    data = render_form06_xlsx(compiled)
    assert openpyxl.load_workbook(io.BytesIO(data))["Biểu 06"]["B12"].data_type == "s"
    assert read(data, unit_code="=W05341").values == {"HT": HOTICH, "CT": CHUNGTHUC}


# --- Damaged workbooks: "Tệp Excel bị hỏng…", nothing read --------------------------------------------------


def damaged(part, change):
    return rewritten(render_form06_xlsx(lan_form()), part, change)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(damaged(SHEET, cell_xml("C12", "<v>INF</v>")), id="INF-in-a-number-cell"),
        pytest.param(damaged(SHEET, cell_xml("D13", "<v>NaN</v>")), id="NaN-in-a-number-cell"),
        pytest.param(damaged(SHEET, cell_xml("C12", "<v>1E+309</v>")), id="a-number-beyond-any-float"),
        pytest.param(damaged(SHEET, cell_xml("C14", "<f>SUM(C12:C13)</f><v>-1E+309</v>")), id="an-infinite-total"),
        pytest.param(damaged(SHEET, lambda xml: xml.replace(b"t&#7883;ch", b"t\x01ch")), id="a-control-character"),
        pytest.param(damaged(SHEET, lambda xml: xml.replace(b"<v>12</v>", b"<v>&#1;</v>", 1)), id="char-ref"),
        pytest.param(damaged(SHEET, lambda xml: xml[: len(xml) // 2]), id="the-sheet-truncated"),
        pytest.param(damaged(SHEET, lambda xml: xml[:-40]), id="the-sheet-cut-before-its-end"),
        pytest.param(damaged(SHEET, lambda xml: b"not xml at all"), id="the-sheet-not-xml"),
        pytest.param(damaged("xl/worksheets/sheet2.xml", lambda xml: xml[: len(xml) // 2]), id="the-map-truncated"),
        pytest.param(damaged("xl/styles.xml", lambda xml: xml[:100]), id="the-styles-truncated"),
        pytest.param(damaged("xl/workbook.xml", lambda xml: xml.replace(b"<sheets>", b"<sheets><x>")), id="workbook"),
    ],
)  # fmt: skip
def test_a_damaged_workbook_is_refused_as_damaged_and_nothing_is_read(data):
    (problem,) = refusal(data)
    assert problem.startswith(DAMAGED)


# --- Files that are not this form -------------------------------------------------------------------------

NOT_XLSX = "Tệp tải lên không phải là bảng tính Excel (.xlsx)."


def a_zip_of(**files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", NOT_XLSX, id="a-pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", NOT_XLSX, id="a-png"),
        pytest.param(b"STT,Linh vuc\n1,Ho tich\n", NOT_XLSX, id="a-csv"),
        pytest.param(b"", NOT_XLSX, id="empty"),
        pytest.param(a_zip_of(**{"bao-cao.docx": "x", "word/document.xml": "<w/>"}), NOT_XLSX, id="zip-of-other"),
        pytest.param(render_form06_xlsx(lan_form())[:3000], DAMAGED, id="truncated-xlsx"),
        pytest.param(
            a_zip_of(**{"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml"}), DAMAGED, id="broken-parts"
        ),
    ],
)
def test_a_file_that_is_not_a_readable_workbook_is_refused(data, message):
    assert refusal(data) == [message]


def test_a_workbook_without_the_kstt_sheet_is_refused():
    book = openpyxl.Workbook()
    book.active["A1"] = "Biểu số 06/VPCP/KSTT"
    (problem,) = refusal(save(book))
    assert problem.startswith("Tệp không phải biểu mẫu do hệ thống xuất ra (không có trang _kstt).")


@pytest.mark.parametrize(
    ("compiled", "overrides", "expected"),
    [
        pytest.param(
            lan_form(unit="W05344"),
            {},
            ["Tệp là biểu của đơn vị W05344, không phải của đơn vị W05341."],
            id="another-unit",
        ),
        pytest.param(
            lan_form(period="2021Q2"),
            {},
            ["Tệp là biểu của Quý II/2021, không phải của Quý III/2021."],
            id="another-period",
        ),
        pytest.param(
            lan_form(spec=replace(FORM_06, version=2)),
            {},
            ["Tệp là biểu 06/VPCP/KSTT (phiên bản 2), không phải biểu 06/VPCP/KSTT (phiên bản 1) cần nộp."],
            id="another-version",
        ),
        pytest.param(
            lan_form(spec=replace(FORM_06, code="II.06a/VPCP/KSTT")),
            {},
            ["Tệp là biểu II.06a/VPCP/KSTT (phiên bản 1), không phải biểu 06/VPCP/KSTT (phiên bản 1) cần nộp."],
            id="another-form",
        ),
        pytest.param(
            lan_form(unit="W05344", period="2021Q2"),
            {},
            [
                "Tệp là biểu của đơn vị W05344, không phải của đơn vị W05341.",
                "Tệp là biểu của Quý II/2021, không phải của Quý III/2021.",
            ],
            id="another-unit-and-period",
        ),
    ],
)
def test_a_workbook_of_another_form_unit_or_period_is_refused(compiled, overrides, expected):
    assert refusal(render_form06_xlsx(compiled), **overrides) == expected


def test_a_compiled_form_is_not_a_units_form():
    rows = (Form06Row("W05341", "Ủy ban nhân dân xã Yên Nghiệp", HOTICH),)
    group = Form06Group(level="commune", heading="Xã, phường, thị trấn", rows=rows, subtotal=HOTICH)
    compiled = replace(lan_form(), compiled=True, rows=(), groups=(group,), total=HOTICH)
    assert "Tệp là biểu tổng hợp nhiều đơn vị, không phải biểu của một đơn vị." in refusal(render_form06_xlsx(compiled))


# --- A tampered map ---------------------------------------------------------------------------------------

AGAIN = "Hãy tải lại biểu mẫu từ hệ thống và nhập số liệu vào đó."


def test_a_row_key_the_unit_does_not_have_is_refused():
    assert refusal(render_form06_xlsx(lan_form()), row_keys=("HT",)) == [
        "Tệp có dòng của lĩnh vực mà đơn vị không có: CT.",
        AGAIN,
    ]


def test_a_field_of_the_unit_missing_from_the_workbook_is_refused():
    assert refusal(render_form06_xlsx(lan_form()), row_keys=("HT", "CT", "DD")) == [
        "Tệp thiếu dòng của lĩnh vực: DD.",
        AGAIN,
    ]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"column:received_online": "E"}, "các cột không khớp", id="two-columns-on-one-letter"),
        pytest.param({"column:carried_over": None}, "các cột không khớp", id="a-column-missing"),
        pytest.param({"column:carried_over": "1F"}, "cột “1F” không hợp lệ", id="a-column-not-a-letter"),
        pytest.param({"row:HT": 14}, "vị trí các dòng không hợp lệ", id="a-row-on-the-total-row"),
        pytest.param({"row:HT": 13}, "vị trí các dòng không hợp lệ", id="two-rows-on-one"),
        pytest.param({"total_row": "14"}, "vị trí các dòng không hợp lệ", id="total-row-not-a-number"),
        pytest.param({"row:CT": 13.5}, "vị trí các dòng không hợp lệ", id="a-row-not-a-whole-number"),
        pytest.param({"sheet": "Sheet1"}, "không có trang “Sheet1”", id="a-sheet-that-is-not-there"),
        pytest.param({"unit_code": None}, "thiếu unit_code", id="the-unit-missing"),
    ],
)
def test_a_tampered_map_is_refused(changes, expected):
    problems = refusal(with_meta(lan_form(), **changes))
    assert any(expected in problem for problem in problems), problems
    assert problems[0].startswith(("Trang _kstt của tệp đã bị sửa", "Tệp có dòng", "Tệp thiếu"))


def test_a_map_whose_row_numbers_were_saved_as_decimals_still_reads():
    imported = read(with_meta(lan_form(), **{"row:HT": 12.0, "total_row": 14.0}))
    assert imported.values == {"HT": HOTICH, "CT": CHUNGTHUC}


def test_a_map_whose_columns_were_moved_off_the_printed_numbers_is_refused():
    """Columns 4 and 5 swapped in the map: the column-number row no longer agrees with it."""
    problems = refusal(with_meta(lan_form(), **{"column:received_online": "E", "column:received_direct": "D"}))
    assert problems == [
        "E11: Cột này phải là cột số 4 (Trực tuyến) nhưng không khớp; các cột của biểu đã bị xê dịch.",
        "D11: Cột này phải là cột số 5 (Trực tiếp, dịch vụ bưu chính) nhưng không khớp; "
        "các cột của biểu đã bị xê dịch.",
        AGAIN,
    ]


def test_a_sheet_with_a_row_inserted_above_the_table_no_longer_matches_its_map():
    book = openpyxl.load_workbook(io.BytesIO(render_form06_xlsx(lan_form())))
    book["Biểu 06"].insert_rows(3)
    problems = refusal(save(book))
    assert problems[0].startswith("C11: Cột này phải là cột số 3 (Tổng số)")
    assert "B14: Dòng này phải là dòng “Tổng cộng”; các dòng của biểu đã bị xê dịch." in problems
