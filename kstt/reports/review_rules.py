"""The reviewers' own deadline (rules.md §5, issue 14 point 6), pure.

"The reviewer decides within 10 days (configurable)": KSTT_REVIEW_DAYS calendar days. §5 says *days*,
where the regulation means working days it says so (§3–§4: "the first working day after…"), and a
reviewer's delay is not a unit's deadline that weekends and holidays move. A version submitted on local
day D is to be reviewed by the end of local day D + n (Asia/Ho_Chi_Minh); from the next instant it is
*overdue for review*, until it is reviewed or a newer version replaces it.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo


def review_due(submitted_at: datetime, *, zone: tzinfo, days: int) -> datetime:
    """The last instant (local end of day) by which a version submitted at ``submitted_at`` is reviewed."""
    if submitted_at.tzinfo is None:
        raise ValueError("naive datetime: the review deadline is judged on aware instants")
    if days < 1:
        raise ValueError("a reviewer has at least one day")
    day = submitted_at.astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time.max, tzinfo=zone)


def overdue_for_review(submitted_at: datetime, *, now: datetime, zone: tzinfo, days: int) -> bool:
    """True when a version submitted at ``submitted_at``, still unreviewed at ``now``, is past its review
    deadline (``review_due``)."""
    if now.tzinfo is None:
        raise ValueError("naive datetime: the review deadline is judged on aware instants")
    return now > review_due(submitted_at, zone=zone, days=days)
