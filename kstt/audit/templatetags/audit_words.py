"""A recorded value in words on a page, as the audit trail reads it (kstt.audit.describe): the preview of a
change's cost (kstt/templates/ledger_cost.html) shows the lines in the words their audit entry will read."""

from typing import Any

from django import template

from kstt.audit import describe

register = template.Library()


@register.filter
def recorded(item: Any, key: str) -> str:
    """``{{ line.period|recorded:"period" }}`` → "Quý III/2021"; a status code → its label."""
    return describe.value(key, item)


@register.filter
def deduction_words(amount: Any) -> str:
    """``{{ "0.25"|deduction_words }}`` → "−0,25"."""
    return describe.deduction_words(amount)
