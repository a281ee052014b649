"""A decision that cannot be undone is asked twice: the form's POST shows what it will record, and only
the second POST, from that page's button, records it (issue 13 point 15).

Server-side on purpose: it works without JavaScript, and a POST that does not carry the confirmation
(a stray double click, a form sent from another page) never acts. ``confirmed(request)`` says whether
the POST is the second one; ``ask(...)`` answers the first with the confirmation page (``confirm.html``),
which sends the same fields again with the confirmation added.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kstt import ledger_impact
from kstt.ledger_impact import LineChange

#: The field (and its value) that only the confirmation page's button sends.
FIELD, YES = "confirmed", "yes"


def confirmed(request: HttpRequest) -> bool:
    return request.POST.get(FIELD) == YES


def ask(
    request: HttpRequest,
    *,
    title: str,
    lines: Sequence[tuple[str, str]],
    fields: Iterable[tuple[str, str]],
    button: str,
    back: str,
    danger: bool = False,
) -> HttpResponse:
    """The confirmation page: ``lines`` (label, text) say what will be recorded; ``fields`` are sent again
    to the same address with the confirmation; ``back`` is where "go back" leads (nothing is recorded)."""
    context = {
        "title": title,
        "lines": lines,
        "fields": [(name, value) for name, value in fields if name not in ("csrfmiddlewaretoken", FIELD)],
        "button": button,
        "back": back,
        "danger": danger,
        "action": request.path,
        "field": FIELD,
        "yes": YES,
    }
    return render(request, "confirm.html", context)


# --- A change that moves ledger lines (issue 14 point 4) ---------------------------------------------

#: The fields the preview of a change's cost adds: the lines shown (JSON) and the reason given.
SEEN, REASON = "ledger_seen", "ledger_reason"


def seen_cost(request: HttpRequest) -> tuple[LineChange, ...]:
    """The ledger lines the person confirmed on the preview (kstt.ledger_impact); none on the form's own
    POST, or when the page sent something else (the service then shows the preview again)."""
    if not confirmed(request):
        return ()
    try:
        items = json.loads(request.POST.get(SEEN, ""))
    except (ValueError, RecursionError):  # a hostile page: 100,000 brackets are not a list of lines
        return ()
    return ledger_impact.from_data(items) or ()


def cost_reason(request: HttpRequest) -> str:
    """The reason given on the preview ("" on the form's own POST)."""
    return request.POST.get(REASON, "") if confirmed(request) else ""


def ask_cost(
    request: HttpRequest,
    error: ledger_impact.CostError,
    *,
    title: str,
    button: str,
    back: str,
    file_field: tuple[str, str] | None = None,
) -> HttpResponse:
    """The preview of a change that moves ledger lines: which lines and how, a reason field, and the
    button that sends the form's fields again with the confirmation, the lines shown and the reason.
    Shown again, with a word on why, when the lines changed since the preview or no reason was given.
    ``file_field`` (name, label): a file the form sent, asked again (a file cannot travel in a page)."""
    again = confirmed(request)
    context = {
        "title": title,
        "lines": [line.as_data() for line in error.changes],
        "stale": again and isinstance(error, ledger_impact.CostChanged),
        "missing_reason": again and isinstance(error, ledger_impact.ReasonRequired),
        "fields": [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", FIELD, SEEN, REASON)
            for value in values
        ],
        "seen": json.dumps([line.as_data() for line in error.changes], ensure_ascii=False),
        "reason": request.POST.get(REASON, ""),
        "button": button,
        "back": back,
        "file_field": file_field,
        "action": request.path,
        "field": FIELD,
        "yes": YES,
        "seen_name": SEEN,
        "reason_name": REASON,
    }
    return render(request, "ledger_cost.html", context)
