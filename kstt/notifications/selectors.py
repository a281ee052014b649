"""Every read of notifications (style.md §5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Max, Prefetch, QuerySet

from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period
from kstt.notifications.choices import ReminderKind
from kstt.notifications.models import Notification, Reminder, ReminderDelivery, WorkerHeartbeat
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


def sent_reminders(*, report_type: ReportType, period: str) -> dict[int, frozenset[tuple[str, int, datetime]]]:
    """unit id → the (kind, days, deadline) reminders already sent to units for this report type and period
    (one query); ``deadline``: the effective deadline each one named."""
    found: dict[int, set[tuple[str, int, datetime]]] = {}
    rows = Reminder.objects.filter(
        report_type=report_type, period=period, kind__in=[ReminderKind.BEFORE, ReminderKind.AFTER]
    ).values_list("unit_id", "kind", "days", "deadline")
    for unit_id, kind, days, deadline in rows:
        found.setdefault(unit_id, set()).add((kind, days, deadline))
    return {unit_id: frozenset(sent) for unit_id, sent in found.items()}


def review_reminders_sent(*, instances: Iterable[Any]) -> set[tuple[int, int, str, int | None]]:
    """The (unit id, report type id, period, version) of the reminders already sent to reviewers about
    these report instances' versions (one query)."""
    instances = list(instances)
    if not instances:
        return set()
    rows = Reminder.objects.filter(
        kind=ReminderKind.REVIEW,
        unit_id__in={i.unit_id for i in instances},
        period__in={i.period for i in instances},
    ).values_list("unit_id", "report_type_id", "period", "version")
    return {(u, t, p, v) for u, t, p, v in rows}


def reminders_for(*, unit: Unit, report_type: ReportType, period: Period | str) -> list[Reminder]:
    """The reminders the unit was sent about one report, oldest first, each with its deliveries (who was
    told, at which address, and what became of the e-mail): two queries. The evidence that the unit was told."""
    code = period.code if isinstance(period, Period) else period
    return list(
        Reminder.objects.filter(unit=unit, report_type=report_type, period=code)
        .prefetch_related(Prefetch("deliveries", queryset=ReminderDelivery.objects.order_by("role", "name", "pk")))
        .order_by("sent_at", "pk")
    )


def last_worker_heartbeat() -> datetime | None:
    """When a `kstt worker` last showed it is alive (any worker), or None when none ever did."""
    newest: datetime | None = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))["newest"]
    return newest
