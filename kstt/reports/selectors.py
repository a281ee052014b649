"""What each unit owes: its report instances (unit, report type, period) with their deadlines.

Deadlines are computed, never stored: the report type's settings, the work calendar (Vietnam's
holidays and the province's days) and the incidents in each unit's scope give, per instance, the
scheduled deadline and closing time and the effective ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet

from kstt import clock
from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.deadlines import Schedule, calendar_years, schedule
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.incidents import selectors as incidents
from kstt.incidents.rules import Extension, IncidentSpan, extend, in_scope
from kstt.reports.choices import ReportStatus
from kstt.reports.models import RefusedSubmission, ReportInstance, ReportVersion
from kstt.reports.rules import days_left
from kstt.reports.timeliness import Status, as_known, status
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion


@dataclass(frozen=True)
class Owed:
    """One report instance a unit owes, and where it stands."""

    unit: UnitVersion
    report_type: ReportType
    period: Period
    also: str | None
    schedule: Schedule
    deadline: Extension
    closing: Extension
    incidents: tuple[tuple[int, str], ...]
    #: rules.md §4 by the one rule (``timeliness.status``) as known at the instant asked.
    status: Status
    days_left: int | None
    #: The §4 submitted time (``ReportInstance.first_submitted_at``), None when nothing is submitted.
    submitted_at: datetime | None = None

    @property
    def effective_deadline(self) -> datetime | None:
        return self.deadline.deadline

    @property
    def effective_closing(self) -> datetime | None:
        return self.closing.deadline


class _Engine:
    """Deadlines of many instances with a fixed number of queries: each period's schedules follow the
    settings version in force for that period."""

    def __init__(self, report_type: ReportType, periods: list[Period]) -> None:
        self.report_type = report_type
        self.settings = catalogue.settings_by_period(report_type, periods)
        self.zone = clock.province_zone()
        years: set[int] = set()
        for period in periods:
            years |= calendar_years([period], self.settings[period.code].policy)
        self.calendar = catalogue.work_calendar(years)
        self._schedules: dict[tuple[Period, str], Schedule] = {}
        for period in periods:
            policy = self.settings[period.code].policy
            for level in policy.levels:
                self._schedules[(period, level)] = schedule(period, level, policy, self.calendar, self.zone)
        self._spans: list[IncidentSpan] | None = None
        self.descriptions: dict[int, str] = {}

    @property
    def spans(self) -> list[IncidentSpan]:
        """Every incident that can move one of these deadlines or closing times (loaded once)."""
        if self._spans is None:
            self._spans = incidents.spans_for(self._schedules.values(), calendar=self.calendar, zone=self.zone)
            self.descriptions = incidents.descriptions({s.id for s in self._spans}) if self._spans else {}
        return self._spans

    def schedule(self, period: Period, level: str) -> Schedule | None:
        return self._schedules.get((period, level))

    def owed(
        self, unit: UnitVersion, period: Period, *, now: datetime, submitted_at: datetime | None = None
    ) -> Owed | None:
        due = self.schedule(period, unit.level)
        if due is None:
            return None
        mine = in_scope(as_known(self.spans, now), unit.unit_id)
        deadline = extend(due.deadline, mine, calendar=self.calendar, zone=self.zone)
        closing = extend(due.closing, mine, calendar=self.calendar, zone=self.zone)
        today = clock.local_date(now)
        effective = deadline.deadline.astimezone(self.zone).date() if deadline.deadline else None
        ids = tuple(dict.fromkeys(deadline.incident_ids + closing.incident_ids))
        return Owed(
            unit=unit,
            report_type=self.report_type,
            period=period,
            also=self.report_type.also.get(period.kind),
            schedule=due,
            deadline=deadline,
            closing=closing,
            incidents=tuple((i, self.descriptions.get(i, "")) for i in ids),
            status=status(
                scheduled=due.deadline,
                deadline=deadline.deadline,
                closing=closing.deadline,
                submitted_at=submitted_at,
                as_of=now,
            ),
            days_left=days_left(today=today, deadline_day=effective),
            submitted_at=submitted_at if submitted_at is not None and submitted_at <= now else None,
        )


def periods(report_type: ReportType, year: int) -> list[Period]:
    return periods_of_year(year, report_type.periods)


def owed_by_unit(*, unit: Unit, report_type: ReportType, year: int, now: datetime) -> list[Owed]:
    """The unit's instances of a year, each judged against the unit as it was at its window's end."""
    year_periods = periods(report_type, year)
    engine = _Engine(report_type, year_periods)
    sent = _submitted_times(report_type, unit_ids=[unit.pk], periods=year_periods)
    result = []
    for period in year_periods:
        version = units.unit_on(unit.code, engine.settings[period.code].window(period)[1])
        if version is None:
            continue
        owed = engine.owed(version, period, now=now, submitted_at=sent.get((unit.pk, period.code)))
        if owed is not None:
            result.append(owed)
    return result


def owed_for(*, instance: ReportInstance, now: datetime) -> Owed | None:
    """One report's deadline and where it stands against it (the one rule, ``timeliness.status``):
    judged for the unit as it was at its window's end, with the report's §4 submitted time (its first
    submission). None when the unit's level owes no such report."""
    period = Period.parse(instance.period)
    engine = _Engine(instance.report_type, [period])
    version = units.unit_on(instance.unit.code, engine.settings[period.code].window(period)[1])
    if version is None:
        return None
    return engine.owed(version, period, now=now, submitted_at=instance.first_submitted_at)


