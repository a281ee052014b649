"""Every reader tells the same status of every report (issue 14 point 1), over generated histories.

Sở Tư pháp's Q3 2021 report (deadline the end of Monday 20/09/2021, closing time the end of 20/10/2021):
Hypothesis draws its submissions and reviews, an incident around the deadline (ended or still open), and
the instant asked. The home page's "what I owe", the reminders, the dashboard (at a glance and in full),
the ledger's table, the line's evidence page and the compliance API must give it the same status and the
same submitted time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from kstt.catalogue.rules.periods import Period
from kstt.compliance import dashboard, ledger_selectors
from kstt.compliance import selectors as compliance
from kstt.incidents.services import record_incident
from kstt.reports import selectors as reports
from kstt.reports.services import load_submissions

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
Q3 = Period.parse("2021Q3")
DEADLINE = datetime(2021, 9, 20, 23, 59, 59, 999999, tzinfo=HN)
NOW = datetime(2022, 3, 1, 9, 0, tzinfo=HN)
HOURS = st.integers(min_value=-24 * 5, max_value=24 * 40)  # around the deadline, past the closing time

history = st.fixed_dictionaries(
    {
        "first": st.none() | HOURS,
        "review": st.sampled_from([None, "accepted", "returned"]),
        "again": st.none() | st.integers(min_value=2, max_value=24 * 20),  # hours after the return
        "incident": st.none() | st.tuples(st.integers(-30, 2), st.none() | st.integers(1, 24 * 35)),
        "as_of": st.integers(min_value=-24 * 3, max_value=24 * 45),
    }
)


def _at(hours: int) -> datetime:
    return DEADLINE + timedelta(hours=hours)


def _csv(drawn) -> bytes:
    lines = ["unit_code,report,period,event,at,reasons"]
    if drawn["first"] is not None:
        sent = _at(drawn["first"])
        lines.append(f"P17-STP,kstt,2021Q3,submitted,{sent.isoformat()},")
        if drawn["review"] is not None:
            reviewed = sent + timedelta(hours=1)
            reasons = "forms" if drawn["review"] == "returned" else ""
            lines.append(f"P17-STP,kstt,2021Q3,{drawn['review']},{reviewed.isoformat()},{reasons}")
            if drawn["review"] == "returned" and drawn["again"] is not None:
                lines.append(
                    f"P17-STP,kstt,2021Q3,submitted,{(reviewed + timedelta(hours=drawn['again'])).isoformat()},"
                )
    return ("\n".join(lines) + "\n").encode()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=history)
# An incident that ended after the instant asked: still going on then, for every reader.
@example(drawn={"first": None, "review": None, "again": None, "incident": (0, 1), "as_of": 0})
# Returned before the deadline, sent again inside an extension; then first sent after the closing time.
@example(drawn={"first": -3, "review": "returned", "again": 20, "incident": (-2, 30), "as_of": 24 * 40})
@example(drawn={"first": 24 * 31, "review": "accepted", "again": None, "incident": None, "as_of": 24 * 45})
def test_every_reader_gives_the_same_status(drawn, kstt_report, dept_justice, hoa, settings) -> None:
    settings.KSTT_CLOCK = NOW
    with transaction.atomic():
        load_submissions(data=_csv(drawn), at=NOW)
        if drawn["incident"] is not None:
            start, length = drawn["incident"]
            record_incident(start=_at(start), end=_at(start + length) if length is not None else None,
                            all_units=True, units=[], description="Sự cố đường truyền", at=NOW, actor=hoa,
                            reason="Biên bản sự cố")  # back-dated: the lines it moves need a reason  # fmt: skip
        as_of = _at(drawn["as_of"])
        seen = _statuses(kstt_report, dept_justice, hoa, as_of)
        assert len(set(seen.values())) == 1, seen
        transaction.set_rollback(True)


def _statuses(report_type, unit, hoa, as_of: datetime) -> dict[str, tuple[str, datetime | None]]:
    [home] = [o for o in reports.owed_by_unit(unit=unit, report_type=report_type, year=2021, now=as_of)
              if o.period == Q3]  # fmt: skip
    [reminded] = [o for o in reports.owed_in_period(report_type=report_type, period=Q3, now=as_of)
                  if o.unit.unit_id == unit.pk]  # fmt: skip
    [glance] = [
        g for g in compliance.glances(report_type=report_type, periods=[Q3], as_of=as_of) if g.unit_id == unit.pk
    ]
    [full] = compliance.judged(report_type=report_type, periods=[Q3], as_of=as_of, unit_ids=[unit.pk])
    board = dashboard.compliance_dashboard(report_type=report_type, year=2021, as_of=as_of, root=None)
    [row] = dashboard.with_verdicts([r for r in board.rows if r.unit_id == unit.pk], report_type=report_type,
                                    periods=board.periods, as_of=as_of)  # fmt: skip
    [cell] = [c for c in row.cells if c is not None and c.judged.period == Q3]
    table = ledger_selectors.year_table(report_type=report_type, year=2021, as_of=as_of, scored_only=False)
    [ledger_row] = [r for r in table.rows if r.unit_id == unit.pk]
    ledger_verdict = ledger_row.cells[Q3.code].judged.verdict
    evidence = ledger_selectors.line_evidence(report_type=report_type, unit_id=unit.pk, period=Q3, as_of=as_of)
    assert evidence is not None
    api = APIClient()
    api.force_authenticate(hoa)
    body = api.get("/api/compliance/", {"year": 2021, "as_of": as_of.isoformat(), "level": "department"}).json()
    [given_] = [r for u in body["units"] if u["unit"] == unit.code for r in u["reports"] if r["period"] == Q3.code]
    api_sent = datetime.fromisoformat(given_["submitted_at"]) if given_["submitted_at"] else None
    return {
        "home": (home.status.value, home.submitted_at),
        "reminders": (reminded.status.value, reminded.submitted_at),
        "dashboard at a glance": (glance.status.value, full.verdict.submitted_at),
        "dashboard": (cell.status.value, cell.judged.verdict.submitted_at),
        "ledger": (ledger_verdict.status.value, ledger_verdict.submitted_at),
        "evidence": (evidence.judged.verdict.status.value, evidence.judged.verdict.submitted_at),
        "api": (given_["status"], api_sent),
    }
