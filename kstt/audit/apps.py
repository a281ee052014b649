from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kstt.audit"
    label = "audit"
    verbose_name = "Audit"
