"""The ledger's pages (rules.md §6): the province's deduction table and its workbook, a unit's year, one
line's evidence (the reminders the unit was sent included), filing an appeal and deciding it, the appeals
to decide.

Thin views: access through kstt.accounts.access, reads through compliance.ledger_selectors, writes through
compliance.services. As-of is the clock. A bad year or period is a 400 that says why. A unit, line,
appeal or file the user may not see is the same 404 as one that does not exist (style.md §4: existence
does not leak). What is not about one unit answers 403 with a page that says why, in Vietnamese: the
province's table, its workbook and the appeals to decide (the provincial office's, whatever the URL
names), and an action on a unit the user sees but may not take (appealing, deciding).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kstt import clock, confirmation
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.labels import period_label
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period, PeriodError, periods_of_year
from kstt.compliance import closing, closing_selectors, rules, services
from kstt.compliance import ledger_selectors as selectors
from kstt.compliance.choices import AppealDecision
from kstt.compliance.dashboard_views import BadFilter, page_as_of
from kstt.compliance.deductions_xlsx import render_deductions_xlsx
from kstt.compliance.forms import AppealForm, DecisionForm
from kstt.compliance.ledger_selectors import Ledger, YearCell, YearTable
from kstt.notifications import selectors as notifications
from kstt.reports.models import ReportInstance
from kstt.reports.wording import words_for
from kstt.units import selectors as units
from kstt.units.models import UnitVersion


def _report_type() -> ReportType:
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report catalogue.")
    return report_type


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "compliance/ledger_forbidden.html", status=403)


def _bad_input(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(request, "bad_input.html", {"message": message, "back": "home"}, status=status)


def _years(report_type: ReportType) -> range:
    """The years with deductions: from the year the report's first form came into force to the clock's."""
    last = clock.today().year
    first = catalogue.first_year(report_type) or last
    return range(min(first, last), last + 1)


def _year_problem(report_type: ReportType, year: int) -> str | None:
    years = _years(report_type)
    if year in years:
        return None
    return _("There are no deductions for the year %(year)s: choose a year from %(first)s to %(last)s.") % {
        "year": year,
        "first": years[0],
        "last": years[-1],
    }


def _current_year(report_type: ReportType) -> int:
    """The clock's year once its first period's window has ended, else the year before."""
    today = clock.today()
    first = periods_of_year(today.year, report_type.periods)
    if first and selectors.window_end(report_type, first[0]) < today:
        return today.year
    return today.year - 1


def _table_rows(table: YearTable) -> list[dict[str, Any]]:
    """Each row with its cells in the order of the table's periods (None where the unit owed nothing)."""
    return [{"row": row, "cells": [row.cells.get(p.code) for p in table.periods]} for row in table.rows]


@require_GET
@login_required
def deductions_now(request: HttpRequest) -> HttpResponse:
    """/compliance/deductions/: the province's table of the current year, or the user's own unit's."""
    report_type = _report_type()
    year = _current_year(report_type)
    if access.may_view_province_ledger(request.user, on=clock.today()):
        return _province(request, report_type, year)
    user: Any = request.user
    if user.unit_id is None:
        return _forbidden(request)
    return redirect("compliance_ledger:unit", year=year, unit_code=user.unit.code)


@require_GET
@login_required
def province_table(request: HttpRequest, year: int) -> HttpResponse:
    """/compliance/deductions/<year>/: every scored unit's deductions per quarter and in total."""
    report_type = _report_type()
    if not access.may_view_province_ledger(request.user, on=clock.today()):
        return _forbidden(request)
    problem = _year_problem(report_type, year)
    if problem:
        return _bad_input(request, problem)
    return _province(request, report_type, year)


def _closed(
    request: HttpRequest,
    report_type: ReportType,
    year: int,
    province: Any,
    *,
    unit_ids: list[int] | None = None,
    as_of: datetime | None = None,
) -> dict[str, Any] | None:
    """The closing in force of the province's year at ``as_of`` (default now), and the lines the judgement
    then gives differently (only these units' when named); None while the year is open."""
    if province is None:
        return None
    now = as_of or clock.now()
    record = closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=now)
    if record is None:
        return None
    _, _, changes = closing_selectors.differences(report_type=report_type, closing=record, as_of=now)
    if unit_ids is not None:
        changes = [
            c for c in changes if any(x is not None and x.judged.unit_id in unit_ids for x in (c.closed, c.live))
        ]
    who = record.closed_by
    return {
        "record": record,
        "changes": changes,
        "by": (who.get_full_name() or who.get_username()) if who is not None else _("the system"),
        "closing_url": reverse("compliance_ledger:closing", args=[year])
        if access.may_view_province_ledger(request.user, on=clock.today())
        else "",
    }


