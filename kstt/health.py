"""GET /health/: is this KSTT able to serve — for monitoring, without a login, revealing nothing else.

Three checks: the database answers a query, a `kstt worker` recorded a heartbeat within
KSTT_WORKER_STALE_SECONDS, and the file system of MEDIA_ROOT has at least KSTT_HEALTH_MIN_FREE_BYTES free.
All pass: 200 ``{"status": "ok"}``. Any fails: 503 with each check's word ("ok", "fail", "stale", "low") and
nothing more — no versions, paths, host names, counts or error texts, which would help an attacker more than
an operator (the operator has the logs).
"""

from __future__ import annotations

import logging
import shutil

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.notifications import selectors as notifications

logger = logging.getLogger("kstt.health")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure of the database is the answer, not an error of this page
        logger.exception("health: the database does not answer")
        return False


def worker_ok() -> bool:
    try:
        seen = notifications.last_worker_heartbeat()
    except Exception:  # the database is away: the worker cannot be vouched for either
        logger.exception("health: the worker's heartbeat cannot be read")
        return False
    if seen is None:
        return False
    return (clock.now() - seen).total_seconds() <= settings.KSTT_WORKER_STALE_SECONDS


def disk_ok() -> bool:
    try:
        free = shutil.disk_usage(settings.MEDIA_ROOT).free
    except OSError:
        logger.exception("health: the free space of MEDIA_ROOT cannot be read")
        return False
    return bool(free >= settings.KSTT_HEALTH_MIN_FREE_BYTES)


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if database_ok() else "fail",
        "worker": "ok" if worker_ok() else "stale",
        "disk": "ok" if disk_ok() else "low",
    }
    if all(word == "ok" for word in checks.values()):
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "fail", "checks": checks}, status=503)
