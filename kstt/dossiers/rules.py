"""Pure rules of the dossier records (rules.md §7, interchange.md "Dossiers").

- The record contract: what a valid dossier line is.
- The counting rules of form 06, as a reference classifier over local dates. The database counts
  with the same definitions (dossiers.selectors); tests hold the two equal on random data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kstt.interchange import parse_instant

DOSSIER_COLUMNS = ("code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome")
CHANNELS = ("online", "direct", "postal")
OUTCOMES = ("settled", "returned", "refused")
#: The longest text each column of a dossier holds (the model's columns are declared from these).
MAX_LENGTHS = {"code": 64, "unit_code": 32, "field_code": 32, "channel": 8, "outcome": 8}
TEXT_FIELDS = tuple(MAX_LENGTHS)
#: C0 and C1 control characters and DEL: PostgreSQL refuses NUL in text, and none belongs in a code.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class DossierRecordError(ValueError):
    """Bad records: ``where`` is the line number in a file, or the index in a pushed batch, of the
    first; ``errors`` lists every one found as ``(where, reason)`` (a file stops at its first)."""

    def __init__(self, where: int, reason: str, *, unit: str = "line", errors: Sequence[tuple[int, str]] = ()) -> None:
        super().__init__(f"{unit} {where}: {reason}")
        self.where = where
        self.reason = reason
        self.unit = unit
        self.errors = list(errors) or [(where, reason)]


@dataclass(frozen=True)
class DossierRecord:
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


def _text(values: Mapping[str, object], key: str) -> str:
    """A field as stripped text: missing or null is empty; a number, list or object is refused."""
    value = values.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{key} is not text ({type(value).__name__})")
    return value.strip()


def _checked_text(values: Mapping[str, object], key: str) -> str:
    """A text field that fits its column and holds no control character."""
    value = _text(values, key)
    if len(value) > MAX_LENGTHS[key]:
        raise ValueError(f"{key} is {len(value)} characters long (at most {MAX_LENGTHS[key]})")
    bad = CONTROL.search(value)
    if bad:
        raise ValueError(f"{key} contains a control character (U+{ord(bad.group()):04X})")
    return value


def parse_record(
    values: Mapping[str, object],
    *,
    known_units: Mapping[str, object] | AbstractSet[str],
    known_fields: Mapping[str, object] | AbstractSet[str],
) -> DossierRecord:
    """Validate one record (a CSV line or a pushed JSON object); raise ValueError with the reason.

    Every text field fits its database column and holds no control character, the unit and the
    procedure field are known, so that both engines store (or refuse) exactly the same records.
    """
    code = _checked_text(values, "code")
    if not code:
        raise ValueError("empty code")
    try:
        unit_code, field_code, channel, outcome = (
            _checked_text(values, key) for key in ("unit_code", "field_code", "channel", "outcome")
        )
    except ValueError as exc:
        raise ValueError(f"dossier {code}: {exc}") from None
    if not unit_code:
        raise ValueError(f"dossier {code}: empty unit_code")
    if unit_code not in known_units:
        raise ValueError(f"dossier {code}: unknown unit {unit_code}")
    if not field_code:
        raise ValueError(f"dossier {code}: empty field_code")
    if field_code not in known_fields:
        raise ValueError(f"dossier {code}: unknown procedure field {field_code} (not in the catalogue)")
    if channel not in CHANNELS:
        raise ValueError(f"dossier {code}: unknown channel {channel!r} (expected {', '.join(CHANNELS)})")
    instants: dict[str, datetime | None] = {}
    for key in ("received_at", "due_at", "finished_at"):
        try:
            raw = _text(values, key)
        except ValueError as exc:
            raise ValueError(f"dossier {code}: {exc}") from None
        if not raw:
            if key != "finished_at":
                raise ValueError(f"dossier {code}: empty {key}")
            instants[key] = None
            continue
        try:
            instants[key] = parse_instant(raw)
        except ValueError as exc:
            raise ValueError(f"dossier {code}: {key} is not an instant: {exc}") from None
    received, due, finished = instants["received_at"], instants["due_at"], instants["finished_at"]
    assert received is not None and due is not None  # noqa: S101 (checked above)
    if outcome and outcome not in OUTCOMES:
        raise ValueError(f"dossier {code}: unknown outcome {outcome!r} (expected {', '.join(OUTCOMES)}, or empty)")
    if finished is None and outcome:
        raise ValueError(f"dossier {code}: a pending dossier (no finished_at) has the outcome {outcome!r}")
    if finished is not None and not outcome:
        raise ValueError(f"dossier {code}: a finished dossier needs an outcome")
    if finished is not None and finished < received:
        raise ValueError(f"dossier {code}: finished before it was received")
    return DossierRecord(code, unit_code, field_code, channel, received, due, finished, outcome)


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
