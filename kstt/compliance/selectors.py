"""Every read of compliance: the verdict of each expected report instance, judged from the facts.

Verdicts are never stored. For a set of periods this reads, with a fixed number of queries whatever
the number of units: the settings in force for each period, the work calendar, in one query the
units expected to report (the tree on each period's window end) with their report instances, versions
and reviews, and the incidents that can move their deadlines. Then the pure rules
(``compliance.rules``) judge each instance; instances sharing a schedule and the same incidents share
one extension. A country's four quarters (45,000 reports) take well under a second on PostgreSQL:
bench/deductions.py measures it.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.deadlines import DeadlinePolicy, Schedule, calendar_years, schedule
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.compliance.choices import AppealDecision
from kstt.compliance.models import Appeal, AppealAttachment
from kstt.compliance.rules import ZERO, Amounts, Status, Verdict, VersionFacts, as_known, judge, status_of
from kstt.incidents import selectors as incidents
from kstt.incidents.rules import Extension, IncidentSpan, extend
from kstt.reports.models import ReportInstance, ReportVersion, Review
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion


@dataclass(frozen=True)
class PeriodSettings:
    """The settings in force for one period, as the verdicts use them."""

    version: int
    policy: DeadlinePolicy
    scored_levels: frozenset[str]
    amounts: Amounts


def period_settings(report_type: ReportType, periods: Sequence[Period]) -> dict[Period, PeriodSettings]:
    """period → the settings in force for it (rules.md §3, §6): the version in force on its first day."""
    versions = catalogue.settings_by_period(report_type, periods)
    result = {}
    for period in periods:
        version = versions[period.code]
        result[period] = PeriodSettings(
            version=version.number,
            policy=version.policy,
            scored_levels=frozenset(version.scored_levels),
            amounts=Amounts(not_sent=version.not_sent_points, late_or_faulty=version.late_points),
        )
    return result


@dataclass(frozen=True)
class Judged:
    """One expected report instance (a unit that owes the report in a period) and its verdict."""

    unit_id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    report: str
    period: Period
    instance_id: int | None
    settings_version: int
    scored: bool
    schedule: Schedule
    verdict: Verdict


def judged(
    *,
    report_type: ReportType,
    periods: Sequence[Period],
    as_of: datetime,
    levels: Iterable[str] | None = None,
    scored_only: bool = False,
    unit_ids: Iterable[int] | None = None,
    within: Unit | None = None,
) -> list[Judged]:
    """The verdict of every expected instance of these periods, sorted by unit code then period.

    ``levels``: only units of these levels (in the period's tree); ``scored_only``: only units whose
    level is scored by the period's settings; ``unit_ids``: only these units; ``within``: only the
    units below this one in each period's tree.
    """
    judging = _Judging.prepare(report_type, periods, as_of=as_of, levels=levels, scored_only=scored_only)
    chosen_ids = sorted(set(unit_ids)) if unit_ids is not None else None
    if judging is None or chosen_ids == []:
        return []
    with collector_paused():
        expected = _expected(report_type, judging.asked, as_of=as_of, unit_ids=chosen_ids, within=within)
        if not expected:
            return []
        judging.load_incidents()
        result: list[Judged] = []
        for code, unit_id, unit_code, name, level, parent_id, instance_id, versions in expected:
            group = judging.group(code, level, unit_id)
            result.append(
                Judged(
                    unit_id,
                    unit_code,
                    name,
                    level,
                    parent_id,
                    report_type.code,
                    group.period,
                    instance_id,
                    group.settings.version,
                    level in group.settings.scored_levels,
                    group.schedule,
                    judge(
                        deadline=group.deadline,
                        closing=group.closing,
                        versions=versions,
                        amounts=group.settings.amounts,
                        as_of=judging.as_of_utc,
                    )
                    if versions
                    else group.unsent,
                )
            )
        # The rows and versions go now, before the collector is back: it will not scan them.
        del expected
        return result


@dataclass(frozen=True, slots=True)
class Glance:
    """An expected instance at a glance: its status and whether it is due (submitted, or its effective
    deadline passed), without the quality review nor the deduction — what the dashboard counts over a
    whole country. ``judged`` gives the full verdict of the few instances a page shows."""

    unit_id: int
    code: str
    name: str
    level: str
    parent_id: int | None
    period: Period
    status: Status
    due: bool


def glances(
    *,
    report_type: ReportType,
    periods: Sequence[Period],
    as_of: datetime,
    within: Unit | None = None,
) -> list[Glance]:
    """The status of every expected instance of these periods (units below ``within``), sorted by unit
    code then period: the same statuses as ``judged``, from one query that reads each instance's
    submitted time (rules.md §4: its first submission) and nothing else."""
    judging = _Judging.prepare(report_type, periods, as_of=as_of)
    if judging is None:
        return []
    with collector_paused():
        rows = _first_submissions(report_type, judging.asked, as_of=as_of, within=within)
        if not rows:
            return []
        judging.load_incidents()
        as_of_utc = judging.as_of_utc
        result: list[Glance] = []
        for code, unit_id, unit_code, name, level, parent_id, sent in rows:
            group = judging.group(code, level, unit_id)
            submitted_at = _instant(sent) if sent is not None else None
            if submitted_at is None:
                status = group.unsent.status
            else:
                status = status_of(
                    deadline=group.deadline, closing=group.closing, submitted_at=submitted_at, as_of=as_of_utc
                )
            due = (
                submitted_at is not None
                or status is Status.NOT_SENT
                or (group.effective_deadline is not None and group.effective_deadline < as_of_utc)
            )
            result.append(Glance(unit_id, unit_code, name, level, parent_id, group.period, status, due))
        del rows
        return result


class _Judging:
    """What judging many instances of some periods shares: the settings in force for each period, the
    work calendar, the schedules, the incidents, and one group per (period, level, incidents in scope)."""

    def __init__(
        self,
        report_type: ReportType,
        periods: list[Period],
        settings: dict[Period, PeriodSettings],
        asked: list[_Asked],
        as_of: datetime,
    ) -> None:
        self.zone = clock.province_zone()
        self.periods, self.settings, self.asked = periods, settings, asked
        years: set[int] = set()
        for period in periods:
            years |= calendar_years([period], settings[period].policy)
        self.calendar = catalogue.work_calendar(years)
        self.schedules: dict[tuple[str, str], Schedule] = {
            (period.code, level): schedule(period, level, settings[period].policy, self.calendar, self.zone)
            for period in periods
            for level in settings[period].policy.levels
        }
        self.by_code = {period.code: period for period in periods}
        self.as_of = as_of
        # The same instant in UTC, the time zone of the versions' instants: comparing two datetimes
        # of one time zone is a hundred times faster than across zones, and judge compares many.
        self.as_of_utc = as_of.astimezone(UTC)
        self.spans: list[IncidentSpan] = []
        self.for_all: tuple[int, ...] = ()
        self.listed: set[int] = set()
        self.groups: dict[tuple[str, str, tuple[int, ...]], _Group] = {}

    @classmethod
    def prepare(
        cls,
        report_type: ReportType,
        periods: Sequence[Period],
        *,
        as_of: datetime,
        levels: Iterable[str] | None = None,
        scored_only: bool = False,
    ) -> _Judging | None:
        """None when no unit can be expected (no period, or no level left by the filters)."""
        ordered = sorted(set(periods), key=lambda p: p.code)
        if not ordered:
            return None
        settings = period_settings(report_type, ordered)
        wanted_levels = set(levels) if levels is not None else None
        asked: list[_Asked] = []
        for period in ordered:
            period_levels = set(settings[period].policy.levels)
            if scored_only:
                period_levels &= settings[period].scored_levels
            if wanted_levels is not None:
                period_levels &= wanted_levels
            if period_levels:
                asked.append(
                    _Asked(period, period.window(settings[period].policy.cutoff_day)[1], sorted(period_levels))
                )
        if not asked:
            return None
        return cls(report_type, ordered, settings, asked, as_of)

    def load_incidents(self) -> None:
        """The incidents that can move these deadlines and closing times, as known at ``as_of``."""
        self.spans = as_known(
            incidents.spans_for(self.schedules.values(), calendar=self.calendar, zone=self.zone), self.as_of
        )
        self.for_all = tuple(span.id for span in self.spans if span.all_units)
        self.listed = {unit_id for span in self.spans if not span.all_units for unit_id in span.unit_ids}

    def group(self, code: str, level: str, unit_id: int) -> _Group:
        spans = self.spans
        scope = tuple(span.id for span in spans if span.covers(unit_id)) if unit_id in self.listed else self.for_all
        group = self.groups.get((code, level, scope))
        if group is None:
            period = self.by_code[code]
            due = self.schedules[(code, level)]
            mine = [span for span in spans if span.id in scope]
            group = self.groups[(code, level, scope)] = _Group(
                period,
                self.settings[period],
                due,
                extend(due.deadline, mine, calendar=self.calendar, zone=self.zone),
                extend(due.closing, mine, calendar=self.calendar, zone=self.zone),
                self.as_of_utc,
            )
        return group


class _Group:
    """What the expected instances of one period and level with the same incidents in scope share:
    the schedule, the effective deadline and closing time, and the verdict when nothing was sent."""

    __slots__ = ("closing", "deadline", "effective_deadline", "period", "schedule", "settings", "unsent")

    def __init__(
        self,
        period: Period,
        settings: PeriodSettings,
        schedule: Schedule,
        deadline: Extension,
        closing: Extension,
        as_of: datetime,
    ) -> None:
        self.period, self.settings, self.schedule = period, settings, schedule
        self.deadline, self.closing = deadline, closing
        effective = deadline.deadline
        self.effective_deadline = effective.astimezone(UTC) if effective is not None else None
        self.unsent = judge(deadline=deadline, closing=closing, versions=(), amounts=settings.amounts, as_of=as_of)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector pauses while the verdicts are made.

    A country's verdicts for a year are some 300,000 objects (rows, versions, verdicts), none in a
    reference cycle, all alive until the caller is done with them: the collector would scan them, and
    everything else alive, hundreds of times while they are made, for nothing (a third of the time,
    measured with bench/deductions.py). Reference counting frees them as usual, and the collector
    runs again afterwards. A collector already paused stays paused.
    """
    pausing = gc.isenabled()
    if pausing:
        gc.disable()
    try:
        yield
    finally:
        if pausing:
            gc.enable()


@dataclass(frozen=True)
class _Asked:
    """The units a period expects: those in force on its window's last day, at these levels."""

    period: Period
    window_end: date
    levels: list[str]


#: An expected instance: period code, unit id, unit code, name, level, parent id, instance id (None
#: when never opened), and its versions submitted by ``as_of``.
_Expected = tuple[str, int, str, str, str, int | None, int | None, list[VersionFacts]]


def _expected(
    report_type: ReportType,
    asked: Sequence[_Asked],
    *,
    as_of: datetime,
    unit_ids: list[int] | None,
    within: Unit | None,
) -> list[_Expected]:
    """Every expected instance of these periods with its facts, in one query, sorted by unit code
    then period code (Python's order, not the database collation's).

    One row per (period, unit) and version submitted by ``as_of``, with its review, or one row
    without a version: the periods' window ends joined with the unit versions in force on each,
    their report instances, versions and reviews. The same query on SQLite and PostgreSQL.
    """
    tables, window_ends, params, where = _expected_sql(asked, unit_ids=unit_ids, within=within)
    params[2 * len(asked) : 2 * len(asked)] = [report_type.pk, connection.ops.adapt_datetimefield_value(as_of)]
    sql = f"""
        WITH periods (code, window_end) AS (VALUES {window_ends})
        SELECT p.code, v.id, v.unit_id, u.code, v.name, v.level, v.parent_id, i.id,
               s.number, CAST(s.submitted_at AS TEXT), r.decision, CAST(r.reasons AS TEXT), CAST(r.at AS TEXT)
        FROM periods p
        JOIN {tables["unit_version"]} v
          ON (v.valid_from IS NULL OR v.valid_from <= p.window_end)
         AND (v.valid_until IS NULL OR v.valid_until > p.window_end)
        JOIN {tables["unit"]} u ON u.id = v.unit_id
        LEFT JOIN {tables["instance"]} i ON i.unit_id = v.unit_id AND i.report_type_id = %s AND i.period = p.code
        LEFT JOIN {tables["version"]} s ON s.instance_id = i.id AND s.submitted_at <= %s
        LEFT JOIN {tables["review"]} r ON r.version_id = s.id
        WHERE {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[tuple[str, int], _Expected] = {}
    for code, pk, unit_id, unit_code, name, level, parent_id, instance_id, number, sent, decision, reasons, at in rows:
        entry = found.get((code, pk))
        if entry is None:
            entry = found[(code, pk)] = (code, unit_id, unit_code, name, level, parent_id, instance_id, [])
        if number is not None:
            entry[7].append(
                VersionFacts(
                    number,
                    _instant(sent),
                    decision,
                    () if reasons is None or reasons == "[]" else tuple(json.loads(reasons)),
                    _instant(at) if at is not None else None,
                )
            )
    return sorted(found.values(), key=itemgetter(2, 0))  # unit code, period code


def _expected_sql(
    asked: Sequence[_Asked], *, unit_ids: list[int] | None, within: Unit | None
) -> tuple[dict[str, str], str, list[Any], str]:
    """The parts of the queries of the expected units: the tables, the periods' VALUES with their
    parameters first, then the WHERE clause's parameters (a caller inserts its own between them)."""
    ops = connection.ops
    tables = {
        "unit_version": UnitVersion._meta.db_table,
        "unit": Unit._meta.db_table,
        "instance": ReportInstance._meta.db_table,
        "version": ReportVersion._meta.db_table,
        "review": Review._meta.db_table,
    }
    window_ends = ", ".join(["(%s, %s)"] * len(asked))
    params: list[Any] = [value for a in asked for value in (a.period.code, ops.adapt_datefield_value(a.window_end))]
    wanted: list[str] = []
    for a in asked:
        condition = f"p.code = %s AND v.level IN ({', '.join(['%s'] * len(a.levels))})"
        params += [a.period.code, *a.levels]
        if within is not None:
            below = units.descendant_ids(within, on=a.window_end)
            condition += f" AND v.unit_id IN ({below.sql})"
            params += list(below.params)
        wanted.append(f"({condition})")
    where = " OR ".join(wanted)
    if unit_ids is not None:
        where = f"({where}) AND v.unit_id IN ({', '.join(['%s'] * len(unit_ids))})"
        params += unit_ids
    return tables, window_ends, params, where


def _first_submissions(
    report_type: ReportType, asked: Sequence[_Asked], *, as_of: datetime, within: Unit | None
) -> list[tuple[str, int, str, str, str, int | None, str | None]]:
    """(period code, unit id, unit code, name, level, parent id, submitted time as text or None) of
    every expected instance, sorted by unit code then period code: one query, no version read (the
    instance keeps its §4 submitted time, its first submission)."""
    tables, window_ends, params, where = _expected_sql(asked, unit_ids=None, within=within)
    ops = connection.ops
    params[2 * len(asked) : 2 * len(asked)] = [
        ops.adapt_datetimefield_value(as_of),
        report_type.pk,
    ]
    sql = f"""
        WITH periods (code, window_end) AS (VALUES {window_ends})
        SELECT p.code, v.unit_id, u.code, v.name, v.level, v.parent_id,
               CASE WHEN i.first_submitted_at <= %s THEN CAST(i.first_submitted_at AS TEXT) END
        FROM periods p
        JOIN {tables["unit_version"]} v
          ON (v.valid_from IS NULL OR v.valid_from <= p.window_end)
         AND (v.valid_until IS NULL OR v.valid_until > p.window_end)
        JOIN {tables["unit"]} u ON u.id = v.unit_id
        LEFT JOIN {tables["instance"]} i ON i.unit_id = v.unit_id AND i.report_type_id = %s AND i.period = p.code
        WHERE {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=itemgetter(2, 0))  # unit code, period code (Python's order, not the collation's)
    return rows


def _instant(text: str) -> datetime:
    """An instant the database wrote as text: PostgreSQL's ``2021-09-20 16:59:59.999999+00`` (the
    connection's time zone is UTC), SQLite's stored UTC ``2021-09-20 16:59:59.999999``. Read by
    ``datetime.fromisoformat`` (in C), some fifty times faster than the time stamp loader Django
    installs in the PostgreSQL driver (in Python): with a country's versions, it is what the
    verdicts wait on."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- The ledger (rules.md §6) -----------------------------------------------------------------------


@dataclass(frozen=True)
class AppealState:
    """Where an appeal against a ledger line stands: pending, upheld or overturned."""

    id: int
    decision: str  # "pending" | "upheld" | "overturned"
    reason: str
    decision_reason: str = ""


@dataclass(frozen=True)
class LedgerLine:
    """A scored instance whose effective closing time has passed: its verdict is final."""

    judged: Judged
    appeal: AppealState | None = None

    @property
    def counted(self) -> bool:
        """An overturned line stays in the ledger, marked, and no longer counts."""
        return self.appeal is None or self.appeal.decision != "overturned"

    @property
    def points(self) -> Decimal:
        return self.judged.verdict.deduction if self.counted else ZERO


@dataclass(frozen=True)
class Ledger:
    year: int
    as_of: datetime
    lines: list[LedgerLine]

    @property
    def totals(self) -> dict[str, Decimal]:
        """unit code → the sum of its counted deductions (every unit with a line, in code order)."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.judged.code] = totals.get(line.judged.code, ZERO) + line.points
        return dict(sorted(totals.items()))


def ledger(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    unit_ids: Iterable[int] | None = None,
    within: Unit | None = None,
) -> Ledger:
    """The deductions of a year (periods ending in it) known at ``as_of``: one line per scored
    instance whose effective closing time has passed, sorted by unit code then period."""
    year_periods = periods_of_year(year, report_type.periods)
    lines = [
        judged_
        for judged_ in judged(
            report_type=report_type,
            periods=year_periods,
            as_of=as_of,
            scored_only=True,
            unit_ids=unit_ids,
            within=within,
        )
        if judged_.verdict.final
    ]
    appeals = _appeals(lines, as_of=as_of)
    return Ledger(
        year=year,
        as_of=as_of,
        lines=[LedgerLine(line, appeals.get((line.unit_id, line.period.code))) for line in lines],
    )


def _appeals(lines: Sequence[Judged], *, as_of: datetime) -> dict[tuple[int, str], AppealState]:
    """(unit id, period code) → the latest appeal against that line as it stood at ``as_of``.

    One query whatever the number of lines. An appeal filed after ``as_of`` did not exist yet; one
    decided after it was still pending then.
    """
    if not lines:
        return {}
    keys = {(line.unit_id, line.period.code) for line in lines}
    rows = (
        Appeal.objects.filter(
            report_type__code__in=sorted({line.report for line in lines}),
            period__in=sorted({code for _, code in keys}),
            filed_at__lte=as_of,
        )
        .order_by("filed_at", "id")
        .values_list("id", "unit_id", "period", "decision", "reason", "decision_reason", "decided_at")
    )
    found: dict[tuple[int, str], AppealState] = {}
    for pk, unit_id, period, decision, reason, decision_reason, decided_at in rows:
        if (unit_id, period) not in keys:
            continue
        decided = decided_at is not None and decided_at <= as_of
        found[(unit_id, period)] = AppealState(
            id=pk,
            decision=decision if decided else AppealDecision.PENDING.value,
            reason=reason,
            decision_reason=decision_reason if decided else "",
        )
    return found


# --- The ledger's pages: a year's table, one line's evidence, the appeals ----------------------------


@dataclass(frozen=True)
class YearCell:
    """One expected report of a unit in the year, in the table: a ledger line once it is final."""

    judged: Judged
    appeal: AppealState | None = None

    @property
    def final(self) -> bool:
        return self.judged.verdict.final

    @property
    def in_ledger(self) -> bool:
        """Scored and past its effective closing time: a line of the ledger."""
        return self.judged.scored and self.final

    @property
    def counted(self) -> bool:
        return self.in_ledger and (self.appeal is None or self.appeal.decision != AppealDecision.OVERTURNED)

    @property
    def points(self) -> Decimal:
        return self.judged.verdict.deduction if self.counted else ZERO


@dataclass(frozen=True)
class YearRow:
    unit_id: int
    code: str
    name: str
    level: str
    cells: dict[str, YearCell]  # period code → cell

    @property
    def total(self) -> Decimal:
        return sum((cell.points for cell in self.cells.values()), ZERO)

    @property
    def appealed(self) -> list[YearCell]:
        return [cell for cell in self.cells.values() if cell.appeal is not None]


@dataclass(frozen=True)
class YearTable:
    """A year's deductions per unit and period, as known at ``as_of`` (the ledger's pages)."""

    year: int
    as_of: datetime
    periods: list[Period]
    rows: list[YearRow]

    @property
    def ledger(self) -> Ledger:
        """The same lines as ``ledger()`` gives (scored, final), with their appeals."""
        lines = [
            LedgerLine(cell.judged, cell.appeal) for row in self.rows for cell in row.cells.values() if cell.in_ledger
        ]
        lines.sort(key=lambda line: (line.judged.code, line.judged.period.code))
        return Ledger(year=self.year, as_of=self.as_of, lines=lines)

    @property
    def period_totals(self) -> dict[str, Decimal]:
        return {
            period.code: sum((row.cells[period.code].points for row in self.rows if period.code in row.cells), ZERO)
            for period in self.periods
        }

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), ZERO)

    @property
    def not_final(self) -> list[YearCell]:
        """Scored reports whose effective closing time is still ahead: no line yet, their verdict may change."""
        return [cell for row in self.rows for cell in row.cells.values() if cell.judged.scored and not cell.final]


#: The order of the levels in a table (as the official forms print them).
LEVEL_ORDER = {"province": 0, "department": 1, "district": 2, "commune": 3}


def year_table(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    scored_only: bool = True,
    unit_ids: Iterable[int] | None = None,
) -> YearTable:
    """Every expected report of the year (periods ending in it) per unit, with the appeals of its
    final lines; rows by level (departments, districts, communes) then unit code. A fixed number of
    queries (``judged`` and one for the appeals)."""
    year_periods = periods_of_year(year, report_type.periods)
    found = judged(
        report_type=report_type, periods=year_periods, as_of=as_of, scored_only=scored_only, unit_ids=unit_ids
    )
    appeals = _appeals([j for j in found if j.scored and j.verdict.final], as_of=as_of)
    rows: dict[int, YearRow] = {}
    for item in found:  # sorted by code then period: the latest period's name and level win
        cell = YearCell(item, appeals.get((item.unit_id, item.period.code)))
        row = rows.get(item.unit_id)
        cells = {**row.cells, item.period.code: cell} if row is not None else {item.period.code: cell}
        rows[item.unit_id] = YearRow(item.unit_id, item.code, item.name, item.level, cells)
    ordered = sorted(rows.values(), key=lambda r: (LEVEL_ORDER.get(r.level, 9), r.code))
    return YearTable(year=year, as_of=as_of, periods=year_periods, rows=ordered)


@dataclass(frozen=True)
class ReviewFacts:
    """The review of a line's standing version, as the evidence shows it."""

    version: int
    submitted_at: datetime
    decision: str
    reasons: tuple[str, ...]
    text: str
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class IncidentFacts:
    id: int
    start: datetime
    end: datetime | None
    description: str


