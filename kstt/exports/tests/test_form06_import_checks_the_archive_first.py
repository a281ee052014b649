"""read_form06_workbook checks the archive before any parser sees it (issue 13 point 1), whoever calls it:
a bomb never reaches openpyxl, the limits are the settings', and openpyxl parses with defusedxml."""

import defusedxml.ElementTree
import openpyxl.xml
import openpyxl.xml.functions
import pytest
from django.utils import translation

from kstt.exports import form06_import
from kstt.exports.form06_import import FormImportError
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.exports.tests.test_form06_import import lan_form, read
from kstt.tests import bombs


@pytest.fixture
def workbook():
    return render_form06_xlsx(lan_form())


def refusal(data) -> str:
    with translation.override("vi"), pytest.raises(FormImportError) as refused:
        read(data)
    return str(refused.value)


def test_a_bomb_never_reaches_openpyxl(workbook, monkeypatch):
    def no_parser(*args, **kwargs):
        raise AssertionError("openpyxl was asked to open a zip bomb")

    monkeypatch.setattr(form06_import, "load_workbook", no_parser)
    says = refusal(bombs.sheet_bomb(workbook, 1024))
    assert says.startswith("Phần xl/worksheets/sheet1.xml của tệp khi giải nén có dung lượng 1,0")


def test_the_limits_are_the_settings(workbook, settings):
    assert read(workbook).values["HT"]["received_total"] == 12
    settings.KSTT_ARCHIVE_MAX_BYTES = 10_000  # the workbook unpacks to some 30 kB
    assert refusal(workbook).startswith("Tệp khi giải nén có dung lượng")
    settings.KSTT_ARCHIVE_MAX_BYTES = 64 * bombs.MiB
    settings.KSTT_ARCHIVE_MAX_MEMBERS = 5  # it holds 10 parts
    assert refusal(workbook) == "Tệp gồm 10 phần, vượt quá giới hạn 5 phần."


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse


def test_a_shared_strings_table_declaring_an_entity_is_refused(workbook):
    """Harmless in itself (one entity of ten characters), but XML entities are how billion-laughs bombs are
    made: the parser refuses them all, whatever their size."""
    assert refusal(bombs.shared_strings_with_entities(workbook)) == "Tệp Excel bị hỏng, không đọc được."


def test_what_is_not_a_zip_is_still_said_in_the_workbooks_words(workbook):
    assert refusal(b"%PDF-1.7") == "Tệp tải lên không phải là bảng tính Excel (.xlsx)."
    assert refusal(workbook[:2000]) == "Tệp Excel bị hỏng, không đọc được."
