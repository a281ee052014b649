"""The audit trail: every service function that changes state records one entry here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import models

from kstt import records
from kstt.audit.models import AuditEntry

#: The entries recorded inside ``together()``, written when it ends; None outside it.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("kstt_audit_pending", default=None)


def record(
    *, actor: Any, event: str, at: datetime, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Record one audit entry; call inside the service's transaction. Inside ``together()`` the entry is
    written when that block ends, in one INSERT (``kstt.records.insert_all``): it gets no ``pk``."""
    entry = AuditEntry(
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        event=event,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )
    pending = _pending.get()
    if pending is None:
        entry.save()
    else:
        pending.append(entry)
    return entry


@contextmanager
def together() -> Iterator[None]:
    """The entries a service records in this block written in one INSERT when it ends, in the order they
    were recorded: for a service that does several audited steps in one transaction (a report submitted in
    one request: four entries). Use it inside that transaction: when the block ends with an exception
    nothing is written (the transaction rolls back anyway). Nested, the inner block writes with the outer."""
    if _pending.get() is not None:
        yield
        return
    pending: list[AuditEntry] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _insert(pending)


def _insert(entries: list[AuditEntry]) -> None:
    """Write ``entries`` in one INSERT, in their order (their ids follow it); they get no ``pk``."""
    records.insert_all(
        AuditEntry,
        ("at", "actor", "event", "target_type", "target_id", "data"),
        [(e.at, e.actor_id, e.event, e.target_type, e.target_id, e.data) for e in entries],
    )
