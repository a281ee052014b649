"""Files loaded by the `kstt` commands hold only text every engine stores alike (issue 13, point 3).

A NUL in a CSV line is stored by SQLite and refused by PostgreSQL in the middle of the load: every loader
that reads a CSV through kstt/interchange.py refuses the file with the line, before anything is stored, on
both engines; a catalogue file spelling "\\u0000" likewise. (The dossiers' loader refuses every control
character in each field itself: kstt/dossiers/tests/test_load_dossiers.py.)
"""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kstt.catalogue.models import FormDefinition, ProcedureField
from kstt.catalogue.services import DEFINITIONS
from kstt.incidents.models import Incident
from kstt.reports.models import ReportVersion
from kstt.tests.cast import CAST_CSV
from kstt.units.models import Unit

pytestmark = pytest.mark.django_db


def load(command: str, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)
    call_command(command, str(path), stdout=StringIO())


@pytest.mark.parametrize(
    ("command", "content", "line", "stored"),
    [
        pytest.param("load_units", CAST_CSV.replace("Sở Tư pháp", "Sở Tư\x00 pháp"), 3, Unit.objects, id="units"),
        pytest.param(
            "load_procedure_fields",
            "level,code,name\ncommune,HT,Hộ tịch\ncommune,CT,Chứng\x00 thực\n",
            3,
            ProcedureField.objects,
            id="procedure-fields",
        ),
        pytest.param(
            "load_incidents",
            "start,end,scope,description\n2021-09-20T15:00:00+07:00,2021-09-20T18:00:00+07:00,all,Mất\x00 mạng\n",
            2,
            Incident.objects,
            id="incidents",
        ),
        pytest.param(
            "load_submissions",
            "unit_code,report,period,event,at,reasons\nW05341,kstt,2021Q3,submitted,2021-09-16T10:00:00+07:00,\x00\n",
            2,
            ReportVersion.objects,
            id="submissions",
        ),
    ],
)
def test_a_nul_in_a_csv_refuses_the_file_with_its_line_and_stores_nothing(
    request, tmp_path, settings, command, content, line, stored
):
    if command != "load_units":
        request.getfixturevalue("cast")
        request.getfixturevalue("kstt_report")
    settings.KSTT_CLOCK = "2021-12-20T09:00:00+07:00"
    before = stored.count()
    with pytest.raises(CommandError, match=rf"line {line}: a NUL character \(U\+0000\) at character \d+"):
        load(command, tmp_path, content.encode())
    assert stored.count() == before


def test_a_catalogue_file_spelling_a_nul_is_refused_with_its_name(tmp_path):
    directory = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, directory)
    form = directory / "forms" / "06-VPCP-KSTT.v1.toml"
    text = form.read_text(encoding="utf-8")
    form.write_text(text.replace('title = "', 'title = "\\u0000', 1), encoding="utf-8")
    before = list(FormDefinition.objects.values_list("pk", "definition"))  # migrate loaded the shipped ones
    with pytest.raises(CommandError, match=r"06-VPCP-KSTT\.v1\.toml: title: a NUL character"):
        call_command("load_catalogue", "--dir", str(directory), stdout=StringIO())
    assert list(FormDefinition.objects.values_list("pk", "definition")) == before


def test_close_units_refuses_a_file_that_is_not_utf8_and_a_code_that_is_not_text(cast, tmp_path):
    path = tmp_path / "codes.txt"
    path.write_bytes(b"W05341\n\xffW05344\n")
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("close_units", "--on", "2025-07-01", "--file", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match=r"a unit code holds a lone surrogate \(U\+DCFF\)"):
        call_command("close_units", "W05341", "\udcff", "--on", "2025-07-01", stdout=StringIO())
    assert not Unit.objects.filter(versions__valid_until__isnull=False).exists()
