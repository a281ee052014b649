"""Synthetic one-stop dossiers: realistic enough for the demo and the benchmark, and reproducible.

Pure: plain values in, records (dicts in the interchange format) out; a seed makes them repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _working_days_after(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def synthetic_dossiers(
    *,
    units: Sequence[tuple[str, str]],
    fields: Mapping[str, Sequence[str]],
    start: date,
    end: date,
    per_unit: int,
    seed: int = 2021,
    prefix: str = "HS",
    as_of: datetime | None = None,
) -> Iterator[dict[str, str]]:
    """``per_unit`` dossiers for each (unit code, level), received between ``start`` and ``end``.

    ``fields`` maps a unit code, or else a level, to the field codes its dossiers fall in.
    Every dossier is finished — settled (mostly early or on the due day, some late), returned, or
    refused at intake — except some 40 % of those received in the 45 days before ``as_of``, still
    pending. A quarter arrive online.

    ``as_of`` is the instant the records are seen at (the demo's clock): nothing is received or
    finished after it, so a dossier not finished by then is pending. It must fall after ``end``.
    Without it, "recent" is judged from ``end`` and a dossier may finish after ``end``.
    """
    if as_of is not None and as_of.astimezone(HCM).date() <= end:
        raise ValueError(f"the dossiers are received up to {end}, so as_of must be later, not {as_of}")
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)
    span = (end - start).days + 1
    horizon = as_of.astimezone(HCM).date() if as_of is not None else end
    number = 0
    for code, level in units:
        level_fields = fields.get(code) or fields.get(level) or ["KHAC"]
        for _ in range(per_unit):
            number += 1
            day = start + timedelta(days=rng.randrange(span))
            if day.weekday() >= 5:
                day -= timedelta(days=day.weekday() - 4)
            received = datetime.combine(day, time(rng.randint(7, 16), rng.randrange(60)), tzinfo=HCM)
            due_day = _working_days_after(day, rng.choice((1, 3, 5, 7, 10, 15)))
            due = datetime.combine(due_day, time(17, 0), tzinfo=HCM)
            finished, outcome = "", ""
            # Pending only among the last weeks' arrivals; older dossiers have all been finished.
            recent = day > horizon - timedelta(days=45)
            if not recent or rng.random() < 0.6:
                kind = rng.random()
                if kind < 0.04:
                    finished_at, outcome = received + timedelta(minutes=rng.randint(5, 90)), "refused"
                elif kind < 0.09:
                    finished_at, outcome = received + timedelta(days=rng.randint(0, 20), hours=1), "returned"
                else:
                    shift = rng.choices((-3, -1, 0, 2, 6), weights=(35, 25, 25, 10, 5))[0]
                    finished_day = max(day, due_day + timedelta(days=shift))
                    finished_at = datetime.combine(
                        finished_day, time(rng.randint(8, 17), rng.randrange(60)), tzinfo=HCM
                    )
                    finished_at = max(finished_at, received + timedelta(minutes=30))
                    outcome = "settled"
                if as_of is None or finished_at <= as_of:
                    finished = finished_at.isoformat()
                else:  # not finished yet at as_of: still pending
                    outcome = ""
            yield {
                "code": f"{prefix}-{code}-{number:07d}",
                "unit_code": code,
                "field_code": rng.choice(level_fields),
                "channel": rng.choices(("online", "direct", "postal"), weights=(25, 70, 5))[0],
                "received_at": received.isoformat(),
                "due_at": due.isoformat(),
                "finished_at": finished,
                "outcome": outcome,
            }
