"""Benchmark: `kstt deductions --year 2021` over the whole country's 2021 units, against a floor.

Loads `vn_units_2021.csv` (11,366 units: provinces, districts, communes; the file has no
departments, so the scored level of 2021 is the districts alone) with the `kstt load-units`
service, and the catalogue as shipped. Then it generates, seeded, four quarters (2021Q1–Q4) of
submission history for every unit that reports (every level with a deadline: communes, districts
and provinces): most on time and accepted, some late, some never sent, some first sent after the
closing time, returns with reasons and resubmissions before and after the deadline, some waiting for
their review, some on the deadline's last microsecond or the one after; and a few incidents, for all
units and for lists of units (kstt/compliance/tests/history.py, shared with the cross-check tests).
It is written with bulk inserts: loading is not what is measured.

Then, several times each, in the same run, with a fixed as-of after every 2021 closing time:

- ours:  `kstt deductions --year 2021 --as-of … --format json` (in-process `call_command`, output to
         a null stream): the ledger of every district's four quarters, judged from the facts;
- floor: one SQL query reading the same facts — the scored units in force at each period's window
         end, joined with their report instances, versions and reviews — fetched fully into Python
         through Django's connection, and the incidents with their units (a second, tiny query). It
         judges nothing;
- strict floor: the same, reading the instants as text and parsing them with
         `datetime.fromisoformat`, as ours does: the time stamp loader Django installs in the
         PostgreSQL driver is written in Python (some 5 µs an instant), and the plain floor pays it.

It also times `compliance.selectors.judged` for every unit of the country and the four quarters
(what the reviewers' dashboard asks for), and ends with one line
`RESULT ours_s=<s> floor_s=<s> ratio=<x> instances=<n>` (instances: the ledger's lines; the floor
is the plain one, the strict floor and its ratio are printed on the line before).

    .venv/bin/python bench/deductions.py [-n 0.1] [--repeat 5]
    DATABASE_URL=postgres://kstt:kstt@127.0.0.1:5432/kstt_bench .venv/bin/python bench/deductions.py

Uses a fresh SQLite file unless DATABASE_URL is set; then it migrates that database and EMPTIES it
(`flush`) before loading: use a scratch database. `--reuse` keeps a history an earlier run left
there instead of generating it again (give the same -n and --seed).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = 2021
#: After every closing time of 2021 (the latest, Q4's, is in the second half of January 2022).
AS_OF = datetime(2022, 3, 1, tzinfo=HCM)

FLOOR_SQL = """
WITH periods (code, window_end) AS (VALUES {periods})
SELECT p.code, u.code, v.unit_id, v.name, v.level, v.parent_id, i.id, rv.number, {facts}
FROM periods p
JOIN units_unitversion v
  ON (v.valid_from IS NULL OR v.valid_from <= p.window_end) AND (v.valid_until IS NULL OR v.valid_until > p.window_end)
