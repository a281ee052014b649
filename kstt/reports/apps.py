from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kstt.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from kstt.reports.trail import register_with_audit

        register_with_audit()  # the audit trail names reports and their codes in words (kstt.audit.describe)
