"""Reports in the administration site: read only. Every change goes through kstt.reports.services."""

import json
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kstt.reports.choices import Flag as ReportFlag
from kstt.reports.choices import ReturnReason
from kstt.reports.models import Draft, NarrativeDocument, RefusedSubmission, ReportInstance, ReportVersion, Review


def _as_code(value: Any) -> str:
    """A stored machine record (figures, findings) shown as code, as the audit trail shows its details."""
    return format_html("<pre><code>{}</code></pre>", json.dumps(value, ensure_ascii=False, indent=2))


def _labels(choices: type[models.TextChoices], codes: list[str]) -> str:
    return ", ".join(str(choices(code).label) if code in choices.values else code for code in codes) or "—"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read only; JSON columns are shown as code (the pages show them as people read them)."""

    def get_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if not isinstance(f, models.JSONField) and not f.auto_created]

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj), "records"]

    @admin.display(description=_("details"))
    def records(self, obj: models.Model) -> str:
        return _as_code({f.name: getattr(obj, f.name) for f in obj._meta.fields if isinstance(f, models.JSONField)})

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": [*self.get_fields(request, obj), "records"]})]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportInstance)
class ReportInstanceAdmin(ReadOnlyAdmin):
    list_display = ["unit", "report_type", "period", "level", "recipient", "status", "first_submitted_at"]
    list_filter = ["status", "report_type", "level", "period"]
    list_select_related = ["unit", "report_type", "recipient"]
    search_fields = ["unit__code", "period"]


@admin.register(Draft)
class DraftAdmin(ReadOnlyAdmin):
    list_display = ["instance", "revision", "updated_at", "updated_by"]
    list_select_related = ["instance__unit", "instance__report_type", "updated_by"]


@admin.register(NarrativeDocument)
class NarrativeDocumentAdmin(ReadOnlyAdmin):
    list_display = ["name", "instance", "size", "sha256", "uploaded_at", "uploaded_by"]
    list_select_related = ["instance__unit", "instance__report_type", "uploaded_by"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["instance", "number", "submitted_at", "submitted_by", "flag_names"]

    @admin.display(description=_("flags"))
    def flag_names(self, version: ReportVersion) -> str:
        return _labels(ReportFlag, version.flags)

    list_select_related = ["instance__unit", "instance__report_type", "submitted_by"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["version", "decision", "reason_names", "at", "by"]

    @admin.display(description=_("reasons"))
    def reason_names(self, review: Review) -> str:
        return _labels(ReturnReason, review.reasons)

    list_select_related = ["version__instance__unit", "version__instance__report_type", "by"]


@admin.register(RefusedSubmission)
class RefusedSubmissionAdmin(ReadOnlyAdmin):
    """The presses of submit that were not a submission (rules.md §4): kept as the unit's evidence."""

    list_display = ["instance", "at", "by", "missing_codes"]

    @admin.display(description=_("what was missing"))
    def missing_codes(self, refused: RefusedSubmission) -> str:
        return ", ".join(refused.codes) or "—"

    list_select_related = ["instance__unit", "instance__report_type", "by"]
