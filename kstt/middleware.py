"""Vietnamese unless the user chose otherwise; times in the province's zone; request bodies within limits;
a database that cannot be reached answers 503, never a bare 500 (``server_error``).

Django's LocaleMiddleware follows the browser's Accept-Language, which on most office PCs says
English; the province's interface language is Vietnamese. So the language is the one the user
picked (the language cookie set by Django's set_language view), else LANGUAGE_CODE.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.views import defaults

from kstt import api_parsers, db_faults


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        # Times are shown and typed in the province's zone; storage stays UTC.
        timezone.activate(ZoneInfo(settings.KSTT_TIME_ZONE))
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RequestSizeLimit:
    """Every request body within its limit, pages and API alike (issue 13, point 4).

    Django guards only ``request.body`` and form fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``), and answers 400 when
    they are too large; DRF reads the stream past both. Here, before anything reads the body: a declared
    Content-Length over ``KSTT_MAX_REQUEST_BYTES`` (``KSTT_MAX_UPLOAD_BYTES`` for a multipart upload, whose
    files each have their own limit as well) answers 413, and a body without a length (chunked) answers 411,
    since neither Django under WSGI nor DRF would read it. Django's own RequestDataTooBig for a form post
    (its fields over ``DATA_UPLOAD_MAX_MEMORY_SIZE``) answers 413 too: the post is read here, just before
    CsrfViewMiddleware would read it and answer 400. The API reads its bodies in the view: its JSON parser
    (kstt/api_parsers.py) counts the bytes it actually reads, and kstt/api_errors.py answers Django's
    refusal of a form or multipart body with 413. The API gets its error shape (``code``, ``detail``); a
    page gets a short page in the user's language. An address holding a NUL character is refused here too
    (400 ``invalid_text``, ``where`` the path or the query).
    """

    FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # An address with a NUL character (%00) names nothing and PostgreSQL refuses to look it up (a 500):
        # 400 ``invalid_text`` before any view reads it (issue 16, point 3: found by the API's contract test).
        if "\x00" in request.path_info:
            return refusal(request, api_parsers.nul_in_address("path"))
        if any("\x00" in text for key, values in request.GET.lists() for text in [key, *values]):
            return refusal(request, api_parsers.nul_in_address("query"))
        length = api_parsers.declared_length(request.META)
        if length is None and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return refusal(request, api_parsers.length_required())
        limit = (
            settings.KSTT_MAX_UPLOAD_BYTES
            if request.content_type == "multipart/form-data"
            else settings.KSTT_MAX_REQUEST_BYTES
        )
        if length is not None and length > limit:
            return refusal(request, api_parsers.too_large(limit=limit, size=length))
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if request.method == "POST" and request.content_type in self.FORMS and not getattr(view, "csrf_exempt", False):
            try:
                request.POST  # noqa: B018 (read now, as CsrfViewMiddleware would next, to answer 413)
            except RequestDataTooBig:
                return refusal(request, api_parsers.too_large(limit=settings.KSTT_MAX_REQUEST_BYTES))
        return None


def refusal(request: HttpRequest, error: api_parsers.BodyError) -> HttpResponse:
    """A refused request body (a kstt.api_parsers.BodyError): the API's JSON, or a short page."""
    if request.path_info.startswith("/api/") or request.content_type == "application/json":
        return JsonResponse(error.as_json(), status=error.status_code, json_dumps_params={"ensure_ascii": False})
    page = render_to_string("request_refused.html", {"status": error.status_code, "message": error.message})
    return HttpResponse(page, status=error.status_code)


logger = logging.getLogger("kstt.faults")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a request the database failed under (kstt.db_faults): the API's JSON (``code``, ``detail``), or
    a short page drawn without a request and without the database (kstt/templates/503.html)."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            db_faults.as_json(), status=503, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    for name, value in db_faults.headers().items():
        response.headers[name] = value
    return response


def server_error(request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME) -> HttpResponse:
    """handler500 (kstt/urls.py): a database that cannot be reached is 503 "try again", wherever it failed
    (a view, a middleware saving the session, a template); any other error is the 500 page. Django calls the
    handler inside its ``except``, so the error being handled is ``sys.exc_info()``'s."""
    error = sys.exc_info()[1]
    if db_faults.is_connection_error(error):
        logger.warning("the database could not be reached: %s %s answered 503 (%s)", request.method, request.path,
                       error)  # fmt: skip
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
