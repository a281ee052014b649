"""The reviewers' compliance dashboard: units × periods by status, counts, on-time rates (issue 9).

Every status comes from ``compliance.selectors.judged`` (the one place the rules of rules.md §4–§6
are applied); this module only arranges its verdicts. ``compliance_dashboard`` reads the verdicts of
a year's periods for the units below a root with the fixed number of queries ``judged`` needs,
whatever the number of units; ``summarise`` is plain Python over those verdicts (no database):

- rows: one per unit, its cells aligned with the year's periods, grouped by level (province,
  departments, districts, communes) and sorted by code inside each level;
- filters: a level, a district (the district itself and the units below it in each period's tree),
  and a status (the units with that status in at least one period);
- counts per status, and the on-time rate per period per level, over the level- and district-filtered
  set (the status filter picks rows; the counts are what it picks among).

The on-time rate of a period and level is (on time + excused) / due, where *due* counts the
instances that were submitted or whose effective deadline has passed at ``as_of``: a report not
submitted by its deadline can no longer be on time, while one whose deadline is still ahead (or is
held open by an incident) is not counted yet. No instance due: no rate (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.compliance.ledger_selectors import AppealState, YearCell, latest_appeals
from kstt.compliance.rules import Status, Verdict
from kstt.compliance.selectors import Glance, Judged, collector_paused, glances, judged
from kstt.reports import review_selectors, timeliness
from kstt.units.models import Unit

#: The order statuses are counted and offered in.
STATUSES: tuple[Status, ...] = timeliness.STATUSES
#: The order levels are grouped in (rules.md §1); a level outside it sorts last.
LEVELS: tuple[str, ...] = ("province", "department", "district", "commune")
ON_TIME: frozenset[Status] = timeliness.IN_TIME
HUNDRED = Decimal(100)


class UnknownDistrict(ValueError):
    """The district filter names no district among the dashboard's units."""


