"""What the ledger says about a change to the facts it judges, asked by the apps below it.

The catalogue (settings versions, province days) and incidents sit below compliance in the layers:
they cannot import it, yet a change they record may move a ledger line (rules.md §6: a closed year
refuses a settings version starting in it; a back-dated change shows its cost before it is saved).
Compliance registers its answers here when it loads (``ComplianceConfig.ready``); the lower apps ask
through ``watch()``. With nothing registered (compliance not installed) there is no ledger to ask:
``watch()`` is None and the lower apps go on as before.

Each question is one method of ``LedgerWatch``; the helper that needs one adds it to the protocol
and to compliance's implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kstt.ledger_impact import Change, LineChange


class LedgerWatch(Protocol):
    """The ledger's answers to the apps below it (implemented by kstt.compliance)."""

    def closing_of(self, *, report: str, year: int) -> str | None:
        """The closing in force now of a year of this report type (any province), named for a message
        in the active language ("the 2021 ledger of Tỉnh Hòa Bình, closed on … by … (revision 1)"), or
        None when the year is open. A settings version that would judge a closed year is refused."""
        ...

    def impact(self, change: Change, *, as_of: datetime) -> Sequence[LineChange]:
        """The ledger lines ``change`` would move (kstt.ledger_impact), judged at ``as_of`` with today's
        facts and with the change applied in memory: lines that change status or deduction, appear or
        go, sorted by unit code, period and report, leaving out the lines of a closed year (its snapshot
        does not move). Nothing is saved."""
        ...


_watch: LedgerWatch | None = None


def register(watch: LedgerWatch) -> None:
    """Called once by compliance when its app loads."""
    global _watch  # the one registry of the process
    _watch = watch


def watch() -> LedgerWatch | None:
    """The registered ledger, or None when compliance is not installed."""
    return _watch
