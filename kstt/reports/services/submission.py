"""Submitting the draft as the next version (rules.md §4–5): the checks, what blocks, the idempotency key.

A press of *submit* is a submission when the signed narrative and every applicable form are there (§4; a
PDF without a digital signature counts as missing only when the settings require one) and every cell is a
figure (§5). What the checks find otherwise never blocks it: the version arrives flagged (incomplete,
inaccurate, unsigned), explained or not. A press that is not a submission is never silent: it is recorded
(RefusedSubmission, who, when, what was missing) and audited in a transaction of its own, so the refusal
does not roll the record back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from kstt import records
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
)
from kstt.catalogue.rules.periods import Period
from kstt.reports import prefill, rules
from kstt.reports.models import (
    Draft,
    NarrativeDocument,
    RefusedSubmission,
    ReportFigure,
    ReportInstance,
    ReportVersion,
)
from kstt.reports.selectors import versions_of
from kstt.reports.services.common import (
    _actor,
    _after_commit,
    _locked,
    _require_editable,
    _require_reporter,
    _require_short,
    _require_text,
    _window_end,
)
from kstt.reports.services.drafts import (
    _in_force,
    _open_or_create,
    _store_document,
    _write_draft,
    audit_attached,
    check_draft,
)
from kstt.reports.services.errors import (
    IdempotencyKeyReused,
    NotAllowed,
    NotReady,
    StateError,
)
from kstt.units.models import Unit, UnitVersion

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


def _signed(draft: Draft) -> bool:
    """Whether the draft's narrative PDF carries a digital signature (kstt.reports.documents verified it)."""
    document = draft.document if draft.document_id is not None else None
    return document is not None and bool((document.verification or {}).get("signed"))


def flags_for(draft: Draft, findings: list[dict[str, Any]], problems: list[rules.Problem]) -> list[str]:
    """The flags a submission of ``draft`` arrives with (rules.md §4–5): what ``checks`` found, and
    ``unsigned`` when its narrative PDF has no digital signature."""
    return rules.flags(
        findings=[(f["rule"], f["severity"]) for f in findings],
        problems=problems,
        unsigned=draft.document_id is not None and not _signed(draft),
    )


def checks(instance: ReportInstance, draft: Draft) -> tuple[list[dict[str, str]], list[rules.Problem]]:
    """The automatic checks at submission (rules.md §5): every form rule, then completeness (§2), with the
    digital signature the settings of the report's period may require (§4)."""
    window_end = _window_end(instance)
    forms = catalogue.forms_in_force(report_type=instance.report_type, level=instance.level, on=window_end)
    findings = []
    for form in forms:
        rows = draft.values.get(form.code) or {}
        if not rows:
            continue
        spec = catalogue.form_spec(form)
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
        signed=_signed(draft),
        signature_required=catalogue.settings_for(instance.report_type, instance.period).digital_signature_required,
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
        spec = catalogue.form_spec(forms[code])
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
    locked: bool = False,
    latest: int | None = None,
    unit_name: str | None = None,
    draft: Draft | None = None,
) -> ReportVersion:
    """The next version of ``instance`` (locked here unless the caller did, ``locked``); the caller gave back
    what an Idempotency-Key made. ``latest``: the latest version number, when the caller read it under the lock;
    ``unit_name``: the unit's name at the end of the window, when the caller read it (for the notification);
    ``draft``: the draft as the caller stored it under the lock (with its document), else read here."""
    instance = instance if locked else _locked(instance)
    try:
        status = rules.next_status("submit", instance.status)
    except rules.TransitionError as exc:
        raise StateError(f"the report is {instance.status}: it cannot be submitted again until it is returned") from exc
    if draft is None:
        draft = Draft.objects.select_related("document", "document__uploaded_by").get(instance=instance)
    findings, problems = checks(instance, draft) if run_checks else ([], [])
    flags = flags_for(draft, findings, problems) if run_checks else []
    problem_data = [p.as_json() for p in problems]
    missing = rules.missing_for_submission(problems)
    if missing:
        raise NotReady([p.as_json() for p in missing])
    if latest is None:
        latest = ReportVersion.objects.filter(instance=instance).aggregate(n=Max("number"))["n"] or 0
    number = latest + 1
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
    # The new version as read back would be: its document (read with the draft), and no review yet.
    version.document = draft.document
    ReportVersion.review.related.set_cached_value(version, None)
    write_figures(version)
    instance.status = status
    if instance.first_submitted_at is None:
        instance.first_submitted_at = at
    instance.save(update_fields=["status", "first_submitted_at"])
    data: dict[str, Any] = {"version": number, "flags": flags, "findings": len(findings)}
    if source:
        data["source"] = source
    audit.record(actor=actor, event="reports.submitted", at=at, target=instance, data=data)
    _after_commit("submitted", instance, version, source=source, unit_name=unit_name)
    return version


