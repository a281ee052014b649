"""Opening a report and keeping its draft: the figures, the narrative's sections and the signed document."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F

from kstt.accounts import access
from kstt.audit import services as audit
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports import prefill, rules
from kstt.reports.models import Draft, NarrativeDocument, ReportInstance
from kstt.reports.services.common import (
    _actor,
    _locked,
    _require_editable,
    _require_reporter,
    _require_text,
)
from kstt.reports.services.errors import (
    DraftConflict,
    NotAllowed,
    NoteTooLong,
    NotOwed,
    SectionTooLong,
    SubmissionError,
)
from kstt.units import selectors as units
from kstt.units.choices import Level
from kstt.units.models import Unit, UnitVersion

# --- Opening a report -------------------------------------------------------------------------------------


def _in_force(version: UnitVersion | None, unit: Unit, on: date) -> bool:
    """``version`` is ``unit``'s version in force on ``on`` (what ``units.unit_on`` would read)."""
    return (
        version is not None
        and version.unit_id == unit.pk
        and (version.valid_from is None or version.valid_from <= on)
        and (version.valid_until is None or version.valid_until > on)
    )


def _open_or_create(
    *,
    unit: Unit,
    report_type: ReportType,
    period: Period,
    at: datetime,
    actor: Any,
    prefilled: bool = False,
    unit_version: UnitVersion | None = None,
    looked: bool = False,
    draft_stored: bool = True,
) -> tuple[ReportInstance, Draft | None]:
    """The report, and its new draft when this call created both (None when it was there already: made by
    someone else, maybe at this very moment). ``looked``: the caller just read the report and found none, so
    it is created at once (one created meanwhile by someone else is found by the unique constraint). A report
    this call created is its transaction's alone until the commit: nobody else can read or lock it.
    ``draft_stored`` False: the new draft is given back unsaved, for a caller that saves it at once with
    its content (``_write_draft`` inserts it: one INSERT instead of an empty one and an UPDATE)."""
    existing = (
        None
        if looked
        else ReportInstance.objects.filter(unit=unit, report_type=report_type, period=period.code).first()
    )
    if existing is not None:
        return existing, None
    if period.kind not in report_type.periods:
        raise NotOwed(f"{report_type.code} has no period {period.code} in its schedule")
    settings = catalogue.settings_for(report_type, period)
    window_end = settings.window(period)[1]
    version = unit_version if _in_force(unit_version, unit, window_end) else units.unit_on(unit.code, window_end)
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
        return ReportInstance.objects.get(unit=unit, report_type=report_type, period=period.code), None
    values = prefill.prefill_values(instance) if prefilled else {}
    draft = Draft(instance=instance, values=values, updated_at=at, updated_by=_actor(actor))
    if draft_stored:
        draft.save(force_insert=True)
    data: dict[str, Any] = {
        "unit": unit.code,
        "report": report_type.code,
        "period": period.code,
        "recipient": version.parent_id,
    }
    if values:
        data["prefilled"] = sorted(values)  # the forms that start from the dossiers (forms.md R8)
        if prefill.from_compilation(instance) is not None:
            data["prefilled_from"] = "reports"  # a district's or the province's: from its compilation
    audit.record(actor=actor, event="reports.opened", at=at, target=instance, data=data)
    return instance, draft


@transaction.atomic
def open_instance(
    *,
    unit: Unit,
    report_type: ReportType,
    period: Period | str,
    at: datetime,
    actor: Any,
    unit_version: UnitVersion | None = None,
) -> ReportInstance:
    """The report the unit owes for that period, with its draft: created on first use, its form 06
    starting from the figures computed from the unit's dossiers where they exist (prefill.py).
    ``unit_version``: the unit as it is at the end of the period's window, when the caller read it (the API's
    access check): not read again (a version in force on another day is not used)."""
    if not access.may_report_for(actor, unit):
        raise NotAllowed("only a reporter of the unit opens its reports")
    try:
        parsed = period if isinstance(period, Period) else Period.parse(period)
    except PeriodError as exc:
        raise NotOwed(str(exc)) from None
    return _open_or_create(
        unit=unit, report_type=report_type, period=parsed, at=at, actor=actor, prefilled=True, unit_version=unit_version
    )[0]


# --- The draft --------------------------------------------------------------------------------------------


@transaction.atomic
def refill_form06(*, instance: ReportInstance, expected_revision: int, at: datetime, actor: Any) -> Draft:
    """Form 06 of the draft replaced, at the reporter's request, by the figures a new draft starts from
    (``prefill.prefill_values``: a district's or the province's compilation of the reports received so far,
    else the unit's dossiers): a draft opened before the units below reported catches up with them. Never
    done silently: only this explicit request overwrites typed figures, and it is a save like any other
    (DraftConflict when someone saved since ``expected_revision``; the audit entry lists the cells changed).
    The narrative, the reasons and the other forms stay as they are."""
    _require_reporter(actor, instance)
    instance = _locked(instance)
    _require_editable(instance)
    draft = Draft.objects.get(instance=instance)
    values = {form: rows for form, rows in draft.values.items() if form != prefill.FORM06}
    values |= prefill.prefill_values(instance)
    return save_draft(
        instance=instance, values=values, narrative=draft.narrative, reasons=draft.reasons,
        expected_revision=expected_revision, at=at, actor=actor,
    )  # fmt: skip


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
    check_draft(values=values, narrative=narrative, reasons=reasons)
    instance = _locked(instance)
    _require_editable(instance)
    _write_draft(
        instance=instance, values=values, narrative=narrative, reasons=reasons, expected_revision=expected_revision,
        at=at, actor=actor,
    )  # fmt: skip
    # as stored, with what an answer shows of it (the document, who uploaded it, who saved): one query
    return Draft.objects.select_related("document", "document__uploaded_by", "updated_by").get(instance=instance)


