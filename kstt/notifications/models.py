from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.models import ReportType
from kstt.notifications.choices import TEXTS, DeliveryStatus, Kind, RecipientRole, ReminderKind
from kstt.units.models import Unit


class Notification(models.Model):
    """One message to one user: a report to review, a report returned or accepted (issue 8 point 9).

    The text is rendered when read, in the reader's language, from ``kind`` and ``params``
    (see ``choices``). Read is ``read_at`` set; a notification is never deleted.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=pgettext_lazy("person", "recipient"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            # The bell counts a user's unread notifications on every page: a small partial index.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="/") & ~Q(url__startswith="//"),
                name="notification_links_inside_the_site",
                violation_error_message=_("A notification links to a page of this site."),
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(read_at__gte=models.F("created_at")),
                name="notification_read_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} → {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def title(self) -> str:
        return str(TEXTS[self.kind][0]) if self.kind in TEXTS else str(self.kind)

    @property
    def text(self) -> str:
        """The kind's text with its parameters, in the active language; a missing parameter reads as "…"."""
        if self.kind not in TEXTS:
            return ""
        return str(TEXTS[self.kind][1]) % _Params(self.params or {})


class _Params(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "…"


class Reminder(models.Model):
    """A reminder a unit was sent about one report (unit, report type, period): the evidence that it was told.

    One row per (unit, report type, period, kind, days, deadline) — a deadline moved by an incident is
    reminded afresh — and, for a reminder to the reviewers (kind ``review``), one per submitted version:
    the UNIQUE constraints are the claim that makes a reminder once-only — a worker inserts it in its own
    transaction and sends only when its insert wins (kstt.notifications.services.send_reminders). Never
    changed nor deleted; the e-mail to each person is a ``ReminderDelivery``.
    """

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    report_type = models.ForeignKey(
        ReportType, verbose_name=_("report type"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("period"), max_length=8)
    kind = models.CharField(_("kind"), max_length=8, choices=ReminderKind.choices)
    days = models.PositiveSmallIntegerField(_("days"))
    #: The version waiting for review (kind ``review`` only): its number within the report.
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    #: The effective deadline the reminder referred to (for kind ``review``: the reviewers' own deadline),
    #: and the effective closing time (None: held open, or a reminder to the reviewers).
    deadline = models.DateTimeField(_("deadline"))
    closing = models.DateTimeField(_("closing time"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    #: What the e-mail said, word for word (Vietnamese), and where it pointed.
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "report_type", "period", "kind", "days", "deadline"],
                condition=Q(kind__in=[ReminderKind.BEFORE, ReminderKind.AFTER]),
                name="reminder_once_per_deadline",
            ),
            models.UniqueConstraint(
                fields=["unit", "report_type", "period", "version"],
                condition=Q(kind=ReminderKind.REVIEW),
                name="reminder_review_once_per_version",
            ),
            # The office urges a report once a day late (đôn đốc): a second press the same day sends nothing.
            models.UniqueConstraint(
                fields=["unit", "report_type", "period", "days", "deadline"],
                condition=Q(kind=ReminderKind.URGE),
                name="reminder_urge_once_per_day_late",
            ),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_known_kind"),
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.REVIEW, version__isnull=False)
                | (~Q(kind=ReminderKind.REVIEW) & Q(version__isnull=True)),
                name="reminder_review_names_its_version",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReminderKind.BEFORE) | Q(days__gte=1), name="reminder_late_by_a_day_at_least"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.kind} {self.days}" + (f" v{self.version}" if self.version else "")

    @property
    def label(self) -> str:
        """ "3 days before the deadline", "on the deadline day", "1 day late", "version 2 not reviewed within
        10 days", "urged by the office, 2 days late", in the active language."""
        if self.kind == ReminderKind.REVIEW:
            return ngettext(
                "version %(version)s not reviewed within %(n)s day",
                "version %(version)s not reviewed within %(n)s days",
                self.days,
            ) % {"version": self.version, "n": self.days}
        if self.kind == ReminderKind.URGE:
            return ngettext(
                "urged by the office, %(n)s day late", "urged by the office, %(n)s days late", self.days
            ) % {"n": self.days}
        if self.kind == ReminderKind.BEFORE:
            if self.days == 0:
                return gettext("on the deadline day")
            return ngettext("%(n)s day before the deadline", "%(n)s days before the deadline", self.days) % {
                "n": self.days
            }
        return ngettext("%(n)s day late", "%(n)s days late", self.days) % {"n": self.days}


class ReminderDelivery(models.Model):
    """The reminder to one person: who (as they were when it was sent), the address, and the e-mail's outcome.

    ``status`` moves pending → sending → sent | failed (a failed one is tried again by a later run:
    failed → sending); ``no_address`` when the person had no e-mail address (told in the application only);
    sending → ``unknown`` when the worker stopped in the middle of sending it (kstt.notifications.services.
    settle_interrupted): it is not sent again.
    """

    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=RecipientRole.choices)
    name = models.CharField(_("name"), max_length=300)
    email = models.EmailField(_("e-mail address"), blank=True)
    status = models.CharField(_("e-mail"), max_length=16, choices=DeliveryStatus.choices)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    #: What this e-mail said when it differs from the reminder's text: a retry after an incident moved the
    #: deadline names the deadline in force when it is sent (empty: the reminder's text, word for word).
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["reminder", "role", "name", "id"]
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        constraints = [
            models.UniqueConstraint(fields=["reminder", "user"], name="reminder_delivery_once_per_person"),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="reminder_delivery_known_status"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(emailed_at__isnull=False),
                name="reminder_delivery_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.NO_ADDRESS) | Q(email=""),
                name="reminder_delivery_no_address_is_empty",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status"],
                condition=Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED]),
                name="reminder_delivery_to_send",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder_id} → {self.user_id} {self.status}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one `kstt worker` process, for the health endpoint (kstt/health.py).

    Each worker updates its own row every KSTT_WORKER_HEARTBEAT seconds; the health check asks for the newest.
    Rows of stopped workers stay, harmless: only the newest ``seen_at`` counts.
    """

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    seen_at = models.DateTimeField(_("seen at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at.isoformat()}"