def owed_below(*, unit: Unit, report_type: ReportType, period: Period, now: datetime) -> list[Owed]:
    """The instances of the units that report to ``unit`` (its children at the window's end)."""
    engine = _Engine(report_type, [period])
    window_end = engine.settings[period.code].window(period)[1]
    children = list(units.children_on(unit, window_end))
    sent = _submitted_times(report_type, unit_ids=[c.unit_id for c in children], periods=[period])
    result = []
    for child in children:
        owed = engine.owed(child, period, now=now, submitted_at=sent.get((child.unit_id, period.code)))
        if owed is not None:
            result.append(owed)
    return result


def _submitted_times(
    report_type: ReportType, *, unit_ids: list[int], periods: list[Period]
) -> dict[tuple[int, str], datetime]:
    """(unit id, period code) → the §4 submitted time of each instance submitted (one query)."""
    rows = ReportInstance.objects.filter(
        report_type=report_type,
        unit_id__in=unit_ids,
        period__in=[p.code for p in periods],
        first_submitted_at__isnull=False,
    ).values_list("unit_id", "period", "first_submitted_at")
    return {(unit_id, period): at for unit_id, period, at in rows if at is not None}


def current_period(report_type: ReportType, *, now: datetime) -> Period:
    """The period a reviewer most likely means: the first of this year whose closing time is ahead."""
    candidates = periods(report_type, clock.local_date(now).year)
    engine = _Engine(report_type, candidates)
    for period in candidates:
        due = engine.schedule(period, "commune") or engine.schedule(period, "district")
        if due is None or due.closing >= now:
            return period
    return candidates[-1]


# --- Submissions: the facts for the home pages (issue 8, point 11) -------------------------------------------

NOT_STARTED = "not_started"


def report_statuses(*, unit: Unit, report_type: ReportType, periods: Iterable[Period | str]) -> dict[str, str]:
    """period code → where the unit's report stands: draft|submitted|returned|accepted, or
    ``not_started`` when no report was opened (one query)."""
    codes = [p.code if isinstance(p, Period) else p for p in periods]
    found = dict(
        ReportInstance.objects.filter(unit=unit, report_type=report_type, period__in=codes).values_list(
            "period", "status"
        )
    )
    return {code: found.get(code, NOT_STARTED) for code in codes}


@dataclass(frozen=True)
class ReviewCounts:
    """For one period, the units that report to a reviewer's unit (the tree of that period).

    ``not_sent``: owed and not submitted yet (whether it is still due or already *not sent* in the
    sense of rules.md §4 is the deadline's business, see ``Owed.status``).
    """

    period: str
    expected: int
    submitted: int  # submitted at least once (any status but draft)
    waiting: int  # the latest version waits for review
    returned: int  # returned, not yet submitted again
    accepted: int

    @property
    def not_sent(self) -> int:
        return max(self.expected - self.submitted, 0)


