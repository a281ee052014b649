"""Every write to reports: open, save the draft, attach the narrative, submit, accept, return.

One function per state change: keyword-only arguments, the caller passes ``at``, one transaction,
one audit entry, side effects (notifications) after commit, domain errors (never HTTP responses).
The public functions check the actor's access (kstt.accounts.access); the loader of past history
(``load_submissions``) goes through the same cores without a person behind them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext

from kstt import interchange, unicode_text
from kstt.accounts import access
from kstt.audit import services as audit
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.forms import (
    FIGURE,
    REQUIRED,
    TOTAL,
    FormRow,
    FormSpec,
    check_cells,
    figure_findings,
    parse_form_spec,
)
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports import prefill, rules
from kstt.reports.choices import Decision, ReportStatus
from kstt.reports.models import Draft, NarrativeDocument, ReportInstance, ReportVersion, Review
from kstt.units import selectors as units
from kstt.units.choices import Level
from kstt.units.models import Unit


class SubmissionError(ValueError):
    """A change to a report that cannot be made; nothing was changed."""


class NotAllowed(SubmissionError):
    """The actor may not do this with this report (a page or API shows it as 404/403)."""


class NotOwed(SubmissionError):
    """The catalogue does not say the unit owes this report for that period."""


class StateError(SubmissionError):
    """The action is not allowed in the report's status (e.g. submitting an accepted report)."""


class DraftConflict(SubmissionError):
    """Someone else saved the draft since it was opened: the save is refused, nothing is overwritten."""

    def __init__(self, *, revision: int, updated_by: Any, updated_at: datetime) -> None:
        who = updated_by.get_full_name() if updated_by is not None else ""
        super().__init__(
            f"the draft was saved by someone else{f' ({who})' if who else ''} since you opened it "
            f"(now at revision {revision}); reload it and make your changes again"
        )
        self.revision, self.updated_by, self.updated_at = revision, updated_by, updated_at


class ExplanationRequired(SubmissionError):
    """The checks at submission found problems: the unit must explain to submit anyway."""

    def __init__(self, *, flags: list[str], findings: list[dict[str, str]], problems: list[dict[str, str]]) -> None:
        super().__init__(f"the report is flagged ({', '.join(flags)}): explain why you submit it as it is")
        self.flags, self.findings, self.problems = flags, findings, problems


class NotReady(SubmissionError):
    """Not a submission yet: the signed document or an applicable form is missing (rules.md §4), or a
    cell is not a figure (§5: problems of code ``figures``, naming the cells)."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        missing = ", ".join(p.get("form") or p["code"] for p in problems if p["code"] != "figures")
        figures = "; ".join(f"{p['form']}: {p['detail']}" for p in problems if p["code"] == "figures")
        reasons = [f"attach the signed document and fill every form (missing: {missing})"] if missing else []
        if figures:
            reasons.append(f"make every cell a whole number from 0 to the form's ceiling (not figures: {figures})")
        super().__init__(f"not submitted: {'; '.join(reasons)}")
        self.problems = problems


class InvalidText(SubmissionError):
    """A text that no engine stores alike (kstt.unicode_text: a lone surrogate, NUL); nothing was changed."""

    def __init__(self, error: unicode_text.TextError) -> None:
        super().__init__(str(error))
        self.error = error

    def message(self, where: str = "") -> str:
        """What the user reads, in the active language; ``where`` names the place for people (a section's
        title), else the path of the text."""
        params = {"where": where or self.error.where, "position": self.error.position, "char": self.error.code_point}
        if self.error.nul:
            return (
                gettext(
                    "%(where)s holds a NUL character (U+0000) at character %(position)s, which cannot be stored: "
                    "remove it and send again."
                )
                % params
            )
        return (
            gettext(
                "%(where)s holds a lone surrogate (%(char)s) at character %(position)s, which is not Unicode text "
                "and cannot be stored: remove it and send again."
            )
            % params
        )


class SectionTooLong(SubmissionError):
    """A narrative section longer than KSTT_MAX_SECTION_CHARS; nothing was changed."""

    def __init__(self, *, section: str, length: int, limit: int) -> None:
        super().__init__(f"the narrative section {section} is {length} characters long (at most {limit})")
        self.section, self.length, self.limit = section, length, limit

    def message(self, where: str = "") -> str:
        """What the user reads: ``where`` is the section's title for people, else its key."""
        return gettext(
            "The section “%(section)s” is %(length)s characters long; a section holds at most %(limit)s. "
            "Shorten it (or attach the details to the signed report) and save again."
        ) % {"section": where or self.section, "length": self.length, "limit": self.limit}


