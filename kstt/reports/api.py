"""REST endpoints of reports (issue 8, point 8): thin views over the access helper, selectors and services.

A report is addressed by its unit's code and its period (the catalogue's one report type ``kstt``).
Who sees what is the pages' rule (kstt/accounts/access.py), judged in the tree of the report's period:
a report the caller may not see answers 404, never data; one the caller sees but may not change (a
reviewer saving a draft, a reporter accepting) answers 403. The services raise the domain errors and
kstt/api_errors.py turns them into responses (400, 403, 409). The time of every write is ``clock.now()``.

Submit takes an optional ``Idempotency-Key`` header: the same key on the same report gives back the
version it made (200) instead of a new one (201), while that version stands; once it was returned (or
another version followed), the key answers 409 ``idempotency_key_reused`` naming its version: a key
belongs to one submission. Without a key a repeated submit finds the report already submitted and is
refused (409), so a double click never makes two versions either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.api_parsers import JSONParser
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports import selectors, services
from kstt.reports import serializers as s
from kstt.reports.choices import ReportStatus
from kstt.reports.documents import check_uploaded_document
from kstt.reports.models import Draft, ReportInstance, ReportVersion
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion

#: The longest Idempotency-Key kept (ReportVersion.idempotency_key).
MAX_KEY = 128

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional, at most 128 characters. The same key on the same report returns the version it made "
        "(200) instead of submitting again; a new submission answers 201. Once that version was returned, "
        "the key answers 409 (code idempotency_key_reused, with the version): send a new key."
    ),
)
UNIT_Q = OpenApiParameter("unit", OpenApiTypes.STR, description="Only this unit's reports (unit code).")
PERIOD_Q = OpenApiParameter("period", OpenApiTypes.STR, description="Only this period, e.g. 2021Q3.")
STATUS_Q = OpenApiParameter("status", OpenApiTypes.STR, enum=ReportStatus.values, description="Only this status.")

NOT_FOUND = OpenApiResponse(s.ErrorSerializer, description="Not a report the caller may see.")
FORBIDDEN = OpenApiResponse(s.ErrorSerializer, description="The caller sees the report but may not do this.")
BAD = OpenApiResponse(s.ErrorSerializer, description="Malformed request.")
CONFLICT = OpenApiResponse(s.ConflictSerializer, description="The report's state does not allow it, or a conflict.")


# --- Finding the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The report a URL names, as the caller may see it (the instance is None before it is opened)."""

    unit: UnitVersion
    period: Period
    report_type: ReportType
    window_end: date
    rights: access.UnitAccess
    instance: ReportInstance | None

    def require_instance(self) -> ReportInstance:
        if self.instance is None:
            raise NotFound(gettext("This report has not been started yet."))
        return self.instance


def _report_type() -> ReportType:
    report_type = catalogue.report_type()
    if report_type is None:
        raise NotFound(gettext("The catalogue is not loaded."))
    return report_type


def target(request: Request, unit_code: str, period_code: str) -> Target:
    """The report of ``unit_code`` for ``period_code``; 404 when it is not the caller's to see."""
    report_type = _report_type()
    try:
        period = Period.parse(period_code)
    except PeriodError:
        raise NotFound(gettext("No such report.")) from None
    window_end = catalogue.window(report_type, period)[1]
    try:
        version, rights = access.unit_for_user(user=request.user, code=unit_code, on=window_end)
    except Http404:  # one answer whether the unit does not exist or is not the caller's
        raise NotFound(gettext("No such report.")) from None
    instance = (
        ReportInstance.objects.select_related("unit", "recipient")
        .filter(unit=version.unit, report_type=report_type, period=period.code)
        .first()
    )
    if instance is not None:
        instance.report_type = report_type  # the one object, with the settings versions read for the window
    return Target(version, period, report_type, window_end, rights, instance)


def opened(request: Request, t: Target) -> ReportInstance:
    """The report, opened for its reporter on first use (services.open_instance checks the rights)."""
    if t.instance is not None:
        return t.instance
    return services.open_instance(
        unit=t.unit.unit, report_type=t.report_type, period=t.period, at=clock.now(), actor=request.user,
        unit_version=t.unit,  # the unit at the window's end, as the access check read it
    )  # fmt: skip


