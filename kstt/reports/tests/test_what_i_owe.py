"""What each unit owes, and by when: reporters see their unit, reviewers the units below."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from kstt.catalogue.rules.periods import Period
from kstt.incidents.services import close_incident, record_incident
from kstt.reports import selectors
from kstt.reports.timeliness import Status
from kstt.tests.cast import AT, NOW

#: The shipped settings, as the catalogue page sends them, valid from 2021Q1.
SETTINGS = {
    "valid_from": "2021Q1",
    "note": "Quyết định số 12/QĐ-UBND",
    "scored_levels": ["department", "district"],
    "not_sent_points": "0.50",
    "late_points": "0.25",
    "cutoff_day": 15,
    "closing_days": 30,
    "roll_forward": "on",
    "returned_on_time": "on",
    "offset_commune": 2,
    "offset_department": 4,
    "offset_district": 5,
    "offset_province": 6,
    "cap_province": 25,
}


def row(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</tr>", start)]


def test_lan_sees_the_four_quarters_her_commune_owes(client, lan, kstt_report):
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    for code, deadline in [
        ("2021Q1", "16/03/2021"),
        ("2021Q2", "16/06/2021"),
        ("2021Q3", "16/09/2021"),
        ("2021Q4", "16/12/2021"),
    ]:
        assert deadline in row(html, f"owed-W05341-{code}")
    assert "Quý III/2021" in html
    assert "báo cáo năm" in row(html, "owed-W05341-2021Q4")  # Q4 is also the annual report


def test_an_administrator_changes_the_commune_offset_and_lan_sees_the_new_deadlines(client, quan, lan, kstt_report):
    client.force_login(quan)
    assert client.post(reverse("catalogue:report_type"), {**SETTINGS, "offset_commune": 3}).status_code == 302
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    assert "17/09/2021" in row(html, "owed-W05341-2021Q3")  # Tue 14/09 + 3 = Fri 17/09
    assert "17/12/2021" in row(html, "owed-W05341-2021Q4")
    assert "16/09/2021" not in html


def test_a_change_valid_from_2022q1_leaves_lans_2021_deadlines_and_moves_her_2022q1_one(
    client, quan, lan, commune_yen_nghiep, kstt_report
):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "valid_from": "2022Q1", "offset_commune": 3})
    assert page.status_code == 302
    owed = {
        o.period.code: o.schedule.deadline_day
        for year in (2021, 2022)
        for o in selectors.owed_by_unit(unit=commune_yen_nghiep, report_type=kstt_report, year=year, now=NOW)
    }
    assert owed["2021Q3"] == date(2021, 9, 16)  # Tue 14/09 + 2, as before
    assert owed["2021Q4"] == date(2021, 12, 16)
    assert owed["2022Q1"] == date(2022, 3, 17)  # Mon 14/03 + 3
    client.force_login(lan)
    html = client.get(reverse("home") + "?year=2021").content.decode()
    assert "16/09/2021" in row(html, "owed-W05341-2021Q3")
    assert "16/12/2021" in row(html, "owed-W05341-2021Q4")


def test_a_retroactive_change_moves_the_past_period_it_names_and_is_audited(
    client, quan, lan, commune_yen_nghiep, kstt_report
):
    from kstt.audit.models import AuditEntry

    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "valid_from": "2021Q3", "offset_commune": 3})
    assert page.status_code == 302
    owed = {
        o.period.code: o.schedule.deadline_day
        for o in selectors.owed_by_unit(unit=commune_yen_nghiep, report_type=kstt_report, year=2021, now=NOW)
    }
    assert (owed["2021Q2"], owed["2021Q3"], owed["2021Q4"]) == (
        date(2021, 6, 16),
        date(2021, 9, 17),
        date(2021, 12, 17),
    )
    entry = AuditEntry.objects.get(event="catalogue.settings_changed")
    assert (entry.actor, entry.data["valid_from"], entry.data["after"]["deadlines"]["commune"]["offset_days"]) == (
        quan,
        "2021-07-01",
        3,
    )


def test_an_incident_across_the_q3_department_deadline_moves_it_for_that_department_only(
    client, hoa, tuan, dept_justice, kstt_report
):
    # Sở Tư pháp's Q3/2021 deadline: Saturday 18/09 → Monday 20/09/2021. The system fails that afternoon.
    record_incident(
        start=datetime(2021, 9, 20, 7, 0, tzinfo=UTC),
        end=datetime(2021, 9, 20, 11, 30, tzinfo=UTC),
        all_units=False,
        units=[dept_justice],
        description="Mất kết nối cơ sở dữ liệu",
        at=AT,
        actor=hoa,
    )
    client.force_login(tuan)
    mine = row(client.get(reverse("home") + "?year=2021").content.decode(), "owed-P17-STP-2021Q3")
    assert "20/09/2021" in mine and "21/09/2021" in mine
    assert "Mất kết nối cơ sở dữ liệu" in mine

    client.force_login(hoa)
    below = client.get(reverse("home") + "?period=2021Q3").content.decode()
    assert "21/09/2021" in row(below, "owed-P17-STP-2021Q3")
    for other in ["owed-D157-2021Q3", "owed-D156-2021Q3"]:
        assert "21/09/2021" not in row(below, other)
        assert "20/09/2021" in row(below, other)


def test_minh_sees_the_communes_of_lac_son_and_not_mai_chau(client, minh, kstt_report):
    client.force_login(minh)
    html = client.get(reverse("home") + "?period=2021Q3").content.decode()
    assert 'data-testid="owed-W05341-2021Q3"' in html
    assert 'data-testid="owed-W05344-2021Q3"' in html
    assert 'data-testid="owed-W05200-2021Q3"' not in html
    assert "16/09/2021" in row(html, "owed-W05341-2021Q3")


def test_the_home_page_queries_do_not_grow_with_units(client, hoa, kstt_report, django_assert_max_num_queries):
    client.force_login(hoa)
    with django_assert_max_num_queries(20):
        client.get(reverse("home") + "?period=2021Q3")


@pytest.mark.parametrize(
    ("now", "status", "days"),
    [
        pytest.param(datetime(2021, 9, 1, 3, tzinfo=UTC), Status.NOT_YET_DUE, 15, id="window-still-running"),
        pytest.param(NOW, Status.NOT_YET_DUE, 1, id="window-ended-deadline-ahead"),
        pytest.param(
            datetime(2021, 9, 16, 16, 59, tzinfo=UTC), Status.NOT_YET_DUE, 0, id="last-minute-of-the-deadline-day"
        ),
        pytest.param(datetime(2021, 9, 16, 17, 0, tzinfo=UTC), Status.OVERDUE, -1, id="just-past-the-deadline"),
        pytest.param(datetime(2021, 10, 18, 16, 59, tzinfo=UTC), Status.OVERDUE, -32, id="last-minute-before-closing"),
        pytest.param(datetime(2021, 10, 18, 17, 0, tzinfo=UTC), Status.NOT_SENT, -33, id="past-the-closing-time"),
    ],
)
def test_where_a_commune_report_stands_over_time(lan, commune_yen_nghiep, kstt_report, now, status, days):
    owed = {
        o.period.code: o
        for o in selectors.owed_by_unit(unit=commune_yen_nghiep, report_type=kstt_report, year=2021, now=now)
    }
    assert (owed["2021Q3"].status, owed["2021Q3"].days_left) == (status, days)


def test_an_open_incident_holds_the_report_open_until_it_is_closed(hoa, dept_justice, kstt_report):
    incident = record_incident(
        start=datetime(2021, 9, 20, 7, 0, tzinfo=UTC),
        end=None,
        all_units=True,
        units=[],
        description="Sự cố chưa khắc phục",
        at=AT,
        actor=hoa,
    )
    after_deadline = datetime(2021, 9, 21, 3, 0, tzinfo=UTC)
    [q3] = [
        o
        for o in selectors.owed_by_unit(unit=dept_justice, report_type=kstt_report, year=2021, now=after_deadline)
        if o.period.code == "2021Q3"
    ]
    assert (q3.status, q3.effective_deadline, q3.days_left) == (Status.INCIDENT_OPEN, None, None)
    close_incident(incident=incident, end=datetime(2021, 9, 22, 2, 0, tzinfo=UTC), at=AT, actor=hoa)
    # As known once it ended (asked before its end, it was still going on: the same rule as the ledger's).
    after_end = datetime(2021, 9, 22, 3, 0, tzinfo=UTC)
    [q3] = [
        o
        for o in selectors.owed_by_unit(unit=dept_justice, report_type=kstt_report, year=2021, now=after_end)
        if o.period.code == "2021Q3"
    ]
    assert q3.effective_deadline == datetime(2021, 9, 23, 16, 59, 59, 999999, tzinfo=UTC)  # end of Thu 23/09 in Hà Nội
    assert q3.status == Status.NOT_YET_DUE


def test_a_unit_that_did_not_exist_owes_nothing_for_that_period(kstt_report, cast):
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    load_units(
        data="code,name,level,kind,parent_code\nW09999,Xã Mới Lập,commune,xã,D157\n".encode(),
        effective_from=date(2021, 7, 1),
        at=AT,
    )
    new = Unit.objects.get(code="W09999")
    owed = selectors.owed_by_unit(unit=new, report_type=kstt_report, year=2021, now=NOW)
    assert [o.period.code for o in owed] == ["2021Q3", "2021Q4"]


def test_the_reviewer_default_period_is_the_first_whose_closing_is_ahead(kstt_report, db):
    assert selectors.current_period(kstt_report, now=NOW) == Period.parse("2021Q3")
    assert selectors.current_period(kstt_report, now=NOW + timedelta(days=60)) == Period.parse("2021Q4")
