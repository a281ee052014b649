"""Benchmark: the compliance dashboard (/compliance/) over the whole country's 2021 units.

Loads vn_units_2021.csv (11,366 units) and the catalogue, and a synthetic 2021 history: for each
closed quarter, ``--sent`` of the expected reports (default 90 %) have a submitted version — most on
time, one in eight late, one in ten of them returned — bulk-inserted (this measures reading, not the
submission services). The clock is the demo's, 20/12/2021 09:00 in Hà Nội (Q4 still open).

Timed in the same run, alternating, ``--repeat`` times each (median):

- page:      GET /compliance/?year=2021 as an administrator (every unit: 45,464 expected reports),
             through Django's test client, rendering of the first 100 rows included;
- province:  the same page for the office of the largest province, Hà Nội (P01), in that database;
- judged:    compliance.selectors.judged alone (the verdicts, rules.md §4–§6);
- summarise: the dashboard's aggregation alone (rows, counts, rates: compliance.dashboard.summarise);
- floor:     the facts the page cannot do without, read by one hand-written SQL query (every unit
             version in force at each period's window end, left-joined to its report, versions and
             reviews), no rule applied, nothing rendered.

Prints the times, the page's query count, and ends with one line `RESULT page_s=<s> province_s=<s>
judged_s=<s> summarise_s=<s> floor_s=<s> ratio=<page/floor> queries=<n> units=<n> instances=<n>`.

    .venv/bin/python bench/dashboard.py [--repeat 5] [--sent 0.9]
    DATABASE_URL=postgres://…/scratch .venv/bin/python bench/dashboard.py

Uses a fresh SQLite file unless DATABASE_URL is set (then it migrates that database and replaces its
units' reports: use a scratch database).
"""

from __future__ import annotations

import argparse
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

HN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_DAY = datetime(2021, 12, 20, 9, 0, tzinfo=HN)

