"""Where a report stands at the edges of time, through the database (issue 7, points 10 and 11).

Each story saves its incidents and settings, reads them back through the selectors and the home
page, and sits exactly on a boundary: the deadline instant, 23:59:59.999999 local and one
microsecond later, an incident that ended between 00:00 and 06:59 local (the previous day in UTC),
the closing time extended by an incident, closing times far beyond the window.

Sở Tư pháp (department), Q3/2021: deadline Monday 20/09/2021, closing time Wednesday 20/10/2021.
Xã Yên Nghiệp (commune), Q3/2021: window ends Tuesday 14/09, deadline Thursday 16/09, closing
time Monday 18/10/2021 (Saturday 16/10 rolled over).
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from kstt.catalogue import services as catalogue
from kstt.catalogue.rules.deadlines import end_of_day
from kstt.catalogue.rules.periods import Period
from kstt.incidents.models import Incident
from kstt.incidents.services import record_incident
from kstt.reports import selectors
from kstt.reports.templatetags.kstt_labels import status_label
from kstt.reports.timeliness import Status
from kstt.tests.cast import AT

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MICROSECOND = timedelta(microseconds=1)
DEPT_DEADLINE = end_of_day(date(2021, 9, 20), HCM)
COMMUNE_WINDOW_END = end_of_day(date(2021, 9, 14), HCM)
COMMUNE_DEADLINE = end_of_day(date(2021, 9, 16), HCM)
COMMUNE_CLOSING = end_of_day(date(2021, 10, 18), HCM)


def local(day: int, hour: int, minute: int = 0, month: int = 9, year: int = 2021) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def incident(actor, start, end, units=None, description="Sự cố hệ thống báo cáo"):
    record_incident(
        start=start,
        end=end,
        all_units=units is None,
        units=units or [],
        description=description,
        at=AT,
        actor=actor,
        reason="Sự cố được ghi nhận sau",
    )


def owed_by(unit, report_type, code: str, now: datetime, year: int = 2021):
    """The unit's instance of a period, judged at ``now`` given in UTC (as the clock gives it)."""
    [owed] = [
        o
        for o in selectors.owed_by_unit(unit=unit, report_type=report_type, year=year, now=now.astimezone(UTC))
        if o.period.code == code
    ]
    return owed


def owed_below(unit, child_code: str, report_type, code: str, now: datetime):
    [owed] = [
        o
        for o in selectors.owed_below(
            unit=unit, report_type=report_type, period=Period.parse(code), now=now.astimezone(UTC)
        )
        if o.unit.unit.code == child_code
    ]
    return owed


