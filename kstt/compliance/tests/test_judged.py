"""`judged`: the verdict of every expected report, read with a fixed number of queries whatever the
number of units, and equal to the pure rule (`rules.verdict`) applied to each report's facts one by
one — on a generated, seeded history (kstt/compliance/tests/history.py, the benchmark's generator).

The province P91 has three departments and four districts of five communes each; on 14 September
2021, the last day of Q3's window, the commune W910101 moves from district 1 to district 2 and a
commune W910106 opens in district 1, so the first two quarters and the last two see different trees
(and the day a unit version ends is the day the next one is in force, not both).
"""

from __future__ import annotations

import gc
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.deadlines import calendar_years, schedule
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.catalogue.services import load_catalogue
from kstt.compliance import selectors
from kstt.compliance.rules import Status, VersionFacts, verdict
from kstt.compliance.tests import history
from kstt.incidents.models import Incident
from kstt.incidents.rules import IncidentSpan
from kstt.reports.models import ReportInstance
from kstt.units import selectors as units
from kstt.units.models import Unit
from kstt.units.services import load_units

pytestmark = pytest.mark.django_db

HCM = history.HCM
LOADED = datetime(2021, 1, 1, tzinfo=HCM)
MOVED = date(2021, 9, 14)  # the last day of Q3's window
#: Instants the verdicts are asked at: while Q1's deadlines fall, on Q2's district deadline, the
#: morning after Q3's, on the demo's day (Q4 open), while Q4's closing times fall, and after all.
AS_OFS = [
    datetime(2021, 3, 19, 12, tzinfo=HCM),
    datetime(2021, 6, 21, 23, 30, tzinfo=HCM),
    datetime(2021, 9, 21, 8, tzinfo=HCM),
    datetime(2021, 12, 20, 9, tzinfo=HCM),
    datetime(2022, 1, 20, 12, tzinfo=HCM),
    datetime(2022, 3, 1, tzinfo=HCM),
]


def province_csv(number: int, *, departments: int, districts: int, communes: int) -> str:
    lines = ["code,name,level,kind,parent_code", f"P{number},Ủy ban nhân dân tỉnh {number},province,tỉnh,"]
    lines += [f'P{number}-S{d:02},Sở {d},department,"sở, ban, ngành",P{number}' for d in range(1, departments + 1)]
    for d in range(1, districts + 1):
        lines.append(f"D{number}{d:02},Ủy ban nhân dân huyện {d},district,huyện,P{number}")
        lines += [
            f"W{number}{d:02}{c:02},Ủy ban nhân dân xã {d}.{c},commune,xã,D{number}{d:02}"
            for c in range(1, communes + 1)
        ]
    return "\n".join(lines) + "\n"


def load(csv: str, effective_from: date | None = None) -> None:
    load_units(data=csv.encode(), effective_from=effective_from, at=LOADED, source="test")


def generate(
    report_type: ReportType, *, seed: int, unit_ids: set[int] | None = None, incidents: bool = True
) -> list[history.Owed]:
    owed = history.owed_reports(report_type, periods_of_year(2021, report_type.periods))
    if unit_ids is not None:
        owed = [o for o in owed if o.unit_id in unit_ids]
    plans = history.incident_plan(owed, seed=seed, listed=8, with_open=True) if incidents else []
    history.insert(history.plan(owed, seed=seed, incidents=plans), plans, report_type=report_type, at=LOADED)
    return owed


@pytest.fixture
def report_type(db) -> ReportType:
    load_catalogue(at=LOADED)
    return ReportType.objects.get(code="kstt")


@pytest.fixture
def p91(report_type: ReportType) -> ReportType:
    load(province_csv(91, departments=3, districts=4, communes=5))
    moved = province_csv(91, departments=3, districts=4, communes=5).replace(
        "W910101,Ủy ban nhân dân xã 1.1,commune,xã,D9101", "W910101,Ủy ban nhân dân xã 1.1,commune,xã,D9102"
    )
    load(moved + "W910106,Ủy ban nhân dân xã 1.6,commune,xã,D9101\n", effective_from=MOVED)
    return report_type


