"""The audit trail is append-only: the code refuses to change or delete an entry, and PostgreSQL too."""

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from kstt.audit import services as audit
from kstt.audit.models import AuditEntry
from kstt.records import ImmutableError

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return audit.record(actor=None, event="units.loaded", at=AT, data={"count": 3})


def _stored(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT event, data FROM audit_auditentry WHERE id = %s", [pk])
        return cursor.fetchone()


def test_an_entry_is_written_once(entry):
    assert AuditEntry.objects.get(pk=entry.pk).event == "units.loaded"


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda e: (setattr(e, "event", "units.closed"), e.save()), id="save"),
        pytest.param(lambda e: e.delete(), id="delete"),
        pytest.param(lambda e: AuditEntry.objects.filter(pk=e.pk).update(event="units.closed"), id="queryset-update"),
        pytest.param(lambda e: AuditEntry.objects.filter(pk=e.pk).delete(), id="queryset-delete"),
        pytest.param(lambda e: AuditEntry.objects.all().delete(), id="delete-all"),
    ],
)
def test_the_code_refuses_to_change_or_delete_an_entry(entry, change):
    before = _stored(entry.pk)
    with pytest.raises(ImmutableError):
        change(entry)
    assert _stored(entry.pk) == before


def test_the_admin_offers_no_change_nor_delete(admin_client, entry):
    change = reverse("admin:audit_auditentry_change", args=[entry.pk])
    assert admin_client.post(change, {"event": "units.closed"}).status_code == 403
    delete = reverse("admin:audit_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert _stored(entry.pk)[0] == "units.loaded"


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger is PostgreSQL's (migration audit 0003); SQLite relies on the model alone",
)


@needs_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        pytest.param("UPDATE audit_auditentry SET event = 'units.closed' WHERE id = %s", id="update"),
        pytest.param("DELETE FROM audit_auditentry WHERE id = %s", id="delete"),
    ],
)
def test_postgresql_refuses_a_raw_update_or_delete(entry, sql):
    before = _stored(entry.pk)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [entry.pk])
    assert _stored(entry.pk) == before


@needs_postgresql
def test_postgresql_still_takes_new_entries_after_a_refusal(entry):
    count = AuditEntry.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")
    audit.record(actor=None, event="units.closed", at=AT)
    assert AuditEntry.objects.count() == count + 1
