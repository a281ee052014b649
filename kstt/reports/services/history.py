"""Loading the submission history of past periods (interchange.md "Submission history")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from kstt import interchange
from kstt.audit import services as audit
from kstt.catalogue.models import ReportType
from kstt.reports import rules
from kstt.reports.models import ReportVersion, Review
from kstt.reports.services.drafts import _open_or_create
from kstt.reports.services.errors import (
    ReviewError,
    SubmissionError,
)
from kstt.reports.services.review import _review
from kstt.reports.services.submission import _refuse_non_figures, _submit
from kstt.units.models import Unit

# --- Loading past history (interchange.md "Submission history") ---------------------------------------------


@dataclass
class SubmissionLoad:
    submitted: int = 0
    reviewed: int = 0
    unchanged: int = 0


@transaction.atomic
def load_submissions(*, data: bytes, at: datetime, actor: Any = None, source: str = "") -> SubmissionLoad:
    """Load the submission history of past periods from a CSV: all or nothing, idempotent.

    Each line goes through the same cores as a submit or a review in the interface, at the line's
    instant: the report is opened if needed, a ``submitted`` line makes the next version (from the
    draft as it is, usually empty: the earlier system's figures are not part of the file; the checks
    are not run, so it carries no flags), ``returned``/``accepted`` review the version submitted last
    at or before that instant. A line already loaded (a version submitted at that instant, a review
    with the same verdict at that instant) changes nothing.
    """
    header, records = interchange.read_csv(data, rules.SubmissionFileError)
    rows = rules.parse_submission_rows(header, records, now=at)
    unit_ids = dict(Unit.objects.filter(code__in={r.unit_code for r in rows}).values_list("code", "pk"))
    types = {t.code: t for t in ReportType.objects.filter(code__in={r.report for r in rows})}
    for row in rows:
        if row.unit_code not in unit_ids:
            raise rules.SubmissionFileError(row.line, f"unknown unit {row.unit_code}")
        if row.report not in types:
            raise rules.SubmissionFileError(row.line, f"unknown report type {row.report}")
    units_by_code = {u.code: u for u in Unit.objects.filter(pk__in=unit_ids.values())}
    result = SubmissionLoad()
    for row in sorted(rows, key=lambda r: r.order):
        try:
            _load_row(
                row, unit=units_by_code[row.unit_code], report_type=types[row.report], source=source, result=result
            )
        except SubmissionError as exc:
            raise rules.SubmissionFileError(row.line, str(exc)) from None
    if result.submitted or result.reviewed:
        audit.record(
            actor=actor,
            event="reports.submissions_loaded",
            at=at,
            data={
                "source": source,
                "submitted": result.submitted,
                "reviewed": result.reviewed,
                "unchanged": result.unchanged,
            },
        )
    return result


def _load_row(
    row: rules.SubmissionRow, *, unit: Unit, report_type: ReportType, source: str, result: SubmissionLoad
) -> None:
    instance, _ = _open_or_create(unit=unit, report_type=report_type, period=row.period, at=row.at, actor=None)
    if row.event == "submitted":
        if ReportVersion.objects.filter(instance=instance, submitted_at=row.at).exists():
            result.unchanged += 1
            return
        # The submitted time (rules.md §4) is kept in one place, the instance's first submission: a line
        # earlier than a version already on the system would move it behind the versions' backs, so it is
        # refused (the whole file with it) rather than recomputed.
        later = (
            ReportVersion.objects.filter(instance=instance, submitted_at__gt=row.at).order_by("submitted_at").first()
        )
        if later is not None:
            raise SubmissionError(
                f"{unit.code} {row.period.code}: version {later.number} was already submitted at "
                f"{later.submitted_at.isoformat()}, after this line's {row.at.isoformat()}; a history line "
                "cannot come before a version already on the system"
            )
        _refuse_non_figures(instance)
        _submit(
            instance=instance, explanation="", idempotency_key=None, at=row.at, actor=None, run_checks=False,
            source=source,
        )  # fmt: skip
        result.submitted += 1
        return
    version = ReportVersion.objects.filter(instance=instance, submitted_at__lte=row.at).order_by("-number").first()
    if version is None:
        raise ReviewError(f"{unit.code} {row.period.code} was not submitted before {row.at.isoformat()}")
    done = Review.objects.filter(version=version).first()
    if done is not None:
        if (done.decision, done.at, tuple(done.reasons)) == (row.event, row.at, row.reasons):
            result.unchanged += 1
            return
        raise ReviewError(f"version {version.number} of {unit.code} {row.period.code} was already reviewed")
    _review(version=version, decision=row.event, reasons=row.reasons, text="", at=row.at, actor=None, source=source)
    result.reviewed += 1
