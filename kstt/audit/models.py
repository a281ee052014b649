from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kstt import clock
from kstt.audit.events import event_label
from kstt.records import Immutable


class AuditEntry(Immutable):
    """One line per state change: who did what to which record, when, with what details.

    Append-only: the code never changes nor deletes an entry (kstt.records.Immutable; the admin is
    read-only), and on PostgreSQL a trigger refuses any UPDATE or DELETE of a row (migration 0003).
    """

    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True, on_delete=models.PROTECT
    )
    #: Dotted event code, e.g. ``units.loaded``; its name for people is in kstt/audit/events.py.
    event = models.CharField(_("event"), max_length=64)
    target_type = models.CharField(_("record type"), max_length=64, blank=True)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        at = timezone.localtime(self.at, clock.province_zone())
        target = f" · {self.target_words}" if self.target_type else ""
        return f"{at:%d/%m/%Y %H:%M} {self.event_label}{target}"

    @property
    def target_words(self) -> str:
        """The record changed as people name it (kstt.audit.describe: "Báo cáo Quý III/2021 — …")."""
        from kstt.audit.describe import describe

        return describe([self], details=False)[self.pk].target if self.target_type else ""

    @property
    def event_label(self) -> str:
        return event_label(self.event)

    @property
    def target_label(self) -> str:
        """The record changed, by its kind's name ("đơn vị 12"); empty when the event has none."""
        if not self.target_type:
            return ""
        try:
            kind = str(apps.get_model(self.target_type)._meta.verbose_name)
        except (LookupError, ValueError):
            kind = self.target_type
        return f"{kind} {self.target_id}".strip()
