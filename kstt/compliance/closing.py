"""A closed year's snapshot (chốt sổ, rules.md §6): what it holds, its canonical JSON, and the ledger
read back from it. Plain data in and out: no query here (compliance.closing_selectors reads, and
compliance.services.close_year writes).

The snapshot of a province's year is one JSON object::

    {"format": 1, "report": "kstt", "year": 2021, "province": {"code": "P17", "name": "…"},
     "judged_at": "2022-02-15T09:00:00+07:00",
     "lines": [{"unit": "D157", "unit_id": 4, "name": "…", "level": "district", "parent_id": 1,
                "report": "kstt", "period": "2021Q3", "instance_id": 12, "settings_version": 1,
                "window": ["2021-06-15", "2021-09-14"], "deadline_day": "2021-09-20",
                "closing_day": "2021-10-20", "deadline": "…", "effective_deadline": "…",
                "closing": "…", "effective_closing": "…", "submitted_at": "…" | null,
                "status": "late", "incidents": [3], "standing": 1, "decision": "accepted" | null,
                "faults": [], "deduction": "0.25",
                "appeal": null | {"id", "decision", "reason", "decision_reason"},
                "counted": true, "points": "0.25"}, …],
     "totals": {"D157": "0.25", "P17-STP": "0.00", …},
     "evidence": {"lines": 16, "statuses": {"late": 2, …}, "with_faults": 1, "not_reviewed": [["D157", "2021Q4"]],
                  "incidents": [{"id", "start", "end", "description"}], "appeals": {"upheld": 1, "overturned": 1},
                  "points": "2.75"},
     "settings": [{"number": 1, "valid_from": null, "periods": ["2021Q1", …], "values": {…}}]}

Its canonical text (keys sorted, no spaces, UTF-8) is what is stored and hashed (SHA-256): the same
ledger always gives the same bytes. ``ledger_of`` rebuilds the ledger's lines from it, so the command,
the API, the workbook and the pages render a closed year exactly as they render a live one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from kstt.catalogue.rules.deadlines import Schedule
from kstt.catalogue.rules.periods import Period
from kstt.compliance.ledger_selectors import AppealState, Ledger, LedgerLine
from kstt.compliance.rules import Status, Verdict, points
from kstt.compliance.selectors import Judged

FORMAT = 1


def _instant(value: datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def line_snapshot(line: LedgerLine, zone: ZoneInfo) -> dict[str, Any]:
    """One ledger line with everything the pages and the workbook show of it."""
    judged, verdict = line.judged, line.judged.verdict
    schedule = judged.schedule
    return {
        "unit": judged.code,
        "unit_id": judged.unit_id,
        "name": judged.name,
        "level": judged.level,
        "parent_id": judged.parent_id,
        "report": judged.report,
        "period": judged.period.code,
        "instance_id": judged.instance_id,
        "settings_version": judged.settings_version,
        "window": [schedule.window[0].isoformat(), schedule.window[1].isoformat()],
        "deadline_day": schedule.deadline_day.isoformat(),
        "closing_day": schedule.closing_day.isoformat(),
        "deadline": _instant(verdict.deadline, zone),
        "effective_deadline": _instant(verdict.effective_deadline, zone),
        "closing": _instant(verdict.closing, zone),
        "effective_closing": _instant(verdict.effective_closing, zone),
        "submitted_at": _instant(verdict.submitted_at, zone),
        "status": str(verdict.status),
        "incidents": list(verdict.incidents),
        "standing": verdict.standing,
        "decision": verdict.decision,
        "faults": list(verdict.faults),
        "deduction": points(verdict.deduction),
        "appeal": (
            {
                "id": line.appeal.id,
                "decision": line.appeal.decision,
                "reason": line.appeal.reason,
                "decision_reason": line.appeal.decision_reason,
            }
            if line.appeal is not None
            else None
        ),
        "counted": line.counted,
        "points": points(line.points),
    }


@dataclass(frozen=True)
class SettingsUsed:
    """A settings version that judged some of the year's periods."""

    number: int
    valid_from: date | None
    values: Mapping[str, Any]


@dataclass(frozen=True)
class IncidentUsed:
    id: int
    start: datetime
    end: datetime | None
    description: str


