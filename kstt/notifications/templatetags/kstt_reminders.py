"""The reminders a unit was sent about one report, for the pages of the apps below notifications.

The report's own pages (kstt.reports) cannot import notifications, which sits above them in the layers
(a reminder reads what the reports owe): their templates ask this tag instead, then draw the evidence
with ``notifications/_reminders.html``.
"""

from typing import Any

from django import template

from kstt.notifications import selectors

register = template.Library()


@register.simple_tag
def reminders_sent(unit: Any, report_type: Any, period: Any) -> list[Any]:
    """The reminders the unit was sent about this report: the evidence that it was told."""
    return selectors.reminders_for(unit=unit, report_type=report_type, period=period)
