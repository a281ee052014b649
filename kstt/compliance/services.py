"""Every write of compliance: a unit appeals a ledger line, the provincial office decides (rules.md §6).

One function per state change: keyword-only arguments, the caller passes ``at``, one transaction, one
audit entry, the notifications after commit, domain errors (``AppealError`` with a ``code`` and a
message people read), never HTTP responses. Verdicts are never stored: an appeal keeps a snapshot of
the line it argues against, and the ledger reads the appeals to mark the line (``ledger_selectors._appeals``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kstt import clock, unicode_text
from kstt.accounts import access
from kstt.audit import services as audit
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period
from kstt.compliance import attachments as attachment_content
from kstt.compliance import closing, closing_selectors, rules
from kstt.compliance import ledger_selectors as selectors
from kstt.compliance.choices import DECISIONS, AppealDecision
from kstt.compliance.models import (
    Appeal,
    AppealAttachment,
    UrgingLetter,
    UrgingLetterLine,
    YearClosing,
    YearReopening,
)
from kstt.reports.rules import MAX_NOTE_CHARS
from kstt.unicode_text import is_blank
from kstt.units import selectors as units_selectors
from kstt.units.models import Unit

#: At most this many files go with one appeal, each at most this large.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

MESSAGES: dict[str, Promise] = {
    "not_allowed": _("You may not do this."),
    "reason": _("Give the reason."),
    "decision": _("Choose to uphold or to overturn the deduction."),
    "decided": _("This appeal has already been decided: a decision is never changed."),
    "before_filed": _("An appeal cannot be decided before it was filed."),
    "too_many_files": _("At most %(count)s files go with an appeal."),
    rules.AppealRefusal.NOT_IN_LEDGER: _(
        "This report has no line in the ledger: its unit is not scored, or its closing time has not passed."
    ),
    rules.AppealRefusal.NO_DEDUCTION: _("There is nothing to appeal: this line deducts no points."),
    rules.AppealRefusal.OVERTURNED: _("An appeal against this line was already overturned: it no longer counts."),
    rules.AppealRefusal.UPHELD: _(
        "An appeal against this line was already decided (the deduction was upheld): a line is appealed once, "
        "and the decision is final."
    ),
    rules.AppealRefusal.PENDING: _("An appeal against this line already waits for a decision."),
    rules.AppealRefusal.CLOSED: _(
        "This line can no longer be appealed: it is in %(closing)s. The provincial office must reopen the year."
    ),
    rules.AttachmentProblem.EMPTY: _("%(name)s is empty."),
    rules.AttachmentProblem.TOO_LARGE: _("%(name)s is larger than %(limit)s MB."),
    rules.AttachmentProblem.KIND: _(
        "%(name)s is not a PDF, an image or an office document (or its content is not what its name says)."
    ),
    "content": _("%(name)s cannot be accepted: %(reason)s"),
}


class AppealError(ValueError):
    """An appeal that cannot be filed or decided as asked; nothing was changed."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    @property
    def message(self) -> str:
        """What the user reads, in the active language."""
        return str(MESSAGES[self.code]) % self.params if self.params else str(MESSAGES[self.code])


class NotAllowed(AppealError):
    """The actor may not do this (a page shows it as 403)."""

    def __init__(self) -> None:
        super().__init__("not_allowed")


@dataclass(frozen=True)
class AttachmentFile:
    """A file the unit sends with its appeal."""

    name: str
    content: bytes


