"""Labels people read: periods ("Quý III/2021"), statuses, days left."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kstt import clock
from kstt.catalogue.labels import period_label
from kstt.catalogue.rules.deadlines import Step
from kstt.reports.choices import timeliness_colour, timeliness_label

register = template.Library()

register.filter("period_label", period_label)


@register.filter
def kind_label(kind: str | None) -> str:
    if not kind:
        return ""
    return {"H1": _("six-month report"), "M9": _("nine-month report"), "Y": _("annual report")}.get(kind, kind)


@register.filter
def status_label(status: str) -> str:
    """A report's timeliness (``timeliness.Status``) by its one label."""
    return timeliness_label(status)


@register.filter
def status_colour(status: str) -> str:
    return timeliness_colour(status)


@register.filter
def days_left_label(days: int | None) -> str:
    if days is None:
        return "—"
    if days > 0:
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)s day past", "%(n)s days past", -days) % {"n": -days}


@register.filter
def level_label(level: str) -> str:
    from kstt.units.choices import Level

    return str(Level(level).label) if level in Level.values else level


@register.filter
def level_and_kind(version) -> str:
    """A unit's level, with its kind only when the kind says more ("Cấp xã (phường)", not "Cấp xã (xã)")."""
    from kstt.units.choices import Level
    from kstt.units.rules import fold

    label = level_label(version.level)
    kind = (version.kind or "").strip()
    if not kind:
        return label
    with translation.override("vi"):  # kinds are Vietnamese words, whatever the interface language
        vietnamese = str(Level(version.level).label) if version.level in Level.values else version.level
    return label if fold(kind) in fold(vietnamese) else f"{label} ({kind})"


@register.simple_tag
def unit_names(units: Iterable[Any], on: date | None = None) -> dict[str, str]:
    """code → name of these units as on ``on`` (today by default), in one query."""
    from kstt.units.selectors import units_on

    codes = {unit.code for unit in units}
    if not codes:
        return {}
    return {code: version.name for code, version in units_on(codes, on or clock.today()).items()}


@register.simple_tag
def incident_unit_names(incidents: Iterable[Any]) -> dict[str, str]:
    """code → today's name of every unit the listed incidents name (their units prefetched), in one query."""
    return unit_names([unit for incident in incidents for unit in incident.units.all()])


@register.filter
def named(unit: Any, names: dict[str, str]) -> str:
    """ "Name (CODE)" when the name is known, else the code."""
    name = names.get(unit.code) if names else None
    return f"{name} ({unit.code})" if name else unit.code


@register.filter
def deadline_step(step: Step) -> str:
    """One step of a deadline's computation, in the reader's language (dates dd/mm/yyyy)."""
    start = step.start.strftime("%d/%m/%Y") if step.start else ""
    day = step.day.strftime("%d/%m/%Y")
    if step.kind == "offset":
        return _("E %(end)s + %(days)s days = %(day)s") % {"end": start, "days": step.days, "day": day}
    if step.kind == "cap":
        return _("never after day %(cap)s: %(day)s") % {"cap": step.days, "day": day}
    if step.kind == "rolled_back":
        return _("%(day)s is not a working day; the last working day by the cap: %(rolled)s") % {
            "day": start,
            "rolled": day,
        }
    return _("%(day)s is not a working day; moved to %(rolled)s") % {"day": start, "rolled": day}


@register.filter
def deadline_steps(steps: Iterable[Step]) -> str:
    """Every step of a deadline's computation, joined by arrows."""
    return " → ".join(deadline_step(step) for step in steps)
