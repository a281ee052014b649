"""The counting rules of form 06 (rules.md §7), each at its boundary.

Every case is checked twice: by the reference classifier (dossiers.rules.classify, pure) and by the
database's aggregate (dossiers.selectors.counts), which must agree.
"""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from kstt.catalogue.rules.form06 import FORM06_COLUMNS
from kstt.dossiers import selectors
from kstt.dossiers.rules import DossierDays, classify, parse_record
from kstt.dossiers.services import load_dossier_file, push_dossiers
from kstt.tests.cast import AT

S, E = date(2021, 6, 15), date(2021, 9, 14)  # Q3/2021


def dossier(received, due, finished=None, outcome="", channel="direct"):
    return {
        "code": "HS-1",
        "unit_code": "W05341",
        "field_code": "HT",
        "channel": channel,
        "received_at": received,
        "due_at": due,
        "finished_at": finished,
        "outcome": outcome,
    }


CASES = [
    pytest.param(
        dossier("2021-09-14T23:59:00+07:00", "2021-09-20T17:00:00+07:00"),
        {"received_total", "received_direct", "pending_total", "pending_in_time"},
        id="received-23-59-on-the-last-day-of-the-window-is-in-the-period",
    ),
    pytest.param(
        dossier("2021-09-15T00:00:00+07:00", "2021-09-20T17:00:00+07:00"),
        set(),
        id="received-at-midnight-after-the-window-is-not-in-play",
    ),
    pytest.param(
        dossier("2021-09-14T16:59:00+00:00", "2021-09-20T17:00:00+07:00", channel="online"),
        {"received_total", "received_online", "pending_total", "pending_in_time"},
        id="an-instant-in-utc-is-judged-on-its-local-day",
    ),
    # The local day, not UTC's: 17:30Z is 00:30 the next day in Hà Nội.
    pytest.param(
        dossier("2021-06-14T17:30:00Z", "2021-06-20T17:00:00+07:00"),
        {"received_total", "received_direct", "pending_total", "pending_overdue"},
        id="received-17-30z-before-the-window-is-00-30-on-its-first-day-so-received-in-the-period",
    ),
    pytest.param(
        dossier("2021-09-14T17:30:00Z", "2021-09-20T17:00:00+07:00"),
        set(),
        id="received-17-30z-on-the-last-day-is-00-30-the-day-after-so-not-in-play",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-14T17:00:00+07:00", "2021-09-14T17:30:00Z", "settled"),
        {"received_total", "received_direct", "pending_total", "pending_in_time"},
        id="finished-17-30z-on-the-last-day-is-the-day-after-so-pending-at-the-end",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-03T17:00:00+07:00", "2021-09-03T17:30:00Z", "settled"),
        {"received_total", "received_direct", "settled_total", "settled_late"},
        id="finished-17-30z-on-the-due-day-is-the-day-after-so-late",
    ),
    # The window's own first and last days.
    pytest.param(
        dossier("2021-06-15T00:00:00+07:00", "2021-06-20T17:00:00+07:00"),
        {"received_total", "received_direct", "pending_total", "pending_overdue"},
        id="received-at-00-00-on-the-window-first-day-is-received-in-the-period-not-carried-over",
    ),
    pytest.param(
        dossier("2021-06-14T23:59:59+07:00", "2021-06-20T17:00:00+07:00"),
        {"received_total", "carried_over", "pending_total", "pending_overdue"},
        id="received-at-23-59-the-day-before-the-window-is-carried-over",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-14T17:00:00+07:00", "2021-09-14T23:59:59+07:00", "settled"),
        {"received_total", "received_direct", "settled_total", "settled_on_time"},
        id="finished-at-23-59-on-the-window-last-day-is-settled-in-the-period",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-14T17:00:00+07:00", "2021-09-15T00:00:00+07:00", "settled"),
        {"received_total", "received_direct", "pending_total", "pending_in_time"},
        id="finished-at-00-00-after-the-window-is-pending-at-its-end",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-05T21:30:00+07:00", "settled"),
        {"received_total", "received_direct", "settled_total", "settled_on_time"},
        id="finished-the-same-day-as-due-at-a-later-hour-is-on-time",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-02T09:00:00+07:00", "settled"),
        {"received_total", "received_direct", "settled_total", "settled_early"},
        id="finished-before-the-due-day-is-early",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-06T08:00:00+07:00", "settled"),
        {"received_total", "received_direct", "settled_total", "settled_late"},
        id="finished-the-day-after-the-due-day-is-late",
    ),
    pytest.param(
        dossier("2021-06-10T08:00:00+07:00", "2021-06-20T17:00:00+07:00", "2021-06-15T00:00:00+07:00", "settled"),
        {"received_total", "carried_over", "settled_total", "settled_early"},
        id="finished-exactly-at-the-window-start-is-carried-over-and-settled-in-the-period",
    ),
    pytest.param(
        dossier("2021-06-10T08:00:00+07:00", "2021-06-20T17:00:00+07:00", "2021-06-14T23:59:59+07:00", "settled"),
        set(),
        id="finished-the-day-before-the-window-is-not-in-play",
    ),
    pytest.param(
        dossier("2021-06-01T08:00:00+07:00", "2021-06-10T17:00:00+07:00"),
        {"received_total", "carried_over", "pending_total", "pending_overdue"},
        id="received-before-and-still-pending-is-carried-over-and-overdue",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-20T08:00:00+07:00", "returned"),
        {"received_total", "received_direct", "settled_total", "settled_on_time"},
        id="returned-counts-as-settled-on-time",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-01T08:30:00+07:00", "refused"),
        set(),
        id="refused-at-intake-is-ignored",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-14T17:00:00+07:00"),
        {"received_total", "received_direct", "pending_total", "pending_in_time"},
        id="pending-with-due-date-equal-to-the-window-end-is-in-time",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-13T17:00:00+07:00"),
        {"received_total", "received_direct", "pending_total", "pending_overdue"},
        id="pending-due-the-day-before-the-window-end-is-overdue",
    ),
    pytest.param(
        dossier("2021-09-01T08:00:00+07:00", "2021-09-10T17:00:00+07:00", "2021-09-15T08:00:00+07:00", "settled"),
        {"received_total", "received_direct", "pending_total", "pending_overdue"},
        id="finished-after-the-window-is-pending-at-its-end",
    ),
    pytest.param(
        dossier("2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", channel="postal"),
        {"received_total", "received_direct", "pending_total", "pending_overdue"},
        id="postal-counts-with-direct",
    ),
]