def check_draft(*, values: Mapping[str, Any], narrative: Mapping[str, str], reasons: Mapping[str, Any]) -> None:
    """What a draft's save refuses before it reads anything: a malformed shape (SubmissionError), a text that
    cannot be stored (InvalidText), a section or a reason too long (SectionTooLong, NoteTooLong)."""
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


def _write_draft(
    *,
    instance: ReportInstance,
    values: Mapping[str, Any],
    narrative: Mapping[str, str],
    reasons: Mapping[str, Any],
    expected_revision: int | None,
    at: datetime,
    actor: Any,
    before: Draft | None = None,
    document: NarrativeDocument | None = None,
) -> Draft:
    """The draft of ``instance`` (read under its row lock by the caller, editable, the input checked) saved
    and audited; ``expected_revision`` None: whatever its revision (a submission in one request).
    ``before``: the draft as it is, when the caller has it (it created it in this transaction; not saved yet:
    inserted here with the content); ``document``: the narrative stored by the caller (``_store_document``),
    made the draft's by the same statement (its own audit entry is the caller's). The draft as stored, without
    reading it back."""
    if before is None:
        before = Draft.objects.get(instance=instance)
    stored = Draft(
        pk=before.pk,
        instance=instance,
        values=dict(values),
        narrative=rules.normal_narrative(narrative),  # the one normalisation, whichever way the text came
        reasons=dict(reasons),
        document_id=document.pk if document is not None else before.document_id,
        revision=before.revision + 1,
        updated_at=at,
        updated_by=_actor(actor),
    )
    if document is not None:
        stored.document = document
    if before.pk is None:  # new in this transaction, nobody else's: its one INSERT, with the content
        if expected_revision not in (None, before.revision):
            raise DraftConflict(revision=before.revision, updated_by=before.updated_by, updated_at=before.updated_at)
        stored.save(force_insert=True)
    else:
        saved = Draft.objects.filter(pk=before.pk)
        if expected_revision is not None:
            saved = saved.filter(revision=expected_revision)
        changes = {"document": document} if document is not None else {}
        updated = saved.update(
            values=stored.values,
            narrative=stored.narrative,
            reasons=stored.reasons,
            revision=F("revision") + 1,
            updated_at=at,
            updated_by=stored.updated_by,
            **changes,
        )
        if not updated:
            raise DraftConflict(revision=before.revision, updated_by=before.updated_by, updated_at=before.updated_at)
    audit.record(  # what the UPDATE above stored, against what was there
        actor=actor,
        event="reports.draft_saved",
        at=at,
        target=instance,
        data={
            "revision": before.revision + 1,
            "cells": rules.changed_cells(before.values, values),
            "reasons": rules.changed_cells(before.reasons, reasons),
            "sections": rules.changed_sections(before.narrative, stored.narrative),
        },
    )
    return stored


def attach_document(
    *, instance: ReportInstance, name: str, content: bytes, verification: Mapping[str, Any], at: datetime, actor: Any
) -> NarrativeDocument:
    """Keep an uploaded narrative (already sniffed and verified by kstt.reports.documents) and make it
    the draft's. The draft's revision does not move: the document is not part of the typed values.

    The file is written first, then its row, in one transaction. When the transaction fails before its
    commit (a refusal, the database connection dropped: issue 16, point 5) the file is deleted, so no
    file is left that no row names. When the COMMIT itself fails the outcome is unknown (the row may be
    stored), so the file stays: an unnamed file may remain, never a row naming a missing file."""
    written: list[NarrativeDocument] = []
    with transaction.atomic():
        try:
            return _attach_document(
                instance=instance, name=name, content=content, verification=verification, at=at, actor=actor,
                written=written,
            )  # fmt: skip
        except BaseException:
            for document in written:
                document.file.delete(save=False)
            raise


def _attach_document(
    *,
    instance: ReportInstance,
    name: str,
    content: bytes,
    verification: Mapping[str, Any],
    at: datetime,
    actor: Any,
    written: list[NarrativeDocument],
    locked: bool = False,
) -> NarrativeDocument:
    """``locked``: the caller read ``instance`` under its row lock and found it editable."""
    _require_reporter(actor, instance)
    _require_text(name, "name")
    if not locked:
        instance = _locked(instance)
        _require_editable(instance)
    document = _store_document(
        instance=instance, name=name, content=content, verification=verification, at=at, actor=actor, written=written
    )
    Draft.objects.filter(instance=instance).update(document=document, updated_at=at, updated_by=_actor(actor))
    audit_attached(document, at=at, actor=actor)
    return document


def audit_attached(document: NarrativeDocument, *, at: datetime, actor: Any) -> None:
    """The audit entry of a narrative made the draft's."""
    audit.record(
        actor=actor,
        event="reports.document_attached",
        at=at,
        target=document.instance,
        data={"document": document.pk, "name": document.name, "sha256": document.sha256, "size": document.size},
    )


def _store_document(
    *,
    instance: ReportInstance,
    name: str,
    content: bytes,
    verification: Mapping[str, Any],
    at: datetime,
    actor: Any,
    written: list[NarrativeDocument],
) -> NarrativeDocument:
    """The file written, then its row (``written`` keeps it, for the caller to delete the file when the
    transaction fails); not yet the draft's."""
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
    written.append(document)
    document.save()
    return document
