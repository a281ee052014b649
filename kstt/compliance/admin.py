"""Appeals, the closings of a year and the urging letters in the administration site: read only. Every
change goes through kstt.compliance.services."""

from django.contrib import admin
from django.db import models

from kstt.compliance.models import (
    Appeal,
    AppealAttachment,
    UrgingLetter,
    UrgingLetterLine,
    YearClosing,
    YearReopening,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        # JSON records and stored files stay out: the ledger's pages show them as people read them.
        return [
            f.name
            for f in self.model._meta.fields
            if not isinstance(f, models.JSONField | models.FileField) and not f.auto_created
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)


@admin.register(Appeal)
class AppealAdmin(_ReadOnly):
    list_display = ["unit", "period", "filed_at", "filed_by", "decision", "decided_at", "decided_by"]
    list_filter = ["decision", "period"]
    list_select_related = ["unit", "filed_by", "decided_by"]
    search_fields = ["unit__code", "period"]


@admin.register(AppealAttachment)
class AppealAttachmentAdmin(_ReadOnly):
    list_display = ["name", "appeal", "size", "uploaded_at"]
    list_select_related = ["appeal__unit"]


@admin.register(YearClosing)
class YearClosingAdmin(_ReadOnly):
    list_display = ["province", "year", "revision", "closed_at", "closed_by", "sha256"]
    list_filter = ["year"]
    list_select_related = ["province", "closed_by"]

    def get_fields(self, request, obj=None):
        # The snapshot's text is long: the closing page and `kstt deductions` show it.
        return [name for name in super().get_fields(request, obj) if name != "snapshot"]


@admin.register(YearReopening)
class YearReopeningAdmin(_ReadOnly):
    list_display = ["closing", "reopened_at", "reopened_by"]
    list_select_related = ["closing__province", "reopened_by"]


class UrgingLetterLineInline(admin.TabularInline):
    model = UrgingLetterLine
    fields = readonly_fields = ["unit", "period", "deadline", "days_late"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(UrgingLetter)
class UrgingLetterAdmin(_ReadOnly):
    list_display = ["drafted_at", "drafter_name", "subject", "province"]
    list_select_related = ["province"]
    inlines = [UrgingLetterLineInline]
