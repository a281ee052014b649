"""The API's OpenAPI contract beyond what each view declares (SPECTACULAR_SETTINGS' POSTPROCESSING_HOOKS).

Every operation needs a login, so each documents 401 (no credentials, or a token that is not valid: the answer
names the ``Token`` scheme) and 403 (logged in but not allowed; a session's write without its CSRF token), and
400 (an address holding a NUL character, kstt.middleware; a parameter or body refused); one that names a unit or
a report, 404; one that reads a body, 411 (no length), 413 (too large) and 415 (a media type it does not read).
Every error body has the one shape of kstt/api_errors.py, the ``Error`` component: ``detail`` for people (in
their language), ``code`` for programs, ``reason`` (English) where the service said more, and the operation's
extras. An answer a view declares itself (with its extras) is kept; this only adds what it left out.

The parameters carry their bounds: ``year`` from the first form's year to this year (by kstt.clock, as the
views check), ``period`` the shape of a period (of those years where one is asked for), ``as_of`` an
instant as the API reads it, ``limit`` and ``offset`` whole numbers from 0 (kstt/api_paging.py).
docs/integrators/api-errors.md tells integrators the same.
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

from kstt import api_paging, clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import KIND_PATTERN, YEAR_PATTERN

ERROR = "Error"
ERROR_REF = {"$ref": f"#/components/schemas/{ERROR}"}
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every error answer of the API: detail for people, code for programs, and the operation's "
    "extras (e.g. reason, limit, size, where, errors, problems).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in the reader's language."},
        "code": {"type": "string", "description": "What went wrong, for programs (e.g. not_found, too_large)."},
        "reason": {"type": "string", "description": "The service's explanation, in English."},
        "errors": {"description": "Every refused field (or record) with its messages, where there are several."},
    },
    "required": ["detail", "code"],
    "additionalProperties": True,
}

#: What each generic answer means; an operation's own description, when it declares one, is kept.
MEANINGS = {
    "400": "Malformed request: a parameter or body the operation does not accept (code says which check), "
    "an address holding a NUL character (invalid_text), or a body that is not sound JSON (not_utf8, too_deep, "
    "invalid_unicode, malformed_json, number_out_of_range).",
    "401": "Not logged in: no session and no token, or a token that is not valid (code not_authenticated or "
    "authentication_failed).",
    "403": "Logged in but not allowed (code permission_denied, forbidden, not_allowed), or a session's write "
    "without its CSRF token.",
    "404": "Nothing the caller may see by that name (code not_found).",
    "411": "A body without a Content-Length (chunked) is not read (code length_required).",
    "413": "A body over the limit (code too_large, with limit and, when declared, size).",
    "415": "A body in a media type the operation does not read (code unsupported_media_type).",
    "503": "The database could not be reached (code database_unavailable, with Retry-After): nothing was "
    "written; send the request again (with the same Idempotency-Key where the operation takes one).",
}
NAMED_BY_QUERY = {"unit", "code"}
#: Any text but a NUL character (written as JSON Schema and Python regular expressions both read it).
NO_NUL = r"^[^\u0000]*$"
PERIOD_SHAPE = f"({KIND_PATTERN})"
#: An instant as kstt.interchange.parse_instant reads it: years 1000 to 9998, an offset within ±14:00 (or Z);
#: days to 28 only, so every string of the pattern is a date (the 29th to the 31st are read too).
INSTANT_PATTERN = (
    r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?"
    r"([+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00)|Z)$"
)


def _years() -> tuple[int | None, int]:
    """The first form's year (None when the catalogue cannot be read) and this year."""
    this_year = clock.today().year
    try:
        report_type = catalogue.report_type()
        first = catalogue.first_year(report_type) if report_type is not None else None
    except DatabaseError:  # `kstt spectacular` on a database not migrated yet: the bounds the views know
        first = None
    return first, this_year


def _period_pattern(first: int | None, last: int) -> str:
    if first is None or first > last:
        return rf"^{YEAR_PATTERN}{PERIOD_SHAPE}$"
    return "^(" + "|".join(str(year) for year in range(first, last + 1)) + ")" + PERIOD_SHAPE + "$"


#: An example of each name a path holds (a commune of Hòa Bình, the demo's province), so that the schema's
#: readers, and the contract test's explicit cases, see an address that names something.
PATH_EXAMPLES: dict[str, Any] = {"unit": "W05341", "code": "W05341", "period": "2021Q3", "number": 1}


def _bound(parameter: dict[str, Any], first: int | None, last: int) -> None:
    schema = parameter.setdefault("schema", {})
    name = parameter.get("name")
    if parameter.get("in") == "path" and name in PATH_EXAMPLES and "examples" not in parameter:
        parameter.setdefault("example", PATH_EXAMPLES[name])
    if name == "year":
        if first is not None:
            schema["minimum"] = first
        schema["maximum"] = last
    elif name in ("limit", "offset"):
        schema["minimum"], schema["maximum"] = 0, api_paging.MAX
    elif name == "period" and schema.get("type") == "string":
        # a period asked for (a form, a package): one of the years the API answers; a filter: any year
        required = parameter.get("required") and parameter.get("in") == "query"
        schema["pattern"] = _period_pattern(first, last) if required else rf"^{YEAR_PATTERN}{PERIOD_SHAPE}$"
    elif name == "as_of":
        schema.pop("format", None)
        schema["pattern"] = INSTANT_PATTERN
    elif schema.get("type") == "string" and not ({"pattern", "enum", "format"} & set(schema)):
        schema["pattern"] = NO_NUL  # a NUL character in an address is refused (kstt.middleware)


def _add(responses: dict[str, Any], status: str) -> None:
    if status not in responses:
        responses[status] = {
            "description": MEANINGS[status],
            "content": {"application/json": {"schema": ERROR_REF}},
        }


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """The postprocessing hook: the Error component, each operation's error answers, the parameters' bounds."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR] = ERROR_SCHEMA
    first, last = _years()
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                _bound(parameter, first, last)
            _add(responses, "401")
            _add(responses, "403")
            _add(responses, "400")  # any address may be refused (a NUL character: invalid_text)
            _add(responses, "503")  # the database went away (kstt/db_faults.py)
            if any(
                p.get("in") == "path" or (p.get("name") in NAMED_BY_QUERY and p.get("required")) for p in parameters
            ):
                _add(responses, "404")
            if "requestBody" in operation:
                for status in ("411", "413", "415"):
                    _add(responses, status)
    return result
