from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.choices import DayKind
from kstt.catalogue.rules import settings as settings_rules
from kstt.catalogue.rules.deadlines import DeadlinePolicy, LevelDeadline
from kstt.catalogue.rules.outlines import OutlineSpec, parse_outline_spec
from kstt.catalogue.rules.periods import Period
from kstt.records import Immutable
from kstt.units.choices import Level


class ReportType(models.Model):
    """A periodic report (the KSTT report is ``kstt``): its schedule of periods.

    Loaded from ``definitions/report_types/*.toml``. Its deadline settings, scored levels and deduction
    amounts are a history of ``SettingsVersion`` rows, each valid from a date: a period is judged by the
    version in force for it (catalogue.rules.settings).
    """

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=500)
    legal_basis = models.CharField(_("legal basis"), max_length=500, blank=True)
    #: Period kinds of the schedule, e.g. ["Q1", "Q2", "Q3", "Q4"].
    periods = models.JSONField(_("periods"), default=list)
    #: Which period a scheduled one also stands for, e.g. {"Q2": "H1", "Q4": "Y"}.
    also = models.JSONField(_("also stands for"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("report type")
        verbose_name_plural = _("report types")

    def __str__(self) -> str:
        return self.code


def _default_scored_levels() -> list[str]:
    return ["department", "district"]


class SettingsVersion(Immutable):
    """One version of a report type's settings (rules.md §3, §6, §7), valid from a date.

    Immutable once written (a change is a new version, so a past period keeps the settings that judged
    it). ``valid_from`` None: since the start of the records. A period is judged by the version in force
    on its first day (catalogue.rules.settings.in_force).
    """

    #: CASCADE: a report type can only go while no report uses it (reports PROTECT it); its settings go with it.
    report_type = models.ForeignKey(
        ReportType, verbose_name=_("report type"), on_delete=models.CASCADE, related_name="settings_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    cutoff_day = models.PositiveSmallIntegerField(_("cut-off day"), default=15)
    closing_days = models.PositiveSmallIntegerField(_("days to the closing time"), default=30)
    roll_forward = models.BooleanField(_("move deadlines off weekends and holidays"), default=True)
    #: Form 06 from dossiers: a dossier returned or withdrawn at the applicant's request counts as
    #: settled on time (rules.md §7, configurable).
    returned_on_time = models.BooleanField(_("count returned dossiers as settled on time"), default=True)
    #: level → {"offset_days": int, "cap_day": int | None}: days after the window's last day, never
    #: after that day of the period's last month.
    deadlines = models.JSONField(_("deadlines"), default=dict)
    #: The levels whose reports are scored in the PAR index (rules.md §6).
    scored_levels = models.JSONField(_("scored levels"), default=_default_scored_levels)
    not_sent_points = models.DecimalField(
        _("deduction for a report not sent"), max_digits=4, decimal_places=2, default=Decimal("0.50")
    )
    late_points = models.DecimalField(
        _("deduction for a late or faulty report"), max_digits=4, decimal_places=2, default=Decimal("0.25")
    )
    #: The narrative PDF must carry a digital signature (rules.md §4): then an unsigned PDF (a scan) counts
    #: as missing and a press of submit with it is not a submission. Off: an unsigned PDF is accepted, flagged.
    digital_signature_required = models.BooleanField(_("require a digitally signed PDF"), default=False)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["report_type", "number"]
        verbose_name = _("settings version")
        verbose_name_plural = _("settings versions")
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "number"],
                name="settings_version_number_once",
                violation_error_message=_("This settings version number is already taken."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="settings_version_number_from_one",
                violation_error_message=_("Settings versions are numbered from 1."),
            ),
            models.CheckConstraint(
                condition=Q(cutoff_day__gte=1, cutoff_day__lte=28),
                name="settings_version_cutoff_day",
                violation_error_message=_("The cut-off day must be between 1 and 28."),
            ),
            models.CheckConstraint(
                condition=Q(closing_days__gte=1),
                name="settings_version_closing_days",
                violation_error_message=_("The closing time must be at least one day after the deadline."),
            ),
            models.CheckConstraint(
                condition=Q(not_sent_points__gte=0, late_points__gte=0),
                name="settings_version_points_not_negative",
                violation_error_message=_("A deduction amount cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"settings v{self.number}"

    @property
    def policy(self) -> DeadlinePolicy:
        """The deadline settings as the pure rules take them."""
        return DeadlinePolicy(
            levels={
                level: LevelDeadline(int(rule["offset_days"]), rule.get("cap_day"))
                for level, rule in self.deadlines.items()
            },
            cutoff_day=self.cutoff_day,
            closing_days=self.closing_days,
            roll_forward=self.roll_forward,
        )

    def window(self, period: Period) -> tuple[date, date]:
        """The period's data window under these settings."""
        return period.window(self.cutoff_day)

    def values(self) -> dict[str, Any]:
        """Every setting, as plain JSON-able data (what a change compares and the ledger records)."""
        return settings_rules.canonical({key: getattr(self, key) for key in settings_rules.SETTING_KEYS})

    def as_evidence(self) -> dict[str, Any]:
        """What a ledger line records of the settings that judged it: the version and every value."""
        return {
            "report_type": self.report_type.code,
            "number": self.number,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            **self.values(),
        }


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
