"""Every write to dossiers: a file from the one-stop system, or a batch pushed through the API.

Both upsert by code, all or nothing, and write only what changed: loading the same records again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import transaction

from kstt import clock, interchange
from kstt.audit import services as audit
from kstt.dossiers import rules
from kstt.dossiers.models import Dossier
from kstt.units.models import Unit

BATCH = 5000
MAX_PUSH = 10_000
FIELDS = [
    "unit_id",
    "field_code",
    "channel",
    "received_at",
    "due_at",
    "finished_at",
    "outcome",
    "received_on",
    "due_on",
    "finished_on",
]


@dataclass
class DossierLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _unit_ids() -> dict[str, int]:
    return dict(Unit.objects.values_list("code", "id"))


def _validated(
    numbered: Iterable[tuple[int, Mapping[str, Any]]], *, unit_ids: Mapping[str, int], unit: str
) -> Iterator[tuple[int, rules.DossierRecord]]:
    """Validate records in order; a duplicate code within one load is an error."""
    seen: dict[str, int] = {}
    for where, values in numbered:
        if None in values:
            raise rules.DossierRecordError(where, "more fields than the header has columns", unit=unit)
        try:
            record = rules.parse_record(values, known_units=unit_ids)
        except ValueError as exc:
            raise rules.DossierRecordError(where, str(exc), unit=unit) from None
        if record.code in seen:
            raise rules.DossierRecordError(
                where, f"duplicate dossier {record.code} (first at {unit} {seen[record.code]})", unit=unit
            )
        seen[record.code] = where
        yield where, record


def _write(records: Iterable[tuple[int, rules.DossierRecord]], *, unit_ids: Mapping[str, int]) -> DossierLoad:
    """Upsert in batches: fetch what exists, write only new or changed rows."""
    zone = clock.province_zone()
    result = DossierLoad()
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        rows = []
        for _, record in batch:
            received_on, due_on, finished_on = record.local_dates(zone)
            rows.append(
                Dossier(
                    code=record.code,
                    unit_id=unit_ids[record.unit_code],
                    field_code=record.field_code,
                    channel=record.channel,
                    received_at=record.received_at,
                    due_at=record.due_at,
                    finished_at=record.finished_at,
                    outcome=record.outcome,
                    received_on=received_on,
                    due_on=due_on,
                    finished_on=finished_on,
                )
            )
        existing = {
            values[0]: values[1:]
            for values in Dossier.objects.filter(code__in=[row.code for row in rows]).values_list("code", *FIELDS)
        }
        changed = []
        for row in rows:
            before = existing.get(row.code)
            if before is None:
                result.created += 1
                changed.append(row)
            elif before != tuple(getattr(row, name) for name in FIELDS):
                result.updated += 1
                changed.append(row)
            else:
                result.unchanged += 1
        if changed:
            Dossier.objects.bulk_create(changed, update_conflicts=True, unique_fields=["code"], update_fields=FIELDS)
    return result


@transaction.atomic
def load_dossier_file(*, path: Path, at: datetime, actor: Any = None) -> DossierLoad:
    """Load a dossier CSV (interchange.md "Dossiers"), streamed; a bad line stores nothing."""
    unit_ids = _unit_ids()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, records = interchange.stream_csv(handle, rules.DossierRecordError)
        missing = interchange.missing_columns(header, rules.DOSSIER_COLUMNS)
        if missing:
            raise rules.DossierRecordError(1, f"missing column(s): {', '.join(missing)}")
        numbered = enumerate(records, start=2)
        result = _write(_validated(numbered, unit_ids=unit_ids, unit="line"), unit_ids=unit_ids)
    _audit(result, actor=actor, at=at, source=str(path))
    return result


@transaction.atomic
def push_dossiers(*, records: list[Mapping[str, Any]], at: datetime, actor: Any) -> DossierLoad:
    """A batch pushed by the one-stop system (at most 10,000 records); a bad record stores nothing."""
    if len(records) > MAX_PUSH:
        raise rules.DossierRecordError(
            MAX_PUSH, f"at most {MAX_PUSH} records per batch, not {len(records)}", unit="record"
        )
    unit_ids = _unit_ids()
    validated = list(_validated(enumerate(records), unit_ids=unit_ids, unit="record"))
    result = _write(validated, unit_ids=unit_ids)
    _audit(result, actor=actor, at=at, source="api")
    return result


def _audit(result: DossierLoad, *, actor: Any, at: datetime, source: str) -> None:
    if result.created or result.updated:
        audit.record(
            actor=actor,
            event="dossiers.loaded",
            at=at,
            data={
                "source": source,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