def snapshot(
    *,
    ledger: Ledger,
    report: str,
    province: tuple[str, str],
    settings: Mapping[str, SettingsUsed],
    incidents: Sequence[IncidentUsed],
    zone: ZoneInfo,
) -> dict[str, Any]:
    """The snapshot of a province's ledger of a year (see the module's docstring). ``settings``: period
    code → the settings version that judged it; ``incidents``: those the lines name."""
    lines = [line_snapshot(line, zone) for line in ledger.lines]
    by_number: dict[int, dict[str, Any]] = {}
    for code in sorted(settings):
        used = settings[code]
        entry = by_number.setdefault(
            used.number,
            {
                "number": used.number,
                "valid_from": used.valid_from.isoformat() if used.valid_from else None,
                "values": dict(used.values),
                "periods": [],
            },
        )
        entry["periods"].append(code)
    appeals = Counter(line.appeal.decision for line in ledger.lines if line.appeal is not None)
    return {
        "format": FORMAT,
        "report": report,
        "year": ledger.year,
        "province": {"code": province[0], "name": province[1]},
        "judged_at": _instant(ledger.as_of, zone),
        "lines": lines,
        "totals": {code: points(total) for code, total in ledger.totals.items()},
        "evidence": {
            "lines": len(lines),
            "statuses": dict(sorted(Counter(line["status"] for line in lines).items())),
            "with_faults": sum(1 for line in lines if line["faults"]),
            "not_reviewed": [
                [line["unit"], line["period"]]
                for line in lines
                if line["standing"] is not None and line["decision"] is None
            ],
            "incidents": [
                {
                    "id": i.id,
                    "start": _instant(i.start, zone),
                    "end": _instant(i.end, zone),
                    "description": i.description,
                }
                for i in sorted(incidents, key=lambda i: i.id)
            ],
            "appeals": dict(sorted(appeals.items())),
            "points": points(sum((line.points for line in ledger.lines), Decimal("0"))),
        },
        "settings": [by_number[n] for n in sorted(by_number)],
    }


def canonical(data: Mapping[str, Any]) -> str:
    """The one text of a snapshot: keys sorted, no spaces, non-ASCII kept (hashed as UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _judged(data: Mapping[str, Any]) -> Judged:
    period = Period.parse(data["period"])
    deadline, closing = _parse(data["deadline"]), _parse(data["closing"])
    if deadline is None or closing is None:
        raise ValueError(f"a closed line without its deadline or closing time: {data['unit']} {data['period']}")
    schedule = Schedule(
        period=period,
        level=data["level"],
        window=(date.fromisoformat(data["window"][0]), date.fromisoformat(data["window"][1])),
        deadline_day=date.fromisoformat(data["deadline_day"]),
        closing_day=date.fromisoformat(data["closing_day"]),
        deadline=deadline,
        closing=closing,
        steps=(),
    )
    verdict = Verdict(
        status=Status(data["status"]),
        deadline=deadline,
        effective_deadline=_parse(data["effective_deadline"]),
        closing=closing,
        effective_closing=_parse(data["effective_closing"]),
        submitted_at=_parse(data["submitted_at"]),
        incidents=tuple(data["incidents"]),
        standing=data["standing"],
        decision=data["decision"],
        faults=tuple(data["faults"]),
        deduction=Decimal(data["deduction"]),
        final=True,
    )
    return Judged(
        data["unit_id"],
        data["unit"],
        data["name"],
        data["level"],
        data["parent_id"],
        data["report"],
        period,
        data["instance_id"],
        data["settings_version"],
        True,
        schedule,
        verdict,
    )


def ledger_of(data: Mapping[str, Any]) -> Ledger:
    """The closed ledger, rebuilt from its snapshot: the same lines, in the same order."""
    lines = []
    for item in data["lines"]:
        appeal = item["appeal"]
        state = (
            AppealState(appeal["id"], appeal["decision"], appeal["reason"], appeal["decision_reason"])
            if appeal is not None
            else None
        )
        lines.append(LedgerLine(_judged(item), state))
    judged_at = _parse(data["judged_at"])
    if judged_at is None:
        raise ValueError("a snapshot without the instant it was judged at")
    return Ledger(year=data["year"], as_of=judged_at, lines=lines)


@dataclass(frozen=True)
class Difference:
    """A line whose judgement today differs from the closed one (None: no such line on that side)."""

    unit: str
    report: str
    period: str
    closed: LedgerLine | None
    live: LedgerLine | None


def _facts(line: LedgerLine) -> tuple[Any, ...]:
    """What a line says: the verdict's evidence and the points it counts."""
    verdict = line.judged.verdict
    return (
        verdict.status,
        verdict.effective_deadline,
        verdict.submitted_at,
        verdict.faults,
        verdict.incidents,
        verdict.decision,
        verdict.deduction,
        line.counted,
    )


def differences(closed: Ledger, live: Ledger) -> list[Difference]:
    """The lines whose live verdict differs from the closed one, by unit code then period: a line of
    either side without its match on the other is a difference too."""
    closed_lines = {(x.judged.code, x.judged.report, x.judged.period.code): x for x in closed.lines}
    live_lines = {(x.judged.code, x.judged.report, x.judged.period.code): x for x in live.lines}
    found = []
    for key in sorted(closed_lines.keys() | live_lines.keys()):
        before, now = closed_lines.get(key), live_lines.get(key)
        if before is None or now is None or _facts(before) != _facts(now):
            found.append(Difference(key[0], key[1], key[2], before, now))
    return found
