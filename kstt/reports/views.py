from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.period_choice import PeriodChoiceError, period_range
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

    periods = period_range(report_type)
    years = list(range(max(today.year - 5, periods.first_year or today.year), today.year + 2))
    raw_year = request.GET.get("year", "").strip()
    if raw_year and (not raw_year.isdigit() or int(raw_year) not in years):
        return _bad_input(
            request,
            _("“%(year)s” is not a year KSTT can show: choose one from %(first)s to %(last)s.")
            % {"year": raw_year[:12], "first": years[0], "last": years[-1]},
        )
    year = int(raw_year) if raw_year else today.year
    context["year"] = year
    context["years"] = years
    if user.is_reporter and user.unit_id:
        owed = selectors.owed_by_unit(unit=user.unit, report_type=report_type, year=year, now=now)
        statuses = selectors.report_statuses(unit=user.unit, report_type=report_type, periods=[o.period for o in owed])
        context["owed"] = [(o, statuses[o.period.code]) for o in owed]

    if user.is_reviewer and user.unit_id:
        code = request.GET.get("period", "")
        try:
            period = periods.choose(code) if code.strip() else selectors.current_period(report_type, now=now)
        except PeriodChoiceError as exc:
            return _bad_input(request, str(exc))
        context["period"] = period
        context["period_choices"] = [
            p
            for y in range(period.year - 1, period.year + 2)
            for p in selectors.periods(report_type, y)
            if periods.started(p) and (periods.first_year is None or p.year >= periods.first_year)
        ]
        owed_below = selectors.owed_below(unit=user.unit, report_type=report_type, period=period, now=now)
        below = {
            i.unit_id: i.status
            for i in selectors.instances_below(recipient=user.unit, report_type=report_type, period=period)
        }
        context["owed_below"] = [(o, below.get(o.unit.unit_id, selectors.NOT_STARTED)) for o in owed_below]
        context["review_counts"] = selectors.review_counts(
            recipient=user.unit,
            report_type=report_type,
            periods=[p for p in selectors.periods(report_type, period.year) if periods.started(p)],
        )
    context["may_manage_incidents"] = access.may_manage_incidents(user, on=today)
    return render(request, "reports/home.html", context)


def _bad_input(request: HttpRequest, message: str) -> HttpResponse:
    """An address the home page cannot show: say why (400), never show another period silently."""
    return render(request, "bad_input.html", {"message": message, "back": "home"}, status=400)
