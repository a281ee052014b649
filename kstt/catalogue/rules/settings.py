"""Which settings version judges a period (issue 9: settings with validity dates).

A report type's settings (deadlines per level, cut-off and closing days, roll-forward, the dossier
counting of returned files, the scored levels and the deduction amounts, whether the narrative PDF must
be digitally signed: rules.md §3, §4, §6, §7) are a
history of immutable versions, each valid from a date (``None``: since the start of the records). A
period is judged by the version in force on its **first day** (the first day of its first calendar
month: 2021Q3 → 01/07/2021, 2021H1 → 01/01/2021), whatever day its data window starts on: the version
with the latest ``valid_from`` on or before that day, ties broken by the highest number (the later
word on the same date wins). A change valid from 2022Q1 therefore never moves a 2021 deadline.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, TypeVar

from kstt.catalogue.rules.deadlines import DeadlinePolicy, LevelDeadline, policy_problems
from kstt.catalogue.rules.periods import KINDS, Period


class Dated(Protocol):
    """What the rule reads of a settings version."""

    @property
    def valid_from(self) -> date | None: ...

    @property
    def number(self) -> int: ...


V = TypeVar("V", bound=Dated)


class NoSettingsError(LookupError):
    """No settings version is in force for a period (none is valid from its first day or earlier)."""


def first_day(period: Period) -> date:
    """The first day of the period's first calendar month (2021Q3 → 01/07/2021, 2021Y → 01/01/2021)."""
    return date(period.year, KINDS[period.kind][0], 1)


def _key(version: Dated) -> tuple[date, int]:
    return (version.valid_from or date.min, version.number)


def in_force_on(versions: Iterable[V], day: date) -> V:
    """The version in force on ``day``: the latest ``valid_from`` ≤ day (None counts as −∞), then the
    highest number."""
    candidates = [v for v in versions if v.valid_from is None or v.valid_from <= day]
    if not candidates:
        raise NoSettingsError(f"no settings are in force on {day.isoformat()}")
    return max(candidates, key=_key)


def in_force(versions: Iterable[V], period: Period) -> V:
    """The version that judges ``period``: the one in force on its first day."""
    try:
        return in_force_on(versions, first_day(period))
    except NoSettingsError:
        raise NoSettingsError(f"no settings are in force for {period.code}") from None


# --- The values of a version, and what the catalogue refuses ------------------------------------------------

#: Every setting a version holds, in the order the catalogue page and the evidence list them.
SETTING_KEYS = (
    "cutoff_day",
    "closing_days",
    "roll_forward",
    "returned_on_time",
    "deadlines",
    "scored_levels",
    "not_sent_points",
    "late_points",
    "digital_signature_required",
)
#: A deduction amount: from 0 to 10 points, in hundredths (DecimalField(max_digits=4, decimal_places=2)).
POINTS = (Decimal("0"), Decimal("10"))


