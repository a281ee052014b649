"""The incident extension rule (rules.md §4), a pure function.

If an incident of the reporting system, in a unit's scope, overlaps the 24 hours that end at the
deadline (start ≤ deadline and end ≥ deadline − 24 h, or still open), the unit's effective deadline
becomes the end of the first working day after the day on which the incident ended; repeat while the
new deadline is again hit by an incident. While such an incident is still open the report cannot yet
be late. The closing time is extended by the same rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kstt.catalogue.rules.deadlines import WorkCalendar, end_of_day
from kstt.interchange import missing_columns, parse_instant
from kstt.unicode_text import is_blank

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class IncidentSpan:
    id: int
    start: datetime
    end: datetime | None  # None while the incident is still open
    all_units: bool
    unit_ids: frozenset[int] = frozenset()

    def covers(self, unit_id: int) -> bool:
        return self.all_units or unit_id in self.unit_ids

    def hits(self, deadline: datetime) -> bool:
        """Does this incident overlap the 24 hours that end at ``deadline``?"""
        return self.start <= deadline and (self.end is None or self.end >= deadline - WINDOW)


@dataclass(frozen=True)
class Extension:
    """The effective deadline after incidents; ``deadline`` is None while an incident is open."""

    scheduled: datetime
    deadline: datetime | None
    incident_ids: tuple[int, ...]

    @property
    def open(self) -> bool:
        return self.deadline is None

    @property
    def extended(self) -> bool:
        return self.deadline != self.scheduled


def in_scope(incidents: Iterable[IncidentSpan], unit_id: int) -> list[IncidentSpan]:
    return [incident for incident in incidents if incident.covers(unit_id)]


def extend(
    deadline: datetime, incidents: Sequence[IncidentSpan], *, calendar: WorkCalendar, zone: ZoneInfo
) -> Extension:
    """Apply the extension rule to a deadline (or a closing time) with the incidents in scope."""
    current: datetime = deadline
    used: list[int] = []
    while True:
        hitting = [i for i in incidents if i.id not in used and i.hits(current)]
        if not hitting:
            return Extension(deadline, current, tuple(used))
        ids = [i.id for i in sorted(hitting, key=lambda i: (i.start, i.id))]
        if any(i.end is None for i in hitting):
            return Extension(deadline, None, (*used, *ids))
        last_day = max(i.end.astimezone(zone).date() for i in hitting if i.end is not None)
        moved = end_of_day(calendar.after(last_day), zone)
        if moved <= current:
            # It ended the day before the deadline's day: the first working day after it is the
            # deadline's own day, so nothing moves and the incident excuses nothing.
            return Extension(deadline, current, tuple(used))
        used.extend(ids)
        current = moved


def reach(incidents: Iterable[IncidentSpan], *, calendar: WorkCalendar, zone: ZoneInfo) -> datetime | None:
    """The latest instant these incidents can move a deadline to: the end of the first working day
    after the last local day one of them ended on (None when there are none, or none has ended)."""
    ends = [i.end for i in incidents if i.end is not None]
    if not ends:
        return None
    return end_of_day(calendar.after(max(ends).astimezone(zone).date()), zone)


# --- The incident file contract (interchange.md "Incidents") ------------------------------------

INCIDENT_COLUMNS = ("start", "end", "scope", "description")


@dataclass(frozen=True)
class IncidentRow:
    line: int
    start: datetime
    end: datetime | None
    all_units: bool
    unit_codes: tuple[str, ...]
    description: str


class IncidentFileError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


def parse_incident_rows(
    header: Sequence[str] | None,
    records: Iterable[dict[str, str | None]],
    *,
    known_codes: frozenset[str] | set[str],
    now: datetime,
) -> list[IncidentRow]:
    """The rows of an incident file; an incident cannot start or end after ``now`` (it has not happened)."""
    missing = missing_columns(header, INCIDENT_COLUMNS)
    if missing:
        raise IncidentFileError(1, f"missing column(s): {', '.join(missing)}")
    rows: list[IncidentRow] = []
    for line, record in enumerate(records, start=2):
        if None in record:
            raise IncidentFileError(line, "more fields than the header has columns")
        values = {c: (record.get(c) or "").strip() for c in INCIDENT_COLUMNS}
        if not values["start"]:
            raise IncidentFileError(line, "empty start")
        try:
            start = parse_instant(values["start"])
            end = parse_instant(values["end"]) if values["end"] else None
        except ValueError as exc:
            raise IncidentFileError(line, f"not an instant: {exc}") from None
        if end is not None and end < start:
            raise IncidentFileError(line, "the incident ends before it starts")
        if start > now or (end is not None and end > now):
            raise IncidentFileError(line, f"the incident is in the future (it is now {now.isoformat()})")
        scope = values["scope"]
        if not scope:
            raise IncidentFileError(line, "empty scope (write all, or unit codes separated by ;)")
        codes: tuple[str, ...] = ()
        if scope.lower() != "all":
            codes = tuple(dict.fromkeys(code.strip() for code in scope.split(";") if code.strip()))
            unknown = [code for code in codes if code not in known_codes]
            if unknown:
                raise IncidentFileError(line, f"unknown unit(s) {', '.join(unknown)}")
        if is_blank(values["description"]):
            raise IncidentFileError(line, "empty description")
        rows.append(IncidentRow(line, start, end, not codes, codes, values["description"]))
    return rows
