"""The menu's "Review" entry: for a reviewer, how many reports wait for her or his decision."""

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from kstt.accounts import access
from kstt.reports import selectors


class ReviewEntry:
    """Counted at most once per page, and only when the page draws the menu (one query)."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def shown(self) -> bool:
        """A reviewer of a unit: the entry leads to the reports sent to that unit."""
        return self.user is not None and access.may_review_report(self.user, recipient_id=self.user.unit_id)

    @cached_property
    def waiting(self) -> selectors.Waiting:
        return selectors.waiting_for_review(recipient_id=self.user.unit_id)


def review(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_review": ReviewEntry(user if user is not None and user.is_authenticated else None)}
