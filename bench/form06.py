"""Benchmark: form 06 of every unit of a province for a quarter, computed from N dossiers.

Generates N synthetic dossiers over Hòa Bình's 180 units (a CSV in the interchange format), then:

1. Loading, timed in the same run (PostgreSQL):
   - ours:  `kstt load-dossiers`' service (validation of every line, then the upsert);
   - floor: plain SQL, no validation: `COPY` of the same CSV into a staging table, then one
            `INSERT … SELECT … ON CONFLICT (code) DO UPDATE` into a copy of the dossier table with
            the same columns, indexes and constraints (foreign key included), computing the unit id
            and the local-date columns the loader writes; committed, like ours.
   Both start from an empty table. On SQLite only ours is timed (no COPY). On PostgreSQL the dossier
   table is partitioned by year and keeps the code unique in dossiers_dossier_code: the floor's copy
   is partitioned the same way, its conflict target is (code, received_on), and a second INSERT
   fills its own table of codes (``--plain-floor``: a plain table with a unique index on code).
2. Computing, several times each:
   - ours:  compilation.selectors.compile_every_unit — the product path (one ORM aggregate with
            COUNT(*) FILTER per column, grouped by unit and field, and the per-unit structures);
   - floor: one hand-written GROUP BY query over the same table producing the same numbers.
   It checks the two agree.

It prints the times and ratios, and ends with one line
`RESULT ours_s=<s> floor_s=<s> ratio=<x> rows=<n> load_s=<s> load_floor_s=<s> load_ratio=<x> reload_s=<s>`
(reload: the same file loaded again, every record unchanged; ``-`` for the loads with ``--sql``),
then ``unit_s=<s> province_s=<s>``, with ``--compare-plain`` the same four times on the plain copy
(``plain_ours_s=…``), and on PostgreSQL ``size_mb=<MB>``.

    .venv/bin/python bench/form06.py [-n 100000] [--repeat 5] [--load-repeat 2]
    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/form06.py -n 1000000

With ``--sql`` (PostgreSQL) the database itself generates the dossiers, drawn as the CSV's are, in
batches of 500,000 (``INSERT … SELECT … FROM generate_series``), and no load is timed: how 10 M
dossiers are measured. ``--from``/``--to`` spread the received days (default 2020-12-01 to
2021-12-31); ``--compare-plain`` times the same queries again on an unpartitioned copy of the table.
It also times one commune's form 06 and the province's compiled form 06 (``compile_form06``) and,
on PostgreSQL, prints the table's size (partitions, indexes and dossiers_dossier_code):

    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/form06.py -n 10000000 --sql \\
        --from 2016-01-01 --to 2025-12-31 --compare-plain

Uses a fresh SQLite file unless DATABASE_URL is set (then it migrates that database and replaces
its dossiers: use a scratch database).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR_SQL = """
SELECT unit_id, field_code,
       COUNT(*),
       SUM(CASE WHEN received_on >= %(s)s AND channel = 'online' THEN 1 ELSE 0 END),
       SUM(CASE WHEN received_on >= %(s)s AND channel <> 'online' THEN 1 ELSE 0 END),
       SUM(CASE WHEN received_on < %(s)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN finished_on <= %(e)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN finished_on <= %(e)s AND outcome <> 'returned' AND finished_on < due_on THEN 1 ELSE 0 END),
       SUM(CASE WHEN finished_on <= %(e)s AND (outcome = 'returned' OR finished_on = due_on) THEN 1 ELSE 0 END),
       SUM(CASE WHEN finished_on <= %(e)s AND outcome <> 'returned' AND finished_on > due_on THEN 1 ELSE 0 END),
       SUM(CASE WHEN finished_on IS NULL OR finished_on > %(e)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN (finished_on IS NULL OR finished_on > %(e)s) AND due_on >= %(e)s THEN 1 ELSE 0 END),
       SUM(CASE WHEN (finished_on IS NULL OR finished_on > %(e)s) AND due_on < %(e)s THEN 1 ELSE 0 END)