@dataclass(frozen=True)
class AppealFacts:
    """One appeal against a line, its decision as known at the page's instant, and its files."""

    id: int
    reason: str
    filed_by: str
    filed_at: datetime
    decision: str
    decision_reason: str
    decided_by: str
    decided_at: datetime | None
    line: dict[str, Any]
    attachments: list[tuple[int, str, int]]  # (id, name, size)

    @property
    def pending(self) -> bool:
        return self.decision == AppealDecision.PENDING


@dataclass(frozen=True)
class LineEvidence:
    """Everything a line rests on (rules.md §6): the verdict, the review, the incidents, the appeals."""

    judged: Judged
    appeals: list[AppealFacts]
    review: ReviewFacts | None
    incidents: list[IncidentFacts]

    @property
    def cell(self) -> YearCell:
        latest = self.appeals[0] if self.appeals else None
        state = (
            AppealState(latest.id, latest.decision, latest.reason, latest.decision_reason)
            if latest is not None
            else None
        )
        return YearCell(self.judged, state)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def line_evidence(*, report_type: ReportType, unit_id: int, period: Period, as_of: datetime) -> LineEvidence | None:
    """One expected report's evidence at ``as_of``; None when the unit owed no report in that period."""
    found = judged(report_type=report_type, periods=[period], as_of=as_of, unit_ids=[unit_id])
    if not found:
        return None
    item = found[0]
    verdict = item.verdict
    review = None
    if item.instance_id is not None and verdict.standing is not None and verdict.decision is not None:
        version = (
            ReportVersion.objects.filter(instance_id=item.instance_id, number=verdict.standing)
            .select_related("review", "review__by")
            .first()
        )
        if version is not None and hasattr(version, "review"):
            review = ReviewFacts(
                version=version.number,
                submitted_at=version.submitted_at,
                decision=version.review.decision,
                reasons=tuple(version.review.reasons or ()),
                text=version.review.text,
                reviewer=_name(version.review.by),
                at=version.review.at,
            )
    known = incidents.incidents().filter(pk__in=list(verdict.incidents)) if verdict.incidents else []
    return LineEvidence(
        judged=item,
        appeals=appeals_of_line(report_type=report_type, unit_id=unit_id, period=period, as_of=as_of),
        review=review,
        incidents=[IncidentFacts(i.pk, i.start, i.end, i.description) for i in known],
    )


