from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kstt.units.choices import Level


class Unit(models.Model):
    """A unit's lasting identity (its code). What it is called and where it sits are versions."""

    code = models.CharField(_("code"), max_length=32, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.code


class UnitVersion(models.Model):
    """A unit as it was over [valid_from, valid_until): name, level, kind and parent.

    ``valid_from`` empty means "since the start of the records"; ``valid_until`` (exclusive) empty
    means "still in force". A unit is asked for *on a date* (selectors.unit_on).
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    parent = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="child_versions")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    #: fold(name + code), for diacritics-insensitive search.
    search_text = models.CharField(max_length=300, editable=False)

    class Meta:
        ordering = ["unit__code", "valid_from"]
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_version_unique_start"),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_from__isnull=True), name="unit_version_one_open_start"
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(valid_until__isnull=True), name="unit_version_one_open_end"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=F("valid_from")),
                name="unit_version_ends_after_start",
                violation_error_message=_("A unit version must end after it starts."),
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="unit_version_known_level"),
        ]
        indexes = [models.Index(fields=["parent", "valid_from", "valid_until"], name="unit_version_tree_idx")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.name}"

    @property
    def code(self) -> str:
        return self.unit.code
