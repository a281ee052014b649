from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "kstt.compliance"
    verbose_name = _("Compliance and deductions")

    def ready(self) -> None:
        from kstt import ledger_watch
        from kstt.audit.describe import register_name, register_values
        from kstt.catalogue.labels import period_label
        from kstt.compliance import choices
        from kstt.compliance.watch import ComplianceWatch

        # An appeal by the unit and the period it is about: "… Sở Tư pháp (P17-STP), Quý I/2021".
        register_name("compliance.appeal", lambda appeal: f"{appeal.unit.code}, {period_label(appeal.period)}")
        # A closing of a year by its province, year and revision: "P17 2021 (r2)".
        register_name("compliance.yearclosing", lambda c: f"{c.province.code} {c.year} (r{c.revision})")

        # The apps below compliance ask it whether a year is closed and what a back-dated change would
        # move in the ledger (kstt.ledger_watch).
        ledger_watch.register(ComplianceWatch())

        # The audit trail reads an appeal's decision and a ledger line's status in words.
        register_values(
            "decision",
            lambda code: str(choices.AppealDecision(code).label)
            if code in choices.AppealDecision.values
            else str(code),
        )
        register_values("status", lambda code: choices.status_label(str(code)))