def level_order(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


@dataclass(frozen=True)
class Cell:
    """One unit's report of one period, as judged, with the latest appeal against its ledger line."""

    judged: Judged
    appeal: AppealState | None = None

    @property
    def status(self) -> Status:
        return self.judged.verdict.status

    @property
    def faults(self) -> tuple[str, ...]:
        """The return reasons of the standing version (rules.md §5): empty when it has no fault."""
        return self.judged.verdict.faults

    @property
    def deduction(self) -> Decimal | None:
        """The points of the ledger's line, the same as the ledger counts them (an overturned appeal: 0);
        None when the report is no line of the ledger (not scored, or its closing time not passed)."""
        cell = YearCell(self.judged, self.appeal)
        return cell.points if cell.in_ledger else None

    def due(self, as_of: datetime) -> bool:
        """Submitted, or its effective deadline has passed at ``as_of``: it counts in the on-time rate."""
        return is_due(self.judged.verdict, as_of)


def status_of_item(item: Judged | Glance) -> Status:
    return item.status if isinstance(item, Glance) else item.verdict.status


def due_of_item(item: Judged | Glance, as_of: datetime) -> bool:
    return item.due if isinstance(item, Glance) else is_due(item.verdict, as_of)


def is_due(verdict: Verdict, as_of: datetime) -> bool:
    """Submitted, or its effective deadline has passed at ``as_of``: it counts in the on-time rate."""
    if verdict.submitted_at is not None or verdict.status is Status.NOT_SENT:
        return True
    return verdict.effective_deadline is not None and verdict.effective_deadline < as_of


@dataclass(frozen=True)
class Row:
    """One unit: its code, name and level as in the latest period it reports in, one verdict per period
    (None where the unit owed no report in that period: it did not exist yet, or had another level)."""

    unit_id: int
    code: str
    name: str
    level: str
    #: At a glance (``Glance``) for every row; the full verdict (``Judged``) for the rows a page shows
    #: (``with_verdicts``).
    judged: tuple[Judged | Glance | None, ...]
    #: period code → the latest appeal against that period's ledger line (``with_verdicts``).
    appeals: Mapping[str, AppealState] = field(default_factory=dict)

    @property
    def cells(self) -> tuple[Cell | None, ...]:
        return tuple(
            Cell(item, self.appeals.get(item.period.code)) if isinstance(item, Judged) else None for item in self.judged
        )

    def has(self, status: Status) -> bool:
        return any(item is not None and status_of_item(item) is status for item in self.judged)


@dataclass(frozen=True)
class Rate:
    """The on-time rate of one level in one period (see the module's docstring)."""

    period: Period
    level: str
    on_time: int  # on time or excused
    due: int
    expected: int

    @property
    def percent(self) -> Decimal | None:
        if not self.due:
            return None
        return (HUNDRED * self.on_time / self.due).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class District:
    unit_id: int
    code: str
    name: str


@dataclass(frozen=True)
class Dashboard:
    year: int
    as_of: datetime
    periods: tuple[Period, ...]
    #: The rows the filters pick, grouped by level, by code inside a level.
    rows: list[Row]
    #: status → number of instances (cells) of the level- and district-filtered set.
    counts: dict[Status, int]
    #: The on-time rate per level (in LEVELS order) per period, over the same set.
    rates: list[Rate]
    #: What the filters may choose among: the levels and districts of every unit shown unfiltered.
    levels: list[str]
    districts: list[District]
    #: Versions waiting for review past the reviewers' own deadline (KSTT_REVIEW_DAYS, issue 14 point 6)
    #: among the same set as ``counts``.
    overdue_review: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def rates_by_level(self) -> dict[str, list[Rate]]:
        """level → its rates, one per period, in period order."""
        found: dict[str, list[Rate]] = {}
        for rate in self.rates:
            found.setdefault(rate.level, []).append(rate)
        return found


def compliance_dashboard(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    root: Unit | None,
    level: str | None = None,
    district: str | None = None,
    status: Status | None = None,
) -> Dashboard:
    """The dashboard of ``year`` as known at ``as_of`` for the units below ``root`` (None: every unit)."""
    periods = periods_of_year(year, report_type.periods)
    found = list(glances(report_type=report_type, periods=periods, as_of=as_of, within=root))
    with collector_paused():  # tens of thousands of objects, none in a cycle (see the selectors)
        board = summarise(found, year=year, periods=periods, as_of=as_of, level=level, district=district, status=status)
    chosen = next((d.unit_id for d in board.districts if d.code == district), None) if district else None
    overdue = overdue_review_count(found, report_type=report_type, as_of=as_of, level=level, district_id=chosen)
    return replace(board, overdue_review=overdue)


def overdue_review_count(
    found: Iterable[Judged | Glance],
    *,
    report_type: ReportType,
    as_of: datetime,
    level: str | None,
    district_id: int | None,
) -> int:
    """How many of these instances (the level and district filters applied, as for the counts) have a
    version overdue for review at ``as_of``: one query over the versions waiting for review."""
    cells = {
        (item.unit_id, item.period.code)
        for item in found
        if (not level or item.level == level) and (district_id is None or district_id in (item.unit_id, item.parent_id))
    }
    return len(review_selectors.overdue_for_review(as_of=as_of, report_type=report_type, cells=cells))


def with_verdicts(
    rows: Sequence[Row], *, report_type: ReportType, periods: Sequence[Period], as_of: datetime
) -> list[Row]:
    """The rows a page shows, with the full verdict of each cell (faults, deduction) and the appeals
    against their ledger lines: one ``judged`` for those units only and one query for the appeals, so a
    page costs the same whatever the number of units."""
    if not rows:
        return []
    found = judged(report_type=report_type, periods=periods, as_of=as_of, unit_ids=[row.unit_id for row in rows])
    verdicts = {(item.unit_id, item.period): item for item in found}
    appeals = latest_appeals([item for item in found if item.scored and item.verdict.final], as_of=as_of)
    return [
        Row(
            row.unit_id,
            row.code,
            row.name,
            row.level,
            tuple(verdicts.get((row.unit_id, item.period), item) if item is not None else None for item in row.judged),
            {code: state for (unit_id, code), state in appeals.items() if unit_id == row.unit_id},
        )
        for row in rows
    ]


def summarise(
    found: Iterable[Judged | Glance],
    *,
    year: int,
    periods: Sequence[Period],
    as_of: datetime,
    level: str | None = None,
    district: str | None = None,
    status: Status | None = None,
) -> Dashboard:
    """Arrange verdicts into the dashboard (no database). ``district``: a district's code.

    One pass over the verdicts (tens of thousands for a whole country): this runs on every view.
    """
    index = {period: i for i, period in enumerate(periods)}
    width = len(periods)
    found = list(found)
    districts: dict[int, tuple[int, District]] = {}  # unit id → (period index, the district then)
    levels: set[str] = set()
    for item in found:
        levels.add(item.level)
        if item.level == "district":
            when = index.get(item.period, -1)
            if item.unit_id not in districts or districts[item.unit_id][0] < when:
                districts[item.unit_id] = (when, District(item.unit_id, item.code, item.name))
    chosen: int | None = None
    if district:
        chosen = next((d.unit_id for _, d in districts.values() if d.code == district), None)
        if chosen is None:
            raise UnknownDistrict(district)

    slots: dict[int, list[Judged | Glance | None]] = {}
    counts = dict.fromkeys(STATUSES, 0)
    tally: dict[str, list[list[int]]] = {}  # level → per period [on time, due, expected]
    for item in found:
        i = index.get(item.period)
        if i is None:
            continue
        if level and item.level != level:
            continue
        if chosen is not None and chosen != item.unit_id and chosen != item.parent_id:
            continue
        unit_slots = slots.get(item.unit_id)
        if unit_slots is None:
            unit_slots = slots[item.unit_id] = [None] * width
        unit_slots[i] = item
        item_status = status_of_item(item)
        counts[item_status] += 1
        per_period = tally.get(item.level)
        if per_period is None:
            per_period = tally[item.level] = [[0, 0, 0] for _ in periods]
        figures = per_period[i]
        figures[0] += item_status in ON_TIME
        figures[1] += due_of_item(item, as_of)
        figures[2] += 1

    rows = []
    for unit_id, unit_slots in slots.items():
        last = next(item for item in reversed(unit_slots) if item is not None)  # the latest period's
        rows.append(Row(unit_id, last.code, last.name, last.level, tuple(unit_slots)))
    rows.sort(key=lambda r: (level_order(r.level), r.code))
    if status is not None:
        rows = [row for row in rows if row.has(status)]
    rates = [
        Rate(period, lvl, *tally[lvl][i]) for lvl in sorted(tally, key=level_order) for i, period in enumerate(periods)
    ]
    return Dashboard(
        year=year,
        as_of=as_of,
        periods=tuple(periods),
        rows=rows,
        counts=counts,
        rates=rates,
        levels=sorted(levels, key=level_order),
        districts=sorted((d for _, d in districts.values()), key=lambda d: d.code),
    )