def _province(request: HttpRequest, report_type: ReportType, year: int) -> HttpResponse:
    """The province's table: the closed snapshot once the year is closed, with today's differences; with
    ?as_of=, the ledger as known then (the closing in force then), never in the future (rules.md §6)."""
    try:
        as_of = page_as_of(request.GET.get("as_of", "").strip()[:40], now=clock.now())
    except BadFilter as exc:
        return _bad_input(request, str(exc))
    province = closing_selectors.province_for(request.user, year, code=request.GET.get("province") or None)
    closed = _closed(request, report_type, year, province, as_of=as_of)
    if closed is not None:
        table = closing_selectors.closed_table(closed["record"])
    else:
        table = selectors.year_table(report_type=report_type, year=year, as_of=as_of)
    return render(
        request,
        "compliance/ledger_province.html",
        {
            "table": table,
            "closed": closed,
            "closing_allowed": province is not None and access.may_close_year(request.user, province, on=clock.today()),
            "rows": _table_rows(table),
            "waiting": _waiting(table) if closed is None else [],
            "year": year,
            "report_type": report_type,
            "years": _years(report_type),
        },
    )


def _waiting(table: YearTable) -> list[dict[str, Any]]:
    """Per period, the scored reports not final yet: how many, and when the last of them becomes final."""
    by_period: dict[str, list[YearCell]] = {}
    for cell in table.not_final:
        by_period.setdefault(cell.judged.period.code, []).append(cell)
    waiting = []
    for code in sorted(by_period):
        cells = by_period[code]
        closings = [c.judged.verdict.effective_closing for c in cells if c.judged.verdict.effective_closing is not None]
        waiting.append(
            {
                "period": cells[0].judged.period,
                "count": len(cells),
                "closing": max(closings) if closings else None,
                "held_open": len(closings) < len(cells),
            }
        )
    return waiting


@require_GET
@login_required
def province_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The province's table as a workbook for the Department of Home Affairs (kstt deductions --format xlsx)."""
    report_type = _report_type()
    if not access.may_view_province_ledger(request.user, on=clock.today()):
        return _forbidden(request)
    problem = _year_problem(report_type, year)
    if problem:
        return _bad_input(request, problem)
    province = closing_selectors.province_for(request.user, year, code=request.GET.get("province") or None)
    record = (
        closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=clock.now())
        if province is not None
        else None
    )
    if record is not None:  # the workbook kept with the closing, byte for byte
        return FileResponse(
            record.workbook.open("rb"), as_attachment=True, filename=f"diem-tru-kstt-{year}-lan-{record.revision}.xlsx"
        )
    ledger = selectors.year_table(report_type=report_type, year=year, as_of=clock.now()).ledger
    data = render_deductions_xlsx(ledger, clock.province_zone(), incidents=selectors.incident_descriptions(ledger))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="diem-tru-kstt-{year}.xlsx"'
    return response


@require_GET
@login_required
def unit_year(request: HttpRequest, year: int, unit_code: str) -> HttpResponse:
    """/compliance/deductions/<year>/<unit>/: a unit's year: total, lines, evidence, appeals."""
    report_type = _report_type()
    problem = _year_problem(report_type, year)
    if problem:
        return _bad_input(request, problem)
    found = selectors.unit_in_year(report_type, unit_code, year)
    if found is None or not access.may_view_ledger_of(request.user, found[0].unit, on=found[1]):
        raise Http404("No such unit that year.")
    version = found[0]
    closed = _closed(
        request,
        report_type,
        year,
        closing_selectors.province_of_unit(version.unit, year),
        unit_ids=[version.unit_id],
    )
    table = selectors.year_table(
        report_type=report_type, year=year, as_of=clock.now(), scored_only=False, unit_ids=[version.unit_id]
    )
    if closed is not None:
        closed_rows = closing_selectors.closed_table(closed["record"], unit_ids=[version.unit_id]).rows
        if closed_rows:  # a scored unit: its lines as closed
            table = YearTable(year=table.year, as_of=table.as_of, periods=table.periods, rows=closed_rows)
    row = table.rows[0] if table.rows else None
    may_appeal = access.may_appeal(request.user, version.unit) and closed is None
    cells = [
        {"period": p, "cell": cell, "appealable": may_appeal and cell is not None and _appealable(cell)}
        for p in table.periods
        for cell in [row.cells.get(p.code) if row is not None else None]
    ]
    return render(
        request,
        "compliance/ledger_unit.html",
        {
            "table": table,
            "row": row,
            "unit": version,
            "year": year,
            "cells": cells,
            "closed": closed,
            "scored": row is not None and any(c.judged.scored for c in row.cells.values()),
            "province_view": access.may_view_province_ledger(request.user, on=clock.today()),
        },
    )


