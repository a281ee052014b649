"""The one clock of KSTT, and the province's calendar.

Every service, page and command asks ``now()`` for the time, never ``timezone.now()``: a setting
(``KSTT_CLOCK``) can fix the clock to one instant for training and demos, so the whole system sees
the same day. Production refuses a fixed clock (a ``check --deploy`` error, kstt/checks.py).
Instants are stored in UTC; dates are judged in the province's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now() -> datetime:
    """The current instant: the fixed instant of ``KSTT_CLOCK`` when one is set, else the real time."""
    fixed: datetime | None = getattr(settings, "KSTT_CLOCK", None)
    return fixed if fixed is not None else timezone.now()


def is_fixed() -> bool:
    """True when the clock is fixed to an instant (training and demos)."""
    return getattr(settings, "KSTT_CLOCK", None) is not None


def province_zone() -> ZoneInfo:
    return ZoneInfo(settings.KSTT_TIME_ZONE)


def local_date(at: datetime) -> date:
    """The province's calendar date of an aware instant."""
    if timezone.is_naive(at):
        raise ValueError("naive datetime: KSTT only handles aware instants")
    return at.astimezone(province_zone()).date()


def today() -> date:
    return local_date(now())


def parse_day(value: str | None, default: date) -> date:
    """A YYYY-MM-DD query parameter, or ``default`` when absent or malformed."""
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default
