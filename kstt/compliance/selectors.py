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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any

from django.db import connection

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.deadlines import DeadlinePolicy, Schedule, calendar_years, schedule
from kstt.catalogue.rules.periods import Period
from kstt.compliance.rules import Amounts, Status, Verdict, VersionFacts, as_known, judge, status_of
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


@dataclass(frozen=True)
class WhatIf:
    """Facts as a change not saved yet would leave them, judged in memory (kstt.ledger_impact): the
    province's days (day → kind, None when withdrawn) and incidents (each replaces the recorded one of
    its id, or is added). A new settings version is a report type from ``catalogue.as_if_settings``."""

    days: Mapping[date, str | None] = field(default_factory=dict)
    incidents: tuple[IncidentSpan, ...] = ()


def judged(
    *,
    report_type: ReportType,
    periods: Sequence[Period],
    as_of: datetime,
    levels: Iterable[str] | None = None,
    scored_only: bool = False,
    unit_ids: Iterable[int] | None = None,
    within: Unit | None = None,
    what_if: WhatIf | None = None,
) -> list[Judged]:
    """The verdict of every expected instance of these periods, sorted by unit code then period.

    ``levels``: only units of these levels (in the period's tree); ``scored_only``: only units whose
    level is scored by the period's settings; ``unit_ids``: only these units; ``within``: only the
    units below this one in each period's tree; ``what_if``: facts changed in memory.
    """
    judging = _Judging.prepare(
        report_type, periods, as_of=as_of, levels=levels, scored_only=scored_only, what_if=what_if
    )
    chosen_ids = sorted(set(unit_ids)) if unit_ids is not None else None
    if judging is None or chosen_ids == []:
        return []
    with collector_paused():
        expected = _expected(report_type, judging.asked, as_of=as_of, unit_ids=chosen_ids, within=within)
        if not expected:
            return []
        judging.load_incidents()
        result: list[Judged] = []
        for code, unit_id, unit_code, name, level, parent_id, instance_id, submitted_at, versions in expected:
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
                        submitted_at=submitted_at,
                    )
                    if versions or submitted_at is not None
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
        what_if: WhatIf | None = None,
    ) -> None:
        self.zone = clock.province_zone()
        self.periods, self.settings, self.asked = periods, settings, asked
        self.what_if = what_if or WhatIf()
        years: set[int] = set()
        for period in periods:
            years |= calendar_years([period], settings[period].policy)
        self.calendar = catalogue.work_calendar(years, changed=self.what_if.days)
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
        what_if: WhatIf | None = None,
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
        return cls(report_type, ordered, settings, asked, as_of, what_if)

    def load_incidents(self) -> None:
        """The incidents that can move these deadlines and closing times, as known at ``as_of``."""
        self.spans = as_known(
            incidents.spans_for(
                self.schedules.values(), calendar=self.calendar, zone=self.zone, changed=self.what_if.incidents
            ),
            self.as_of,
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
#: when never opened), its §4 submitted time if it is known at ``as_of`` (the instance's
#: ``first_submitted_at``, the one place it is kept), and its versions submitted by ``as_of``.
_Expected = tuple[str, int, str, str, str, int | None, int | None, datetime | None, list[VersionFacts]]


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
    instant = connection.ops.adapt_datetimefield_value(as_of)
    params[2 * len(asked) : 2 * len(asked)] = [instant, report_type.pk, instant]
    sql = f"""
        WITH periods (code, window_end) AS (VALUES {window_ends})
        SELECT p.code, v.id, v.unit_id, u.code, v.name, v.level, v.parent_id, i.id,
               CASE WHEN i.first_submitted_at <= %s THEN CAST(i.first_submitted_at AS TEXT) END,
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
    for row in rows:
        code, pk, unit_id, unit_code, name, level, parent_id, instance_id, first = row[:9]
        number, sent, decision, reasons, at = row[9:]
        entry = found.get((code, pk))
        if entry is None:
            submitted_at = _instant(first) if first is not None else None
            entry = (code, unit_id, unit_code, name, level, parent_id, instance_id, submitted_at, [])
            found[(code, pk)] = entry
        if number is not None:
            entry[8].append(
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
