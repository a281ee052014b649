"""The API's one JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES; issue 13, points 3–5).

DRF's own parser reads the request's stream whatever its size (``DATA_UPLOAD_MAX_MEMORY_SIZE`` only guards
``request.body`` and form posts), lets Python's decoder recurse once per ``[`` (100,000 of them: a
RecursionError, 500) and accepts ``"\\ud800"``, a lone surrogate that is not text. This one, before any JSON
is decoded:

- refuses a body over ``KSTT_MAX_REQUEST_BYTES``: by its Content-Length, then by the bytes actually read
  (at most one more than the limit is read) — 413 ``too_large``;
- requires UTF-8 (RFC 8259; a byte order mark is ignored) — 400 ``not_utf8`` naming the first bad byte;
- refuses nesting deeper than ``MAX_DEPTH`` — 400 ``too_deep``, found by counting brackets outside strings
  (no recursion);

then decodes, and refuses a lone surrogate anywhere, in keys too (400 ``invalid_unicode`` naming where),
``NaN``/``Infinity`` and numbers too large to be a float (400 ``malformed_json`` / ``number_out_of_range``:
they are not JSON, and PostgreSQL refuses to store them). kstt/api_errors.py gives each its ``detail`` in the
reader's language and ``code``. A body without a length is never read (see kstt.middleware.RequestSizeLimit).
"""

from __future__ import annotations

import json
import math
import operator
import re
from itertools import accumulate, chain, zip_longest
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from rest_framework import exceptions, parsers

from kstt import unicode_text

#: The deepest nesting of arrays and objects accepted. The API's deepest document is a draft's
#: {"values": {form: {row: {column: value}}}}: four levels.
MAX_DEPTH = 32

_KEEP = b'"[]{}'
_DELETE = bytes(c for c in range(256) if c not in _KEEP)
_SAME = bytes.maketrans(b"{}", b"[]")
_LEAF_PASSES = 4
_OPEN_RUNS = re.compile(rb"\[+")
_CLOSE_RUNS = re.compile(rb"\]+")
_SURROGATE_ESCAPE = b"\\u"


class BodyError(exceptions.APIException):
    """A request body the API does not read: ``code`` for programs, ``detail`` for people, ``reason`` in
    English; ``extra`` is added to the answer (kstt/api_errors.py)."""

    status_code = 400

    def __init__(self, code: str, detail: str, reason: str, *, status: int = 400, **extra: Any) -> None:
        super().__init__(detail, code)
        self.code, self.message, self.reason, self.status_code, self.extra = code, detail, reason, status, extra

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.message, "reason": self.reason, **self.extra}