JOIN units_unit u ON u.id = v.unit_id
LEFT JOIN reports_reportinstance i ON i.unit_id = v.unit_id AND i.period = p.code AND i.report_type_id = %s
LEFT JOIN reports_reportversion rv ON rv.instance_id = i.id AND rv.submitted_at <= %s
LEFT JOIN reports_review r ON r.version_id = rv.id
WHERE v.level IN ({levels})
"""
#: The version's facts as the drivers give them, or with the instants (and the reasons) as text.
FACTS = "rv.submitted_at, r.decision, r.reasons, r.at"
FACTS_AS_TEXT = "CAST(rv.submitted_at AS TEXT), r.decision, CAST(r.reasons AS TEXT), CAST(r.at AS TEXT)"
FLOOR_INCIDENTS_SQL = """
SELECT n.id, n.start, n."end", n.all_units, iu.unit_id
FROM incidents_incident n LEFT JOIN incidents_incident_units iu ON iu.incident_id = n.id
"""


def instant(text: str | None) -> datetime | None:
    """An instant the database wrote as text (PostgreSQL with its offset, SQLite in UTC)."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def country(path: Path, scale: float) -> tuple[bytes, int]:
    """The units file, or the part of it that holds whole provinces (in code order) up to ``scale``
    of its units. Returns the CSV and its number of units."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    province_of: dict[str, str] = {}
    for row in rows:  # parents come before their children in the file
        province_of[row["code"]] = (
            province_of.get(row["parent_code"], row["code"]) if row["parent_code"] else row["code"]
        )
    if scale < 1:
        sizes: dict[str, int] = {}
        for row in rows:
            sizes[province_of[row["code"]]] = sizes.get(province_of[row["code"]], 0) + 1
        kept: set[str] = set()
        total = 0
        for code in sorted(sizes):
            if total >= scale * len(rows):
                break
            kept.add(code)
            total += sizes[code]
        rows = [row for row in rows if province_of[row["code"]] in kept]
    out = io.StringIO()
    writer = csv.DictWriter(out, ["code", "name", "level", "kind", "parent_code"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(), len(rows)


def best(run: Any, repeat: int) -> tuple[float, list[float], Any]:
    timings, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        timings.append(time.perf_counter() - started)
    return min(timings), timings, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=float, default=1.0, help="fraction of the country's units (whole provinces)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (the best is kept)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared" / "data" / "vn_units_2021.csv")
    parser.add_argument("--reuse", action="store_true", help="keep the history already in DATABASE_URL")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kstt-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    # As in service: no debug query log (it would keep the SQL of every bulk insert in memory).
    os.environ.setdefault("KSTT_DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.models import ReportType
    from kstt.catalogue.rules.periods import periods_of_year
    from kstt.catalogue.services import load_catalogue
    from kstt.compliance import ledger_selectors, selectors
    from kstt.compliance.tests import history
    from kstt.reports.models import ReportInstance, ReportVersion, Review
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    call_command("migrate", verbosity=0)
    data, unit_count = country(args.file, args.n)
    postgres = connection.vendor == "postgresql"
    reuse = args.reuse and Unit.objects.count() == unit_count and ReportInstance.objects.exists()
    started = time.perf_counter()
    if not reuse:
        call_command("flush", interactive=False, verbosity=0)
        load_units(data=data, effective_from=None, at=AS_OF, source="bench")
        load_catalogue(at=AS_OF)
    report_type = ReportType.objects.get(code="kstt")
    periods = periods_of_year(YEAR, report_type.periods)
    owed = history.owed_reports(report_type, periods)
    if not reuse:
        incidents = history.incident_plan(owed, seed=args.seed)
        history.insert(
            history.plan(owed, seed=args.seed, incidents=incidents), incidents, report_type=report_type, at=AS_OF
        )
        if postgres:  # as a database in service would be: statistics, visibility map, no autovacuum pending
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    generate_s = time.perf_counter() - started
    owed_count, levels = len(owed), list(dict.fromkeys(o.level for o in owed))
    del owed  # 45,000 objects the timed runs need not carry
    facts = (ReportInstance.objects.count(), ReportVersion.objects.count(), Review.objects.count())
    scored = sorted(selectors.period_settings(report_type, periods)[periods[0]].scored_levels)

    as_of = AS_OF.isoformat()

    def ours() -> None:
        with open(os.devnull, "w", encoding="utf-8") as null:
            call_command("deductions", "--year", str(YEAR), "--as-of", as_of, "--format", "json", stdout=null)

    period_values = ", ".join(["(%s, %s)"] * len(periods))
    levels_in = ", ".join(["%s"] * len(scored))
    floor_sql = FLOOR_SQL.format(periods=period_values, levels=levels_in, facts=FACTS)
    strict_sql = FLOOR_SQL.format(periods=period_values, levels=levels_in, facts=FACTS_AS_TEXT)
    floor_params: list[object] = [v for p in periods for v in (p.code, catalogue.window(report_type, p)[1])]
    floor_params += [report_type.pk, AS_OF, *scored]
    if postgres:  # the VALUES list's types: PostgreSQL reads a bare parameter as text
        floor_sql = floor_sql.replace("VALUES (%s, %s)", "VALUES (%s, %s::date)", 1)
        strict_sql = strict_sql.replace("VALUES (%s, %s)", "VALUES (%s, %s::date)", 1)

    def floor() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, floor_params)
            rows = cursor.fetchall()
            cursor.execute(FLOOR_INCIDENTS_SQL)
            return rows, cursor.fetchall()

    def strict_floor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(strict_sql, floor_params)
            rows = [(*row[:8], instant(row[8]), row[9], row[10], instant(row[11])) for row in cursor.fetchall()]
            cursor.execute(FLOOR_INCIDENTS_SQL)
            cursor.fetchall()
            return rows

    def dashboard() -> int:
        return len(selectors.judged(report_type=report_type, periods=periods, as_of=AS_OF))

    ours(), floor(), strict_floor(), dashboard()  # warm up: imports, the holiday calendar, the database's caches
    ours_s, ours_all, _ = best(ours, args.repeat)
    floor_s, floor_all, (rows, incident_rows) = best(floor, args.repeat)
    strict_s, strict_all, strict_rows = best(strict_floor, args.repeat)
    if len(strict_rows) != len(rows):
        raise SystemExit("the two floors read different rows")
    judged_s, judged_all, judged_n = best(dashboard, args.repeat)
    the_ledger = ledger_selectors.ledger(report_type=report_type, year=YEAR, as_of=AS_OF)
    lines = len(the_ledger.lines)
    pairs = {(row[0], row[2]) for row in rows}
    if len(pairs) != lines:
        raise SystemExit(f"the floor read {len(pairs)} expected reports, the ledger has {lines} lines")

    def each(timings: list[float]) -> str:
        return ", ".join(f"{t:.3f}" for t in timings)

    scored_here = sorted(set(levels) & set(scored))
    print(
        f"engine: {connection.vendor}; units: {unit_count:,} ({args.file.name}, scale {args.n:g}); the scored "
        f"levels are {', '.join(scored)}, the file has no departments: the ledger's {lines:,} lines are the "
        f"{', '.join(scored_here)} reports"
    )
    print(
        f"history: {owed_count:,} reports owed in {', '.join(p.code for p in periods)} ({', '.join(levels)}); "
        f"{facts[0]:,} report instances, {facts[1]:,} versions, {facts[2]:,} reviews, "
        f"{len({r[0] for r in incident_rows})} incidents; "
        + ("reused" if reuse else f"generated and inserted in {generate_s:.1f} s")
    )
    print(f"ours  (kstt deductions --year {YEAR} --format json):   {ours_s:.3f} s (best of {each(ours_all)})")
    print(f"floor (one query of the same facts, fetched):         {floor_s:.3f} s (best of {each(floor_all)})")
    print(f"  floor rows: {len(rows):,} (one per version, or per report without one)")
    print(f"strict floor (the same, instants read as text):       {strict_s:.3f} s (best of {each(strict_all)})")
    print(
        f"judged (every unit of the country × 4 quarters, the dashboard): {judged_s:.3f} s for {judged_n:,} "
        f"reports (best of {each(judged_all)})"
    )
    print(f"STRICT ours_s={ours_s:.3f} strict_floor_s={strict_s:.3f} ratio={ours_s / strict_s:.2f}")
    print(f"RESULT ours_s={ours_s:.3f} floor_s={floor_s:.3f} ratio={ours_s / floor_s:.2f} instances={lines}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
