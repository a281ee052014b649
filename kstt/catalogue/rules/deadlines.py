"""The legal calendar and submission deadlines (rules.md §3).

A deadline is the end of a local day, counted from the window's last day E with an offset per
level; on a weekend or public holiday it moves to the end of the next working day (Civil Code 2015
art. 148); the province's report is never after the 25th of the period's last month (Decree 09
art. 13). The closing time (after which a report still absent is *not sent*) is the end of the
N-th day after the scheduled deadline, moved to a working day the same way.

Every value the catalogue page accepts means what the page says (``policy_problems`` names the
ones it refuses): a cap day past the end of a shorter month is that month's last day (a cap of 31
is the 30th in June and September); a cap must fall after the window's last day, so that no report
is due before its data are complete; when no working day lies between the window's end and the cap,
the cap yields to the Civil Code and the deadline moves to the next working day.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from kstt.catalogue.rules.periods import Period

WEEKEND = frozenset({5, 6})  # Saturday, Sunday


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: Monday–Friday, less days off, plus make-up working days."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        return day.weekday() not in WEEKEND and day not in self.days_off

    def on_or_after(self, day: date) -> date:
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def on_or_before(self, day: date) -> date:
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def after(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.on_or_after(day + timedelta(days=1))


def vietnam_calendar(
    years: Iterable[int],
    *,
    province_days_off: Mapping[date, str] | None = None,
    province_working_days: Mapping[date, str] | None = None,
    language: str = "vi",
) -> WorkCalendar:
    """Vietnam's public holidays and make-up working days (the ``holidays`` package), with the
    province's own days off and make-up working days on top (the province's word wins)."""
    national = holidays.country_holidays("VN", years=sorted(set(years)), language=language)
    days_off = {day: str(name) for day, name in national.items()}
    working = dict.fromkeys(national.weekend_workdays, "")
    for day, name in (province_days_off or {}).items():
        days_off[day] = name
        working.pop(day, None)
    for day, name in (province_working_days or {}).items():
        working[day] = name
        days_off.pop(day, None)
    return WorkCalendar(days_off=days_off, working_days=working)


@dataclass(frozen=True)
class LevelDeadline:
    offset_days: int
    #: Never after this day of the period's last month (the province: 25), or None.
    cap_day: int | None = None


@dataclass(frozen=True)
class DeadlinePolicy:
    """A report type's deadline settings (configurable; the defaults are rules.md's)."""

    levels: Mapping[str, LevelDeadline]
    cutoff_day: int = 15
    closing_days: int = 30
    roll_forward: bool = True


DEFAULT_POLICY = DeadlinePolicy(
    levels={
        "commune": LevelDeadline(2),
        "department": LevelDeadline(4),
        "district": LevelDeadline(5),
        "province": LevelDeadline(6, cap_day=25),
    }
)


@dataclass(frozen=True)
class Schedule:
    """When one level's report of one period is due (local dates) and the instants they end."""

    period: Period
    level: str
    window: tuple[date, date]
    deadline_day: date
    closing_day: date
    deadline: datetime
    closing: datetime
    #: How the deadline day was reached, for the evidence; pages word each step in the reader's
    #: language (kstt_labels.deadline_step): "E 14/09/2021 + 4 days = 18/09/2021", "… moved to …".
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Step:
    """One step from the window's end to the deadline day: plain data, worded by the pages.

    ``kind``: ``offset`` (``start`` + ``days`` = ``day``), ``cap`` (never after day ``days``:
    ``day``), ``rolled`` (``start`` is not a working day: moved to ``day``), ``rolled_back``
    (``start`` is not a working day: the last working day by the cap, ``day``).
    """

    kind: str
    start: date | None
    day: date
    days: int = 0


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The last instant of a local day (23:59:59.999999)."""
    return datetime.combine(day, time.max, tzinfo=zone)


def cap_date(period: Period, cap_day: int) -> date:
    """The cap of a period: that day of the period's last month, or the month's last day when the
    month is shorter (a cap of 31 is 30 June, 30 September)."""
    last = gregorian.monthrange(period.year, period.last_month)[1]
    return date(period.year, period.last_month, min(cap_day, last))


def deadline_day(
    period: Period, level: str, policy: DeadlinePolicy, calendar: WorkCalendar
) -> tuple[date, tuple[Step, ...]]:
    """The deadline's local day for a level, with the steps that led to it."""
    try:
        rule = policy.levels[level]
    except KeyError:
        raise ValueError(f"no deadline is set for the level {level!r}") from None
    end = period.window(policy.cutoff_day)[1]
    day = end + timedelta(days=rule.offset_days)
    steps = [Step("offset", end, day, rule.offset_days)]
    cap = cap_date(period, rule.cap_day) if rule.cap_day else None
    if cap is not None and cap <= end:
        # A cap on or before the window's end cannot hold (the catalogue refuses it): no report is
        # due before its data are complete.
        cap = None
    if cap is not None and day > cap:
        day = cap
        steps.append(Step("cap", None, day, rule.cap_day or 0))
    if policy.roll_forward and not calendar.is_working_day(day):
        rolled = calendar.on_or_after(day)
        if cap is not None and rolled > cap and calendar.on_or_before(cap) > end:
            rolled = calendar.on_or_before(cap)
            steps.append(Step("rolled_back", day, rolled))
        else:
            steps.append(Step("rolled", day, rolled))
        day = rolled
    return day, tuple(steps)


