from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kstt import clock, confirmation, ledger_impact
from kstt.accounts import access
from kstt.catalogue import selectors, services
from kstt.catalogue.forms import DayForm, SettingsForm
from kstt.catalogue.labels import period_label
from kstt.catalogue.models import CalendarDay
from kstt.catalogue.period_choice import PeriodRange
from kstt.catalogue.rules.deadlines import calendar_years, schedule
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.catalogue.rules.settings import first_day, in_force, in_force_on
from kstt.units.rules import LEVELS


def _report_type(code: str):
    report_type = selectors.report_type(code)
    if report_type is None:
        raise Http404("No such report type.")
    return report_type


def _period_choices(report_type, versions, first_year: int | None, today) -> tuple[list[tuple[str, str]], str]:
    """The periods a change may be valid from (the first year to next year) and the default: the next
    period whose window has not started yet."""
    periods = PeriodRange(
        kinds=tuple(report_type.periods),
        cutoff_day=versions[0].cutoff_day,
        today=today,
        first_year=first_year,
        settings=tuple(versions),
    )
    start = min(first_year or today.year, today.year - 1)
    choices, default = [], ""
    for year in range(start, today.year + 2):
        for period in periods_of_year(year, report_type.periods):
            choices.append((period.code, f"{period_label(period)} ({first_day(period):%d/%m/%Y})"))
            if not default and not periods.started(period):
                default = period.code
    return choices, default or choices[-1][0]


@login_required
@require_http_methods(["GET", "POST"])
def report_type_page(request: HttpRequest, code: str = selectors.KSTT) -> HttpResponse:
    """An administrator's page of one report type: the history of its settings versions and a form for
    new settings valid from a period, the resolved calendar of a year (each period under the settings in
    force for it), the province's declared days, the forms and the narrative outline (read-only)."""
    access.require(access.may_manage_catalogue(request.user))
    report_type = _report_type(code)
    today = clock.today()
    versions = selectors.settings_versions(report_type)
    current = in_force_on(versions, today)
    levels = [level for level in LEVELS if any(level in v.deadlines for v in versions)]
    choices, default = _period_choices(report_type, versions, selectors.first_year(report_type), today)
    form = SettingsForm(
        request.POST or None,
        initial={**SettingsForm.initial_from(current.values()), "valid_from": default},
        levels=levels,
        periods=choices,
    )
    if request.method == "POST" and form.is_valid():
        valid_from = Period.parse(form.cleaned_data["valid_from"])
        try:
            version = services.change_settings(
                report_type=report_type,
                values=form.values(),
                valid_from=valid_from,
                note=form.cleaned_data["note"],
                at=clock.now(),
                actor=request.user,
                reason=confirmation.cost_reason(request),
                seen=confirmation.seen_cost(request),
            )
        except ledger_impact.CostError as exc:
            return confirmation.ask_cost(
                request,
                exc,
                title=_("New settings from %(period)s change the ledger") % {"period": period_label(valid_from)},
                button=_("Save the settings and change these lines"),
                back=request.get_full_path(),
            )
        except services.CatalogueError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(
                request,
                _("Settings version %(number)s was saved: it judges %(period)s and the periods after it.")
                % {"number": version.number, "period": period_label(valid_from)},
            )
            return redirect(request.get_full_path())

    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year_periods = periods_of_year(year, report_type.periods)
    by_period = {p.code: in_force(versions, p) for p in year_periods}
    years: set[int] = set()
    for period in year_periods:
        years |= calendar_years([period], by_period[period.code].policy)
    calendar = selectors.work_calendar(years)
    zone = clock.province_zone()
    resolved = []
    for period in year_periods:
        version = by_period[period.code]
        policy = version.policy
        rows = [schedule(period, level, policy, calendar, zone) for level in levels if level in policy.levels]
        resolved.append((period, report_type.also.get(period.kind), version.window(period), version, rows))
    days_off = sorted((d, n) for d, n in calendar.days_off.items() if d.year == year)
    working_days = sorted((d, n) for d, n in calendar.working_days.items() if d.year == year)
    return render(
        request,
        "catalogue/report_type.html",
        {
            "report_type": report_type,
            "form": form,
            "versions": [(v, _valid_from_label(v.valid_from, report_type)) for v in reversed(versions)],
            "current": current,
            "year": year,
            "years": list(range(today.year - 6, today.year + 3)),
            "levels": levels,
            "resolved": resolved,
            "days_off": days_off,
            "working_days": working_days,
            "province_days": selectors.province_days(),
            "day_form": DayForm(),
            "forms": selectors.form_definitions(),
            "outlines": selectors.outline_definitions(report_type),
        },
    )


def _valid_from_label(day, report_type) -> str:
    """“Since the start of the records”, a period (“Quý III/2025”) when the day is its first, else the date."""
    if day is None:
        return _("since the start of the records")
    for period in periods_of_year(day.year, report_type.periods):
        if first_day(period) == day:
            return _("from %(period)s (%(day)s)") % {"period": period_label(period), "day": f"{day:%d/%m/%Y}"}
    return _("from %(day)s") % {"day": f"{day:%d/%m/%Y}"}


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the catalogue page, on the year the form was sent from."""
    year = request.POST.get("year", "")
    return redirect(reverse("catalogue:report_type") + (f"?year={int(year)}" if year.isdigit() else ""))


@login_required
@require_POST
def declare_day(request: HttpRequest) -> HttpResponse:
    access.require(access.may_manage_catalogue(request.user))
    form = DayForm(request.POST)
    if form.is_valid():
        try:
            services.declare_day(
                **form.cleaned_data,
                at=clock.now(),
                actor=request.user,
                reason=confirmation.cost_reason(request),
                seen=confirmation.seen_cost(request),
            )
        except ledger_impact.CostError as exc:
            return confirmation.ask_cost(
                request,
                exc,
                title=_("Declaring %(day)s changes the ledger") % {"day": f"{form.cleaned_data['day']:%d/%m/%Y}"},
                button=_("Declare the day and change these lines"),
                back=_back(request)["Location"],
            )
        except services.CatalogueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The day was declared."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(request)


@login_required
@require_POST
def withdraw_day(request: HttpRequest, pk: int) -> HttpResponse:
    access.require(access.may_manage_catalogue(request.user))
    entry = get_object_or_404(CalendarDay, pk=pk, active=True)
    try:
        services.withdraw_day(
            entry=entry,
            at=clock.now(),
            actor=request.user,
            reason=confirmation.cost_reason(request),
            seen=confirmation.seen_cost(request),
        )
    except ledger_impact.CostError as exc:
        return confirmation.ask_cost(
            request,
            exc,
            title=_("Withdrawing %(day)s changes the ledger") % {"day": f"{entry.day:%d/%m/%Y}"},
            button=_("Withdraw the day and change these lines"),
            back=_back(request)["Location"],
        )
    messages.success(request, _("The day was withdrawn."))
    return _back(request)