FLOOR_SQL = """
SELECT v.unit_id, v.level, p.code, i.id, rv.number, rv.submitted_at, r.decision, r.reasons, r.at
FROM units_unitversion v
JOIN ({periods}) p ON (v.valid_from IS NULL OR v.valid_from <= p.window_end)
                  AND (v.valid_until IS NULL OR v.valid_until > p.window_end)
LEFT JOIN reports_reportinstance i ON i.unit_id = v.unit_id AND i.period = p.code AND i.report_type_id = %s
LEFT JOIN reports_reportversion rv ON rv.instance_id = i.id AND rv.submitted_at <= %s
LEFT JOIN reports_review r ON r.version_id = rv.id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sent", type=float, default=0.9, help="share of closed quarters' reports submitted")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kstt-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kstt.accounts.choices import Role
    from kstt.accounts.models import User
    from kstt.accounts.services import save_user
    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.models import ReportType
    from kstt.catalogue.rules.periods import periods_of_year
    from kstt.catalogue.services import load_catalogue
    from kstt.compliance.dashboard import summarise
    from kstt.compliance.selectors import glances, judged
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    settings.KSTT_CLOCK = DEMO_DAY
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_units(data=(settings.KSTT_SHARED_DATA / "vn_units_2021.csv").read_bytes(), effective_from=None, at=DEMO_DAY)
    load_catalogue(at=DEMO_DAY)
    report_type = ReportType.objects.get(code="kstt")
    periods = periods_of_year(2021, report_type.periods)
    instances = history(report_type, periods, args.sent)
    load_s = time.perf_counter() - started
    admin = User.objects.filter(username="bench").first() or save_user(
        username="bench", full_name="Bench", unit=None, roles={Role.ADMIN}, password=None, at=DEMO_DAY
    )
    client = Client()
    client.force_login(admin)
    office = User.objects.filter(username="bench-office").first() or save_user(
        username="bench-office",
        full_name="Văn phòng UBND thành phố Hà Nội",
        unit=Unit.objects.get(code="P01"),
        roles={Role.REVIEWER},
        password=None,
        at=DEMO_DAY,
    )
    office_client = Client()
    office_client.force_login(office)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    ends = {p.code: catalogue.window(report_type, p)[1] for p in periods}
    union = " UNION ALL ".join("SELECT %s AS code, %s AS window_end" for _ in ends)
    floor_sql = FLOOR_SQL.format(periods=union)
    floor_params = [x for code, end in ends.items() for x in (code, end)] + [report_type.pk, DEMO_DAY]
    found = judged(report_type=report_type, periods=periods, as_of=DEMO_DAY)

    def page() -> object:
        response = client.get("/compliance/", {"year": 2021})
        if response.status_code != 200:
            raise SystemExit(f"the page answered {response.status_code}")
        return response

    def province() -> object:
        response = office_client.get("/compliance/", {"year": 2021})
        if response.status_code != 200:
            raise SystemExit(f"the province's page answered {response.status_code}")
        return response

    def verdicts() -> object:
        return judged(report_type=report_type, periods=periods, as_of=DEMO_DAY)

    def at_a_glance() -> object:
        return glances(report_type=report_type, periods=periods, as_of=DEMO_DAY)

    quick = glances(report_type=report_type, periods=periods, as_of=DEMO_DAY)

    def aggregate() -> object:
        return summarise(quick, year=2021, periods=periods, as_of=DEMO_DAY)

    def floor() -> object:
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, floor_params)
            return cursor.fetchall()

    runs = {
        "page": page,
        "province": province,
        "glances": at_a_glance,
        "judged": verdicts,
        "summarise": aggregate,
        "floor": floor,
    }
    timings: dict[str, list[float]] = {name: [] for name in runs}
    page()  # warm the caches a first request fills (session, translations, templates)
    province()
    for _ in range(args.repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            timings[name].append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        page()
    median = {name: statistics.median(values) for name, values in timings.items()}
    unit_count = Unit.objects.count()
    print(f"engine: {connection.vendor}; units: {unit_count:,}; expected reports: {len(found):,}; ")
    print(f"submitted (synthetic): {instances:,}; set-up {load_s:.1f} s; as of {DEMO_DAY:%d/%m/%Y %H:%M}")
    for name, what in (
        ("page", "GET /compliance/?year=2021 (administrator, every unit)"),
        ("province", "the same page for Hà Nội's office (P01: 609 units)"),
        ("glances", "compliance.selectors.glances (what the page counts)"),
        ("judged", "compliance.selectors.judged (every verdict in full)"),
        ("summarise", "compliance.dashboard.summarise"),
        ("floor", "one hand-written SQL read of the facts"),
    ):
        each = ", ".join(f"{t:.3f}" for t in timings[name])
        print(f"{name:<10} {what:<56} {median[name]:.3f} s (median of {each})")
    print(f"queries of the page: {len(queries.captured_queries)}")
    print(
        f"RESULT page_s={median['page']:.3f} province_s={median['province']:.3f}"
        f" glances_s={median['glances']:.3f} judged_s={median['judged']:.3f}"
        f" summarise_s={median['summarise']:.3f}"
        f" floor_s={median['floor']:.3f} ratio={median['page'] / median['floor']:.2f}"
        f" queries={len(queries.captured_queries)} units={unit_count} instances={len(found)}"
    )
    shutil.rmtree(tmp, ignore_errors=True)


def history(report_type: Any, periods: list[Any], sent: float) -> int:
    """A synthetic 2021: ``sent`` of each closed quarter's expected reports submitted; returns how many."""
    from kstt.catalogue import selectors as catalogue
    from kstt.reports.models import ReportInstance, ReportVersion, Review
    from kstt.units import selectors as units

    if ReportInstance.objects.filter(report_type=report_type).exists():
        return ReportInstance.objects.filter(report_type=report_type).count()
    chance = random.Random(2021)
    instances = []
    submitted: dict[tuple[int, str], datetime] = {}
    for period in periods:
        end = catalogue.window(report_type, period)[1]
        if datetime(end.year, end.month, end.day, tzinfo=HN) + timedelta(days=3) > DEMO_DAY:
            continue  # Q4: its deadlines have just passed; leave it to the live system
        for unit_id, level, parent_id in units.versions_on(end).values_list("unit_id", "level", "parent_id"):
            if chance.random() >= sent:
                continue
            days = 8 if chance.random() < 0.125 else 1
            at = datetime(end.year, end.month, end.day, 9, 0, tzinfo=HN) + timedelta(days=days)
            instances.append(
                ReportInstance(
                    unit_id=unit_id,
                    report_type=report_type,
                    period=period.code,
                    level=level,
                    recipient_id=parent_id,
                    status="submitted",
                    first_submitted_at=at,
                    created_at=at,
                )
            )
            submitted[(unit_id, period.code)] = at
    ReportInstance.objects.bulk_create(instances, batch_size=2000)
    saved = ReportInstance.objects.filter(report_type=report_type).values_list("pk", "unit_id", "period")
    versions = [
        ReportVersion(instance_id=pk, number=1, submitted_at=submitted[(unit_id, period)])
        for pk, unit_id, period in saved
    ]
    ReportVersion.objects.bulk_create(versions, batch_size=2000)
    reviews = []
    for pk, at in ReportVersion.objects.values_list("pk", "submitted_at"):
        returned = chance.random() < 0.1
        reviews.append(
            Review(
                version_id=pk,
                decision="returned" if returned else "accepted",
                reasons=["incomplete"] if returned else [],
                at=at + timedelta(days=2),
            )
        )
    Review.objects.bulk_create(reviews, batch_size=2000)
    return len(instances)


if __name__ == "__main__":
    main()
