"""The preview of a change that moves ledger lines (kstt/templates/ledger_cost.html), as a test reads
and confirms it: the lines shown, and the form sent back with a reason, as the page's button sends it."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from django.test.client import MULTIPART_CONTENT

_FORM = re.compile(r'<form method="post" action="([^"]*)"[^>]*>(.*?)</form>', re.S)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')
_ROW = re.compile(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*</tr>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def is_preview(page) -> bool:
    return page.status_code == 200 and 'data-testid="ledger-cost"' in page.content.decode()


def lines(page) -> list[tuple[str, str, str, str]]:
    """(unit, period, status before → after, deduction before → after) of each line the preview shows."""
    html = page.content.decode()
    table = html[html.index('data-testid="ledger-cost-lines"') :]
    table = table[: table.index("</table>")]
    return [
        tuple(" ".join(unescape(_TAGS.sub("", cell)).split()) for cell in row)  # type: ignore[misc]
        for row in _ROW.findall(table[table.index("<tbody>") :])
    ]


def confirm(client: Client, page, *, reason: str = "Quyết định điều chỉnh của UBND tỉnh", **extra):
    """Press the preview's button with ``reason`` (and ``extra`` fields, e.g. a file): the response."""
    html = page.content.decode()
    start = html.index('data-testid="ledger-cost"')
    action, body = _FORM.search(html, start).groups()  # type: ignore[union-attr]
    data: dict[str, list[str] | str] = {}
    for name, value in _HIDDEN.findall(body):
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(unescape(value))  # type: ignore[union-attr]
    data["ledger_reason"] = reason
    return client.post(unescape(action), {**data, **extra}, content_type=MULTIPART_CONTENT)
