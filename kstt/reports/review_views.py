"""The reviewer's pages: the reports sent to the reviewer's unit, one report to review (flags first,
the narrative, the forms as printed, the previous version beside it), accept or return, and a
report's audit trail. Thin views: access through kstt.accounts.access, reads through selectors,
writes through kstt.reports.services; what a user may not see is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kstt import clock, confirmation, unicode_text
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.labels import period_label
from kstt.catalogue.models import ReportType
from kstt.catalogue.period_choice import PeriodChoiceError, period_range
from kstt.catalogue.rules.outlines import parse_outline_spec
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports import review_selectors, rules, selectors, services, trail
from kstt.reports.choices import Flag, ReportStatus, ReturnReason
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.reports.wording import words_for
from kstt.units import selectors as units


def _report_type() -> ReportType:
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report catalogue.")
    return report_type


def _bad_input(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "bad_input.html", {"message": message, "back": "home"}, status=400)


@require_GET
@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    """/review/?period=…&status=…: the units reporting to the reviewer's unit and their reports."""
    user: Any = request.user
    access.require(bool(user.is_reviewer and user.unit_id))
    report_type = _report_type()
    now = clock.now()
    periods = period_range(report_type)
    code = request.GET.get("period", "")
    try:
        period = periods.choose(code) if code.strip() else selectors.current_period(report_type, now=now)
    except PeriodChoiceError as exc:
        return _bad_input(request, str(exc))
    status = request.GET.get("status", "").strip()
    if status and status not in review_selectors.LIST_FILTERS:
        return _bad_input(request, _("“%(status)s” is not a status the list can filter by.") % {"status": status[:20]})
    rows = review_selectors.reports_below(recipient=user.unit, report_type=report_type, period=period, now=now)
    if status:
        rows = [row for row in rows if row.matches(status)]
    return render(
        request,
        "reports/review_list.html",
        {
            "period": period,
            "status": status,
            "filters": _filters(),
            "rows": rows,
            "review_days": settings.KSTT_REVIEW_DAYS,
            "report_type": report_type,
            "period_choices": [
                p
                for y in range(period.year - 1, period.year + 2)
                for p in selectors.periods(report_type, y)
                if periods.started(p) and (periods.first_year is None or p.year >= periods.first_year)
            ],
        },
    )


def _filters() -> list[tuple[str, str]]:
    return [
        ("submitted", _("Submitted")),
        ("waiting", _("Waiting for review")),
        ("overdue_review", _("Overdue for review")),
        ("returned", _("Returned")),
        ("accepted", _("Accepted")),
        ("not_sent", _("Not sent yet")),
    ]


def _instance(unit_code: str, period: str) -> ReportInstance:
    """The report of that unit and period, or 404 (a period that does not parse is a 404 too)."""
    try:
        code = Period.parse(period).code
    except PeriodError:
        raise Http404("No such report.") from None
    instance = (
        ReportInstance.objects.select_related("unit", "recipient", "report_type")
        .filter(unit__code=unit_code, report_type=_report_type(), period=code)
        .first()
    )
    if instance is None:
        raise Http404("No such report.")
    return instance


def _reviewable(request: HttpRequest, unit_code: str, period: str) -> ReportInstance:
    """The report, for a reviewer of its recipient only; 404 for everyone else."""
    instance = _instance(unit_code, period)
    access.require(access.may_review_report(request.user, recipient_id=instance.recipient_id))
    return instance


def _window_end(instance: ReportInstance) -> Any:
    return catalogue.window(instance.report_type, instance.period)[1]