class NoteTooLong(SubmissionError):
    """An explanation, a reviewer's comment or a changed figure's reason (``kind``: explanation, comment,
    reason; ``cell`` "form.row.column" for a reason) longer than its limit (reports.rules.MAX_NOTE_CHARS,
    MAX_FIGURE_REASON_CHARS); nothing was changed."""

    def __init__(self, *, kind: str, length: int, limit: int, cell: str = "") -> None:
        what = f"reason for the changed figure {cell}" if kind == "reason" else kind
        super().__init__(f"the {what} is {length} characters long (at most {limit})")
        self.kind, self.cell, self.length, self.limit = kind, cell, length, limit

    def message(self) -> str:
        """What the user reads, in the active language."""
        where = {
            "explanation": gettext("The explanation"),
            "comment": gettext("The comment"),
        }.get(self.kind) or gettext("The reason for the changed figure %(cell)s") % {"cell": self.cell}
        return gettext("%(where)s is %(length)s characters long; at most %(limit)s are kept: shorten it.") % {
            "where": where,
            "length": self.length,
            "limit": self.limit,
        }


def _require_short(text: str, kind: str) -> None:
    length = rules.note_too_long(text)
    if length is not None:
        raise NoteTooLong(kind=kind, length=length, limit=rules.MAX_NOTE_CHARS)


class IdempotencyKeyReused(SubmissionError):
    """The Idempotency-Key made a version that no longer stands (returned, or a newer one since): a call with
    it now would be a new submission, which a key never makes twice."""

    def __init__(self, *, version: int) -> None:
        super().__init__(
            f"this Idempotency-Key was used by version {version}, which has been returned or followed by "
            "another since; send a new key to submit again"
        )
        self.version = version


class ReviewError(SubmissionError):
    """The version cannot be reviewed (not the latest, already reviewed, reasons missing)."""


class SentToGovernmentOffice(ReviewError):
    """The province's own report goes outside KSTT, to the Government Office: nobody here reviews it."""

    def __init__(self) -> None:
        super().__init__("the report is sent to the Government Office: nobody in KSTT accepts or returns it")


