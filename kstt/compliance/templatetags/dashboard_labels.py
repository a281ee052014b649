"""Labels of the compliance dashboard: a verdict's status, its colour, the faults and the points."""

from collections.abc import Iterable
from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext_lazy

from kstt.compliance.rules import Status
from kstt.reports.choices import ReturnReason

register = template.Library()

#: status → (CSS class suffix, label): rules.md §4's names, as the provincial office says them.
STATUS = {
    Status.ON_TIME: ("on-time", pgettext_lazy("compliance status", "On time")),
    Status.EXCUSED: ("excused", pgettext_lazy("compliance status", "Excused by an incident")),
    Status.LATE: ("late", pgettext_lazy("compliance status", "Late")),
    Status.NOT_SENT: ("not-sent", pgettext_lazy("compliance status", "Not sent")),
    Status.OPEN: ("open", pgettext_lazy("compliance status", "Not yet due or still open")),
}


@register.filter
def verdict_label(status: str) -> str:
    return str(STATUS[Status(status)][1])


@register.filter
def verdict_class(status: str) -> str:
    return STATUS[Status(status)][0]


@register.filter
def fault_labels(faults: Iterable[str]) -> str:
    """The return reasons, by name, separated by semicolons."""
    return "; ".join(str(ReturnReason(f).label) if f in ReturnReason.values else f for f in faults)


@register.filter
def minus_points(value: Decimal | None) -> str:
    """A deduction as people read it: "−0,25" (Vietnamese) or "−0.25"; "0" when nothing is deducted."""
    if value is None:
        return ""
    if not value:
        return "0"
    return "−" + number_format(value, decimal_pos=2)
