"""Every read of notifications (style.md §5)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period
from kstt.notifications.models import Notification, Reminder, ReminderDelivery
from kstt.units.models import Unit


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


# --- Reminders (issue 9, point 6) ---------------------------------------------------------------------------


def sent_reminders(*, report_type: ReportType, period: str) -> dict[int, frozenset[tuple[str, int]]]:
    """unit id → the (kind, days) reminders already sent for this report type and period (one query)."""
    found: dict[int, set[tuple[str, int]]] = {}
    rows = Reminder.objects.filter(report_type=report_type, period=period).values_list("unit_id", "kind", "days")
    for unit_id, kind, days in rows:
        found.setdefault(unit_id, set()).add((kind, days))
    return {unit_id: frozenset(sent) for unit_id, sent in found.items()}


def reminders_for(*, unit: Unit, report_type: ReportType, period: Period | str) -> list[Reminder]:
    """The reminders the unit was sent about one report, oldest first, each with its deliveries (who was
    told, at which address, and what became of the e-mail): two queries. The evidence that the unit was told."""
    code = period.code if isinstance(period, Period) else period
    return list(
        Reminder.objects.filter(unit=unit, report_type=report_type, period=code)
        .prefetch_related(Prefetch("deliveries", queryset=ReminderDelivery.objects.order_by("role", "name", "pk")))
        .order_by("sent_at", "pk")
    )