def one_by_one(
    report_type: ReportType,
    periods: list[Period],
    as_of: datetime,
    *,
    levels: set[str] | None = None,
    scored_only: bool = False,
    unit_ids: set[int] | None = None,
    within: str | None = None,
) -> list[tuple[object, ...]]:
    """What `judged` must give, computed the plain way: for each period, each unit in force on the
    window's last day (walking up its parents for ``within``), the pure rule applied to that report's
    own facts and every incident in the unit's scope."""
    policies = {p: catalogue.settings_for(report_type, p).policy for p in periods}
    calendar = catalogue.work_calendar(set().union(*(calendar_years([p], policies[p]) for p in periods)))
    zone = clock.province_zone()
    spans = [
        IncidentSpan(i.pk, i.start, i.end, i.all_units, frozenset(u.pk for u in i.units.all()))
        for i in Incident.objects.prefetch_related("units")
    ]
    reports = {
        (r.unit_id, r.period): r
        for r in ReportInstance.objects.filter(report_type=report_type).prefetch_related("versions__review")
    }
    settings = selectors.period_settings(report_type, periods)
    found = []
    for period in periods:
        policy = policies[period]
        end = period.window(policy.cutoff_day)[1]
        tree = {v.unit_id: v for v in units.versions_on(end)}
        for unit_id, unit in tree.items():
            if unit.level not in policy.levels:
                continue
            if levels is not None and unit.level not in levels:
                continue
            if scored_only and unit.level not in settings[period].scored_levels:
                continue
            if unit_ids is not None and unit_id not in unit_ids:
                continue
            if within is not None:
                above, parent = [], unit.parent_id
                while parent is not None:
                    above.append(tree[parent].unit.code)
                    parent = tree[parent].parent_id
                if within not in above:
                    continue
            report = reports.get((unit_id, period.code))
            facts = [
                VersionFacts(
                    v.number,
                    v.submitted_at,
                    getattr(getattr(v, "review", None), "decision", None),
                    tuple(getattr(getattr(v, "review", None), "reasons", ())),
                    getattr(getattr(v, "review", None), "at", None),
                )
                for v in (report.versions.all() if report is not None else ())
            ]
            due = schedule(period, unit.level, policy, calendar, zone)
            found.append(
                (
                    unit.unit.code,
                    period.code,
                    unit_id,
                    unit.name,
                    unit.level,
                    unit.parent_id,
                    report.pk if report is not None else None,
                    unit.level in settings[period].scored_levels,
                    due,
                    verdict(
                        deadline=due.deadline,
                        closing=due.closing,
                        incidents=[span for span in spans if span.covers(unit_id)],
                        versions=facts,
                        amounts=settings[period].amounts,
                        as_of=as_of,
                        calendar=calendar,
                        zone=zone,
                    ),
                )
            )
    return sorted(found, key=lambda row: (row[0], row[1]))


