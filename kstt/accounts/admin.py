from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kstt import clock
from kstt.accounts import services
from kstt.accounts.models import ApiToken, User
from kstt.units import selectors as units

#: Django stores permission names in English ("Can add token"): they are named again for display.
PERMISSION_ACTIONS = {
    "add": _("Can add %(name)s"),
    "change": _("Can change %(name)s"),
    "delete": _("Can delete %(name)s"),
    "view": _("Can view %(name)s"),
}


def permission_label(permission: Permission) -> str:
    """ "App | model | action" in the current language (Django's own __str__ keeps the stored English)."""
    model = permission.content_type.model_class()
    if model is None:
        return str(permission)
    meta = model._meta
    action, _sep, model_name = permission.codename.partition("_")
    phrase = PERMISSION_ACTIONS.get(action)
    name = str(phrase) % {"name": meta.verbose_name} if phrase and model_name == meta.model_name else permission.name
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {name}"


class PermissionLabels:
    """Permissions listed with their names in the current language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(PermissionLabels, DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "unit_name",
        "is_reporter",
        "is_reviewer",
        "is_kstt_admin",
        "is_active",
    ]
    list_filter = ["is_reporter", "is_reviewer", "is_kstt_admin", "is_active"]
    search_fields = ["username", "first_name", "last_name", "unit__code", "unit__versions__name"]
    raw_id_fields = ["unit"]
    # Set by logging in and by the account's creation, never typed (and Django's date + time pair of inputs
    # has no label a screen reader can read: kstt/tests/browser/test_accessibility.py).
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("KSTT"), {"fields": ["unit", "is_reporter", "is_reviewer", "is_kstt_admin", "is_dossier_feed"]}),
    )

    @admin.display(description=_("unit"), ordering="unit__code")
    def unit_name(self, user: User) -> str:
        if user.unit is None:
            return "—"
        name = getattr(user, "unit_name_today", None)
        return f"{name} ({user.unit.code})" if name else user.unit.code

    def get_queryset(self, request):
        named = units.versions_on(clock.today()).filter(unit=OuterRef("unit")).values("name")[:1]
        return super().get_queryset(request).select_related("unit").annotate(unit_name_today=Subquery(named))


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, DjangoGroupAdmin):
    pass


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes's list of log-in attempts, with its two computed columns named for translation."""

    @admin.display(description=_("Status"))
    def status(self, obj: AccessAttempt) -> str:
        limit = self.handler_limit()
        if obj.failures_since_start < limit:
            return gettext("%(n)s attempts remaining") % {"n": limit - obj.failures_since_start}
        return gettext("Locked Out")

    @admin.display(description=_("Expires At"))
    def expiration(self, obj: AccessAttempt):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else gettext("Not set")

    @staticmethod
    def handler_limit() -> int:
        from axes.conf import settings as axes_settings

        return int(axes_settings.AXES_FAILURE_LIMIT)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Every user's API tokens, for an administrator: seen, and revoked (an action: a POST with its CSRF token).
    Made by `kstt create-token` only (the key is shown once there); never edited nor deleted: the record."""

    list_display = ["pk", "user", "name", "prefix", "created_at", "expires_at", "last_used_at", "state"]
    list_display_links = ["pk", "prefix"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "created_by", "expires_at", "last_used_at", "revoked_at",
              "revoked_by"]  # fmt: skip
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description=_("state"))
    def state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return gettext("revoked")
        return gettext("in use") if token.is_live(clock.now()) else gettext("expired")

    @admin.action(description=_("Revoke the selected API tokens"), permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        at = clock.now()
        count = sum(services.revoke_token(token=token, at=at, actor=request.user) for token in queryset)
        self.message_user(request, gettext("%(count)s API tokens revoked.") % {"count": count}, messages.SUCCESS)

    def has_revoke_permission(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff and request.user.is_kstt_admin)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
