"""Benchmark: `kstt load-units` of all Vietnam 2021 (11,366 units) against a floor.

The floor is the least any loader must do: parse the same CSV and insert the same rows (identities
and versions) with plain executemany, no validation. Both run in this process on fresh SQLite
databases (or DATABASE_URL's engine), so the ratio holds when the machine's speed drifts.

    .venv/bin/python bench/load_units.py [--file PATH] [--repeat N]

Prints both times and the ratio, ending with one line
`RESULT ours_s=<s> floor_s=<s> ratio=<x> rows=<n>`.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=ROOT.parent / "shared" / "data" / "vn_units_2021.csv")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kstt-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kstt import clock
    from kstt.units.models import Unit, UnitVersion
    from kstt.units.rules import fold
    from kstt.units.services import load_units

    call_command("migrate", verbosity=0)
    data = args.file.read_bytes()

    def reset() -> None:
        with transaction.atomic():
            UnitVersion.objects.all().delete()
            Unit.objects.all().delete()

    def ours() -> int:
        return load_units(data=data, effective_from=None, at=clock.now(), source="bench").total

    def floor() -> int:
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
        units, versions = Unit._meta.db_table, UnitVersion._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {units} (code) VALUES (%s)", [(r["code"],) for r in rows])  # noqa: S608
            cursor.execute(f"SELECT code, id FROM {units}")  # noqa: S608
            ids = dict(cursor.fetchall())
            cursor.executemany(
                f"INSERT INTO {versions} (unit_id, name, level, kind, parent_id, search_text) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (ids[r["code"]], r["name"], r["level"], r["kind"], ids.get(r["parent_code"]), fold(r["name"]))
                    for r in rows
                ],
            )
        return len(rows)

    timings: dict[str, list[float]] = {"ours": [], "floor": []}
    count = 0
    for _ in range(args.repeat):
        for name, run in (("ours", ours), ("floor", floor)):
            reset()
            start = time.perf_counter()
            count = run()
            timings[name].append(time.perf_counter() - start)
    ours_s, floor_s = statistics.median(timings["ours"]), statistics.median(timings["floor"])
    print(f"engine: {connection.vendor}; file: {args.file.name}; runs: {args.repeat} each (median)")
    print(f"ours  (kstt load-units, validated, effective-dated): {ours_s:.3f} s")
    print(f"floor (plain executemany of the same rows):          {floor_s:.3f} s")
    print(f"RESULT ours_s={ours_s:.3f} floor_s={floor_s:.3f} ratio={ours_s / floor_s:.2f} rows={count}")


if __name__ == "__main__":
    main()
