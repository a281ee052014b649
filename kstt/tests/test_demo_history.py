"""The demo's 2021 is a believable year: most reports on time, some late, some returned and corrected,
some never sent, one sent once an incident was over; on its day (20/12/2021) the fourth quarter is
under way. Judged through the reports' own selectors and deadlines, not through the demo's plan."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Max

from kstt.accounts.models import User
from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import FORM06, TOTAL
from kstt.demo.content import narrative_pdf
from kstt.demo.history import REASONS, Case, Due, history_csv, plan
from kstt.interchange import read_csv
from kstt.reports import documents
from kstt.reports import rules as report_rules
from kstt.reports import selectors as reports
from kstt.reports.compiled_selectors import compile_from_reports
from kstt.reports.models import Draft, NarrativeDocument, ReportInstance, ReportVersion, Review
from kstt.units import selectors as units
from kstt.units.models import Unit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_INSTANT = datetime(2021, 12, 20, 9, 0, tzinfo=HCM)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=HCM)


def commune_q3(code: str = "W1", *, moved_to: date | None = None) -> Due:
    """A commune's Q3 2021 report: window ends 14/09, due 16/09 (E + 2), closing 16/10."""
    deadline = end_of(date(2021, 9, 16))
    return Due(
        unit_code=code,
        level="commune",
        period="2021Q3",
        window_end=date(2021, 9, 14),
        deadline=deadline,
        effective_deadline=end_of(moved_to) if moved_to else deadline,
        closing=end_of(date(2021, 10, 18)),
    )


def events(p):
    return [(s.kind, s.version) for s in p.steps if s.kind != "draft"]


def submitted(p):
    return [s.at for s in p.steps if s.kind == "submitted"]


LATER = datetime(2022, 6, 1, tzinfo=HCM)

# -- the pure plan ------------------------------------------------------------------------------


def test_a_report_on_time_is_submitted_after_the_window_and_by_the_deadline_then_accepted():
    (p,) = plan([commune_q3()], now=LATER, pinned={("W1", "2021Q3"): Case.ON_TIME})
    assert events(p) == [("submitted", 1), ("accepted", 1)]
    first = submitted(p)[0]
    assert date(2021, 9, 14) < first.astimezone(HCM).date() and first <= p.due.deadline
    draft = p.drafts(1)[0]
    assert draft.at < first and draft.flaw == ""


def test_a_late_report_is_submitted_after_the_deadline_and_before_the_closing_time():
    (p,) = plan([commune_q3()], now=LATER, pinned={("W1", "2021Q3"): Case.LATE})
    assert events(p) == [("submitted", 1), ("accepted", 1)]
    assert p.due.effective_deadline < submitted(p)[0] <= p.due.closing


def test_a_returned_report_is_corrected_and_submitted_again_then_accepted():
    (p,) = plan([commune_q3()], now=LATER, pinned={("W1", "2021Q3"): Case.RETURNED})
    assert events(p) == [("submitted", 1), ("returned", 1), ("submitted", 2), ("accepted", 2)]
    returned = next(s for s in p.steps if s.kind == "returned")
    assert returned.reasons and set(returned.reasons) <= set(REASONS)
    assert p.drafts(1)[0].flaw == returned.reasons[0]  # the first version has the fault it is returned for
    assert p.drafts(2)[0].flaw == ""
    assert returned.at < p.drafts(2)[0].at < submitted(p)[1]


def test_a_report_whose_deadline_an_incident_moved_is_sent_once_the_system_is_back():
    (p,) = plan([commune_q3(moved_to=date(2021, 9, 17))], now=LATER)
    assert p.case is Case.EXCUSED
    assert p.due.deadline < submitted(p)[0] <= p.due.effective_deadline


def test_a_report_never_sent_has_no_submission():
    plans = plan([commune_q3(f"W{n}") for n in range(40)], now=LATER, pinned={("W0", "2021Q3"): Case.NOT_SENT})
    assert not submitted(plans[0])
    assert any(p.drafts(1) for p in plans if p.case is Case.NOT_SENT)  # some started a draft


