from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kstt.dossiers.choices import Channel, Outcome
from kstt.dossiers.rules import MAX_LENGTHS
from kstt.units.models import Unit


class Dossier(models.Model):
    """One application for one procedure, as the one-stop system records it (rules.md §7).

    The ``*_on`` columns are the local (Asia/Ho_Chi_Minh) dates of the instants, computed when the
    record is written: every counting rule compares days, and SQL aggregates over them directly.
    """

    code = models.CharField(_("code"), max_length=MAX_LENGTHS["code"], unique=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("unit"))
    field_code = models.CharField(_("procedure field"), max_length=MAX_LENGTHS["field_code"])
    channel = models.CharField(_("channel"), max_length=MAX_LENGTHS["channel"], choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=MAX_LENGTHS["outcome"], choices=Outcome.choices, blank=True)
    received_on = models.DateField()
    due_on = models.DateField()
    finished_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["received_on"], name="dossier_received_on_idx"),
            models.Index(fields=["unit", "field_code"], name="dossier_unit_field_idx"),
            # Form 06 of a window counts the older dossiers still open at its start: on PostgreSQL,
            # each earlier year's partition finds them through this index (migration 0003).
            models.Index(fields=["finished_on"], name="dossier_finished_on_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True, outcome="") | Q(finished_at__isnull=False) & ~Q(outcome=""),
                name="dossier_outcome_iff_finished",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("received_at")),
                name="dossier_finished_after_received",
            ),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="dossier_known_channel"),
        ]

    def __str__(self) -> str:
        return self.code
