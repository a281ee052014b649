"""A back-dated change shows its cost (issue 14 point 4): a settings version, a province day or an
incident that moves ledger lines already final needs a reason, and its audit entry keeps the lines.

The story of ledger_story.py, changed on 10/11/2021 (``NOW``): Q1–Q3 are final. Sở Tư pháp sent Q3
on Wed 22/09, after its deadline (Mon 20/09): late, −0.25. Lạc Sơn sent Q3 on time; Mai Châu never did.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt import ledger_impact, ledger_watch
from kstt.audit.describe import describe
from kstt.audit.models import AuditEntry
from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import CalendarDay, SettingsVersion
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import change_settings, declare_day, withdraw_day
from kstt.compliance.choices import status_label
from kstt.compliance.ledger_selectors import ledger
from kstt.compliance.rules import ledger_changes
from kstt.compliance.tests.ledger_story import HN, NOW, history  # noqa: F401 (a fixture)
from kstt.incidents.models import Incident
from kstt.incidents.services import close_incident, record_incident, update_incident
from kstt.ledger_impact import CostChanged, LineChange, LineState, ReasonRequired
from kstt.reports.services import load_submissions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

Q3 = Period.parse("2021Q3")
WHY = "Quyết định số 15/QĐ-UBND áp dụng từ quý III"
LATE = LineState("late", Decimal("0.25"))
EXCUSED = LineState("excused", Decimal("0.00"))
ON_TIME = LineState("on_time", Decimal("0.00"))
NOT_SENT = LineState("not_sent", Decimal("0.50"))
JUSTICE = "Sở Tư pháp"


def justice_q3(before, after) -> LineChange:
    return LineChange("P17-STP", JUSTICE, "kstt", "2021Q3", before, after)


def lines_now(report_type) -> dict:
    return {
        (line.judged.code, line.judged.period.code, line.judged.report): (
            line.judged.name,
            LineState(line.judged.verdict.status.value, line.judged.verdict.deduction),
        )
        for line in ledger(report_type=report_type, year=2021, as_of=NOW).lines
    }


def audited(event: str) -> AuditEntry:
    return AuditEntry.objects.filter(event=event).latest("pk")


def higher_late_points(kstt_report, quan, *, valid_from=Q3, **cost):
    return change_settings(
        report_type=kstt_report,
        values={"late_points": "0.30"},
        valid_from=valid_from,
        note="Quyết định số 15/QĐ-UBND",
        at=NOW,
        actor=quan,
        **cost,
    )


# --- Settings versions ---------------------------------------------------------------------------------


def test_a_settings_version_that_moves_a_line_needs_a_reason_and_audits_the_line(kstt_report, quan):
    with pytest.raises(ReasonRequired) as refused:
        higher_late_points(kstt_report, quan)
    moved = justice_q3(LATE, LineState("late", Decimal("0.30")))
    assert refused.value.changes == (moved,)
    assert SettingsVersion.objects.filter(report_type=kstt_report).count() == 2  # nothing saved

    version = higher_late_points(kstt_report, quan, reason=WHY)
    entry = audited("catalogue.settings_changed")
    assert entry.data["reason"] == WHY
    assert entry.data["ledger_changes"] == [moved.as_data()]
    assert version.late_points == Decimal("0.30")


def test_a_settings_version_for_periods_not_final_yet_needs_no_reason(kstt_report, quan):
    higher_late_points(kstt_report, quan, valid_from=Period.parse("2022Q1"))
    entry = audited("catalogue.settings_changed")
    assert "reason" not in entry.data and "ledger_changes" not in entry.data


def test_the_preview_is_what_saving_does(kstt_report, quan):
    """The lines judged in memory are the lines the saved change moves, judged from the database."""
    before = lines_now(kstt_report)
    change_settings(
        report_type=kstt_report,
        values={"late_points": "0.30", "scored_levels": ["department", "district", "commune"], "closing_days": 60},
        valid_from=Period.parse("2021Q2"),
        note="Quyết định số 16/QĐ-UBND",
        at=NOW,
        actor=quan,
        reason=WHY,
    )
    recorded = audited("catalogue.settings_changed").data["ledger_changes"]
    kstt_report.refresh_from_db()
    from kstt.catalogue import selectors

    selectors.forget_settings(kstt_report)
    assert recorded == [line.as_data() for line in ledger_changes(before, lines_now(kstt_report))]
    assert any(line["before"] is None for line in recorded)  # the communes' lines come in
    assert any(line["after"] is None for line in recorded)  # Q3 is no longer final with 60 days


def test_a_preview_that_no_longer_holds_is_refused_with_the_new_lines(kstt_report, quan):
    with pytest.raises(ReasonRequired) as shown:
        higher_late_points(kstt_report, quan)
    # Meanwhile Mai Châu's Q3 report is found, sent late: that line moves too now.
    load_submissions(
        data=b"unit_code,report,period,event,at,reasons\nD156,kstt,2021Q3,submitted,2021-10-01T09:00:00+07:00,\n",
        at=NOW,
    )
    with pytest.raises(CostChanged) as stale:
        higher_late_points(kstt_report, quan, reason=WHY, seen=shown.value.changes)
    assert [(line.unit, line.period) for line in stale.value.changes] == [("D156", "2021Q3"), ("P17-STP", "2021Q3")]
    assert SettingsVersion.objects.filter(report_type=kstt_report).count() == 2
    higher_late_points(kstt_report, quan, reason=WHY, seen=stale.value.changes)
    assert len(audited("catalogue.settings_changed").data["ledger_changes"]) == 2


def test_a_page_that_saw_no_line_is_shown_the_lines(kstt_report, quan):
    """A page sends the lines it showed: none at first, so a change that moves lines is previewed."""
    with pytest.raises(CostChanged):
        higher_late_points(kstt_report, quan, reason=WHY, seen=())


def test_with_no_ledger_the_change_saves_as_before(kstt_report, quan, monkeypatch):
    monkeypatch.setattr(ledger_watch, "_watch", None)
    higher_late_points(kstt_report, quan)
    assert "ledger_changes" not in audited("catalogue.settings_changed").data


# --- Province days -------------------------------------------------------------------------------------


def test_a_day_that_moves_a_deadline_but_no_verdict_needs_no_reason(quan):
    # Monday 20/09 off: Sở Tư pháp's deadline moves to Tuesday 21/09, still before Wednesday's sending.
    declare_day(day=date(2021, 9, 20), kind=DayKind.DAY_OFF, name="Nghỉ bù", at=NOW, actor=quan)
    assert "ledger_changes" not in audited("catalogue.day_declared").data


def test_a_day_that_moves_a_line_needs_a_reason_and_so_does_its_withdrawal(quan):
    declare_day(day=date(2021, 9, 20), kind=DayKind.DAY_OFF, name="Nghỉ bù", at=NOW, actor=quan)
    with pytest.raises(ReasonRequired) as refused:
        declare_day(day=date(2021, 9, 21), kind=DayKind.DAY_OFF, name="Nghỉ bù (2)", at=NOW, actor=quan)
    assert refused.value.changes == (justice_q3(LATE, ON_TIME),)
    assert not CalendarDay.objects.filter(day=date(2021, 9, 21)).exists()
    entry = declare_day(day=date(2021, 9, 21), kind=DayKind.DAY_OFF, name="Nghỉ bù (2)", at=NOW, actor=quan, reason=WHY)
    assert audited("catalogue.day_declared").data["ledger_changes"] == [justice_q3(LATE, ON_TIME).as_data()]

    with pytest.raises(ReasonRequired) as back:
        withdraw_day(entry=entry, at=NOW, actor=quan)
    assert back.value.changes == (justice_q3(ON_TIME, LATE),)
    withdraw_day(entry=entry, at=NOW, actor=quan, reason="Công bố nhầm")
    assert audited("catalogue.day_withdrawn").data["reason"] == "Công bố nhầm"


# --- Incidents -----------------------------------------------------------------------------------------


def outage(hoa, *, end, **cost) -> Incident:
    """The reporting system down from Monday 20/09/2021 14:00, for every unit."""
    return record_incident(
        start=datetime(2021, 9, 20, 14, tzinfo=HN),
        end=end,
        all_units=True,
        units=[],
        description="Hệ thống báo cáo mất kết nối",
        at=NOW,
        actor=hoa,
        **cost,
    )


def test_an_incident_still_open_takes_the_lines_it_holds_open_out_of_the_ledger(hoa):
    with pytest.raises(ReasonRequired) as refused:
        outage(hoa, end=None)
    assert [(line.unit, line.period, line.before, line.after) for line in refused.value.changes] == [
        ("D156", "2021Q3", NOT_SENT, None),
        ("D157", "2021Q3", ON_TIME, None),
        ("P17-STP", "2021Q3", LATE, None),
    ]
    assert not Incident.objects.exists()


def test_closing_an_open_incident_brings_its_lines_back_judged_with_the_extension(hoa):
    incident = outage(hoa, end=None, reason="Trung tâm báo sự cố")
    with pytest.raises(ReasonRequired) as refused:
        close_incident(incident=incident, end=datetime(2021, 9, 21, 8, tzinfo=HN), at=NOW, actor=hoa)
    # The deadline moves to the end of Wednesday 22/09: Sở Tư pháp's report of that morning is excused.
    assert [(line.unit, line.before, line.after) for line in refused.value.changes] == [
        ("D156", None, NOT_SENT),
        ("D157", None, ON_TIME),
        ("P17-STP", None, EXCUSED),
    ]
    incident.refresh_from_db()
    assert incident.is_open
    close_incident(incident=incident, end=datetime(2021, 9, 21, 8, tzinfo=HN), at=NOW, actor=hoa, reason=WHY)
    entry = audited("incidents.closed")
    assert (entry.data["reason"], len(entry.data["ledger_changes"])) == (WHY, 3)


def test_an_incident_edit_is_judged_against_the_incident_as_recorded(hoa, dept_justice, district_lac_son):
    incident = outage(hoa, end=datetime(2021, 9, 21, 8, tzinfo=HN), reason=WHY)
    assert audited("incidents.recorded").data["ledger_changes"] == [justice_q3(LATE, EXCUSED).as_data()]
    # Narrowed to Lạc Sơn: Sở Tư pháp's report is late again; Lạc Sơn's stays on time.
    fields = {
        "start": incident.start,
        "end": incident.end,
        "all_units": False,
        "units": [district_lac_son],
        "description": incident.description,
    }
    with pytest.raises(ReasonRequired) as refused:
        update_incident(incident=incident, **fields, at=NOW, actor=hoa)
    assert refused.value.changes == (justice_q3(EXCUSED, LATE),)
    # Its description alone moves nothing.
    update_incident(
        incident=incident, **{**fields, "units": [], "all_units": True, "description": "Mất mạng"}, at=NOW, actor=hoa
    )
    assert "ledger_changes" not in audited("incidents.updated").data


def test_an_incident_after_the_closing_times_moves_nothing(hoa):
    record_incident(
        start=datetime(2021, 11, 9, 14, tzinfo=HN),
        end=datetime(2021, 11, 9, 16, tzinfo=HN),
        all_units=True,
        units=[],
        description="Bảo trì",
        at=NOW,
        actor=hoa,
    )
    assert "ledger_changes" not in audited("incidents.recorded").data


def test_an_invisible_reason_is_no_reason(hoa):
    with pytest.raises(ReasonRequired):
        outage(hoa, end=None, reason="\u200b \u00a0")


@pytest.mark.parametrize("reason", ["Biên bản\x00", "x" * 5001], ids=["nul", "too-long"])
def test_a_reason_that_cannot_be_kept_is_no_reason(hoa, reason):
    with pytest.raises(ReasonRequired):
        outage(hoa, end=None, reason=reason)


def test_the_audit_trail_reads_the_lines_in_words(hoa):
    outage(hoa, end=datetime(2021, 9, 21, 8, tzinfo=HN), reason=WHY)
    told = describe([audited("incidents.recorded")])
    details = " | ".join(next(iter(told.values())).details)
    assert WHY in details
    assert (
        f"{JUSTICE} (P17-STP), Quý III/2021: {status_label('late')}, −0,25 → {status_label('excused')}, 0,00" in details
    )


def test_lines_moved_without_a_ledger_is_nothing(monkeypatch):
    monkeypatch.setattr(ledger_watch, "_watch", None)
    change = ledger_impact.DayChange(date(2021, 9, 21), DayKind.DAY_OFF)
    assert ledger_impact.lines_moved(change, at=NOW) == ()


# --- `kstt load-incidents` -----------------------------------------------------------------------------

OUTAGE_CSV = "start,end,scope,description\n2021-09-20T14:00:00+07:00,2021-09-21T08:00:00+07:00,P17-STP,Mất kết nối\n"


def load_incidents_file(tmp_path, text, *options):
    file = tmp_path / "incidents.csv"
    file.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_incidents", str(file), *options, stdout=out)
    return out.getvalue()


def test_load_incidents_lists_the_lines_and_asks_for_a_reason(tmp_path, settings):
    settings.KSTT_CLOCK = NOW
    file = tmp_path / "incidents.csv"
    file.write_text(OUTAGE_CSV, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match=r"change 1 ledger line\(s\).*give --reason.*nothing was loaded"):
        call_command("load_incidents", str(file), stdout=out)
    assert f"{JUSTICE} (P17-STP), Quý III/2021: {status_label('late')}, −0,25 →" in out.getvalue()
    assert not Incident.objects.exists()

    printed = load_incidents_file(tmp_path, OUTAGE_CSV, f"--reason={WHY}")
    assert "1 new, 0 updated, 0 unchanged incidents" in printed
    assert "1 ledger line(s) changed:" in printed and "Sở Tư pháp (P17-STP)" in printed
    entry = audited("incidents.loaded")
    assert entry.data["reason"] == WHY and entry.data["ledger_changes"] == [justice_q3(LATE, EXCUSED).as_data()]
    # The same file again changes nothing: no reason needed.
    assert "0 new, 0 updated, 1 unchanged" in load_incidents_file(tmp_path, OUTAGE_CSV)


def test_load_incidents_that_move_no_line_need_no_reason(tmp_path, settings):
    settings.KSTT_CLOCK = NOW
    later = "start,end,scope,description\n2021-11-09T14:00:00+07:00,2021-11-09T16:00:00+07:00,all,Bảo trì\n"
    printed = load_incidents_file(tmp_path, later)
    assert "1 new" in printed and "ledger line" not in printed


def test_the_preview_judges_each_year_once_whatever_the_number_of_lines(django_assert_max_num_queries):
    """Two judgements (before, after) of the years the change reaches, each a fixed number of queries:
    never a query per line or per unit; and one to leave out the lines of a closed year."""
    change = ledger_impact.IncidentChange(
        (ledger_impact.IncidentFacts(None, datetime(2021, 9, 20, 14, tzinfo=HN), None, True),)
    )
    with django_assert_max_num_queries(9):
        moved = ledger_impact.lines_moved(change, at=NOW)
    assert len(moved) == 3
