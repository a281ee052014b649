from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports import selectors
from kstt.units import selectors as units


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page: what the user's unit owes (reporters) and what the units below owe (reviewers)."""
    now = clock.now()
    today = clock.local_date(now)
    user = request.user
    report_type = catalogue.report_type()
    context: dict = {"today": today, "report_type": report_type, "unit": None, "owed": None, "owed_below": None}
    if user.unit_id:
        context["unit"] = units.unit_on(user.unit.code, today)
    if report_type is None:
        return render(request, "reports/home.html", context)

    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    context["year"] = year
    context["years"] = list(range(today.year - 5, today.year + 2))
    if user.is_reporter and user.unit_id:
        context["owed"] = selectors.owed_by_unit(unit=user.unit, report_type=report_type, year=year, now=now)

    if user.is_reviewer and user.unit_id:
        try:
            period = Period.parse(request.GET["period"])
        except (KeyError, PeriodError):
            period = selectors.current_period(report_type, now=now)
        context["period"] = period
        context["period_choices"] = [
            p for y in range(period.year - 1, period.year + 2) for p in selectors.periods(report_type, y)
        ]
        context["owed_below"] = selectors.owed_below(unit=user.unit, report_type=report_type, period=period, now=now)
    context["may_manage_incidents"] = access.may_manage_incidents(user, on=today)
    return render(request, "reports/home.html", context)
