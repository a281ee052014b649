"""Issue 14, "done when": on the demo's 2021 history, judged past its last closing time and closed,
`kstt deductions --year 2021` is byte-identical before and after an incident is recorded for a 2021
deadline day, and `--diff` lists what the incident would change."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from kstt.compliance.models import YearClosing

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=HCM)
PAST_LAST_CLOSING = datetime(2022, 2, 15, 9, 0, tzinfo=HCM)  # 2021Q4's closing times are in January 2022
#: An outage of the whole reporting system over Monday 20/09/2021, the departments' and districts' Q3
#: deadline (E 14/09 + 4 or 5 days, moved off the weekend): recorded after the closing.
OUTAGE = """start,end,scope,description
2021-09-20T08:00:00+07:00,2021-09-22T17:00:00+07:00,all,Mất kết nối trục liên thông (ghi nhận sau khi chốt sổ)
"""


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(settings, db, tmp_path, django_capture_on_commit_callbacks):
    settings.KSTT_CLOCK = DEMO_INSTANT
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())


def test_the_closed_demo_year_is_byte_identical_after_a_late_incident_and_diff_lists_its_effect(
    demo, settings, tmp_path
):
    settings.KSTT_CLOCK = PAST_LAST_CLOSING
    live = run("deductions", "--year", "2021")
    assert "closed" not in json.loads(live)
    assert "revision 1" in run("close_year", "2021", "--by", "hoa")
    closed = run("deductions", "--year", "2021")
    body = json.loads(closed)
    assert body["closed"]["by"] == "hoa" and body["closed"]["sha256"] == YearClosing.objects.get().sha256
    assert {k: v for k, v in body.items() if k != "closed"} == json.loads(live)
    assert set(body["totals"]) == {line["unit"] for line in body["lines"]}  # every scored unit, 0.00 included

    settings.KSTT_CLOCK = datetime(2022, 2, 16, 9, 0, tzinfo=HCM)
    path = tmp_path / "outage.csv"
    path.write_text(OUTAGE, encoding="utf-8")
    run("load_incidents", str(path))

    assert run("deductions", "--year", "2021") == closed  # byte for byte
    now = json.loads(run("deductions", "--year", "2021", "--live"))
    diff = json.loads(run("deductions", "--year", "2021", "--diff"))
    changed = {(c["unit"], c["period"]) for c in diff["changes"]}
    assert changed, "the outage over the Q3 deadline changes some line"
    assert {period for _, period in changed} == {"2021Q3"}
    live_lines = {(x["unit"], x["period"]): x for x in now["lines"]}
    closed_lines = {(x["unit"], x["period"]): x for x in body["lines"]}
    for change in diff["changes"]:
        key = (change["unit"], change["period"])
        assert change["closed"] == closed_lines[key] and change["live"] == live_lines[key]
        assert change["closed"] != change["live"]
        assert change["live"]["incidents"] and change["live"]["effective_deadline"] > change["closed"]["deadline"]
    unchanged = [key for key in closed_lines if key not in changed]
    assert all(closed_lines[key] == live_lines[key] for key in unchanged)
