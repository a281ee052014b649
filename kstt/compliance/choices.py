"""The choices of compliance and what people read for them (rules.md §4–§6)."""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kstt.reports.choices import timeliness_colour, timeliness_label


class AppealDecision(models.TextChoices):
    """Where an appeal against a ledger line stands (rules.md §6)."""

    PENDING = "pending", pgettext_lazy("appeal", "Waiting for a decision")
    UPHELD = "upheld", pgettext_lazy("appeal", "Upheld: the deduction stands")
    OVERTURNED = "overturned", pgettext_lazy("appeal", "Overturned: the deduction no longer counts")


#: Short labels for a table's cell.
APPEAL_SHORT: dict[str, Promise] = {
    AppealDecision.PENDING: pgettext_lazy("appeal", "appealed"),
    AppealDecision.UPHELD: pgettext_lazy("appeal", "upheld"),
    AppealDecision.OVERTURNED: pgettext_lazy("appeal", "overturned"),
}

#: The decisions the provincial office takes (a pending appeal is not one).
DECISIONS = (AppealDecision.UPHELD, AppealDecision.OVERTURNED)

# A verdict's status as people read it: the one label of each status (``reports.choices.Timeliness``).
status_label = timeliness_label
status_colour = timeliness_colour


#: What an attachment may be, as people read it (the kinds ``rules.attachment_kind`` recognises).
ATTACHMENT_KINDS_TEXT = _("PDF, images (PNG, JPEG) and office documents (Word, Excel, PowerPoint, OpenDocument)")


#: Why a line keeps its year from being closed (rules.md §6), as people read it.
CLOSING_BLOCKS: dict[str, Promise] = {
    "not_final": _("its closing time has not passed"),
    "incident_open": _("held open by an incident still going on"),
    "appeal_pending": _("an appeal waits for a decision"),
}
