"""Telling people about their reports: the receiver of ``kstt.reports.signals.version_changed``.

Connected when the notifications app loads (``NotificationsConfig.ready``); the report services send
the signal after the commit of a submission, an acceptance or a return.
"""

from __future__ import annotations

from typing import Any

from kstt.catalogue import selectors as catalogue
from kstt.reports.models import ReportInstance, ReportVersion, Review
from kstt.units import selectors as units


def _window_end(instance: ReportInstance) -> Any:
    return catalogue.window(instance.report_type, instance.period)[1]


def notify_people(
    sender: Any, *, kind: str, instance: ReportInstance, version: ReportVersion, unit_name: str | None = None, **_: Any
) -> None:
    """After commit: tell the people concerned (kind ∈ submitted|accepted|returned). ``unit_name``: the unit's
    name at the end of the period's window, when the sender had it (else read here).

    A submission tells the recipient unit's reviewers (a link to the review page); a return or an
    acceptance tells the unit's reporters (a link to their report). The parameters are proper names
    and codes, written in Vietnamese whatever the reader's language (kstt.notifications.choices).
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils import translation

    from kstt.catalogue.labels import period_label
    from kstt.notifications import services as notifications
    from kstt.reports.choices import ReturnReason

    # The instance the service committed: its unit, recipient and report type never change (read here if
    # the service had not), and its report type remembers the settings already read for the window.
    if instance.recipient_id is None:  # sent to the Government Office: nobody in KSTT is told, nobody reviews it
        return
    users = get_user_model().objects.filter(is_active=True)
    with translation.override("vi"):
        period = period_label(instance.period)
        if unit_name is None:
            unit_version = units.unit_on(instance.unit.code, _window_end(instance))
            unit_name = unit_version.name if unit_version is not None else instance.unit.code
        common = {"report": instance.report_type.name, "period": period}
        if kind == "submitted":
            notifications.notify(
                recipients=users.filter(is_reviewer=True, unit_id=instance.recipient_id),
                kind="submitted",
                params={**common, "unit": unit_name},
                url=reverse("review:detail", args=[instance.unit.code, instance.period]),
                at=version.submitted_at,
            )
            return
        review = Review.objects.select_related("by").get(version=version)
        reviewer = review.by.get_full_name() if review.by is not None else ""
        recipient_code = instance.recipient.code if instance.recipient is not None else ""
        recipient = units.unit_on(recipient_code, _window_end(instance))
        if recipient is not None:
            reviewer = f"{reviewer} ({recipient.name})" if reviewer else recipient.name
        params = {**common, "reviewer": reviewer or recipient_code}
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