FROM dossiers_dossier
WHERE outcome <> 'refused' AND received_on <= %(e)s AND (finished_on IS NULL OR finished_on >= %(s)s)
GROUP BY unit_id, field_code
"""

FLOOR_TABLE = "bench_dossier_floor"
FLOOR_STAGING = "bench_dossier_floor_staging"
FLOOR_CODES = "bench_dossier_floor_code"
FLOOR_LOAD_SQL = f"""
INSERT INTO {FLOOR_TABLE} (code, unit_id, field_code, channel, received_at, due_at, finished_at, outcome,
                           received_on, due_on, finished_on)
SELECT s.code, u.id, s.field_code, s.channel, s.received_at, s.due_at, s.finished_at, COALESCE(s.outcome, ''),
       (s.received_at AT TIME ZONE %(zone)s)::date, (s.due_at AT TIME ZONE %(zone)s)::date,
       (s.finished_at AT TIME ZONE %(zone)s)::date
FROM {FLOOR_STAGING} s JOIN units_unit u ON u.code = s.unit_code
ON CONFLICT ({{key}}) DO UPDATE SET
    unit_id = excluded.unit_id, field_code = excluded.field_code, channel = excluded.channel,
    received_at = excluded.received_at, due_at = excluded.due_at, finished_at = excluded.finished_at,
    outcome = excluded.outcome, received_on = excluded.received_on, due_on = excluded.due_on,
    finished_on = excluded.finished_on
