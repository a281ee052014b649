from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kstt.reports.timeliness import Status


class ReportStatus(models.TextChoices):
    """Where a report instance stands in its review (rules.md §5)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class ReturnReason(models.TextChoices):
    """The fixed list of reasons a report is returned for (rules.md §5)."""

    OUTLINE = "outline", _("Does not follow the outline")
    FORMS = "forms", _("A required form is missing or not in the official layout")
    INCOMPLETE = "incomplete", _("Data incomplete")
    INACCURATE = "inaccurate", _("Data inaccurate")


class Flag(models.TextChoices):
    """What the automatic checks at submission found (rules.md §5)."""

    INCOMPLETE = "incomplete", _("Data incomplete")
    INACCURATE = "inaccurate", _("Data inaccurate")
    UNSIGNED = "unsigned", _("Not digitally signed")


class Timeliness(models.TextChoices):
    """The one label of each status of rules.md §6 "Statuses" (``timeliness.Status``): every page, export,
    message and API description uses these and no other words."""

    ON_TIME = Status.ON_TIME.value, pgettext_lazy("timeliness", "On time")
    EXCUSED = Status.EXCUSED.value, pgettext_lazy("timeliness", "Excused by an incident")
    LATE = Status.LATE.value, pgettext_lazy("timeliness", "Late")
    NOT_SENT = Status.NOT_SENT.value, pgettext_lazy("timeliness", "Not sent")
    NOT_YET_DUE = Status.NOT_YET_DUE.value, pgettext_lazy("timeliness", "Not yet due")
    OVERDUE = Status.OVERDUE.value, pgettext_lazy("timeliness", "Overdue, not sent")
    INCIDENT_OPEN = Status.INCIDENT_OPEN.value, pgettext_lazy("timeliness", "Incident not over")


#: Each status's Bootstrap colour and the CSS class suffix of the dashboard's cells.
TIMELINESS_STYLE: dict[str, tuple[str, str]] = {
    Status.ON_TIME: ("success", "on-time"),
    Status.EXCUSED: ("info", "excused"),
    Status.LATE: ("warning", "late"),
    Status.NOT_SENT: ("danger", "not-sent"),
    Status.NOT_YET_DUE: ("secondary", "not-yet-due"),
    Status.OVERDUE: ("warning", "overdue"),
    Status.INCIDENT_OPEN: ("info", "incident-open"),
}


def timeliness_label(status: str) -> str:
    """The status's one label (``Timeliness``); an unknown value as it is."""
    return str(Timeliness(status).label) if status in Timeliness.values else status


def timeliness_colour(status: str) -> str:
    found = TIMELINESS_STYLE.get(status)
    return found[0] if found is not None else "secondary"


def timeliness_class(status: str) -> str:
    found = TIMELINESS_STYLE.get(status)
    return found[1] if found is not None else "unknown"


def minus_points(value: Decimal | None) -> str:
    """Points deducted as people read them, in the active language: "−0,25" in Vietnamese (a decimal
    comma, a minus sign), "0" when nothing is deducted, "" when there is nothing to show."""
    if value is None:
        return ""
    if not value:
        return "0"
    return "−" + number_format(abs(value), decimal_pos=2, use_l10n=True)