def closing_day(deadline: date, policy: DeadlinePolicy, calendar: WorkCalendar) -> date:
    day = deadline + timedelta(days=policy.closing_days)
    return calendar.on_or_after(day) if policy.roll_forward else day


def schedule(period: Period, level: str, policy: DeadlinePolicy, calendar: WorkCalendar, zone: ZoneInfo) -> Schedule:
    """The scheduled deadline and closing time of one level's report of one period."""
    day, steps = deadline_day(period, level, policy, calendar)
    closing = closing_day(day, policy, calendar)
    return Schedule(
        period=period,
        level=level,
        window=period.window(policy.cutoff_day),
        deadline_day=day,
        closing_day=closing,
        deadline=end_of_day(day, zone),
        closing=end_of_day(closing, zone),
        steps=steps,
    )


#: The bounds the catalogue page states for each setting (DeadlineSettingsForm uses the same ones).
CUTOFF_DAYS = (1, 28)
CLOSING_DAYS = (1, 365)
OFFSET_DAYS = (1, 60)
CAP_DAYS = (1, 31)


def policy_problems(policy: DeadlinePolicy) -> list[tuple[str, str, dict[str, int | str]]]:
    """What is wrong with a policy, as (field, problem code, values): empty when every value means
    what the catalogue page says. The codes are the messages' keys (catalogue.services)."""
    problems: list[tuple[str, str, dict[str, int | str]]] = []
    if not CUTOFF_DAYS[0] <= policy.cutoff_day <= CUTOFF_DAYS[1]:
        problems.append(("cutoff_day", "cutoff_range", {"low": CUTOFF_DAYS[0], "high": CUTOFF_DAYS[1]}))
    if not CLOSING_DAYS[0] <= policy.closing_days <= CLOSING_DAYS[1]:
        problems.append(("closing_days", "closing_range", {"low": CLOSING_DAYS[0], "high": CLOSING_DAYS[1]}))
    for level, rule in policy.levels.items():
        if not OFFSET_DAYS[0] <= rule.offset_days <= OFFSET_DAYS[1]:
            problems.append(
                (f"offset_{level}", "offset_range", {"level": level, "low": OFFSET_DAYS[0], "high": OFFSET_DAYS[1]})
            )
        if rule.cap_day is None:
            continue
        if not CAP_DAYS[0] <= rule.cap_day <= CAP_DAYS[1]:
            problems.append((f"cap_{level}", "cap_range", {"level": level, "low": CAP_DAYS[0], "high": CAP_DAYS[1]}))
        elif policy.cutoff_day == 1:
            problems.append((f"cap_{level}", "cap_with_calendar_months", {"level": level}))
        elif rule.cap_day < policy.cutoff_day:
            problems.append(
                (f"cap_{level}", "cap_before_window_end", {"level": level, "cutoff_day": policy.cutoff_day})
            )
    return problems


def calendar_years(periods: Iterable[Period], policy: DeadlinePolicy) -> set[int]:
    """The years whose holidays the deadlines and closing times of these periods can touch: from
    the first window's start to the latest possible closing day (every rollover included)."""
    years: set[int] = set()
    longest = max((rule.offset_days for rule in policy.levels.values()), default=0)
    for period in periods:
        start, end = period.window(policy.cutoff_day)
        # A month of rollovers (Tết and its weekends) on the deadline and again on the closing day.
        latest = end + timedelta(days=max(longest, 0) + policy.closing_days + 62)
        years.update(range(start.year, latest.year + 1))
    return years
