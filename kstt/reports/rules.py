"""Where a report instance stands against its deadline (rules.md §3–4), pure.

Until submissions are recorded (the submission work), an instance is judged only by the clock:
the period still running, due (deadline ahead), past the deadline (late if sent now), not sent
(past the closing time), or held open by an incident that is still going on.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum


class OwedStatus(StrEnum):
    UPCOMING = "upcoming"  # the data window has not ended yet
    DUE = "due"  # the window has ended; the effective deadline is ahead
    INCIDENT_OPEN = "incident_open"  # an incident still open holds the deadline: it cannot be late yet
    OVERDUE = "overdue"  # past the effective deadline, before the closing time: sent now, it is late
    NOT_SENT = "not_sent"  # past the effective closing time with nothing submitted


def owed_status(
    *, now: datetime, today: date, window_end: date, deadline: datetime | None, closing: datetime | None
) -> OwedStatus:
    """``deadline``/``closing`` are the effective ones; None while an incident holds them open."""
    if today <= window_end:
        return OwedStatus.UPCOMING
    if deadline is None:
        return OwedStatus.INCIDENT_OPEN
    if now <= deadline:
        return OwedStatus.DUE
    if closing is None or now <= closing:
        return OwedStatus.OVERDUE
    return OwedStatus.NOT_SENT


def days_left(*, today: date, deadline_day: date | None) -> int | None:
    """Whole local days from today to the deadline's day (0 = due today, negative = days past)."""
    if deadline_day is None:
        return None
    return (deadline_day - today).days
