from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.choices import DayKind
from kstt.catalogue.rules.outlines import OutlineSpec, parse_outline_spec
from kstt.units.choices import Level


class ReportType(models.Model):
    """A periodic report (the KSTT report is ``kstt``) and its deadline settings.

    Loaded from ``definitions/report_types/*.toml`` with the defaults of rules.md; an administrator
    may then change the settings in the interface (each change bumps ``settings_version``).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=500)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    #: Period kinds of the schedule, e.g. ["Q1", "Q2", "Q3", "Q4"].
    periods = models.JSONField(_("periods"), default=list)
    #: Which period a scheduled one also stands for, e.g. {"Q2": "H1", "Q4": "Y"}.
    also = models.JSONField(_("also stands for"), default=dict, blank=True)
    cutoff_day = models.PositiveSmallIntegerField(_("cut-off day"), default=15)
    closing_days = models.PositiveSmallIntegerField(_("days to the closing time"), default=30)
    roll_forward = models.BooleanField(_("move deadlines off weekends and holidays"), default=True)
    #: Form 06 from dossiers: a dossier returned or withdrawn at the applicant's request counts as
    #: settled on time (rules.md §7, configurable).
    returned_on_time = models.BooleanField(_("count returned dossiers as settled on time"), default=True)
    settings_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("report type")
        verbose_name_plural = _("report types")
        constraints = [
            models.CheckConstraint(condition=Q(cutoff_day__gte=1, cutoff_day__lte=28), name="report_type_cutoff_day"),
        ]

    def __str__(self) -> str:
        return self.code


class DeadlineRule(models.Model):
    """How many days after the window's last day a level's report is due (and an optional cap)."""

    report_type = models.ForeignKey(ReportType, on_delete=models.CASCADE, related_name="deadline_rules")
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    offset_days = models.PositiveSmallIntegerField(_("days after the window"))
    cap_day = models.PositiveSmallIntegerField(_("never after day"), null=True, blank=True)

    class Meta:
        ordering = ["report_type", "level"]
        constraints = [
            models.UniqueConstraint(fields=["report_type", "level"], name="deadline_rule_one_per_level"),
            models.CheckConstraint(condition=Q(offset_days__gte=1), name="deadline_rule_at_least_one_day"),
            models.CheckConstraint(
                condition=Q(cap_day__isnull=True) | Q(cap_day__gte=1, cap_day__lte=31), name="deadline_rule_cap_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_type.code} {self.level} +{self.offset_days}"


class CalendarDay(models.Model):
    """A day the province declares off, or a weekend day it declares a make-up working day."""

    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("province calendar day")
        verbose_name_plural = _("province calendar days")

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.get_kind_display()} {self.name}"


class FormDefinition(models.Model):
    """One version of a data form (biểu mẫu), as data: columns, rows, validation rules.

    Loaded from ``definitions/forms/*.toml``; a (code, version) is immutable once loaded.
    ``definition`` holds the whole parsed file (see catalogue.rules.forms).
    """

    code = models.CharField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    #: Levels whose units fill this form, e.g. ["department", "district", "commune"].
    levels = models.JSONField(_("levels"), default=list)
    report_types = models.ManyToManyField(ReportType, related_name="forms", verbose_name=_("report types"))
    definition = models.JSONField()
    #: SHA-256 of the canonical definition, to tell an unchanged reload from a changed one.
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("form definition")
        verbose_name_plural = _("form definitions")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="form_definition_code_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ProcedureField(models.Model):
    """A procedure field (lĩnh vực): the rows of form 06, named per level."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("procedure field")
        verbose_name_plural = _("procedure fields")
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="procedure_field_level_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OutlineDefinition(models.Model):
    """One version of the narrative outline (đề cương), as data: its sections in order.

    Loaded from ``definitions/outlines/*.toml``; a (code, version) is immutable once loaded.
    ``definition`` holds the whole parsed file (see catalogue.rules.outlines).
    """

    code = models.CharField(_("code"), max_length=64)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    report_types = models.ManyToManyField(ReportType, related_name="outlines", verbose_name=_("report types"))
    definition = models.JSONField()
    #: SHA-256 of the canonical definition, to tell an unchanged reload from a changed one.
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("outline definition")
        verbose_name_plural = _("outline definitions")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="outline_definition_code_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def spec(self) -> OutlineSpec:
        """The stored definition as the pure rules read it: the sections in order."""
        return parse_outline_spec(self.definition)
