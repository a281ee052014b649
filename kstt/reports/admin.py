"""Reports in the administration site: read only. Every change goes through kstt.reports.services."""

from django.contrib import admin

from kstt.reports.models import Draft, NarrativeDocument, ReportInstance, ReportVersion, Review


class ReadOnlyAdmin(admin.ModelAdmin):
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
    list_display = ["instance", "number", "submitted_at", "submitted_by", "flags"]
    list_select_related = ["instance__unit", "instance__report_type", "submitted_by"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["version", "decision", "reasons", "at", "by"]
    list_select_related = ["version__instance__unit", "version__instance__report_type", "by"]
