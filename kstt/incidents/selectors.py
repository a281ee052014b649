"""Every read of incidents."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet

from kstt.incidents.models import Incident
from kstt.incidents.rules import IncidentSpan


def incidents() -> QuerySet[Incident]:
    return Incident.objects.prefetch_related("units").select_related("recorded_by").order_by("-start", "-id")


def incident(pk: int) -> Incident | None:
    return incidents().filter(pk=pk).first()


def spans_between(start: datetime, end: datetime) -> list[IncidentSpan]:
    """Incidents that could touch a deadline in [start, end] (they overlap the period from a day before)."""
    qs = (
        Incident.objects.filter(start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start - timedelta(days=1)))
        .prefetch_related("units")
    )
    return [
        IncidentSpan(
            id=i.pk,
            start=i.start,
            end=i.end,
            all_units=i.all_units,
            unit_ids=frozenset(u.pk for u in i.units.all()),
        )
        for i in qs
    ]


def descriptions(ids: set[int] | list[int]) -> dict[int, str]:
    return dict(Incident.objects.filter(pk__in=list(ids)).values_list("pk", "description"))
