"""Benchmark: form 06 of the whole country compiled from the units' reports (issue 15, point 6).

Loads `vn_units_2021.csv` (11,366 units: 63 provinces, 705 districts, 10,598 communes; no department)
with the `kstt load-units` service and the catalogue as shipped, then four quarters (2021Q1–Q4) of
submitted form 06 for every unit that reports (communes, districts, provinces), seeded: each report by
procedure field, eight fields (``procedure_fields.csv``) and the total row, eleven columns each. Most
are accepted, some wait for their review, some were returned and sent again (version 2), a few were
never sent. They are written in bulk (report instances, versions, reviews, and the ``ReportFigure``
rows the submit service writes: `COPY` on PostgreSQL): loading is not what is measured.

Then, several times each, alternating, in the same run, for ``--period`` (default 2021Q4):

- national: ``compile_national_form`` — the country's form 06 as the national level prints it: one
            line per province (its grand total from its units' standing reports, its units received and
            missing) and the country's grand total, summed in SQL (GROUP BY province, one query);
- province: ``compile_from_reports`` for the largest province, Hà Nội (P01);
- floor:    one hand-written SQL ``GROUP BY``: the standing version of each unit's report (accepted,
            else the latest submitted) of every department, district and commune (the lines of the
            provinces' forms) and its total row's eleven columns, summed per unit, fetched into Python.
            No rule, no structure, nothing else.

Also timed, for information: ``detail``, ``compile_country_from_reports`` (every province's full
compilation, what ``--country --detail`` prints). It checks that the floor's sum over every unit equals
the national grand total and that every province's line equals its full compilation's total and counts,
prints the times and the query counts, and ends with one line
`RESULT ours_s=<s> floor_s=<s> ratio=<x> units=<n>` (ours: the national form, median).

    .venv/bin/python bench/rollup.py [--repeat 5] [--period 2021Q4]          # SQLite, a fresh temporary file
    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/rollup.py     # EMPTIES that database

Uses a fresh SQLite file unless DATABASE_URL is set; then it migrates that database and EMPTIES it
(`flush`) before loading: use a scratch database. `--reuse` keeps what an earlier run loaded there.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT = datetime(2022, 3, 1, tzinfo=HCM)
FORM = "06/VPCP/KSTT"
COLUMNS = (
    "received_total", "received_online", "received_direct", "carried_over", "settled_total", "settled_early",
    "settled_on_time", "settled_late", "pending_total", "pending_in_time", "pending_overdue",
)  # fmt: skip

FLOOR_SQL = """
WITH ranked AS (
  SELECT i.unit_id, v.id AS version_id,
         ROW_NUMBER() OVER (PARTITION BY v.instance_id
                            ORDER BY CASE WHEN r.decision = 'accepted' THEN 1 ELSE 0 END DESC, v.number DESC) AS rn
  FROM reports_reportversion v
  JOIN reports_reportinstance i ON i.id = v.instance_id
  LEFT JOIN reports_review r ON r.version_id = v.id
  WHERE i.period = %s AND i.report_type_id = %s AND i.level IN ('department', 'district', 'commune')
)
SELECT s.unit_id, {sums}
FROM ranked s JOIN reports_reportfigure f ON f.version_id = s.version_id
WHERE s.rn = 1 AND f.form = %s AND f.row = 'total'
GROUP BY s.unit_id
"""
SUMS = ", ".join(f"SUM(CASE WHEN f.\"column\" = '{c}' THEN f.value END)" for c in COLUMNS)


def figures(n: int) -> dict[str, int]:
    """A form 06 row that keeps the form's rules R1–R4 (n ≥ 1)."""
    online, direct, carried = n, n // 2, n % 7
    received = online + direct + carried
    early, on_time, late = received // 4, received // 3, received // 12
    settled = early + on_time + late
    pending = received - settled
    overdue = pending // 5
    values = (received, online, direct, carried, settled, early, on_time, late, pending, pending - overdue, overdue)
    return dict(zip(COLUMNS, values, strict=True))


