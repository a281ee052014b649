"""Every read of incidents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from kstt.catalogue.rules.deadlines import Schedule, WorkCalendar
from kstt.incidents.models import Incident
from kstt.incidents.rules import WINDOW, IncidentSpan, reach


def incidents() -> QuerySet[Incident]:
    return Incident.objects.prefetch_related("units").select_related("recorded_by").order_by("-start", "-id")


def incident(pk: int) -> Incident | None:
    return incidents().filter(pk=pk).first()


def spans_for(
    schedules: Iterable[Schedule],
    *,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    changed: Sequence[IncidentSpan] = (),
) -> list[IncidentSpan]:
    """The incidents that can move any of these deadlines or closing times (rules.md §4).

    The one loader of incidents for deadlines, used by every page: the incidents that overlap the
    span from the earliest deadline − 24 h to the latest closing time, and, since an extended time
    can be hit again, the span up to the latest time those incidents can extend one to.

    ``changed``: incidents as a change not saved yet would leave them, in memory (the preview of its
    cost, kstt.ledger_impact): each replaces the recorded incident of its id, or is added (a new one
    has an id no recorded incident has).
    """
    schedules = list(schedules)
    if not schedules:
        return []
    low = min(s.deadline for s in schedules) - WINDOW
    high = max(s.closing for s in schedules)
    while True:
        spans = _overlapping(low, high)
        if changed:
            replaced = {span.id for span in changed}
            spans = sorted(
                [span for span in spans if span.id not in replaced]
                + [span for span in changed if span.start <= high and (span.end is None or span.end >= low)],
                key=lambda span: (span.start, span.id),
            )
        furthest = reach(spans, calendar=calendar, zone=zone)
        if furthest is None or furthest <= high:
            return spans
        high = furthest


def _overlapping(low: datetime, high: datetime) -> list[IncidentSpan]:
    """Incidents that start by ``high`` and are open or end at or after ``low``."""
    qs = (
        Incident.objects.filter(start__lte=high)
        .filter(Q(end__isnull=True) | Q(end__gte=low))
        .prefetch_related("units")
        .order_by("start", "pk")
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
