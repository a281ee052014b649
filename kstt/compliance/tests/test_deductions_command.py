"""`kstt deductions` on a province loaded through the `kstt load-*` commands (issue 9, "done when").

A small province, P90, with two departments and two districts (the scored levels of 2021) and a
commune (not scored). Its 2021 history holds every case of rules.md §4–§6. The deadlines (default
settings): departments E + 4 days, districts E + 5 days, moved off weekends; the closing time 30
days after the deadline, moved the same way.

| period | window ends | department deadline | district deadline | closing (dept / district) |
|---|---|---|---|---|
| Q1 | Sun 14/03 | Thu 18/03 | Fri 19/03 | Mon 19/04 (17/04 is a Saturday) / Mon 19/04 |
| Q2 | Mon 14/06 | Fri 18/06 | Mon 21/06 (19/06 Sat) | Mon 19/07 / Wed 21/07 |
| Q3 | Tue 14/09 | Mon 20/09 (18/09 Sat) | Mon 20/09 (19/09 Sun) | Wed 20/10 |
| Q4 | Tue 14/12 | Mon 20/12 | Mon 20/12 | Wed 19/01/2022 |
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from kstt.incidents.models import Incident

pytestmark = pytest.mark.django_db

UNITS = """code,name,level,kind,parent_code
P90,Ủy ban nhân dân tỉnh Thử Nghiệm,province,tỉnh,
P90-SNV,Sở Nội vụ,department,"sở, ban, ngành",P90
P90-STP,Sở Tư pháp,department,"sở, ban, ngành",P90
D901,Ủy ban nhân dân huyện Một,district,huyện,P90
D902,Ủy ban nhân dân huyện Hai,district,huyện,P90
W90101,Ủy ban nhân dân xã Một Một,commune,xã,D901
"""

SUBMISSIONS = """unit_code,report,period,event,at,reasons
P90-SNV,kstt,2021Q1,submitted,2021-03-18T23:59:59.999999+07:00,
P90-SNV,kstt,2021Q1,accepted,2021-03-22T09:00:00+07:00,
P90-SNV,kstt,2021Q2,submitted,2021-06-19T00:00:00+07:00,
P90-SNV,kstt,2021Q2,accepted,2021-06-22T09:00:00+07:00,
P90-SNV,kstt,2021Q3,submitted,2021-09-20T15:00:00+07:00,
P90-SNV,kstt,2021Q3,accepted,2021-09-22T09:00:00+07:00,
P90-STP,kstt,2021Q1,submitted,2021-03-15T09:00:00+07:00,
P90-STP,kstt,2021Q1,returned,2021-03-16T09:00:00+07:00,incomplete
P90-STP,kstt,2021Q1,submitted,2021-03-17T09:00:00+07:00,
P90-STP,kstt,2021Q1,accepted,2021-03-22T09:00:00+07:00,
P90-STP,kstt,2021Q2,submitted,2021-06-17T09:00:00+07:00,
P90-STP,kstt,2021Q2,returned,2021-06-25T09:00:00+07:00,inaccurate;outline
P90-STP,kstt,2021Q2,submitted,2021-06-28T09:00:00+07:00,
P90-STP,kstt,2021Q2,accepted,2021-06-29T09:00:00+07:00,
P90-STP,kstt,2021Q3,submitted,2021-09-23T10:00:00+07:00,
P90-STP,kstt,2021Q3,accepted,2021-09-24T10:00:00+07:00,
P90-STP,kstt,2021Q4,submitted,2022-01-20T08:00:00+07:00,
D901,kstt,2021Q1,submitted,2021-03-22T09:00:00+07:00,
D901,kstt,2021Q1,returned,2021-03-23T09:00:00+07:00,forms
D901,kstt,2021Q1,submitted,2021-03-25T09:00:00+07:00,
D901,kstt,2021Q1,accepted,2021-03-26T09:00:00+07:00,
D901,kstt,2021Q2,submitted,2021-06-21T16:30:00+00:00,
D901,kstt,2021Q2,accepted,2021-06-23T09:00:00+07:00,
D901,kstt,2021Q3,submitted,2021-09-22T16:00:00+07:00,
D901,kstt,2021Q3,returned,2021-09-24T09:00:00+07:00,incomplete
D901,kstt,2021Q3,submitted,2021-09-27T09:00:00+07:00,
D901,kstt,2021Q3,accepted,2021-09-28T09:00:00+07:00,
D901,kstt,2021Q4,submitted,2021-12-20T23:59:59+07:00,
D901,kstt,2021Q4,accepted,2021-12-22T09:00:00+07:00,
D902,kstt,2021Q2,submitted,2021-07-22T08:00:00+07:00,
D902,kstt,2021Q3,submitted,2021-09-17T10:00:00+07:00,
D902,kstt,2021Q3,accepted,2021-09-20T10:00:00+07:00,
D901,kstt,2024Q1,submitted,2024-04-19T10:00:00+07:00,
W90101,kstt,2021Q1,submitted,2021-04-30T10:00:00+07:00,
"""

INCIDENTS = """start,end,scope,description
2021-09-20T20:00:00+07:00,2021-09-22T10:00:00+07:00,P90-STP,Mất kết nối đường truyền Sở Tư pháp
2021-09-20T23:00:00+07:00,2021-09-21T01:00:00+07:00,D901,Lỗi máy chủ báo cáo huyện Một
2021-12-20T10:00:00+07:00,,D902,Sự cố chưa khắc phục
"""

HN = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = "2022-02-01T00:00:00+07:00"


def end(day: str) -> str:
    return f"{day}T23:59:59.999999+07:00"


@pytest.fixture
def province(tmp_path: Path) -> dict[str, int]:
    for name, text, command in (
        ("units.csv", UNITS, "load_units"),
        ("submissions.csv", SUBMISSIONS, "load_submissions"),
        ("incidents.csv", INCIDENTS, "load_incidents"),
    ):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        # The incidents are loaded after the history they excuse: they move its lines, so they say why.
        options = ["--reason=Biên bản sự cố"] if command == "load_incidents" else []
        call_command(command, str(path), *options, stdout=io.StringIO(), stderr=io.StringIO())
    return {i.description: i.pk for i in Incident.objects.all()}


def deductions(*args: str) -> str:
    out = io.StringIO()
    call_command("deductions", *args, stdout=out)
    return out.getvalue()


def line(unit, period, deadline, effective, submitted, status, deduction, faults=(), incidents=()):
    return {
        "unit": unit,
        "report": "kstt",
        "period": period,
        "deadline": end(deadline),
        "effective_deadline": end(effective),
        "submitted_at": submitted,
        "status": status,
        "faults": list(faults),
        "incidents": list(incidents),
        "deduction": deduction,
    }


def test_the_year_2021_as_rules_md_prescribes(province: dict[str, int]) -> None:
    stp = province["Mất kết nối đường truyền Sở Tư pháp"]
    d901 = province["Lỗi máy chủ báo cáo huyện Một"]
    result = json.loads(deductions("--year", "2021", "--as-of", AS_OF, "--format", "json"))
    expected = [
        # Returned for incomplete data, then late and returned: one deduction.
        line("D901", "2021Q1", "2021-03-19", "2021-03-19", "2021-03-22T09:00:00+07:00", "late", "0.25", ["forms"]),
        # A timestamp written in UTC: 16:30 UTC is 23:30 in Hà Nội, before the deadline.
        line("D901", "2021Q2", "2021-06-21", "2021-06-21", "2021-06-21T23:30:00+07:00", "on_time", "0.00"),
        # On time only thanks to an incident (excused), but the version that stands was returned.
        line(
            "D901",
            "2021Q3",
            "2021-09-20",
            "2021-09-22",
            "2021-09-22T16:00:00+07:00",
            "excused",
            "0.25",
            ["incomplete"],
            [d901],
        ),
        # The deadline rolled from Sunday 19/12 to Monday 20/12: sent on its last second.
        line("D901", "2021Q4", "2021-12-20", "2021-12-20", "2021-12-20T23:59:59+07:00", "on_time", "0.00"),
        # Never sent.
        line("D902", "2021Q1", "2021-03-19", "2021-03-19", None, "not_sent", "0.50"),
        # First sent after the closing time (21/07): not sent.
        line("D902", "2021Q2", "2021-06-21", "2021-06-21", "2021-07-22T08:00:00+07:00", "not_sent", "0.50"),
        line("D902", "2021Q3", "2021-09-20", "2021-09-20", "2021-09-17T10:00:00+07:00", "on_time", "0.00"),
        # D902 2021Q4: an incident in its scope is still open: the report cannot be late yet, no line.
        # Exactly at the deadline (its last microsecond).
        line("P90-SNV", "2021Q1", "2021-03-18", "2021-03-18", end("2021-03-18"), "on_time", "0.00"),
        # One microsecond after it.
        line("P90-SNV", "2021Q2", "2021-06-18", "2021-06-18", "2021-06-19T00:00:00+07:00", "late", "0.25"),
        # E + 4 is Saturday 18/09: the deadline is Monday 20/09.
        line("P90-SNV", "2021Q3", "2021-09-20", "2021-09-20", "2021-09-20T15:00:00+07:00", "on_time", "0.00"),
        line("P90-SNV", "2021Q4", "2021-12-20", "2021-12-20", None, "not_sent", "0.50"),
        # Returned before the deadline and corrected in time: no fault.
        line("P90-STP", "2021Q1", "2021-03-18", "2021-03-18", "2021-03-15T09:00:00+07:00", "on_time", "0.00"),
        # Returned after the deadline: the version sent on time stands, with its reasons.
        line(
            "P90-STP",
            "2021Q2",
            "2021-06-18",
            "2021-06-18",
            "2021-06-17T09:00:00+07:00",
            "on_time",
            "0.25",
            ["outline", "inaccurate"],
        ),
        # An incident open at the deadline, ended 22/09: the deadline is the end of 23/09; excused.
        line(
            "P90-STP", "2021Q3", "2021-09-20", "2021-09-23", "2021-09-23T10:00:00+07:00", "excused", "0.00", [], [stp]
        ),
        # First sent after the closing time (19/01/2022).
        line("P90-STP", "2021Q4", "2021-12-20", "2021-12-20", "2022-01-20T08:00:00+07:00", "not_sent", "0.50"),
    ]
    assert result["year"] == 2021
    assert result["lines"] == expected
    assert result["totals"] == {"D901": "0.50", "D902": "1.00", "P90-SNV": "0.75", "P90-STP": "0.75"}
    assert result["appeals"] == []


def test_as_of_defaults_to_the_clock_and_only_closed_lines_count(province: dict[str, int], settings) -> None:
    settings.KSTT_CLOCK = datetime(2021, 10, 20, 23, 59, 59, 999999, tzinfo=HN)  # Q3's closing time, not yet past
    result = json.loads(deductions("--year", "2021"))
    assert {(line["unit"], line["period"]) for line in result["lines"]} == {
        (unit, period) for unit in ("D901", "D902", "P90-SNV", "P90-STP") for period in ("2021Q1", "2021Q2")
    }
    settings.KSTT_CLOCK = datetime(2021, 10, 21, tzinfo=HN)
    assert len(json.loads(deductions("--year", "2021"))["lines"]) == 12


def test_a_closing_time_moved_off_a_public_holiday(province: dict[str, int]) -> None:
    """D901 2024Q1: deadline Tue 19/03/2024; 30 days later is Thu 18/04/2024, the Hùng Kings'
    day (Giỗ Tổ): the closing time is the end of Friday 19/04, and a report sent that morning is late."""
    result = json.loads(deductions("--year", "2024", "--as-of", "2025-01-01T00:00:00+07:00"))
    mine = [line for line in result["lines"] if line["unit"] == "D901" and line["period"] == "2024Q1"]
    assert mine == [line("D901", "2024Q1", "2024-03-19", "2024-03-19", "2024-04-19T10:00:00+07:00", "late", "0.25")]


def test_csv_has_the_same_lines(province: dict[str, int]) -> None:
    rows = list(csv.DictReader(io.StringIO(deductions("--year", "2021", "--as-of", AS_OF, "--format", "csv"))))
    assert len(rows) == 15
    d901 = next(r for r in rows if (r["unit"], r["period"]) == ("P90-STP", "2021Q2"))
    assert d901["faults"] == "outline;inaccurate" and d901["deduction"] == "0.25" and d901["submitted_at"]
    never = next(r for r in rows if (r["unit"], r["period"]) == ("D902", "2021Q1"))
    assert never["submitted_at"] == "" and never["status"] == "not_sent"


def test_xlsx_has_the_same_figures(province: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "diem-tru-2021.xlsx"
    assert deductions("--year", "2021", "--as-of", AS_OF, "--format", "xlsx", "--output", str(path)) == ""
    workbook = load_workbook(path)
    summary = workbook["Tổng hợp"]
    rows = [r for r in summary.iter_rows(min_row=7, values_only=True) if r[1]]
    # departments first, then districts: code, level, Q1..Q4, total
    assert [(r[1], r[3], *r[4:9]) for r in rows] == [
        ("P90-SNV", "Sở, ban, ngành", 0, 0.25, 0, 0.5, 0.75),
        ("P90-STP", "Sở, ban, ngành", 0, 0.25, 0, 0.5, 0.75),
        ("D901", "Cấp huyện", 0.25, 0, 0.25, 0, 0.5),
        ("D902", "Cấp huyện", 0.5, 0.5, 0, None, 1),  # Q4 held open by an incident: no line yet
    ]
    total = next(r for r in summary.iter_rows(min_row=7, values_only=True) if r[0] == "Tổng cộng")
    assert total[4:9] == (0.75, 1, 0.25, 1, 3)
    detail = list(workbook["Chi tiết"].iter_rows(min_row=5, values_only=True))
    assert len(detail) == 15
    d901_q3 = next(r for r in detail if (r[1], r[3]) == ("D901", "Quý III/2021"))
    assert d901_q3[4:8] == ("20/09/2021 23:59", "22/09/2021 23:59", "22/09/2021 16:00", "Được gia hạn do sự cố")
    assert d901_q3[8] == "Số liệu không đầy đủ"
    assert d901_q3[9] == f"#{province['Lỗi máy chủ báo cáo huyện Một']} Lỗi máy chủ báo cáo huyện Một"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2021", "--as-of", "2022-02-01T00:00:00"], "offset"),
        (["--year", "2021", "--as-of", "tomorrow"], "--as-of"),
        (["--year", "1200"], "year"),
        (["--year", "2021", "--report", "nope"], "unknown report type"),
    ],
)
def test_bad_input_is_refused_clearly(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        deductions(*args)