def write_figures(version: ReportVersion) -> None:
    """The version's whole-number cells (``rules.figure_cells``) as ``ReportFigure`` rows, in the caller's
    transaction (issue 15), in one INSERT (``kstt.records.insert_all``)."""
    records.insert_all(
        ReportFigure,
        ("version", "form", "row", "column", "value"),
        [(version.pk, *cell) for cell in rules.figure_cells(version.values)],
    )


def _for_key(instance: ReportInstance, key: str) -> tuple[ReportVersion | None, int]:
    """``submission_for_key``'s answer and the report's latest version number (0 before the first): what the
    key made and what a new submission would follow, in one query (a second to read a version given back)."""
    numbers = ReportVersion.objects.filter(instance=instance).aggregate(
        latest=Max("number"), keyed=Max("number", filter=Q(idempotency_key=key))
    )
    latest, keyed = numbers["latest"] or 0, numbers["keyed"]
    if keyed is None:
        return None, latest
    if keyed == latest and instance.status not in rules.EDITABLE:
        # read with what an answer shows of it (its review, who submitted, the document and its uploader)
        return versions_of(instance).select_related("document__uploaded_by").get(number=keyed), latest
    raise IdempotencyKeyReused(version=keyed)


def submission_for_key(*, instance: ReportInstance, key: str) -> ReportVersion | None:
    """The version a submit with ``key`` made, when a call with that key now is the same submission again:
    its version is still the latest and was not returned. None when the key made no version of this report.
    IdempotencyKeyReused when its version no longer stands (returned, or a newer version since): the call
    would be a new submission, and a key belongs to one. Read ``instance`` under its row lock to decide."""
    return _for_key(instance, key)[0]


@dataclass(frozen=True)
class Submitted:
    """What a press of *submit* did: the version, and whether this press made it (False: the version its
    Idempotency-Key made before, given back)."""

    version: ReportVersion
    made: bool


def _submit_once(
    *, instance: ReportInstance, explanation: str, idempotency_key: str | None, at: datetime, actor: Any
) -> Submitted:
    locked = _locked(instance)
    latest = None
    if idempotency_key:
        existing, latest = _for_key(locked, idempotency_key)
        if existing is not None:
            return Submitted(existing, made=False)
    version = _submit(
        instance=locked, explanation=explanation, idempotency_key=idempotency_key, at=at, actor=actor, locked=True,
        latest=latest,
    )  # fmt: skip
    return Submitted(version, made=True)


def _record_refusal(*, instance: ReportInstance, missing: list[dict[str, str]], at: datetime, actor: Any) -> Any:
    """Keep a press of *submit* that was not a submission (rules.md §4): who, when, what was missing, audited.

    Its own transaction, after the refused submission rolled back: the refusal never takes the record with
    it. ``durable``: inside a caller's transaction the record would go when that one rolls back on the
    refusal, so such a call is a programming error (RuntimeError), never a silent loss."""
    with transaction.atomic(durable=True):
        return _refusal(instance=instance, missing=missing, at=at, actor=actor)


def _refusal(*, instance: ReportInstance, missing: list[dict[str, str]], at: datetime, actor: Any) -> Any:
    """The refused press recorded and audited, in the caller's transaction (one that commits it)."""
    draft = Draft.objects.get(instance=instance)
    refused = RefusedSubmission.objects.create(
        instance=instance,
        at=at,
        by=_actor(actor),
        missing=missing,
        document_id=draft.document_id,
        draft_revision=draft.revision,
    )
    audit.record(
        actor=actor,
        event="reports.submit_refused",
        at=at,
        target=instance,
        data={"missing": missing, "revision": draft.revision},
    )
    return refused


def submit_once(
    *, instance: ReportInstance, explanation: str = "", idempotency_key: str | None = None, at: datetime, actor: Any
) -> Submitted:
    """Submit the draft as the next version (rules.md §4–5), flagged or not: an ``explanation`` is the unit's
    word to the reviewer, never required. With the same ``idempotency_key`` a repeated call gives back the
    version already made (``made`` False; IdempotencyKeyReused once that version was returned); without one,
    a second click finds the report submitted and is refused (StateError).

    NotReady when the press is not a submission (the signed document or a form missing, an unsigned PDF the
    settings refuse, a cell that is not a figure): nothing is submitted, and the refused press is recorded
    (RefusedSubmission, audited ``reports.submit_refused``) in a transaction of its own, so call this outside
    any transaction. The exception carries the record (``recorded``)."""
    _require_reporter(actor, instance)
    _require_text(explanation, "explanation")
    _require_short(explanation, "explanation")
    try:
        with transaction.atomic():
            return _submit_once(
                instance=instance, explanation=explanation, idempotency_key=idempotency_key, at=at, actor=actor
            )
    except NotReady as refused:
        refused.recorded = _record_refusal(instance=instance, missing=refused.problems, at=at, actor=actor)
        raise


def submit(
    *, instance: ReportInstance, explanation: str = "", idempotency_key: str | None = None, at: datetime, actor: Any
) -> ReportVersion:
    """``submit_once``'s version: the one this press made, or the one its Idempotency-Key made before."""
    return submit_once(
        instance=instance, explanation=explanation, idempotency_key=idempotency_key, at=at, actor=actor
    ).version