def test_nothing_is_planned_after_the_clock():
    now = datetime(2021, 9, 17, 10, 0, tzinfo=HCM)
    plans = plan([commune_q3(f"W{n}") for n in range(200)], now=now)
    assert all(step.at <= now for p in plans for step in p.steps)
    assert any(p.steps and p.steps[-1].kind == "submitted" for p in plans)  # waiting for review at the clock
    assert any(p.steps and p.steps[-1].kind == "draft" for p in plans)  # a draft, not yet submitted


def test_most_reports_are_on_time_and_every_case_occurs():
    plans = plan([commune_q3(f"W{n}") for n in range(400)], now=LATER)
    cases = Counter(p.case for p in plans)
    assert cases[Case.ON_TIME] > 0.6 * len(plans)
    assert cases[Case.LATE] and cases[Case.RETURNED] and cases[Case.NOT_SENT]


def test_the_plan_is_repeatable_and_each_report_draws_alone():
    a, b = commune_q3("W1"), commune_q3("W2")
    assert plan([a, b], now=LATER) == plan([b, a], now=LATER)
    assert plan([a], now=LATER)[0] == plan([a, b], now=LATER)[0]
    many = [commune_q3(f"W{n}") for n in range(20)]
    assert plan(many, now=LATER, seed=1) != plan(many, now=LATER, seed=2)


def test_the_history_is_a_load_submissions_file():
    plans = plan([commune_q3(f"W{n}") for n in range(30)], now=LATER)
    header, records = read_csv(history_csv(plans), report_rules.SubmissionFileError)
    rows = report_rules.parse_submission_rows(header, records, now=LATER)
    assert len(rows) == sum(1 for p in plans for s in p.steps if s.kind != "draft")
    assert {r.event for r in rows} == {"submitted", "returned", "accepted"}
    first_only = report_rules.parse_submission_rows(*read_csv(history_csv(plans, version=1), ValueError), now=LATER)
    assert {r.event for r in first_only} == {"submitted", "returned", "accepted"}
    assert len(first_only) < len(rows)


def test_the_narrative_pdf_is_a_pdf_the_document_check_accepts_unsigned():
    check = documents.check_document(narrative_pdf(["BÁO CÁO KSTT", "Xã Yên Nghiệp (Lạc Sơn)"]), max_bytes=10_000)
    assert check.page_count == 1
    assert not check.signed


# -- the demo loaded on its date ----------------------------------------------------------------


@pytest.fixture
def demo(settings, db, tmp_path):
    settings.KSTT_CLOCK = DEMO_INSTANT
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def owed_2021():
    """(unit code, period) → Owed, from the deadline engine, for every report of 2021."""
    report_type = catalogue.report_type("kstt")
    owed = {}
    for period in reports.periods(report_type, 2021):
        end = catalogue.window(report_type, period)[1]
        parents = [v.unit for v in units.roots_on(end)] + [
            v.unit for v in units.versions_on(end).filter(level="district")
        ]
        for parent in parents:
            for o in reports.owed_below(unit=parent, report_type=report_type, period=period, now=DEMO_INSTANT):
                owed[(o.unit.unit.code, period.code)] = o
    return owed


def verdict(instance, owed):
    first = instance.first_submitted_at
    if first is None:
        return "not_submitted"
    if first <= owed.schedule.deadline:
        return "on_time"
    if first <= owed.effective_deadline:
        return "excused"
    assert first <= owed.effective_closing
    return "late"


def test_the_demo_year_seen_on_its_day(demo):
    """One load (it takes a while), four stories: each told by a helper below."""
    every_case_occurs()
    the_province_compiled_and_sent_its_q3_report()
    a_report_looks_real_when_opened()
    the_fourth_quarter_is_under_way()
    nothing_happens_after_the_clock()


