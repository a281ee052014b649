"""The names people read for the audit trail's event codes.

The code (``units.loaded``) is what is stored and what services write; this table is what the
administration site shows. Every code a service records must be named here
(kstt/audit/tests/test_events.py reads the source to make sure).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EVENTS: dict[str, Promise] = {
    "accounts.user_created": _("User created"),
    "accounts.user_updated": _("User updated"),
    "accounts.token_created": _("API token created"),
    "accounts.token_revoked": _("API token revoked"),
    "catalogue.loaded": _("Report catalogue loaded"),
    "catalogue.deadlines_changed": _("Deadline settings changed"),  # before settings versions; old entries
    "catalogue.settings_changed": _("New settings version recorded"),
    "catalogue.day_declared": _("Day off or working day declared"),
    "catalogue.day_withdrawn": _("Declared day withdrawn"),
    "catalogue.fields_loaded": _("Procedure fields loaded"),
    "compliance.appeal_filed": _("Appeal against a deduction filed"),
    "compliance.appeal_decided": _("Appeal against a deduction decided"),
    "compliance.year_closed": _("Year's deduction ledger closed"),
    "compliance.year_reopened": _("Year's deduction ledger reopened"),
    "compliance.urging_letter_drafted": _("Urging letter drafted for signature"),
    "dossiers.loaded": _("Dossiers loaded"),
    "incidents.recorded": _("Incident recorded"),
    "incidents.updated": _("Incident updated"),
    "incidents.closed": _("Incident closed"),
    "incidents.loaded": _("Incidents loaded"),
    "notifications.reminder_sent": _("Reminder sent"),
    "notifications.email_outcome_unknown": _("Reminder e-mail interrupted: outcome unknown, not sent again"),
    "notifications.urged": _("Units urged to send a report"),
    "reports.opened": _("Report opened"),
    "reports.draft_saved": _("Report draft saved"),
    "reports.document_attached": _("Narrative document attached"),
    "reports.submitted": _("Report submitted"),
    "reports.submit_refused": _("Submit pressed, not a submission"),
    "reports.accepted": _("Report accepted"),
    "reports.returned": _("Report returned"),
    "reports.submissions_loaded": _("Submission history loaded"),
    "units.loaded": _("Units loaded"),
    "units.closed": _("Units closed"),
}


def event_label(code: str) -> str:
    """The event's name in the current language; an unknown code is shown as it is."""
    label = EVENTS.get(code)
    return str(label) if label is not None else code


def event_choices() -> list[tuple[str, str]]:
    """(code, name) pairs, sorted by name, for filters."""
    return sorted(((code, str(label)) for code, label in EVENTS.items()), key=lambda pair: pair[1])
