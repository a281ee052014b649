"""Every write of notifications: one function per state change (style.md §3).

Callers (submitting, accepting, returning a report) call ``notify`` after their transaction commits
(``transaction.on_commit``), so a rolled-back submission notifies nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from kstt.notifications.choices import PARAMS, Kind
from kstt.notifications.models import Notification


class NotificationError(ValueError):
    """A notification that cannot be made or changed as asked."""


def notify(
    *, recipients: Iterable[Any], kind: Kind | str, params: Mapping[str, object], url: str, at: datetime
) -> list[Notification]:
    """One unread notification per distinct recipient, all in one INSERT; none when there is no recipient."""
    kind = Kind(kind)
    missing = PARAMS[kind] - set(params)
    if missing:
        raise NotificationError(f"{kind} needs the parameters {sorted(missing)}")
    if not url.startswith("/") or url.startswith("//"):
        raise NotificationError(f"a notification links to a path of this site, not {url!r}")
    if at.tzinfo is None:
        raise NotificationError("a notification's time must be aware")
    users = {user.pk: user for user in recipients if user is not None}
    rows = [
        Notification(recipient=user, kind=kind, params=dict(params), url=url, created_at=at) for user in users.values()
    ]
    return Notification.objects.bulk_create(rows) if rows else []


def mark_read(*, notification: Notification, user: Any, at: datetime) -> bool:
    """Mark the user's own notification read; True if it was unread. Another user's: ``NotificationError``.

    A conditional UPDATE: two tabs opening the same notification keep the first reading time.
    """
    if notification.recipient_id != user.pk:
        raise NotificationError("a user marks only their own notifications")
    changed = Notification.objects.filter(pk=notification.pk, recipient=user, read_at__isnull=True).update(read_at=at)
    if changed:
        notification.read_at = at
    return bool(changed)


def mark_all_read(*, user: Any, at: datetime) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=at)
