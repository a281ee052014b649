"""Lan's four tabs press Submit at the same moment (issue 13, point 9): one submission (201), three refusals
(409), never a 500 "database is locked" — on a SQLite file as on PostgreSQL.

The four requests run in another process, in four threads with their own connections, through the API with
Lan's token (kstt/reports/tests/submit_race.py), as a threaded server runs them. SQLite's transactions begin
IMMEDIATE (settings.py): the second submit waits for the first's commit, then finds the report submitted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kstt.notifications.tests.test_reminder_delivery import _database_url_for_processes
from kstt.reports.tests.test_api import filled, signed_pdf, url  # noqa: F401 (fixtures)
from kstt.reports.tests.test_submission_services import T1
from kstt.tests.tokens import api_key

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def test_four_submits_at_once_are_one_201_and_three_409(lan, filled, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    token = api_key(lan)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KSTT_", "PYTEST", "DJANGO"))}
    environ |= {
        "DATABASE_URL": _database_url_for_processes(tmp_path),
        "KSTT_CLOCK": T1.isoformat(),
        "KSTT_MEDIA_ROOT": str(tmp_path),
    }
    command = [sys.executable, "-m", "kstt.reports.tests.submit_race", url("api-report-submit"), token, "4"]
    done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"statuses": [201, 409, 409, 409], "versions": 1}, (connection.vendor, done.stderr[-3000:])
