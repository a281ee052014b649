"""What a change to the facts would do to the ledger before it is saved (issue 14 point 4).

Registered with kstt.ledger_watch when compliance loads: the catalogue and incidents ask through it
(kstt.ledger_impact). For each report type the change can touch, the years whose lines it can move are
judged twice in memory with ``selectors.judged`` (today's facts, then with the change applied through
``WhatIf`` or ``catalogue.as_if_settings``), and ``rules.ledger_changes`` lists the final lines that
differ. Nothing is saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import periods_of_year
from kstt.compliance.rules import LineKey, ledger_changes
from kstt.compliance.selectors import Judged, WhatIf, judged
from kstt.incidents.models import Incident
from kstt.incidents.rules import WINDOW, IncidentSpan
from kstt.ledger_impact import Change, DayChange, IncidentChange, LineChange, LineState, SettingsChange


class LedgerImpact:
    """compliance's answer to ``LedgerWatch.impact``."""

    def impact(self, change: Change, *, as_of: datetime) -> list[LineChange]:
        this_year = as_of.astimezone(clock.province_zone()).year
        changes: list[LineChange] = []
        for report_type, years, what_if, twin in _scenarios(change, as_of):
            years = sorted(y for y in years if y <= this_year)  # no line of a later year is final yet
            if not years:
                continue
            periods = [p for year in years for p in periods_of_year(year, report_type.periods)]
            before = _lines(judged(report_type=report_type, periods=periods, as_of=as_of, scored_only=True))
            after = _lines(
                judged(report_type=twin or report_type, periods=periods, as_of=as_of, scored_only=True, what_if=what_if)
            )
            changes += ledger_changes(before, after)
        changes.sort(key=lambda line: (line.unit, line.period, line.report))
        return changes


def _lines(verdicts: Iterable[Judged]) -> dict[LineKey, tuple[str, LineState]]:
    """The ledger's lines among these verdicts (scored and final)."""
    return {
        (j.code, j.period.code, j.report): (j.name, LineState(j.verdict.status.value, j.verdict.deduction))
        for j in verdicts
        if j.scored and j.verdict.final
    }


_Scenario = tuple[ReportType, set[int], WhatIf | None, ReportType | None]


def _scenarios(change: Change, as_of: datetime) -> list[_Scenario]:
    """(report type, the years whose lines the change can move, the facts changed, the report type as
    the change leaves it) for each report type the change touches."""
    if isinstance(change, SettingsChange):
        report_type = catalogue.report_type(change.report_type)
        if report_type is None:
            return []
        twin = catalogue.as_if_settings(report_type, valid_from=change.valid_from, values=change.values)
        # Periods are judged by the version in force on their first day: those starting on or after it.
        return [(report_type, set(range(change.valid_from.year, as_of.year + 1)), None, twin)]
    if isinstance(change, DayChange):
        # A day moves the deadlines and closing times that fall on or roll over it: those of periods
        # ending in its year or the year before (a Q4's closing time is in the next year's first months).
        what_if = WhatIf(days={change.day: change.kind})
        years = {change.day.year - 1, change.day.year}
        return [(rt, years, what_if, None) for rt in catalogue.report_types()]
    spans, years = _incident_spans(change, as_of)
    what_if = WhatIf(incidents=spans)
    return [(rt, years, what_if, None) for rt in catalogue.report_types()] if spans else []


def _incident_spans(change: IncidentChange, as_of: datetime) -> tuple[tuple[IncidentSpan, ...], set[int]]:
    """The incidents as the change leaves them (a new one gets an id no recorded incident has: −1, −2 …)
    and the years whose lines they can move: an incident moves the deadlines and closing times in the
    24 hours before it through its end (or today, while it is open), so lines of periods ending from
    the year before its start to that end's year — before and after the change."""
    zone = clock.province_zone()
    spans, years = [], set()
    recorded = {
        i.pk: i
        for i in Incident.objects.filter(pk__in=[facts.id for facts in change.incidents if facts.id is not None])
    }
    for index, facts in enumerate(change.incidents, start=1):
        spans.append(
            IncidentSpan(
                id=facts.id if facts.id is not None else -index,
                start=facts.start,
                end=facts.end,
                all_units=facts.all_units,
                unit_ids=frozenset() if facts.all_units else facts.unit_ids,
            )
        )
        reaches = [(facts.start, facts.end)]
        if facts.id in recorded:
            reaches.append((recorded[facts.id].start, recorded[facts.id].end))
        for start, end in reaches:
            last = (end + WINDOW if end is not None else as_of).astimezone(zone).year
            years |= set(range(start.astimezone(zone).year - 1, last + 1))
    return tuple(spans), years