def check_attachments(files: Sequence[AttachmentFile]) -> list[AppealError]:
    """What is wrong with the files an appeal would carry, each named: empty when nothing. Each file is
    judged by its name, size and first bytes (``rules``), then by its whole content (``attachments``)."""
    problems = []
    if len(files) > MAX_ATTACHMENTS:
        problems.append(AppealError("too_many_files", count=MAX_ATTACHMENTS))
    for file in files:
        name, content = file.name, file.content
        problem = rules.attachment_problem(
            name=name, size=len(content), head=content[: rules.SNIFF_BYTES], max_bytes=MAX_ATTACHMENT_BYTES
        )
        if problem is not None:
            problems.append(AppealError(problem, name=name, limit=MAX_ATTACHMENT_BYTES // (1024 * 1024)))
            continue
        reason = attachment_content.content_problem(name=name, content=content, max_bytes=MAX_ATTACHMENT_BYTES)
        if reason is not None:
            problems.append(AppealError("content", name=name, reason=reason))
    return problems


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(clock.province_zone()).isoformat() if value is not None else None


def line_snapshot(cell: selectors.YearCell) -> dict[str, Any]:
    """The line as it stands: its evidence and deduction, JSON-able (kept with an appeal)."""
    item, verdict = cell.judged, cell.judged.verdict
    return {
        "unit": item.code,
        "name": item.name,
        "report": item.report,
        "period": item.period.code,
        "status": str(verdict.status),
        "deadline": _instant(verdict.deadline),
        "effective_deadline": _instant(verdict.effective_deadline),
        "closing": _instant(verdict.closing),
        "effective_closing": _instant(verdict.effective_closing),
        "submitted_at": _instant(verdict.submitted_at),
        "incidents": list(verdict.incidents),
        "standing": verdict.standing,
        "decision": verdict.decision,
        "faults": list(verdict.faults),
        "deduction": rules.points(verdict.deduction),
        "settings_version": item.settings_version,
    }


@transaction.atomic
def file_appeal(
    *,
    unit: Unit,
    report_type: ReportType,
    period: Period,
    reason: str,
    attachments: Sequence[AttachmentFile] = (),
    at: datetime,
    actor: Any,
) -> Appeal:
    """A reporter of the unit appeals a final line of its ledger that deducts points and was never appealed:
    one appeal per line (rules.md §6), refused while one waits and after it was decided. Tells the provincial
    office after commit."""
    if not access.may_appeal(actor, unit):
        raise NotAllowed()
    reason = reason.strip()
    if is_blank(reason):
        raise AppealError("reason")
    problems = check_attachments(attachments)
    if problems:
        raise problems[0]
    evidence = selectors.line_evidence(report_type=report_type, unit_id=unit.pk, period=period, as_of=at)
    if evidence is None:
        raise AppealError(rules.AppealRefusal.NOT_IN_LEDGER)
    cell = evidence.cell
    closed = closing_selectors.closing_of_line(report_type=report_type, unit=unit, year=period.year, at=at)
    refusal = rules.appeal_refusal(
        in_ledger=cell.in_ledger,
        deduction=cell.judged.verdict.deduction,
        latest=cell.appeal.decision if cell.appeal is not None else None,
        closed=closed is not None,
    )
    if refusal is rules.AppealRefusal.CLOSED and closed is not None:
        raise AppealError(refusal, closing=closing_selectors.describe(closed))
    if refusal is not None:
        raise AppealError(refusal)
    appeal = Appeal(
        unit=unit,
        report_type=report_type,
        period=period.code,
        reason=reason,
        line=line_snapshot(cell),
        filed_by=actor,
        filed_at=at,
    )
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError:  # another appeal against the line was filed at the same moment
        raise AppealError(rules.AppealRefusal.PENDING) from None
    files = []
    for upload in attachments:
        digest = hashlib.sha256(upload.content).hexdigest()
        attachment = AppealAttachment(
            appeal=appeal, name=upload.name[:255], size=len(upload.content), sha256=digest, uploaded_at=at
        )
        extension = upload.name.rsplit(".", 1)[-1].lower()
        attachment.file.save(f"appeal-{appeal.pk}-{digest[:12]}.{extension}", ContentFile(upload.content), save=False)
        attachment.save()
        files.append({"name": attachment.name, "size": attachment.size, "sha256": digest})
    audit.record(
        actor=actor,
        event="compliance.appeal_filed",
        at=at,
        target=appeal,
        data={"reason": reason, "line": appeal.line, "attachments": files},
    )
    transaction.on_commit(lambda: _notify_filed(appeal.pk), robust=True)
    return appeal


@transaction.atomic
def decide_appeal(*, appeal: Appeal, decision: str, reason: str, at: datetime, actor: Any) -> Appeal:
    """The provincial office of the unit's province (or an administrator) upholds or overturns a pending
    appeal, with a reason; never changed after, and the line is never appealed again. Tells the unit's
    reporters after commit."""
    end = selectors.window_end(appeal.report_type, Period.parse(appeal.period))
    if not access.may_decide_appeal(actor, appeal.unit, on=end):
        raise NotAllowed()
    if decision not in DECISIONS:
        raise AppealError("decision")
    reason = reason.strip()
    if is_blank(reason):
        raise AppealError("reason")
    if at < appeal.filed_at:
        raise AppealError("before_filed")
    if not Appeal.objects.decide(appeal.pk, decision=decision, reason=reason, by=actor, at=at):
        raise AppealError("decided")  # already decided, maybe a moment ago by another officer
    appeal = Appeal.objects.select_related("unit", "report_type").get(pk=appeal.pk)
    audit.record(
        actor=actor,
        event="compliance.appeal_decided",
        at=at,
        target=appeal,
        data={
            "unit": appeal.unit.code,
            "period": appeal.period,
            "decision": decision,
            "reason": reason,
            "deduction": appeal.line.get("deduction"),
        },
    )
    transaction.on_commit(lambda: _notify_decided(appeal.pk), robust=True)
    return appeal


def _points_text(value: str | None) -> str:
    """ "0.25" as Vietnamese writes it: "0,25"."""
    return f"{Decimal(value or '0'):.2f}".replace(".", ",")


def _line_url(appeal: Appeal) -> str:
    from django.urls import reverse

    return reverse("compliance_ledger:line", args=[appeal.unit.code, appeal.period])


def _notify_filed(pk: int) -> None:
    """After commit: the provincial office (the reviewers of the province above the unit) is told."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from kstt.catalogue.labels import period_label
    from kstt.notifications import services as notifications
    from kstt.units import selectors as units

    appeal = Appeal.objects.select_related("unit", "report_type").get(pk=pk)
    period = Period.parse(appeal.period)
    end = selectors.window_end(appeal.report_type, period)
    above = units.ancestor_ids(appeal.unit, on=end)
    if not above:
        return
    office = get_user_model().objects.filter(is_active=True, is_reviewer=True, unit_id=above[-1])
    with translation.override("vi"):
        notifications.notify(
            recipients=office,
            kind="appeal_filed",
            params={
                "unit": appeal.line.get("name") or appeal.unit.code,
                "report": appeal.report_type.name,
                "period": period_label(period),
                "points": _points_text(appeal.line.get("deduction")),
            },
            url=_line_url(appeal),
            at=appeal.filed_at,
        )


def _notify_decided(pk: int) -> None:
    """After commit: the unit's reporters are told the decision and its reason."""
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from kstt.catalogue.labels import period_label
    from kstt.notifications import services as notifications
    from kstt.units import selectors as units

    appeal = Appeal.objects.select_related("unit", "report_type", "decided_by").get(pk=pk)
    if appeal.decided_at is None:
        return
    period = Period.parse(appeal.period)
    with translation.override("vi"):
        office = appeal.decided_by.get_full_name() if appeal.decided_by is not None else ""
        if appeal.decided_by is not None and appeal.decided_by.unit_id is not None:
            unit = units.unit_on(appeal.decided_by.unit.code, clock.local_date(appeal.decided_at))
            if unit is not None:
                office = f"{office} ({unit.name})" if office else unit.name
        notifications.notify(
            recipients=get_user_model().objects.filter(is_active=True, is_reporter=True, unit=appeal.unit),
            kind="appeal_overturned" if appeal.decision == AppealDecision.OVERTURNED else "appeal_upheld",
            params={
                "office": office,
                "report": appeal.report_type.name,
                "period": period_label(period),
                "points": _points_text(appeal.line.get("deduction")),
                "reason": appeal.decision_reason,
            },
            url=_line_url(appeal),
            at=appeal.decided_at,
        )


# --- Closing a year (chốt sổ, rules.md §6) -------------------------------------------------------------

CLOSING_MESSAGES: dict[str, Promise] = {
    "not_allowed": _("You may not do this."),
    "closed": _("%(year)s is already closed: %(closing)s."),
    "closed_now": _("%(year)s was closed a moment ago by someone else."),
    "not_closed": _("%(year)s is not closed: there is nothing to reopen."),
    "blocked": _("%(year)s cannot be closed yet: %(count)s lines are not final (see what still blocks)."),
    "empty": _("%(year)s has no report to close: no scored unit owed one."),
    "reason": _("Give the reason for reopening."),
    "text": _(
        "The reason or note cannot be kept: it holds a character text cannot hold (e.g. NUL)"
        " or is longer than %(limit)s characters."
    ),
    "before_closed": _("A year cannot be reopened before it was closed."),
}


class ClosingError(ValueError):
    """A year that cannot be closed or reopened as asked; nothing was changed."""

    def __init__(self, code: str, **params: object) -> None:
        self.code, self.params = code, params
        super().__init__(code)

    @property
    def message(self) -> str:
        text = str(CLOSING_MESSAGES[self.code])
        return text % self.params if self.params else text


def _storable(text: str) -> None:
    """A closing's note or a reopening's reason is stored as it was typed: refused (nothing changed) when
    it cannot be (rules of every text people send, kstt.unicode_text) or is over the notes' limit."""
    if unicode_text.error(text) is not None or len(text) > MAX_NOTE_CHARS:
        raise ClosingError("text", limit=MAX_NOTE_CHARS)


def _may_close(actor: Any, province: Unit, at: datetime) -> bool:
    """The provincial office of the province, an administrator, or the system (a command without a user)."""
    return actor is None or access.may_close_year(actor, province, on=clock.local_date(at))


@transaction.atomic
def close_year(
    *, report_type: ReportType, year: int, province: Unit, at: datetime, actor: Any, note: str = ""
) -> YearClosing:
    """Close the province's ledger of the year once every line is final: store its snapshot (canonical
    JSON and SHA-256) and its Home Affairs workbook as the next revision. Standing versions nobody
    reviewed close as "not reviewed: no fault" (the audit entry counts them). ``actor`` None: the system."""
    from kstt.compliance.deductions_xlsx import render_deductions_xlsx

    if not _may_close(actor, province, at):
        raise ClosingError("not_allowed")
    _storable(note)
    with transaction.atomic():
        # One closing (and one settings change, catalogue.services) at a time per report type: a second
        # closing of the same year waits here, then finds the year closed instead of making revision 2.
        ReportType.objects.select_for_update().get(pk=report_type.pk)
        current = closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=at)
        if current is not None:
            raise ClosingError("closed", year=year, closing=closing_selectors.describe(current))
        state = closing_selectors.judgement(report_type=report_type, year=year, province=province, as_of=at)
        if state.blocks:
            raise ClosingError("blocked", year=year, count=len(state.blocks))
        if not state.expected:
            raise ClosingError("empty", year=year)
        zone = clock.province_zone()
        version = units_selectors.unit_on(province.code, date(year, 12, 31))
        data = closing.snapshot(
            ledger=state.ledger,
            report=report_type.code,
            province=(province.code, version.name if version is not None else province.code),
            settings=closing_selectors.settings_used(report_type, year),
            incidents=closing_selectors.incidents_used(state.ledger),
            zone=zone,
        )
        text = closing.canonical(data)
        closed = closing.ledger_of(data)
        workbook = render_deductions_xlsx(
            closed, zone, incidents={i["id"]: i["description"] for i in data["evidence"]["incidents"]}
        )
        previous = YearClosing.objects.filter(report_type=report_type, year=year, province=province).order_by(
            "-revision"
        )
        latest = previous.first()
        revision = latest.revision + 1 if latest is not None else 1
        record = YearClosing(
            report_type=report_type,
            year=year,
            province=province,
            revision=revision,
            closed_at=at,
            closed_by=actor if getattr(actor, "pk", None) else None,
            note=note.strip(),
            snapshot=text,
            sha256=closing.digest(text),
        )
        record.workbook.save(
            f"{report_type.code}-{province.code}-{year}-r{revision}.xlsx", ContentFile(workbook), save=False
        )
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:  # another closing of the same year a moment ago: it is the one kept
            raise ClosingError("closed_now", year=year) from None
        audit.record(
            actor=actor,
            event="compliance.year_closed",
            at=at,
            target=record,
            data={
                "report": report_type.code,
                "year": year,
                "province": province.code,
                "revision": revision,
                "sha256": record.sha256,
                "lines": len(data["lines"]),
                "not_reviewed": data["evidence"]["not_reviewed"],
                "note": record.note,
            },
        )
    return record


@transaction.atomic
def reopen_year(
    *, report_type: ReportType, year: int, province: Unit, reason: str, at: datetime, actor: Any
) -> YearReopening:
    """Reopen the province's closed year, with a reason: its snapshot is kept (closing it again makes the
    next revision), and the ledger is judged from the facts again until then. ``actor`` None: the system."""
    if not _may_close(actor, province, at):
        raise ClosingError("not_allowed")
    ReportType.objects.select_for_update().get(pk=report_type.pk)  # as close_year: one at a time
    reason = reason.strip()
    if is_blank(reason):
        raise ClosingError("reason")
    _storable(reason)
    current = closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=at)
    if current is None:
        raise ClosingError("not_closed", year=year)
    if at < current.closed_at:
        raise ClosingError("before_closed")
    reopening = YearReopening(
        closing=current, reopened_at=at, reopened_by=actor if getattr(actor, "pk", None) else None, reason=reason
    )
    try:
        with transaction.atomic():
            reopening.save()
    except IntegrityError:  # reopened a moment ago by someone else
        raise ClosingError("not_closed", year=year) from None
    audit.record(
        actor=actor,
        event="compliance.year_reopened",
        at=at,
        target=current,
        data={
            "report": report_type.code,
            "year": year,
            "province": province.code,
            "revision": current.revision,
            "sha256": current.sha256,
            "reason": reason,
        },
    )
    return reopening


