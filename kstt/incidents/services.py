"""Every write to incidents: record, edit, close, load from a file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from kstt import interchange, ledger_impact, unicode_text
from kstt.audit import services as audit
from kstt.incidents import rules
from kstt.incidents.models import Incident
from kstt.ledger_impact import LineChange
from kstt.units.models import Unit


class IncidentError(ValueError):
    """An incident change that cannot be made; nothing was changed."""


def _validate(*, start: datetime, end: datetime | None, all_units: bool, units: list[Unit], description: str) -> None:
    if end is not None and end < start:
        raise IncidentError("the incident cannot end before it starts")
    if not all_units and not units:
        raise IncidentError("choose the units affected, or all units")
    if unicode_text.is_blank(description):
        raise IncidentError("describe the incident")
    bad = unicode_text.error(description, "description")
    if bad is not None:
        raise IncidentError(f"the description holds {bad.problem}; it cannot be stored")


def _snapshot(incident: Incident) -> dict[str, Any]:
    return {
        "start": incident.start.isoformat(),
        "end": incident.end.isoformat() if incident.end else None,
        "all_units": incident.all_units,
        "units": sorted(incident.units.values_list("code", flat=True)),
        "description": incident.description,
        "evidence": incident.evidence.name or None,
    }


def _facts(
    incident_id: int | None, *, start: datetime, end: datetime | None, all_units: bool, units: list[Unit]
) -> ledger_impact.IncidentFacts:
    return ledger_impact.IncidentFacts(
        incident_id, start, end, all_units, frozenset() if all_units else frozenset(u.pk for u in units)
    )


@transaction.atomic
def record_incident(
    *,
    start: datetime,
    end: datetime | None,
    all_units: bool,
    units: list[Unit],
    description: str,
    evidence: UploadedFile | None = None,
    at: datetime,
    actor: Any,
    reason: str = "",
    seen: Sequence[LineChange] | None = None,
) -> Incident:
    """Record an incident. One that moves ledger lines already final (kstt.ledger_impact) needs a
    ``reason``; ``seen`` is the list the person confirmed (None: nobody was shown one). Refused with
    ``CostChanged`` when the lines it moves are not ``seen``, ``ReasonRequired`` without a reason."""
    _validate(start=start, end=end, all_units=all_units, units=units, description=description)
    change = ledger_impact.IncidentChange((_facts(None, start=start, end=end, all_units=all_units, units=units),))
    cost = ledger_impact.settle(change, at=at, reason=reason, seen=seen)
    incident = Incident(
        start=start,
        end=end,
        all_units=all_units,
        description=description.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
        recorded_at=at,
    )
    if evidence is not None:
        incident.evidence.save(evidence.name, evidence, save=False)
    incident.save()
    incident.units.set([] if all_units else units)
    audit.record(
        actor=actor,
        event="incidents.recorded",
        at=at,
        target=incident,
        data={**_snapshot(incident), **ledger_impact.audit_data(cost, reason)},
    )
    return incident


@transaction.atomic
def update_incident(
    *,
    incident: Incident,
    start: datetime,
    end: datetime | None,
    all_units: bool,
    units: list[Unit],
    description: str,
    evidence: UploadedFile | None = None,
    at: datetime,
    actor: Any,
    reason: str = "",
    seen: Sequence[LineChange] | None = None,
) -> Incident:
    """Edit an incident; every deadline it touches is recomputed from it at once. An edit that moves
    ledger lines already final needs a ``reason`` (see ``record_incident``)."""
    _validate(start=start, end=end, all_units=all_units, units=units, description=description)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    change = ledger_impact.IncidentChange(
        (_facts(incident.pk, start=start, end=end, all_units=all_units, units=units),)
    )
    cost = ledger_impact.settle(change, at=at, reason=reason, seen=seen)
    before = _snapshot(incident)
    incident.start, incident.end, incident.all_units = start, end, all_units
    incident.description = description.strip()
    if evidence is not None:
        incident.evidence.save(evidence.name, evidence, save=False)
    incident.save()
    incident.units.set([] if all_units else units)
    after = _snapshot(incident)
    if after != before:
        audit.record(
            actor=actor,
            event="incidents.updated",
            at=at,
            target=incident,
            data={"before": before, "after": after, **ledger_impact.audit_data(cost, reason)},
        )
    return incident


@transaction.atomic
def close_incident(
    *,
    incident: Incident,
    end: datetime,
    at: datetime,
    actor: Any,
    reason: str = "",
    seen: Sequence[LineChange] | None = None,
) -> Incident:
    """Close an open incident. Ending it can move ledger lines (a deadline it held open is extended
    to a day now past): then it needs a ``reason`` (see ``record_incident``)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.end is not None:
        raise IncidentError("the incident is already closed")
    if end < incident.start:
        raise IncidentError("the incident cannot end before it starts")
    unit_ids = frozenset(incident.units.values_list("pk", flat=True))
    change = ledger_impact.IncidentChange(
        (ledger_impact.IncidentFacts(incident.pk, incident.start, end, incident.all_units, unit_ids),)
    )
    cost = ledger_impact.settle(change, at=at, reason=reason, seen=seen)
    incident.end = end
    incident.save(update_fields=["end"])
    audit.record(
        actor=actor,
        event="incidents.closed",
        at=at,
        target=incident,
        data={"end": end.isoformat(), **ledger_impact.audit_data(cost, reason)},
    )
    return incident