def the_province_compiled_and_sent_its_q3_report():
    """Hoa sent the province's Q3 report on its deadline, Monday 20/09/2021 at 10:30, with its signed PDF and form
    07b, its figures compiled from the reports the province had by then (issue 15): a Q3 report sent later is not
    in it. No other period of the province has a report."""
    (instance,) = ReportInstance.objects.filter(level="province")
    assert (instance.unit.code, instance.period, instance.recipient) == ("P17", "2021Q3", None)
    (version,) = instance.versions.all()
    assert version.submitted_at == datetime(2021, 9, 20, 10, 30, tzinfo=HCM)
    assert version.submitted_by.username == "hoa"
    assert version.document_id is not None and version.problems == []
    assert FORM06 not in version.values  # not the province's to fill: compiled wherever it is shown
    compiled = compile_from_reports(
        unit=instance.unit, period=Period.parse("2021Q3"), report_type=instance.report_type, as_of=version.submitted_at
    )
    lines = {line.member.code for line in compiled.compilation.lines if line.reported}
    assert lines and "P17" not in lines
    assert len(compiled.compilation.missing) == 22  # as the demo's load says
    lines = {code for code in lines if not code.startswith("W")}  # a commune's line came in its district's report
    sent_by_then = set(
        ReportVersion.objects.filter(instance__period="2021Q3", submitted_at__lte=version.submitted_at)
        .exclude(instance__level="province")
        .values_list("instance__unit__code", flat=True)
    )
    assert lines <= sent_by_then
    later = ReportVersion.objects.filter(instance__period="2021Q3", number=1, submitted_at__gt=version.submitted_at)
    assert later.exists() and not lines & set(later.values_list("instance__unit__code", flat=True))


def shows(version, reason):
    """Whether a version shows the fault it was (or would be) returned for."""
    form = version.values.get(FORM06)
    if reason == "forms":
        return form is None
    if reason == "outline":
        return len(version.narrative) == 1
    if reason == "incomplete":
        required_left_empty = not (version.narrative.get("shortcomings") and version.narrative.get("next_tasks"))
        return required_left_empty or any(not row for row in form.values())
    return any(  # inaccurate: a row whose settled total is not the sum of its parts
        row and row["settled_total"] != row["settled_early"] + row["settled_on_time"] + row["settled_late"]
        for row in form.values()
    )


def every_case_occurs():
    owed = owed_2021()
    instances = {
        (i.unit.code, i.period): i for i in ReportInstance.objects.exclude(level="province").select_related("unit")
    }  # the province's own report goes outside KSTT: nobody here is owed it (below)
    assert set(instances) <= set(owed)
    verdicts = Counter(verdict(i, owed[key]) for key, i in instances.items() if i.period != "2021Q4")
    past = [key for key in owed if key[1] != "2021Q4"]
    assert verdicts["on_time"] > 0.7 * len(past)
    assert verdicts["late"] >= 5
    never = [key for key in past if key not in instances or instances[key].first_submitted_at is None]
    assert len(never) >= 5
    assert verdicts["on_time"] + verdicts["late"] + verdicts["excused"] + len(never) == len(past)

    # sent once the incident of 20/09 was over: huyện Đà Bắc, due 20/09, submitted 21/09, excused
    d148 = instances[("D148", "2021Q3")]
    assert verdict(d148, owed[("D148", "2021Q3")]) == "excused"
    assert owed[("D148", "2021Q3")].incidents
    # the Department of Justice, hit by the same incident, had sent before it
    assert instances[("P17-STP", "2021Q3")].first_submitted_at < datetime(2021, 9, 20, 14, tzinfo=HCM)

    # returned then corrected: version 1 returned with reasons, version 2 accepted, timeliness on version 1
    corrected = ReportInstance.objects.filter(versions__review__decision="returned", versions__number=1).filter(
        versions__number=2, status="accepted"
    )
    assert corrected.count() >= 10
    for instance in corrected:
        v1, v2 = reports.versions_of(instance)
        assert v1.review.reasons and set(v1.review.reasons) <= set(REASONS)
        assert instance.first_submitted_at == v1.submitted_at < v1.review.at < v2.submitted_at
        assert shows(v1, v1.review.reasons[0]) and not shows(v2, v1.review.reasons[0])

    # departments, districts and communes all have a history; communes report to their district
    levels = Counter(i.level for i in instances.values() if i.first_submitted_at)
    assert levels["department"] and levels["district"] and levels["commune"]
    lan_q3 = instances[("W05341", "2021Q3")]
    assert lan_q3.recipient.code == "D157"


