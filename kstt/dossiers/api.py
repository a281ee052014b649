"""The one-stop system pushes dossier records here (a batch of at most 10,000, all or nothing)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.api_parsers import JSONParser
from kstt.dossiers.rules import MAX_LENGTHS, DossierRecordError
from kstt.dossiers.services import MAX_PUSH, push_dossiers


class DossierRecordSerializer(serializers.Serializer):
    """The record's schema (the push validates with dossiers.rules: the same checks as a file)."""

    code = serializers.CharField(max_length=MAX_LENGTHS["code"])
    unit_code = serializers.CharField(max_length=MAX_LENGTHS["unit_code"])
    field_code = serializers.CharField(
        max_length=MAX_LENGTHS["field_code"], help_text="a procedure field code of the catalogue"
    )
    channel = serializers.ChoiceField(choices=["online", "direct", "postal"])
    received_at = serializers.CharField(help_text="ISO 8601 with an offset, e.g. 2021-09-16T23:10:00+07:00")
    due_at = serializers.CharField()
    finished_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    outcome = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text="settled|returned|refused"
    )


RESULT = inline_serializer(
    "DossierPushResult",
    {
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
    },
)


class DossierPush(APIView):
    """Upsert dossier records by code. The body is a JSON list of records (or ``{"dossiers": [...]}``).

    A bad record refuses the whole batch (400), nothing is stored; the answer names the first bad
    record (``index``, ``reason``, ``detail``) and lists every one found (``errors``, at most 100).
    Needs the feed role (a system account with a token: ``Authorization: Token …``).
    """

    parser_classes = [JSONParser]  # a JSON body only: a form is 415

    @extend_schema(
        request=DossierRecordSerializer(many=True),
        responses={200: RESULT},
        examples=[
            OpenApiExample(
                "One pending dossier",
                value=[
                    {
                        "code": "HS-2021-000123",
                        "unit_code": "W05341",
                        "field_code": "HT",
                        "channel": "online",
                        "received_at": "2021-09-14T09:30:00+07:00",
                        "due_at": "2021-09-20T17:00:00+07:00",
                        "finished_at": "",
                        "outcome": "",
                    }
                ],
                request_only=True,
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not access.may_push_dossiers(request.user):
            raise PermissionDenied("This account may not push dossiers (it needs the feed role).")
        body = request.data
        records = body.get("dossiers") if isinstance(body, dict) else body
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            body = {"code": "not_a_list", "detail": "send a JSON list of dossier records"}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        if len(records) > MAX_PUSH:
            return Response(
                {
                    "code": "too_many",
                    "detail": f"at most {MAX_PUSH} records per batch, not {len(records)}",
                    "limit": MAX_PUSH,
                    "size": len(records),
                },
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        try:
            result = push_dossiers(records=records, at=clock.now(), actor=request.user)
        except DossierRecordError as exc:
            return Response(
                {
                    "code": "invalid_record",
                    "detail": str(exc),
                    "index": exc.where,
                    "reason": exc.reason,
                    "errors": [{"index": where, "reason": reason} for where, reason in exc.errors],
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
