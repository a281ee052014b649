"""Every read of compliance: the verdict of each expected report instance, judged from the facts.

Verdicts are never stored. For a set of periods this reads, with a fixed number of queries whatever
the number of units: the settings in force for each period, the work calendar, the units expected to
report (the tree on each period's window end), the incidents that can move their deadlines, the
report instances and their versions with the reviews. Then the pure rules (``compliance.rules``)
judge each instance; instances sharing a schedule and the same incidents share one extension.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.deadlines import DeadlinePolicy, Schedule, calendar_years, schedule
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.compliance.rules import ZERO, Amounts, Verdict, VersionFacts, as_known, judge
from kstt.incidents import selectors as incidents
from kstt.incidents.rules import Extension, extend
from kstt.reports.models import ReportInstance, ReportVersion
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
    """period → the settings in force for it (rules.md §3, §6)."""
    policy = catalogue.policy(report_type)
    return {
        period: PeriodSettings(
            version=report_type.settings_version,
            policy=policy,
            scored_levels=frozenset({"department", "district"}),
            amounts=Amounts(),
        )
        for period in periods
    }


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
    periods = sorted(set(periods), key=lambda p: p.code)
    if not periods:
        return []
    zone = clock.province_zone()
    settings = period_settings(report_type, periods)
    years: set[int] = set()
    for period in periods:
        years |= calendar_years([period], settings[period].policy)
    calendar = catalogue.work_calendar(years)
    schedules: dict[tuple[Period, str], Schedule] = {
        (period, level): schedule(period, level, settings[period].policy, calendar, zone)
        for period in periods
        for level in settings[period].policy.levels
    }
    wanted_levels = set(levels) if levels is not None else None
    chosen_ids = set(unit_ids) if unit_ids is not None else None

    expected: list[tuple[Period, dict[str, Any]]] = []
    for period in periods:
        period_levels = set(settings[period].policy.levels)
        if scored_only:
            period_levels &= settings[period].scored_levels
        if wanted_levels is not None:
            period_levels &= wanted_levels
        if not period_levels:
            continue
        end = period.window(settings[period].policy.cutoff_day)[1]
        qs = UnitVersion.objects.filter(units.in_force(end), level__in=sorted(period_levels))
        if chosen_ids is not None:
            qs = qs.filter(unit_id__in=sorted(chosen_ids))
        if within is not None:
            qs = qs.filter(unit_id__in=units.descendant_ids(within, on=end))
        expected.extend(
            (period, dict(found)) for found in qs.values("unit_id", "unit__code", "name", "level", "parent_id")
        )
    if not expected:
        return []

    spans = as_known(incidents.spans_for(schedules.values(), calendar=calendar, zone=zone), as_of)
    codes = [p.code for p in periods]
    instance_filter = Q(report_type=report_type, period__in=codes)
    if chosen_ids is not None:
        instance_filter &= Q(unit_id__in=sorted(chosen_ids))
    inside = _below(within, periods, settings) if within is not None else None
    if inside is not None:
        instance_filter &= inside
    instances = {
        (unit_id, period): pk
        for pk, unit_id, period in ReportInstance.objects.filter(instance_filter).values_list("pk", "unit_id", "period")
    }
    facts: dict[int, list[VersionFacts]] = {}
    version_rows = (
        ReportVersion.objects.filter(**{f"instance__{k}": v for k, v in _instance_lookups(report_type, codes).items()})
        .filter(submitted_at__lte=as_of)
        .values_list("instance_id", "number", "submitted_at", "review__decision", "review__reasons", "review__at")
    )
    if chosen_ids is not None:
        version_rows = version_rows.filter(instance__unit_id__in=sorted(chosen_ids))
    if within is not None:
        version_rows = version_rows.filter(_below(within, periods, settings, prefix="instance__"))
    for instance_id, number, submitted_at, decision, reasons, reviewed_at in version_rows:
        facts.setdefault(instance_id, []).append(
            VersionFacts(number, submitted_at, decision, tuple(reasons or ()), reviewed_at)
        )

    cache: dict[tuple[Period, str, tuple[int, ...]], tuple[Extension, Extension]] = {}
    unsent: dict[tuple[Period, str, tuple[int, ...]], Verdict] = {}
    result: list[Judged] = []
    for period, row in expected:
        due = schedules[(period, row["level"])]
        scope = tuple(span.id for span in spans if span.covers(row["unit_id"])) if spans else ()
        key = (period, row["level"], scope)
        extension = cache.get(key)
        if extension is None:
            mine = [span for span in spans if span.id in scope]
            extension = (
                extend(due.deadline, mine, calendar=calendar, zone=zone),
                extend(due.closing, mine, calendar=calendar, zone=zone),
            )
            cache[key] = extension
        instance_id = instances.get((row["unit_id"], period.code))
        period_settings_ = settings[period]
        versions = facts.get(instance_id, ()) if instance_id is not None else ()
        # Nothing submitted: the verdict depends only on the shared extension, so it is shared too.
        verdict = unsent.get(key) if not versions else None
        if verdict is None:
            verdict = judge(
                deadline=extension[0],
                closing=extension[1],
                versions=versions,
                amounts=period_settings_.amounts,
                as_of=as_of,
            )
            if not versions:
                unsent[key] = verdict
        result.append(
            Judged(
                unit_id=row["unit_id"],
                code=row["unit__code"],
                name=row["name"],
                level=row["level"],
                parent_id=row["parent_id"],
                report=report_type.code,
                period=period,
                instance_id=instance_id,
                settings_version=period_settings_.version,
                scored=row["level"] in period_settings_.scored_levels,
                schedule=due,
                verdict=verdict,
            )
        )
    result.sort(key=lambda j: (j.code, j.period.code))
    return result


def _below(within: Unit, periods: Sequence[Period], settings: dict[Period, PeriodSettings], prefix: str = "") -> Q:
    """The reports of the units below ``within`` in each period's tree (one subquery per period), so
    that a province's verdicts do not read the whole country's reports."""
    inside = Q()
    for period in periods:
        end = period.window(settings[period].policy.cutoff_day)[1]
        inside |= Q(**{f"{prefix}period": period.code, f"{prefix}unit_id__in": units.descendant_ids(within, on=end)})
    return inside


def _instance_lookups(report_type: ReportType, codes: list[str]) -> dict[str, object]:
    return {"report_type": report_type, "period__in": codes}


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
    """(unit id, period code) → the latest appeal against that line as it stood at ``as_of``."""
    return {}