def visible_reports(user: Any, *, unit: str = "", period: str = "", status: str = "") -> QuerySet[ReportInstance]:
    """The report instances the caller may see: each judged in the tree of its own period."""
    qs = ReportInstance.objects.select_related("unit", "report_type", "recipient").order_by(
        "period", "unit__code", "report_type__code"
    )
    if unit:
        qs = qs.filter(unit__code=unit)
    if period:
        qs = qs.filter(period=period.strip().upper())
    if status:
        qs = qs.filter(status=status)
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.is_kstt_admin:
        return qs
    if user.unit_id is None or not (user.is_reporter or user.is_reviewer):
        return qs.none()
    mine = Q(unit_id=user.unit_id)
    if not user.is_reviewer:
        return qs.filter(mine)
    below = Q(pk__in=[])
    pairs = sorted(set(qs.values_list("report_type_id", "period")))
    report_types = {rt.pk: rt for rt in catalogue.report_types().filter(pk__in={pk for pk, _ in pairs})}
    for report_type_id, period_code in pairs:
        end = catalogue.window(report_types[report_type_id], period_code)[1]
        below |= Q(
            report_type_id=report_type_id, period=period_code, unit_id__in=units.descendant_ids(user.unit, on=end)
        )
    return qs.filter(mine | below)


def _deadlines(t: Target) -> dict[str, Any] | None:
    for owed in selectors.owed_by_unit(
        unit=t.unit.unit, report_type=t.report_type, year=t.period.year, now=clock.now()
    ):
        if owed.period == t.period:
            return {
                "deadline": owed.effective_deadline,
                "closing": owed.effective_closing,
                "scheduled_deadline": owed.schedule.deadline,
                "scheduled_closing": owed.schedule.closing,
                "owed_status": str(owed.status),
                "days_left": owed.days_left,
            }
    return None


def _version(instance: ReportInstance, number: int) -> ReportVersion:
    version = selectors.versions_of(instance).filter(number=number).first()
    if version is None:
        raise NotFound(gettext("No such version of this report."))
    return version


def _draft(instance: ReportInstance) -> Draft:
    return Draft.objects.select_related("document", "document__uploaded_by", "updated_by").get(instance=instance)


def _name(unit: Unit | None, on: date) -> str:
    if unit is None:  # the province's own report goes outside KSTT
        return gettext("Government Office")
    version = units.unit_on(unit.code, on)
    return version.name if version is not None else ""


# --- The endpoints -----------------------------------------------------------------------------------------


class ReportList(generics.ListAPIView):
    """Report instances the caller may see (paginated): a reporter her unit's, a reviewer those of the
    units below hers in each report's period, an administrator all."""

    serializer_class = s.ReportSerializer

    @extend_schema(parameters=[UNIT_Q, PERIOD_Q, STATUS_Q], responses={200: s.ReportSerializer(many=True), 400: BAD})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ReportInstance]:
        params = self.request.query_params
        wanted = params.get("status", "")
        if "status" in params and wanted not in ReportStatus.values:  # given, even empty: a status
            raise ValidationError({"status": gettext("Not a report status.")})
        if "period" in params:
            Period.parse(params["period"])  # PeriodError: 400 bad_period (kstt/api_errors.py)
        return visible_reports(self.request.user, unit=params.get("unit", ""), period=params.get("period", ""),
                               status=wanted)  # fmt: skip


class ReportDetail(APIView):
    """One report: status, recipient, deadlines, versions; the draft for the unit's reporters."""

    @extend_schema(responses={200: s.ReportDetailSerializer, 404: NOT_FOUND})
    def get(self, request: Request, unit: str, period: str) -> Response:
        t = target(request, unit, period)
        instance = t.require_instance()
        draft = _draft(instance) if t.rights.report else None
        body = {
            "report": s.ReportSerializer(instance).data,
            "unit_name": t.unit.name,
            "recipient_name": _name(instance.recipient, t.window_end),
            "deadlines": _deadlines(t),
            "versions": s.VersionSummarySerializer(selectors.versions_of(instance), many=True).data,
            "draft": s.DraftSerializer(draft).data if draft is not None else None,
            "access": {
                "report": t.rights.report,
                "review": access.may_review_report(request.user, recipient_id=instance.recipient_id),
            },
        }
        return Response(body)


