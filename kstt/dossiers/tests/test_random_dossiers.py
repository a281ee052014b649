"""On random dossiers the database's counts equal the reference rules, and every row balances:
received = settled + pending, and R1–R3 hold (checked by form 06's own evaluator).

The reference computes each local day on its own (UTC + 7 hours, Hà Nội's offset since 1975) from
the text of the record: it shares no date helper with the loader (rules.DossierRecord.local_dates
on SQLite, AT TIME ZONE on PostgreSQL), so a wrong local day in either is caught.
"""

import tomllib
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add
from kstt.catalogue.rules.forms import FormRow, check_form, parse_form_spec
from kstt.dossiers import selectors
from kstt.dossiers.models import Dossier
from kstt.dossiers.rules import DossierDays, classify
from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT

FORM06 = parse_form_spec(
    tomllib.loads(
        (Path(__file__).resolve().parents[2] / "catalogue/definitions/forms/06-VPCP-KSTT.v1.toml").read_text("utf-8")
    )
)
S, E = date(2021, 6, 15), date(2021, 9, 14)
UNITS = ["W05341", "W05344", "D157"]
FIELDS = ["HT", "CT", "DD"]


#: Offsets the one-stop system may write instants with; the day is judged in Hà Nội whatever they are.
OFFSETS = [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5))]
HANOI = timezone(timedelta(hours=7))
DAY = timedelta(days=1)
#: Days and times where a wrong rule shows: the window's edges, and the hours whose UTC day is not
#: Hà Nội's (00:00–06:59 local is the day before in UTC).
EDGE_DAYS = [S - DAY, S, E, E + DAY]
EDGE_TIMES = [time(0, 0), time(0, 30), time(6, 59, 59), time(7, 0), time(16, 59), time(23, 59, 59, 999999)]


@st.composite
def dossiers(draw):
    def day_near(days: list[date], low: date, high: date) -> date:
        return draw(st.sampled_from(days) | st.dates(low, high))

    def at(day: date) -> datetime:
        return datetime.combine(day, draw(st.sampled_from(EDGE_TIMES) | st.times()), tzinfo=HANOI)

    def written(instant: datetime) -> str:
        return instant.astimezone(draw(st.sampled_from(OFFSETS))).isoformat()

    received = at(day_near(EDGE_DAYS, S - 40 * DAY, E + 10 * DAY))
    due = at(received.date() + draw(st.integers(-1, 30)) * DAY)
    finished = None
    outcome = ""
    if draw(st.booleans()):
        days = [received.date(), due.date() - DAY, due.date(), due.date() + DAY, *EDGE_DAYS]
        finished = max(received, at(day_near(days, received.date(), E + 40 * DAY)))
        outcome = draw(st.sampled_from(["settled", "settled", "returned", "refused"]))
    return {
        "unit_code": draw(st.sampled_from(UNITS)),
        "field_code": draw(st.sampled_from(FIELDS)),
        "channel": draw(st.sampled_from(["online", "direct", "postal"])),
        "received_at": written(received),
        "due_at": written(due),
        "finished_at": written(finished) if finished else "",
        "outcome": outcome,
    }


def hanoi_day(text: str) -> date:
    """The day in Hà Nội of an instant written with any offset: UTC + 7 hours (no zone database)."""
    instant = datetime.fromisoformat(text)
    return (instant.replace(tzinfo=None) - instant.utcoffset() + timedelta(hours=7)).date()


def reference_days(record) -> DossierDays:
    finished = record["finished_at"]
    return DossierDays(
        record["channel"],
        record["outcome"],
        hanoi_day(record["received_at"]),
        hanoi_day(record["due_at"]),
        hanoi_day(finished) if finished else None,
    )


def test_the_reference_day_is_hanois():
    assert hanoi_day("2021-06-14T17:30:00+00:00") == date(2021, 6, 15)
    assert hanoi_day("2021-06-14T16:59:59+00:00") == date(2021, 6, 14)
    assert hanoi_day("2021-06-14T12:30:00-05:00") == date(2021, 6, 15)
    assert hanoi_day("2021-06-15T00:00:00+07:00") == date(2021, 6, 15)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(dossiers(), min_size=1, max_size=40), returned_on_time=st.booleans())
def test_sql_counts_equal_the_rules_and_every_row_balances(cast, records, returned_on_time):
    Dossier.objects.all().delete()
    batch = [{**record, "code": f"HS-{i}"} for i, record in enumerate(records)]
    push_dossiers(records=batch, at=AT, actor=None)
    unit_ids = {code: cast[code].pk for code in UNITS}

    expected: dict[tuple[int, str], dict[str, int]] = {}
    for record in batch:
        columns = classify(reference_days(record), S, E, returned_on_time=returned_on_time)
        if columns:
            row = expected.setdefault(
                (unit_ids[record["unit_code"]], record["field_code"]), dict.fromkeys(FORM06_COLUMNS, 0)
            )
            for column in columns:
                row[column] += 1

    rows = selectors.counts(unit_ids=list(unit_ids.values()), start=S, end=E, returned_on_time=returned_on_time)
    got = {(r["unit_id"], r["field_code"]): {k: r[k] for k in FORM06_COLUMNS} for r in rows}
    assert got == expected

    for counts in got.values():
        assert counts["received_total"] == counts["settled_total"] + counts["pending_total"]
    form_rows = [FormRow(f"{u}-{f}", f, counts) for (u, f), counts in got.items()]
    total = FormRow("total", "Tổng cộng", add(got.values()))
    assert check_form(FORM06, form_rows, total) == []
