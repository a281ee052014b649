from django.contrib import admin

from kstt.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "event", "actor", "target_type", "target_id"]
    list_filter = ["event"]
    readonly_fields = ["at", "event", "actor", "target_type", "target_id", "data"]

    def has_add_permission(self, request):  # the trail is written by services only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
