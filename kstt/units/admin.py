from django.contrib import admin

from kstt.units.models import Unit, UnitVersion


class UnitVersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    raw_id_fields = ["parent"]
    fields = ["name", "level", "kind", "parent", "valid_from", "valid_until"]
    readonly_fields = fields  # the tree changes through `kstt load-units` / `close-units`, with an audit entry

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    search_fields = ["code", "versions__search_text"]
    inlines = [UnitVersionInline]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
