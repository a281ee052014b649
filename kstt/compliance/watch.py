"""Compliance's answers to the apps below it (kstt.ledger_watch), registered by ComplianceConfig.ready."""

from __future__ import annotations

from datetime import datetime

from kstt import clock
from kstt.compliance import closing_selectors
from kstt.compliance.impact import LedgerImpact
from kstt.ledger_impact import Change, LineChange


class ComplianceWatch(LedgerImpact):
    """The ledger_watch.LedgerWatch of this installation: whether a year is closed, and what a change
    would move in the years still open."""

    def closing_of(self, *, report: str, year: int) -> str | None:
        found = closing_selectors.closings_in_force(report=report, year=year, at=clock.now())
        return "; ".join(closing_selectors.describe(c) for c in found) if found else None

    def impact(self, change: Change, *, as_of: datetime) -> list[LineChange]:
        """The lines a change moves, without those of a closed year: a closed snapshot does not move (the
        difference shows on the ledger pages until the year is reopened), so it costs no reason."""
        moved = super().impact(change, as_of=as_of)
        if not moved:
            return moved
        closed = closing_selectors.closed_units(at=as_of)  # one query while nothing is closed
        return [line for line in moved if (line.report, int(line.period[:4]), line.unit) not in closed]
