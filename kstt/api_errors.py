"""One DRF exception handler: domain errors become 400/403/409 with their message, the rest as DRF does.

A body the API does not read (kstt/api_parsers.py) is 400 (not UTF-8, nested too deep, not Unicode, not
JSON), 411 (no length) or 413 (too large). Reports (kstt/reports/services/): a malformed change, a text
that cannot be stored, a section too long or a refused document is 400; what the caller sees
but may not do is 403 (what they may not see was already a 404 in the view); a state that does not allow
the change, a draft saved meanwhile by someone else, a version already reviewed, an Idempotency-Key
whose version was returned are 409. A database that cannot be reached (the connection refused or dropped in
the middle of a request) is 503 ``database_unavailable`` with Retry-After: the request's transaction rolled
back, and a retry with the same Idempotency-Key submits once. Each answer has
``detail`` (for people, in their language), ``code`` (for programs) and, where the service said more,
``reason`` (its English explanation).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views import defaults
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.exceptions import APIException, NotAuthenticated, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kstt import db_faults
from kstt.accounts.authentication import TokenRefused
from kstt.api_parsers import BodyError, too_large
from kstt.catalogue.rules.periods import PeriodError
from kstt.compilation.selectors import CompilationError
from kstt.dossiers.rules import DossierRecordError
from kstt.reports import services as reports
from kstt.reports.documents import DocumentError

logger = logging.getLogger("kstt.faults")
DOMAIN_ERRORS = (DossierRecordError, CompilationError, PeriodError)


def _person(user: Any) -> dict[str, str] | None:
    return None if user is None else {"username": user.get_username(), "full_name": user.get_full_name()}


def _report_error(exc: reports.SubmissionError) -> Response:
    if isinstance(exc, reports.DraftConflict):
        who = exc.updated_by.get_full_name() if exc.updated_by is not None else ""
        detail = gettext(
            "Someone else (%(who)s) saved this draft since you opened it; it is now at revision %(revision)s. "
            "Reload it and make your changes again: nothing was overwritten."
        ) % {"who": who or "?", "revision": exc.revision}
        body = {"code": "draft_conflict", "detail": detail, "revision": exc.revision,
                "updated_by": _person(exc.updated_by), "updated_at": exc.updated_at}  # fmt: skip
        return Response(body, status=409)
    if isinstance(exc, reports.InvalidText):
        body = {"code": "invalid_text", "detail": exc.message(), "reason": str(exc), "where": exc.error.where}
        return Response(body, status=400)
    if isinstance(exc, reports.SectionTooLong):
        body = {"code": "section_too_long", "detail": exc.message(), "reason": str(exc), "section": exc.section,
                "length": exc.length, "limit": exc.limit}  # fmt: skip
        return Response(body, status=400)
    if isinstance(exc, reports.NoteTooLong):
        body = {"code": "text_too_long", "detail": exc.message(), "reason": str(exc), "length": exc.length,
                "limit": exc.limit}  # fmt: skip
        return Response(body, status=400)
    if isinstance(exc, reports.IdempotencyKeyReused):
        detail = gettext(
            "This Idempotency-Key was used to submit version %(version)s, which has since been returned or "
            "followed by another version: nothing was submitted. Send a new key to submit the report again."
        ) % {"version": exc.version}
        body = {"code": "idempotency_key_reused", "detail": detail, "reason": str(exc), "version": exc.version}
        return Response(body, status=409)
    if isinstance(exc, reports.NotReady):
        detail = gettext("Not submitted: attach the signed document and fill every form first.")
        # rules.md §5: a cell that is not a figure blocks too; problems of code "figures" name the cells
        figures = [p for p in exc.problems if p.get("code") == "figures"]
        if figures and len(figures) == len(exc.problems):
            detail = gettext(
                "Not submitted: every cell must be a whole number from 0 to the form's ceiling (see problems)."
            )
        elif figures:
            detail = gettext(
                "Not submitted: attach the signed document, fill every form, and make every cell a whole number "
                "from 0 to the form's ceiling (see problems)."
            )
        body = {"code": "not_ready", "detail": detail, "problems": exc.problems}
        if exc.recorded is not None:  # rules.md §4: the refused press is kept, for the unit to appeal with
            body["refused_at"] = exc.recorded.at.isoformat()
        return Response(body, status=400)
    generic = {
        reports.NotAllowed: ("not_allowed", 403, gettext("You may not do this with this report.")),
        reports.NotOwed: ("not_owed", 404, gettext("The unit does not owe this report for that period.")),
        reports.StateError: (
            "state",
            409,
            gettext("Not possible in the report's current state: a submitted report is edited again once returned."),
        ),
        reports.SentToGovernmentOffice: (
            "sent_to_government_office",
            409,
            gettext("This report is sent to the Government Office: nobody in KSTT accepts or returns it."),
        ),
        reports.ReviewError: (
            "review",
            409,
            gettext("This version cannot be reviewed: only the latest version is reviewed, and only once."),
        ),
    }
    for kind, (code, status, detail) in generic.items():
        if isinstance(exc, kind):
            return Response({"code": code, "detail": detail, "reason": str(exc)}, status=status)
    detail = gettext("The data sent is malformed.")
    return Response({"code": "invalid", "detail": detail, "reason": str(exc)}, status=400)


def _first_message(detail: Any) -> tuple[str, str]:
    """The first message of a ValidationError's detail, with the field it names ("" for none), and its code."""
    if isinstance(detail, dict):
        for field, inner in detail.items():
            where, message = _first_message(inner)
            return (f"{field}.{where}" if where else str(field)), message
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return "", str(detail)


