"""What a back-dated change costs the ledger (issue 14 point 4, rules.md §6): the lines it moves.

A new settings version, an incident (recorded, edited, closed, loaded) or a province day (declared,
withdrawn) can move ledger lines that are already final: a deadline moves, a report once late is now
on time, a line appears or goes. Before such a change is saved the person sees which lines change and
how, and gives a reason; the change's audit entry keeps that list. A change that moves no line needs
no reason and is saved as before.

The catalogue and incidents sit below compliance: they describe the change here in plain values
(``SettingsChange``, ``DayChange``, ``IncidentChange``) and ask the ledger through
``kstt.ledger_watch``; compliance judges the ledger with today's facts and with the change applied,
in memory, and answers with the lines that differ (``LineChange``). With no ledger registered (no
compliance), nothing moves.

``settle`` is what every service calls inside its transaction: the lines the change moves now,
checked against the list the person confirmed (``seen``: the facts may have changed meanwhile) and
against the reason. Nothing here uses Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kstt import ledger_watch, unicode_text

#: The audit entry's keys: the reason given and the lines the change moved.
REASON, LINES = "reason", "ledger_changes"


@dataclass(frozen=True)
class SettingsChange:
    """A new settings version of a report type (by code), in force from ``valid_from``: every value."""

    report_type: str
    valid_from: date
    values: Mapping[str, Any]


@dataclass(frozen=True)
class DayChange:
    """The province's word on a day: ``kind`` a day off or a make-up working day, None once withdrawn."""

    day: date
    kind: str | None


@dataclass(frozen=True)
class IncidentFacts:
    """An incident as the change leaves it; ``id`` None for a new one."""

    id: int | None
    start: datetime
    end: datetime | None
    all_units: bool
    unit_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class IncidentChange:
    """Incidents recorded or changed together (one on a page, many from a file)."""

    incidents: tuple[IncidentFacts, ...] = field(default_factory=tuple)


Change = SettingsChange | DayChange | IncidentChange


@dataclass(frozen=True)
class LineState:
    """A ledger line as the change finds or leaves it."""

    status: str
    deduction: Decimal

    def as_data(self) -> dict[str, str]:
        return {"status": self.status, "deduction": f"{self.deduction:.2f}"}


@dataclass(frozen=True)
class LineChange:
    """One ledger line the change moves: ``before`` None when the change adds it, ``after`` None when
    the change takes it out of the ledger (no longer final, or no longer scored)."""

    unit: str  # code
    name: str
    report: str  # report type code
    period: str  # period code
    before: LineState | None
    after: LineState | None

    def as_data(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name": self.name,
            "report": self.report,
            "period": self.period,
            "before": self.before.as_data() if self.before is not None else None,
            "after": self.after.as_data() if self.after is not None else None,
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LineChange:
        """The line from ``as_data``'s values (a page's hidden field); ValueError/KeyError/TypeError when
        they are not."""

        def state(value: Any) -> LineState | None:
            if value is None:
                return None
            return LineState(status=str(value["status"]), deduction=Decimal(str(value["deduction"])))

        return cls(
            unit=str(data["unit"]),
            name=str(data["name"]),
            report=str(data["report"]),
            period=str(data["period"]),
            before=state(data["before"]),
            after=state(data["after"]),
        )


def from_data(items: Any) -> tuple[LineChange, ...] | None:
    """The list a page sent back (``as_data`` of each line), or None when it is not one."""
    if not isinstance(items, list):
        return None
    try:
        return tuple(LineChange.from_data(item) for item in items)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None


class CostError(ValueError):
    """The change is not saved; ``changes`` are the lines it moves now."""

    def __init__(self, changes: Sequence[LineChange]) -> None:
        super().__init__(f"{len(changes)} ledger line(s) change")
        self.changes = tuple(changes)


class ReasonRequired(CostError):
    """The change moves ledger lines and no reason was given."""


class CostChanged(CostError):
    """The lines the change moves are not the ones the person saw (the facts changed meanwhile, or
    nothing was shown yet): show them again."""


def lines_moved(change: Change, *, at: datetime) -> tuple[LineChange, ...]:
    """The ledger lines ``change`` would move, judged at ``at`` (none when no ledger is registered)."""
    watch = ledger_watch.watch()
    if watch is None:
        return ()
    return tuple(watch.impact(change, as_of=at))


def settle(change: Change, *, at: datetime, reason: str, seen: Sequence[LineChange] | None) -> tuple[LineChange, ...]:
    """The lines ``change`` moves, once the person has seen them and said why.

    ``seen``: the list the person confirmed (a page always sends it, empty before any preview); None
    when nobody was shown one (a command, which prints what it changed). Raises ``CostChanged`` when
    the list differs from ``seen``, ``ReasonRequired`` when lines move and ``reason`` is blank (or
    holds only invisible characters).
    """
    changes = lines_moved(change, at=at)
    if seen is not None and tuple(seen) != changes:
        raise CostChanged(changes)
    # A reason that cannot be stored (a NUL, a lone surrogate) or is over 5,000 characters is no reason either.
    if changes and (unicode_text.is_blank(reason) or unicode_text.error(reason) is not None or len(reason) > 5000):
        raise ReasonRequired(changes)
    return changes


def audit_data(changes: Sequence[LineChange], reason: str) -> dict[str, Any]:
    """What the change's audit entry adds: the reason and the lines, when lines move (nothing else)."""
    if not changes:
        return {}
    return {REASON: reason.strip(), LINES: [line.as_data() for line in changes]}
