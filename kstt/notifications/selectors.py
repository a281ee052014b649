"""Every read of notifications (style.md §5)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kstt.notifications.models import Notification


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread: one COUNT query (it runs on every page)."""
    if not (user is not None and user.is_authenticated):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def latest(user: Any, limit: int = 5) -> list[Notification]:
    """The user's newest notifications, read or not."""
    return list(inbox(user)[:limit])


def notification_for(*, user: Any, pk: int) -> Notification | None:
    """The user's own notification, or None (also when it is someone else's: it does not exist for them)."""
    return inbox(user).filter(pk=pk).first()
