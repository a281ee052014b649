"""The demo's submission history of 2021: who submitted when, who was returned, who never sent.

Pure: the reports owed (with their deadlines) in, a plan per report out; a seed makes it repeatable,
and each report draws from its own seed (unit, period), so adding a unit changes no other report.
The plan becomes the ``kstt load-submissions`` file (interchange.md) that the demo loads, and the
instants at which the unit saved the draft of each version (``kstt.demo.submissions``).

Nothing happens after ``now`` (the demo's clock): a step planned later is left out, so on the demo's
day (20/12/2021) the fourth quarter is half done — some units have submitted, some have a draft,
some nothing yet.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REPORT = "kstt"
REASONS = ("outline", "forms", "incomplete", "inaccurate")


class Case(StrEnum):
    """What happens to one report (the cases the demo must show)."""

    ON_TIME = "on_time"  # submitted by the deadline, accepted
    LATE = "late"  # submitted after the deadline, before the closing time, accepted
    RETURNED = "returned"  # returned with a reason, corrected, submitted again, accepted
    EXCUSED = "excused"  # an incident moved the deadline; submitted once the system was back
    NOT_SENT = "not_sent"  # never submitted (sometimes a draft was started)


#: The share of each case when nothing pins it (the rest are on time).
WEIGHTS: Mapping[Case, float] = {Case.LATE: 0.12, Case.RETURNED: 0.11, Case.NOT_SENT: 0.05}


@dataclass(frozen=True)
class Due:
    """One report a unit owes, as the deadline engine sees it (kstt.reports.selectors.Owed)."""

    unit_code: str
    level: str
    period: str  # "2021Q3"
    window_end: date
    deadline: datetime  # scheduled
    effective_deadline: datetime  # after incidents
    closing: datetime  # effective closing time


@dataclass(frozen=True)
class Step:
    """``draft``: the unit saves the draft of version ``version`` (``flaw``: the return reason it will
    earn, or ""); ``submitted``/``returned``/``accepted``: a line of the submission history."""

    kind: str
    at: datetime
    version: int
    flaw: str = ""
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    due: Due
    case: Case
    steps: tuple[Step, ...] = field(default=())

    def drafts(self, version: int) -> list[Step]:
        return [s for s in self.steps if s.kind == "draft" and s.version == version]

    def lines(self, version: int) -> list[Step]:
        """The history lines of one version: its submission and its review (when they happened)."""
        return [s for s in self.steps if s.kind != "draft" and s.version == version]


def _office_time(day: date, rng: random.Random, *, earliest: int = 8, latest: int = 16) -> datetime:
    return datetime.combine(day, time(rng.randint(earliest, latest), rng.randrange(60)), tzinfo=HCM)


def _working_day(day: date, *, forward: bool = True) -> date:
    step = timedelta(days=1 if forward else -1)
    while day.weekday() >= 5:
        day += step
    return day


def _working_days_after(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _local_day(at: datetime) -> date:
    return at.astimezone(HCM).date()


def _on_time(due: Due, rng: random.Random) -> datetime:
    """An office hour after the window's end, before the deadline day when there is room (so never
    during an incident on the deadline day itself), else the deadline day's morning."""
    first, last = due.window_end + timedelta(days=1), _local_day(due.deadline) - timedelta(days=1)
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    if not days:
        return _office_time(_local_day(due.deadline), rng, latest=10)
    return _office_time(rng.choice(days), rng)


def _late(due: Due, rng: random.Random) -> datetime:
    day = _working_days_after(_local_day(due.effective_deadline), rng.randint(1, 8))
    return min(_office_time(day, rng), due.closing)


def _excused(due: Due, rng: random.Random) -> datetime:
    """The morning of the effective deadline's day: the system was back, the unit sent it first thing."""
    return _office_time(_local_day(due.effective_deadline), rng, earliest=8, latest=9)


def _review(at: datetime, rng: random.Random) -> datetime:
    return _office_time(_working_days_after(_local_day(at), rng.randint(1, 4)), rng)


def _draft_before(at: datetime, due: Due, rng: random.Random) -> datetime:
    """The draft is saved a few hours to three days before it is submitted, after the window ended
    (the figures are final) and never after the submission."""
    day = max(_local_day(at) - timedelta(days=rng.randint(0, 3)), due.window_end + timedelta(days=1))
    draft = _office_time(_working_day(day, forward=False), rng)
    if draft.astimezone(HCM).date() <= due.window_end or draft >= at:
        draft = at - timedelta(minutes=rng.randint(20, 180))
    return draft


def plan(
    dues: Iterable[Due],
    *,
    now: datetime,
    seed: int = 2021,
    pinned: Mapping[tuple[str, str], Case] | None = None,
) -> list[Plan]:
    """The history of every report owed, up to ``now``, sorted by unit and period.

    A report whose effective deadline an incident moved is ``excused`` unless pinned; the others
    draw their case from ``WEIGHTS``. Steps after ``now`` are left out (a draft saved before ``now``
    whose submission comes later stays a draft).
    """
    pinned = pinned or {}
    plans = []
    for due in sorted(dues, key=lambda d: (d.unit_code, d.period)):
        rng = random.Random(f"{seed}:{due.unit_code}:{due.period}")  # noqa: S311 (demo data, not security)
        draw = rng.random()
        if (due.unit_code, due.period) in pinned:
            case = pinned[(due.unit_code, due.period)]
        elif due.effective_deadline > due.deadline:
            case = Case.EXCUSED
        else:
            case, threshold = Case.ON_TIME, 0.0
            for candidate, weight in WEIGHTS.items():
                threshold += weight
                if draw < threshold:
                    case = candidate
                    break
        steps = [s for s in _steps(due, case, rng) if s.at <= now]
        plans.append(Plan(due, case, tuple(steps)))
    return plans


def _steps(due: Due, case: Case, rng: random.Random) -> list[Step]:
    if case is Case.NOT_SENT:
        if rng.random() < 0.5:  # a draft was started, never submitted
            return [Step("draft", _office_time(_working_days_after(due.window_end, 1), rng), 1)]
        return []
    first = {Case.ON_TIME: _on_time, Case.RETURNED: _on_time, Case.LATE: _late, Case.EXCUSED: _excused}[case](due, rng)
    flaw = rng.choice(REASONS) if case is Case.RETURNED else ""
    steps = [Step("draft", _draft_before(first, due, rng), 1, flaw=flaw), Step("submitted", first, 1)]
    reviewed = _review(first, rng)
    if case is not Case.RETURNED:
        return [*steps, Step("accepted", reviewed, 1)]
    reasons = (flaw, "incomplete") if flaw == "inaccurate" and rng.random() < 0.3 else (flaw,)
    corrected_draft = reviewed + timedelta(hours=rng.randint(2, 30))
    second = corrected_draft + timedelta(minutes=rng.randint(15, 240))
    return [
        *steps,
        Step("returned", reviewed, 1, reasons=reasons),
        Step("draft", corrected_draft, 2),
        Step("submitted", second, 2),
        Step("accepted", _review(second, rng), 2),
    ]


def history_csv(plans: Sequence[Plan], *, version: int | None = None) -> bytes:
    """The plans as a ``kstt load-submissions`` file (interchange.md), of one version or all."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["unit_code", "report", "period", "event", "at", "reasons"])
    for p in plans:
        for step in p.steps:
            if step.kind == "draft" or (version is not None and step.version != version):
                continue
            at = step.at.astimezone(HCM).isoformat()
            writer.writerow([p.due.unit_code, REPORT, p.due.period, step.kind, at, ";".join(step.reasons)])
    return out.getvalue().encode()