def merge(base: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """The values of a change on top of ``base``: the keys it names replace base's; ``deadlines`` are
    replaced level by level (a change naming only the commune's deadline keeps the other levels')."""
    merged = {key: base[key] for key in SETTING_KEYS if key in base}
    for key, value in change.items():
        if key == "deadlines" and isinstance(value, Mapping) and isinstance(merged.get("deadlines"), Mapping):
            merged["deadlines"] = {**merged["deadlines"], **value}
        else:
            merged[key] = value
    return merged


def _points(value: Any) -> Decimal | None:
    # A float is read by its shortest decimal form (TOML 0.25 is "0.25"), then held as a Decimal.
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return points if points.is_finite() else None


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


Problem = tuple[str, str, dict[str, Any]]


def problems(values: Mapping[str, Any], *, levels: Sequence[str]) -> list[Problem]:
    """What is wrong with a version's values, as (field, problem code, values): empty when each value
    means what the catalogue page says. ``levels``: the level codes there are. The codes are the
    messages' keys (catalogue.services.settings_problem_message); the deadline codes are
    ``policy_problems``'."""
    found: list[Problem] = []
    missing = [key for key in SETTING_KEYS if key not in values]
    unknown = sorted(set(values) - set(SETTING_KEYS))
    if missing:
        found.append((missing[0], "missing", {"key": ", ".join(missing)}))
    if unknown:
        found.append((unknown[0], "unknown_key", {"key": ", ".join(unknown)}))
    if found:
        return found
    for key in ("cutoff_day", "closing_days"):
        if not _whole(values[key]):
            found.append((key, "not_whole", {"key": key}))
    for key in ("roll_forward", "returned_on_time", "digital_signature_required"):
        if not isinstance(values[key], bool):
            found.append((key, "not_yes_no", {"key": key}))
    deadlines = values["deadlines"]
    rules: dict[str, LevelDeadline] = {}
    if not isinstance(deadlines, Mapping):
        found.append(("deadlines", "not_levels", {}))
    else:
        for level, rule in deadlines.items():
            if level not in levels:
                found.append(("deadlines", "unknown_level", {"level": level}))
            elif not isinstance(rule, Mapping) or set(rule) - {"offset_days", "cap_day"}:
                found.append((f"offset_{level}", "not_a_deadline", {"level": level}))
            elif not _whole(rule.get("offset_days")):
                found.append((f"offset_{level}", "offset_not_whole", {"level": level}))
            elif rule.get("cap_day") is not None and not _whole(rule["cap_day"]):
                found.append((f"cap_{level}", "cap_not_whole", {"level": level}))
            else:
                rules[level] = LevelDeadline(rule["offset_days"], rule.get("cap_day"))
    scored = values["scored_levels"]
    if not isinstance(scored, list | tuple) or not all(isinstance(level, str) for level in scored):
        found.append(("scored_levels", "not_levels", {}))
    else:
        for level in scored:
            if level not in levels:
                found.append(("scored_levels", "unknown_level", {"level": level}))
            elif isinstance(deadlines, Mapping) and level not in deadlines:
                found.append(("scored_levels", "scored_without_deadline", {"level": level}))
        if len(set(scored)) != len(scored):
            found.append(("scored_levels", "scored_twice", {}))
    for key in ("not_sent_points", "late_points"):
        points = _points(values[key])
        if points is None:
            found.append((key, "points_not_a_number", {"key": key}))
        elif not POINTS[0] <= points <= POINTS[1]:
            found.append((key, "points_range", {"key": key, "low": POINTS[0], "high": POINTS[1]}))
        elif points != points.quantize(Decimal("0.01")):
            found.append((key, "points_hundredths", {"key": key}))
    if found:
        return found
    policy = DeadlinePolicy(levels=rules, cutoff_day=values["cutoff_day"], closing_days=values["closing_days"])
    return [(name, problem, dict(params)) for name, problem, params in policy_problems(policy)]


def canonical(values: Mapping[str, Any]) -> dict[str, Any]:
    """Valid values (``problems`` found none) in one JSON-able form, to store and to compare: deadlines
    by level with an explicit cap, amounts as strings in hundredths ("0.50")."""
    return {
        "cutoff_day": values["cutoff_day"],
        "closing_days": values["closing_days"],
        "roll_forward": values["roll_forward"],
        "returned_on_time": values["returned_on_time"],
        "deadlines": {
            level: {"offset_days": rule["offset_days"], "cap_day": rule.get("cap_day")}
            for level, rule in sorted(values["deadlines"].items())
        },
        "scored_levels": list(values["scored_levels"]),
        "not_sent_points": f"{_points(values['not_sent_points']):.2f}",
        "late_points": f"{_points(values['late_points']):.2f}",
        "digital_signature_required": values["digital_signature_required"],
    }


def same(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two valid value sets are the same settings (the scored levels in any order)."""
    left, right = canonical(a), canonical(b)
    left["scored_levels"], right["scored_levels"] = sorted(left["scored_levels"]), sorted(right["scored_levels"])
    return left == right