def _notify(kind: str, instance: ReportInstance, version: ReportVersion) -> None:
    """After commit: tell the people concerned (kind ∈ submitted|accepted|returned).

    A submission tells the recipient unit's reviewers (a link to the review page); a return or an
    acceptance tells the unit's reporters (a link to their report). The parameters are proper names
    and codes, written in Vietnamese whatever the reader's language (kstt.notifications.choices).
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    from kstt.notifications import services as notifications
    from kstt.reports.choices import ReturnReason
    from kstt.reports.templatetags.kstt_labels import period_label

    instance = ReportInstance.objects.select_related("unit", "recipient", "report_type").get(pk=instance.pk)
    if instance.recipient is None:  # sent to the Government Office: nobody in KSTT is told, nobody reviews it
        return
    users = get_user_model().objects.filter(is_active=True)
    with translation.override("vi"):
        period = period_label(instance.period)
        unit_version = units.unit_on(instance.unit.code, _window_end(instance))
        unit_name = unit_version.name if unit_version is not None else instance.unit.code
        common = {"report": instance.report_type.name, "period": period}
        if kind == "submitted":
            notifications.notify(
                recipients=users.filter(is_reviewer=True, unit=instance.recipient),
                kind="submitted",
                params={**common, "unit": unit_name},
                url=reverse("review:detail", args=[instance.unit.code, instance.period]),
                at=version.submitted_at,
            )
            return
        review = Review.objects.select_related("by").get(version=version)
        reviewer = review.by.get_full_name() if review.by is not None else ""
        recipient = units.unit_on(instance.recipient.code, _window_end(instance))
        if recipient is not None:
            reviewer = f"{reviewer} ({recipient.name})" if reviewer else recipient.name
        params = {**common, "reviewer": reviewer or instance.recipient.code}
        if kind == "returned":
            labels = [str(ReturnReason(r).label) if r in ReturnReason.values else r for r in review.reasons]
            params["reasons"] = "; ".join(labels + ([review.text] if review.text else []))
        notifications.notify(
            recipients=users.filter(is_reporter=True, unit=instance.unit),
            kind=kind,
            params=params,
            url=f"/reports/{instance.unit.code}/{instance.period}/",
            at=review.at,
        )


def _after_commit(kind: str, instance: ReportInstance, version: ReportVersion, *, source: str = "") -> None:
    """Notify after the commit; a history loaded from a file (``source``) notifies nobody: its events
    are long past and nobody has to act on them."""
    if source:
        return
    # robust: a notification that fails is logged; it never turns a committed change into an error
    transaction.on_commit(lambda: _notify(kind, instance, version), robust=True)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _locked(instance: ReportInstance) -> ReportInstance:
    return ReportInstance.objects.select_for_update(of=("self",)).select_related("report_type").get(pk=instance.pk)


def _window_end(instance: ReportInstance) -> Any:
    return catalogue.window(instance.report_type, instance.period)[1]


def _require_text(value: Any, where: str) -> None:
    """Every text in ``value`` is one every engine stores alike (kstt.unicode_text), else InvalidText."""
    error = unicode_text.find(value, where)
    if error is not None:
        raise InvalidText(error)


# --- Opening a report -------------------------------------------------------------------------------------


def _open(
    *, unit: Unit, report_type: ReportType, period: Period, at: datetime, actor: Any, prefilled: bool = False
) -> ReportInstance:
    existing = ReportInstance.objects.filter(unit=unit, report_type=report_type, period=period.code).first()
    if existing is not None:
        return existing
    if period.kind not in report_type.periods:
        raise NotOwed(f"{report_type.code} has no period {period.code} in its schedule")
    settings = catalogue.settings_for(report_type, period)
    window_end = settings.window(period)[1]
    version = units.unit_on(unit.code, window_end)
    if version is None:
        raise NotOwed(f"{unit.code} did not exist at the end of {period.code}")
    if version.level not in settings.deadlines:
        raise NotOwed(f"{unit.code} ({version.level}) owes no {report_type.code} report to anyone")
    if version.parent_id is None and version.level != Level.PROVINCE:
        raise NotOwed(f"{unit.code} ({version.level}) has no parent to report to in {period.code}")
    # The province has no parent: its report goes to the Government Office, outside KSTT (rules.md §1).
    try:
        with transaction.atomic():
            instance = ReportInstance.objects.create(
                unit=unit,
                report_type=report_type,
                period=period.code,
                level=version.level,
                recipient_id=version.parent_id,
                created_at=at,
            )
    except IntegrityError:  # opened at the same moment by someone else
        return ReportInstance.objects.get(unit=unit, report_type=report_type, period=period.code)
    values = prefill.prefill_values(instance) if prefilled else {}
    Draft.objects.create(instance=instance, values=values, updated_at=at, updated_by=_actor(actor))
    data: dict[str, Any] = {
        "unit": unit.code,
        "report": report_type.code,
        "period": period.code,
        "recipient": version.parent_id,
    }
    if values:
        data["prefilled"] = sorted(values)  # the forms that start from the dossiers (forms.md R8)
    audit.record(actor=actor, event="reports.opened", at=at, target=instance, data=data)
    return instance


@transaction.atomic
def open_instance(
    *, unit: Unit, report_type: ReportType, period: Period | str, at: datetime, actor: Any
) -> ReportInstance:
    """The report the unit owes for that period, with its draft: created on first use, its form 06
    starting from the figures computed from the unit's dossiers where they exist (prefill.py)."""
    if not access.may_report_for(actor, unit):
        raise NotAllowed("only a reporter of the unit opens its reports")
    try:
        parsed = period if isinstance(period, Period) else Period.parse(period)
    except PeriodError as exc:
        raise NotOwed(str(exc)) from None
    return _open(unit=unit, report_type=report_type, period=parsed, at=at, actor=actor, prefilled=True)