def row(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</tr>", start)]


# --- An incident starting exactly at the deadline instant -----------------------------------------


@pytest.mark.parametrize(
    ("start", "effective"),
    [
        pytest.param(DEPT_DEADLINE, end_of_day(date(2021, 9, 22), HCM), id="at-the-deadline-instant-moves-it"),
        pytest.param(DEPT_DEADLINE + MICROSECOND, DEPT_DEADLINE, id="a-microsecond-later-moves-nothing"),
    ],
)
def test_an_incident_starting_exactly_at_the_deadline_instant(
    client, hoa, tuan, province, dept_justice, kstt_report, start, effective
):
    # It starts at Monday 20/09 23:59:59.999999 and ends on Tuesday morning: Wednesday 22/09.
    incident(hoa, start, local(21, 10), units=[dept_justice])
    assert Incident.objects.get().start == start  # microseconds survive the database
    now = local(21, 12)
    assert owed_by(dept_justice, kstt_report, "2021Q3", now).effective_deadline == effective
    assert owed_below(province, "P17-STP", kstt_report, "2021Q3", now).effective_deadline == effective

    client.force_login(tuan)
    mine = row(client.get(reverse("home") + "?year=2021").content.decode(), "owed-P17-STP-2021Q3")
    assert ("22/09/2021" in mine) is (effective != DEPT_DEADLINE)


# --- An incident that ended between 00:00 and 06:59 local: its UTC day is the day before ----------


@pytest.mark.parametrize(
    ("end", "effective"),
    [
        pytest.param(local(21, 0), date(2021, 9, 22), id="ends-at-00-00-tuesday-local"),
        pytest.param(local(21, 6, 59), date(2021, 9, 22), id="ends-at-06-59-tuesday-local"),
        pytest.param(local(20, 23, 59), date(2021, 9, 21), id="ends-at-23-59-monday-local"),
    ],
)
def test_the_day_an_incident_ended_is_read_back_in_local_time(
    client, hoa, tuan, dept_justice, kstt_report, end, effective
):
    incident(hoa, local(20, 14), end, units=[dept_justice])
    stored = Incident.objects.get().end
    if end.hour < 7:
        assert stored.astimezone(UTC).date() == date(2021, 9, 20)  # the trap: Monday in UTC
    now = local(21, 12)
    assert owed_by(dept_justice, kstt_report, "2021Q3", now).effective_deadline == end_of_day(effective, HCM)

    client.force_login(tuan)
    mine = row(client.get(reverse("home") + "?year=2021").content.decode(), "owed-P17-STP-2021Q3")
    assert effective.strftime("%d/%m/%Y") in mine


# --- The status at 23:59:59.999999 local and one microsecond later --------------------------------


@pytest.mark.parametrize(
    ("now", "status", "days"),
    [
        pytest.param(COMMUNE_WINDOW_END, Status.NOT_YET_DUE, 2, id="last-instant-of-the-window"),
        pytest.param(COMMUNE_WINDOW_END + MICROSECOND, Status.NOT_YET_DUE, 1, id="a-microsecond-after-the-window"),
        pytest.param(COMMUNE_DEADLINE, Status.NOT_YET_DUE, 0, id="last-instant-of-the-deadline-day-still-on-time"),
        pytest.param(COMMUNE_DEADLINE + MICROSECOND, Status.OVERDUE, -1, id="a-microsecond-after-the-deadline"),
        pytest.param(COMMUNE_CLOSING, Status.OVERDUE, -32, id="last-instant-before-the-closing-time"),
        pytest.param(COMMUNE_CLOSING + MICROSECOND, Status.NOT_SENT, -33, id="a-microsecond-after-the-closing"),
    ],
)
def test_where_a_commune_report_stands_on_each_boundary(
    client, settings, lan, minh, commune_yen_nghiep, district_lac_son, kstt_report, now, status, days
):
    mine = owed_by(commune_yen_nghiep, kstt_report, "2021Q3", now)
    assert (mine.status, mine.days_left) == (status, days)
    below = owed_below(district_lac_son, "W05341", kstt_report, "2021Q3", now)
    assert (below.status, below.days_left) == (status, days)

    settings.KSTT_CLOCK = now.astimezone(UTC)
    client.force_login(lan)
    assert status_label(status) in row(
        client.get(reverse("home") + "?year=2021").content.decode(), "owed-W05341-2021Q3"
    )
    client.force_login(minh)
    assert status_label(status) in row(
        client.get(reverse("home") + "?period=2021Q3").content.decode(), "owed-W05341-2021Q3"
    )


def test_the_extended_deadline_ends_at_23_59_59_999999_local_too(hoa, dept_justice, kstt_report):
    incident(hoa, local(20, 14), local(20, 18), units=[dept_justice])  # → Tuesday 21/09
    extended = end_of_day(date(2021, 9, 21), HCM)
    assert owed_by(dept_justice, kstt_report, "2021Q3", extended).status == Status.NOT_YET_DUE
    assert owed_by(dept_justice, kstt_report, "2021Q3", extended + MICROSECOND).status == Status.OVERDUE


# --- The closing time extended by an incident, through the database --------------------------------


def test_an_incident_on_the_closing_day_extends_the_closing_time(
    client, settings, hoa, lan, minh, commune_yen_nghiep, district_lac_son, kstt_report
):
    incident(hoa, local(18, 14, month=10), local(18, 18, month=10), units=[commune_yen_nghiep])  # → Tue 19/10
    extended = end_of_day(date(2021, 10, 19), HCM)
    for now, status in [
        (COMMUNE_CLOSING + MICROSECOND, Status.OVERDUE),
        (extended, Status.OVERDUE),
        (extended + MICROSECOND, Status.NOT_SENT),
    ]:
        mine = owed_by(commune_yen_nghiep, kstt_report, "2021Q3", now)
        below = owed_below(district_lac_son, "W05341", kstt_report, "2021Q3", now)
        assert (mine.effective_closing, mine.status) == (extended, status), now
        assert (below.effective_closing, below.status) == (extended, status), now
        assert mine.effective_deadline == COMMUNE_DEADLINE  # the deadline itself did not move

    settings.KSTT_CLOCK = local(19, 12, month=10).astimezone(UTC)
    client.force_login(lan)
    assert status_label(Status.OVERDUE) in row(
        client.get(reverse("home") + "?year=2021").content.decode(), "owed-W05341-2021Q3"
    )
    # Another commune of Lạc Sơn is not in the incident's scope: not sent.
    client.force_login(minh)
    assert status_label(Status.NOT_SENT) in row(
        client.get(reverse("home") + "?period=2021Q3").content.decode(), "owed-W05344-2021Q3"
    )


def test_incidents_one_after_another_extend_the_closing_time_past_every_scheduled_one(
    hoa, commune_yen_nghiep, district_lac_son, kstt_report
):
    # The first runs from the closing day (Mon 18/10) to Wednesday 20/10 (the last scheduled closing
    # time of Q3, any level): Thursday 21/10. The second starts on Thursday, after every scheduled
    # closing time, and hits the extended one: Friday 22/10.
    incident(hoa, local(18, 9, month=10), local(20, 12, month=10), units=[commune_yen_nghiep])
    incident(hoa, local(21, 10, month=10), local(21, 11, month=10), units=[commune_yen_nghiep], description="Lần 2")
    now = local(21, 12, month=10)
    expected = end_of_day(date(2021, 10, 22), HCM)
    assert owed_below(district_lac_son, "W05341", kstt_report, "2021Q3", now).effective_closing == expected
    assert owed_by(commune_yen_nghiep, kstt_report, "2021Q3", now).effective_closing == expected


# --- A long closing time: every page loads the incidents it needs (point 10) ----------------------


@pytest.mark.parametrize(
    ("closing_days", "code", "closing_day", "extended_day"),
    [
        # Q1/2021 communes: Tue 16/03 + 200 days = Sat 02/10 → Mon 04/10/2021.
        pytest.param(200, "2021Q1", date(2021, 10, 4), date(2021, 10, 5), id="200-days"),
        # Q4/2021 communes: Thu 16/12/2021 + 365 days = Fri 16/12/2022.
        pytest.param(365, "2021Q4", date(2022, 12, 16), date(2022, 12, 19), id="365-days-the-longest-accepted"),
        # Q3/2021 communes: Thu 16/09 + 107 days = Sat 01/01/2022 (New Year, observed Mon 03/01) → Tue 04/01/2022.
        pytest.param(107, "2021Q3", date(2022, 1, 4), date(2022, 1, 5), id="107-days-over-new-year"),
    ],
)
def test_the_home_pages_agree_on_an_incident_at_a_far_closing_time(
    client, settings, quan, hoa, lan, minh, commune_yen_nghiep, district_lac_son, kstt_report,
    closing_days, code, closing_day, extended_day,
):  # fmt: skip
    catalogue.change_settings(
        report_type=kstt_report,
        values={"closing_days": closing_days},
        valid_from=Period(2021, "Q1"),
        note="Thời điểm khóa sổ dài",
        at=AT,
        actor=quan,
        reason="Áp dụng cho các kỳ đã qua",
    )
    start = datetime.combine(closing_day, datetime.min.time(), tzinfo=HCM) + timedelta(hours=9)
    incident(hoa, start, start + timedelta(hours=1))
    now = start + timedelta(hours=2)
    mine = owed_by(commune_yen_nghiep, kstt_report, code, now)
    below = owed_below(district_lac_son, "W05341", kstt_report, code, now)
    assert mine.schedule.closing_day == closing_day
    assert mine.effective_closing == below.effective_closing == end_of_day(extended_day, HCM)
    assert mine.status == below.status == Status.OVERDUE

    settings.KSTT_CLOCK = (end_of_day(closing_day, HCM) + timedelta(hours=1)).astimezone(UTC)  # past the closing
    client.force_login(lan)
    assert status_label(Status.OVERDUE) in row(
        client.get(reverse("home") + "?year=2021").content.decode(), f"owed-W05341-{code}"
    )
    client.force_login(minh)
    assert status_label(Status.OVERDUE) in row(
        client.get(reverse("home") + f"?period={code}").content.decode(), f"owed-W05341-{code}"
    )


def test_the_home_page_loads_incidents_in_a_fixed_number_of_queries(
    client, hoa, dept_justice, kstt_report, django_assert_max_num_queries
):
    for day in range(14, 24):
        incident(hoa, local(day, 9), local(day, 10), units=[dept_justice], description=f"Sự cố {day}")
    client.force_login(hoa)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("home") + "?period=2021Q3").status_code == 200
