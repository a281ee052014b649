import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kstt.audit.events import event_choices
from kstt.audit.models import AuditEntry


class EventFilter(admin.SimpleListFilter):
    """Filter by event, listed by name rather than by code."""

    title = _("event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return event_choices()

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "event_name", "actor", "target"]
    list_filter = [EventFilter]
    list_select_related = ["actor"]
    fields = ["at", "event_name", "actor", "target", "details"]
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event")
    def event_name(self, entry: AuditEntry) -> str:
        return entry.event_label

    @admin.display(description=_("record"))
    def target(self, entry: AuditEntry) -> str:
        return entry.target_label or "—"

    @admin.display(description=_("details"))
    def details(self, entry: AuditEntry) -> str:
        """The recorded details as the service wrote them (a machine record, shown as code)."""
        return format_html("<pre><code>{}</code></pre>", json.dumps(entry.data, ensure_ascii=False, indent=2))

    def has_add_permission(self, request):  # the trail is written by services only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
