"""What the report services share: notifying after commit, the row lock, the access and text checks."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kstt import unicode_text
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.reports import rules
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.reports.services.errors import (
    InvalidText,
    NotAllowed,
    NoteTooLong,
    StateError,
)


def _require_short(text: str, kind: str) -> None:
    length = rules.note_too_long(text)
    if length is not None:
        raise NoteTooLong(kind=kind, length=length, limit=rules.MAX_NOTE_CHARS)


def _notify(kind: str, instance: ReportInstance, version: ReportVersion, unit_name: str | None = None) -> None:
    """After commit: tell the apps above (notifications tells the people concerned) that ``version`` was
    submitted, accepted or returned (kind ∈ submitted|accepted|returned)."""
    from kstt.reports.signals import version_changed

    version_changed.send(sender=ReportInstance, kind=kind, instance=instance, version=version, unit_name=unit_name)


def _after_commit(
    kind: str, instance: ReportInstance, version: ReportVersion, *, source: str = "", unit_name: str | None = None
) -> None:
    """Notify after the commit; a history loaded from a file (``source``) notifies nobody: its events
    are long past and nobody has to act on them. ``unit_name``: the unit's name at the end of the period's
    window, when the caller read it (not read again)."""
    if source:
        return
    # robust: a notification that fails is logged; it never turns a committed change into an error
    transaction.on_commit(lambda: _notify(kind, instance, version, unit_name), robust=True)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _locked(instance: ReportInstance) -> ReportInstance:
    """``instance`` read again under its row lock. The unit and the report type an instance belongs to never
    change: the caller's objects are kept when it has them, with what was read through them (the settings
    versions the catalogue selectors remember on the report type), so a request reads those once."""
    queryset = ReportInstance.objects.select_for_update(of=("self",))
    if not ReportInstance.report_type.is_cached(instance):
        queryset = queryset.select_related("report_type")
    locked = queryset.get(pk=instance.pk)
    for relation in (ReportInstance.report_type, ReportInstance.unit):
        if relation.is_cached(instance):
            relation.field.set_cached_value(locked, relation.field.get_cached_value(instance))
    return locked


def _window_end(instance: ReportInstance) -> Any:
    return catalogue.window(instance.report_type, instance.period)[1]


def _require_text(value: Any, where: str) -> None:
    """Every text in ``value`` is one every engine stores alike (kstt.unicode_text), else InvalidText."""
    error = unicode_text.find(value, where)
    if error is not None:
        raise InvalidText(error)


def _require_reporter(actor: Any, instance: ReportInstance) -> None:
    if not access.may_report_for(actor, instance.unit):
        raise NotAllowed("only a reporter of the unit changes its reports")


def _require_editable(instance: ReportInstance) -> None:
    if instance.status not in rules.EDITABLE:
        raise StateError(f"the report is {instance.status}: it can be edited only as a draft or once returned")
