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


def test_an_entry_written_together_reads_back_as_one_written_alone(lan, commune_yen_nghiep):
    """The one INSERT stores what ``record`` would: the instant (given in the province's offset), the actor or
    none, the target, and details with quotes, backslashes, diacritics and nesting, unchanged."""
    from zoneinfo import ZoneInfo

    at = datetime(2026, 3, 2, 15, 30, 12, 345678, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    details = {"say": 'Xã "Yên Nghiệp" \\ đã nộp', "cells": {"06": {"r'1": {"c": 12}}}, "none": None, "list": [1, 2.5]}
    with transaction.atomic(), audit.together():
        audit.record(actor=lan, event="reports.draft_saved", at=at, target=commune_yen_nghiep, data=details)
        audit.record(actor=None, event="units.loaded", at=at)
    alone = audit.record(actor=lan, event="reports.draft_saved", at=at, target=commune_yen_nghiep, data=details)
    together, unattended, again = AuditEntry.objects.filter(at=at).order_by("pk")
    shown = ("at", "actor_id", "event", "target_type", "target_id", "data")
    assert [getattr(together, name) for name in shown] == [getattr(again, name) for name in shown]
    assert (together.at, together.actor_id, together.data) == (at, lan.pk, details) and again.pk == alone.pk
    assert (unattended.actor_id, unattended.target_type, unattended.target_id, unattended.data) == (None, "", "", {})


def test_a_block_that_recorded_nothing_writes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0), audit.together():
        pass


@pytest.mark.parametrize("details", ["a text", 3, None], ids=["text", "number", "none"])
def test_details_that_are_not_a_json_object_are_refused_before_anything_is_written(details):
    """``kstt.records.insert_all`` reads a JSON column as JSON: SQLite would give a bare text back unquoted."""
    with pytest.raises(TypeError, match="JSON object or array"), transaction.atomic(), audit.together():
        audit.record(actor=None, event="reports.opened", at=AT, data={})
        audit._pending.get()[-1].data = details
    assert events() == []