# --- The draft --------------------------------------------------------------------------------------------


def _require_reporter(actor: Any, instance: ReportInstance) -> None:
    if not access.may_report_for(actor, instance.unit):
        raise NotAllowed("only a reporter of the unit changes its reports")


def _require_editable(instance: ReportInstance) -> None:
    if instance.status not in rules.EDITABLE:
        raise StateError(f"the report is {instance.status}: it can be edited only as a draft or once returned")


@transaction.atomic
def save_draft(
    *,
    instance: ReportInstance,
    values: Mapping[str, Any],
    narrative: Mapping[str, str],
    reasons: Mapping[str, Any],
    expected_revision: int,
    at: datetime,
    actor: Any,
) -> Draft:
    """Save the draft if nobody saved it since ``expected_revision``; else DraftConflict. Every text must be
    storable (InvalidText) and each narrative section at most KSTT_MAX_SECTION_CHARS long (SectionTooLong)."""
    _require_reporter(actor, instance)
    problem = rules.shape_problem(values, depth=3) or rules.shape_problem(reasons, depth=3)
    if problem or not all(isinstance(k, str) and isinstance(v, str) for k, v in narrative.items()):
        raise SubmissionError(problem or "the narrative must map section keys to texts")
    for name, part in (("values", values), ("narrative", narrative), ("reasons", reasons)):
        _require_text(part, name)
    too_long = rules.section_too_long(narrative, limit=settings.KSTT_MAX_SECTION_CHARS)
    if too_long is not None:
        raise SectionTooLong(section=too_long[0], length=too_long[1], limit=settings.KSTT_MAX_SECTION_CHARS)
    long_reason = rules.figure_reason_too_long(reasons)
    if long_reason is not None:
        form, row, column = long_reason
        length = rules.note_too_long(reasons[form][row][column], limit=0) or 0
        raise NoteTooLong(kind="reason", cell=f"{form}.{row}.{column}", length=length,
                          limit=rules.MAX_FIGURE_REASON_CHARS)  # fmt: skip
    instance = _locked(instance)
    _require_editable(instance)
    before = Draft.objects.get(instance=instance)
    updated = Draft.objects.filter(pk=before.pk, revision=expected_revision).update(
        values=dict(values),
        narrative=rules.normal_narrative(narrative),  # the one normalisation, whichever way the text came
        reasons=dict(reasons),
        revision=F("revision") + 1,
        updated_at=at,
        updated_by=_actor(actor),
    )
    if not updated:
        raise DraftConflict(revision=before.revision, updated_by=before.updated_by, updated_at=before.updated_at)
    draft = Draft.objects.get(pk=before.pk)
    audit.record(
        actor=actor,
        event="reports.draft_saved",
        at=at,
        target=instance,
        data={
            "revision": draft.revision,
            "cells": rules.changed_cells(before.values, draft.values),
            "reasons": rules.changed_cells(before.reasons, draft.reasons),
            "sections": rules.changed_sections(before.narrative, draft.narrative),
        },
    )
    return draft


