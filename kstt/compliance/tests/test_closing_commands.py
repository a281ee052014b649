"""`kstt close-year`, `kstt reopen-year` and `kstt deductions` on a closed year (rules.md §6, chốt sổ).

Province P90 of test_deductions_command with its 2021 history, every incident over: on 1/02/2022 every
2021 line is final. The commands act as the system, or ``--by`` the province's office.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.catalogue.services import declare_day
from kstt.compliance.models import YearClosing, YearReopening
from kstt.compliance.tests.test_deductions_command import SUBMISSIONS, UNITS
from kstt.tests.cast import AT
from kstt.units.models import Unit

pytestmark = pytest.mark.django_db

HN = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSING_DAY = datetime(2022, 2, 1, 9, 0, tzinfo=HN)  # after 2021's last closing time (19/01/2022)
INCIDENTS = """start,end,scope,description
2021-09-20T20:00:00+07:00,2021-09-22T10:00:00+07:00,P90-STP,Mất kết nối đường truyền Sở Tư pháp
"""
#: Recorded after the closing: an outage over D901's Q1 deadline (Friday 19/03/2021) until Sunday 21/03.
#: Today's judgement moves D901's deadline to Monday 22/03: its report of that morning is excused.
LATE_INCIDENT = """start,end,scope,description
2021-03-19T08:00:00+07:00,2021-03-21T18:00:00+07:00,D901,Mất điện máy chủ huyện Một (ghi nhận sau khi chốt sổ)
"""


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def load(tmp_path: Path, name: str, text: str, command: str, *options: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run(command, str(path), *options)


@pytest.fixture
def p90(tmp_path, settings, kstt_report):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KSTT_CLOCK = CLOSING_DAY
    load(tmp_path, "units.csv", UNITS, "load_units")
    history = "".join(line for line in SUBMISSIONS.splitlines(keepends=True) if "2024Q1" not in line)
    load(tmp_path, "submissions.csv", history, "load_submissions")
    # Recorded after the lines are final (the clock is past 2021's last closing time): an open year's
    # lines move, so the change needs a reason (issue 14 point 4).
    load(tmp_path, "incidents.csv", INCIDENTS, "load_incidents", "--reason=Biên bản sự cố")
    return tmp_path


def test_a_closed_year_answers_its_snapshot_byte_for_byte_whatever_is_recorded_later(p90, settings):
    live_before = run("deductions", "--year", "2021")
    assert "closed" not in json.loads(live_before)
    said = run("close_year", "2021", "--reason", "Chốt sổ năm 2021")
    assert "revision 1" in said and "16 lines" in said
    closed = run("deductions", "--year", "2021")
    data = json.loads(closed)
    record = YearClosing.objects.get()
    assert data["closed"] == {
        "at": "2022-02-01T09:00:00+07:00",
        "by": None,
        "sha256": record.sha256,
        "revision": 1,
    }
    # The closed lines are the lines judged at the closing: only "closed" is added.
    assert {k: v for k, v in data.items() if k != "closed"} == json.loads(live_before)
    assert data["totals"] == {"D901": "0.50", "D902": "1.50", "P90-SNV": "0.75", "P90-STP": "0.75"}

    settings.KSTT_CLOCK = datetime(2022, 2, 3, 9, 0, tzinfo=HN)
    load(p90, "late.csv", LATE_INCIDENT, "load_incidents")
    assert run("deductions", "--year", "2021") == closed  # byte-identical
    live = json.loads(run("deductions", "--year", "2021", "--live"))
    assert "closed" not in live
    d901_q1 = next(x for x in live["lines"] if (x["unit"], x["period"]) == ("D901", "2021Q1"))
    assert d901_q1["status"] == "excused" and d901_q1["effective_deadline"] == "2021-03-22T23:59:59.999999+07:00"

    diff = json.loads(run("deductions", "--year", "2021", "--diff"))
    assert diff["closed"]["sha256"] == record.sha256
    assert [(c["unit"], c["period"]) for c in diff["changes"]] == [("D901", "2021Q1")]
    change = diff["changes"][0]
    assert change["closed"]["status"] == "late" and change["live"]["status"] == "excused"
    assert change["live"]["incidents"] and not change["closed"]["incidents"]
    assert diff["totals"] == {}  # still −0.25: the version that stands was returned (forms)


def test_the_snapshot_holds_every_scored_unit_the_evidence_and_the_settings(p90):
    run("close_year", "2021")
    record = YearClosing.objects.get()
    data = json.loads(record.snapshot)
    assert record.snapshot == json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert data["province"]["code"] == "P90" and data["year"] == 2021
    assert set(data["totals"]) == {"D901", "D902", "P90-SNV", "P90-STP"}
    assert data["settings"][0]["number"] == 1 and data["settings"][0]["periods"] == [
        "2021Q1",
        "2021Q2",
        "2021Q3",
        "2021Q4",
    ]
    assert data["evidence"]["lines"] == 16 and data["evidence"]["statuses"]["not_sent"] == 5
    # D902 2021Q2 was sent but only after its closing time; P90-STP 2021Q4 also.
    assert ["D901", "2021Q4"] not in data["evidence"]["not_reviewed"]
    workbook = load_workbook(record.workbook.open("rb"))
    assert workbook.sheetnames == ["Tổng hợp", "Chi tiết"]
    entry = AuditEntry.objects.get(event="compliance.year_closed")
    assert entry.data["sha256"] == record.sha256 and entry.data["revision"] == 1


def test_reopening_needs_a_reason_and_closing_again_makes_revision_two(p90, settings):
    run("close_year", "2021")
    first = run("deductions", "--year", "2021")
    with pytest.raises(CommandError, match="already closed"):
        run("close_year", "2021")
    with pytest.raises(CommandError, match="reason"):
        run("reopen_year", "2021")
    settings.KSTT_CLOCK = datetime(2022, 2, 3, 9, 0, tzinfo=HN)
    load(p90, "late.csv", LATE_INCIDENT, "load_incidents")
    settings.KSTT_CLOCK = datetime(2022, 2, 4, 9, 0, tzinfo=HN)
    assert "revision 1 kept" in run("reopen_year", "2021", "--reason", "Sự cố ngày 19/3 được ghi nhận muộn")
    open_again = json.loads(run("deductions", "--year", "2021"))
    assert "closed" not in open_again  # judged from the facts again
    with pytest.raises(CommandError, match="not closed"):
        run("deductions", "--year", "2021", "--diff")
    with pytest.raises(CommandError, match="not closed"):
        run("reopen_year", "2021", "--reason", "again")
    settings.KSTT_CLOCK = datetime(2022, 2, 5, 9, 0, tzinfo=HN)
    assert "revision 2" in run("close_year", "2021")
    second = json.loads(run("deductions", "--year", "2021"))
    one, two = YearClosing.objects.order_by("revision")
    assert (one.revision, two.revision) == (1, 2) and one.sha256 != two.sha256
    assert second["closed"]["revision"] == 2
    assert YearReopening.objects.get().closing == one
    # Revision 1 is kept, and the ledger as known on 2/02/2022 is still it.
    assert run("deductions", "--year", "2021", "--as-of", "2022-02-02T09:00:00+07:00") == first
    d901 = next(x for x in second["lines"] if (x["unit"], x["period"]) == ("D901", "2021Q1"))
    assert d901["status"] == "excused"
    assert AuditEntry.objects.get(event="compliance.year_reopened").data["reason"].startswith("Sự cố")


def test_a_year_with_lines_not_final_cannot_be_closed(p90, settings):
    settings.KSTT_CLOCK = datetime(2022, 1, 10, 9, 0, tzinfo=HN)  # Q4's closing time (19/01/2022) is ahead
    err = io.StringIO()
    with pytest.raises(CommandError, match="cannot be closed yet: 4 lines"):
        call_command("close_year", "2021", stdout=io.StringIO(), stderr=err)
    assert "D901 2021Q4: not_final" in err.getvalue()
    assert not YearClosing.objects.exists()


def test_an_open_incident_blocks_the_closing(p90, tmp_path):
    load(
        tmp_path,
        "open.csv",
        "start,end,scope,description\n2021-12-20T10:00:00+07:00,,D902,Chưa khắc phục\n",
        "load_incidents",
        "--reason=Sự cố chưa khắc phục",  # the open year's line it holds open moves
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 lines"):
        call_command("close_year", "2021", stdout=io.StringIO(), stderr=err)
    assert "D902 2021Q4: incident_open" in err.getvalue()


def test_who_closes(p90):
    save_user(
        username="hoa",
        full_name="Vũ Thị Hoa",
        unit=Unit.objects.get(code="P90"),
        roles={Role.REVIEWER},
        password=None,
        at=AT,
    )
    save_user(
        username="snv",
        full_name="Lê Văn Nội",
        unit=Unit.objects.get(code="P90-SNV"),
        roles={Role.REVIEWER},
        password=None,
        at=AT,
    )
    with pytest.raises(CommandError, match="You may not"):
        run("close_year", "2021", "--by", "snv")
    with pytest.raises(CommandError, match="no such user"):
        run("close_year", "2021", "--by", "nobody")
    run("close_year", "2021", "--by", "hoa")
    assert json.loads(run("deductions", "--year", "2021"))["closed"]["by"] == "hoa"


@pytest.mark.parametrize(
    ("command", "args", "message"),
    [
        ("close_year", ["1999"], "not a year"),
        ("close_year", ["2021", "--province", "D901"], "no province"),
        ("close_year", ["2021", "--report", "nope"], "unknown report type"),
        ("reopen_year", ["2021", "--reason", "x"], "not closed"),
        ("deductions", ["--year", "2021", "--diff"], "not closed"),
        ("deductions", ["--year", "2021", "--diff", "--format", "csv"], "JSON only"),
    ],
)
def test_bad_input_is_refused_clearly(p90, command, args, message):
    with pytest.raises(CommandError, match=message):
        run(command, *args)


def test_the_closed_year_in_csv_and_xlsx(p90, tmp_path):
    run("close_year", "2021")
    path = tmp_path / "closed.xlsx"
    run("deductions", "--year", "2021", "--format", "xlsx", "--output", str(path))
    assert path.read_bytes() == YearClosing.objects.get().workbook.open("rb").read()
    rows = run("deductions", "--year", "2021", "--format", "csv").splitlines()
    assert len(rows) == 17 and rows[0].startswith("unit,report,period")


def test_a_province_day_declared_after_the_closing_changes_nothing_in_the_snapshot(p90, settings):
    """Friday 19/03/2021, D901's and D902's Q1 deadline, declared a day off after the closing: today's
    judgement moves their deadline to Monday 22/03 (D901's report of that morning is on time), the
    closed ledger does not move."""
    run("close_year", "2021")
    closed = run("deductions", "--year", "2021")
    settings.KSTT_CLOCK = datetime(2022, 2, 3, 9, 0, tzinfo=HN)
    declare_day(day=date(2021, 3, 19), kind="day_off", name="Nghỉ bù (QĐ 99)", at=settings.KSTT_CLOCK, actor=None)
    assert run("deductions", "--year", "2021") == closed
    diff = json.loads(run("deductions", "--year", "2021", "--diff"))
    d901 = next(c for c in diff["changes"] if (c["unit"], c["period"]) == ("D901", "2021Q1"))
    assert d901["closed"]["status"] == "late" and d901["live"]["deadline"].startswith("2021-03-22")


def test_two_provinces_each_close_their_own_year(p90, tmp_path):
    """A second province, P91, with one district that never reported: closing P90 leaves P91 open."""
    load(
        tmp_path,
        "p91.csv",
        "code,name,level,kind,parent_code\nP91,Tỉnh Hai,province,tỉnh,\nD911,Huyện Một Một,district,huyện,P91\n",
        "load_units",
    )
    with pytest.raises(CommandError, match="exactly one province"):
        run("close_year", "2021")
    run("close_year", "2021", "--province", "P90")
    p90_closed = json.loads(run("deductions", "--year", "2021", "--province", "P90"))
    assert p90_closed["closed"]["revision"] == 1 and "D911" not in p90_closed["totals"]
    p91_open = json.loads(run("deductions", "--year", "2021", "--province", "P91"))
    assert "closed" not in p91_open and set(p91_open["totals"]) == {"D911"}
    assert p91_open["totals"]["D911"] == "2.00"  # four quarters never sent
    everyone = json.loads(run("deductions", "--year", "2021"))  # several provinces, none named: live
    assert "closed" not in everyone and {"D911", "D901"} <= set(everyone["totals"])