def too_large(*, limit: int, size: int | None = None) -> BodyError:
    """413: a body over ``limit`` bytes (``size`` when it was declared)."""
    if size is None:
        detail = gettext("The data sent is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}
    else:
        detail = gettext("The data sent is %(size)s, larger than the limit of %(limit)s.") % {
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    return BodyError(
        "too_large", detail, f"the body is larger than {limit} bytes", status=413, limit=limit, **_size(size)
    )


def length_required() -> BodyError:
    """411: a body without a Content-Length (chunked), which is not read."""
    detail = gettext("Send the data with its length (Content-Length): a body of unknown length is not read.")
    return BodyError("length_required", detail, "a body without a Content-Length is not read", status=411)


def nul_in_address(where: str) -> BodyError:
    """400: an address (its path or query) holding a NUL character, which no database stores (PostgreSQL
    refuses it in any text): never looked up."""
    detail = gettext("The address holds a NUL character (%(where)s): it names nothing.") % {"where": where}
    return BodyError("invalid_text", detail, f"a NUL character in the {where}", where=where)


def _size(size: int | None) -> dict[str, int]:
    return {} if size is None else {"size": size}


def declared_length(meta: Any) -> int | None:
    """The request's Content-Length, or None when it has none (or an unreadable one)."""
    try:
        value = int(meta.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    return value if value >= 0 else None


def deeper_than(raw: bytes, limit: int) -> bool:
    """Whether the JSON text ``raw`` nests arrays and objects more than ``limit`` deep, counting only the
    brackets outside strings, in C-speed passes over bytes (no recursion, no Python loop per character):
    a few milliseconds for a draft or a push of 10,000 dossiers, about a second for 16 MB of hostile
    brackets. Exact for well-formed JSON; for a malformed text it may say "too deep" a level early."""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False
    if b"\\" in raw:  # escaped backslashes and quotes are not string delimiters
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    delimiters = raw.translate(None, _DELETE)  # quotes and brackets only
    brackets = b"".join(delimiters.split(b'"')[::2]).translate(_SAME)  # outside strings; [] and {} alike
    removed = 0  # each pass takes away every innermost pair: one level of every branch
    while brackets and removed < _LEAF_PASSES:
        shorter = brackets.replace(b"[]", b"")
        if len(shorter) == len(brackets):
            break
        brackets, removed = shorter, removed + 1
    if not brackets:
        return removed > limit
    # What is left alternates runs of openers and closers: the depth is the running sum of their lengths.
    opens = list(map(len, _OPEN_RUNS.findall(brackets)))
    closes = map(operator.neg, map(len, _CLOSE_RUNS.findall(brackets)))
    if brackets.startswith(b"]"):
        opens.insert(0, 0)
    return removed + max(accumulate(chain.from_iterable(zip_longest(opens, closes, fillvalue=0)))) > limit


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise OverflowError(text)
    return value


def decode(raw: bytes) -> Any:
    """The JSON document in ``raw``, or a BodyError saying why it is refused (size aside)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        detail = gettext("The data sent is not UTF-8 text (byte %(position)s).") % {"position": exc.start + 1}
        raise BodyError("not_utf8", detail, f"not UTF-8 at byte {exc.start + 1}", position=exc.start + 1) from None
    if deeper_than(raw, MAX_DEPTH):
        detail = gettext("The JSON is nested more than %(limit)s levels deep.") % {"limit": MAX_DEPTH}
        raise BodyError("too_deep", detail, f"nested more than {MAX_DEPTH} levels deep", limit=MAX_DEPTH)
    try:
        data = json.loads(text, parse_constant=_constant, parse_float=_float)
    except OverflowError:
        detail = gettext("A number in the data sent is too large.")
        raise BodyError("number_out_of_range", detail, "a number is too large for a float") from None
    except ValueError as exc:  # JSONDecodeError, or an integer of more than 4,300 digits
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        where = {"line": line, "column": column} if line is not None else {}
        detail = (
            gettext("The data sent is not valid JSON (line %(line)s, column %(column)s).") % where
            if where
            else gettext("The data sent is not valid JSON.")
        )
        raise BodyError("malformed_json", detail, str(getattr(exc, "msg", "") or exc)[:200], **where) from None
    if _SURROGATE_ESCAPE in raw:  # a lone surrogate comes only from a \u escape
        error = unicode_text.find(data, pattern=unicode_text.LONE_SURROGATE)
        if error is not None:
            detail = gettext("The data sent holds text that is not Unicode (%(where)s): a lone surrogate.") % {
                "where": error.where or "$"
            }
            raise BodyError("invalid_unicode", detail, str(error), where=error.where)
    return data


class JSONParser(parsers.JSONParser):
    """application/json, read within KSTT_MAX_REQUEST_BYTES and refused unless it is sound (module doc)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        context = parser_context or {}
        limit = settings.KSTT_MAX_REQUEST_BYTES
        request = context.get("request")
        declared = declared_length(request.META) if request is not None else None
        if declared is not None and declared > limit:
            raise too_large(limit=limit, size=declared)
        encoding = str(context.get("encoding") or "utf-8").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8"):
            detail = gettext("JSON is sent as UTF-8 text, not as %(charset)s.") % {"charset": encoding[:40]}
            raise BodyError("not_utf8", detail, f"JSON is UTF-8, not {encoding[:40]}")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise too_large(limit=limit)
        return decode(raw)
