"""What the report services share: notifying after commit, the row lock, the access and text checks."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kstt import unicode_text
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.reports import rules
from kstt.reports.models import ReportInstance, ReportVersion, Review
from kstt.reports.services.errors import (
    InvalidText,
    NotAllowed,
    NoteTooLong,
    StateError,
)
from kstt.units import selectors as units


def _require_short(text: str, kind: str) -> None:
    length = rules.note_too_long(text)
    if length is not None:
        raise NoteTooLong(kind=kind, length=length, limit=rules.MAX_NOTE_CHARS)


def _notify(kind: str, instance: ReportInstance, version: ReportVersion) -> None:
    """After commit: tell the people concerned (kind ∈ submitted|accepted|returned).

    A submission tells the recipient unit's reviewers (a link to the review page); a return or an
    acceptance tells the unit's reporters (a link to their report). The parameters are proper names
    and codes, written in Vietnamese whatever the reader's language (kstt.notifications.choices).
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    from kstt.notifications import services as notifications
    from kstt.reports.choices import ReturnReason
    from kstt.reports.templatetags.kstt_labels import period_label

    instance = ReportInstance.objects.select_related("unit", "recipient", "report_type").get(pk=instance.pk)
    if instance.recipient is None:  # sent to the Government Office: nobody in KSTT is told, nobody reviews it
        return
    users = get_user_model().objects.filter(is_active=True)
    with translation.override("vi"):
        period = period_label(instance.period)
        unit_version = units.unit_on(instance.unit.code, _window_end(instance))
        unit_name = unit_version.name if unit_version is not None else instance.unit.code
        common = {"report": instance.report_type.name, "period": period}
        if kind == "submitted":
            notifications.notify(
                recipients=users.filter(is_reviewer=True, unit=instance.recipient),
                kind="submitted",
                params={**common, "unit": unit_name},
                url=reverse("review:detail", args=[instance.unit.code, instance.period]),
                at=version.submitted_at,
            )
            return
        review = Review.objects.select_related("by").get(version=version)
        reviewer = review.by.get_full_name() if review.by is not None else ""
        recipient = units.unit_on(instance.recipient.code, _window_end(instance))
        if recipient is not None:
            reviewer = f"{reviewer} ({recipient.name})" if reviewer else recipient.name
        params = {**common, "reviewer": reviewer or instance.recipient.code}
        if kind == "returned":
            labels = [str(ReturnReason(r).label) if r in ReturnReason.values else r for r in review.reasons]
            params["reasons"] = "; ".join(labels + ([review.text] if review.text else []))
        notifications.notify(
            recipients=users.filter(is_reporter=True, unit=instance.unit),
            kind=kind,
            params=params,
            url=f"/reports/{instance.unit.code}/{instance.period}/",
            at=review.at,
        )


def _after_commit(kind: str, instance: ReportInstance, version: ReportVersion, *, source: str = "") -> None:
    """Notify after the commit; a history loaded from a file (``source``) notifies nobody: its events
    are long past and nobody has to act on them."""
    if source:
        return
    # robust: a notification that fails is logged; it never turns a committed change into an error
    transaction.on_commit(lambda: _notify(kind, instance, version), robust=True)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _locked(instance: ReportInstance) -> ReportInstance:
    return ReportInstance.objects.select_for_update(of=("self",)).select_related("report_type").get(pk=instance.pk)


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
