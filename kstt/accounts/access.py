"""The one access helper: what a user may see and do with a unit's data.

Every view and API endpoint asks here. Another unit's data is a 404 (existence does not leak).

- reporter: acts for their own unit (fill, import, submit);
- reviewer: sees their unit and every unit below it; reviews the units that report to theirs
  (the units directly below it: a district's communes; the province's departments and districts,
  or its communes in the two-level shape);
- admin: sees every unit (catalogue, users, incidents).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion


@dataclass(frozen=True)
class UnitAccess:
    view: bool = False
    report: bool = False  # fill, import and submit the unit's reports
    review: bool = False  # review, return, accept, compile the unit's reports

    def __or__(self, other: UnitAccess) -> UnitAccess:
        return UnitAccess(self.view or other.view, self.report or other.report, self.review or other.review)


NONE = UnitAccess()


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def unit_access(*, user: Any, unit: Unit, on: date) -> UnitAccess:
    """What ``user`` may do with ``unit``'s data, the tree taken as it was on ``on``."""
    if not _active(user):
        return NONE
    access = NONE
    if user.is_kstt_admin:
        access |= UnitAccess(view=True)
    if user.unit_id is None:
        return access
    if user.unit_id == unit.pk:
        access |= UnitAccess(view=user.is_reporter or user.is_reviewer, report=user.is_reporter)
    elif user.is_reviewer:
        above = units.ancestor_ids(unit, on=on)
        if user.unit_id in above:
            access |= UnitAccess(view=True, review=above[0] == user.unit_id)
    return access


def unit_for_user(*, user: Any, code: str, on: date) -> tuple[UnitVersion, UnitAccess]:
    """The unit as it was on ``on`` and what the user may do with it; 404 when it is not theirs."""
    version = units.unit_on(code, on)
    if version is None:
        raise Http404("No such unit on that date.")
    access = unit_access(user=user, unit=version.unit, on=on)
    if not access.view:
        raise Http404("No such unit on that date.")
    return version, access


def may_browse_units(user: Any) -> bool:
    """Reviewers and admins browse the unit tree."""
    return _active(user) and (user.is_kstt_admin or (user.is_reviewer and user.unit_id is not None))


def tree_root(user: Any) -> Unit | None:
    """Where the user's view of the tree starts: None for the whole tree (admins)."""
    if user.is_kstt_admin:
        return None
    return user.unit


def visible_units(*, user: Any, on: date) -> QuerySet[UnitVersion]:
    """The units (as on ``on``) the user may see."""
    qs = units.versions_on(on)
    if not _active(user):
        return qs.none()
    if user.is_kstt_admin:
        return qs
    if user.unit_id is None:
        return qs.none()
    if user.is_reviewer:
        return qs.filter(unit_id__in=units.descendant_ids(user.unit, on=on, include_self=True))
    if user.is_reporter:
        return qs.filter(unit_id=user.unit_id)
    return qs.none()


def search_units(*, user: Any, query: str, on: date, limit: int = 50) -> QuerySet[UnitVersion]:
    """Search the units the user may browse; empty for anyone who may not."""
    if not may_browse_units(user):
        return units.versions_on(on).none()
    return units.search(query, on=on, within=tree_root(user), limit=limit)


def require_browse(user: Any) -> None:
    if not may_browse_units(user):
        raise Http404("Not found.")


def _reviewer_level(user: Any, *, on: date) -> str | None:
    """The level (on ``on``) of a reviewer's unit; None for anyone else. Remembered on the user
    object, so that a page asking several questions of one request's user reads it once."""
    if not (_active(user) and user.is_reviewer and user.unit_id is not None):
        return None
    remembered: dict[date, str | None] | None = getattr(user, "_kstt_reviewer_levels", None)
    if remembered is None:
        remembered = {}
        user._kstt_reviewer_levels = remembered
    if on not in remembered:
        version = units.unit_on(user.unit.code, on)
        remembered[on] = version.level if version is not None else None
    return remembered[on]


