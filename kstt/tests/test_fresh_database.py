"""A freshly migrated database knows its catalogue: the commands work without `kstt load-catalogue`."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kstt.catalogue.models import FormDefinition, ReportType

ROOT = Path(__file__).resolve().parents[2]

DOSSIERS = """code,unit_code,field_code,channel,received_at,due_at,finished_at,outcome
HS-1,W05341,HT,direct,2021-07-05T08:00:00+07:00,2021-07-07T17:00:00+07:00,2021-07-06T10:00:00+07:00,settled
HS-2,W05341,HT,online,2021-08-02T09:00:00+07:00,2021-08-04T17:00:00+07:00,2021-08-09T10:00:00+07:00,settled
HS-3,W05341,CT,direct,2021-09-06T09:00:00+07:00,2021-09-07T17:00:00+07:00,,
"""


def kstt(*args: str, database: Path, clock: str | None = None) -> subprocess.CompletedProcess[str]:
    """One `kstt` command (through manage.py, the same entry point) on its own SQLite database; on the
    real time unless ``clock`` fixes it (KSTT_CLOCK)."""
    env = {k: v for k, v in os.environ.items() if k not in {"KSTT_CLOCK", "KSTT_ENV", "SECRET_KEY"}}
    env["DATABASE_URL"] = f"sqlite:///{database}"
    if clock is not None:
        env["KSTT_CLOCK"] = clock
    result = subprocess.run(  # noqa: S603 (our own interpreter and entry point)
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"kstt {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def catalogue_rows(database: Path) -> tuple[list[tuple], int]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT rt.code, (SELECT count(*) FROM catalogue_settingsversion v WHERE v.report_type_id = rt.id), "
            "f.code, f.version, f.digest FROM catalogue_reporttype rt "
            "JOIN catalogue_formdefinition_report_types link ON link.reporttype_id = rt.id "
            "JOIN catalogue_formdefinition f ON f.id = link.formdefinition_id ORDER BY f.code"
        ).fetchall()
        audits = db.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0]
    return rows, audits


@pytest.mark.django_db
def test_the_migrated_test_database_holds_the_shipped_catalogue():
    assert ReportType.objects.filter(code="kstt").exists()
    assert sorted(FormDefinition.objects.values_list("code", flat=True)) == ["06/VPCP/KSTT", "II.07b/VPCP/KSTT"]


def test_load_units_load_dossiers_and_form06_work_on_a_newly_migrated_database(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    migrated = kstt("migrate", "--no-input", database=database)
    assert "Catalogue loaded: kstt, 06/VPCP/KSTT v1, II.07b/VPCP/KSTT v1" in migrated.stdout
    kstt("load-units", str(settings.KSTT_SHARED_DATA / "hoa_binh_2021.csv"), database=database)
    kstt("load-procedure-fields", str(settings.KSTT_SHARED_DATA / "procedure_fields.csv"), database=database)
    dossiers = tmp_path / "dossiers.csv"
    dossiers.write_text(DOSSIERS, encoding="utf-8")
    kstt("load-dossiers", str(dossiers), database=database)
    form = json.loads(kstt("form06", "--unit", "W05341", "--period", "2021Q3", database=database).stdout)
    assert (form["total"]["received_total"], form["total"]["pending_total"]) == (3, 1)


def test_migrating_again_changes_nothing_in_the_catalogue(tmp_path):
    database = tmp_path / "fresh.sqlite3"
    kstt("migrate", "--no-input", database=database)
    before = catalogue_rows(database)
    assert len(before[0]) == 2
    again = kstt("migrate", "--no-input", database=database)
    assert "Catalogue loaded" not in again.stdout
    assert catalogue_rows(database) == before


def test_migrating_on_a_fixed_clock_records_the_shipped_settings_at_the_clocks_instant(tmp_path):
    """What the catalogue page shows as "Ghi nhận" beside the fixed clock of the demo (`make run` migrates on it)."""
    database = tmp_path / "fresh.sqlite3"
    kstt("migrate", "--no-input", database=database, clock="2021-12-20T09:00:00+07:00")
    with sqlite3.connect(database) as db:
        recorded = {row[0] for row in db.execute("SELECT recorded_at FROM catalogue_settingsversion")}
        loaded = {row[0] for row in db.execute("SELECT at FROM audit_auditentry WHERE event = 'catalogue.loaded'")}
    assert recorded == loaded == {"2021-12-20 02:00:00"}  # 09:00 in the province, stored in UTC