def review_counts(*, recipient: Unit, report_type: ReportType, periods: Iterable[Period]) -> list[ReviewCounts]:
    """Per period, how many units below ``recipient`` have submitted, wait for review, were returned,
    were accepted, have not sent: two aggregate queries whatever the number of units and periods."""
    chosen = list(periods)
    if not chosen:
        return []
    settings = catalogue.settings_by_period(report_type, chosen)
    ends = {p.code: settings[p.code].window(p)[1] for p in chosen}
    expected = UnitVersion.objects.filter(parent=recipient).aggregate(
        **{
            f"p{i}": Count("id", filter=units.in_force(end) & Q(level__in=list(settings[code].deadlines)))
            for i, (code, end) in enumerate(ends.items())
        }
    )
    rows = {
        row["period"]: row
        for row in ReportInstance.objects.filter(recipient=recipient, report_type=report_type, period__in=list(ends))
        .values("period")
        .annotate(
            submitted=Count("id", filter=Q(first_submitted_at__isnull=False)),
            waiting=Count("id", filter=Q(status=ReportStatus.SUBMITTED)),
            returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
            accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED)),
        )
    }
    result = []
    for i, code in enumerate(ends):
        row = rows.get(code, {})
        result.append(
            ReviewCounts(
                period=code,
                expected=expected[f"p{i}"],
                submitted=row.get("submitted", 0),
                waiting=row.get("waiting", 0),
                returned=row.get("returned", 0),
                accepted=row.get("accepted", 0),
            )
        )
    return result


@dataclass(frozen=True)
class Waiting:
    """The reports whose latest version waits for a reviewer's decision: how many, and the oldest period."""

    count: int
    oldest_period: str | None


def waiting_for_review(*, recipient_id: int) -> Waiting:
    """The reports sent to the unit ``recipient_id`` whose latest version waits for review, every report type
    and period (the menu's "Review" entry): one aggregate query."""
    row = ReportInstance.objects.filter(recipient_id=recipient_id, status=ReportStatus.SUBMITTED).aggregate(
        count=Count("id"), oldest=Min("period")
    )
    return Waiting(count=row["count"], oldest_period=row["oldest"])


def instances_below(
    *, recipient: Unit, report_type: ReportType, period: Period | str, status: str | None = None
) -> QuerySet[ReportInstance]:
    """The reports sent (or being prepared) to ``recipient`` for a period, optionally of one status:
    the list behind each number of ``review_counts``."""
    code = period.code if isinstance(period, Period) else period
    qs = ReportInstance.objects.filter(recipient=recipient, report_type=report_type, period=code)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.select_related("unit", "report_type").order_by("unit__code")


def versions_of(instance: ReportInstance) -> QuerySet[ReportVersion]:
    """Every version of a report, oldest first, with its review (to show side by side)."""
    return (
        ReportVersion.objects.filter(instance=instance)
        .select_related("review", "review__by", "submitted_by", "document")
        .order_by("number")
    )


def latest_version(instance: ReportInstance) -> ReportVersion | None:
    return versions_of(instance).last()


def audit_trail(instance: ReportInstance) -> QuerySet[AuditEntry]:
    """Who changed what and when, for one report (the reviewer reads it per report)."""
    return (
        AuditEntry.objects.filter(target_type=ReportInstance._meta.label_lower, target_id=str(instance.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def refused_submissions(instance: ReportInstance) -> QuerySet[RefusedSubmission]:
    """The presses of submit that were not a submission (rules.md §4), oldest first, with who pressed."""
    return RefusedSubmission.objects.filter(instance=instance).select_related("by").order_by("at", "pk")


# --- Reminders: every instance of a period (issue 9, point 6) -----------------------------------------------


def owed_in_period(*, report_type: ReportType, period: Period, now: datetime) -> list[Owed]:
    """Every instance of a period: each unit in force at the window's end whose level owes the report,
    judged at ``now`` with its submitted time. One engine, a fixed number of queries whatever the number
    of units; sorted by unit code. ``Owed.unit.parent`` is the recipient unit (None for the province)."""
    engine = _Engine(report_type, [period])
    window_end = catalogue.window(report_type, period)[1]
    versions = list(units.versions_on(window_end).order_by("unit__code"))
    sent = submitted_times(report_type=report_type, period=period, unit_ids=[v.unit_id for v in versions])
    result = []
    for version in versions:
        owed = engine.owed(version, period, now=now, submitted_at=sent.get(version.unit_id))
        if owed is not None:
            result.append(owed)
    return result


def submitted_times(*, report_type: ReportType, period: Period, unit_ids: list[int]) -> dict[int, datetime]:
    """unit id → the §4 submitted time of the unit's instance of that period, for those submitted (one query)."""
    times = _submitted_times(report_type, unit_ids=unit_ids, periods=[period])
    return {unit_id: at for (unit_id, _code), at in times.items()}
