from functools import wraps
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.period_choice import PeriodChoiceError, period_range
from kstt.catalogue.rules.form06 import CompiledForm06
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import CellError, CompilationError, cell_evidence, compile_form06, scope
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.exports.libreoffice import ConversionError, to_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


class BadInput(Exception):
    """The address asks for something the page cannot show: answered 400 with the message."""


def answers_bad_input(view):
    """Bad input in the address (an unknown period, row or column) gets a page that says why (400)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (BadInput, PeriodChoiceError) as exc:
            return render(request, "compilation/bad_input.html", {"message": str(exc)}, status=400)

    return wrapped


def _context(request: HttpRequest, code: str):
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("The catalogue is not loaded.")
    periods = period_range(report_type)
    period = periods.choose(request.GET.get("period"))
    version, _ = access.unit_for_user(user=request.user, code=code, on=periods.window(period)[1])
    return version, period, report_type, periods


def _compiled(version, period: Period, report_type) -> CompiledForm06:
    try:
        return compile_form06(unit=version.unit, period=period, report_type=report_type)
    except CompilationError as exc:
        raise Http404(str(exc)) from None


@require_GET
@login_required
@answers_bad_input
def form06(request: HttpRequest, code: str) -> HttpResponse:
    """Form 06 of a unit computed from its dossiers; every cell links to the dossiers behind it."""
    version, period, report_type, periods = _context(request, code)
    compiled = _compiled(version, period, report_type)
    column_groups = [
        (group, len(list(columns))) for group, columns in groupby(compiled.spec.columns, lambda c: c.group)
    ]
    return render(
        request,
        "compilation/form06.html",
        {
            "version": version,
            "form": compiled,
            "period": period,
            "periods": menu if period in (menu := periods.menu()) else [period, *menu],  # 2021H1: a view
            "column_groups": column_groups,
            "width": len(compiled.spec.columns) + 2,
            "grouped": any(group.subgroups for group in compiled.groups),
        },
    )


@require_GET
@login_required
@answers_bad_input
def form06_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    version, period, report_type, _ = _context(request, code)
    compiled = _compiled(version, period, report_type)
    response = HttpResponse(render_form06_xlsx(compiled), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="bieu-06-{version.unit.code}-{period.code}.xlsx"'
    return response


@require_GET
@login_required
@answers_bad_input
def form06_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The workbook printed to PDF by LibreOffice; 503 with the reason when it cannot be (not installed)."""
    version, period, report_type, _ = _context(request, code)
    compiled = _compiled(version, period, report_type)
    try:
        pdf = to_pdf(render_form06_xlsx(compiled))
    except ConversionError as exc:
        return render(request, "compilation/no_pdf.html", {"reason": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="bieu-06-{version.unit.code}-{period.code}.pdf"'
    return response


@require_GET
@login_required
@answers_bad_input
def form06_cell(request: HttpRequest, code: str) -> HttpResponse:
    """The dossiers behind one cell: 400 for a row or column the form has not, 404 for another unit's row."""
    version, period, report_type, _ = _context(request, code)
    row, column = request.GET.get("row", ""), request.GET.get("column", "")
    try:
        the_scope = scope(unit=version.unit, period=period, report_type=report_type)
        cell = cell_evidence(scope=the_scope, row=row, column=column)
    except CellError as exc:
        if exc.kind == "outside":
            raise Http404(str(exc)) from None
        raise BadInput(exc.message()) from None
    except CompilationError as exc:
        raise Http404(str(exc)) from None
    page = Paginator(cell.dossiers, 100).get_page(request.GET.get("page"))
    # Names, not codes: each dossier's unit as it was in the period, and its field as the unit's level names it.
    members = {m.unit_id: m for m in the_scope.members}
    fields = {level: catalogue.field_names(level) for level in {m.level for m in members.values()}}
    rows = [
        (d, members[d.unit_id].name, fields[members[d.unit_id].level].get(d.field_code, d.field_code)) for d in page
    ]
    return render(
        request,
        "compilation/form06_cell.html",
        {
            "version": version,
            "period": period,
            "row": row,
            "cell": cell,
            "column": cell.column,
            "page": page,
            "rows": rows,
        },
    )
