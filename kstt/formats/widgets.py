"""Date entry as ``dd/mm/yyyy`` whatever the browser's language.

A native ``<input type="date">`` shows and types dates in the browser's locale (``mm/dd/yyyy`` on
the English office PCs of the province). These widgets are plain text inputs with a placeholder,
shown in KSTT's formats (kstt/formats) and read with its input formats, day first. What they hand
to the form field is ISO (``yyyy-mm-dd``, ``yyyy-mm-ddTHH:MM``), which every date field accepts,
so a form only changes its widget.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import formats

from kstt.formats import DATE_PLACEHOLDER, DATETIME_PLACEHOLDER

DAY = "%d/%m/%Y"
DAY_TIME = "%d/%m/%Y %H:%M"


def parse_day(value: str) -> date | None:
    """A typed date (dd/mm/yyyy, or ISO), or None when it is not one."""
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 (a date, no instant)
        except (ValueError, TypeError):
            continue
    return None


def parse_day_time(value: str) -> datetime | None:
    """A typed local date and time (dd/mm/yyyy HH:MM, or ISO) as a naive wall-clock time, or None."""
    for fmt in formats.get_format("DATETIME_INPUT_FORMATS"):
        try:
            return datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 (the field makes it aware)
        except (ValueError, TypeError):
            continue
    return None


class DayInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "class": "form-control",
            "placeholder": DATE_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "data-kstt-date": "day",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DAY)

    def format_value(self, value: Any) -> str | None:
        """Day first, also when a form comes back with what was posted (the ISO text value_from_datadict
        made of it, or anything typed that reads as a date); what does not read as one, as typed."""
        if isinstance(value, str) and value.strip():
            day = parse_day(value)
            return day.strftime(DAY) if day is not None else value
        return super().format_value(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        raw = super().value_from_datadict(data, files, name)
        if not isinstance(raw, str) or not raw.strip():
            return raw
        day = parse_day(raw)
        return day.isoformat() if day is not None else raw


class DayTimeInput(forms.DateTimeInput):
    """A local date and time typed and shown as dd/mm/yyyy HH:MM."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "class": "form-control",
            "placeholder": DATETIME_PLACEHOLDER,
            "autocomplete": "off",
            "data-kstt-date": "day-time",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DAY_TIME)

    def format_value(self, value: Any) -> str | None:
        """dd/mm/yyyy HH:MM, also when a form comes back with what was posted (issue 13: a form refused for
        another field showed its start as 2021-12-20T08:00); what does not read as a time, as typed."""
        if isinstance(value, str) and value.strip():
            at = parse_day_time(value)
            return at.strftime(DAY_TIME) if at is not None else value
        return super().format_value(value)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        raw = super().value_from_datadict(data, files, name)
        if not isinstance(raw, str) or not raw.strip():
            return raw
        at = parse_day_time(raw)
        return at.strftime("%Y-%m-%dT%H:%M") if at is not None else raw
