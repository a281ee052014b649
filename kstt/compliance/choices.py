"""The choices of compliance and what people read for them (rules.md §4–§6)."""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kstt.compliance.rules import Status


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

#: Each verdict status as people read it, and its Bootstrap colour.
STATUS_LABELS: dict[str, tuple[Promise, str]] = {
    Status.ON_TIME: (pgettext_lazy("verdict", "On time"), "success"),
    Status.EXCUSED: (pgettext_lazy("verdict", "On time thanks to an incident's extension"), "info"),
    Status.LATE: (pgettext_lazy("verdict", "Late"), "warning"),
    Status.NOT_SENT: (pgettext_lazy("verdict", "Not sent"), "danger"),
    Status.OPEN: (pgettext_lazy("verdict", "Not judged yet (before the closing time)"), "secondary"),
}


def status_label(status: str) -> str:
    found = STATUS_LABELS.get(status)
    return str(found[0]) if found is not None else status


def status_colour(status: str) -> str:
    found = STATUS_LABELS.get(status)
    return found[1] if found is not None else "secondary"


#: What an attachment may be, as people read it (the kinds ``rules.attachment_kind`` recognises).
ATTACHMENT_KINDS_TEXT = _("PDF, images (PNG, JPEG) and office documents (Word, Excel, PowerPoint, OpenDocument)")


#: Why a line keeps its year from being closed (rules.md §6), as people read it.
CLOSING_BLOCKS: dict[str, Promise] = {
    "not_final": _("its closing time has not passed"),
    "incident_open": _("held open by an incident still going on"),
    "appeal_pending": _("an appeal waits for a decision"),
}
