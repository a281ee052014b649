"""The reporter's report page: fill the forms and the narrative, attach the signed PDF, submit.

/reports/<unit>/<period>/ — the unit's reporters edit it (draft or returned); the reviewers above the unit
and administrators read it; for anyone else it does not exist (404). Every write goes through
kstt.reports.services; the page only turns its domain errors into messages, and keeps what the reporter
typed whenever a write is refused.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import FormDefinition, ReportType
from kstt.catalogue.rules.forms import FormSpec, parse_form_spec
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compilation import rules as compiling
from kstt.compilation.access import may_compile_reports
from kstt.compilation.selectors import COMPILED_LEVELS
from kstt.reports import documents, prefill, rules, selectors, services
from kstt.reports.choices import Flag as ReportFlag
from kstt.reports.choices import ReportStatus, ReturnReason
from kstt.reports.forms import ReportPageForm, build_grid, parse_narrative, parse_reasons, parse_values, row_sources
from kstt.reports.models import Draft, ReportInstance, ReportVersion
from kstt.reports.wording import ReportWords, words_for, words_from
from kstt.units import selectors as units
from kstt.units.models import UnitVersion


class _Context:
    """The report, its unit as it was, and what the user may do with it."""

    def __init__(self, *, version: UnitVersion, period: Period, report_type: ReportType, editor: bool) -> None:
        self.version, self.period, self.report_type, self.editor = version, period, report_type, editor
        self.window = catalogue.window(report_type, period)


def _resolve(request: HttpRequest, unit_code: str, period_code: str) -> _Context:
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report type.")
    try:
        period = Period.parse(period_code)
    except PeriodError:
        raise Http404("No such period.") from None
    window_end = catalogue.window(report_type, period)[1]
    version, _access = access.unit_for_user(user=request.user, code=unit_code, on=window_end)
    editor = access.may_report_for(request.user, version.unit)
    return _Context(version=version, period=period, report_type=report_type, editor=editor)


def _missing(request: HttpRequest, ctx: _Context, message: str, *, status: int, started: bool = True) -> HttpResponse:
    # A receiving unit's report not started yet: its narrative report can be drafted all the same.
    context = {"ctx": ctx, "unit": ctx.version, "message": message, "may_draft": not started}
    return render(request, "reports/report_missing.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def report_page(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    ctx = _resolve(request, unit_code, period)
    if request.method == "POST" and not ctx.editor:
        raise Http404("Not found.")  # readers read; only the unit's reporters write
    if ctx.editor:
        if ctx.window[0] > clock.today():
            return _missing(request, ctx, _("This period has not started yet: there is nothing to report."), status=404)
        try:
            instance = services.open_instance(
                unit=ctx.version.unit,
                report_type=ctx.report_type,
                period=ctx.period,
                at=clock.now(),
                actor=request.user,
            )
        except services.NotOwed:
            return _missing(request, ctx, _("Your unit owes no report for this period."), status=404)
    else:
        found = (
            ReportInstance.objects.filter(unit=ctx.version.unit, report_type=ctx.report_type, period=ctx.period.code)
            .select_related("unit", "recipient")
            .first()
        )
        if found is None:
            return _missing(request, ctx, _("The unit has not started this report yet."), status=200, started=False)
        instance = found
    instance.report_type = ctx.report_type  # the same row, already read: its settings are read once
    if request.method == "POST":
        return _post(request, ctx, instance)
    return _render(request, ctx, instance)


def _editable(ctx: _Context, instance: ReportInstance) -> bool:
    return ctx.editor and instance.status in rules.EDITABLE


def _render(
    request: HttpRequest,
    ctx: _Context,
    instance: ReportInstance,
    *,
    values: dict[str, Any] | None = None,
    narrative: dict[str, str] | None = None,
    reasons: dict[str, Any] | None = None,
    revision: int | None = None,
    explanation: str = "",
    idempotency_key: str = "",
    problem: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = Draft.objects.select_related("document", "updated_by").get(instance=instance)
    versions = list(selectors.versions_of(instance))
    latest = versions[-1] if versions else None
    editable = _editable(ctx, instance)
    shown: Draft | ReportVersion
    if editable or latest is None:
        shown = Draft(
            instance=instance,
            values=draft.values if values is None else values,
            narrative=draft.narrative if narrative is None else narrative,
            reasons=draft.reasons if reasons is None else reasons,
            document=draft.document,
        )
        findings, problems = services.checks(instance, shown)
        flags = services.flags_for(shown, findings, problems)
        document = draft.document
    else:
        shown = latest
        findings, flags, document = latest.findings, latest.flags, latest.document
        problems = []
    forms = catalogue.forms_in_force(report_type=ctx.report_type, level=instance.level, on=ctx.window[1])
    children = list(units.children_on(ctx.version.unit, ctx.window[1]).select_related("unit"))
    # Form 06 from the dossiers (R8): the browser shows the computed value beside a cell as soon as it is
    # changed; a read-only page shows it beside the cells that differed, from the version's findings.
    # A district's or the province's form by unit: one row per unit, reconciled with its compilation.
    fills06 = any(f.code == prefill.FORM06 for f in forms)
    found = prefill.from_compilation(instance) if fills06 else None
    by_unit = prefill.compiled_mode(instance, shown.values) if found is not None else None
    source = "reports" if by_unit is not None else "dossiers"
    if by_unit is not None:
        computed = by_unit.values if editable else {}
        links = prefill.compiled_links(instance, by_unit) if editable else {}
    else:
        computed = prefill.computed_values(instance) if editable and fills06 else {}
        links = prefill.cell_links(instance, list(computed)) if computed else {}

    def sources(form: FormDefinition) -> list[tuple[str, str]]:
        if form.code == prefill.FORM06 and by_unit is not None:
            return list(by_unit.units)
        return row_sources(_spec(form), level=instance.level, children=children)

    grids = [
        build_grid(
            form,
            sources=sources(form),
            values=shown.values.get(form.code) or {},
            findings=[f for f in findings if f.get("form") == form.code],
            computed=computed if form.code == prefill.FORM06 else None,
            links=links if form.code == prefill.FORM06 else None,
            source=source if form.code == prefill.FORM06 else "dossiers",
        )
        for form in forms
    ]  # fmt: skip
    outline = catalogue.outline_in_force(ctx.report_type, on=ctx.window[1])
    refused = set((problem or {}).get("sections") or ())
    words = words_from(
        specs={grid.code: grid.spec for grid in grids},
        outline=outline,
        row_names={row.key: row.label for grid in grids for row in grid.rows},
    )  # what the page has read already, in words: no query more
    for grid in grids:  # the findings that point at no cell of the grid, said where they are in words
        grid.other_findings = [f | {"text": words.finding(f, with_form=False)} for f in grid.other_findings]
    sections = [
        {
            "section": s,
            "text": shown.narrative.get(s.key, ""),
            "missing": _section_missing(s, shown.narrative),
            "refused": s.key in refused,
        }
        for s in (outline.spec.sections if outline else ())
    ]
    review = getattr(latest, "review", None) if latest is not None else None
    context = {
        "ctx": ctx,
        "unit": ctx.version,
        "instance": instance,
        "recipient_name": _recipient_name(instance, ctx),
        "draft": draft,
        "editable": editable,
        "grids": grids,
        "outline": outline,
        "sections": sections,
        "document": document,
        "verification": _verification(document.verification if document else None),
        "flags": [ReportFlag(f).label for f in flags if f in ReportFlag.values],
        "differences": _differences(findings, words),
        "compiled_from": _compiled_from(instance, found, by_unit is not None) if editable and found else None,
        "problems": words.problems(problems),
        # What the checks found, before submitting (rules.md §5): said in words; none of it blocks a submission
        # except what rules.NOT_A_SUBMISSION names, which the page says as missing.
        "missing": words.problems(rules.missing_for_submission(problems)) if editable else [],
        "checked": words.problems([p for p in problems if p.code not in rules.NOT_A_SUBMISSION])
        + [words.finding(f) for f in findings if f.get("rule") != prefill.R8]
        if editable
        else [],
        "refused": _refused(selectors.refused_submissions(instance), words),
        "signature_required": catalogue.settings_for(ctx.report_type, ctx.period).digital_signature_required,
        "versions": versions,
        "latest": latest,
        # The receiving unit's reviewers take the package for the national system from here (issue 15).
        "package_offered": ctx.version.level in COMPILED_LEVELS and may_compile_reports(request.user),
        "review": review,
        "review_reasons": [ReturnReason(r).label for r in (review.reasons if review else []) if r in ReturnReason],
        "revision": draft.revision if revision is None else revision,
        "explanation": explanation,
        "idempotency_key": idempotency_key or uuid.uuid4().hex,
        "problem": problem,
        "page_form": ReportPageForm(),
        "max_document": filesizeformat(settings.KSTT_MAX_DOCUMENT_BYTES),
        "max_section": settings.KSTT_MAX_SECTION_CHARS,
    }
    return render(request, "reports/report_page.html", context, status=status)


def _differences(findings: list[dict[str, Any]], words: ReportWords) -> list[dict[str, Any]]:
    """The cells that differ from the dossiers (R8), once each, named in words, with their link."""
    seen, out = set(), []
    for f in findings:
        where = (f.get("form"), f.get("row"), f.get("column"))
        if f.get("rule") != prefill.R8 or where in seen:
            continue
        seen.add(where)
        missing = any(
            g.get("missing") == "reason" for g in findings if (g.get("form"), g.get("row"), g.get("column")) == where
        )
        out.append(
            {
                "where": words.cell(str(f.get("form") or ""), str(f.get("row") or ""), str(f.get("column") or "")),
                "value": f.get("value", ""),
                "computed": f.get("computed", ""),
                "reason": f.get("reason", ""),
                "link": f.get("link", ""),
                "missing": missing,
                "source": f.get("source") or "dossiers",
            }
        )
    return out


def _compiled_from(instance: ReportInstance, found: prefill.FromCompilation, by_unit: bool) -> dict[str, Any]:
    """What the page says of where a district's or the province's form 06 comes from: how many reports it
    compiles, whether its own row comes from its dossiers, and the units missing (not counted as zero)."""
    missing = [
        {"code": line.member.code, "name": line.member.name, "no_figures": line.status == compiling.NO_FIGURES,
         "via": line.via}
        for line in found.prefill.missing
    ]  # fmt: skip
    return {
        "reports": found.prefill.reports,
        "own_from_dossiers": found.prefill.own_from_dossiers,
        "missing": missing,
        "by_unit": by_unit,
        "link": f"{reverse('compiled:form06_reports', args=[instance.unit.code])}?period={instance.period}",
    }


def _refill(request: HttpRequest, instance: ReportInstance) -> HttpResponse:
    """Form 06 filled again from the compilation, at the reporter's request (services.refill_form06)."""
    try:
        revision = int(str(request.POST.get("revision") or ""))
    except ValueError:
        revision = -1  # no revision read: refused as a conflict, nothing changed
    try:
        services.refill_form06(instance=instance, expected_revision=revision, at=clock.now(), actor=request.user)
    except services.DraftConflict:
        messages.warning(
            request,
            _(
                "The draft was saved after this page was opened: nothing was changed. Check the saved figures, "
                "then fill form 06 from the reports received again if you still want to."
            ),
        )
        return redirect(request.path)
    except services.StateError:
        messages.warning(request, _("This report has been submitted: it can be changed only once it is returned."))
        return redirect(request.path)
    messages.success(request, _("Form 06 is filled again from the reports received."))
    return redirect(request.path)


