"""The audit trail: every service function that changes state records one entry here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import connection, models

from kstt.audit.models import AuditEntry

#: The entries recorded inside ``together()``, written when it ends; None outside it.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("kstt_audit_pending", default=None)


def record(
    *, actor: Any, event: str, at: datetime, target: models.Model | None = None, data: dict[str, Any] | None = None
) -> AuditEntry:
    """Record one audit entry; call inside the service's transaction. Inside ``together()`` the entry is
    written when that block ends (it has no ``pk`` until then)."""
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


#: The entries of ``together()`` in one INSERT that reads them, in order, out of one JSON array parameter
#: ``[[at, actor, event, target type, target, details], …]``. Hand-written SQL, a last resort (style.md §13):
#: ``bulk_create`` sends PostgreSQL an array per column, and psycopg quotes the array of details in Python,
#: one regular-expression replacement per ``"`` of their JSON (some 650 for a submission's four entries, the
#: draft's changed cells among them): 1.1 ms of the server's CPU, against 0.2 ms this way (7 December 2026, a
#: submission in one request, PostgreSQL 15; docs/it/load.md, the fourth round). ``test_together.py`` reads
#: the entries back through the ORM on both engines.
_ENTRIES_FROM_JSON = {
    "postgresql": "SELECT (e->>0)::timestamptz, (e->>1)::bigint, e->>2, e->>3, e->>4, e->5 "
    "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS entries(e, n) ORDER BY n",
    "sqlite": "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), "
    "json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]') "
    "FROM json_each(%s) ORDER BY key",
}


def _insert(entries: list[AuditEntry]) -> None:
    """Write ``entries`` in one INSERT, in their order (their ids follow it); they get no ``pk`` here."""
    if not entries:
        return
    ops = connection.ops

    def when(at: datetime) -> str:
        stored = ops.adapt_datetimefield_value(at)  # SQLite: UTC text as Django stores it
        return stored if isinstance(stored, str) else at.isoformat()

    rows = [[when(e.at), e.actor_id, e.event, e.target_type, e.target_id, e.data] for e in entries]
    meta, quote = AuditEntry._meta, ops.quote_name
    named = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(named[name]) for name in ("at", "actor", "event", "target_type", "target_id", "data"))
    select = _ENTRIES_FROM_JSON[connection.vendor]  # the two engines KSTT runs on
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({columns}) {select}", [json.dumps(rows)])
