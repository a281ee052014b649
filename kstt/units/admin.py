from django.contrib import admin
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from kstt.units.choices import Level
from kstt.units.models import Unit, UnitVersion
from kstt.units.rules import fold


def _latest_versions(unit_ref: str = "pk"):
    """A unit's latest version first: the one still in force, else the one that ended last."""
    return UnitVersion.objects.filter(unit=OuterRef(unit_ref)).order_by(
        F("valid_until").desc(nulls_first=True), F("valid_from").desc(nulls_last=True)
    )


class UnitVersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    fields = ["name", "level", "kind", "parent_unit", "valid_from", "valid_until"]
    readonly_fields = fields  # the tree changes through `kstt load-units` / `close-units`, with an audit entry

    @admin.display(description=_("Under"))
    def parent_unit(self, version: UnitVersion) -> str:
        return version.parent.code if version.parent_id else "—"  # type: ignore[union-attr]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units by code, name, level and parent (their latest version), searchable with or without diacritics."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["versions__level"]
    search_fields = ["code", "versions__search_text"]
    search_help_text = _("Search by name or code, with or without diacritics")
    inlines = [UnitVersionInline]
    readonly_fields = ["code"]

    def get_queryset(self, request):
        latest = _latest_versions()
        parent_name = Subquery(_latest_versions("parent").values("name")[:1])
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_name=Subquery(latest.values("name")[:1]),
                latest_level=Subquery(latest.values("level")[:1]),
                parent_code=Subquery(latest.values("parent__code")[:1]),
                parent_name=Subquery(latest.annotate(parent_name=parent_name).values("parent_name")[:1]),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        # search_text is folded (no diacritics, lower case): fold what is typed the same way.
        return super().get_search_results(request, queryset, fold(search_term))

    @admin.display(description=_("Name"), ordering="latest_name")
    def name(self, unit) -> str:
        return unit.latest_name or "—"

    @admin.display(description=_("Level"), ordering="latest_level")
    def level(self, unit) -> str:
        return str(Level(unit.latest_level).label) if unit.latest_level in Level.values else "—"

    @admin.display(description=_("Under"), ordering="parent_code")
    def parent(self, unit) -> str:
        return f"{unit.parent_name} ({unit.parent_code})" if unit.parent_code else "—"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