def _appealable(cell: YearCell) -> bool:
    latest = cell.appeal.decision if cell.appeal is not None else None
    return (
        rules.appeal_refusal(in_ledger=cell.in_ledger, deduction=cell.judged.verdict.deduction, latest=latest) is None
    )


def _resolve_line(
    request: HttpRequest, unit_code: str, period_code: str
) -> tuple[ReportType, Period, UnitVersion] | HttpResponse:
    """The report type, the period and the unit as it was then; or the response that says what is wrong."""
    report_type = _report_type()
    try:
        period = Period.parse(period_code)
    except PeriodError:
        return _bad_input(
            request, _("“%(period)s” is not a period code (for example 2021Q3).") % {"period": period_code[:12]}
        )
    if period.kind not in report_type.periods:
        return _bad_input(
            request,
            _("%(period)s is not a reporting period of this report: it is sent each quarter (for example 2021Q3).")
            % {"period": period.code},
        )
    problem = _year_problem(report_type, period.year)
    if problem:
        return _bad_input(request, problem)
    end = selectors.window_end(report_type, period)
    version = units.unit_on(unit_code, end)
    if version is None or not access.may_view_ledger_of(request.user, version.unit, on=end):
        raise Http404("No such unit in that period.")
    return report_type, period, version


def _reminders_sent(*, unit: Any, report_type: ReportType, period: Period) -> list[Any]:
    """The reminders the unit was sent about this report: the evidence that it was told."""
    return notifications.reminders_for(unit=unit, report_type=report_type, period=period)


def _refused_in_words(evidence: selectors.LineEvidence) -> list[dict[str, Any]]:
    """The presses of submit that were not a submission (rules.md §4), what was missing said in words."""
    if not evidence.refused or evidence.judged.instance_id is None:
        return []
    instance = ReportInstance.objects.select_related("unit", "report_type").get(pk=evidence.judged.instance_id)
    words = words_for(instance)
    return [{"at": r.at, "by": r.by, "missing": words.problems(r.missing)} for r in evidence.refused]