def _drf_error(exc: Exception, response: Response) -> Response:
    """DRF's own answer in the API's one shape: ``detail`` (one message), ``code`` and, for a refused field,
    ``errors`` (every message by field, as DRF gives them)."""
    if isinstance(exc, ValidationError):
        where, message = _first_message(exc.detail)
        detail = f"{where}: {message}" if where and where != "non_field_errors" else message
        codes = exc.get_codes()
        body: dict[str, Any] = {"code": "invalid", "detail": detail}
        if isinstance(exc.detail, dict):
            body["errors"] = response.data
        elif isinstance(codes, list) and codes and isinstance(codes[0], str):
            body["code"] = codes[0]
        response.data = body
        return response
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        code = data.get("code")
        if not code and isinstance(exc, APIException):
            codes = exc.get_codes()
            code = codes if isinstance(codes, str) else exc.default_code
        if not code:  # Django's Http404 and PermissionDenied, which DRF answers as its own
            code = {404: "not_found", 403: "permission_denied"}.get(response.status_code, "error")
        response.data = {**data, "detail": str(data["detail"]), "code": str(code)}
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: an address under /api/ that names nothing answers the API's JSON 404, a page the site's."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": gettext("Not found.")}, status=404)
    return defaults.page_not_found(request, exception or Http404())


def handle(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    view, request = context.get("view"), context.get("request")
    if isinstance(exc, NotAuthenticated) and isinstance(view, SpectacularSwaggerView) and request is not None:
        return redirect_to_login(request.get_full_path())  # a browser on /api/docs/: the login page, then back
    if isinstance(exc, TokenRefused):  # unknown, expired or revoked (kstt/accounts/authentication.py)
        body = {"code": exc.code, "detail": str(exc.detail), "reason": exc.reason}
        return Response(body, status=401, headers={"WWW-Authenticate": "Token"})
    if isinstance(exc, BodyError):  # a body refused by kstt/api_parsers.py: 400, 411 or 413
        return Response(exc.as_json(), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):  # Django's own limit, e.g. a form or multipart body parsed by DRF
        return Response(too_large(limit=settings.KSTT_MAX_REQUEST_BYTES).as_json(), status=413)
    if isinstance(exc, DossierRecordError):
        body = {"code": "invalid_record", "detail": str(exc), "index": exc.where, "reason": exc.reason}
        return Response(body, status=400)
    if isinstance(exc, reports.SubmissionError):
        return _report_error(exc)
    if isinstance(exc, DocumentError):
        return Response({"code": exc.problem.value, "detail": exc.message}, status=400)
    if isinstance(exc, PeriodError):
        return Response({"code": "bad_period", "detail": str(exc)}, status=400)
    if isinstance(exc, DOMAIN_ERRORS):
        return Response({"code": "invalid", "detail": str(exc)}, status=400)
    if db_faults.is_connection_error(exc):  # the database went away: the transaction rolled back whole, 503
        logger.warning("the database could not be reached: %s answered 503 (%s)", context["request"].path, exc)
        return Response(db_faults.as_json(), status=503, headers=db_faults.headers())
    response = exception_handler(exc, context)
    if response is not None:
        return _drf_error(exc, response)
    return response