"""  # noqa: S608 (constant names)
FLOOR_CODES_SQL = f"""
INSERT INTO {FLOOR_CODES} (code, received_on)
SELECT code, (received_at AT TIME ZONE %(zone)s)::date FROM {FLOOR_STAGING}
ON CONFLICT (code) DO NOTHING
"""  # noqa: S608 (constant names)


def floor_table(*, plain: bool = False) -> None:
    """A fresh, empty copy of the dossier table (same indexes and constraints) for the floor to load.

    The copy is partitioned as the dossier table is, with its own table of codes, filled by a second
    INSERT … ON CONFLICT DO NOTHING (the work dossiers_dossier_code's triggers do for ours); with
    ``plain``, a plain table with a unique index on code instead (the floor before partitioning)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        if plain:
            cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE dossiers_dossier INCLUDING ALL)")
            cursor.execute(f"CREATE UNIQUE INDEX ON {FLOOR_TABLE} (code)")
        else:
            cursor.execute(
                f"CREATE TABLE {FLOOR_TABLE} (LIKE dossiers_dossier INCLUDING ALL) PARTITION BY RANGE (received_on)"
            )
            cursor.execute(
                """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
                   JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'dossiers_dossier'::regclass"""
            )
            for name, bound in cursor.fetchall():
                suffix = name.removeprefix("dossiers_dossier")
                cursor.execute(f"CREATE TABLE {FLOOR_TABLE}{suffix} PARTITION OF {FLOOR_TABLE} {bound}")
            cursor.execute(f"CREATE TABLE {FLOOR_CODES} (code varchar(64) PRIMARY KEY, received_on date NOT NULL)")
        cursor.execute(
            f"ALTER TABLE {FLOOR_TABLE} ADD FOREIGN KEY (unit_id) REFERENCES units_unit (id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )


def floor_load(path: Path, zone: str, *, plain: bool = False) -> int:
    """The SQL floor of a load (PostgreSQL): COPY the CSV as it is into a staging table, one upsert
    into the fresh copy of the dossier table that ``floor_table`` made, committed. Returns rows."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {FLOOR_STAGING} (code text, unit_code text, field_code text, channel text,"
            " received_at timestamptz, due_at timestamptz, finished_at timestamptz, outcome text) ON COMMIT DROP"
        )
        with (
            path.open("rb") as handle,
            cursor.cursor.copy(f"COPY {FLOOR_STAGING} FROM STDIN (FORMAT csv, HEADER true)") as copy,
        ):
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        if plain:
            cursor.execute(FLOOR_LOAD_SQL.format(key="code"), {"zone": zone})
            return cursor.rowcount
        cursor.execute(FLOOR_LOAD_SQL.format(key="code, received_on"), {"zone": zone})
        rows = cursor.rowcount
        cursor.execute(FLOOR_CODES_SQL, {"zone": zone})
        return rows


#: Dossiers generated by the database (``--sql``), drawn as demo.synthetic.synthetic_dossiers draws
#: them: received on a working day (a weekend day moves back to Friday) between 07:00 and 16:59,
#: due 1, 3, 5, 7, 10 or 15 working days later at 17:00; 4 % refused at intake, 5 % returned, the
#: rest settled 3 or 1 days early, on the day, 2 or 6 days late (35/25/25/10/5 %); 40 % of those
#: received in the last 45 days still pending; a quarter online. One INSERT … SELECT per batch.
GENERATE_SQL = """
INSERT INTO dossiers_dossier (code, unit_id, field_code, channel, received_at, due_at, finished_at, outcome,
                              received_on, due_on, finished_on)
SELECT code, unit_id, field_code, channel, received_at, due_at, finished_at,
       CASE WHEN finished_at IS NULL THEN '' WHEN r_kind < 0.04 THEN 'refused' WHEN r_kind < 0.09 THEN 'returned'
            ELSE 'settled' END,
       (received_at AT TIME ZONE %(zone)s)::date, (due_at AT TIME ZONE %(zone)s)::date,
       (finished_at AT TIME ZONE %(zone)s)::date
FROM (
    SELECT d.*,
           CASE WHEN d.day > %(end)s::date - 45 AND d.r_pend >= 0.6 THEN NULL
                WHEN d.r_kind < 0.04 THEN d.received_at + make_interval(mins => 5 + floor(d.r_f1 * 86)::int)
                WHEN d.r_kind < 0.09 THEN d.received_at + make_interval(days => floor(d.r_f1 * 21)::int, hours => 1)
                ELSE greatest(
                    (greatest(d.day, d.due_day + d.shift)
                     + make_interval(hours => 8 + floor(d.r_f1 * 10)::int, mins => floor(d.r_f2 * 60)::int))
                    AT TIME ZONE %(zone)s,
                    d.received_at + interval '30 minutes')
           END AS finished_at
    FROM (
        SELECT c.*, (c.due_day + time '17:00') AT TIME ZONE %(zone)s AS due_at
        FROM (
            SELECT b.*,
                   (b.day + make_interval(hours => 7 + floor(b.r_h * 10)::int, mins => floor(b.r_m * 60)::int))
                   AT TIME ZONE %(zone)s AS received_at,
                   b.day + b.k + 2 * ((extract(isodow FROM b.day)::int - 1 + b.k) / 5) AS due_day,
                   CASE WHEN b.r_s < 0.35 THEN -3 WHEN b.r_s < 0.60 THEN -1 WHEN b.r_s < 0.85 THEN 0
                        WHEN b.r_s < 0.95 THEN 2 ELSE 6 END AS shift
            FROM (
                SELECT a.*, a.raw - greatest(extract(isodow FROM a.raw)::int - 5, 0) AS day,
                       (ARRAY[1, 3, 5, 7, 10, 15])[1 + floor(a.r_k * 6)::int] AS k
                FROM (
                    SELECT 'HS-' || u.code || '-' || lpad(g::text, 8, '0') AS code, u.id AS unit_id,
                           u.fields[1 + floor(random() * array_length(u.fields, 1))::int] AS field_code,
                           CASE WHEN r_c < 0.25 THEN 'online' WHEN r_c < 0.95 THEN 'direct' ELSE 'postal' END
                           AS channel,
                           %(start)s::date + floor(random() * %(span)s)::int AS raw,
                           random() AS r_h, random() AS r_m, random() AS r_k, random() AS r_s, random() AS r_kind,
                           random() AS r_pend, random() AS r_f1, random() AS r_f2
                    FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
                    JOIN bench_units u ON u.n = g %% %(units)s
                    CROSS JOIN LATERAL (SELECT random() + 0 * g AS r_c) rc
                ) a
            ) b
        ) c
    ) d
) e
"""
SQL_BATCH = 500_000


def sql_generate(*, n: int, units: list[tuple[int, str, list[str]]], start: Any, end: Any, zone: str) -> int:
    """``n`` dossiers written by PostgreSQL itself (no CSV, no loader), in batches, each committed."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE dossiers_dossier")
        cursor.execute("DROP TABLE IF EXISTS bench_units")
        cursor.execute("CREATE TABLE bench_units (n int PRIMARY KEY, id bigint, code text, fields text[])")
        cursor.executemany(
            "INSERT INTO bench_units VALUES (%s, %s, %s, %s)",
            [(i, uid, code, fields) for i, (uid, code, fields) in enumerate(units)],
        )
        cursor.execute("SELECT setseed(0.2021)")
    for lo in range(1, n + 1, SQL_BATCH):
        hi = min(n, lo + SQL_BATCH - 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                GENERATE_SQL,
                {
                    "zone": zone,
                    "start": start,
                    "end": end,
                    "span": (end - start).days + 1,
                    "lo": lo,
                    "hi": hi,
                    "units": len(units),
                },
            )
        print(f"  generated {hi:,} dossiers", file=sys.stderr, flush=True)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_units")
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        return int(cursor.fetchone()[0])


