"""`kstt load-dossiers` (interchange.md "Dossiers"): upsert by code, all or nothing, idempotent."""

from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kstt.dossiers.models import Dossier

HEADER = "code,unit_code,field_code,channel,received_at,due_at,finished_at,outcome\n"
GOOD = (
    HEADER
    + "HS-001,W05341,HT,online,2021-09-14T23:59:00+07:00,2021-09-20T17:00:00+07:00,,\n"
    + "HS-002,W05341,CT,direct,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,2021-07-05T21:30:00+07:00,settled\n"
    + "HS-003,D157,DD,postal,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,2021-07-01T09:00:00+07:00,refused\n"
)


def load(tmp_path, text):
    file = tmp_path / "dossiers.csv"
    file.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command("load_dossiers", str(file), stdout=out)
    return out.getvalue()


def test_a_good_file_loads_with_local_days(tmp_path, cast):
    assert "3 dossiers: 3 new, 0 updated, 0 unchanged" in load(tmp_path, GOOD)
    late_evening = Dossier.objects.get(code="HS-001")
    assert late_evening.received_at == datetime(2021, 9, 14, 16, 59, tzinfo=UTC)
    assert late_evening.received_on == date(2021, 9, 14)  # the local day, not UTC's
    assert (late_evening.finished_at, late_evening.outcome) == (None, "")


def test_loading_the_same_file_twice_changes_nothing(tmp_path, cast):
    load(tmp_path, GOOD)
    before = list(Dossier.objects.order_by("code").values())
    assert "0 new, 0 updated, 3 unchanged" in load(tmp_path, GOOD)
    assert list(Dossier.objects.order_by("code").values()) == before


def test_a_dossier_sent_again_as_it_progresses_is_updated_in_place(tmp_path, cast):
    load(tmp_path, GOOD)
    finished = GOOD.replace(
        "HS-001,W05341,HT,online,2021-09-14T23:59:00+07:00,2021-09-20T17:00:00+07:00,,",
        "HS-001,W05341,HT,online,2021-09-14T23:59:00+07:00,2021-09-20T17:00:00+07:00,2021-09-18T10:00:00+07:00,settled",
    )
    assert "0 new, 1 updated, 2 unchanged" in load(tmp_path, finished)
    assert Dossier.objects.get(code="HS-001").finished_on == date(2021, 9, 18)
    assert Dossier.objects.count() == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        pytest.param(
            "HS-009,X999,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: unknown unit X999",
            id="unknown-unit",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-05T08:00:00+07:00,2021-07-09T17:00:00+07:00,2021-07-04T10:00:00+07:00,settled",
            "line 5: dossier HS-009: finished before it was received",
            id="finish-before-receipt",
        ),
        pytest.param(
            "HS-009,W05341,HT,fax,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: unknown channel 'fax'",
            id="unknown-channel",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,settled",
            "line 5: dossier HS-009: a pending dossier (no finished_at) has the outcome 'settled'",
            id="pending-with-an-outcome",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,2021-07-02T08:00:00+07:00,",
            "line 5: dossier HS-009: a finished dossier needs an outcome",
            id="finished-without-an-outcome",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,2021-07-02T08:00:00+07:00,lost",
            "line 5: dossier HS-009: unknown outcome 'lost'",
            id="unknown-outcome",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01 08:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: received_at is not an instant",
            id="instant-without-offset",
        ),
        pytest.param(
            "HS-001,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: duplicate dossier HS-001 (first at line 2)",
            id="duplicate-code",
        ),
        pytest.param(
            ",W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: empty code",
            id="empty-code",
        ),
        # Each value below is stored by SQLite and refused with a database error by PostgreSQL
        # unless the loader refuses it first: both engines must give this same answer.
        pytest.param(
            "H" * 200 + ",W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: code is 200 characters long (at most 64)",
            id="code-of-200-characters",
        ),
        pytest.param(
            "H" * 65 + ",W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: code is 65 characters long (at most 64)",
            id="code-one-character-too-long",
        ),
        pytest.param(
            "HS-\x00-9,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: code contains a control character (U+0000)",
            id="code-with-a-nul",
        ),
        pytest.param(
            "HS-\x1b9,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: code contains a control character (U+001B)",
            id="code-with-an-escape",
        ),
        pytest.param(
            "HS-009,W05341," + "F" * 40 + ",online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: field_code is 40 characters long (at most 32)",
            id="field-code-of-40-characters",
        ),
        pytest.param(
            "HS-009,W05341,ZZZZ,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: unknown procedure field ZZZZ (not in the catalogue)",
            id="field-code-no-catalogue-knows",
        ),
        pytest.param(
            "HS-009,W05341,H\x00T,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: field_code contains a control character (U+0000)",
            id="field-code-with-a-nul",
        ),
        pytest.param(
            "HS-009," + "W" * 33 + ",HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: unit_code is 33 characters long (at most 32)",
            id="unit-code-too-long",
        ),
        pytest.param(
            "HS-009,W05341,HT,online\x00,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: channel contains a control character (U+0000)",
            id="channel-with-a-nul",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,"
            "2021-07-02T08:00:00+07:00,settled-in-full",
            "line 5: dossier HS-009: outcome is 15 characters long (at most 8)",
            id="outcome-too-long",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-W26-4T08:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: received_at is not an instant written YYYY-MM-DDTHH:MM",
            id="instant-as-a-week-date",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00.1234567+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: received_at is not an instant written YYYY-MM-DDTHH:MM",
            id="instant-with-seven-decimals",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+16:00,,",
            "line 5: dossier HS-009: due_at is not an instant: '2021-07-05T17:00:00+16:00' has an offset beyond ±14:00",
            id="instant-with-an-offset-postgresql-refuses",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,0001-01-01T00:00:00+07:00,2021-07-05T17:00:00+07:00,,",
            "line 5: dossier HS-009: received_at is not an instant: '0001-01-01T00:00:00+07:00' is out of range",
            id="instant-out-of-range",
        ),
        pytest.param(
            "HS-009,W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,,extra",
            "line 5: more fields than the header has columns",
            id="more-fields-than-columns",
        ),
    ],
)
def test_a_bad_row_fails_the_file_with_its_line_and_stores_nothing(tmp_path, cast, line, message):
    with pytest.raises(CommandError) as error:
        load(tmp_path, GOOD + line + "\n")
    assert message in str(error.value)
    assert "nothing was loaded" in str(error.value)
    assert Dossier.objects.count() == 0


