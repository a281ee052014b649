"""Compliance's answers to the apps below it (kstt.ledger_watch), registered by ComplianceConfig.ready."""

from __future__ import annotations

from kstt import clock
from kstt.compliance import closing_selectors


class ComplianceWatch:
    """The ledger_watch.LedgerWatch of this installation."""

    def closing_of(self, *, report: str, year: int) -> str | None:
        found = closing_selectors.closings_in_force(report=report, year=year, at=clock.now())
        return "; ".join(closing_selectors.describe(c) for c in found) if found else None
