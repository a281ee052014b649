"""Labels of the ledger's pages: verdict statuses, quality faults, appeal decisions, points."""

from collections.abc import Iterable
from decimal import Decimal

from django import template

from kstt.compliance import choices
from kstt.compliance.choices import AppealDecision
from kstt.reports.choices import Decision, ReturnReason

register = template.Library()


@register.filter
def verdict_label(status: str) -> str:
    return choices.status_label(status)


@register.filter
def verdict_colour(status: str) -> str:
    return choices.status_colour(status)


@register.filter
def fault_labels(faults: Iterable[str]) -> str:
    """The return reasons as people read them, separated by semicolons."""
    return "; ".join(str(ReturnReason(f).label) if f in ReturnReason.values else f for f in faults)


@register.filter
def review_label(decision: str | None) -> str:
    return str(Decision(decision).label) if decision in Decision.values else ""


@register.filter
def appeal_label(decision: str) -> str:
    return str(AppealDecision(decision).label) if decision in AppealDecision.values else decision


@register.filter
def appeal_short(decision: str) -> str:
    found = choices.APPEAL_SHORT.get(decision)
    return str(found) if found is not None else decision


APPEAL_COLOURS = {
    AppealDecision.PENDING: "warning",
    AppealDecision.UPHELD: "secondary",
    AppealDecision.OVERTURNED: "success",
}


@register.filter
def appeal_colour(decision: str) -> str:
    return APPEAL_COLOURS.get(decision, "secondary")  # type: ignore[call-overload]


@register.filter
def points(value: Decimal | str | None) -> str:
    """Points with two decimals, as the reader's language writes them ("0,25" in Vietnamese)."""
    from django.template.defaultfilters import floatformat

    if value is None or value == "":
        return ""
    return floatformat(Decimal(value), 2)


@register.filter
def closing_block_label(block: str) -> str:
    """Why a line keeps its year from being closed."""
    found = choices.CLOSING_BLOCKS.get(str(block))
    return str(found) if found is not None else str(block)
