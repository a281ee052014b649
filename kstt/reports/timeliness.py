"""Where a report instance stands against its deadline (rules.md §4, §6 "Statuses"): THE timeliness rule, pure.

Every reader judges with ``status`` here: the home page's "what I owe", the reports API, the reminders,
the compliance dashboard, the ledger, a line's evidence page and the compliance API. Each gives it the
instance's §4 submitted time from the one place that keeps it, ``ReportInstance.first_submitted_at`` (the
first submission: later versions never move it; ``load-submissions`` refuses a line that would).

The statuses, one word each as rules.md names them:

- once judged: *on time* (submitted ≤ the effective deadline), *excused* (on time only thanks to an
  incident's extension), *late* (≤ the effective closing time), *not sent* (nothing submitted by the
  effective closing time, also when first sent after it);
- while the closing time has not passed and nothing is submitted: *not yet due* (the effective deadline
  is ahead), *overdue, not sent* (past the effective deadline, before the closing time) and *held open by
  an incident* (an incident in the unit's scope is still open at the deadline: it cannot be late yet).

This module imports nothing of Django and sits below both readers of the rule (reports for the home
pages and reminders, compliance for the dashboard and ledger).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from kstt.incidents.rules import IncidentSpan


class Status(StrEnum):
    ON_TIME = "on_time"
    EXCUSED = "excused"
    LATE = "late"
    NOT_SENT = "not_sent"
    #: Nothing submitted, the effective deadline ahead (the period may still be running).
    NOT_YET_DUE = "not_yet_due"
    #: Nothing submitted, past the effective deadline, before the effective closing time.
    OVERDUE = "overdue"
    #: Nothing submitted, an incident still open holds the deadline open.
    INCIDENT_OPEN = "incident_open"


#: In the order pages count and offer them.
STATUSES: tuple[Status, ...] = (
    Status.ON_TIME,
    Status.EXCUSED,
    Status.LATE,
    Status.NOT_SENT,
    Status.NOT_YET_DUE,
    Status.OVERDUE,
    Status.INCIDENT_OPEN,
)
#: Submitted (by the closing time): the statuses of a report on the system.
SENT: frozenset[Status] = frozenset({Status.ON_TIME, Status.EXCUSED, Status.LATE})
#: Nothing to judge yet: the closing time has not passed and nothing is submitted.
PENDING: frozenset[Status] = frozenset({Status.NOT_YET_DUE, Status.OVERDUE, Status.INCIDENT_OPEN})
#: Counted as sent on time (rules.md §4).
IN_TIME: frozenset[Status] = frozenset({Status.ON_TIME, Status.EXCUSED})


class FutureInstant(ValueError):
    """A judgement asked as of an instant in the future (rules.md §6: tomorrow's facts are not known)."""

    def __init__(self, as_of: datetime, now: datetime) -> None:
        super().__init__(f"{as_of.isoformat()} is in the future (it is now {now.isoformat()})")
        self.as_of, self.now = as_of, now


def check_as_of(as_of: datetime, *, now: datetime) -> datetime:
    """``as_of`` when it is not in the future; ``FutureInstant`` otherwise."""
    if as_of > now:
        raise FutureInstant(as_of, now)
    return as_of


def status(
    *,
    scheduled: datetime,
    deadline: datetime | None,
    closing: datetime | None,
    submitted_at: datetime | None,
    as_of: datetime,
) -> Status:
    """The status of one instance as known at ``as_of``.

    ``scheduled``: the deadline before any extension; ``deadline``, ``closing``: the effective ones (None
    while an incident holds them open); ``submitted_at``: the §4 submitted time (None when nothing was
    submitted; one after ``as_of`` is not a fact yet).
    """
    if submitted_at is not None and submitted_at <= as_of:
        if deadline is None or submitted_at <= deadline:
            # In time for the effective deadline, or held open by an incident still going on.
            return Status.EXCUSED if submitted_at > scheduled else Status.ON_TIME
        if closing is None or submitted_at <= closing:
            return Status.LATE
        return Status.NOT_SENT  # first sent after the closing time
    if closing is not None and as_of > closing:
        return Status.NOT_SENT
    if deadline is None:
        return Status.INCIDENT_OPEN
    if as_of <= deadline:
        return Status.NOT_YET_DUE
    return Status.OVERDUE


def as_known(incidents: Sequence[IncidentSpan], as_of: datetime) -> list[IncidentSpan]:
    """The incidents as they were known at ``as_of``: one that starts later did not happen yet,
    one that ends later was still going on."""
    known = []
    for incident in incidents:
        if incident.start > as_of:
            continue
        if incident.end is not None and incident.end > as_of:
            incident = replace(incident, end=None)
        known.append(incident)
    return known
