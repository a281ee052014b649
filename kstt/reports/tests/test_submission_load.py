"""`kstt load-submissions FILE`: moving the history of past periods in (interchange.md)."""

# ruff: noqa: E501 - the table of bad lines reads best one CSV line per row

from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from kstt import clock
from kstt.audit.models import AuditEntry
from kstt.reports import selectors, services
from kstt.reports.models import ReportInstance, ReportVersion, Review
from kstt.reports.rules import SubmissionFileError

NOW = datetime(2022, 3, 1, 3, 0, tzinfo=UTC)
HEADER = "unit_code,report,period,event,at,reasons\n"
HISTORY = (
    HEADER
    + "W05341,kstt,2021Q3,submitted,2021-09-16T23:10:00+07:00,\n"
    + "W05341,kstt,2021Q3,returned,2021-09-18T09:00:00+07:00,inaccurate;forms\n"
    + "W05341,kstt,2021Q3,submitted,2021-09-19T08:00:00+07:00,\n"
    + "W05341,kstt,2021Q3,accepted,2021-09-20T08:00:00+07:00,\n"
    + "D157,kstt,2021Q3,accepted,2021-09-21T08:00:00+07:00,\n"  # listed before its submission
    + "D157,kstt,2021Q3,submitted,2021-09-20T08:00:00+07:00,\n"
)


def load(text: str):
    return services.load_submissions(data=text.encode(), at=NOW, source="history.csv")


def snapshot():
    return (
        sorted(ReportInstance.objects.values_list("unit__code", "period", "status", "first_submitted_at")),
        sorted(ReportVersion.objects.values_list("instance__unit__code", "number", "submitted_at")),
        sorted(Review.objects.values_list("version__instance__unit__code", "version__number", "decision", "reasons")),
    )


def test_a_history_loads_as_if_made_in_the_interface(cast, kstt_report):
    result = load(HISTORY)
    assert (result.submitted, result.reviewed, result.unchanged) == (3, 3, 0)
    commune = ReportInstance.objects.get(unit__code="W05341", period="2021Q3")
    assert commune.status == "accepted" and commune.recipient.code == "D157"
    assert commune.first_submitted_at == datetime(2021, 9, 16, 16, 10, tzinfo=UTC)
    v1, v2 = commune.versions.order_by("number")
    assert (v1.review.decision, v1.review.reasons, v2.review.decision) == (
        "returned",
        ["inaccurate", "forms"],
        "accepted",
    )
    assert ReportInstance.objects.get(unit__code="D157").recipient.code == "P17"
    events = [entry.event for entry in selectors.audit_trail(commune)]
    assert events == [
        "reports.opened",
        "reports.submitted",
        "reports.returned",
        "reports.submitted",
        "reports.accepted",
    ]
    assert AuditEntry.objects.filter(event="reports.submissions_loaded").count() == 1