# --- A finished report in one press -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedDocument:
    """The signed narrative a submission in one press carries, already sniffed and verified
    (kstt.reports.documents): its file name, its bytes and the verification's JSON."""

    name: str
    content: bytes
    verification: Mapping[str, Any]


def submit_report(
    *,
    unit: Unit,
    report_type: ReportType,
    period: Period,
    values: Mapping[str, Any],
    narrative: Mapping[str, str],
    reasons: Mapping[str, Any],
    document: SignedDocument,
    explanation: str = "",
    idempotency_key: str | None = None,
    expected_revision: int | None = None,
    at: datetime,
    actor: Any,
    instance: ReportInstance | None = None,
    looked: bool = False,
    unit_version: UnitVersion | None = None,
) -> Submitted:
    """A finished report in one press (the API's ``POST …/submission/``, for a system that sends the whole
    report at once): the draft saved with ``values``, ``narrative`` and ``reasons``, the signed narrative
    attached to it, and the draft submitted as the next version (rules.md §4–5). One transaction, the
    report's row lock (none for a report this call opens: nobody else sees it before the commit); each step
    is audited as when done one by one (``reports.opened`` on first use, ``draft_saved``,
    ``document_attached``, ``submitted``, in one INSERT), and the reviewers are told after the commit. Two
    presses at once with one key give the one version (a second one opening the report finds it there).

    With an ``idempotency_key`` that already made the report's standing version, that version is given back
    (``made`` False) and nothing is written: a retry never saves the draft again (IdempotencyKeyReused once
    that version was returned or followed, as ``submit_once``). ``expected_revision``: the draft's revision the
    caller read (DraftConflict when someone saved since); None replaces the draft whatever its revision.

    NotReady when the press is not a submission (a form missing, an unsigned PDF the settings refuse, a cell
    that is not a figure): the draft and the document stay saved as sent (nothing the caller sent is lost, it
    can be corrected and submitted), the refused press is recorded in the same transaction (rules.md §4), and
    NotReady is raised after its commit, carrying the record (``recorded``). A report opened here is not
    prefilled from the dossiers: the caller's figures replace its draft at once (R8 still checks them).

    ``instance``: the report, when the caller read it (None: opened here if it is not there yet; with
    ``looked`` the caller found none, so it is not looked for again before it is created);
    ``unit_version``: the unit at the end of the period's window, when the caller read it."""
    if not access.may_report_for(actor, unit):
        raise NotAllowed("only a reporter of the unit submits its reports")
    _require_text(explanation, "explanation")
    _require_short(explanation, "explanation")
    check_draft(values=values, narrative=narrative, reasons=reasons)
    _require_text(document.name, "name")
    written: list[NarrativeDocument] = []
    refused: NotReady | None = None
    window_end = catalogue.window(report_type, period)[1]
    unit_name = unit_version.name if _in_force(unit_version, unit, window_end) and unit_version else None
    with transaction.atomic(), audit.together():  # one transaction, its four audit entries in one INSERT
        try:
            created = None
            if instance is None:
                instance, created = _open_or_create(
                    unit=unit, report_type=report_type, period=period, at=at, actor=actor, unit_version=unit_version,
                    looked=looked, draft_stored=False,  # inserted below with what was sent
                )  # fmt: skip
            instance.unit, instance.report_type = unit, report_type  # kept by the row lock (_locked)
            if created is not None:  # made by this transaction: nobody else sees it, no version yet
                locked, latest = instance, 0
            else:
                locked, latest = _locked(instance), None
                if idempotency_key:
                    existing, latest = _for_key(locked, idempotency_key)
                    if existing is not None:
                        return Submitted(existing, made=False)
                _require_editable(locked)
            stored = _store_document(
                instance=locked, name=document.name, content=document.content, verification=document.verification,
                at=at, actor=actor, written=written,
            )  # fmt: skip
            # the draft saved and the document made its own in one UPDATE, audited as the two steps they are
            draft = _write_draft(
                instance=locked, values=values, narrative=narrative, reasons=reasons,
                expected_revision=expected_revision, at=at, actor=actor, before=created, document=stored,
            )  # fmt: skip
            audit_attached(stored, at=at, actor=actor)
            try:
                version = _submit(
                    instance=locked, explanation=explanation, idempotency_key=idempotency_key, at=at, actor=actor,
                    locked=True, latest=latest, unit_name=unit_name, draft=draft,
                )  # fmt: skip
            except NotReady as exc:  # raised before _submit writes: the draft and the document are kept
                exc.recorded = _refusal(instance=locked, missing=exc.problems, at=at, actor=actor)
                refused = exc
            else:
                return Submitted(version, made=True)
        except BaseException:  # rolled back: no file left that no row names (as attach_document)
            for written_document in written:
                written_document.file.delete(save=False)
            raise
    assert refused is not None  # noqa: S101  (every other way out of the block returned or raised)
    raise refused
