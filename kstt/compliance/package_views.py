"""The package for the national system from the receiving unit's report page (issue 15, point 5).

/compliance/package/<unit>/<period>/, and GET /api/package/?unit=&period= for scripts: for whoever reads the
report page (``access.unit_for_user``: 404 for anyone else) and compiles the unit's reports
(``may_compile_reports``: its reviewers and those above, administrators). The zip is
``kstt.compliance.package``'s; a package that cannot be made (the unit's own report not submitted with its
signed PDF, a unit that receives nothing) is a page (or a JSON error) that says why (409).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compilation.access import may_compile_reports
from kstt.compilation.api import PERIOD, UNIT, _unit_and_period
from kstt.compliance.package import PackageError, file_name, make_package
from kstt.reports.serializers import ErrorSerializer

ZIP = "application/zip"


@require_GET
@login_required
def package(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report type.")
    try:
        the_period = Period.parse(period)
    except PeriodError:
        raise Http404("No such period.") from None
    version, _access = access.unit_for_user(
        user=request.user, code=unit_code, on=catalogue.window(report_type, the_period)[1]
    )
    if not may_compile_reports(request.user):
        raise Http404("Only the unit's reviewers make its package.")
    try:
        data = make_package(unit=version.unit, period=the_period, report_type=report_type, at=clock.now())
    except PackageError as exc:
        context = {"unit": version, "period": the_period, "message": exc.message()}
        return render(request, "compliance/package_refused.html", context, status=409)
    response = HttpResponse(data, content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="{file_name(version.unit.code, the_period.code)}"'
    return response


class PackageRefused(APIException):
    status_code = 409
    default_code = "package_refused"


class Package(APIView):
    """The package for the national system of a receiving unit and period, as the zip of ``kstt package``
    (interchange.md), for the unit's reviewers, the reviewers above it and administrators; 404 for anyone
    else, 409 with the reason when no package can be made (the unit's own report not submitted with its
    signed PDF, a unit that receives nothing)."""

    @extend_schema(
        parameters=[UNIT, PERIOD],
        responses={
            (200, ZIP): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                ErrorSerializer,
                description="No package can be made (code package_refused; detail says why: the unit's own "
                "report not submitted with its signed PDF, a unit that receives no reports).",
            ),
        },
    )
    def get(self, request: Request) -> HttpResponse:
        unit, period, report_type = _unit_and_period(request)
        if not may_compile_reports(request.user):
            raise NotFound()
        try:
            data = make_package(unit=unit, period=period, report_type=report_type, at=clock.now())
        except PackageError as exc:
            raise PackageRefused(exc.message()) from None
        response = HttpResponse(data, content_type=ZIP)
        response["Content-Disposition"] = f'attachment; filename="{file_name(unit.code, period.code)}"'
        return response