def a_report_looks_real_when_opened():
    version = ReportVersion.objects.filter(instance__unit__code="W05341", instance__period="2021Q1").get()
    form = version.values[FORM06]
    assert form[TOTAL]["received_total"] == sum(row["received_total"] for key, row in form.items() if key != TOTAL)
    assert form[TOTAL]["received_total"] > 0
    assert str(form[TOTAL]["received_total"]) in version.narrative["settlement"]
    assert "thủ tục hành chính" in version.narrative["direction"]
    assert version.document is not None and version.document.verification["flags"] == ["unsigned"]
    assert version.document.file.read().startswith(b"%PDF-")
    assert version.review.decision == "accepted"
    lan = User.objects.get(username="lan")
    trail = list(reports.audit_trail(version.instance).values_list("event", "actor"))
    assert ("reports.draft_saved", lan.pk) in trail and ("reports.document_attached", lan.pk) in trail
    assert ("reports.submitted", None) in trail and ("reports.accepted", None) in trail


def the_fourth_quarter_is_under_way():
    report_type = catalogue.report_type("kstt")
    q4 = Period.parse("2021Q4")
    lac_son = Unit.objects.get(code="D157")
    province = Unit.objects.get(code="P17")
    counts = {c.period: c for c in reports.review_counts(recipient=province, report_type=report_type, periods=[q4])} | {
        c.period + "/D157": c for c in reports.review_counts(recipient=lac_son, report_type=report_type, periods=[q4])
    }
    for c in counts.values():  # some submitted, some waiting for review, some not yet
        assert c.submitted and c.waiting and c.not_sent, c
    q4_reports = ReportInstance.objects.filter(period="2021Q4")
    assert q4_reports.filter(status="draft").exists()  # drafts under way
    assert q4_reports.filter(status="accepted").exists()
    # the communes' deadline (16/12) is past: some were late, still not sent at the clock
    statuses = reports.report_statuses(
        unit=Unit.objects.get(code="W05341"), report_type=report_type, periods=reports.periods(report_type, 2021)
    )
    assert statuses == {"2021Q1": "accepted", "2021Q2": "accepted", "2021Q3": "accepted", "2021Q4": "draft"}
    lan_q2 = list(reports.versions_of(ReportInstance.objects.get(unit__code="W05341", period="2021Q2")))
    assert [v.review.decision for v in lan_q2] == ["returned", "accepted"]


def nothing_happens_after_the_clock():
    latest = [
        ReportInstance.objects.aggregate(m=Max("created_at"))["m"],
        ReportInstance.objects.aggregate(m=Max("first_submitted_at"))["m"],
        ReportVersion.objects.aggregate(m=Max("submitted_at"))["m"],
        Review.objects.aggregate(m=Max("at"))["m"],
        Draft.objects.aggregate(m=Max("updated_at"))["m"],
        NarrativeDocument.objects.aggregate(m=Max("uploaded_at"))["m"],
        AuditEntry.objects.filter(event__startswith="reports.").aggregate(m=Max("at"))["m"],
    ]
    assert all(m is not None and m <= DEMO_INSTANT for m in latest), latest
    assert Review.objects.aggregate(m=Max("at"))["m"] > DEMO_INSTANT - timedelta(days=7)


def snapshot():
    return (
        list(ReportInstance.objects.order_by("pk").values_list("unit__code", "period", "status", "first_submitted_at")),
        list(ReportVersion.objects.order_by("pk").values_list("instance_id", "number", "submitted_at", "values")),
        list(Review.objects.order_by("pk").values_list("version_id", "decision", "reasons", "at")),
        list(Draft.objects.order_by("pk").values_list("instance_id", "revision", "values", "narrative")),
        NarrativeDocument.objects.count(),
        list(User.objects.order_by("username").values_list("username", "unit__code", "is_reporter")),
        AuditEntry.objects.count(),
    )


def test_loading_the_demo_again_changes_nothing(demo):
    assert "Reports of 2021:" in demo
    before = snapshot()
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    assert " 0 drafts saved, 0 versions submitted, 0 reviews," in out.getvalue()
    assert snapshot() == before
