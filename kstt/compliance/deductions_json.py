"""The deductions of a year as interchange.md writes them (`kstt deductions`): plain data in, JSON-able out.

A renderer never queries: it takes the ledger the compliance selectors built.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kstt.compliance.ledger_selectors import Ledger, LedgerLine
from kstt.compliance.rules import points

LINE_COLUMNS = (
    "unit",
    "report",
    "period",
    "deadline",
    "effective_deadline",
    "submitted_at",
    "status",
    "faults",
    "incidents",
    "deduction",
)


def instant(value: datetime | None, zone: ZoneInfo) -> str | None:
    """An instant in the province's time with its offset (``2021-09-20T23:59:59.999999+07:00``)."""
    return value.astimezone(zone).isoformat() if value is not None else None


def line_json(line: LedgerLine, zone: ZoneInfo) -> dict[str, Any]:
    judged, verdict = line.judged, line.judged.verdict
    return {
        "unit": judged.code,
        "report": judged.report,
        "period": judged.period.code,
        "deadline": instant(verdict.deadline, zone),
        "effective_deadline": instant(verdict.effective_deadline, zone),
        "submitted_at": instant(verdict.submitted_at, zone),
        "status": str(verdict.status),
        "faults": list(verdict.faults),
        "incidents": list(verdict.incidents),
        "deduction": points(line.points),
    }


def render_deductions_json(ledger: Ledger, zone: ZoneInfo) -> dict[str, Any]:
    """``{"year", "lines", "totals"}`` (interchange.md), and ``appeals``: every appealed line, with the
    deduction the rules give it and where the appeal stands (an overturned line's ``deduction`` is 0.00)."""
    return {
        "year": ledger.year,
        "lines": [line_json(line, zone) for line in ledger.lines],
        "totals": {code: points(total) for code, total in ledger.totals.items()},
        "appeals": [
            {
                "unit": line.judged.code,
                "report": line.judged.report,
                "period": line.judged.period.code,
                "decision": line.appeal.decision,
                "deduction": points(line.judged.verdict.deduction),
                "counted": line.counted,
            }
            for line in ledger.lines
            if line.appeal is not None
        ],
    }


def csv_row(line: LedgerLine, zone: ZoneInfo) -> list[str]:
    data = line_json(line, zone)
    return [
        ";".join(str(v) for v in data[c]) if isinstance(data[c], list) else ("" if data[c] is None else str(data[c]))
        for c in LINE_COLUMNS
    ]


def render_closed_json(ledger: Ledger, zone: ZoneInfo, *, closed: dict[str, Any]) -> dict[str, Any]:
    """A closed year's deductions: the snapshot's ledger as above, and ``closed``: ``{"at", "by",
    "sha256", "revision"}`` (interchange.md)."""
    return {**render_deductions_json(ledger, zone), "closed": closed}


def render_diff_json(
    *, year: int, closed: dict[str, Any], as_of: datetime, changes: Any, totals: tuple[Ledger, Ledger], zone: ZoneInfo
) -> dict[str, Any]:
    """``--diff``: the lines whose live verdict differs from the closed one (docs/reference/ledger.md):
    ``{"year", "closed", "as_of", "changes": [{"unit", "report", "period", "closed": line | null,
    "live": line | null}], "totals": {unit: {"closed", "live"}}}``, a line as in ``lines``, and the
    totals of the units whose total differs."""
    before, now = (ledger.totals for ledger in totals)
    return {
        "year": year,
        "closed": closed,
        "as_of": instant(as_of, zone),
        "changes": [
            {
                "unit": change.unit,
                "report": change.report,
                "period": change.period,
                "closed": line_json(change.closed, zone) if change.closed is not None else None,
                "live": line_json(change.live, zone) if change.live is not None else None,
            }
            for change in changes
        ],
        "totals": {
            code: {
                "closed": points(before[code]) if code in before else None,
                "live": points(now[code]) if code in now else None,
            }
            for code in sorted(before.keys() | now.keys())
            if before.get(code) != now.get(code)
        },
    }