def is_provincial_office(user: Any, *, on: date) -> bool:
    """A reviewer of the province itself (the provincial office's KSTT division)."""
    return _reviewer_level(user, on=on) == "province"


def may_view_dashboard(user: Any, *, on: date) -> bool:
    """Who watches the compliance dashboard (issue 9): administrators (every unit), the provincial
    office (the province's units) and a district's reviewers (its communes); nobody else."""
    if not _active(user):
        return False
    if user.is_kstt_admin:
        return True
    return _reviewer_level(user, on=on) in {"province", "district"}


def may_manage_incidents(user: Any, *, on: date) -> bool:
    """Administrators and the provincial office record, edit and close incidents."""
    return _active(user) and (user.is_kstt_admin or is_provincial_office(user, on=on))


def may_manage_catalogue(user: Any) -> bool:
    return _active(user) and user.is_kstt_admin


def may_view_incident(user: Any, *, unit_ids: set[int], all_units: bool, on: date) -> bool:
    """Managers see every incident; others those that touch a unit they may see."""
    if may_manage_incidents(user, on=on):
        return True
    if not _active(user):
        return False
    if all_units:
        return True
    return visible_units(user=user, on=on).filter(unit_id__in=unit_ids).exists()


def require(allowed: bool) -> None:
    """404 unless allowed: what a user may not do does not exist for them."""
    if not allowed:
        raise Http404("Not found.")


def may_push_dossiers(user: Any) -> bool:
    """The one-stop system's feed account (and administrators) push dossier records."""
    return _active(user) and (user.is_dossier_feed or user.is_kstt_admin)


def may_report_for(user: Any, unit: Unit) -> bool:
    """A reporter of the unit itself fills, saves and submits its reports."""
    return _active(user) and bool(user.is_reporter) and user.unit_id == unit.pk


def may_review_report(user: Any, *, recipient_id: int | None) -> bool:
    """A reviewer of the report's recipient (rules.md §1, the tree of the report's period) reviews it;
    nobody reviews the province's own report (no recipient: it goes to the Government Office)."""
    return _active(user) and bool(user.is_reviewer) and user.unit_id is not None and user.unit_id == recipient_id


# --- The deduction ledger and appeals (rules.md §6) ---------------------------------------------------


def may_view_province_ledger(user: Any, *, on: date) -> bool:
    """The province's deduction table: the provincial office and administrators."""
    return _active(user) and (user.is_kstt_admin or is_provincial_office(user, on=on))


def may_view_ledger_of(user: Any, unit: Unit, *, on: date) -> bool:
    """A unit's deductions and their evidence: its own reporters and reviewers, the reviewers above it
    (its reviewer unit, the provincial office) and administrators."""
    return unit_access(user=user, unit=unit, on=on).view


def may_appeal(user: Any, unit: Unit) -> bool:
    """A reporter of the unit appeals its ledger lines."""
    return may_report_for(user, unit)


def may_close_year(user: Any, province: Unit, *, on: date) -> bool:
    """A province's year is closed and reopened (rules.md §6) by its provincial office, or an administrator."""
    if not _active(user):
        return False
    return bool(user.is_kstt_admin) or (is_provincial_office(user, on=on) and user.unit_id == province.pk)


def may_decide_appeals(user: Any, *, on: date) -> bool:
    """Who decides appeals at all (the appeals list's buttons): a provincial office, or an administrator.
    Which ones: ``may_decide_appeal``."""
    return _active(user) and (user.is_kstt_admin or is_provincial_office(user, on=on))


def may_decide_appeal(user: Any, unit: Unit, *, on: date) -> bool:
    """An appeal of ``unit`` is decided by the provincial office of its province (the tree as on ``on``),
    or by an administrator (rules.md §6): not another province's office, not a district's reviewers."""
    if not _active(user):
        return False
    if user.is_kstt_admin:
        return True
    return is_provincial_office(user, on=on) and user.unit_id in units.ancestor_ids(unit, on=on)
