"""A generated submission history, for the deductions benchmark and the cross-checks of ``judged``.

Every report owed in some periods (the units in force on each window's last day, at every level with
a deadline) gets a story drawn from a seeded generator: most are sent on time and accepted; some are
late, some never sent, some first sent after the closing time, some returned (with reasons) and sent
again before or after the deadline, some still waiting for their review, some sent on the deadline's
last microsecond or the one after it. A few incidents of the reporting system come with it: some for
all units (one moves a deadline, one a closing time, one moves nothing), some for lists of units
(around their deadlines, one chained to another, one ended too early to count, and, when asked, one
still open); half the reports whose deadline an incident hits are sent once the system is back.

The plan is pure (plain values in, plain values out; the same seed gives the same history);
``insert`` writes it with ``bulk_create`` (a report instance with its draft, then the versions, then
the reviews, as the report services would leave them, without their checks or audit entries: loading
speed is not what the benchmark measures). No pytest here: the benchmark imports this module.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from kstt.catalogue.models import ReportType
    from kstt.catalogue.rules.periods import Period

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SEED = 2021
REASONS = ("outline", "forms", "incomplete", "inaccurate")
MICROSECOND = timedelta(microseconds=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Owed:
    """One report a unit owes in a period, with its scheduled deadline and closing time."""

    unit_id: int
    code: str
    level: str
    parent_id: int | None
    period: str
    deadline: datetime
    closing: datetime


@dataclass(frozen=True)
class Event:
    """``submitted``, ``returned`` (with reasons) or ``accepted``, at an instant."""

    kind: str
    at: datetime
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Story:
    """What happened to one owed report: ``opened_at`` None when it was never opened."""

    owed: Owed
    case: str
    opened_at: datetime | None
    events: tuple[Event, ...]


@dataclass(frozen=True)
class IncidentPlan:
    start: datetime
    end: datetime | None
    unit_ids: tuple[int, ...] | None  # None: all units
    description: str


#: The cases and their shares (the rest are sent on time and accepted).
CASES: tuple[tuple[str, float], ...] = (
    ("unreviewed", 0.03),  # sent on time, never reviewed
    ("returned_fixed_in_time", 0.07),  # returned, corrected before the deadline: no fault
    ("returned_fixed_late", 0.05),  # the version sent on time was returned: a fault
    ("returned_twice", 0.02),
    ("late", 0.10),
    ("late_returned", 0.03),
    ("after_closing", 0.02),  # first sent after the closing time: not sent
    ("never", 0.03),  # never opened
    ("draft_only", 0.02),  # opened, never sent
    ("edge", 0.02),  # on the deadline's last microsecond, or the one after it
)


class _Dice:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not security)

    def case(self) -> str:
        draw = self.rng.random()
        for name, share in CASES:
            if draw < share:
                return name
            draw -= share
        return "on_time"

    def within(self, low: timedelta, high: timedelta) -> timedelta:
        """A span between ``low`` and ``high``, to the second."""
        return timedelta(seconds=self.rng.randint(int(low.total_seconds()), int(high.total_seconds())))

    def reasons(self) -> tuple[str, ...]:
        count = 1 if self.rng.random() < 0.7 else 2
        return tuple(sorted(self.rng.sample(REASONS, count), key=REASONS.index))

    def chance(self, share: float) -> bool:
        return self.rng.random() < share


def plan(owed: Sequence[Owed], *, seed: int = SEED, incidents: Sequence[IncidentPlan] = ()) -> list[Story]:
    """A story for each owed report (deterministic for a seed and the same owed list). Half of the
    reports whose deadline an incident in their scope hits are sent once the system is back, after
    the deadline (the rules excuse them, or not)."""
    dice = _Dice(seed)
    stories = []
    for item in owed:
        case = dice.case()
        hit = [i for i in incidents if _hits(i, item)]
        if hit and case not in ("never", "draft_only") and dice.chance(0.5):
            back = max((i.end for i in hit if i.end is not None), default=None)
            stories.append(_back_after(item, back, dice))
        else:
            stories.append(_story(item, case, dice))
    return stories


def _hits(incident: IncidentPlan, owed: Owed) -> bool:
    """The incident is in the unit's scope and overlaps the 24 hours that end at its deadline."""
    if incident.unit_ids is not None and owed.unit_id not in incident.unit_ids:
        return False
    return incident.start <= owed.deadline and (incident.end is None or incident.end >= owed.deadline - DAY)


def _back_after(owed: Owed, back: datetime | None, dice: _Dice) -> Story:
    """Sent once the system is back (``back`` None: while the incident still goes on), then accepted."""
    sent = _second(max(back or owed.deadline, owed.deadline) + dice.within(HOUR, 12 * HOUR))
    events = [Event("submitted", sent)]
    if owed.level != "province":
        events.append(Event("accepted", _second(sent + dice.within(HOUR, 3 * DAY))))
    return Story(owed, "after_incident", sent - dice.within(DAY, 10 * DAY), tuple(events))


