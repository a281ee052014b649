"""`glances`: every expected report's status and whether it is due, read from the submitted times
alone — the same statuses as `judged` on a generated, seeded history, with a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kstt.catalogue.rules.periods import periods_of_year
from kstt.compliance import selectors
from kstt.compliance.dashboard import is_due
from kstt.compliance.tests.test_judged import AS_OFS, generate, load, p91, province_csv, report_type  # noqa: F401
from kstt.tests.cast import *  # noqa: F403
from kstt.units.models import Unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("seed", [1, 2])
def test_glances_agree_with_judged(p91, seed: int) -> None:  # noqa: F811 (the fixture)
    generate(p91, seed=seed)
    periods = periods_of_year(2021, p91.periods)
    for as_of in AS_OFS:
        full = selectors.judged(report_type=p91, periods=periods, as_of=as_of)
        quick = selectors.glances(report_type=p91, periods=periods, as_of=as_of)
        assert [(g.unit_id, g.code, g.period, g.level, g.parent_id) for g in quick] == [
            (j.unit_id, j.code, j.period, j.level, j.parent_id) for j in full
        ]
        assert [(g.status, g.due) for g in quick] == [(j.verdict.status, is_due(j.verdict, as_of)) for j in full]
        within = Unit.objects.get(code="D9102")
        assert [
            (g.code, g.period, g.status)
            for g in selectors.glances(report_type=p91, periods=periods, as_of=as_of, within=within)
        ] == [
            (j.code, j.period, j.verdict.status)
            for j in selectors.judged(report_type=p91, periods=periods, as_of=as_of, within=within)
        ]


def test_a_fixed_number_of_queries(report_type) -> None:  # noqa: F811 (the fixture)
    periods = periods_of_year(2021, report_type.periods)
    load(province_csv(92, departments=1, districts=1, communes=1))
    generate(report_type, seed=3)
    with CaptureQueriesContext(connection) as small:
        selectors.glances(report_type=report_type, periods=periods, as_of=AS_OFS[-1])
    load(province_csv(93, departments=5, districts=8, communes=12))
    generate(
        report_type, seed=4, unit_ids=set(Unit.objects.filter(code__startswith="W93").values_list("pk", flat=True))
    )
    with CaptureQueriesContext(connection) as large:
        found = selectors.glances(report_type=report_type, periods=periods, as_of=AS_OFS[-1])
    assert len(found) > 400
    assert len(large.captured_queries) == len(small.captured_queries) <= 6


def test_the_boundaries_of_submitted_and_due(kstt_report, cast) -> None:
    """The Department of Justice sends Q3 at 10:00 on 20/09/2021, its deadline's day; huyện Mai Châu
    sends nothing (its deadline is the end of that day too)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from kstt.catalogue.rules.periods import Period
    from kstt.compliance.rules import Status
    from kstt.reports.services import load_submissions

    hn = ZoneInfo("Asia/Ho_Chi_Minh")
    sent = datetime(2021, 9, 20, 10, tzinfo=hn)
    deadline = datetime(2021, 9, 20, 23, 59, 59, 999999, tzinfo=hn)
    load_submissions(
        data=f"unit_code,report,period,event,at,reasons\nP17-STP,kstt,2021Q3,submitted,{sent.isoformat()},\n".encode(),
        at=sent,
    )

    def glance(code: str, as_of: datetime):
        found = selectors.glances(report_type=kstt_report, periods=[Period.parse("2021Q3")], as_of=as_of)
        [mine] = [g for g in found if g.code == code]
        return mine.status, mine.due

    tick = timedelta(microseconds=1)
    assert glance("P17-STP", sent - tick) == (Status.NOT_YET_DUE, False)
    assert glance("P17-STP", sent) == (Status.ON_TIME, True)
    assert glance("D156", deadline) == (Status.NOT_YET_DUE, False)
    assert glance("D156", deadline + tick) == (Status.OVERDUE, True)
