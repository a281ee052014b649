from django.db import models
from django.utils.translation import gettext_lazy as _


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
