"""Labels people read: periods ("Quý III/2021"), statuses, days left."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kstt.catalogue.rules.periods import Period
from kstt.reports.rules import OwedStatus

register = template.Library()

ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}


@register.filter
def period_label(period: Period | str) -> str:
    if isinstance(period, str):
        period = Period.parse(period)
    if period.kind in ROMAN:
        return _("Quarter %(n)s/%(year)s") % {"n": ROMAN[period.kind], "year": period.year}
    return {
        "H1": _("First six months of %(year)s"),
        "M9": _("Nine months of %(year)s"),
        "Y": _("Year %(year)s"),
    }[period.kind] % {"year": period.year}


@register.filter
def kind_label(kind: str | None) -> str:
    if not kind:
        return ""
    return {"H1": _("six-month report"), "M9": _("nine-month report"), "Y": _("annual report")}.get(kind, kind)


STATUS = {
    OwedStatus.UPCOMING: ("secondary", "The period is still running"),
    OwedStatus.DUE: ("primary", "Due"),
    OwedStatus.INCIDENT_OPEN: ("info", "Held open by an incident"),
    OwedStatus.OVERDUE: ("warning", "Past the deadline (late if sent now)"),
    OwedStatus.NOT_SENT: ("danger", "Not sent (past the closing time)"),
}


@register.filter
def status_label(status: str) -> str:
    return _(STATUS[OwedStatus(status)][1])


@register.filter
def status_colour(status: str) -> str:
    return STATUS[OwedStatus(status)][0]


@register.filter
def days_left_label(days: int | None) -> str:
    if days is None:
        return "—"
    if days > 0:
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    if days == 0:
        return _("due today")
    return ngettext("%(n)s day past", "%(n)s days past", -days) % {"n": -days}


# Marked for translation here; the STATUS table holds the English source texts.
_("The period is still running")
_("Due")
_("Held open by an incident")
_("Past the deadline (late if sent now)")
_("Not sent (past the closing time)")


@register.filter
def level_label(level: str) -> str:
    from kstt.units.choices import Level

    return str(Level(level).label) if level in Level.values else level