def history(report_type: Any, periods: list[Any], seed: int) -> tuple[int, int, int]:
    """Every reporting unit's form 06 for each period, written in bulk; (instances, versions, figures)."""
    from django.db import connection

    from kstt.reports.models import ReportInstance, ReportVersion, Review
    from kstt.units.models import UnitVersion

    chance = random.Random(seed)
    fields: dict[str, list[str]] = {}
    with (ROOT.parent / "shared" / "data" / "procedure_fields.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            fields.setdefault(row["level"], []).append(row["code"])
    fields["province"] = fields["department"]
    units = list(UnitVersion.objects.values_list("unit_id", "level", "parent_id"))
    instances, plan = [], {}
    for period in periods:
        at = datetime(period.year, period.window()[1].month, 28, 9, tzinfo=HCM) + timedelta(days=5)
        for unit_id, level, parent_id in units:
            draw = chance.random()
            if draw < 0.02:
                continue  # never sent: a missing line
            instances.append(
                ReportInstance(
                    unit_id=unit_id, report_type=report_type, period=period.code, level=level,
                    recipient_id=parent_id, status="submitted", first_submitted_at=at, created_at=at,
                )
            )  # fmt: skip
            # returned once and sent again (the second waiting, or accepted), accepted, or waiting
            plan[(unit_id, period.code)] = (at, "again" if draw < 0.08 else "accepted" if draw < 0.9 else "waiting")
    ReportInstance.objects.bulk_create(instances, batch_size=5000)
    versions = []
    for pk, unit_id, code in ReportInstance.objects.values_list("pk", "unit_id", "period"):
        at, fate = plan[(unit_id, code)]
        versions.append(ReportVersion(instance_id=pk, number=1, submitted_at=at))
        if fate == "again":
            versions.append(ReportVersion(instance_id=pk, number=2, submitted_at=at + timedelta(days=3)))
    ReportVersion.objects.bulk_create(versions, batch_size=5000)
    reviews, cells = [], []
    for pk, number, unit_id, code, level in ReportVersion.objects.values_list(
        "pk", "number", "instance__unit_id", "instance__period", "instance__level"
    ):
        at, fate = plan[(unit_id, code)]
        if fate == "again" and number == 1:
            reviews.append(Review(version_id=pk, decision="returned", reasons=["forms"], at=at + timedelta(days=1)))
        elif (fate == "again" and chance.random() < 0.5) or fate == "accepted":
            reviews.append(Review(version_id=pk, decision="accepted", at=at + timedelta(days=4)))
        total = dict.fromkeys(COLUMNS, 0)
        for field in fields[level]:
            row = figures(chance.randint(1, 60))
            cells.extend((pk, FORM, field, c, v) for c, v in row.items())
            total = {c: total[c] + row[c] for c in COLUMNS}
        cells.extend((pk, FORM, "total", c, v) for c, v in total.items())
    Review.objects.bulk_create(reviews, batch_size=5000)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            text = io.StringIO()
            text.writelines(f"{pk}\t{form}\t{row}\t{column}\t{value}\n" for pk, form, row, column, value in cells)
            text.seek(0)
            with cursor.connection.cursor().copy(
                'COPY reports_reportfigure (version_id, form, "row", "column", value) FROM STDIN'
            ) as copy:
                while chunk := text.read(1 << 20):
                    copy.write(chunk)
        else:
            cursor.executemany(
                'INSERT INTO reports_reportfigure (version_id, form, "row", "column", value)'
                " VALUES (%s, %s, %s, %s, %s)",
                cells,
            )
    return len(instances), len(versions), len(cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each (the median is kept)")
    parser.add_argument("--period", default="2021Q4", help="the quarter compiled (the four of 2021 are loaded)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--reuse", action="store_true", help="keep what an earlier run loaded in DATABASE_URL")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kstt-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    os.environ.setdefault("KSTT_DEBUG", "false")  # as in service: no debug log of every query
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from kstt.catalogue.models import ReportType
    from kstt.catalogue.rules.periods import Period, periods_of_year
    from kstt.catalogue.services import load_catalogue
    from kstt.reports.compiled_selectors import (
        compile_country_from_reports,
        compile_from_reports,
        compile_national_form,
    )
    from kstt.reports.models import ReportFigure, ReportInstance
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    postgres = connection.vendor == "postgresql"
    if not postgres:  # a throw-away file: no wait for the disk at each commit while loading
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    reuse = args.reuse and Unit.objects.exists() and ReportInstance.objects.exists()
    if not reuse:
        call_command("flush", interactive=False, verbosity=0)
        load_units(
            data=(settings.KSTT_SHARED_DATA / "vn_units_2021.csv").read_bytes(), effective_from=None, at=AT,
            source="bench",
        )  # fmt: skip
        load_catalogue(at=AT)
    report_type = ReportType.objects.get(code="kstt")
    quarters = [p for p in periods_of_year(2021, report_type.periods) if p.kind.startswith("Q")]
    if not reuse:
        with transaction.atomic():
            history(report_type, quarters, args.seed)
        if postgres:  # as a database in service would be: statistics, visibility map
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    load_s = time.perf_counter() - started
    period = Period.parse(args.period)
    hanoi = Unit.objects.get(code="P01")
    counts = (ReportInstance.objects.count(), ReportFigure.objects.count())

    def national() -> Any:
        return compile_national_form(period=period, report_type=report_type)

    def detail() -> Any:
        return compile_country_from_reports(period=period, report_type=report_type)

    def province() -> Any:
        return compile_from_reports(unit=hanoi, period=period, report_type=report_type)

    floor_sql = FLOOR_SQL.format(sums=SUMS)

    def floor() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [period.code, report_type.pk, FORM])
            return cursor.fetchall()

    runs = {"national": national, "province": province, "floor": floor, "detail": detail}
    results = {name: run() for name, run in runs.items()}  # warm up: imports, the database's caches
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(args.repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            results[name] = run()
            timings[name].append(time.perf_counter() - started)
    median = {name: statistics.median(values) for name, values in timings.items()}
    country, hanoi_form, rows = results["national"], results["province"], results["floor"]
    full = results["detail"]
    floor_total = {c: sum(int(r[i + 1] or 0) for r in rows) for i, c in enumerate(COLUMNS)}
    if floor_total != dict(country.total):
        raise SystemExit(f"the floor's sum {floor_total} is not the national total {dict(country.total)}")
    compiled = {p.unit_code: p.compilation for p in full.provinces}
    for line in country.provinces:
        c = compiled[line.code]
        if (dict(line.total), line.received, line.missing) != (dict(c.total), len(c.received), len(c.missing)):
            raise SystemExit(f"{line.code}'s line differs from its compilation")
    p01 = next(p for p in country.provinces if p.code == "P01")
    if p01.total != hanoi_form.compilation.total:
        raise SystemExit("Hà Nội's line differs from its compilation alone")
    with CaptureQueriesContext(connection) as national_queries:
        national()
    with CaptureQueriesContext(connection) as province_queries:
        province()
    lines, received = country.received + country.missing, country.received
    unit_count = Unit.objects.count()

    def each(name: str) -> str:
        return ", ".join(f"{t:.3f}" for t in timings[name])

    print(
        f"engine: {connection.vendor}; units: {unit_count:,}; {counts[0]:,} reports over {len(quarters)} quarters, "
        f"{counts[1]:,} figures; " + ("reused" if reuse else f"loaded in {load_s:.1f} s")
    )
    print(
        f"{args.period}: {lines:,} lines in {len(country.provinces)} provinces, {received:,} received; "
        f"Hà Nội: {len(hanoi_form.compilation.lines):,} lines; floor: {len(rows):,} units' totals"
    )
    print(f"national  compile_national_form         {median['national']:.3f} s (median of {each('national')})")
    print(f"province  compile_from_reports(P01)     {median['province']:.3f} s (median of {each('province')})")
    print(f"floor     one hand-written GROUP BY     {median['floor']:.3f} s (median of {each('floor')})")
    print(f"detail    compile_country_from_reports  {median['detail']:.3f} s (median of {each('detail')})")
    print(f"queries: national {len(national_queries)}, province {len(province_queries)}")
    print(f"PROVINCE province_s={median['province']:.3f}")
    print(
        f"RESULT ours_s={median['national']:.3f} floor_s={median['floor']:.3f}"
        f" ratio={median['national'] / median['floor']:.2f} units={unit_count}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
