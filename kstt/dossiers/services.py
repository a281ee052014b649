"""Every write to dossiers: a file from the one-stop system, or a batch pushed through the API.

Both upsert by code, all or nothing, and write only what changed: loading the same records again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from kstt import clock, interchange
from kstt.audit import services as audit
from kstt.catalogue.models import ProcedureField
from kstt.dossiers import rules
from kstt.dossiers.models import Dossier
from kstt.units.models import Unit

BATCH = 5000
MAX_PUSH = 10_000
#: A pushed batch reports at most this many bad records (a file stops at its first).
MAX_ERRORS = 100
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
COLUMNS = ["code", *FIELDS]
TABLE = Dossier._meta.db_table
Row = tuple[Any, ...]


@dataclass
class DossierLoad:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class Known:
    """What a record may name: the units (code → id) and the catalogue's procedure field codes."""

    unit_ids: dict[str, int]
    field_codes: frozenset[str]


def _known() -> Known:
    return Known(
        unit_ids=dict(Unit.objects.values_list("code", "id")),
        field_codes=frozenset(ProcedureField.objects.values_list("code", flat=True)),
    )


def _parse(where: int, values: Any, *, known: Known, unit: str) -> rules.DossierRecord:
    if not isinstance(values, Mapping):
        raise rules.DossierRecordError(where, "not a record (a JSON object is expected)", unit=unit)
    if None in values:
        raise rules.DossierRecordError(where, "more fields than the header has columns", unit=unit)
    try:
        return rules.parse_record(values, known_units=known.unit_ids, known_fields=known.field_codes)
    except ValueError as exc:
        raise rules.DossierRecordError(where, str(exc), unit=unit) from None


def _duplicate(where: int, code: str, first: int, *, unit: str) -> rules.DossierRecordError:
    return rules.DossierRecordError(where, f"duplicate dossier {code} (first at {unit} {first})", unit=unit)


def _validated(numbered: Iterable[tuple[int, Any]], *, known: Known, unit: str) -> Iterator[rules.DossierRecord]:
    """Validate records in order, streamed; the first bad one (or a code seen twice) raises."""
    seen: dict[str, int] = {}
    for where, values in numbered:
        record = _parse(where, values, known=known, unit=unit)
        first = seen.setdefault(record.code, where)
        if first != where:
            raise _duplicate(where, record.code, first, unit=unit)
        yield record


def _validated_batch(records: Sequence[Any], *, known: Known) -> list[rules.DossierRecord]:
    """Validate a whole pushed batch; raise with every bad record (up to MAX_ERRORS) and its index."""
    valid: list[rules.DossierRecord] = []
    errors: list[rules.DossierRecordError] = []
    seen: dict[str, int] = {}
    for index, values in enumerate(records):
        try:
            record = _parse(index, values, known=known, unit="record")
            first = seen.setdefault(record.code, index)
            if first != index:
                raise _duplicate(index, record.code, first, unit="record")
        except rules.DossierRecordError as exc:
            errors.append(exc)
            if len(errors) >= MAX_ERRORS:
                break
            continue
        valid.append(record)
    if errors:
        raise rules.DossierRecordError(
            errors[0].where, errors[0].reason, unit="record", errors=[(e.where, e.reason) for e in errors]
        )
    return valid


