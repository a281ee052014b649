"""The PAR index deductions through the API: the JSON of ``kstt deductions`` (interchange.md)."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.compliance.deductions_json import render_deductions_json
from kstt.compliance.ledger_selectors import ledger
from kstt.interchange import parse_instant

YEAR = OpenApiParameter("year", OpenApiTypes.INT, required=True, description="Calendar year of the periods' end")
AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATETIME, required=False, description="ISO 8601 instant with its offset (default: now)"
)


class BadQuery(APIException):
    status_code = 400
    default_code = "bad_query"


class Deductions(APIView):
    """The deductions of a year known at ``as_of``: every scored unit for the provincial office, the
    caller's own unit for anyone else (whose unit has no line when it is not scored)."""

    @extend_schema(parameters=[YEAR, AS_OF], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report_type = catalogue.report_type()
        if report_type is None:
            raise BadQuery(gettext("The catalogue is not loaded."))
        now = clock.now()
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            raise BadQuery(gettext("Give the year, e.g. year=2021.")) from None
        first = catalogue.first_year(report_type) or year
        if not first <= year <= clock.local_date(now).year:
            raise BadQuery(
                gettext("There are deductions for the years %(first)s to %(last)s.")
                % {"first": first, "last": clock.local_date(now).year}
            )
        as_of = now
        if request.query_params.get("as_of"):
            try:
                as_of = parse_instant(request.query_params["as_of"])
            except ValueError:
                raise BadQuery(
                    gettext("as_of must be an instant with its offset, e.g. 2022-01-31T17:00:00+07:00.")
                ) from None
        if access.is_provincial_office(request.user, on=clock.local_date(now)):
            unit_ids = None
        elif getattr(request.user, "unit_id", None) is not None:
            unit_ids = [request.user.unit_id]
        else:
            unit_ids = []
        result = ledger(report_type=report_type, year=year, as_of=as_of, unit_ids=unit_ids)
        return Response(render_deductions_json(result, clock.province_zone()))
