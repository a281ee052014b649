"""REST endpoints of the unit tree: thin views over the access helper and selectors.

With accounts, like the tree's pages (kstt.accounts.unit_views): the access helper is above kstt.units.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.units import selectors
from kstt.units.models import UnitVersion


class UnitVersionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="unit.code")
    parent_code = serializers.CharField(source="parent.code", allow_null=True, default=None)

    class Meta:
        model = UnitVersion
        fields = ["code", "name", "level", "kind", "parent_code", "valid_from", "valid_until"]


ON = OpenApiParameter("on", OpenApiTypes.DATE, description="The tree as on this date (default: today, local time).")
Q = OpenApiParameter("q", OpenApiTypes.STR, description="Words of the name or code; diacritics are ignored.")


def _on(request: Request) -> date:
    """The ``on`` parameter (default today): a malformed or empty date is a 400 ``bad_date``, never today."""
    raw = request.query_params.get("on")
    if raw is None:
        return clock.today()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        detail = gettext("on must be a date written YYYY-MM-DD, e.g. 2021-09-30.")
        raise BadDate({"detail": detail, "code": "bad_date"}) from None


class BadDate(APIException):
    status_code = 400
    default_code = "bad_date"


class UnitList(generics.ListAPIView):
    """Units the caller may see, as on a date; ``q`` searches names and codes."""

    serializer_class = UnitVersionSerializer

    @extend_schema(parameters=[ON, Q])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        on = _on(self.request)
        query = self.request.query_params.get("q", "").strip()
        if query:
            return access.search_units(user=self.request.user, query=query, on=on, limit=1000)
        return access.visible_units(user=self.request.user, on=on).order_by("unit__code")


class UnitDetail(APIView):
    """One unit as on a date, with its children then and its version history (404 when not yours)."""

    @extend_schema(parameters=[ON], responses=UnitVersionSerializer)
    def get(self, request: Request, code: str) -> Response:
        on = _on(request)
        version, unit_access = access.unit_for_user(user=request.user, code=code, on=on)
        data = dict(UnitVersionSerializer(version).data)
        data["children"] = UnitVersionSerializer(selectors.children_on(version.unit, on), many=True).data
        data["history"] = UnitVersionSerializer(selectors.history(version.unit), many=True).data
        data["access"] = {"view": unit_access.view, "report": unit_access.report, "review": unit_access.review}
        return Response(data)