class ReportDraft(APIView):
    """Save the draft: values, narrative and reasons, based on the revision the caller read."""

    parser_classes = [JSONParser]  # a JSON body only: a form is 415

    @extend_schema(
        request=s.DraftInputSerializer,
        responses={200: s.DraftSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def put(self, request: Request, unit: str, period: str) -> Response:
        t = target(request, unit, period)
        data = s.DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        for key in ("values", "narrative", "reasons"):
            if not isinstance(values[key], dict):
                raise ValidationError({key: gettext("Expected a JSON object.")})
        instance = opened(request, t)
        draft = services.save_draft(
            instance=instance,
            values=values["values"],
            narrative=values["narrative"],
            reasons=values["reasons"],
            expected_revision=values["revision"],
            at=clock.now(),
            actor=request.user,
        )
        return Response(s.DraftSerializer(draft).data)  # the draft as stored, read by the service


class BadUpload(APIException):
    status_code = 400
    default_code = "no_file"


def _uploaded(request: Request) -> Any:
    """The signed PDF sent as the multipart part ``file``; 400 ``no_file`` without one (a part named file
    without a filename is a form field, not a file)."""
    upload = request.FILES.get("file")
    if upload is None:
        raise BadUpload({"detail": gettext("Choose the signed PDF to upload."), "code": "no_file"})
    return upload


def _idempotency_key(request: Request) -> str:
    """The request's Idempotency-Key ("" without one); 400 when it is longer than MAX_KEY."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_KEY:
        raise ValidationError({"Idempotency-Key": gettext("At most 128 characters.")})
    return str(key)


class ReportDocument(APIView):
    """Upload the signed narrative (multipart, field ``file``): sniffed as a PDF, its signatures verified,
    then attached to the draft. A refused file changes nothing."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={201: s.DocumentSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, unit: str, period: str) -> Response:
        t = target(request, unit, period)
        if not t.rights.report:
            raise services.NotAllowed("only a reporter of the unit attaches its documents")
        upload = _uploaded(request)
        content = upload.read()
        check = check_uploaded_document(content)  # DocumentError: 400, nothing written
        instance = opened(request, t)
        document = services.attach_document(
            instance=instance,
            name=upload.name or "document.pdf",
            content=content,
            verification=check.to_json(),
            at=clock.now(),
            actor=request.user,
        )
        return Response(s.DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class ReportSubmit(APIView):
    """Submit the draft as the next version (rules.md §4–5)."""

    parser_classes = [JSONParser]  # a JSON body only: a form is 415

    @extend_schema(
        request=s.SubmitInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(s.VersionSerializer, description="A new version."),
            200: OpenApiResponse(s.VersionSerializer, description="The version this Idempotency-Key made."),
            400: OpenApiResponse(
                s.SubmitRefusedSerializer,
                description="Not a submission (code not_ready: the signed document or a form missing, a PDF "
                "without the digital signature the settings require (problem code signature), or cells that "
                "are not figures, problems of code figures naming them). The refused press is recorded: "
                "refused_at is when. A report the checks flag is submitted all the same (201, with its "
                "flags): the explanation is optional.",
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, unit: str, period: str) -> Response:
        t = target(request, unit, period)
        instance = t.require_instance()
        data = s.SubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = _idempotency_key(request)
        # The service takes the row lock: of two presses with one key, the second gets the first's version back.
        submitted = services.submit_once(
            instance=instance,
            explanation=data.validated_data["explanation"],
            idempotency_key=key or None,
            at=clock.now(),
            actor=request.user,
        )
        # A new version is answered as the service made it (who submitted, the document and its uploader, no
        # review); one given back from its key as the service read it, with what the answer shows.
        return Response(
            s.VersionSerializer(submitted.version).data,
            status=status.HTTP_201_CREATED if submitted.made else status.HTTP_200_OK,
        )


class ReportSubmission(APIView):
    """A finished report in one request, for a system that sends the whole report at once (multipart): the
    draft saved with ``values``, ``narrative`` and ``reasons``, the signed PDF (``file``) verified and
    attached, and the draft submitted, in one transaction — what ``PUT …/draft/``, ``POST …/document/`` and
    ``POST …/submit/`` do one after the other. The same Idempotency-Key gives back the version it made and
    writes nothing. A refused file or malformed part changes nothing; a press that is not a submission (400
    ``not_ready``) keeps the draft and the document as sent and records the refused press."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.SubmissionInputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(s.VersionSerializer, description="A new version."),
            200: OpenApiResponse(
                s.VersionSerializer, description="The version this Idempotency-Key made; nothing was written."
            ),
            400: OpenApiResponse(
                s.SubmitRefusedSerializer,
                description="A malformed part, a refused file (nothing written), or not a submission (code "
                "not_ready, with problems and refused_at: the draft and the document are kept as sent).",
            ),
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def post(self, request: Request, unit: str, period: str) -> Response:
        t = target(request, unit, period)
        if not t.rights.report:
            raise services.NotAllowed("only a reporter of the unit submits its reports")
        key = _idempotency_key(request)
        if key and t.instance is not None:
            # A retry: the version its key made is given back before the body is read and the PDF verified
            # again (a retry whose first press is still running finds nothing here; the service then waits
            # for that press under the row lock and gives its version back).
            made = services.submission_for_key(instance=t.instance, key=key)
            if made is not None:
                return Response(s.VersionSerializer(made).data, status=status.HTTP_200_OK)
        upload = _uploaded(request)
        data = s.SubmissionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        parts = {name: given.get(name, {}) for name in ("values", "narrative", "reasons")}
        for name, part in parts.items():
            if not isinstance(part, dict):
                raise ValidationError({name: gettext("Expected a JSON object.")})
        content = upload.read()
        check = check_uploaded_document(content)  # DocumentError: 400, nothing written
        submitted = services.submit_report(
            unit=t.unit.unit,
            report_type=t.report_type,
            period=t.period,
            values=parts["values"],
            narrative=parts["narrative"],
            reasons=parts["reasons"],
            document=services.SignedDocument(upload.name or "document.pdf", content, check.to_json()),
            explanation=given["explanation"],
            idempotency_key=key or None,
            expected_revision=given.get("revision"),
            at=clock.now(),
            actor=request.user,
            instance=t.instance,
            looked=True,  # target() read the report: None when it is not there yet
            unit_version=t.unit,
        )
        return Response(
            s.VersionSerializer(submitted.version).data,
            status=status.HTTP_201_CREATED if submitted.made else status.HTTP_200_OK,
        )


class VersionList(APIView):
    """Every version of the report, oldest first, each an immutable snapshot with its review."""

    @extend_schema(responses={200: s.VersionSerializer(many=True), 404: NOT_FOUND})
    def get(self, request: Request, unit: str, period: str) -> Response:
        instance = target(request, unit, period).require_instance()
        return Response(s.VersionSerializer(selectors.versions_of(instance), many=True).data)


class VersionDetail(APIView):
    """One version as submitted, with its findings, flags and review."""

    @extend_schema(responses={200: s.VersionSerializer, 404: NOT_FOUND})
    def get(self, request: Request, unit: str, period: str, number: int) -> Response:
        instance = target(request, unit, period).require_instance()
        return Response(s.VersionSerializer(_version(instance, number)).data)


class VersionAccept(APIView):
    """The recipient's reviewer accepts the latest version."""

    parser_classes = [JSONParser]  # a JSON body only: a form is 415

    @extend_schema(
        request=s.AcceptInputSerializer,
        responses={200: s.ReviewSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, unit: str, period: str, number: int) -> Response:
        version = _version(target(request, unit, period).require_instance(), number)
        data = s.AcceptInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.accept(version=version, text=data.validated_data["text"], at=clock.now(), actor=request.user)
        return Response(s.ReviewSerializer(review).data)


class VersionReturn(APIView):
    """The recipient's reviewer returns the latest version with reasons from the fixed list and a text."""

    parser_classes = [JSONParser]  # a JSON body only: a form is 415

    @extend_schema(
        request=s.ReturnInputSerializer,
        responses={200: s.ReviewSerializer, 400: BAD, 403: FORBIDDEN, 404: NOT_FOUND, 409: CONFLICT},
    )
    def post(self, request: Request, unit: str, period: str, number: int) -> Response:
        version = _version(target(request, unit, period).require_instance(), number)
        data = s.ReturnInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.return_report(
            version=version,
            reasons=data.validated_data["reasons"],
            text=data.validated_data["text"],
            at=clock.now(),
            actor=request.user,
        )
        return Response(s.ReviewSerializer(review).data)


class ReportHistory(APIView):
    """The report's audit trail: who changed what, when (oldest first)."""

    @extend_schema(responses={200: s.HistoryEntrySerializer(many=True), 404: NOT_FOUND})
    def get(self, request: Request, unit: str, period: str) -> Response:
        instance = target(request, unit, period).require_instance()
        entries = [
            {"at": e.at, "actor": s.person(e.actor), "event": e.event, "data": e.data}
            for e in selectors.audit_trail(instance)
        ]
        return Response(s.HistoryEntrySerializer(entries, many=True).data)