def empty_the_dossier_table() -> None:
    """Every dossier gone before a timed load: TRUNCATE on PostgreSQL (its partitions with it), DELETE on SQLite."""
    from django.db import connection

    from kstt.dossiers.models import Dossier

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE dossiers_dossier")
    else:
        Dossier.objects.all().delete()


def _time_loads(
    args: argparse.Namespace,
    tmp: Path,
    handling: list[tuple[str, str]],
    fields: dict[str, list[str]],
    first: Any,
    last: Any,
    load_timings: dict[str, list[float]],
) -> tuple[int, float, str]:
    """Write the CSV, then time ours and the floor loading it (see the module's docstring). Returns the
    number of dossiers, the seconds the CSV took and the RESULT line's load figures."""
    from django.conf import settings
    from django.db import connection

    from kstt import clock
    from kstt.demo.synthetic import synthetic_dossiers
    from kstt.dossiers.services import load_dossier_file

    now = clock.now()
    postgres = connection.vendor == "postgresql"
    per_unit = max(1, args.n // len(handling))
    path = tmp / "dossiers.csv"
    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, ["code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome"]
        )
        writer.writeheader()
        writer.writerows(synthetic_dossiers(units=handling, fields=fields, start=first, end=last, per_unit=per_unit))
    generate_s = time.perf_counter() - started

    def time_ours() -> float:
        empty_the_dossier_table()
        started = time.perf_counter()
        loads.append(load_dossier_file(path=path, at=now))
        return time.perf_counter() - started

    def time_floor() -> float:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}, {FLOOR_CODES}")
        floor_table(plain=args.plain_floor)
        started = time.perf_counter()
        floor_rows.append(floor_load(path, settings.KSTT_TIME_ZONE, plain=args.plain_floor))
        elapsed = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}, {FLOOR_CODES}")
        return elapsed

    # The two loads alternate which goes first (floor, ours; ours, floor; …): each writes a table's
    # worth of WAL, and the checkpoint that follows slows whichever load comes next.
    loads: list[Any] = []
    floor_rows: list[int] = []
    for round_ in range(args.load_repeat):
        order = ("floor", "ours") if round_ % 2 == 0 else ("ours", "floor")
        for name in order:
            if name == "floor" and not postgres:
                continue
            load_timings[name].append(time_floor() if name == "floor" else time_ours())
    loaded = loads[-1]
    started = time.perf_counter()
    reloaded = load_dossier_file(path=path, at=now)  # the same file again: every record unchanged
    reload_s = time.perf_counter() - started
    if reloaded.unchanged != loaded.total:
        raise SystemExit(f"loading the same file again changed something: {reloaded}")
    if postgres and set(floor_rows) != {loaded.total}:
        raise SystemExit(f"the floor loaded {floor_rows} rows, ours {loaded.total}")
    load_s = statistics.median(load_timings["ours"])
    load_floor_s = statistics.median(load_timings["floor"]) if postgres else None

    def each(name: str) -> str:
        return ", ".join(f"{t:.1f}" for t in load_timings[name])

    print(f"generate CSV: {generate_s:.1f} s")
    print(f"load  (kstt load-dossiers):                              {load_s:.1f} s (median of {each('ours')})")
    print(f"reload (the same file again, all unchanged):             {reload_s:.1f} s")
    if load_floor_s is not None:
        print(
            f"load floor (COPY + one INSERT … ON CONFLICT, no checks): {load_floor_s:.1f} s (median of {each('floor')})"
        )
    figures = (
        f"load_s={load_s:.1f} load_floor_s={load_floor_s:.1f} load_ratio={load_s / load_floor_s:.2f}"
        if load_floor_s is not None
        else f"load_s={load_s:.1f} load_floor_s=- load_ratio=-"
    ) + f" reload_s={reload_s:.1f}"
    return loaded.total, generate_s, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="number of dossiers (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--period", default="2021Q3")
    parser.add_argument(
        "--load-repeat", type=int, default=2, help="times each load is timed, alternating which goes first (median)"
    )
    parser.add_argument(
        "--sql",
        action="store_true",
        help="PostgreSQL: the database generates the dossiers (INSERT … SELECT generate_series), no CSV and no"
        " load timed: for 10 M dossiers",
    )
    parser.add_argument("--from", dest="first", default="2020-12-01", help="first day dossiers are received")
    parser.add_argument("--to", dest="last", default="2021-12-31", help="last day dossiers are received")
    parser.add_argument(
        "--plain-floor",
        action="store_true",
        help="PostgreSQL: the load floor into a plain table with a unique index on code (before partitioning)",
    )
    parser.add_argument(
        "--compare-plain",
        action="store_true",
        help="PostgreSQL: also time the same queries on an unpartitioned copy of the table (same rows, indexes)",
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kstt-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from kstt import clock
    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.models import ReportType
    from kstt.catalogue.rules.form06 import FORM06_COLUMNS
    from kstt.catalogue.rules.periods import Period
    from kstt.catalogue.services import load_catalogue, load_procedure_fields
    from kstt.compilation.selectors import compile_every_unit, compile_form06
    from kstt.units import selectors as units
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    call_command("migrate", verbosity=0)
    now = clock.now()
    data = settings.KSTT_SHARED_DATA
    load_units(data=(data / "hoa_binh_2021.csv").read_bytes(), effective_from=None, at=now)
    load_catalogue(at=now)
    load_procedure_fields(data=(data / "procedure_fields.csv").read_bytes(), at=now)
    postgres = connection.vendor == "postgresql"
    if args.sql and not postgres:
        raise SystemExit("--sql and --compare-plain need PostgreSQL (DATABASE_URL=postgres://…)")

    from datetime import date

    first, last = date.fromisoformat(args.first), date.fromisoformat(args.last)
    period = Period.parse(args.period)
    handling = sorted(
        (v.unit.code, v.level)
        for v in units.versions_on(date(2021, 6, 30)).filter(level__in=["department", "district", "commune"])
    )
    fields: dict[str, list[str]] = {}
    for line in csv.DictReader((data / "procedure_fields.csv").open(encoding="utf-8")):
        fields.setdefault(line["level"], []).append(line["code"])

    empty_the_dossier_table()
    load_timings: dict[str, list[float]] = {"ours": [], "floor": []}
    if args.sql:
        ids = dict(Unit.objects.values_list("code", "id"))
        started = time.perf_counter()
        total = sql_generate(
            n=args.n,
            units=[(ids[code], code, fields.get(level, ["KHAC"])) for code, level in handling],
            start=first,
            end=last,
            zone=settings.KSTT_TIME_ZONE,
        )
        generate_s = time.perf_counter() - started
        load_figures = "load_s=- load_floor_s=- load_ratio=- reload_s=-"
    else:
        total, generate_s, load_figures = _time_loads(args, tmp, handling, fields, first, last, load_timings)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dossiers_dossier" if postgres else "ANALYZE dossiers_dossier")

    report_type = ReportType.objects.get(code="kstt")
    province = Unit.objects.get(code="P17")
    commune = Unit.objects.get(code=next(code for code, level in handling if level == "commune"))
    start, end = catalogue.window(report_type, period)

    def ours() -> dict[tuple[str, str], tuple[int, ...]]:
        forms = compile_every_unit(root=province, period=period, report_type=report_type)
        return {
            (code, row.key): tuple(row.counts[c] for c in FORM06_COLUMNS)
            for code, form in forms.items()
            for row in form.rows
        }

    codes = dict(Unit.objects.values_list("id", "code"))

    def floor() -> dict[tuple[str, str], tuple[int, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, {"s": start, "e": end})
            return {(codes[r[0]], r[1]): tuple(int(v) for v in r[2:]) for r in cursor.fetchall()}

    def one_unit() -> Any:  # a commune's own form 06, as its page computes it
        return compile_form06(unit=commune, period=period, report_type=report_type)

    def the_province() -> Any:  # the province's form 06 compiled from every unit's dossiers
        return compile_form06(unit=province, period=period, report_type=report_type)

    runs = (("ours", ours), ("floor", floor), ("unit", one_unit), ("province", the_province))

    def measure() -> tuple[dict[str, float], dict[str, Any]]:
        timings: dict[str, list[float]] = {name: [] for name, _ in runs}
        results: dict[str, Any] = {}
        for _ in range(args.repeat):
            for name, run in runs:
                started = time.perf_counter()
                results[name] = run()
                timings[name].append(time.perf_counter() - started)
        if results["ours"] != results["floor"]:
            raise SystemExit("ours and the floor disagree: a counting rule differs")
        return {name: statistics.median(t) for name, t in timings.items()}, results

    medians, results = measure()
    plain = _measure_unpartitioned(measure) if args.compare_plain else None
    size_mb = _size_mb() if postgres else None

    print(
        f"engine: {connection.vendor}; dossiers: {total:,} ({len(handling)} units, received {first} to {last});"
        f" period {period.code}"
    )
    if args.sql:
        print(f"generated by PostgreSQL (INSERT … SELECT generate_series): {generate_s:.1f} s")
    if size_mb is not None:
        print(f"size of the dossier table (partitions, indexes, dossiers_dossier_code): {size_mb:,.0f} MB")
    print(f"ours  (compile_every_unit, ORM aggregate + structures): {medians['ours']:.3f} s (median of {args.repeat})")
    print(f"floor (one hand-written GROUP BY):                      {medians['floor']:.3f} s (median of {args.repeat})")
    print(f"one commune's form 06 ({commune.code}, compile_form06):       {medians['unit']:.3f} s")
    print(f"the province's compiled form 06 (compile_form06 P17):    {medians['province']:.3f} s")
    extra = f" unit_s={medians['unit']:.3f} province_s={medians['province']:.3f}"
    if plain is not None:
        print(
            f"unpartitioned copy: ours {plain['ours']:.3f} s, floor {plain['floor']:.3f} s,"
            f" commune {plain['unit']:.3f} s, province {plain['province']:.3f} s"
        )
        extra += (
            f" plain_ours_s={plain['ours']:.3f} plain_floor_s={plain['floor']:.3f} plain_unit_s={plain['unit']:.3f}"
        )
        extra += f" plain_province_s={plain['province']:.3f}"
    if size_mb is not None:
        extra += f" size_mb={size_mb:.0f}"
    print(
        f"RESULT ours_s={medians['ours']:.3f} floor_s={medians['floor']:.3f}"
        f" ratio={medians['ours'] / medians['floor']:.2f}"
        f" rows={len(results['ours'])} {load_figures}{extra}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


PLAIN = "bench_dossier_plain"


def _measure_unpartitioned(measure: Any) -> dict[str, float]:
    """The same measures on an unpartitioned copy of the dossier table (same rows and indexes), swapped
    in under the table's name for the time of the measures, then dropped."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PLAIN}")
        cursor.execute(f"CREATE TABLE {PLAIN} (LIKE dossiers_dossier INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(f"INSERT INTO {PLAIN} SELECT * FROM dossiers_dossier")  # noqa: S608 (a constant)
        cursor.execute("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'dossiers_dossier'::regclass")
        for (definition,) in cursor.fetchall():
            cursor.execute(
                re.sub(r"INDEX (\S+) ON (ONLY )?\S+ USING", f"INDEX \\1_plain ON {PLAIN} USING", definition, count=1)
            )
        cursor.execute(f"VACUUM ANALYZE {PLAIN}")
        cursor.execute(f"ALTER TABLE dossiers_dossier RENAME TO {PLAIN}_parted")
        cursor.execute(f"ALTER TABLE {PLAIN} RENAME TO dossiers_dossier")
    try:
        medians, _ = measure()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE dossiers_dossier RENAME TO {PLAIN}")
            cursor.execute(f"ALTER TABLE {PLAIN}_parted RENAME TO dossiers_dossier")
            cursor.execute(f"DROP TABLE {PLAIN}")
    return medians


def _size_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT sum(pg_total_relation_size(inhrelid)) + pg_total_relation_size('dossiers_dossier_code')
               FROM pg_inherits WHERE inhparent = 'dossiers_dossier'::regclass"""
        )
        return float(cursor.fetchone()[0]) / 2**20


if __name__ == "__main__":
    main()
