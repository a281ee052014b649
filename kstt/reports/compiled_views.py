"""Form 06 of a district or the province compiled from the units' reports: the page for the receiving
unit's reviewers and the same compilation through the API (issue 15, point 1). Thin: the access helper
finds the unit (404 when it is not the user's), ``may_compile_reports`` keeps it to reviewers."""

from __future__ import annotations

from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt.catalogue.period_choice import PeriodRange
from kstt.catalogue.rules.periods import Period
from kstt.compilation.access import may_compile_reports
from kstt.compilation.api import PERIOD, UNIT, _unit_and_period
from kstt.compilation.selectors import CompilationError
from kstt.compilation.views import PDF, XLSX, _context, answers_bad_input
from kstt.exports.libreoffice import ConversionError, to_pdf
from kstt.reports.compiled_json import render_from_reports_json
from kstt.reports.compiled_selectors import FromReports, compile_from_reports
from kstt.reports.compiled_xlsx import render_from_reports_xlsx
from kstt.units.models import UnitVersion


@require_GET
@login_required
@answers_bad_input
def form06_reports(request: HttpRequest, code: str) -> HttpResponse:
    """Which version stands for each unit, the units missing, and beside every figure the one from the
    unit's dossiers, the difference highlighted and linked to the dossiers behind it."""
    version, period, periods, compiled = _from_reports(request, code)
    column_groups = [
        (group, len(list(columns))) for group, columns in groupby(compiled.spec.columns, lambda c: c.group)
    ]
    return render(
        request,
        "reports/form06_reports.html",
        {
            "version": version,
            "form": compiled,
            "compilation": compiled.compilation,
            "period": period,
            "periods": menu if period in (menu := periods.menu()) else [period, *menu],
            "column_groups": column_groups,
            "width": len(compiled.spec.columns) + 2,
        },
    )


def _from_reports(request: HttpRequest, code: str) -> tuple[UnitVersion, Period, PeriodRange, FromReports]:
    """The unit as it was, the period, its menu and the compilation; 404 unless the user reviews the unit
    (or one above it) and the unit receives reports."""
    version, period, report_type, periods = _context(request, code)
    if not may_compile_reports(request.user):
        raise Http404("Only the unit's reviewers read its compilation.")
    try:
        compiled = compile_from_reports(unit=version.unit, period=period, report_type=report_type)
    except CompilationError as exc:
        raise Http404(str(exc)) from None
    return version, period, periods, compiled


@require_GET
@login_required
@answers_bad_input
def form06_reports_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The compilation as the official workbook: the missing units shown, the totals as formulas."""
    version, period, _periods, compiled = _from_reports(request, code)
    response = HttpResponse(render_from_reports_xlsx(compiled), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(version, period)}.xlsx"'
    return response


@require_GET
@login_required
@answers_bad_input
def form06_reports_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The workbook printed to PDF by LibreOffice; 503 with the reason when it cannot be (not installed)."""
    version, period, _periods, compiled = _from_reports(request, code)
    try:
        pdf = to_pdf(render_from_reports_xlsx(compiled))
    except ConversionError as exc:
        return render(request, "compilation/no_pdf.html", {"reason": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(version, period)}.pdf"'
    return response


def _file_name(version: UnitVersion, period: Period) -> str:
    return f"bieu-06-tong-hop-bao-cao-{version.unit.code}-{period.code}"


class Form06Reports(APIView):
    """Form 06 of a district or the province compiled from the standing reports of the units below it, as
    the JSON of ``kstt form06-reports``. 404 unless the caller reviews the unit (or one above it)."""

    @extend_schema(parameters=[UNIT, PERIOD], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        unit, period, report_type = _unit_and_period(request)
        if not may_compile_reports(request.user):
            raise NotFound()
        try:
            compiled = compile_from_reports(unit=unit, period=period, report_type=report_type)
        except CompilationError as exc:
            raise NotFound(str(exc)) from None
        return Response(render_from_reports_json(compiled))