@require_GET
@login_required
def review_detail(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """One report to review: flags and findings first, then the narrative, then the forms."""
    instance = _reviewable(request, unit_code, period)
    versions = list(selectors.versions_of(instance))
    chosen = versions[-1] if versions else None
    raw = request.GET.get("version", "").strip()
    if raw and versions:
        chosen = next((v for v in versions if str(v.number) == raw), None)
        if chosen is None:
            raise Http404("No such version.")
    previous = next((v for v in versions if chosen and v.number == chosen.number - 1), None)
    window_end = _window_end(instance)
    unit = units.unit_on(instance.unit.code, window_end)
    context: dict[str, Any] = {
        "instance": instance,
        "unit_name": unit.name if unit is not None else instance.unit.code,
        "versions": versions,
        "version": chosen,
        "previous": previous,
        "latest": versions[-1] if versions else None,
        # On time or not (rules.md §4): the first submission against the effective deadline.
        "owed": selectors.owed_for(instance=instance, now=clock.now()),
    }
    if chosen is not None:
        words = words_for(instance)
        may_review = chosen is versions[-1] and instance.status == ReportStatus.SUBMITTED and not _reviewed(chosen)
        context.update(
            {
                "may_review": may_review,
                "flags": [_flag_label(f) for f in chosen.flags],
                "problems": words.problems(chosen.problems),
                "findings": [
                    {"text": words.finding(f), "warning": f.get("severity") == "warning"} for f in chosen.findings
                ],
                "sections": _sections(instance, chosen, previous, window_end),
                "document": _document(chosen),
                "previous_document": previous.document if previous is not None else None,
                "grids": review_selectors.grids(
                    instance,
                    chosen.values,
                    words=words,
                    findings=chosen.findings,
                    previous=previous.values if previous is not None else None,
                ),
                "reasons": ReturnReason.choices,
                "max_note": rules.MAX_NOTE_CHARS,
            }
        )
    return render(request, "reports/review_detail.html", context)


def _reviewed(version: ReportVersion) -> bool:
    try:
        return version.review is not None
    except ReportVersion.review.RelatedObjectDoesNotExist:
        return False


def _flag_label(flag: str) -> str:
    return str(Flag(flag).label) if flag in Flag.values else flag


def _sections(
    instance: ReportInstance, version: ReportVersion, previous: ReportVersion | None, window_end: Any
) -> list[dict[str, Any]]:
    """The outline's sections with the version's text (and the previous version's when it differs)."""
    outline = catalogue.outline_in_force(instance.report_type, on=window_end)
    known: list[tuple[str, str, str, bool, bool]] = []  # key, number, title, required, has text
    if outline is not None:
        spec = parse_outline_spec(outline.definition)
        # a heading has no text of its own; should a version carry one anyway, it is shown
        known = [
            (s.key, s.number, s.title, s.required, s.text or bool(version.narrative.get(s.key))) for s in spec.sections
        ]
    keys = {k for k, *_rest in known}
    known += [(k, "", k, False, True) for k in version.narrative if k not in keys]
    result = []
    for key, number, title, required, has_text in known:
        text = version.narrative.get(key, "") if has_text else ""
        before = previous.narrative.get(key, "") if previous is not None and has_text else None
        result.append(
            {
                "key": key,
                "number": number,
                "title": title,
                "required": required,
                "heading": not has_text,
                "text": text,
                "previous": before,
                # the previous text is shown only where it differs: an unchanged section is read once
                "changed": before is not None and before != text,
                "unchanged": before is not None and before == text,
            }
        )
    return result


def _document(version: ReportVersion) -> dict[str, Any] | None:
    """What the verification of the version's document found, ready to show."""
    document = version.document
    if document is None:
        return None
    data = document.verification or {}
    signatures = []
    for s in data.get("signatures") or []:
        signatures.append(
            {
                "signer": s.get("signer_common_name") or "",
                "organisation": s.get("signer_organisation") or "",
                "time": _instant(s.get("signing_time")),
                "intact": bool(s.get("intact")) and not s.get("changed_after_signing"),
                "error": s.get("error") or "",
            }
        )
    return {
        "name": document.name,
        "size": document.size,
        "signed": bool(data.get("signed") or signatures),
        "flags": list(data.get("flags") or []),
        "signatures": signatures,
    }


def _instant(value: Any) -> datetime | None:
    """A stored ISO instant (aware), or None when absent or unreadable."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


@require_POST
@login_required
def review_accept(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """Accept the version: the form's POST asks for a confirmation (kstt.confirmation), the second records it."""
    instance = _reviewable(request, unit_code, period)
    version = _posted_version(request, instance)
    unstorable = _unstorable_comment(request)
    if unstorable:
        return _refused(request, instance, unstorable)
    if not confirmation.confirmed(request):
        return _confirm(request, instance, version, accept=True)
    try:
        services.accept(version=version, text=request.POST.get("text", ""), at=clock.now(), actor=request.user)
    except services.SubmissionError as exc:
        return _refused(request, instance, _review_error(exc))
    messages.success(request, _("The report was accepted."))
    return redirect("review:detail", instance.unit.code, instance.period)


@require_POST
@login_required
def review_return(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    instance = _reviewable(request, unit_code, period)
    version = _posted_version(request, instance)
    reasons = request.POST.getlist("reasons")
    if not [r for r in reasons if r in ReturnReason.values] or any(r not in ReturnReason.values for r in reasons):
        return _refused(request, instance, _("Choose at least one reason from the list to return the report."))
    unstorable = _unstorable_comment(request)
    if unstorable:
        return _refused(request, instance, unstorable)
    if not confirmation.confirmed(request):
        return _confirm(request, instance, version, accept=False, reasons=reasons)
    try:
        services.return_report(
            version=version, reasons=reasons, text=request.POST.get("text", ""), at=clock.now(), actor=request.user
        )
    except services.SubmissionError as exc:
        return _refused(request, instance, _review_error(exc))
    messages.success(request, _("The report was returned to the unit."))
    return redirect("review:detail", instance.unit.code, instance.period)


def _confirm(
    request: HttpRequest,
    instance: ReportInstance,
    version: ReportVersion,
    *,
    accept: bool,
    reasons: list[str] | None = None,
) -> HttpResponse:
    """The second step of a decision: what it will record, and the button that records it."""
    unit = units.unit_on(instance.unit.code, _window_end(instance))
    text = request.POST.get("text", "").strip()
    lines = [
        (_("Report"), f"{unit.name if unit is not None else instance.unit.code} — {period_label(instance.period)}"),
        (_("Version"), str(version.number)),
    ]
    if accept:
        title, button = _("Accept version %(n)s?") % {"n": version.number}, _("Confirm: accept")
        lines.append((_("Comment"), text))
    else:
        title, button = _("Return version %(n)s to the unit?") % {"n": version.number}, _("Confirm: return")
        lines.append((_("Reasons for returning"), "\n".join(str(ReturnReason(r).label) for r in reasons or [])))
        lines.append((_("What the unit must correct"), text))
    fields = [("version", str(version.number)), ("text", request.POST.get("text", ""))]
    fields += [("reasons", r) for r in reasons or []]
    back = reverse("review:detail", args=[instance.unit.code, instance.period]) + "#decide"
    return confirmation.ask(request, title=title, lines=lines, fields=fields, button=button, back=back,
                            danger=not accept)  # fmt: skip


def _posted_version(request: HttpRequest, instance: ReportInstance) -> ReportVersion:
    number = request.POST.get("version", "")
    version = ReportVersion.objects.filter(instance=instance, number=number if number.isdigit() else 0).first()
    if version is None:
        raise Http404("No such version.")
    return version


def _unstorable_comment(request: HttpRequest) -> str:
    """Why the comment cannot be stored (a NUL, a lone surrogate, too long), said before the confirmation asks
    to record it; "" when it can."""
    text = request.POST.get("text", "")
    problem = unicode_text.error(text)
    if problem is not None:
        return services.InvalidText(problem).message(_("The comment"))
    length = rules.note_too_long(text)
    if length is not None:
        return services.NoteTooLong(kind="comment", length=length, limit=rules.MAX_NOTE_CHARS).message()
    return ""


def _review_error(exc: Exception) -> str:
    if isinstance(exc, services.InvalidText):
        return exc.message(_("The comment"))
    text = str(exc)
    if "already been reviewed" in text or isinstance(exc, services.StateError):
        return _("This version has already been reviewed; nothing was changed.")
    if "latest version" in text:
        return _("A newer version of this report has been submitted; review that one. Nothing was changed.")
    return _("The review could not be recorded: %(why)s") % {"why": text}


def _refused(request: HttpRequest, instance: ReportInstance, message: str) -> HttpResponse:
    """A review that cannot be made: back to the report (nothing changed), with the reason shown."""
    messages.error(request, message)
    return redirect("review:detail", instance.unit.code, instance.period)


def _may_read_history(user: Any, instance: ReportInstance) -> bool:
    """The recipient's reviewers, reviewers above them and the unit's own reporters read the trail."""
    if access.may_report_for(user, instance.unit):
        return True
    return access.unit_access(user=user, unit=instance.unit, on=_window_end(instance)).view and bool(
        getattr(user, "is_reviewer", False) or getattr(user, "is_kstt_admin", False)
    )


@require_GET
@login_required
def report_history(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """Who did what to the report, and when (every audit entry that targets it)."""
    instance = _instance(unit_code, period)
    access.require(_may_read_history(request.user, instance))
    entries = [
        {"at": e.at, "actor": e.actor, "code": e.event, "what": told.what, "details": told.details}
        for e, told in trail.tell_all(instance, selectors.audit_trail(instance))
    ]
    unit = units.unit_on(instance.unit.code, _window_end(instance))
    return render(
        request,
        "reports/history.html",
        {
            "instance": instance,
            "unit_name": unit.name if unit is not None else instance.unit.code,
            "entries": entries,
            "may_review": access.may_review_report(request.user, recipient_id=instance.recipient_id),
        },
    )


@require_GET
@login_required
def report_document(request: HttpRequest, unit_code: str, period: str, number: int) -> HttpResponse:
    """The signed narrative of one version, for the recipient's reviewers and the unit's reporters."""
    instance = _instance(unit_code, period)
    access.require(
        access.may_review_report(request.user, recipient_id=instance.recipient_id)
        or access.may_report_for(request.user, instance.unit)
    )
    version = ReportVersion.objects.select_related("document").filter(instance=instance, number=number).first()
    if version is None or version.document is None:
        raise Http404("No document.")
    return FileResponse(
        version.document.file.open("rb"), content_type="application/pdf", filename=version.document.name
    )
