from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kstt.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from kstt import checks  # noqa: F401  (registers the project-wide system checks)
        from kstt.accounts import third_party_messages

        third_party_messages.name_the_add_ons()
        from kstt.audit.describe import register_name

        # An API token in the audit trail: the beginning of its key and its owner (never the key).
        register_name("accounts.apitoken", lambda token: f"{token.prefix}… ({token.user.get_username()})")
