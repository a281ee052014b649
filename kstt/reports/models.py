"""Report instances, their drafts, their submitted versions and the reviews (rules.md §2, §4, §5).

A report belongs to the unit as it was in its period: the level and the recipient are those of the
tree on the last day of the period's window. Versions and reviews are never changed nor deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.models import ReportType
from kstt.records import Immutable
from kstt.reports.choices import Decision, ReportStatus
from kstt.units.choices import Level
from kstt.units.models import Unit


class ReportInstance(models.Model):
    """One report a unit owes: (unit, report type, period)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports")
    report_type = models.ForeignKey(ReportType, verbose_name=_("report type"), on_delete=models.PROTECT)
    period = models.CharField(_("period"), max_length=8)  # e.g. "2021Q3"
    #: The unit's level in that period (the tree on the window's last day).
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    #: Who reviews it: the unit's parent in the tree of that period (rules.md §1). Empty for the
    #: province's own report: it goes outside KSTT, to the Government Office, and nobody here reviews it.
    recipient = models.ForeignKey(
        Unit,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="reports_to_review",
        null=True,
        blank=True,
    )
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    #: The submitted time of rules.md §4: the first submission; later versions never move it.
    first_submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["unit__code", "period"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["unit", "report_type", "period"], name="report_instance_once"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(first_submitted_at__isnull=False),
                name="report_instance_submitted_has_time",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "report_type", "period"], name="report_instance_review_idx")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.report_type.code} {self.period}"

    @property
    def to_government_office(self) -> bool:
        """The province's own report: sent outside KSTT, to the Government Office (rules.md §1)."""
        return self.recipient_id is None


class NarrativeDocument(models.Model):
    """An uploaded narrative (the signed PDF) and the result of verifying it. Never deleted."""

    instance = models.ForeignKey(ReportInstance, on_delete=models.PROTECT, related_name="documents")
    file = models.FileField(_("file"), upload_to="narratives/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    #: What kstt.reports.documents found: signer, signing time, changed after signing, …
    verification = models.JSONField(_("verification"), default=dict)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("narrative document")
        verbose_name_plural = _("narrative documents")

    def __str__(self) -> str:
        return self.name


class Draft(models.Model):
    """What the unit is working on: the next version, before it is submitted.

    ``values``: {form code: {row key: {column key: value}}}; ``narrative``: {section key: text};
    ``reasons``: {form code: {row key: {column key: why the computed value was changed}}}.
    ``revision`` grows with each save: a save based on an older revision is refused.
    """

    instance = models.OneToOneField(ReportInstance, on_delete=models.PROTECT, related_name="draft")
    values = models.JSONField(_("values"), default=dict, blank=True)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons for changes"), default=dict, blank=True)
    document = models.ForeignKey(NarrativeDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")

    def __str__(self) -> str:
        return f"{self.instance} r{self.revision}"


class ReportVersion(Immutable):
    """A snapshot taken at each submission (1, 2, …): what the reviewer judges."""

    instance = models.ForeignKey(ReportInstance, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    values = models.JSONField(_("values"), default=dict, blank=True)
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons for changes"), default=dict, blank=True)
    document = models.ForeignKey(NarrativeDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: The findings of the form rules at submission: [{form, rule, severity, row, column, message}].
    findings = models.JSONField(_("findings"), default=list, blank=True)
    #: The completeness problems (rules.md §2): [{code, form, …}].
    problems = models.JSONField(_("completeness problems"), default=list, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)  # ["incomplete", "inaccurate"]
    #: The client's Idempotency-Key of the submit ("" when none was given).
    idempotency_key = models.CharField(max_length=128, blank=True, default="")
    draft_revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["instance", "number"]
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        constraints = [
            models.UniqueConstraint(fields=["instance", "number"], name="report_version_number_once"),
            models.UniqueConstraint(
                fields=["instance", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="report_version_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="report_version_number_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.instance} v{self.number}"


class RefusedSubmission(Immutable):
    """A press of *submit* that was not a submission (rules.md §4): the signed narrative document or an
    applicable form was missing (or the PDF had no digital signature while the settings require one, or a
    cell was not a figure). Never silent: who pressed, when and what was missing are kept, shown on the
    report and its evidence, so that the unit can appeal with them. Written even though the submission is
    refused (kstt.reports.services.submission), never changed nor deleted."""

    instance = models.ForeignKey(
        ReportInstance, verbose_name=_("report"), on_delete=models.PROTECT, related_name="refused_submissions"
    )
    at = models.DateTimeField(_("pressed at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: What kept it from being a submission: the problems [{code, form, detail}] (codes of rules.NOT_A_SUBMISSION).
    missing = models.JSONField(_("what was missing"), default=list)
    #: The narrative document attached then, if any (an unsigned one when a signature is required).
    document = models.ForeignKey(NarrativeDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    draft_revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("refused submission")
        verbose_name_plural = _("refused submissions")
        indexes = [models.Index(fields=["instance", "at"], name="refused_submission_idx")]

    def __str__(self) -> str:
        return f"{self.instance} refused {self.at:%Y-%m-%d %H:%M}"

    @property
    def codes(self) -> list[str]:
        """What was missing, by code (document, signature, form, figures), once each, in order."""
        return list(dict.fromkeys(str(p.get("code") or "") for p in self.missing if isinstance(p, dict)))


class Review(Immutable):
    """The recipient's verdict on one version: accepted, or returned with reasons."""

    version = models.OneToOneField(
        ReportVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="review"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)  # ⊆ outline|forms|incomplete|inaccurate
    text = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("reviewed at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.version} · {self.get_decision_display()}"


class ReportFigure(Immutable):
    """One whole-number cell of a submitted version, normalized so that SQL sums them (issue 15): one row
    per (version, form, row, column). Written with the version, in the same transaction, by the submit
    service (``rules.figure_cells`` of the version's values); never changed nor deleted. Empty cells and
    texts that are not whole numbers are not figures and have no row."""

    version = models.ForeignKey(ReportVersion, on_delete=models.PROTECT, related_name="figures")
    form = models.CharField(_("form"), max_length=32)
    row = models.CharField(_("row"), max_length=64)
    column = models.CharField(_("column"), max_length=64)
    value = models.BigIntegerField(_("value"))

    class Meta:
        ordering = ["version", "form", "row", "column"]
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        constraints = [
            models.UniqueConstraint(fields=["version", "form", "row", "column"], name="report_figure_once"),
        ]
        # Covering: a compilation reads a version's row (its total, a unit's) from the index alone, never
        # visiting the table, whose rows of one period lie among every other period's (issue 15, point 6).
        indexes = [models.Index(fields=["version", "form", "row", "column", "value"], name="report_figure_cells_idx")]

    def __str__(self) -> str:
        return f"{self.version} {self.form} {self.row} {self.column}={self.value}"
