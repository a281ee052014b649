"""Labels of a report's state for the review and home pages: status, flags, return reasons."""

from django import template
from django.utils.translation import gettext as _

from kstt.reports.choices import Flag, ReportStatus, ReturnReason

register = template.Library()

_COLOURS = {
    ReportStatus.DRAFT: "secondary",
    ReportStatus.SUBMITTED: "primary",
    ReportStatus.RETURNED: "warning",
    ReportStatus.ACCEPTED: "success",
}


@register.filter
def report_status_label(status: str) -> str:
    """draft|submitted|returned|accepted, or not_started (no report opened yet)."""
    if status in ReportStatus.values:
        return str(ReportStatus(status).label)
    return _("Not started")


@register.filter
def review_status_label(status: str) -> str:
    """The status as the reviewer's list and tabs name it: a submitted report is "waiting for review"."""
    if status == ReportStatus.SUBMITTED:
        return _("Waiting for review")
    return report_status_label(status)


@register.filter
def report_status_colour(status: str) -> str:
    return _COLOURS.get(status, "light")  # type: ignore[call-overload]


@register.filter
def flag_label(flag: str) -> str:
    return str(Flag(flag).label) if flag in Flag.values else flag


@register.filter
def reason_label(reason: str) -> str:
    return str(ReturnReason(reason).label) if reason in ReturnReason.values else reason


@register.filter
def cell_value(value: object) -> str:
    return "" if value is None else str(value)
