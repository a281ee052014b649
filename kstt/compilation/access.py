"""Who may read a form 06 compiled from the units' reports: the reviewers of the receiving unit (and of the
units above it) and the administrators; everyone else gets 404, as for a unit that is not theirs."""

from __future__ import annotations

from typing import Any


def may_compile_reports(user: Any) -> bool:
    """To be asked once ``kstt.accounts.access.unit_for_user`` has found the unit the user's to see: only
    a reviewer (or an administrator) reads the compilation of the reports the unit receives."""
    return bool(user.is_active and (user.is_kstt_admin or user.is_reviewer))
