from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kstt.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "unit",
        "is_reporter",
        "is_reviewer",
        "is_kstt_admin",
        "is_active",
    ]
    list_filter = ["is_reporter", "is_reviewer", "is_kstt_admin", "is_active"]
    search_fields = ["username", "first_name", "last_name", "unit__code"]
    raw_id_fields = ["unit"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("KSTT"), {"fields": ["unit", "is_reporter", "is_reviewer", "is_kstt_admin", "is_dossier_feed"]}),
    )
