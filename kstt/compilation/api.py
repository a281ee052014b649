"""Form 06 computed from dossiers, and the dossiers behind a cell, through the API."""

from __future__ import annotations

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.period_choice import period_range
from kstt.compilation.selectors import CellError, CompilationError, cell_evidence, compile_form06, scope
from kstt.dossiers.models import Dossier
from kstt.exports.form06_json import render_form06_json

UNIT = OpenApiParameter(
    "unit", OpenApiTypes.STR, required=True, description="Unit code", examples=[OpenApiExample("A district", "D157")]
)
PERIOD = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    required=True,
    description="Period code, e.g. 2021Q3",
    examples=[OpenApiExample("A quarter", "2021Q3")],
)
ROW = OpenApiParameter(
    "row",
    OpenApiTypes.STR,
    required=True,
    description="Field code, unit code, level, PARENT/LEVEL (e.g. D157/commune), or total",
)
COLUMN = OpenApiParameter("column", OpenApiTypes.STR, required=True, description="Column key or printed number (3–13)")


class BadQuery(APIException):
    """A query the endpoint cannot answer (a row or column the form has not): 400 with the reason."""

    status_code = 400
    default_code = "bad_query"


def _unit_and_period(request: Request):
    """The unit and period asked for: 400 for a period that is not one, or not yet or no longer shown."""
    report_type = catalogue.report_type()
    if report_type is None:
        raise CompilationError("the catalogue is not loaded (kstt load-catalogue)")
    code = request.query_params.get("period", "")
    if not code.strip():
        raise BadQuery(gettext("Give the period, e.g. 2021Q3."))
    periods = period_range(report_type)
    period = periods.choose(code)
    version, _ = access.unit_for_user(
        user=request.user, code=request.query_params.get("unit", ""), on=periods.window(period)[1]
    )
    return version.unit, period, report_type


class Form06(APIView):
    """Form 06 of a unit computed from its dossiers (a district or the province: compiled), as the
    JSON of ``kstt form06``. 404 when the unit is not the caller's."""

    @extend_schema(parameters=[UNIT, PERIOD], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        unit, period, report_type = _unit_and_period(request)
        return Response(render_form06_json(compile_form06(unit=unit, period=period, report_type=report_type)))


class DossierSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code")

    class Meta:
        model = Dossier
        fields = ["code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome"]


class Form06Cell(generics.ListAPIView):
    """The dossiers behind one cell of a computed form 06 (paginated): 400 for a row or column the form
    has not, 404 for a row naming a unit that is not on the form."""

    serializer_class = DossierSerializer

    @extend_schema(parameters=[UNIT, PERIOD, ROW, COLUMN])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unit, period, report_type = _unit_and_period(self.request)
        params = self.request.query_params
        the_scope = scope(unit=unit, period=period, report_type=report_type)
        try:
            return cell_evidence(scope=the_scope, row=params.get("row", ""), column=params.get("column", "")).dossiers
        except CellError as exc:
            if exc.kind == "outside":
                raise NotFound(exc.message()) from None
            raise BadQuery({"detail": exc.message(), "code": "bad_cell"}) from None
