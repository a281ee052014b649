from functools import cached_property
from typing import Any

from django.http import HttpRequest

from kstt.notifications import selectors


class Bell:
    """The navbar's bell: the unread count, counted at most once per page and only if the page shows it."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        return selectors.unread_count(self.user)


def bell(request: HttpRequest) -> dict[str, Any]:
    return {"bell": Bell(getattr(request, "user", None))}