@pytest.fixture
def small_batches(monkeypatch):
    """Batches (SQLite) and COPY chunks (PostgreSQL) of two records, so that three make several."""
    from kstt.dossiers import services

    monkeypatch.setattr(services, "BATCH", 2)
    monkeypatch.setattr(services, "CHUNK", 2)
    monkeypatch.setattr(services, "FIRST_CHUNK", 1)


def test_a_bad_row_in_a_later_batch_rolls_back_the_earlier_batches(tmp_path, cast, small_batches):
    with pytest.raises(CommandError, match="line 5"):
        load(tmp_path, GOOD + "HS-009,X999,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,\n")
    assert Dossier.objects.count() == 0


def test_a_file_without_the_columns_is_refused(tmp_path, cast):
    with pytest.raises(CommandError, match="line 1: missing column"):
        load(tmp_path, "code,unit_code\nHS-1,W05341\n")


def test_a_file_that_is_not_utf8_is_refused(tmp_path, cast):
    file = tmp_path / "dossiers.csv"
    file.write_bytes(HEADER.encode() + "HS-1,W05341,Hộ tịch,online,,,,\n".encode("utf-16"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("load_dossiers", str(file), stdout=StringIO())


def test_loading_in_several_batches_counts_each_record_once(tmp_path, cast, small_batches):
    assert "3 dossiers: 3 new, 0 updated, 0 unchanged" in load(tmp_path, GOOD)
    changed = GOOD.replace(",CT,direct,", ",CT,online,")
    assert "3 dossiers: 0 new, 1 updated, 2 unchanged" in load(tmp_path, changed)
    assert Dossier.objects.get(code="HS-002").channel == "online"


def test_values_at_the_limits_of_their_columns_are_stored_exactly(tmp_path, cast):
    """64 characters, Vietnamese letters, a backslash and a quote: stored as written on every engine."""
    code = 'HS\\01/Lạc-Sơn "ĐĐ"' + "x" * 46
    assert len(code) == 64
    quoted = code.replace('"', '""')
    line = f'"{quoted}",W05341,HT,online,2021-07-01T08:00:00.5+07:00,2021-07-05T17:00:00Z,,\n'
    assert "1 dossiers: 1 new" in load(tmp_path, HEADER + line)
    stored = Dossier.objects.get()
    assert stored.code == code
    assert stored.received_at == datetime(2021, 7, 1, 1, 0, 0, 500000, tzinfo=UTC)
    assert (stored.due_at, stored.due_on) == (datetime(2021, 7, 5, 17, 0, tzinfo=UTC), date(2021, 7, 6))
    assert "0 new, 0 updated, 1 unchanged" in load(tmp_path, HEADER + line)


def test_line_numbers_count_the_lines_of_the_file(tmp_path, cast):
    """A blank line and a quoted value over two lines still leave the bad record's own line number."""
    text = (
        GOOD
        + "\n"
        + '"HS-004",W05341,HT,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,\n'
        + "HS-005,W05341,ZZ,online,2021-07-01T08:00:00+07:00,2021-07-05T17:00:00+07:00,,\n"
    )
    with pytest.raises(CommandError, match="line 7: dossier HS-005: unknown procedure field ZZ"):
        load(tmp_path, text)


def test_column_lengths_are_the_models(db):
    """The validator's limits are the database's columns (the model declares them from the rules)."""
    from kstt.dossiers.rules import MAX_LENGTHS
    from kstt.units.models import Unit

    assert {
        name: Dossier._meta.get_field(name).max_length for name in ("code", "field_code", "channel", "outcome")
    } == {name: MAX_LENGTHS[name] for name in ("code", "field_code", "channel", "outcome")}
    assert Unit._meta.get_field("code").max_length == MAX_LENGTHS["unit_code"]


def test_a_file_with_only_its_header_loads_nothing(tmp_path, cast):
    assert "0 dossiers: 0 new, 0 updated, 0 unchanged" in load(tmp_path, HEADER)
    assert Dossier.objects.count() == 0


def test_without_procedure_fields_the_error_says_to_load_them(tmp_path, cast):
    from kstt.catalogue.models import ProcedureField

    ProcedureField.objects.all().delete()
    with pytest.raises(CommandError, match=r"line 2: dossier HS-001: unknown procedure field HT .*kstt load-procedure"):
        load(tmp_path, GOOD)
