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
    APPEAL_FILED = "appeal_filed", _("Appeal against a deduction")
    APPEAL_UPHELD = "appeal_upheld", _("Appeal upheld")
    APPEAL_OVERTURNED = "appeal_overturned", _("Appeal overturned")


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
    Kind.APPEAL_FILED: (
        _("Appeal against a deduction"),
        _("%(unit)s appeals its deduction of %(points)s points for the report %(report)s for %(period)s."),
    ),
    Kind.APPEAL_UPHELD: (
        _("Appeal upheld"),
        _("%(office)s upheld the deduction of %(points)s points for the report %(report)s for %(period)s: %(reason)s"),
    ),
    Kind.APPEAL_OVERTURNED: (
        _("Appeal overturned"),
        _(
            "%(office)s overturned the deduction of %(points)s points for the report %(report)s for %(period)s: "
            "it no longer counts. %(reason)s"
        ),
    ),
}

#: The parameters each kind's text needs.
PARAMS: dict[str, frozenset[str]] = {
    Kind.SUBMITTED: frozenset({"unit", "report", "period"}),
    Kind.RETURNED: frozenset({"reviewer", "report", "period", "reasons"}),
    Kind.ACCEPTED: frozenset({"reviewer", "report", "period"}),
    Kind.APPEAL_FILED: frozenset({"unit", "report", "period", "points"}),
    Kind.APPEAL_UPHELD: frozenset({"office", "report", "period", "points", "reason"}),
    Kind.APPEAL_OVERTURNED: frozenset({"office", "report", "period", "points", "reason"}),
}
