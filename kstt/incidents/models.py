from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kstt.units.models import Unit


class Incident(models.Model):
    """A technical incident of the reporting system (rules.md §4): it may extend deadlines."""

    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True, help_text=_("Empty while the incident goes on."))
    all_units = models.BooleanField(_("all units"), default=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="incidents", verbose_name=_("units affected"))
    description = models.TextField(_("description"))
    evidence = models.FileField(_("evidence"), upload_to="incidents/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="incident_ends_after_it_starts",
                violation_error_message=_("An incident cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        from kstt.clock import province_zone

        return f"#{self.pk} {self.start.astimezone(province_zone()):%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.end is None
