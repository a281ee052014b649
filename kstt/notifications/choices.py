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
    REMINDER_BEFORE = "reminder_before", _("Report deadline approaching")
    REMINDER_AFTER = "reminder_after", _("Report overdue")
    REMINDER_REVIEW = "reminder_review", _("Report overdue for review")
    URGED = "urged", _("Urged to send a report")


#: Each kind's title and text; ``%(name)s`` placeholders are filled from the notification's parameters.
TEXTS: dict[str, tuple[Promise, Promise]] = {
    Kind.SUBMITTED: (
        _("New report to review"),
        _("%(unit)s submitted %(report)s for %(period)s."),
    ),
    Kind.RETURNED: (
        pgettext_lazy("notification", "Report returned"),
        _("%(reviewer)s returned %(report)s for %(period)s: %(reasons)s"),
    ),
    Kind.ACCEPTED: (
        pgettext_lazy("notification", "Report accepted"),
        _("%(reviewer)s accepted %(report)s for %(period)s."),
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
    Kind.REMINDER_BEFORE: (
        _("Report deadline approaching"),
        _("%(report)s for %(period)s of %(unit)s is due by %(deadline)s and has not been submitted yet."),
    ),
    Kind.URGED: (
        _("Urged to send a report"),
        _(
            "%(office)s urges %(unit)s to send the report %(report)s for %(period)s: it was due by %(deadline)s "
            "and has not been submitted."
        ),
    ),
    Kind.REMINDER_AFTER: (
        _("Report overdue"),
        _(
            "%(report)s for %(period)s of %(unit)s was due by %(deadline)s and has not been submitted: "
            "sent now, it is late."
        ),
    ),
    Kind.REMINDER_REVIEW: (
        _("Report overdue for review"),
        _(
            "%(report)s for %(period)s of %(unit)s, submitted on %(submitted)s, was to be reviewed by "
            "%(deadline)s and still waits for your decision."
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
    Kind.REMINDER_BEFORE: frozenset({"unit", "report", "period", "deadline"}),
    Kind.REMINDER_AFTER: frozenset({"unit", "report", "period", "deadline"}),
    Kind.REMINDER_REVIEW: frozenset({"unit", "report", "period", "submitted", "deadline"}),
    Kind.URGED: frozenset({"office", "unit", "report", "period", "deadline"}),
}


class ReminderKind(models.TextChoices):
    """Before the deadline, or after it (kstt.notifications.rules: BEFORE, AFTER), to the unit; or, to the
    reviewers, a version past their own deadline (kstt.reports.review_rules)."""

    BEFORE = "before", _("before the deadline")
    AFTER = "after", _("after the deadline")
    REVIEW = "review", _("overdue for review")
    #: Sent by the office in one action (đôn đốc) to the units whose report is overdue, not sent.
    URGE = "urge", _("urged by the office")


class DeliveryStatus(models.TextChoices):
    """Where the e-mail of a reminder to one person stands."""

    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", pgettext_lazy("e-mail", "sent")
    FAILED = "failed", _("failed")
    NO_ADDRESS = "no_address", _("no e-mail address")
    #: The worker stopped (killed, the machine down) while the e-mail was being sent: the SMTP server may or may
    #: not have taken it. Never sent again (at most once); shown to the office as such.
    UNKNOWN = "unknown", _("outcome unknown, not sent again")


class RecipientRole(models.TextChoices):
    REPORTER = "reporter", _("reporter of the unit")
    REVIEWER = "reviewer", _("reviewer of the recipient unit")
