"""The kinds of in-app notification, and what each says (issue 8 point 9).

A notification stores its kind and the parameters of its text, not the text: it is rendered when read, in
the reader's language (Vietnamese by default, English when chosen), and a corrected wording shows on old
notifications too. The parameters are proper names and codes ("Ủy ban nhân dân xã Yên Nghiệp", "Quý
III/2021") that read the same in both languages. A new kind is one member here and one entry in ``TEXTS``.
"""

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Kind(models.TextChoices):
    SUBMITTED = "submitted", _("New report to review")
    RETURNED = "returned", pgettext_lazy("notification", "Report returned")
    ACCEPTED = "accepted", pgettext_lazy("notification", "Report accepted")


#: Each kind's title and text; ``%(name)s`` placeholders are filled from the notification's parameters.
TEXTS: dict[str, tuple[Promise, Promise]] = {
    Kind.SUBMITTED: (
        _("New report to review"),
        _("%(unit)s submitted the report %(report)s for %(period)s."),
    ),
    Kind.RETURNED: (
        pgettext_lazy("notification", "Report returned"),
        _("%(reviewer)s returned the report %(report)s for %(period)s: %(reasons)s"),
    ),
    Kind.ACCEPTED: (
        pgettext_lazy("notification", "Report accepted"),
        _("%(reviewer)s accepted the report %(report)s for %(period)s."),
    ),
}

#: The parameters each kind's text needs.
PARAMS: dict[str, frozenset[str]] = {
    Kind.SUBMITTED: frozenset({"unit", "report", "period"}),
    Kind.RETURNED: frozenset({"reviewer", "report", "period", "reasons"}),
    Kind.ACCEPTED: frozenset({"reviewer", "report", "period"}),
}
