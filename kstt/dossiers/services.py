"""Every write to dossiers: a file from the one-stop system, or a batch pushed through the API.

Both upsert by code, all or nothing, and write only what changed: loading the same records again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
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
    try:
        return rules.parse_record(values, known_units=known.unit_ids, known_fields=known.field_codes)
    except ValueError as exc:
        raise rules.DossierRecordError(where, str(exc), unit=unit) from None


def _duplicate(where: int, code: str, first: int, *, unit: str) -> rules.DossierRecordError:
    return rules.DossierRecordError(where, f"duplicate dossier {code} (first at {unit} {first})", unit=unit)


#: A valid record with the texts of its three instants as written (checked ISO 8601, "" when empty).
Valid = tuple[rules.DossierRecord, str, str, str]


def _validated_lines(numbered: Iterable[tuple[int, tuple[str, ...]]], *, known: Known) -> Iterator[Valid]:
    """Validate a file's records in order, streamed; the first bad one (or a code seen twice) raises
    with its line number. The hot loop of a large load: plain texts in, no per-row dict."""
    parse, strip = rules.parse_fields, str.strip
    units, fields = known.unit_ids, known.field_codes
    seen: dict[str, int] = {}
    for line, values in numbered:
        code, unit_code, field_code, channel, received_at, due_at, finished_at, outcome = map(strip, values)
        try:
            record = parse(
                code,
                unit_code,
                field_code,
                channel,
                received_at,
                due_at,
                finished_at,
                outcome,
                known_units=units,
                known_fields=fields,
            )
        except ValueError as exc:
            raise rules.DossierRecordError(line, str(exc)) from None
        first = seen.setdefault(code, line)
        if first != line:
            raise _duplicate(line, code, first, unit="line")
        yield record, received_at, due_at, finished_at


def _validated_batch(records: Sequence[Any], *, known: Known) -> list[Valid]:
    """Validate a whole pushed batch; raise with every bad record (up to MAX_ERRORS) and its index."""
    valid: list[Valid] = []
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
        finished = record.finished_at.isoformat() if record.finished_at else ""
        valid.append((record, record.received_at.isoformat(), record.due_at.isoformat(), finished))
    if errors:
        raise rules.DossierRecordError(
            errors[0].where, errors[0].reason, unit="record", errors=[(e.where, e.reason) for e in errors]
        )
    return valid


def _write(valid: Iterable[Valid], *, unit_ids: Mapping[str, int]) -> DossierLoad:
    """Upsert by code, writing only the new and the changed records."""
    if connection.vendor == "postgresql":
        return _copy_upsert(valid, unit_ids=unit_ids)
    return _batched_upsert(_rows((record for record, *_ in valid), unit_ids=unit_ids))


# --- PostgreSQL: COPY into a staging table and upsert from it, a chunk at a time ------------------

STAGING = "dossier_staging"
STAGING_COLUMNS = "code, unit_id, field_code, channel, received_at, due_at, finished_at, outcome"
STAGING_DDL = f"""CREATE TEMPORARY TABLE {STAGING} (
    code text, unit_id bigint, field_code text, channel text,
    received_at timestamptz, due_at timestamptz, finished_at timestamptz, outcome text
) ON COMMIT DROP"""
_NAMES = ", ".join(COLUMNS)
_CHANGED = " OR ".join(f"{TABLE}.{c} IS DISTINCT FROM excluded.{c}" for c in FIELDS)
#: On PostgreSQL the table is partitioned by received_on (migration 0003): its unique key is
#: (code, received_on), the code alone being unique through CODES (code → received_on), kept by
#: triggers. Before the upsert, one statement counts the staged codes already known and moves a
#: known dossier whose received day changed to its new day (and partition), so that the upsert
#: finds it by (code, received_on); it then counts as updated (its received_at differs).
CODES = f"{TABLE}_code"
KNOWN_AND_MOVED = f"""
WITH known AS (
    SELECT s.code, k.received_on AS was, (s.received_at AT TIME ZONE %(zone)s)::date AS received_on
    FROM {STAGING} s JOIN {CODES} k ON k.code = s.code
), moved AS (
    UPDATE {TABLE} d SET received_on = m.received_on FROM known m
    WHERE m.received_on <> m.was AND d.code = m.code AND d.received_on = m.was
    RETURNING 1
)
SELECT (SELECT count(*) FROM known), (SELECT count(*) FROM moved)
"""  # noqa: S608 (names from the model, no input)
#: The local days are computed by the database in the province's zone (%(zone)s), as
#: rules.DossierRecord.local_dates computes them on the other engines. Written rows are the new
#: ones and the changed ones (a partitioned table cannot return xmax to tell them apart).
UPSERT_FROM_STAGING = f"""
WITH written AS (
    INSERT INTO {TABLE} ({_NAMES})
    SELECT {STAGING_COLUMNS},
           (received_at AT TIME ZONE %(zone)s)::date, (due_at AT TIME ZONE %(zone)s)::date,
           (finished_at AT TIME ZONE %(zone)s)::date
    FROM {STAGING}
    ON CONFLICT (code, received_on) DO UPDATE SET {", ".join(f"{c} = excluded.{c}" for c in FIELDS)}
    WHERE {_CHANGED}
    RETURNING 1
)
SELECT count(*) FROM written
"""  # noqa: S608 (names from the model, no input)
#: Records per COPY and upsert; the first chunk is smaller so that the pipeline starts sooner.
CHUNK, FIRST_CHUNK = 50_000, 10_000
NULL = "\\N"


def _copy_chunks(valid: Iterable[Valid], *, unit_ids: Mapping[str, int]) -> Iterator[tuple[str, int]]:
    """The records as lines of COPY's text format, a chunk at a time. The instants go as written
    (checked ISO 8601); validated texts hold no control character, so only ``\\`` needs escaping."""
    size = FIRST_CHUNK
    lines: list[str] = []
    for (code, unit_code, field_code, channel, _, _, _, outcome), received_at, due_at, finished_at in valid:
        if "\\" in code:
            code = code.replace("\\", "\\\\")
        if "\\" in field_code:
            field_code = field_code.replace("\\", "\\\\")
        lines.append(
            f"{code}\t{unit_ids[unit_code]}\t{field_code}\t{channel}"
            f"\t{received_at}\t{due_at}\t{finished_at or NULL}\t{outcome}\n"
        )
        if len(lines) == size:
            yield "".join(lines), size
            lines, size = [], CHUNK
    if lines:
        yield "".join(lines), len(lines)


def _upsert_staged(cursor: Any, zone: str, count: int) -> DossierLoad:
    cursor.execute(KNOWN_AND_MOVED, {"zone": zone})
    known, _ = cursor.fetchone()
    cursor.execute(UPSERT_FROM_STAGING, {"zone": zone})
    (written,) = cursor.fetchone()
    created = count - known
    updated = written - created
    return DossierLoad(created=created, updated=updated, unchanged=count - created - updated)


def _copy_upsert(valid: Iterable[Valid], *, unit_ids: Mapping[str, int]) -> DossierLoad:
    """COPY the records into a staging table and upsert from it, chunk by chunk, pipelined: while
    the database upserts one chunk (in a helper thread, on this transaction's connection), Python
    validates the next. Each upsert is one INSERT … SELECT … ON CONFLICT DO UPDATE that writes only
    rows that differ; ``xmax = 0`` tells the inserted rows from the updated ones.

    Runs inside the caller's transaction. A bad record raises while validating: the pending upsert
    is awaited, then the transaction rolls back, so nothing is stored.
    """
    result = DossierLoad()
    zone = clock.province_zone().key
    with connection.cursor() as cursor:
        cursor.execute(STAGING_DDL)
        raw = cursor.cursor  # the driver's own cursor, which the helper thread may use (Django's may not)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-upsert") as upserts:
            pending = None
            try:
                for text, count in _copy_chunks(valid, unit_ids=unit_ids):
                    if pending is not None:
                        result = _sum(result, pending.result())
                        raw.execute(f"TRUNCATE {STAGING}")
                    with raw.copy(f"COPY {STAGING} ({STAGING_COLUMNS}) FROM STDIN") as copy:
                        copy.write(text)
                    pending = upserts.submit(_upsert_staged, raw, zone, count)
                if pending is not None:
                    result = _sum(result, pending.result())
            finally:
                if pending is not None:
                    wait([pending])  # never leave the connection busy behind an error
        cursor.execute(f"DROP TABLE {STAGING}")  # a second load in the same transaction makes its own
    return result


def _sum(a: DossierLoad, b: DossierLoad) -> DossierLoad:
    return DossierLoad(a.created + b.created, a.updated + b.updated, a.unchanged + b.unchanged)


# --- Other engines (SQLite): per batch, read what exists, upsert what changed ---------------------


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
        numbered = interchange.stream_columns(handle, rules.DOSSIER_COLUMNS, rules.DossierRecordError)
        result = _write(_validated_lines(numbered, known=known), unit_ids=known.unit_ids)
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
    result = _write(_validated_batch(records, known=known), unit_ids=known.unit_ids)
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