def _rows(records: Iterable[rules.DossierRecord], *, unit_ids: Mapping[str, int]) -> Iterator[Row]:
    """The table's row of each record, with the local days of its instants."""
    zone = clock.province_zone()
    for record in records:
        received_on, due_on, finished_on = record.local_dates(zone)
        yield (
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


def _write(rows: Iterable[Row]) -> DossierLoad:
    """Upsert rows by code, writing only the new and the changed ones."""
    if connection.vendor == "postgresql":
        return _copy_upsert(rows)
    return _batched_upsert(rows)


# --- PostgreSQL: COPY into a staging table, then one upsert ---------------------------------------

STAGING = "dossier_staging"
STAGING_DDL = f"""CREATE TEMPORARY TABLE {STAGING} (
    code text, unit_id bigint, field_code text, channel text,
    received_at timestamptz, due_at timestamptz, finished_at timestamptz, outcome text,
    received_on date, due_on date, finished_on date
) ON COMMIT DROP"""
_NAMES = ", ".join(COLUMNS)
_CHANGED = (
    f"({', '.join(f'{TABLE}.{c}' for c in FIELDS)}) IS DISTINCT FROM ({', '.join(f'excluded.{c}' for c in FIELDS)})"
)
UPSERT_FROM_STAGING = f"""
WITH written AS (
    INSERT INTO {TABLE} ({_NAMES}) SELECT {_NAMES} FROM {STAGING}
    ON CONFLICT (code) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in FIELDS)}
    WHERE {_CHANGED}
    RETURNING (xmax = 0) AS created
)
SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM written
"""  # noqa: S608 (names from the model, no input)


def _copy_upsert(rows: Iterable[Row]) -> DossierLoad:
    """Stream every row into a staging table with COPY, then one INSERT … ON CONFLICT DO UPDATE that
    writes only rows that differ; ``xmax = 0`` tells the inserted rows from the updated ones.

    Must run inside the caller's transaction (the staging table is dropped at commit). A bad record
    raises while streaming: the COPY is abandoned and the transaction rolls back.
    """
    total = 0
    with connection.cursor() as cursor:
        cursor.execute(STAGING_DDL)
        with cursor.cursor.copy(f"COPY {STAGING} ({_NAMES}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                total += 1
        cursor.execute(UPSERT_FROM_STAGING)
        created, updated = cursor.fetchone()
        cursor.execute(f"DROP TABLE {STAGING}")  # a second load in the same transaction makes its own
    return DossierLoad(created=created, updated=updated, unchanged=total - created - updated)


# --- Other engines (SQLite): per batch, read what exists, upsert what changed ---------------------


def _upsert_sql(source: str) -> str:
    """The upsert for SQLite (3.24+); ``source`` is VALUES (...)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in FIELDS)
    return f"INSERT INTO {TABLE} ({_NAMES}) {source} ON CONFLICT (code) DO UPDATE SET {updates}"


def _batched_upsert(rows: Iterable[Row]) -> DossierLoad:
    result = DossierLoad()
    ops = connection.ops
    marks = "(" + ", ".join(["%s"] * len(COLUMNS)) + ")"
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        existing = {
            values[0]: values[1:]
            for values in Dossier.objects.filter(code__in=[row[0] for row in batch]).values_list(*COLUMNS)
        }
        changed = []
        for row in batch:
            before = existing.get(row[0])
            if before is None:
                result.created += 1
            elif before != row[1:]:
                result.updated += 1
            else:
                result.unchanged += 1
                continue
            changed.append(row)
        if changed:
            with connection.cursor() as cursor:
                cursor.executemany(_upsert_sql(f"VALUES {marks}"), [_adapt(row, ops) for row in changed])
    return result


def _adapt(row: Row, ops: Any) -> Row:
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
    known = _known()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, records = interchange.stream_csv(handle, rules.DossierRecordError)
        missing = interchange.missing_columns(header, rules.DOSSIER_COLUMNS)
        if missing:
            raise rules.DossierRecordError(1, f"missing column(s): {', '.join(missing)}")
        validated = _validated(enumerate(records, start=2), known=known, unit="line")
        result = _write(_rows(validated, unit_ids=known.unit_ids))
    _audit(result, actor=actor, at=at, source=str(path))
    return result


@transaction.atomic
def push_dossiers(*, records: Sequence[Any], at: datetime, actor: Any) -> DossierLoad:
    """A batch pushed by the one-stop system (at most 10,000 records); a bad record stores nothing,
    and the error names every bad record (up to 100) by its index."""
    if len(records) > MAX_PUSH:
        raise rules.DossierRecordError(
            MAX_PUSH, f"at most {MAX_PUSH} records per batch, not {len(records)}", unit="record"
        )
    known = _known()
    validated = _validated_batch(records, known=known)
    result = _write(_rows(validated, unit_ids=known.unit_ids))
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
