"""Pure rules of the dossier records (rules.md §7, interchange.md "Dossiers").

- The record contract: what a valid dossier line is.
- The counting rules of form 06, as a reference classifier over local dates. The database counts
  with the same definitions (dossiers.selectors); tests hold the two equal on random data.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from kstt.interchange import INSTANT_YEARS, parse_instant

DOSSIER_COLUMNS = ("code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome")
CHANNELS = ("online", "direct", "postal")
OUTCOMES = ("settled", "returned", "refused")
#: The longest text each column of a dossier holds (the model's columns are declared from these).
MAX_LENGTHS = {"code": 64, "unit_code": 32, "field_code": 32, "channel": 8, "outcome": 8}
#: C0 and C1 control characters and DEL: PostgreSQL refuses NUL in text, and none belongs in a code.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
#: An instant as interchange.md writes it: ISO 8601 date and time with an offset (or Z) of at most
#: 14:00 either way. Stricter than Python's fromisoformat (no week dates, no basic format, no seventh
#: decimal, no offset PostgreSQL refuses), so every engine reads it the same.
INSTANT = re.compile(
    r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00))", re.ASCII
)
_CODE_MAX = MAX_LENGTHS["code"]
_control = CONTROL.search


class DossierRecordError(ValueError):
    """Bad records: ``where`` is the line number in a file, or the index in a pushed batch, of the
    first; ``errors`` lists every one found as ``(where, reason)`` (a file stops at its first)."""

    def __init__(self, where: int, reason: str, *, unit: str = "line", errors: Sequence[tuple[int, str]] = ()) -> None:
        super().__init__(f"{unit} {where}: {reason}")
        self.where = where
        self.reason = reason
        self.unit = unit
        self.errors = list(errors) or [(where, reason)]


class DossierRecord(NamedTuple):
    code: str
    unit_code: str
    field_code: str
    channel: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: str  # "" while pending

    def local_dates(self, zone: ZoneInfo) -> tuple[date, date, date | None]:
        """received_on, due_on, finished_on: the days the instants fall on in the province."""
        return (
            self.received_at.astimezone(zone).date(),
            self.due_at.astimezone(zone).date(),
            self.finished_at.astimezone(zone).date() if self.finished_at else None,
        )


def _shown(text: str) -> str:
    """A value quoted in a message, cut short when long."""
    return repr(text) if len(text) <= 40 else repr(text[:40]) + "…"


def _text_problem(key: str, value: str) -> str | None:
    """Why a text does not fit its column, if it does not: too long, or a control character."""
    if len(value) > MAX_LENGTHS[key]:
        return f"{key} is {len(value)} characters long (at most {MAX_LENGTHS[key]})"
    bad = CONTROL.search(value)
    if bad:
        return f"{key} contains a control character (U+{ord(bad.group()):04X})"
    return None


def _instant(key: str, text: str) -> datetime:
    """An instant as interchange.md writes it; the reason otherwise."""
    if INSTANT.fullmatch(text):
        try:
            value = datetime.fromisoformat(text)  # has an offset: the pattern demands one
        except ValueError as exc:
            raise ValueError(f"{key} is not an instant: {exc}") from None
        if value.year in INSTANT_YEARS:
            return value
    try:
        parse_instant(text)  # the most telling reason (no offset, out of range, not a date …)
    except ValueError as exc:
        reason = str(exc) if len(text) <= 40 else f"{_shown(text)} is not one"
        raise ValueError(f"{key} is not an instant: {reason}") from None
    raise ValueError(f"{key} is not an instant written YYYY-MM-DDTHH:MM[:SS[.ffffff]]+HH:MM: {_shown(text)}")


_UNKNOWN = {
    "unit_code": "unknown unit {value}",
    "field_code": "unknown procedure field {value} (not in the catalogue)",
    "channel": f"unknown channel {{shown}} (expected {', '.join(CHANNELS)})",
    "outcome": f"unknown outcome {{shown}} (expected {', '.join(OUTCOMES)}, or empty)",
}


def _why_unknown(key: str, value: str) -> str:
    """Why a value is not among the known ones: too long, control character, empty, or unknown."""
    problem = _text_problem(key, value)
    if problem is None:
        problem = f"empty {key}" if not value else _UNKNOWN[key].format(value=value, shown=_shown(value))
    return problem


def parse_fields(
    code: str,
    unit_code: str,
    field_code: str,
    channel: str,
    received_at: str,
    due_at: str,
    finished_at: str,
    outcome: str,
    *,
    known_units: Container[str],
    known_fields: Collection[str],
) -> DossierRecord:
    """Validate one record given as stripped texts in the order of DOSSIER_COLUMNS; raise ValueError
    with the reason.

    Every text fits its database column and holds no control character (a known code is known to
    fit), the unit and the procedure field are known, every instant is ISO 8601 with an offset: so
    both engines store, or refuse, exactly the same records, and the database never sees a value it
    would reject. A large load runs this once per line: the usual path is kept short.
    """
    if not code or len(code) > _CODE_MAX or _control(code):
        raise ValueError(_text_problem("code", code) or "empty code")
    if unit_code not in known_units:
        raise ValueError(f"dossier {code}: {_why_unknown('unit_code', unit_code)}")
    if field_code not in known_fields:
        hint = "" if known_fields else "; the catalogue has no procedure fields yet (kstt load-procedure-fields)"
        raise ValueError(f"dossier {code}: {_why_unknown('field_code', field_code)}{hint}")
    if channel not in CHANNELS:
        raise ValueError(f"dossier {code}: {_why_unknown('channel', channel)}")
    if outcome and outcome not in OUTCOMES:
        raise ValueError(f"dossier {code}: {_why_unknown('outcome', outcome)}")
    try:
        received = _instant("received_at", received_at) if received_at else None
        due = _instant("due_at", due_at) if due_at else None
        finished = _instant("finished_at", finished_at) if finished_at else None
    except ValueError as exc:
        raise ValueError(f"dossier {code}: {exc}") from None
    if received is None:
        raise ValueError(f"dossier {code}: empty received_at")
    if due is None:
        raise ValueError(f"dossier {code}: empty due_at")
    if finished is None:
        if outcome:
            raise ValueError(f"dossier {code}: a pending dossier (no finished_at) has the outcome {outcome!r}")
    elif not outcome:
        raise ValueError(f"dossier {code}: a finished dossier needs an outcome")
    elif finished < received:
        raise ValueError(f"dossier {code}: finished before it was received")
    return DossierRecord(code, unit_code, field_code, channel, received, due, finished, outcome)


def parse_record(
    values: Mapping[str, object], *, known_units: Container[str], known_fields: Collection[str]
) -> DossierRecord:
    """Validate one record (a pushed JSON object, or a CSV line by column name); see parse_fields."""
    texts = []
    for key in DOSSIER_COLUMNS:
        value = values.get(key)
        if value is None:
            value = ""
        elif not isinstance(value, str):
            reason = f"{key} is not text ({type(value).__name__})"
            code = values.get("code")
            raise ValueError(f"dossier {code}: {reason}" if isinstance(code, str) and key != "code" else reason)
        texts.append(value.strip())
    return parse_fields(*texts, known_units=known_units, known_fields=known_fields)


# --- The counting rules of form 06 (rules.md §7) --------------------------------------------------


@dataclass(frozen=True)
class DossierDays:
    """What the counting rules look at: local days, channel and outcome."""

    channel: str
    outcome: str
    received_on: date
    due_on: date
    finished_on: date | None


def classify(dossier: DossierDays, start: date, end: date, *, returned_on_time: bool = True) -> frozenset[str]:
    """The form 06 columns a dossier counts in for the window [start, end] (local dates, inclusive).

    Refused dossiers are ignored. A dossier is in play when it was received on or before ``end`` and
    not finished before ``start``; then it is received in the period or carried over, and either
    finished in the period (early / on time / late against its due day; returned counts on time by
    default) or pending at the period's end (in time when due on or after ``end``, else overdue).
    """
    d = dossier
    if d.outcome == "refused" or d.received_on > end:
        return frozenset()
    if d.finished_on is not None and d.finished_on < start:
        return frozenset()
    columns = {"received_total"}
    if d.received_on < start:
        columns.add("carried_over")
    elif d.channel == "online":
        columns.add("received_online")
    else:
        columns.add("received_direct")
    if d.finished_on is not None and d.finished_on <= end:
        columns.add("settled_total")
        if d.outcome == "returned" and returned_on_time:
            columns.add("settled_on_time")
        elif d.finished_on < d.due_on:
            columns.add("settled_early")
        elif d.finished_on == d.due_on:
            columns.add("settled_on_time")
        else:
            columns.add("settled_late")
    else:
        columns.add("pending_total")
        columns.add("pending_in_time" if d.due_on >= end else "pending_overdue")
    return frozenset(columns)