def _render_line(
    request: HttpRequest,
    report_type: ReportType,
    period: Period,
    version: UnitVersion,
    *,
    appeal_form: AppealForm | None = None,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    evidence = selectors.line_evidence(
        report_type=report_type, unit_id=version.unit_id, period=period, as_of=clock.now()
    )
    if evidence is None:
        return _bad_input(
            request,
            _("%(unit)s owed no report for %(period)s.") % {"unit": version.name, "period": period.code},
            status=404,
        )
    cell = evidence.cell
    record = closing_selectors.closing_of_line(
        report_type=report_type, unit=version.unit, year=period.year, at=clock.now()
    )
    closed_line = None
    if record is not None:
        closed_line = next(
            (
                line
                for line in closing_selectors.closed_ledger(record).lines
                if line.judged.unit_id == version.unit_id and line.judged.period == period
            ),
            None,
        )
    may_appeal = access.may_appeal(request.user, version.unit) and _appealable(cell) and record is None
    latest = evidence.appeals[0] if evidence.appeals else None
    may_decide = (
        latest is not None
        and latest.pending
        and access.may_decide_appeal(request.user, version.unit, on=selectors.window_end(report_type, period))
    )
    return render(
        request,
        "compliance/line.html",
        {
            "evidence": evidence,
            "judged": evidence.judged,
            "verdict": evidence.judged.verdict,
            "cell": cell,
            "unit": version,
            "period": period,
            "appeal_form": (appeal_form or AppealForm()) if may_appeal else None,
            "decision_form": (decision_form or DecisionForm()) if may_decide else None,
            "pending": latest if may_decide else None,
            "reminders": _reminders_sent(unit=version.unit, report_type=report_type, period=period),
            "urging_letters": selectors.urging_letters_for(unit=version.unit, report_type=report_type, period=period),
            "closing": record,
            "closed_line": closed_line,
            "closed_differs": closed_line is not None
            and bool(
                closing.differences(
                    Ledger(period.year, clock.now(), [closed_line]),
                    Ledger(period.year, clock.now(), [selectors.LedgerLine(cell.judged, cell.appeal)]),
                )
            ),
            "refused": _refused_in_words(evidence),
        },
        status=status,
    )


@require_GET
@login_required
def line(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """/compliance/lines/<unit>/<period>/: one report's evidence, for any expected report."""
    resolved = _resolve_line(request, unit_code, period)
    if isinstance(resolved, HttpResponse):
        return resolved
    return _render_line(request, *resolved)


@require_POST
@login_required
def appeal(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """A reporter of the unit appeals the line, with a reason and files."""
    resolved = _resolve_line(request, unit_code, period)
    if isinstance(resolved, HttpResponse):
        return resolved
    report_type, the_period, version = resolved
    if not access.may_appeal(request.user, version.unit):
        return _forbidden(request)
    form = AppealForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_appeal(
                unit=version.unit,
                report_type=report_type,
                period=the_period,
                reason=form.cleaned_data["reason"],
                attachments=form.cleaned_data["attachments"],
                at=clock.now(),
                actor=request.user,
            )
        except services.AppealError as exc:
            messages.warning(request, exc.message)  # the line may no longer be open to an appeal: no form then
        else:
            messages.success(request, _("Your appeal was sent to the provincial office."))
            return redirect("compliance_ledger:line", unit_code=version.unit.code, period=the_period.code)
    return _render_line(request, report_type, the_period, version, appeal_form=form, status=400)


def _may_see_appeal(request: HttpRequest, appeal: Any) -> bool:
    """Whether the user may see the appeal's unit's ledger (the tree as at the end of its period's window)."""
    end = selectors.window_end(appeal.report_type, Period.parse(appeal.period))
    return access.may_view_ledger_of(request.user, appeal.unit, on=end)


@require_POST
@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The provincial office of the unit's province (or an administrator) upholds or overturns an appeal,
    with a reason."""
    found = selectors.appeal(pk)
    if found is None or not _may_see_appeal(request, found):
        raise Http404("No such appeal.")
    period = Period.parse(found.period)
    if not access.may_decide_appeal(request.user, found.unit, on=selectors.window_end(found.report_type, period)):
        return _forbidden(request)  # the appeal is the user's to see, not to decide
    form = DecisionForm(request.POST)
    if form.is_valid() and not confirmation.confirmed(request):  # a decision is recorded once confirmed
        return _confirm_decision(request, found, period, form)
    if form.is_valid():
        try:
            services.decide_appeal(
                appeal=found,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                at=clock.now(),
                actor=request.user,
            )
        except services.AppealError as exc:
            messages.warning(request, exc.message)
        else:
            messages.success(request, _("The decision was recorded and the unit told."))
        return redirect("compliance_ledger:line", unit_code=found.unit.code, period=found.period)
    version = units.unit_on(found.unit.code, selectors.window_end(found.report_type, period))
    if version is None:
        raise Http404("No such unit in that period.")
    return _render_line(request, found.report_type, period, version, decision_form=form, status=400)


def _confirm_decision(request: HttpRequest, found: Any, period: Period, form: DecisionForm) -> HttpResponse:
    """The second step of an appeal's decision: what will be recorded, and the button that records it."""
    version = units.unit_on(found.unit.code, selectors.window_end(found.report_type, period))
    decision = AppealDecision(form.cleaned_data["decision"]).label
    lines = [
        (_("Appeal of"), f"{version.name if version is not None else found.unit.code} — {period_label(period)}"),
        (_("Decision"), str(decision)),
        (_("Reason for the decision"), form.cleaned_data["reason"]),
    ]
    fields = [("decision", form.cleaned_data["decision"]), ("reason", request.POST.get("reason", ""))]
    back = reverse("compliance_ledger:line", args=[found.unit.code, found.period])
    return confirmation.ask(
        request, title=_("Record this decision on the appeal?"), lines=lines, fields=fields,
        button=_("Confirm the decision"), back=back,
    )  # fmt: skip


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int, file_pk: int) -> FileResponse | HttpResponse:
    """A file of an appeal, for whoever may see the unit's ledger."""
    found = selectors.appeal_attachment(appeal_id=pk, pk=file_pk)
    if found is None or not _may_see_appeal(request, found.appeal):
        raise Http404("No such file.")
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


@require_GET
@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    """/compliance/appeals/: the appeals for the provincial office to decide, then those decided."""
    if not access.may_view_province_ledger(request.user, on=clock.today()):
        return _forbidden(request)
    # A provincial office lists its province's appeals; an administrator every province's.
    within = None if request.user.is_kstt_admin else request.user.unit
    rows = selectors.appeals_to_decide(report_type=_report_type(), as_of=clock.now(), within=within)
    return render(
        request,
        "compliance/appeal_list.html",
        {
            "pending": [r for r in rows if r.facts.pending],
            "decided": [r for r in rows if not r.facts.pending],
            "may_decide": access.may_decide_appeals(request.user, on=clock.today()),
        },
    )