@dataclass
class IncidentLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: The ledger lines the new and changed incidents moved (kstt.ledger_impact).
    ledger_changes: tuple[LineChange, ...] = ()


def _load_cost(
    rows: list[rules.IncidentRow], units: dict[str, Unit], *, at: datetime, reason: str
) -> tuple[LineChange, ...]:
    """The ledger lines the file's new and changed incidents move together, before anything is written."""
    changed: list[ledger_impact.IncidentFacts] = []
    for row in rows:
        existing = Incident.objects.filter(start=row.start, description=row.description).first()
        scope = [units[code] for code in row.unit_codes]
        facts = _facts(
            existing.pk if existing else None, start=row.start, end=row.end, all_units=row.all_units, units=scope
        )
        if existing is not None:
            stored = _facts(
                existing.pk,
                start=existing.start,
                end=existing.end,
                all_units=existing.all_units,
                units=list(existing.units.all()),
            )
            if stored == facts:
                continue
        changed.append(facts)
    if not changed:
        return ()
    return ledger_impact.settle(ledger_impact.IncidentChange(tuple(changed)), at=at, reason=reason, seen=None)


@transaction.atomic
def load_incidents(*, data: bytes, at: datetime, actor: Any = None, source: str = "", reason: str = "") -> IncidentLoad:
    """Load incidents from a CSV (interchange.md "Incidents"): all or nothing; idempotent.

    An incident is known by its start and description: loading it again updates its end and scope
    (an incident re-sent once it has ended), and an identical line changes nothing.

    A file whose new and changed incidents together move ledger lines already final needs a
    ``reason``: without one, ``ReasonRequired`` (with the lines) and nothing is loaded; with one, the
    lines are in the result and the audit entry.
    """
    header, records = interchange.read_csv(data, rules.IncidentFileError)
    codes = {code.strip() for r in records for code in (r.get("scope") or "").split(";") if code.strip()}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    rows = rules.parse_incident_rows(header, records, known_codes=set(units), now=at)

    cost = _load_cost(rows, units, at=at, reason=reason)
    result = IncidentLoad(ledger_changes=cost)
    for row in rows:
        scope_units = [units[code] for code in row.unit_codes]
        existing = Incident.objects.filter(start=row.start, description=row.description).first()
        if existing is None:
            incident = Incident.objects.create(
                start=row.start, end=row.end, all_units=row.all_units, description=row.description, recorded_at=at
            )
            incident.units.set(scope_units)
            result.created += 1
            continue
        same_scope = set(existing.units.values_list("code", flat=True)) == set(row.unit_codes)
        if existing.end == row.end and existing.all_units == row.all_units and same_scope:
            result.unchanged += 1
            continue
        existing.end, existing.all_units = row.end, row.all_units
        existing.save(update_fields=["end", "all_units"])
        existing.units.set(scope_units)
        result.updated += 1
    if result.created or result.updated:
        audit.record(
            actor=actor,
            event="incidents.loaded",
            at=at,
            data={
                "source": source,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                **ledger_impact.audit_data(cost, reason),
            },
        )
    return result
