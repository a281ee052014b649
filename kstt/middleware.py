"""Vietnamese unless the user chose otherwise; times in the province's zone.

Django's LocaleMiddleware follows the browser's Accept-Language, which on most office PCs says
English; the province's interface language is Vietnamese. So the language is the one the user
picked (the language cookie set by Django's set_language view), else LANGUAGE_CODE.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


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
