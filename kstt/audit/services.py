"""The audit trail: every service function that changes state records one entry here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from kstt.audit.models import AuditEntry


def record(
    *, actor: Any, event: str, at: datetime, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Record one audit entry; call inside the service's transaction."""
    return AuditEntry.objects.create(
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        event=event,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