def _days(record) -> DossierDays:
    """The record's local days, as the loader computes them on SQLite (rules.DossierRecord.local_dates)."""
    parsed = parse_record(record, known_units={"W05341"}, known_fields={"HT"})
    received_on, due_on, finished_on = parsed.local_dates(ZoneInfo("Asia/Ho_Chi_Minh"))
    return DossierDays(parsed.channel, parsed.outcome, received_on, due_on, finished_on)


@pytest.mark.parametrize(("record", "expected"), CASES)
def test_the_reference_classifier(record, expected):
    assert classify(_days(record), S, E) == expected


@pytest.mark.parametrize(("record", "expected"), CASES)
def test_the_database_counts_the_same(cast, record, expected):
    """Pushed (the API's path) and counted by the database's aggregate and its evidence lists."""
    push_dossiers(records=[record], at=AT, actor=None)
    unit_ids = [cast["W05341"].pk]
    rows = selectors.counts(unit_ids=unit_ids, start=S, end=E)
    counted = {key for row in rows for key, value in row.items() if key not in ("unit_id", "field_code") and value}
    assert counted == expected
    listed = {c for c in FORM06_COLUMNS if selectors.evidence(unit_ids=unit_ids, start=S, end=E, column=c).exists()}
    assert listed == expected


@pytest.mark.parametrize(("record", "expected"), CASES)
def test_a_loaded_file_counts_the_same(tmp_path, cast, record, expected):
    """Loaded from a file (`kstt load-dossiers`: COPY on PostgreSQL) and counted by the database."""
    columns = ["code", "unit_code", "field_code", "channel", "received_at", "due_at", "finished_at", "outcome"]
    path = tmp_path / "dossiers.csv"
    path.write_text(",".join(columns) + "\n" + ",".join(record[c] or "" for c in columns) + "\n", encoding="utf-8")
    load_dossier_file(path=path, at=AT)
    rows = selectors.counts(unit_ids=[cast["W05341"].pk], start=S, end=E)
    counted = {key for row in rows for key, value in row.items() if key not in ("unit_id", "field_code") and value}
    assert counted == expected


def test_returned_by_its_dates_when_the_province_says_so(cast):
    late_return = dossier(
        "2021-07-01T08:00:00+07:00", "2021-07-05T17:00:00+07:00", "2021-07-20T08:00:00+07:00", "returned"
    )
    assert "settled_late" in classify(_days(late_return), S, E, returned_on_time=False)
    push_dossiers(records=[late_return], at=AT, actor=None)
    [row] = selectors.counts(unit_ids=[cast["W05341"].pk], start=S, end=E, returned_on_time=False)
    assert (row["settled_late"], row["settled_on_time"]) == (1, 0)
