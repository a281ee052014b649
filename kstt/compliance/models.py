"""Appeals against ledger lines (rules.md §6): a unit appeals, the provincial office decides.

Verdicts and ledger lines are never stored (compliance.selectors computes them from the facts); an
appeal is a fact. It names its line by the line's key (unit, report type, period) and keeps the line
as it stood when appealed (``line``: the evidence the unit argued against). Nothing here is deleted,
and an appeal changes once only: from pending to upheld or overturned, through
``Appeal.objects.decide`` (a conditional UPDATE, so of two officers deciding at once one wins).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.models import ReportType
from kstt.compliance.choices import AppealDecision
from kstt.records import Immutable, ImmutableError
from kstt.units.models import Unit


class AppealImmutable(ImmutableError):
    """A decided appeal and the files filed with an appeal are never changed; nothing is deleted."""


class AppealQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppealImmutable("an appeal changes only by its decision (Appeal.objects.decide)")

    def delete(self) -> Any:
        raise AppealImmutable("appeals are never deleted")

    def decide(self, pk: int, *, decision: str, reason: str, by: Any, at: Any) -> int:
        """Decide the appeal if it is still pending; returns 1 if this call decided it, 0 otherwise."""
        pending = self.filter(pk=pk, decision=AppealDecision.PENDING)
        return models.QuerySet.update(pending, decision=decision, decision_reason=reason, decided_by=by, decided_at=at)


class Appeal(models.Model):
    """A unit's appeal against one line of the ledger, and the provincial office's decision on it."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="appeals")
    report_type = models.ForeignKey(ReportType, verbose_name=_("report type"), on_delete=models.PROTECT)
    period = models.CharField(_("period"), max_length=8)
    reason = models.TextField(_("reason for the appeal"))
    #: The line as it stood when appealed: its evidence and deduction (compliance.services.line_snapshot).
    line = models.JSONField(_("line appealed"), default=dict)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    decision = models.CharField(
        _("decision"), max_length=16, choices=AppealDecision.choices, default=AppealDecision.PENDING
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "report_type", "period"],
                condition=Q(decision=AppealDecision.PENDING),
                name="appeal_one_open_per_line",
                violation_error_message=_("An appeal against this line already waits for a decision."),
            ),
            models.CheckConstraint(condition=Q(decision__in=AppealDecision.values), name="appeal_known_decision"),
            models.CheckConstraint(
                condition=(
                    Q(decision=AppealDecision.PENDING, decided_at__isnull=True, decision_reason="")
                    | (~Q(decision=AppealDecision.PENDING) & Q(decided_at__isnull=False) & ~Q(decision_reason=""))
                ),
                name="appeal_decided_with_time_and_reason",
                violation_error_message=_("A decision on an appeal has a time and a reason; a pending one neither."),
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=F("filed_at")),
                name="appeal_decided_after_filed",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="appeal_has_a_reason"),
        ]
        indexes = [models.Index(fields=["report_type", "period", "unit"], name="appeal_line_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit.code} {self.period}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppealImmutable("an appeal changes only by its decision (Appeal.objects.decide)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppealImmutable("appeals are never deleted")

    @property
    def is_pending(self) -> bool:
        return self.decision == AppealDecision.PENDING


class AppealAttachment(Immutable):
    """A file filed with an appeal (PDF, image, office document), checked by compliance.rules."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to="appeals/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["appeal", "id"]
        verbose_name = _("appeal attachment")
        verbose_name_plural = _("appeal attachments")

    def __str__(self) -> str:
        return self.name


class YearClosing(Immutable):
    """A province's ledger of a year, closed (chốt sổ, rules.md §6): an immutable snapshot.

    ``snapshot`` is the canonical JSON of the closed ledger (its lines with their evidence, the totals
    of every scored unit, the evidence summary and the settings versions: ``compliance.closing``), kept
    as the exact text whose SHA-256 is ``sha256``; ``workbook`` is the Home Affairs workbook of that
    snapshot. A reopened year closed again makes the next revision; the earlier ones are kept.
    Two closings at once: the unique revision lets one of them in.
    """

    report_type = models.ForeignKey(ReportType, verbose_name=_("report type"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveSmallIntegerField(_("revision"))
    closed_at = models.DateTimeField(_("closed at"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    snapshot = models.TextField(_("snapshot (canonical JSON)"))
    sha256 = models.CharField(max_length=64)
    workbook = models.FileField(_("workbook"), upload_to="closings/%Y/")

    class Meta:
        ordering = ["report_type", "province", "year", "revision"]
        verbose_name = _("closing of a year")
        verbose_name_plural = _("closings of a year")
        constraints = [
            models.UniqueConstraint(
                fields=["report_type", "province", "year", "revision"],
                name="closing_one_per_revision",
                violation_error_message=_("This year was closed a moment ago."),
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="closing_revision_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.province_id} {self.year} r{self.revision}"


class YearReopening(Immutable):
    """A closed year reopened by the provincial office, with its reason (at most once per closing)."""

    closing = models.OneToOneField(
        YearClosing, verbose_name=_("closing"), on_delete=models.PROTECT, related_name="reopening"
    )
    reopened_at = models.DateTimeField(_("reopened at"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason for reopening"))

    class Meta:
        ordering = ["reopened_at", "id"]
        verbose_name = _("reopening of a year")
        verbose_name_plural = _("reopenings of a year")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="reopening_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.closing} reopened"


class UrgingLetter(Immutable):
    """An urging letter (công văn đôn đốc, issue 15 point 3) the provincial office drafted from the dashboard's
    "overdue, not sent" filter and downloaded to sign: who, when, about which report; ``sha256`` of the
    document handed out. Its units are its ``lines``, each shown on that unit's ledger line as evidence."""

    report_type = models.ForeignKey(ReportType, verbose_name=_("report type"), on_delete=models.PROTECT)
    province = models.ForeignKey(Unit, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drafter_name = models.CharField(_("drafted by (name)"), max_length=255)
    subject = models.CharField(_("subject"), max_length=500)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["drafted_at", "id"]
        verbose_name = _("urging letter")
        verbose_name_plural = _("urging letters")

    def __str__(self) -> str:
        return f"{self.drafted_at:%Y-%m-%d %H:%M} {self.subject}"


class UrgingLetterLine(Immutable):
    """One unit's report named in an urging letter: the evidence, on that ledger line, that it was urged."""

    letter = models.ForeignKey(
        UrgingLetter, verbose_name=_("urging letter"), on_delete=models.PROTECT, related_name="lines"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)
    #: The effective deadline the letter printed, and how many days late the report was that day.
    deadline = models.DateTimeField(_("deadline"))
    days_late = models.PositiveSmallIntegerField(_("days late"))

    class Meta:
        ordering = ["letter", "id"]
        verbose_name = _("unit named in an urging letter")
        verbose_name_plural = _("units named in urging letters")
        constraints = [
            models.UniqueConstraint(fields=["letter", "unit", "period"], name="urging_letter_names_a_line_once"),
        ]
        indexes = [models.Index(fields=["unit", "period"], name="urging_letter_line_lookup")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period}"