def seen(judged: list[selectors.Judged]) -> list[tuple[object, ...]]:
    return [
        (j.code, j.period.code, j.unit_id, j.name, j.level, j.parent_id, j.instance_id, j.scored, j.schedule, j.verdict)
        for j in judged
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_verdict_is_the_rule_applied_to_that_reports_facts(p91: ReportType, seed: int) -> None:
    generate(p91, seed=seed)
    periods = periods_of_year(2021, p91.periods)
    statuses: set[Status] = set()
    excused_by_incident = faults = 0
    for as_of in AS_OFS:
        expected = one_by_one(p91, periods, as_of)
        assert seen(selectors.judged(report_type=p91, periods=periods, as_of=as_of)) == expected
        verdicts = [row[-1] for row in expected]
        statuses |= {v.status for v in verdicts}
        excused_by_incident += sum(1 for v in verdicts if v.status == Status.EXCUSED and v.incidents)
        faults += sum(1 for v in verdicts if v.faults)
    # The history holds every case the rules name, so the comparison above is not a vacuous one.
    assert statuses == set(Status)
    assert excused_by_incident and faults
    # Both trees: W910101 reports under D9101 in Q2 and under D9102 in Q3; W910106 from Q3 on.
    parents = {
        (j.code, j.period.code): j.parent_id
        for j in selectors.judged(report_type=p91, periods=periods, as_of=AS_OFS[-1], levels=["commune"])
    }
    ids = dict(Unit.objects.values_list("code", "id"))
    assert parents[("W910101", "2021Q2")] == ids["D9101"] and parents[("W910101", "2021Q3")] == ids["D9102"]
    assert ("W910106", "2021Q2") not in parents and ("W910106", "2021Q3") in parents


@pytest.mark.parametrize(
    "ask",
    [
        {"levels": {"commune"}},
        {"scored_only": True},
        {"levels": {"district", "province"}, "scored_only": True},
        {"unit_ids": {"W910101", "D9103", "P91-S02", "P91"}},
        {"within": "D9101"},
        {"within": "D9101", "levels": {"commune"}, "unit_ids": {"W910101", "W910102"}},
        {"unit_ids": set()},
    ],
    ids=["communes", "scored", "scored-districts", "some-units", "within-a-district", "all-filters", "no-units"],
)
def test_each_filter_picks_the_reports_the_plain_reading_picks(p91: ReportType, ask: dict) -> None:
    generate(p91, seed=4)
    periods = periods_of_year(2021, p91.periods)
    ids = dict(Unit.objects.values_list("code", "id"))
    unit_ids = {ids[code] for code in ask["unit_ids"]} if "unit_ids" in ask else None
    within = ask.get("within")
    for as_of in (AS_OFS[2], AS_OFS[-1]):
        expected = one_by_one(
            p91,
            periods,
            as_of,
            levels=ask.get("levels"),
            scored_only=ask.get("scored_only", False),
            unit_ids=unit_ids,
            within=within,
        )
        got = selectors.judged(
            report_type=p91,
            periods=periods,
            as_of=as_of,
            levels=ask.get("levels"),
            scored_only=ask.get("scored_only", False),
            unit_ids=unit_ids,
            within=Unit.objects.get(code=within) if within else None,
        )
        assert seen(got) == expected
        assert bool(expected) == (ask != {"unit_ids": set()})


def test_a_version_sent_at_the_instant_asked_about_is_known_and_one_a_microsecond_later_is_not(
    p91: ReportType,
) -> None:
    q3 = Period(2021, "Q3")
    owed = {o.code: o for o in history.owed_reports(p91, [q3])}
    sent = owed["D9101"].deadline - timedelta(days=1)
    stories = [
        history.Story(owed["D9101"], "on_time", sent - timedelta(days=1), (history.Event("submitted", sent),)),
        history.Story(
            owed["D9102"],
            "on_time",
            sent - timedelta(days=1),
            (history.Event("submitted", sent + timedelta(microseconds=1)),),
        ),
    ]
    history.insert(stories, [], report_type=p91, at=LOADED)
    found = {
        j.code: j.verdict for j in selectors.judged(report_type=p91, periods=[q3], as_of=sent, levels=["district"])
    }
    assert found["D9101"].submitted_at == sent and found["D9101"].status == Status.ON_TIME
    assert found["D9102"].submitted_at is None and found["D9102"].status == Status.NOT_YET_DUE
    assert seen(selectors.judged(report_type=p91, periods=[q3], as_of=sent)) == one_by_one(p91, [q3], sent)


def test_one_period_or_none(p91: ReportType) -> None:
    generate(p91, seed=5)
    q3 = Period(2021, "Q3")
    expected = one_by_one(p91, [q3], AS_OFS[-1])
    assert seen(selectors.judged(report_type=p91, periods=[q3, q3], as_of=AS_OFS[-1])) == expected
    assert len(expected) == 1 + 3 + 4 + 21  # the province, 3 departments, 4 districts, 21 communes
    assert len(one_by_one(p91, [Period(2021, "Q2")], AS_OFS[-1])) == 1 + 3 + 4 + 20
    assert selectors.judged(report_type=p91, periods=[], as_of=AS_OFS[-1]) == []


def test_the_same_queries_for_3_units_as_for_300(report_type: ReportType) -> None:
    periods = periods_of_year(2021, report_type.periods)
    load(province_csv(92, departments=0, districts=1, communes=1))
    generate(report_type, seed=6)  # 3 units, with incidents for all and for some of them

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            found = selectors.judged(report_type=report_type, periods=periods, as_of=AS_OFS[-1])
        return len(captured), len(found)

    few, three = queries()
    load(province_csv(93, departments=6, districts=10, communes=28))  # 297 more units
    p93 = set(Unit.objects.filter(code__contains="93").values_list("id", flat=True))
    generate(report_type, seed=7, unit_ids=p93, incidents=False)
    many, three_hundred = queries()
    assert (three, three_hundred) == (3 * 4, 300 * 4)
    assert many == few <= 8


def test_the_garbage_collector_is_left_as_it_was(p91: ReportType) -> None:
    """judged pauses Python's cyclic collector while it makes the verdicts (selectors.collector_paused)."""
    generate(p91, seed=8)
    periods = periods_of_year(2021, p91.periods)
    assert gc.isenabled()
    assert selectors.judged(report_type=p91, periods=periods, as_of=AS_OFS[-1])
    assert gc.isenabled()
    gc.disable()
    try:
        assert selectors.judged(report_type=p91, periods=periods, as_of=AS_OFS[-1])
        assert not gc.isenabled()
    finally:
        gc.enable()