def _refused(refusals: Any, words: ReportWords) -> list[dict[str, Any]]:
    """The presses of submit that were not a submission (rules.md §4): when, who, what was missing, in words."""
    return [
        {"at": r.at, "by": r.by.get_full_name() or r.by.username if r.by else "", "missing": words.problems(r.missing)}
        for r in refusals
    ]


def _recipient_name(instance: ReportInstance, ctx: _Context) -> str:
    if instance.recipient is None:  # the province's own report goes outside KSTT
        return _("Government Office")
    version = units.unit_on(instance.recipient.code, ctx.window[1])
    return version.name if version is not None else instance.recipient.code


def _spec(form: FormDefinition) -> FormSpec:
    return parse_form_spec(form.definition)


def _section_missing(section: Any, narrative: dict[str, str]) -> bool:
    return bool(section.text and section.required and not str(narrative.get(section.key) or "").strip())


def _verification(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """What the page says about the attached document's signature(s)."""
    if not data:
        return None
    flags = []
    for value in data.get("flags", []):
        try:
            flags.append(documents.Flag(value).label)
        except ValueError:
            flags.append(value)
    signatures = []
    for sig in data.get("signatures", []):
        try:
            trust = documents.Trust(sig.get("trust")).label
        except ValueError:
            trust = sig.get("trust", "")
        signing_time = sig.get("signing_time")
        signatures.append(
            {
                "signer": sig.get("signer_common_name") or "",
                "organisation": sig.get("signer_organisation") or "",
                "signing_time": datetime.fromisoformat(signing_time) if signing_time else None,
                "intact": bool(sig.get("intact")),
                "changed": bool(sig.get("changed_after_signing")),
                "trust": trust,
            }
        )
    return {"signed": bool(data.get("signed")), "flags": flags, "signatures": signatures}


def _submitted_already(request: HttpRequest, version: ReportVersion) -> HttpResponse:
    """A repeated press of the same page's Submit: the version it made, as if this press had made it."""
    messages.success(request, _("Version %(number)s is submitted.") % {"number": version.number})
    return redirect(request.path)


def _submission_of(instance: ReportInstance, key: str) -> ReportVersion | services.IdempotencyKeyReused | None:
    """What this page's Submit already did (services.submission_for_key): the version it made and which still
    stands, the refusal when that version was returned since, or None."""
    try:
        return services.submission_for_key(instance=instance, key=key) if key else None
    except services.IdempotencyKeyReused as exc:
        return exc


def _reused_message(exc: services.IdempotencyKeyReused) -> str:
    return _(
        "This page was used to submit version %(number)s, which has since been returned: nothing was saved or "
        "submitted now. Check the report below and press Submit again to submit the next version."
    ) % {"number": exc.version}


def _text_problem(exc: services.InvalidText | services.SectionTooLong, sections: Any) -> dict[str, Any]:
    """A text refused by save_draft, named by its section's title when it is in the narrative."""
    titles = {s.key: f"{s.number}. {s.title}" for s in sections}
    if isinstance(exc, services.SectionTooLong):
        return {"kind": "form", "messages": [exc.message(titles.get(exc.section, ""))], "sections": [exc.section]}
    parts = exc.error.where.split(".")
    where = titles.get(parts[1], "") if parts[0] == "narrative" and len(parts) > 1 else ""
    if not where:
        where = _("The reasons for changed figures") if parts[0] == "reasons" else _("A figure")
    return {"kind": "form", "messages": [exc.message(where)], "sections": parts[1:2] if parts[0] == "narrative" else []}


def _post(request: HttpRequest, ctx: _Context, instance: ReportInstance) -> HttpResponse:
    here = request.path
    action = request.POST.get("action", "save")
    key = str(request.POST.get("idempotency_key") or "")[:128]
    earlier = _submission_of(instance, key) if action == "submit" else None
    if isinstance(earlier, ReportVersion):
        return _submitted_already(request, earlier)  # the second click of a double click
    if not _editable(ctx, instance):
        messages.warning(request, _("This report has been submitted: it can be changed only once it is returned."))
        return redirect(here)
    if action == "refill":
        return _refill(request, instance)
    draft = Draft.objects.get(instance=instance)
    forms = catalogue.forms_in_force(report_type=ctx.report_type, level=instance.level, on=ctx.window[1])
    specs = {form.code: _spec(form) for form in forms}
    outline = catalogue.outline_in_force(ctx.report_type, on=ctx.window[1])
    values = parse_values(request.POST, specs)
    narrative = parse_narrative(request.POST, outline.spec.fields if outline else ())
    reasons = parse_reasons(request.POST, specs)
    page = ReportPageForm(request.POST, request.FILES)
    explanation = str(request.POST.get("explanation") or "")

    def again(problem: dict[str, Any], status: int, revision: int | None = None, new_key: bool = False) -> HttpResponse:
        return _render(
            request, ctx, instance, values=values, narrative=narrative, reasons=reasons, explanation=explanation,
            revision=page.cleaned_data.get("revision") if revision is None else revision,
            idempotency_key="" if new_key else key, problem=problem, status=status,
        )  # fmt: skip

    if not page.is_valid():
        errors = [str(e) for field_errors in page.errors.values() for e in field_errors]
        return again({"kind": "document" if "document" in page.errors else "form", "messages": errors}, 400,
                     revision=draft.revision if "revision" in page.errors else None)  # fmt: skip
    if isinstance(earlier, services.IdempotencyKeyReused):  # a page from before the return: a new key to go on
        return again({"kind": "reused", "messages": [_reused_message(earlier)]}, 409, new_key=True)
    upload = page.cleaned_data.get("document")
    content = b""
    check = None
    if upload is not None:
        content = upload.read()
        try:
            check = documents.check_uploaded_document(content)
        except documents.DocumentError as exc:
            return again({"kind": "document", "messages": [exc.message]}, 400)
    try:
        if values != draft.values or narrative != rules.normal_narrative(draft.narrative) or reasons != draft.reasons:
            services.save_draft(
                instance=instance, values=values, narrative=narrative, reasons=reasons,
                expected_revision=page.cleaned_data["revision"], at=clock.now(), actor=request.user,
            )  # fmt: skip
    except (services.InvalidText, services.SectionTooLong) as exc:
        return again(_text_problem(exc, outline.spec.fields if outline else ()), 400)
    except services.NoteTooLong as exc:  # a reason typed past its box's limit (only a crafted post gets here)
        return again({"kind": "form", "messages": [exc.message()]}, 400)
    except services.DraftConflict as exc:
        done = _submission_of(instance, key) if action == "submit" else None
        if isinstance(done, ReportVersion):
            return _submitted_already(request, done)
        who = exc.updated_by.get_full_name() or exc.updated_by.username if exc.updated_by else _("someone")
        when = exc.updated_at.astimezone(clock.province_zone()).strftime("%H:%M %d/%m/%Y")
        message = _(
            "%(who)s saved this report at %(when)s, after you opened it. Nothing of yours was saved and "
            "nothing of theirs was overwritten. Your figures are still on this page: compare them with the "
            "saved ones (open the page in a new tab), then press Save draft again to replace theirs with yours."
        ) % {"who": who, "when": when}
        return again({"kind": "conflict", "messages": [message]}, 409, revision=exc.revision)
    except services.StateError:
        messages.warning(request, _("This report has been submitted: it can be changed only once it is returned."))
        return redirect(here)
    if upload is not None and check is not None:
        services.attach_document(
            instance=instance, name=upload.name or "document.pdf", content=content, verification=check.to_json(),
            at=clock.now(), actor=request.user,
        )  # fmt: skip
    if action != "submit":
        messages.success(request, _("The draft is saved."))
        return redirect(here)
    try:
        version = services.submit(
            instance=instance, explanation=explanation, idempotency_key=key or None, at=clock.now(), actor=request.user
        )
    except services.IdempotencyKeyReused as exc:  # returned between this page's two presses
        return _render(request, ctx, instance, explanation=explanation, status=409,
                       problem={"kind": "reused", "messages": [_reused_message(exc)]})  # fmt: skip
    except services.InvalidText as exc:
        return _render(request, ctx, instance, explanation=explanation, idempotency_key=key, status=400,
                       problem={"kind": "form", "messages": [exc.message(_("The explanation"))]})  # fmt: skip
    except services.NotReady as exc:  # not a submission; the press is recorded (shown under "Refused presses")
        missing = words_for(instance, report_type=ctx.report_type).problems(exc.problems)
        return _render(request, ctx, instance, explanation=explanation, idempotency_key=key, status=400,
                       problem={"kind": "not_ready", "messages": missing})  # fmt: skip
    except services.StateError:
        messages.warning(request, _("This report has been submitted: it can be changed only once it is returned."))
        return redirect(here)
    if version.flags:
        labels = ", ".join(str(ReportFlag(f).label) for f in version.flags if f in ReportFlag.values)
        messages.success(
            request,
            _("Version %(number)s is submitted, flagged (%(flags)s): the reviewer sees why.")
            % {"number": version.number, "flags": labels},
        )
    else:
        messages.success(request, _("Version %(number)s is submitted.") % {"number": version.number})
    return redirect(here)


__all__ = ["ReportStatus", "report_page"]
