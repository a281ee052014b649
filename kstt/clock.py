"""The province's calendar: instants are stored in UTC, dates are judged in the province's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def province_zone() -> ZoneInfo:
    return ZoneInfo(settings.KSTT_TIME_ZONE)


def local_date(at: datetime) -> date:
    """The province's calendar date of an aware instant."""
    if timezone.is_naive(at):
        raise ValueError("naive datetime: KSTT only handles aware instants")
    return at.astimezone(province_zone()).date()


def today() -> date:
    return local_date(timezone.now())


def parse_day(value: str | None, default: date) -> date:
    """A YYYY-MM-DD query parameter, or ``default`` when absent or malformed."""
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default