def _appeal_facts(appeal: Appeal, as_of: datetime) -> AppealFacts:
    decided = appeal.decided_at is not None and appeal.decided_at <= as_of
    return AppealFacts(
        id=appeal.pk,
        reason=appeal.reason,
        filed_by=_name(appeal.filed_by),
        filed_at=appeal.filed_at,
        decision=appeal.decision if decided else AppealDecision.PENDING.value,
        decision_reason=appeal.decision_reason if decided else "",
        decided_by=_name(appeal.decided_by) if decided else "",
        decided_at=appeal.decided_at if decided else None,
        line=dict(appeal.line),
        attachments=[(a.pk, a.name, a.size) for a in appeal.attachments.all()],
    )


def _appeals_known(as_of: datetime) -> Any:
    return (
        Appeal.objects.filter(filed_at__lte=as_of)
        .select_related("unit", "report_type", "filed_by", "decided_by")
        .prefetch_related("attachments")
    )


def appeals_of_line(*, report_type: ReportType, unit_id: int, period: Period, as_of: datetime) -> list[AppealFacts]:
    """Every appeal against one line filed by ``as_of``, newest first (two queries)."""
    qs = _appeals_known(as_of).filter(report_type=report_type, unit_id=unit_id, period=period.code)
    return [_appeal_facts(appeal, as_of) for appeal in qs.order_by("-filed_at", "-id")]


