"""Which reminder of a report is due now (issue 9 point 6), pure.

Reminders tell a unit that a report is due or overdue: *n days before* the deadline (default 7, 3 and 1)
and *n days late* (default 1). Every day is the province's local day; the deadline and the closing time
are the effective ones of rules.md §3–4 (after incidents), ends of local days.

- *n days before* is due from the local day (deadline day − n) while nothing is submitted and the
  deadline has not passed. When several are due at once (the worker did not run for some days, or the
  window ended after the first of them) only the most urgent one — the smallest n — is sent, and the
  skipped ones never afterwards: a reminder less urgent than one already sent is never due.
- *n days late* is due from the local day (deadline day + n) while nothing is submitted and the closing
  time has not passed; again only the latest one due, never one less late than one already sent.
- Nothing while an incident still holds the deadline open, nothing for a submitted report, nothing
  before the period's data window has ended (its last day is still data).
- The reminders already sent count for the deadline they named only (``sent_for``): a deadline moved by an
  incident gets its reminders afresh — its "7, 3, 1 days before" again, counted to the new deadline.
- Quiet hours (issue 14 point 7, ``quiet``): nothing is sent from KSTT_QUIET_FROM until KSTT_QUIET_UNTIL,
  local time (default 17:30–07:30, across midnight); the first run after them sends what waited.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

BEFORE, AFTER = "before", "after"
KINDS = (BEFORE, AFTER)

#: The bounds of the configured days (settings: KSTT_REMINDER_DAYS_BEFORE and _AFTER).
DAYS_BEFORE_RANGE = (0, 60)
DAYS_AFTER_RANGE = (1, 365)


@dataclass(frozen=True, order=True)
class DueReminder:
    """The reminder to send now: ``kind`` ∈ before|after, ``days`` before or after the deadline day."""

    kind: str
    days: int


def due_reminder(
    *,
    now: datetime,
    zone: tzinfo,
    window_end: date,
    deadline: datetime | None,
    closing: datetime | None,
    submitted: bool,
    days_before: Sequence[int],
    days_after: Sequence[int],
    sent: Collection[tuple[str, int]] = (),
) -> DueReminder | None:
    """The reminder due at ``now`` for one report instance, or None.

    ``deadline``/``closing``: the effective ones (None while an incident holds them open);
    ``submitted``: the report has a submitted time (§4) at or before ``now``;
    ``sent``: the (kind, days) reminders of this instance already sent.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetime: reminders are judged on aware instants")
    today = now.astimezone(zone).date()
    if submitted or deadline is None or today <= window_end:
        return None
    deadline_day = deadline.astimezone(zone).date()
    if now <= deadline:
        arrived = [n for n in days_before if deadline_day - timedelta(days=n) <= today]
        if not arrived:
            return None
        days = min(arrived)
        if any(kind == BEFORE and n <= days for kind, n in sent):
            return None
        return DueReminder(BEFORE, days)
    if closing is not None and now > closing:
        return None
    arrived = [n for n in days_after if deadline_day + timedelta(days=n) <= today]
    if not arrived:
        return None
    days = max(arrived)
    if any(kind == AFTER and n >= days for kind, n in sent):
        return None
    return DueReminder(AFTER, days)


def sent_for(sent: Iterable[tuple[str, int, datetime]], deadline: datetime | None) -> frozenset[tuple[str, int]]:
    """The (kind, days) of the reminders already sent about ``deadline``, the effective deadline in force,
    out of every (kind, days, deadline) sent for the instance: those about an earlier deadline (one an
    incident has since moved) do not count, so the moved deadline is reminded afresh."""
    if deadline is None:
        return frozenset()
    return frozenset((kind, days) for kind, days, about in sent if about == deadline)


def quiet(*, now: datetime, zone: tzinfo, start: time, end: time) -> bool:
    """True when ``now`` falls in the quiet hours: from ``start`` (included) to ``end`` (excluded), local
    times of day in ``zone``; across midnight when ``start`` is later than ``end`` (17:30–07:30), within
    one day otherwise (12:00–13:00). ``start == end``: no quiet hours at all."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: quiet hours are judged on aware instants")
    if start == end:
        return False
    at = now.astimezone(zone).time()
    if start < end:
        return start <= at < end
    return at >= start or at < end