def _second(at: datetime) -> datetime:
    """An instant as people make them: to the second (the deadlines end on .999999)."""
    return at.replace(microsecond=0)


def _story(owed: Owed, case: str, dice: _Dice) -> Story:
    deadline, closing = owed.deadline, owed.closing
    reviewed = owed.level != "province"  # the province's own report goes to the Government Office
    events: list[Event] = []

    def submit(at: datetime, *, exactly: bool = False) -> datetime:
        at = at if exactly else _second(at)
        events.append(Event("submitted", at))
        return at

    def review(after: datetime, *, returned: bool, low: timedelta = HOUR, high: timedelta = 4 * DAY) -> datetime:
        at = _second(after + dice.within(low, high))
        if reviewed:
            events.append(Event("returned", at, dice.reasons()) if returned else Event("accepted", at))
        return at

    if not reviewed and case.startswith("returned"):
        case = "on_time"  # nobody returns it: it is sent once
    elif not reviewed and case == "late_returned":
        case = "late"
    if case == "never":
        return Story(owed, case, None, ())
    if case == "draft_only":
        return Story(owed, case, _second(deadline - dice.within(DAY, 20 * DAY)), ())
    if case in ("on_time", "unreviewed"):
        sent = submit(deadline - dice.within(HOUR, 6 * DAY))
        if case == "on_time":
            review(sent, returned=False)
    elif case == "edge":
        sent = submit(deadline + MICROSECOND if dice.chance(0.5) else deadline, exactly=True)
        review(sent, returned=False)
    elif case == "returned_fixed_in_time":
        first = submit(deadline - dice.within(3 * DAY, 8 * DAY))
        back = review(first, returned=True, high=DAY)
        second = submit(back + dice.within(HOUR, DAY))
        review(second, returned=False)
    elif case == "returned_fixed_late":
        first = submit(deadline - dice.within(HOUR, 2 * DAY))
        back = review(first, returned=True, high=2 * DAY)
        second = submit(max(back, deadline) + dice.within(HOUR, 5 * DAY))
        review(second, returned=False)
    elif case == "returned_twice":
        at = submit(deadline - dice.within(4 * DAY, 10 * DAY))
        for returned in (True, True, False):
            back = review(at, returned=returned, high=DAY)
            if returned:
                at = submit(back + dice.within(HOUR, 2 * DAY))
    elif case in ("late", "late_returned"):
        span = max(closing - deadline - DAY, DAY)
        sent = submit(deadline + dice.within(timedelta(seconds=1), span))
        back = review(sent, returned=case == "late_returned")
        if case == "late_returned":
            review(submit(back + dice.within(HOUR, 2 * DAY)), returned=False)
    elif case == "after_closing":
        sent = submit(closing + dice.within(HOUR, 10 * DAY))
        if dice.chance(0.5):
            review(sent, returned=False)
    opened = _second(events[0].at - dice.within(HOUR, 10 * DAY))
    return Story(owed, case, opened, tuple(events))


