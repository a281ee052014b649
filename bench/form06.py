"""Benchmark: form 06 of every unit of a province for a quarter, computed from N dossiers.

Generates N synthetic dossiers over Hòa Bình's 180 units (a CSV in the interchange format), then:

1. Loading, timed in the same run (PostgreSQL):
   - ours:  `kstt load-dossiers`' service (validation of every line, then the upsert);
   - floor: plain SQL, no validation: `COPY` of the same CSV into a staging table, then one
            `INSERT … SELECT … ON CONFLICT (code) DO UPDATE` into a copy of the dossier table with
            the same columns, indexes and constraints (foreign key included), computing the unit id
            and the local-date columns the loader writes; committed, like ours.
   Both start from an empty table. On SQLite only ours is timed (no COPY).
2. Computing, several times each:
   - ours:  compilation.selectors.compile_every_unit — the product path (one ORM aggregate with
            COUNT(*) FILTER per column, grouped by unit and field, and the per-unit structures);
   - floor: one hand-written GROUP BY query over the same table producing the same numbers.
   It checks the two agree.

It prints the times and ratios, and ends with one line
`RESULT ours_s=<s> floor_s=<s> ratio=<x> rows=<n> load_s=<s> load_floor_s=<s> load_ratio=<x> reload_s=<s>`
(reload: the same file loaded again, every record unchanged).

    .venv/bin/python bench/form06.py [-n 100000] [--repeat 5] [--load-repeat 2]
    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/form06.py -n 1000000

Uses a fresh SQLite file unless DATABASE_URL is set (then it migrates that database and replaces
its dossiers: use a scratch database).
"""

from __future__ import annotations

import argparse
import csv
import os
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
FLOOR_LOAD_SQL = f"""
INSERT INTO {FLOOR_TABLE} (code, unit_id, field_code, channel, received_at, due_at, finished_at, outcome,
                           received_on, due_on, finished_on)
SELECT s.code, u.id, s.field_code, s.channel, s.received_at, s.due_at, s.finished_at, COALESCE(s.outcome, ''),
       (s.received_at AT TIME ZONE %(zone)s)::date, (s.due_at AT TIME ZONE %(zone)s)::date,
       (s.finished_at AT TIME ZONE %(zone)s)::date
FROM {FLOOR_STAGING} s JOIN units_unit u ON u.code = s.unit_code
ON CONFLICT (code) DO UPDATE SET
    unit_id = excluded.unit_id, field_code = excluded.field_code, channel = excluded.channel,
    received_at = excluded.received_at, due_at = excluded.due_at, finished_at = excluded.finished_at,
    outcome = excluded.outcome, received_on = excluded.received_on, due_on = excluded.due_on,
    finished_on = excluded.finished_on
"""  # noqa: S608 (constant names)