# --- The urging letter (công văn đôn đốc, issue 15 point 3) ------------------------------------------------------


@dataclass(frozen=True)
class UrgedLine:
    """One unit's report a letter names: the unit, the period's code, its effective deadline, days late."""

    unit: Unit
    period: str
    deadline: datetime
    days_late: int


@transaction.atomic
def record_urging_letter(
    *,
    report_type: ReportType,
    province: Unit,
    lines: Sequence[UrgedLine],
    subject: str,
    document: bytes,
    actor: Any,
    at: datetime,
) -> UrgingLetter:
    """Record that the office drafted (downloaded to sign) an urging letter naming these units' reports: the
    letter with the SHA-256 of ``document``, one line per unit and period (the evidence shown on that ledger
    line) and one audit entry per line, naming ``actor``."""
    sha256 = hashlib.sha256(document).hexdigest()
    name = (actor.get_full_name() or actor.username) if getattr(actor, "pk", None) else ""
    letter = UrgingLetter.objects.create(
        report_type=report_type,
        province=province,
        drafted_at=at,
        drafted_by=actor if getattr(actor, "pk", None) else None,
        drafter_name=name,
        subject=subject[:500],
        sha256=sha256,
    )
    made = UrgingLetterLine.objects.bulk_create(
        [
            UrgingLetterLine(
                letter=letter, unit=line.unit, period=line.period, deadline=line.deadline, days_late=line.days_late
            )
            for line in lines
        ]
    )
    for line, row in zip(lines, made, strict=True):
        audit.record(
            actor=actor,
            event="compliance.urging_letter_drafted",
            at=at,
            target=row,
            data={
                "letter": letter.pk,
                "unit": line.unit.code,
                "report": report_type.code,
                "period": line.period,
                "deadline": line.deadline.isoformat(),
                "days_late": line.days_late,
                "sha256": sha256,
            },
        )
    return letter
