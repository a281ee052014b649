"""The API's pagination (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS): DRF's limit and offset, refused when
they are not whole numbers from 0 instead of silently replaced (DRF reads ``limit=-5`` or ``offset=abc`` as
the default), so a client's mistake is a 400 ``bad_page`` and never a page it did not ask for. ``limit=0``
(or none) is the default page size, as in DRF. Both are at most ``MAX`` (a larger offset is past every list,
and no database takes a number past 64 bits)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import exceptions, pagination

#: The largest limit or offset read (kstt/api_schema.py declares it).
MAX = 1_000_000_000


class BadPage(exceptions.APIException):
    status_code = 400
    default_code = "bad_page"


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    def _whole(self, request: Any, name: str) -> None:
        raw = request.query_params.get(name)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) <= MAX):
            detail = gettext("%(name)s is a whole number from 0 to %(max)s.") % {"name": name, "max": MAX}
            raise BadPage({"detail": detail, "code": "bad_page", "parameter": name})

    def get_limit(self, request: Any) -> int | None:
        self._whole(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request: Any) -> int:
        self._whole(request, self.offset_query_param)
        return super().get_offset(request)
