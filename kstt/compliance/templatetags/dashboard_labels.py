"""Labels of the compliance dashboard: a verdict's status, its colour, the faults and the points."""

from collections.abc import Iterable
from decimal import Decimal

from django import template

from kstt.reports import choices
from kstt.reports.choices import ReturnReason, timeliness_class, timeliness_label

register = template.Library()


@register.filter
def verdict_label(status: str) -> str:
    return timeliness_label(status)


@register.filter
def verdict_class(status: str) -> str:
    return timeliness_class(status)


@register.filter
def fault_labels(faults: Iterable[str]) -> str:
    """The return reasons, by name, separated by semicolons."""
    return "; ".join(str(ReturnReason(f).label) if f in ReturnReason.values else f for f in faults)


@register.filter
def minus_points(value: Decimal | None) -> str:
    """A deduction as people read it: "−0,25" (Vietnamese) or "−0.25"; "0" when nothing is deducted."""
    return choices.minus_points(value)
