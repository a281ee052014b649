"""One DRF exception handler: domain errors become 400 with their message, the rest as DRF does."""

from __future__ import annotations

from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler

from kstt.catalogue.rules.periods import PeriodError
from kstt.compilation.selectors import CompilationError
from kstt.dossiers.rules import DossierRecordError

DOMAIN_ERRORS = (DossierRecordError, CompilationError, PeriodError)


def handle(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DossierRecordError):
        return Response({"detail": str(exc), "index": exc.where, "reason": exc.reason}, status=400)
    if isinstance(exc, DOMAIN_ERRORS):
        return Response({"detail": str(exc)}, status=400)
    return exception_handler(exc, context)