@transaction.atomic
def attach_document(
    *, instance: ReportInstance, name: str, content: bytes, verification: Mapping[str, Any], at: datetime, actor: Any
) -> NarrativeDocument:
    """Keep an uploaded narrative (already sniffed and verified by kstt.reports.documents) and make it
    the draft's. The draft's revision does not move: the document is not part of the typed values."""
    _require_reporter(actor, instance)
    _require_text(name, "name")
    instance = _locked(instance)
    _require_editable(instance)
    digest = hashlib.sha256(content).hexdigest()
    document = NarrativeDocument(
        instance=instance,
        name=name[:255],
        size=len(content),
        sha256=digest,
        verification=dict(verification),
        uploaded_at=at,
        uploaded_by=_actor(actor),
    )
    document.file.save(f"{instance.unit.code}-{instance.period}-{digest[:12]}.pdf", ContentFile(content), save=False)
    document.save()
    Draft.objects.filter(instance=instance).update(document=document, updated_at=at, updated_by=_actor(actor))
    audit.record(
        actor=actor,
        event="reports.document_attached",
        at=at,
        target=instance,
        data={"document": document.pk, "name": document.name, "sha256": digest, "size": document.size},
    )
    return document


# --- Submitting -------------------------------------------------------------------------------------------


def _required_sections(instance: ReportInstance) -> list[str]:
    """The required sections of the outline in force at the end of the report's window, in order."""
    outline = catalogue.outline_in_force(instance.report_type, on=_window_end(instance))
    if outline is None:
        return []
    return [section.key for section in outline.spec.fields if section.required]


def _extra_findings(instance: ReportInstance, draft: Draft) -> list[dict[str, str]]:
    """Findings of the rules that need more than the form itself: R7 against the latest submitted
    version of the unit's previous period, R8 against the dossiers (prefill.py)."""
    return prefill.previous_findings(instance, draft.values) + prefill.reconciliation_findings(
        instance, draft.values, draft.reasons
    )


def _form_rows(spec: FormSpec, rows: Mapping[str, Any]) -> tuple[list[FormRow], FormRow | None]:
    """A form's rows in a draft, as the checks read them: the field rows, and the total row (if the form has one)."""
    field_rows = [FormRow(key, "", cells or {}) for key, cells in rows.items() if key != TOTAL]
    total = FormRow(TOTAL, "", rows[TOTAL] or {}) if spec.total_row and TOTAL in rows else None
    return field_rows, total


def checks(instance: ReportInstance, draft: Draft) -> tuple[list[dict[str, str]], list[rules.Problem]]:
    """The automatic checks at submission (rules.md §5): every form rule, then completeness (§2)."""
    window_end = _window_end(instance)
    forms = catalogue.forms_in_force(report_type=instance.report_type, level=instance.level, on=window_end)
    findings = []
    for form in forms:
        rows = draft.values.get(form.code) or {}
        if not rows:
            continue
        spec = parse_form_spec(form.definition)
        field_rows, total = _form_rows(spec, rows)
        findings += [
            {
                "form": form.code,
                "rule": f.rule,
                "severity": f.severity,
                "row": f.row,
                "column": f.column,
                "message": f.message,
            }
            for f in check_cells(spec, field_rows, total)
        ]
    findings += _extra_findings(instance, draft)
    problems = rules.completeness(
        has_document=draft.document_id is not None,
        forms=[form.code for form in forms],
        values=draft.values,
        required_cell_findings=[(f["form"], f["row"], f["column"]) for f in findings if f["rule"] == REQUIRED],
        required_sections=_required_sections(instance),
        narrative=draft.narrative,
        not_figures=[(f["form"], f["row"], f["column"]) for f in findings if f["rule"] == FIGURE],
    )
    return findings, problems


