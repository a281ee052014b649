"""The administrator's catalogue page: deadline settings, the resolved calendar, the province's days."""

import pytest
from django.urls import reverse

from kstt.catalogue.models import CalendarDay, DeadlineRule

SETTINGS = {
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


def test_the_resolved_calendar_of_2021_shows_every_period_and_level(client, quan, kstt_report):
    client.force_login(quan)
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    for period in ["2021Q1", "2021Q2", "2021Q3", "2021Q4"]:
        for level in ["commune", "department", "district", "province"]:
            assert f'data-testid="calendar-{period}-{level}"' in html
    assert "20/09/2021" in html  # Q3 department, district and province
    assert "Tết Nguyên Đán" in html  # the holidays, in Vietnamese


def test_quan_changes_the_commune_offset_in_the_interface(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type") + "?year=2021", {**SETTINGS, "offset_commune": 3})
    assert page.status_code == 302
    assert DeadlineRule.objects.get(level="commune").offset_days == 3
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "17/09/2021" in html  # Q3 communes: 14/09 + 3


def test_a_zero_offset_is_refused_with_a_message(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "offset_commune": 0})
    assert page.status_code == 200
    assert DeadlineRule.objects.get(level="commune").offset_days == 2


def test_quan_declares_and_withdraws_a_province_day_off(client, quan, kstt_report):
    client.force_login(quan)
    client.post(
        reverse("catalogue:declare_day"), {"day": "2021-09-16", "kind": "day_off", "name": "Nghỉ bù", "year": "2021"}
    )
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "17/09/2021" in html  # communes' Q3 deadline moves off the day off
    day = CalendarDay.objects.get()
    client.post(reverse("catalogue:withdraw_day", args=[day.pk]), {"year": "2021"})
    day.refresh_from_db()
    assert day.active is False


@pytest.mark.parametrize("person", ["lan", "minh", "hoa", "tuan"])
def test_only_administrators_reach_the_catalogue(request, client, kstt_report, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("catalogue:report_type")).status_code == 404
    assert client.post(reverse("catalogue:report_type"), SETTINGS).status_code == 404
    assert (
        client.post(reverse("catalogue:declare_day"), {"day": "2021-09-16", "kind": "day_off", "name": "x"}).status_code
        == 404
    )
