"""On random dossiers the database's counts equal the reference rules, and every row balances:
received = settled + pending, and R1–R3 hold (checked by form 06's own evaluator)."""

import tomllib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kstt.catalogue.rules.forms import FormRow, check_form, parse_form_spec
from kstt.compilation.compiled import FORM06_COLUMNS, add
from kstt.dossiers import selectors
from kstt.dossiers.models import Dossier
from kstt.dossiers.rules import DossierDays, classify, parse_record
from kstt.dossiers.services import push_dossiers
from kstt.tests.cast import AT

FORM06 = parse_form_spec(
    tomllib.loads(
        (Path(__file__).resolve().parents[2] / "catalogue/definitions/forms/06-VPCP-KSTT.v1.toml").read_text("utf-8")
    )
)
S, E = date(2021, 6, 15), date(2021, 9, 14)
BASE = datetime(2021, 5, 1, tzinfo=UTC)
UNITS = ["W05341", "W05344", "D157"]
FIELDS = ["HT", "CT", "DD"]


@st.composite
def dossiers(draw):
    received = BASE + timedelta(minutes=draw(st.integers(0, 200 * 24 * 60)))
    due = received + timedelta(hours=draw(st.integers(-24, 40 * 24)))
    finished = None
    outcome = ""
    if draw(st.booleans()):
        finished = received + timedelta(minutes=draw(st.integers(0, 60 * 24 * 60)))
        outcome = draw(st.sampled_from(["settled", "settled", "returned", "refused"]))
    return {
        "unit_code": draw(st.sampled_from(UNITS)),
        "field_code": draw(st.sampled_from(FIELDS)),
        "channel": draw(st.sampled_from(["online", "direct", "postal"])),
        "received_at": received.isoformat(),
        "due_at": due.isoformat(),
        "finished_at": finished.isoformat() if finished else "",
        "outcome": outcome,
    }


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=st.lists(dossiers(), min_size=1, max_size=40), returned_on_time=st.booleans())
def test_sql_counts_equal_the_rules_and_every_row_balances(cast, records, returned_on_time):
    Dossier.objects.all().delete()
    batch = [{**record, "code": f"HS-{i}"} for i, record in enumerate(records)]
    push_dossiers(records=batch, at=AT, actor=None)
    unit_ids = {code: cast[code].pk for code in UNITS}

    expected: dict[tuple[int, str], dict[str, int]] = {}
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    for record in batch:
        parsed = parse_record(record, known_units=set(UNITS), known_fields=set(FIELDS))
        days = DossierDays(parsed.channel, parsed.outcome, *parsed.local_dates(zone))
        columns = classify(days, S, E, returned_on_time=returned_on_time)
        if columns:
            row = expected.setdefault((unit_ids[parsed.unit_code], parsed.field_code), dict.fromkeys(FORM06_COLUMNS, 0))
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