def _refuse_non_figures(instance: ReportInstance) -> None:
    """NotReady when a form of the draft holds a cell that is not a figure (rules.md §5), for a submission
    made without the checks (the history loader): a version never holds one, however it is made."""
    draft = Draft.objects.get(instance=instance)
    forms = {form.code: form for form in catalogue.forms_in_force(
        report_type=instance.report_type, level=instance.level, on=_window_end(instance))}  # fmt: skip
    named = []
    for code, rows in (draft.values or {}).items():
        if code not in forms or not rows:
            continue
        spec = parse_form_spec(forms[code].definition)
        named += [(code, f.row, f.column) for f in figure_findings(spec, *_form_rows(spec, rows))]
    problems = rules.completeness(has_document=True, forms=(), values={}, not_figures=named)
    if problems:
        raise NotReady([p.as_json() for p in problems])


def _submit(
    *,
    instance: ReportInstance,
    explanation: str,
    idempotency_key: str | None,
    at: datetime,
    actor: Any,
    run_checks: bool = True,
    source: str = "",
) -> ReportVersion:
    instance = _locked(instance)
    if idempotency_key:
        existing = submission_for_key(instance=instance, key=idempotency_key)
        if existing is not None:
            return existing
    try:
        status = rules.next_status("submit", instance.status)
    except rules.TransitionError as exc:
        raise StateError(f"the report is {instance.status}: it cannot be submitted again until it is returned") from exc
    draft = Draft.objects.get(instance=instance)
    findings, problems = checks(instance, draft) if run_checks else ([], [])
    flags = rules.flags(findings=[(f["rule"], f["severity"]) for f in findings], problems=problems)
    problem_data = [p.as_json() for p in problems]
    missing = rules.missing_for_submission(problems)
    if missing:
        raise NotReady([p.as_json() for p in missing])
    if flags and not explanation.strip():
        raise ExplanationRequired(flags=flags, findings=findings, problems=problem_data)
    number = (ReportVersion.objects.filter(instance=instance).aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(
        instance=instance,
        number=number,
        submitted_at=at,
        submitted_by=_actor(actor),
        values=draft.values,
        narrative=draft.narrative,
        reasons=draft.reasons,
        document_id=draft.document_id,
        findings=findings,
        problems=problem_data,
        explanation=explanation.strip(),
        flags=flags,
        idempotency_key=idempotency_key or "",
        draft_revision=draft.revision,
    )
    instance.status = status
    if instance.first_submitted_at is None:
        instance.first_submitted_at = at
    instance.save(update_fields=["status", "first_submitted_at"])
    data: dict[str, Any] = {"version": number, "flags": flags, "findings": len(findings)}
    if source:
        data["source"] = source
    audit.record(actor=actor, event="reports.submitted", at=at, target=instance, data=data)
    _after_commit("submitted", instance, version, source=source)
    return version


def submission_for_key(*, instance: ReportInstance, key: str) -> ReportVersion | None:
    """The version a submit with ``key`` made, when a call with that key now is the same submission again:
    its version is still the latest and was not returned. None when the key made no version of this report.
    IdempotencyKeyReused when its version no longer stands (returned, or a newer version since): the call
    would be a new submission, and a key belongs to one. Read ``instance`` under its row lock to decide."""
    version = ReportVersion.objects.filter(instance=instance, idempotency_key=key).first()
    if version is None:
        return None
    latest = ReportVersion.objects.filter(instance=instance).aggregate(n=Max("number"))["n"]
    if version.number == latest and instance.status not in rules.EDITABLE:
        return version
    raise IdempotencyKeyReused(version=version.number)


@transaction.atomic
def submit(
    *, instance: ReportInstance, explanation: str = "", idempotency_key: str | None = None, at: datetime, actor: Any
) -> ReportVersion:
    """Submit the draft as the next version (rules.md §4–5). With the same ``idempotency_key`` a
    repeated call returns the version already made (IdempotencyKeyReused once that version was returned);
    without one, a second click finds the report submitted and is refused. Flagged by the checks, it needs
    an ``explanation``."""
    _require_reporter(actor, instance)
    _require_text(explanation, "explanation")
    _require_short(explanation, "explanation")
    return _submit(instance=instance, explanation=explanation, idempotency_key=idempotency_key, at=at, actor=actor)


# --- Reviewing --------------------------------------------------------------------------------------------


def _review(
    *,
    version: ReportVersion,
    decision: str,
    reasons: Sequence[str],
    text: str,
    at: datetime,
    actor: Any,
    source: str = "",
) -> Review:
    instance = _locked(version.instance)
    if instance.recipient_id is None:
        raise SentToGovernmentOffice
    latest = ReportVersion.objects.filter(instance=instance).order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        raise ReviewError("only the latest version of a report is reviewed")
    if Review.objects.filter(version=version).exists():
        raise ReviewError("this version has already been reviewed")
    if at < version.submitted_at:
        raise ReviewError("a version cannot be reviewed before it was submitted")
    action = "accept" if decision == Decision.ACCEPTED else "return"
    try:
        status = rules.next_status(action, instance.status)
    except rules.TransitionError as exc:
        raise StateError(f"the report is {instance.status}: it cannot be reviewed") from exc
    if decision == Decision.RETURNED:
        problem = rules.return_reasons_problem(reasons)
        if problem:
            raise ReviewError(problem)
    review = Review.objects.create(
        version=version,
        decision=decision,
        reasons=list(dict.fromkeys(reasons)) if decision == Decision.RETURNED else [],
        text=text.strip(),
        at=at,
        by=_actor(actor),
    )
    instance.status = status
    instance.save(update_fields=["status"])
    data: dict[str, Any] = {"version": version.number, "reasons": review.reasons}
    if source:
        data["source"] = source
    audit.record(
        actor=actor,
        event="reports.accepted" if decision == Decision.ACCEPTED else "reports.returned",
        at=at,
        target=instance,
        data=data,
    )
    _after_commit(decision, instance, version, source=source)
    return review


def _require_reviewer(actor: Any, version: ReportVersion) -> None:
    if version.instance.recipient_id is None:
        raise SentToGovernmentOffice
    if not access.may_review_report(actor, recipient_id=version.instance.recipient_id):
        raise NotAllowed("only a reviewer of the unit the report is sent to reviews it")


@transaction.atomic
def accept(*, version: ReportVersion, text: str = "", at: datetime, actor: Any) -> Review:
    """The recipient accepts the latest submitted version."""
    _require_reviewer(actor, version)
    _require_text(text, "text")
    _require_short(text, "comment")
    return _review(version=version, decision=Decision.ACCEPTED, reasons=(), text=text, at=at, actor=actor)


@transaction.atomic
def return_report(
    *, version: ReportVersion, reasons: Sequence[str], text: str = "", at: datetime, actor: Any
) -> Review:
    """The recipient returns the latest submitted version with reasons from the fixed list; the unit
    edits its draft again and submits the next version."""
    _require_reviewer(actor, version)
    _require_text(text, "text")
    _require_text(list(reasons), "reasons")
    _require_short(text, "comment")
    return _review(version=version, decision=Decision.RETURNED, reasons=reasons, text=text, at=at, actor=actor)


__all__ = [
    "DraftConflict",
    "ExplanationRequired",
    "IdempotencyKeyReused",
    "InvalidText",
    "NotAllowed",
    "NotOwed",
    "NoteTooLong",
    "ReportStatus",
    "ReviewError",
    "SectionTooLong",
    "SentToGovernmentOffice",
    "StateError",
    "SubmissionError",
    "accept",
    "attach_document",
    "checks",
    "open_instance",
    "return_report",
    "save_draft",
    "submission_for_key",
    "submit",
]


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
    instance = _open(unit=unit, report_type=report_type, period=row.period, at=row.at, actor=None)
    if row.event == "submitted":
        if ReportVersion.objects.filter(instance=instance, submitted_at=row.at).exists():
            result.unchanged += 1
            return
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