def test_loading_twice_changes_nothing(cast, kstt_report):
    load(HISTORY)
    before, entries = snapshot(), AuditEntry.objects.count()
    result = load(HISTORY)
    assert (result.submitted, result.reviewed, result.unchanged) == (0, 0, 6)
    assert snapshot() == before and AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        pytest.param("unit_code,report,period,event\n", 1, "missing column(s): at, reasons", id="missing-column"),
        pytest.param(HEADER + "W05341,kstt,2021Q3,submitted,2021-09-16T23:10:00,\n", 2, "no offset", id="naive-time"),
        pytest.param(HEADER + "W05341,kstt,2021Q3,sent,2021-09-16T23:10:00+07:00,\n", 2, "unknown event", id="bad-event"),
        pytest.param(HEADER + "W05341,kstt,2021Q9,submitted,2021-09-16T23:10:00+07:00,\n", 2, "not a period", id="bad-period"),
        pytest.param(HEADER + "W05341,kstt,2021H1,submitted,2021-07-16T23:10:00+07:00,\n", 2, "a quarter", id="not-a-quarter"),
        pytest.param(HEADER + "W99999,kstt,2021Q3,submitted,2021-09-16T23:10:00+07:00,\n", 2, "unknown unit", id="unknown-unit"),
        pytest.param(HEADER + "W05341,abc,2021Q3,submitted,2021-09-16T23:10:00+07:00,\n", 2, "unknown report", id="unknown-report"),
        pytest.param(HISTORY + "W05341,kstt,2021Q4,returned,2021-12-20T08:00:00+07:00,late\n", 8, "unknown reason", id="bad-reason"),
        pytest.param(HISTORY + "W05341,kstt,2021Q4,returned,2021-12-20T08:00:00+07:00,\n", 8, "at least one", id="no-reason"),
        pytest.param(HISTORY + "W05341,kstt,2021Q4,accepted,2021-12-20T08:00:00+07:00,forms\n", 8, "only for a returned", id="reason-on-accept"),
        pytest.param(HISTORY + "W05341,kstt,2021Q4,accepted,2021-12-20T08:00:00+07:00,\n", 8, "not submitted before", id="review-before-submission"),
        pytest.param(HISTORY + "W05341,kstt,2021Q3,submitted,2021-09-25T08:00:00+07:00,\n", 8, "cannot be submitted", id="submit-once-accepted"),
        pytest.param(HISTORY + "W05341,kstt,2021Q3,returned,2021-09-25T08:00:00+07:00,forms\n", 8, "already reviewed", id="review-twice"),
        pytest.param(HISTORY + "P17,kstt,2021Q3,submitted,2021-09-20T08:00:00+07:00,\n" + "P17,kstt,2021Q3,accepted,2021-09-25T08:00:00+07:00,\n", 9, "Government Office", id="province-reviewed-by-no-one-here"),
        pytest.param(HISTORY + "W05341,kstt,2022Q3,submitted,2022-09-16T08:00:00+07:00,\n", 8, "future", id="in-the-future"),
    ],
)  # fmt: skip
def test_a_bad_line_is_reported_with_its_number_and_nothing_is_loaded(cast, kstt_report, text, line, reason):
    with pytest.raises(SubmissionFileError) as refused:
        load(text)
    assert refused.value.line == line and reason in refused.value.reason
    assert ReportInstance.objects.count() == ReportVersion.objects.count() == Review.objects.count() == 0


def test_the_command_loads_a_file_and_reports_a_bad_one(cast, kstt_report, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    good = tmp_path / "history.csv"
    good.write_text(HISTORY, encoding="utf-8")
    call_command("load_submissions", str(good))
    assert "3 submissions, 3 reviews loaded, 0 lines unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "W05341,kstt,2021Q4,sent,2021-12-16T23:10:00+07:00,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"bad.csv: line 2: unknown event 'sent'.*nothing was loaded"):
        call_command("load_submissions", str(bad))


def test_an_earlier_submission_than_a_version_on_the_system_is_refused_with_its_line(cast, kstt_report):
    """The submitted time lives in one place (the instance's first submission): a later file cannot put a
    version before those already loaded, which would leave the instance and its versions disagreeing."""
    load(HISTORY)
    before = snapshot()
    earlier = (
        HEADER
        + "D157,kstt,2021Q2,submitted,2021-06-18T08:00:00+07:00,\n"  # fine on its own
        + "W05341,kstt,2021Q3,submitted,2021-09-15T08:00:00+07:00,\n"  # before version 1 (16/09 23:10)
    )
    with pytest.raises(SubmissionFileError) as caught:
        load(earlier)
    assert caught.value.line == 3 and "version 1 was already submitted" in caught.value.reason
    assert snapshot() == before  # all or nothing
    commune = ReportInstance.objects.get(unit__code="W05341", period="2021Q3")
    first = commune.versions.order_by("submitted_at").first()
    assert commune.first_submitted_at == first.submitted_at
