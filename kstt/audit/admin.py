from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from kstt.audit.describe import Told, describe
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


class DescribedChangeList(ChangeList):
    """The page's entries described in words in one go (a fixed number of queries per page)."""

    def get_results(self, request):
        super().get_results(request)
        told = describe(self.result_list, details=False)
        for entry in self.result_list:
            entry.told = told[entry.pk]


def _told(entry: AuditEntry) -> Told:
    if getattr(entry, "told", None) is None:
        entry.told = describe([entry])[entry.pk]
    return entry.told


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "event_name", "actor", "target"]
    list_filter = [EventFilter]
    list_select_related = ["actor"]
    fields = ["at", "event_name", "actor", "target", "what", "details"]
    readonly_fields = fields

    def get_changelist(self, request, **kwargs):
        return DescribedChangeList

    @admin.display(description=_("event"), ordering="event")
    def event_name(self, entry: AuditEntry) -> str:
        return entry.event_label

    @admin.display(description=_("record"))
    def target(self, entry: AuditEntry) -> str:
        return _told(entry).target or "—"

    @admin.display(description=_("what was done"))
    def what(self, entry: AuditEntry) -> str:
        return _told(entry).what

    @admin.display(description=_("details"))
    def details(self, entry: AuditEntry) -> str:
        """The recorded details in words, one per line (kstt.audit.describe)."""
        lines = _told(entry).details
        return format_html_join("", "<div>{}</div>", ((line,) for line in lines)) if lines else "—"

    def has_add_permission(self, request):  # the trail is written by services only
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
