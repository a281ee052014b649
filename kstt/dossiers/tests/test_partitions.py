"""On PostgreSQL the dossier table is partitioned by the year of received_on (migration 0003)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from kstt.dossiers import selectors
from kstt.dossiers.models import Dossier
from kstt.dossiers.tests.test_load_dossiers import GOOD, load

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitioning is PostgreSQL's; SQLite keeps one plain table"
)

MOVED = GOOD.replace(  # HS-001 was received on 2021-09-14; the one-stop system corrects it to 2022
    "HS-001,W05341,HT,online,2021-09-14T23:59:00+07:00,2021-09-20T17:00:00+07:00,,",
    "HS-001,W05341,HT,online,2022-01-03T08:00:00+07:00,2022-01-07T17:00:00+07:00,,",
)


def _fetch(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _partition_of(code):
    return _fetch("SELECT tableoid::regclass::text FROM dossiers_dossier WHERE code = %s", [code])


def _code_row(code):
    return _fetch("SELECT received_on FROM dossiers_dossier_code WHERE code = %s", [code])


def test_the_table_is_partitioned_by_range_on_received_on_one_partition_a_year(db):
    assert _fetch(
        """SELECT p.partstrat, a.attname FROM pg_partitioned_table p
           JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
           WHERE p.partrelid = 'dossiers_dossier'::regclass"""
    ) == [("r", "received_on")]
    partitions = dict(
        _fetch(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i
               JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'dossiers_dossier'::regclass"""
        )
    )
    assert partitions["dossiers_dossier_y2021"] == "FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')"
    assert partitions["dossiers_dossier_default"] == "DEFAULT"
    assert len(partitions) == 2040 - 2015 + 2


def test_rows_land_in_their_years_partition_and_a_day_outside_the_years_in_the_default(tmp_path, cast):
    load(tmp_path, GOOD + "HS-OLD,W05341,HT,direct,2009-03-02T08:00:00+07:00,2009-03-06T17:00:00+07:00,,\n")
    assert _partition_of("HS-001") == [("dossiers_dossier_y2021",)]
    assert _partition_of("HS-OLD") == [("dossiers_dossier_default",)]
    assert _code_row("HS-OLD") == [(date(2009, 3, 2),)]


def test_a_period_reads_only_its_years_partition_and_form_06_no_later_year(cast):
    received_in_q3 = Dossier.objects.filter(received_on__range=(date(2021, 7, 1), date(2021, 9, 30)))
    plan = received_in_q3.explain()
    assert "dossiers_dossier_y2021" in plan
    assert "dossiers_dossier_y2020" not in plan and "dossiers_dossier_y2022" not in plan
    # Form 06 of 2021Q3 counts dossiers received up to its end, of any earlier year when still open
    # at its start (carried over): the planner skips every later year's partition.
    form06 = Dossier.objects.filter(selectors.in_play(date(2021, 7, 1), date(2021, 9, 30))).explain()
    assert "dossiers_dossier_y2021" in form06 and "dossiers_dossier_y2015" in form06
    assert not any(f"dossiers_dossier_y{year}" in form06 for year in range(2022, 2041))


def test_the_feed_moves_a_dossier_whose_received_day_changed_and_stays_idempotent(tmp_path, cast):
    load(tmp_path, GOOD)
    assert "3 dossiers: 0 new, 1 updated, 2 unchanged" in load(tmp_path, MOVED)
    moved = Dossier.objects.get(code="HS-001")
    assert (moved.received_on, moved.due_on) == (date(2022, 1, 3), date(2022, 1, 7))
    assert _partition_of("HS-001") == [("dossiers_dossier_y2022",)]
    assert _code_row("HS-001") == [(date(2022, 1, 3),)]
    assert "3 dossiers: 0 new, 0 updated, 3 unchanged" in load(tmp_path, MOVED)
    assert Dossier.objects.count() == 3


def test_a_code_stays_unique_across_years_and_the_orm_works_by_id(tmp_path, cast):
    load(tmp_path, GOOD)
    first = Dossier.objects.get(code="HS-002")
    twin = Dossier(
        code="HS-002",
        unit=first.unit,
        field_code=first.field_code,
        channel=first.channel,
        received_at=first.received_at + timedelta(days=400),
        due_at=first.due_at + timedelta(days=400),
        received_on=first.received_on + timedelta(days=400),
        due_on=first.due_on + timedelta(days=400),
    )
    with pytest.raises(IntegrityError, match="dossiers_dossier_code_pkey"), transaction.atomic():
        twin.save()
    # get, save (an update, here across a year), delete by id, as Django does them.
    first.received_at = datetime(2020, 12, 31, 1, 0, tzinfo=UTC)
    first.received_on = date(2020, 12, 31)
    first.save()
    assert Dossier.objects.get(pk=first.pk).received_on == date(2020, 12, 31)
    assert _partition_of("HS-002") == [("dossiers_dossier_y2020",)]
    assert _code_row("HS-002") == [(date(2020, 12, 31),)]
    Dossier.objects.get(pk=first.pk).delete()
    assert _code_row("HS-002") == []
    twin.save()  # the code is free again
    assert Dossier.objects.filter(code="HS-002").count() == 1