def incident_plan(
    owed: Sequence[Owed], *, seed: int = SEED, listed: int = 12, with_open: bool = False
) -> list[IncidentPlan]:
    """A few incidents around the deadlines of ``owed``: three for all units, ``listed`` for lists of
    units, and one still open when ``with_open``."""
    dice = _Dice(seed + 1)
    if not owed:
        return []
    deadlines: dict[tuple[str, str], datetime] = {}
    closings: dict[tuple[str, str], datetime] = {}
    units: dict[tuple[str, str], list[int]] = {}
    for item in owed:
        deadlines[(item.period, item.level)] = item.deadline
        closings[(item.period, item.level)] = item.closing
        units.setdefault((item.period, item.level), []).append(item.unit_id)
    keys = sorted(deadlines)
    plans: list[IncidentPlan] = []
    # For all units: one over a deadline (20:00 to 02:00), one over a closing time, one that moves nothing.
    first = keys[len(keys) // 2]
    at = deadlines[first]
    plans.append(IncidentPlan(at - 4 * HOUR, at + 2 * HOUR, None, f"Mất kết nối toàn hệ thống {first[0]}"))
    last = keys[-1]
    at = closings[last]
    plans.append(IncidentPlan(at - 9 * HOUR, at + 9 * HOUR, None, f"Máy chủ báo cáo lỗi {last[0]}"))
    at = deadlines[keys[0]] - 20 * DAY
    plans.append(IncidentPlan(at, at + 2 * HOUR, None, "Bảo trì ngoài giờ"))
    for number in range(listed):
        key = keys[dice.rng.randrange(len(keys))]
        pool = units[key]
        chosen = tuple(sorted(dice.rng.sample(pool, min(len(pool), dice.rng.randint(1, 40)))))
        at = deadlines[key]
        start = at - dice.within(timedelta(0), 20 * HOUR)
        if number % 6 == 5:  # ended more than 24 h before the deadline: it excuses nothing
            plans.append(IncidentPlan(start - 3 * DAY, start - 2 * DAY, chosen, f"Sự cố cũ {number}"))
            continue
        end = at + dice.within(HOUR, 2 * DAY)
        plans.append(IncidentPlan(start, end, chosen, f"Sự cố đường truyền {number}"))
        if number % 4 == 1:  # a second one hitting the extended deadline of some of the same units
            again = end.astimezone(HCM).date() + timedelta(days=1)
            moved = datetime.combine(again, datetime.max.time(), tzinfo=HCM)
            while moved.weekday() >= 5:
                moved += DAY
            plans.append(IncidentPlan(moved - 3 * HOUR, moved + 5 * HOUR, chosen[::2], f"Sự cố tái diễn {number}"))
    if with_open:
        key = keys[-1]
        at = deadlines[key]
        plans.append(IncidentPlan(at - 2 * HOUR, None, tuple(units[key][:3]), "Sự cố chưa khắc phục"))
    return [IncidentPlan(_second(p.start), p.end and _second(p.end), p.unit_ids, p.description) for p in plans]


# --- Reading what is owed, and writing the history (Django) ------------------------------------


def owed_reports(report_type: ReportType, periods: Iterable[Period]) -> list[Owed]:
    """Every report owed in these periods: the units in force on the window's last day at a level
    with a deadline, with the scheduled deadline and closing time (sorted by period, then unit code)."""
    from kstt import clock
    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.rules.deadlines import calendar_years, schedule
    from kstt.units import selectors as units

    ordered = sorted(periods, key=lambda p: p.code)
    policies = {p: catalogue.settings_for(report_type, p).policy for p in ordered}
    calendar = catalogue.work_calendar(set().union(*(calendar_years([p], policies[p]) for p in ordered)))
    zone = clock.province_zone()
    owed = []
    for period in ordered:
        policy = policies[period]
        end = period.window(policy.cutoff_day)[1]
        rows = (
            units.versions_on(end)
            .filter(level__in=sorted(policy.levels))
            .order_by("unit__code")
            .values_list("unit_id", "unit__code", "level", "parent_id")
        )
        due = {level: schedule(period, level, policy, calendar, zone) for level in policy.levels}
        owed += [
            Owed(unit_id, code, level, parent_id, period.code, due[level].deadline, due[level].closing)
            for unit_id, code, level, parent_id in rows
        ]
    return owed


@dataclass(frozen=True)
class Inserted:
    instances: int
    versions: int
    reviews: int
    incidents: int


def insert(
    stories: Sequence[Story], incidents: Sequence[IncidentPlan], *, report_type: ReportType, at: datetime
) -> Inserted:
    """Write the stories and incidents in bulk, in one transaction."""
    from django.db import transaction

    from kstt.incidents.models import Incident
    from kstt.reports.choices import ReportStatus
    from kstt.reports.models import Draft, ReportInstance, ReportVersion, Review

    status_after = {
        "submitted": ReportStatus.SUBMITTED,
        "returned": ReportStatus.RETURNED,
        "accepted": ReportStatus.ACCEPTED,
    }
    opened = [s for s in stories if s.opened_at is not None]
    with transaction.atomic():
        instances = ReportInstance.objects.bulk_create(
            [
                ReportInstance(
                    unit_id=s.owed.unit_id,
                    report_type=report_type,
                    period=s.owed.period,
                    level=s.owed.level,
                    recipient_id=s.owed.parent_id,
                    status=status_after[s.events[-1].kind] if s.events else ReportStatus.DRAFT,
                    first_submitted_at=s.events[0].at if s.events else None,
                    created_at=s.opened_at,
                )
                for s in opened
            ],
            batch_size=2000,
        )
        Draft.objects.bulk_create(
            [
                Draft(instance=instance, updated_at=s.events[-1].at if s.events else s.opened_at)
                for instance, s in zip(instances, opened, strict=True)
            ],
            batch_size=2000,
        )
        versions: list[ReportVersion] = []
        reviews: list[tuple[int, Event]] = []  # (index in versions, the review)
        for instance, story in zip(instances, opened, strict=True):
            number = 0
            for event in story.events:
                if event.kind == "submitted":
                    number += 1
                    versions.append(ReportVersion(instance=instance, number=number, submitted_at=event.at))
                else:
                    reviews.append((len(versions) - 1, event))
        versions = ReportVersion.objects.bulk_create(versions, batch_size=2000)
        Review.objects.bulk_create(
            [
                Review(version=versions[index], decision=event.kind, reasons=list(event.reasons), at=event.at)
                for index, event in reviews
            ],
            batch_size=2000,
        )
        made = Incident.objects.bulk_create(
            [
                Incident(
                    start=p.start,
                    end=p.end,
                    all_units=p.unit_ids is None,
                    description=p.description,
                    recorded_at=max(at, p.end or p.start),
                )
                for p in incidents
            ]
        )
        through = Incident.units.through
        through.objects.bulk_create(
            [
                through(incident_id=incident.pk, unit_id=unit_id)
                for incident, p in zip(made, incidents, strict=True)
                for unit_id in p.unit_ids or ()
            ],
            batch_size=2000,
        )
    return Inserted(len(instances), len(versions), len(reviews), len(made))
