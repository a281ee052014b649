from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compilation.compiled import CompiledForm06
from kstt.compilation.selectors import CompilationError, cell_evidence, compile_form06, scope
from kstt.exports.form06_xlsx import render_form06_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _context(request: HttpRequest, code: str):
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("The catalogue is not loaded.")
    try:
        period = Period.parse(request.GET.get("period", ""))
    except PeriodError:
        period = _latest_closed_quarter(report_type)
    version, _ = access.unit_for_user(user=request.user, code=code, on=period.window(report_type.cutoff_day)[1])
    return version, period, report_type


def _compiled(version, period: Period, report_type) -> CompiledForm06:
    try:
        return compile_form06(unit=version.unit, period=period, report_type=report_type)
    except CompilationError as exc:
        raise Http404(str(exc)) from None


def _latest_closed_quarter(report_type) -> Period:
    """The last period whose window has ended."""
    today = clock.today()
    for year in (today.year, today.year - 1):
        ended = [
            Period(year, k)
            for k in reversed(report_type.periods)
            if Period(year, k).window(report_type.cutoff_day)[1] < today
        ]
        if ended:
            return ended[0]
    return Period(today.year - 1, report_type.periods[-1])


@require_GET
@login_required
def form06(request: HttpRequest, code: str) -> HttpResponse:
    """Form 06 of a unit computed from its dossiers; every cell links to the dossiers behind it."""
    version, period, report_type = _context(request, code)
    compiled = _compiled(version, period, report_type)
    this_year = clock.today().year
    years = sorted({*range(this_year - 5, this_year + 1), period.year}, reverse=True)
    periods = [Period(y, k) for y in years for k in reversed(report_type.periods)]
    column_groups = [
        (group, len(list(columns))) for group, columns in groupby(compiled.spec.columns, lambda c: c.group)
    ]
    return render(
        request,
        "compilation/form06.html",
        {"version": version, "form": compiled, "period": period, "periods": periods, "column_groups": column_groups},
    )


@require_GET
@login_required
def form06_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    version, period, report_type = _context(request, code)
    compiled = _compiled(version, period, report_type)
    response = HttpResponse(render_form06_xlsx(compiled), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bieu-06-{version.unit.code}-{period.code}.xlsx"'
    return response


@require_GET
@login_required
def form06_cell(request: HttpRequest, code: str) -> HttpResponse:
    """The dossiers behind one cell."""
    version, period, report_type = _context(request, code)
    row, column = request.GET.get("row", ""), request.GET.get("column", "")
    try:
        the_scope = scope(unit=version.unit, period=period, report_type=report_type)
        dossiers, heading = cell_evidence(scope=the_scope, row=row, column=column)
    except CompilationError as exc:
        raise Http404(str(exc)) from None
    page = Paginator(dossiers, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "compilation/form06_cell.html",
        {"version": version, "period": period, "row": row, "column": heading, "page": page},
    )
