"""The deductions of a year as `kstt deductions` and `GET /api/deductions/` answer them (interchange.md
"Deductions"): the closed snapshot once the year is closed, today's judgement with ``live``, the lines
that differ between the two with ``diff``. One function for both, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kstt import clock
from kstt.catalogue.models import ReportType
from kstt.compliance import closing, closing_selectors
from kstt.compliance.deductions_json import render_closed_json, render_deductions_json, render_diff_json
from kstt.compliance.ledger_selectors import Ledger, ledger
from kstt.compliance.models import YearClosing
from kstt.units.models import Unit


class NotClosed(ValueError):
    """``diff`` asked of a year that is not closed."""


def stamp(record: YearClosing) -> dict[str, Any]:
    """``"closed": {"at", "by", "sha256", "revision"}``."""
    return {
        "at": record.closed_at.astimezone(clock.province_zone()).isoformat(),
        "by": closing_selectors.closed_by(record),
        "sha256": record.sha256,
        "revision": record.revision,
    }


def _only(the_ledger: Ledger, unit_ids: list[int] | None) -> Ledger:
    if unit_ids is None:
        return the_ledger
    return Ledger(
        year=the_ledger.year,
        as_of=the_ledger.as_of,
        lines=[line for line in the_ledger.lines if line.judged.unit_id in unit_ids],
    )


@dataclass(frozen=True)
class Answer:
    """What is asked: the ledger to render (closed or live), and the closing it comes from."""

    ledger: Ledger
    closing: YearClosing | None


def resolve(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    province: Unit | None,
    unit_ids: Iterable[int] | None = None,
    live: bool = False,
    named: bool = False,
) -> Answer:
    """The closed ledger when the province's year is closed at ``as_of`` (and ``live`` is not asked),
    else the ledger judged at ``as_of``: the province's units when ``live`` or when the province was
    ``named`` (``--province``), every unit otherwise (a database's only province, as before closings)."""
    chosen = sorted(set(unit_ids)) if unit_ids is not None else None
    record = None
    if province is not None and not live:
        record = closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=as_of)
    if record is not None:
        return Answer(_only(closing_selectors.closed_ledger(record), chosen), record)
    if province is not None and (live or named):
        judged = closing_selectors.live_ledger(report_type=report_type, year=year, province=province, as_of=as_of)
        return Answer(_only(judged, chosen), None)
    return Answer(ledger(report_type=report_type, year=year, as_of=as_of, unit_ids=chosen), None)


def answer_json(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    province: Unit | None,
    unit_ids: Iterable[int] | None = None,
    live: bool = False,
    diff: bool = False,
    named: bool = False,
) -> dict[str, Any]:
    """The JSON of the deductions (see the module's docstring). ``diff`` of an open year: NotClosed."""
    zone = clock.province_zone()
    chosen = sorted(set(unit_ids)) if unit_ids is not None else None
    if diff:
        record = (
            closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=as_of)
            if province is not None
            else None
        )
        if record is None:
            raise NotClosed(year)
        closed = _only(closing_selectors.closed_ledger(record), chosen)
        now = _only(
            closing_selectors.live_ledger(report_type=report_type, year=year, province=record.province, as_of=as_of),
            chosen,
        )
        return render_diff_json(
            year=year,
            closed=stamp(record),
            as_of=as_of,
            changes=closing.differences(closed, now),
            totals=(closed, now),
            zone=zone,
        )
    found = resolve(
        report_type=report_type, year=year, as_of=as_of, province=province, unit_ids=chosen, live=live, named=named
    )
    if found.closing is not None:
        return render_closed_json(found.ledger, zone, closed=stamp(found.closing))
    return render_deductions_json(found.ledger, zone)
