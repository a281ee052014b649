"""The Vietnamese interface is complete, and the compiled catalogue matches its source."""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

PO = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def test_every_interface_text_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(PO))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_is_up_to_date():
    source = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(PO)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(PO.with_suffix(".mo")))}
    compiled.pop((None, ""), None)
    assert compiled == source, "run `make messages`"


def test_every_text_the_code_marks_for_translation_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """`make messages` run on a copy of the code finds no text the catalogue lacks (nor one it keeps for
    nothing): a text added without refreshing the catalogue would show in English to everyone."""
    if shutil.which("xgettext") is None:
        if os.environ.get("KSTT_REQUIRE_GETTEXT"):  # CI (.ci/run installs it)
            pytest.fail("xgettext is missing and KSTT_REQUIRE_GETTEXT is set: apt-get install gettext")
        pytest.skip("xgettext (gettext) is not installed")
    source = PO.parents[3]
    copy = tmp_path / "kstt"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "static"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["vi"], no_location=True, no_obsolete=True, ignore_patterns=["tests/*"],
                 verbosity=0)  # fmt: skip
    before = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    after = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    assert sorted({(e.msgctxt, e.msgid) for e in after if not e.obsolete} - before, key=str) == [], (
        "run `make messages`"
    )
    assert sorted(before - {(e.msgctxt, e.msgid) for e in after if not e.obsolete}, key=str) == []
