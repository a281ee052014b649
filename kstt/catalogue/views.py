from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors, services
from kstt.catalogue.forms import DayForm, DeadlineSettingsForm
from kstt.catalogue.models import CalendarDay
from kstt.catalogue.rules.deadlines import calendar_years, schedule
from kstt.catalogue.rules.periods import periods_of_year
from kstt.units.rules import LEVELS


def _report_type(code: str):
    report_type = selectors.report_type(code)
    if report_type is None:
        raise Http404("No such report type.")
    return report_type


@login_required
@require_http_methods(["GET", "POST"])
def report_type_page(request: HttpRequest, code: str = selectors.KSTT) -> HttpResponse:
    """An administrator's page of one report type: deadline settings, the resolved calendar of a year,
    the province's declared days, the forms and the narrative outline (read-only)."""
    access.require(access.may_manage_catalogue(request.user))
    report_type = _report_type(code)
    rules = {rule.level: rule for rule in selectors.deadline_rules(report_type)}
    levels = [level for level in LEVELS if level in rules]
    initial = {
        "cutoff_day": report_type.cutoff_day,
        "closing_days": report_type.closing_days,
        "roll_forward": report_type.roll_forward,
        "returned_on_time": report_type.returned_on_time,
    }
    for level, rule in rules.items():
        initial[f"offset_{level}"], initial[f"cap_{level}"] = rule.offset_days, rule.cap_day
    form = DeadlineSettingsForm(request.POST or None, initial=initial, levels=levels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_deadline_settings(
                report_type=report_type,
                settings=services.DeadlineSettings(
                    cutoff_day=data["cutoff_day"],
                    closing_days=data["closing_days"],
                    roll_forward=data["roll_forward"],
                    levels={level: (data[f"offset_{level}"], data[f"cap_{level}"]) for level in levels},
                    returned_on_time=data["returned_on_time"],
                ),
                at=clock.now(),
                actor=request.user,
            )
        except services.CatalogueError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("The deadline settings were saved; every page now uses them."))
            return redirect(request.get_full_path())

    today = clock.today()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    policy = selectors.policy(report_type)
    year_periods = periods_of_year(year, report_type.periods)
    calendar = selectors.work_calendar(calendar_years(year_periods, policy))
    zone = clock.province_zone()
    resolved = []
    for period in year_periods:
        rows = [schedule(period, level, policy, calendar, zone) for level in levels]
        resolved.append((period, report_type.also.get(period.kind), period.window(policy.cutoff_day), rows))
    days_off = sorted((d, n) for d, n in calendar.days_off.items() if d.year == year)
    working_days = sorted((d, n) for d, n in calendar.working_days.items() if d.year == year)
    return render(
        request,
        "catalogue/report_type.html",
        {
            "report_type": report_type,
            "form": form,
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
            services.declare_day(**form.cleaned_data, at=clock.now(), actor=request.user)
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
    services.withdraw_day(entry=entry, at=clock.now(), actor=request.user)
    messages.success(request, _("The day was withdrawn."))
    return _back(request)