def floor_load(path: Path, zone: str) -> int:
    """The SQL floor of a load (PostgreSQL): COPY the CSV as it is into a staging table, one upsert
    into a fresh copy of the dossier table (same indexes and constraints), committed. Returns rows."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE dossiers_dossier INCLUDING ALL)")
        cursor.execute(
            f"ALTER TABLE {FLOOR_TABLE} ADD FOREIGN KEY (unit_id) REFERENCES units_unit (id)"
            " DEFERRABLE INITIALLY DEFERRED"
        )
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
        cursor.execute(FLOOR_LOAD_SQL, {"zone": zone})
        return cursor.rowcount


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="number of dossiers (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--period", default="2021Q3")
    parser.add_argument(
        "--load-repeat", type=int, default=2, help="times each load is timed, alternating which goes first (median)"
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
    from kstt.compilation.selectors import compile_every_unit
    from kstt.demo.synthetic import synthetic_dossiers
    from kstt.dossiers.models import Dossier
    from kstt.dossiers.services import load_dossier_file
    from kstt.units import selectors as units
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    call_command("migrate", verbosity=0)
    now = clock.now()
    data = settings.KSTT_SHARED_DATA
    load_units(data=(data / "hoa_binh_2021.csv").read_bytes(), effective_from=None, at=now)
    load_catalogue(at=now)
    load_procedure_fields(data=(data / "procedure_fields.csv").read_bytes(), at=now)
    Dossier.objects.all().delete()

    from datetime import date

    period = Period.parse(args.period)
    handling = sorted(
        (v.unit.code, v.level)
        for v in units.versions_on(date(2021, 6, 30)).filter(level__in=["department", "district", "commune"])
    )
    fields: dict[str, list[str]] = {}
    for line in csv.DictReader((data / "procedure_fields.csv").open(encoding="utf-8")):
        fields.setdefault(line["level"], []).append(line["code"])
    per_unit = max(1, args.n // len(handling))
    path = tmp / "dossiers.csv"
    started = time.perf_counter()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, ["code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome"]
        )
        writer.writeheader()
        writer.writerows(
            synthetic_dossiers(
                units=handling, fields=fields, start=date(2020, 12, 1), end=date(2021, 12, 31), per_unit=per_unit
            )
        )
    generate_s = time.perf_counter() - started
    postgres = connection.vendor == "postgresql"

    def empty_the_dossier_table() -> None:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE dossiers_dossier")
        else:
            Dossier.objects.all().delete()

    def time_ours() -> float:
        empty_the_dossier_table()
        started = time.perf_counter()
        loads.append(load_dossier_file(path=path, at=now))
        return time.perf_counter() - started

    def time_floor() -> float:
        started = time.perf_counter()
        floor_rows.append(floor_load(path, settings.KSTT_TIME_ZONE))
        elapsed = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
        return elapsed

    # The two loads alternate which goes first (floor, ours; ours, floor; …): each writes a table's
    # worth of WAL, and the checkpoint that follows slows whichever load comes next.
    load_timings: dict[str, list[float]] = {"ours": [], "floor": []}
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
    if postgres:
        if set(floor_rows) != {loaded.total}:
            raise SystemExit(f"the floor loaded {floor_rows} rows, ours {loaded.total}")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dossiers_dossier")
    load_s = statistics.median(load_timings["ours"])
    load_floor_s = statistics.median(load_timings["floor"]) if postgres else None

    report_type = ReportType.objects.get(code="kstt")
    province = Unit.objects.get(code="P17")
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

    timings: dict[str, list[float]] = {"ours": [], "floor": []}
    results = {}
    for _ in range(args.repeat):
        for name, run in (("ours", ours), ("floor", floor)):
            started = time.perf_counter()
            results[name] = run()
            timings[name].append(time.perf_counter() - started)
    if results["ours"] != results["floor"]:
        raise SystemExit("ours and the floor disagree: a counting rule differs")

    ours_s, floor_s = statistics.median(timings["ours"]), statistics.median(timings["floor"])
    print(f"engine: {connection.vendor}; dossiers: {loaded.total:,} ({len(handling)} units); period {period.code}")
    print(f"generate CSV: {generate_s:.1f} s")

    def each(name: str) -> str:
        return ", ".join(f"{t:.1f}" for t in load_timings[name])

    print(f"load  (kstt load-dossiers):                              {load_s:.1f} s (median of {each('ours')})")
    print(f"reload (the same file again, all unchanged):             {reload_s:.1f} s")
    if load_floor_s is not None:
        print(
            f"load floor (COPY + one INSERT … ON CONFLICT, no checks): {load_floor_s:.1f} s (median of {each('floor')})"
        )
    load_figures = (
        f"load_s={load_s:.1f} load_floor_s={load_floor_s:.1f} load_ratio={load_s / load_floor_s:.2f}"
        if load_floor_s is not None
        else f"load_s={load_s:.1f} load_floor_s=- load_ratio=-"
    ) + f" reload_s={reload_s:.1f}"
    print(f"ours  (compile_every_unit, ORM aggregate + structures): {ours_s:.3f} s (median of {args.repeat})")
    print(f"floor (one hand-written GROUP BY):                      {floor_s:.3f} s (median of {args.repeat})")
    print(
        f"RESULT ours_s={ours_s:.3f} floor_s={floor_s:.3f} ratio={ours_s / floor_s:.2f} rows={len(results['ours'])}"
        f" {load_figures}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
