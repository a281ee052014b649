"""Reviewing a submitted version: the recipient accepts it or returns it with reasons (rules.md §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from kstt.accounts import access
from kstt.audit import services as audit
from kstt.reports import rules
from kstt.reports.choices import Decision
from kstt.reports.models import ReportVersion, Review
from kstt.reports.services.common import (
    _actor,
    _after_commit,
    _locked,
    _require_short,
    _require_text,
)
from kstt.reports.services.errors import (
    NotAllowed,
    ReviewError,
    SentToGovernmentOffice,
    StateError,
)

# --- Reviewing --------------------------------------------------------------------------------------------


def _review(
    *,
    version: ReportVersion,
    decision: str,
    reasons: Sequence[str],
    text: str,
    at: datetime,
    actor: Any,
    source: str = "",
) -> Review:
    instance = _locked(version.instance)
    if instance.recipient_id is None:
        raise SentToGovernmentOffice
    latest = ReportVersion.objects.filter(instance=instance).order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        raise ReviewError("only the latest version of a report is reviewed")
    if Review.objects.filter(version=version).exists():
        raise ReviewError("this version has already been reviewed")
    if at < version.submitted_at:
        raise ReviewError("a version cannot be reviewed before it was submitted")
    action = "accept" if decision == Decision.ACCEPTED else "return"
    try:
        status = rules.next_status(action, instance.status)
    except rules.TransitionError as exc:
        raise StateError(f"the report is {instance.status}: it cannot be reviewed") from exc
    if decision == Decision.RETURNED:
        problem = rules.return_reasons_problem(reasons)
        if problem:
            raise ReviewError(problem)
    review = Review.objects.create(
        version=version,
        decision=decision,
        reasons=list(dict.fromkeys(reasons)) if decision == Decision.RETURNED else [],
        text=text.strip(),
        at=at,
        by=_actor(actor),
    )
    instance.status = status
    instance.save(update_fields=["status"])
    data: dict[str, Any] = {"version": version.number, "reasons": review.reasons}
    if source:
        data["source"] = source
    audit.record(
        actor=actor,
        event="reports.accepted" if decision == Decision.ACCEPTED else "reports.returned",
        at=at,
        target=instance,
        data=data,
    )
    _after_commit(decision, instance, version, source=source)
    return review


def _require_reviewer(actor: Any, version: ReportVersion) -> None:
    if version.instance.recipient_id is None:
        raise SentToGovernmentOffice
    if not access.may_review_report(actor, recipient_id=version.instance.recipient_id):
        raise NotAllowed("only a reviewer of the unit the report is sent to reviews it")


@transaction.atomic
def accept(*, version: ReportVersion, text: str = "", at: datetime, actor: Any) -> Review:
    """The recipient accepts the latest submitted version."""
    _require_reviewer(actor, version)
    _require_text(text, "text")
    _require_short(text, "comment")
    return _review(version=version, decision=Decision.ACCEPTED, reasons=(), text=text, at=at, actor=actor)


@transaction.atomic
def return_report(
    *, version: ReportVersion, reasons: Sequence[str], text: str = "", at: datetime, actor: Any
) -> Review:
    """The recipient returns the latest submitted version with reasons from the fixed list; the unit
    edits its draft again and submits the next version."""
    _require_reviewer(actor, version)
    _require_text(text, "text")
    _require_text(list(reasons), "reasons")
    _require_short(text, "comment")
    return _review(version=version, decision=Decision.RETURNED, reasons=reasons, text=text, at=at, actor=actor)