@dataclass(frozen=True)
class AppealRow:
    facts: AppealFacts
    unit_code: str
    unit_name: str
    period: str


def appeals_to_decide(*, report_type: ReportType, as_of: datetime) -> list[AppealRow]:
    """Every appeal filed by ``as_of``: those waiting for a decision first (oldest first), then the
    decided ones (latest decision first). Unit names as of the appeal's period (three queries)."""
    rows = list(_appeals_known(as_of).filter(report_type=report_type))
    names = _names_in_periods(report_type, {(a.unit.code, a.period) for a in rows})
    found = [
        AppealRow(_appeal_facts(a, as_of), a.unit.code, names.get((a.unit.code, a.period), a.unit.code), a.period)
        for a in rows
    ]
    pending = sorted((r for r in found if r.facts.pending), key=lambda r: (r.facts.filed_at, r.facts.id))
    decided = sorted(
        (r for r in found if not r.facts.pending),
        key=lambda r: (r.facts.decided_at or r.facts.filed_at, r.facts.id),
        reverse=True,
    )
    return pending + decided


def _names_in_periods(report_type: ReportType, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(unit code, period code) → the unit's name at the end of that period's window (one query)."""
    if not keys:
        return {}
    periods = sorted({Period.parse(code) for _, code in keys}, key=lambda p: p.code)
    settings = period_settings(report_type, periods)
    ends = {p.code: p.window(settings[p].policy.cutoff_day)[1] for p in periods}
    versions = UnitVersion.objects.filter(unit__code__in=sorted({code for code, _ in keys})).values_list(
        "unit__code", "name", "valid_from", "valid_until"
    )
    names: dict[tuple[str, str], str] = {}
    for code, name, valid_from, valid_until in versions:
        for unit_code, period in keys:
            end = ends[period]
            if (
                unit_code == code
                and (valid_from is None or valid_from <= end)
                and (valid_until is None or end < valid_until)
            ):
                names[(code, period)] = name
    return names


def window_end(report_type: ReportType, period: Period) -> date:
    """The last day of a period's data window under the settings in force for it."""
    return catalogue.window(report_type, period)[1]


def incident_descriptions(ledger: Ledger) -> dict[int, str]:
    """id → description of every incident the ledger's lines name (one query; none when no line names one)."""
    ids = {i for line in ledger.lines for i in line.judged.verdict.incidents}
    return incidents.descriptions(ids) if ids else {}


def unit_in_year(report_type: ReportType, code: str, year: int) -> tuple[UnitVersion, date] | None:
    """The unit as it was at the end of the latest period's window of the year it existed in, and that
    day (two queries)."""
    year_periods = periods_of_year(year, report_type.periods)
    settings = period_settings(report_type, year_periods)
    ends = sorted((p.window(settings[p].policy.cutoff_day)[1] for p in year_periods), reverse=True)
    versions = list(UnitVersion.objects.filter(unit__code=code).select_related("unit", "parent"))
    for end in ends:
        for version in versions:
            if (version.valid_from is None or version.valid_from <= end) and (
                version.valid_until is None or end < version.valid_until
            ):
                return version, end
    return None


def appeal(pk: int) -> Appeal | None:
    return Appeal.objects.select_related("unit", "report_type").filter(pk=pk).first()


def appeal_attachment(*, appeal_id: int, pk: int) -> AppealAttachment | None:
    """The file of an appeal (with its appeal), or None."""
    return (
        AppealAttachment.objects.select_related("appeal", "appeal__unit", "appeal__report_type")
        .filter(appeal_id=appeal_id, pk=pk)
        .first()
    )
