"""The exported workbook opens in LibreOffice with the same numbers as `kstt form06`'s JSON.

Runs where LibreOffice (`soffice`) is installed; `.ci/run` installs it and sets
KSTT_REQUIRE_LIBREOFFICE, so in CI it runs rather than skips.
"""

import csv
import json
import os
import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("KSTT_REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is missing and KSTT_REQUIRE_LIBREOFFICE is set: apt-get install libreoffice-calc")
        pytest.skip("LibreOffice is not installed")
    return SOFFICE


def test_libreoffice_reads_the_numbers_of_the_json(soffice, tmp_path, cast, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    out = StringIO()
    call_command("form06", "--unit", "P17", "--period", "2021Q3", stdout=out)
    data = json.loads(out.getvalue())
    workbook = tmp_path / "bieu06.xlsx"
    call_command(
        "form06",
        "--unit",
        "P17",
        "--period",
        "2021Q3",
        "--format",
        "xlsx",
        "--output",
        str(workbook),
        stderr=StringIO(),
    )

    subprocess.run(  # noqa: S603 (LibreOffice on our own file)
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",  # comma, double quote, UTF-8, from line 1
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    [exported] = tmp_path.glob("bieu06*.csv")
    printed: dict[str, list[str]] = {}
    for row in csv.reader(exported.open(encoding="utf-8")):
        if len(row) > 12:  # a district's name comes again over its communes: its own row comes first
            printed.setdefault(row[1], row)
    columns = list(data["total"])
    for row in data["rows"]:
        assert [int(x) for x in printed[row["name"]][2:13]] == [row[c] for c in columns], row["name"]
    assert [int(x) for x in printed["Tổng cộng"][2:13]] == [data["total"][c] for c in columns]
    # The subtotal and total rows are formulas (=SUM of the rows above): LibreOffice computes the JSON's numbers.
    headings = {
        "department": "Sở, ban, ngành",
        "district": "Huyện, thị xã, thành phố",
        "commune": "Xã, phường, thị trấn",
    }
    assert len(data["subtotals"]) >= 2
    for level, subtotal in data["subtotals"].items():
        assert [int(x) for x in printed[f"Cộng {headings[level]}"][2:13]] == [subtotal[c] for c in columns], level
