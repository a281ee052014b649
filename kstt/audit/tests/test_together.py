"""``audit.together()``: a service's several entries written in one INSERT, in order, or not at all."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from kstt.audit import services as audit
from kstt.audit.models import AuditEntry

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
EVENTS = ("reports.opened", "reports.draft_saved", "reports.document_attached", "reports.submitted")

pytestmark = pytest.mark.django_db


def events() -> list[str]:
    return list(AuditEntry.objects.filter(at=AT).order_by("pk").values_list("event", flat=True))


def test_the_entries_are_written_in_one_insert_when_the_block_ends_in_the_order_recorded(
    django_assert_num_queries,
):
    with transaction.atomic():
        with django_assert_num_queries(1), audit.together():
            for event in EVENTS:
                audit.record(actor=None, event=event, at=AT)
        assert events() == list(EVENTS)


def test_nothing_is_written_before_the_block_ends_nor_when_it_ends_with_an_exception():
    with pytest.raises(RuntimeError), transaction.atomic(), audit.together():
        audit.record(actor=None, event="reports.opened", at=AT)
        assert events() == []
        raise RuntimeError("the submission failed")
    assert events() == []


def test_a_nested_block_writes_with_the_outer_one_and_outside_an_entry_is_written_at_once():
    with audit.together():
        audit.record(actor=None, event="reports.opened", at=AT)
        with audit.together():
            audit.record(actor=None, event="reports.submitted", at=AT)
        assert events() == []
    assert events() == ["reports.opened", "reports.submitted"]
    audit.record(actor=None, event="units.loaded", at=AT)
    assert events() == ["reports.opened", "reports.submitted", "units.loaded"]
