from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kstt.notifications.choices import TEXTS, Kind


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
