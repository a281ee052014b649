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

from django.db import connection, transaction

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


COLUMNS = ["code", *FIELDS]


def _upsert_sql(source: str) -> str:
    """The upsert, the same on SQLite (3.24+) and PostgreSQL; ``source`` is VALUES (...) or a SELECT."""
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in FIELDS)
    # WHERE true: SQLite needs it to parse ON CONFLICT after a SELECT.
    where = " WHERE true" if source.startswith("SELECT") else ""
    return f"INSERT INTO {TABLE} ({names}) {source}{where} ON CONFLICT (code) DO UPDATE SET {updates}"


TABLE = Dossier._meta.db_table
STAGING = "dossier_staging"
STAGING_DDL = f"""CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (
    code varchar(64), unit_id bigint, field_code varchar(32), channel varchar(8),
    received_at timestamptz, due_at timestamptz, finished_at timestamptz, outcome varchar(8),
    received_on date, due_on date, finished_on date
) ON COMMIT DROP"""


def _store(rows: list[tuple[Any, ...]]) -> None:
    """Write new and changed rows. PostgreSQL: COPY into a staging table, then one upsert from it;
    elsewhere: one parameterised upsert run for every row (executemany)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(STAGING_DDL)
            cursor.execute(f"TRUNCATE {STAGING}")
            with cursor.cursor.copy(f"COPY {STAGING} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(_upsert_sql(f"SELECT {', '.join(COLUMNS)} FROM {STAGING}"))  # noqa: S608
        else:
            ops = connection.ops
            marks = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
            cursor.executemany(_upsert_sql(f"VALUES {marks}"), [_adapt(row, ops) for row in rows])


def _write(records: Iterable[tuple[int, rules.DossierRecord]], *, unit_ids: Mapping[str, int]) -> DossierLoad:
    """Upsert in batches: fetch what exists, write only new or changed rows.

    Rows are written by ``_store`` (COPY on PostgreSQL): the ORM's per-object SQL compilation was
    most of a large load's time.
    """
    zone = clock.province_zone()
    result = DossierLoad()
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        rows: list[tuple[Any, ...]] = []
        for _, record in batch:
            received_on, due_on, finished_on = record.local_dates(zone)
            rows.append(
                (
                    record.code,
                    unit_ids[record.unit_code],
                    record.field_code,
                    record.channel,
                    record.received_at,
                    record.due_at,
                    record.finished_at,
                    record.outcome,
                    received_on,
                    due_on,
                    finished_on,
                )
            )
        existing = {
            values[0]: values[1:]
            for values in Dossier.objects.filter(code__in=[row[0] for row in rows]).values_list(*COLUMNS)
        }
        changed = []
        for row in rows:
            before = existing.get(row[0])
            if before is None:
                result.created += 1
            elif before != row[1:]:
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            changed.append(row)
        _store(changed)
    return result


def _adapt(row: tuple[Any, ...], ops: Any) -> tuple[Any, ...]:
    code, unit_id, field_code, channel, received_at, due_at, finished_at, outcome, received_on, due_on, finished_on = (
        row
    )
    return (
        code,
        unit_id,
        field_code,
        channel,
        ops.adapt_datetimefield_value(received_at),
        ops.adapt_datetimefield_value(due_at),
        ops.adapt_datetimefield_value(finished_at),
        outcome,
        ops.adapt_datefield_value(received_on),
        ops.adapt_datefield_value(due_on),
        ops.adapt_datefield_value(finished_on),
    )


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
