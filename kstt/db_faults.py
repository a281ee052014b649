"""A database that cannot be reached (issue 16, point 5): which errors those are, and what the user is told.

The connection refused or dropped in the middle of a request (the server restarting, the backend terminated,
the network gone), or already closed: every write is one transaction (style.md §3), so it rolled back whole.
The pages (kstt.middleware.server_error) and the API (kstt.api_errors) answer 503 with Retry-After, not 500:
trying again is the right thing to do, and a submit retried with its Idempotency-Key submits once.
"""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError
from django.utils.translation import gettext

#: The errors of a database that cannot be reached: the connection refused, dropped or already closed, a lock
#: not granted in time (SQLite). Not IntegrityError, DataError and the like: those are the request's own.
CONNECTION_ERRORS = (OperationalError, InterfaceError)
#: Seconds a client is told to wait before trying again (Retry-After).
RETRY_AFTER_SECONDS = 10
CODE = "database_unavailable"


def is_connection_error(error: BaseException | None) -> bool:
    return isinstance(error, CONNECTION_ERRORS)


def detail() -> str:
    """What a person or a program is told (the API's ``detail``), in the active language."""
    return gettext(
        "KSTT could not reach its database, so this request was not completed. Nothing is half-written: a report "
        "is submitted whole or not at all. Try again in a moment; with the same Idempotency-Key a report is "
        "submitted only once."
    )


def as_json() -> dict[str, Any]:
    """The API's error shape (kstt/api_errors.py): ``code`` for programs, ``detail`` for people."""
    return {"code": CODE, "detail": detail()}


def headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
