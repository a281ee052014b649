"""A decision that cannot be undone is asked twice: the form's POST shows what it will record, and only
the second POST, from that page's button, records it (issue 13 point 15).

Server-side on purpose: it works without JavaScript, and a POST that does not carry the confirmation
(a stray double click, a form sent from another page) never acts. ``confirmed(request)`` says whether
the POST is the second one; ``ask(...)`` answers the first with the confirmation page (``confirm.html``),
which sends the same fields again with the confirmation added.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
