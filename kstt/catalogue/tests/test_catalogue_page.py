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


# --- Every value the page accepts means what it says; the others are refused (issue 7, point 10) ---


def calendar_cell(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[html.index(">", start) + 1 : html.index("</td>", start)]


def test_a_cap_of_31_gives_the_last_day_of_june_and_september(client, quan, tuan, kstt_report):
    client.force_login(quan)
    page = client.post(
        reverse("catalogue:report_type") + "?year=2021",
        {**SETTINGS, "offset_department": 20, "cap_department": 31, "cap_province": 31, "offset_province": 20},
    )
    assert page.status_code == 302
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "31/03/2021" in calendar_cell(html, "calendar-2021Q1-province")
    assert "30/06/2021" in calendar_cell(html, "calendar-2021Q2-province")
    assert "30/09/2021" in calendar_cell(html, "calendar-2021Q3-department")
    assert "31/12/2021" in calendar_cell(html, "calendar-2021Q4-province")
    for year in (2022, 2025, 2026):
        assert client.get(reverse("catalogue:report_type") + f"?year={year}").status_code == 200
    client.force_login(tuan)
    home = client.get(reverse("home") + "?year=2021")
    assert home.status_code == 200
    assert "30/09/2021" in home.content.decode()


def test_a_cut_off_day_of_1_gives_calendar_quarters(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(
        reverse("catalogue:report_type") + "?year=2021", {**SETTINGS, "cutoff_day": 1, "cap_province": ""}
    )
    assert page.status_code == 302
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "01/07/2021 – 30/09/2021" in html
    assert "01/01/2021 – 31/03/2021" in html
    assert "04/10/2021" in calendar_cell(html, "calendar-2021Q3-commune")  # Thu 30/09 + 2 = Sat 02/10 → Mon 04/10


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"cap_province": 10},
            "cap_province",
            "Cấp tỉnh: ngày “không muộn hơn” phải từ ngày chốt số liệu (ngày 15) trở đi",
            id="cap-before-the-window-end",
        ),
        pytest.param(
            {"cutoff_day": 26},
            "cap_province",
            "Cấp tỉnh: ngày “không muộn hơn” phải từ ngày chốt số liệu (ngày 26) trở đi",
            id="cut-off-day-after-the-cap",
        ),
        pytest.param(
            {"cutoff_day": 1},
            "cap_province",
            "với ngày chốt số liệu là ngày 1, kỳ chốt kết thúc vào ngày cuối cùng của tháng cuối kỳ",
            id="calendar-months-with-a-cap",
        ),
        pytest.param({"cutoff_day": 29}, "cutoff_day", "28", id="cutoff-29"),
        pytest.param({"cutoff_day": 0}, "cutoff_day", "1", id="cutoff-0"),
        pytest.param({"closing_days": 366}, "closing_days", "365", id="closing-366"),
        pytest.param({"offset_commune": 61}, "offset_commune", "60", id="offset-61"),
        pytest.param({"cap_province": 32}, "cap_province", "31", id="cap-32"),
    ],
)
def test_a_setting_that_would_not_mean_what_the_page_says_is_refused(
    client, quan, kstt_report, changes, field, message
):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type") + "?year=2021", {**SETTINGS, **changes})
    assert page.status_code == 200
    errors = page.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert message in page.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x27;", "'")
    kstt_report.refresh_from_db()
    assert (kstt_report.cutoff_day, kstt_report.closing_days, kstt_report.settings_version) == (15, 30, 1)
    assert DeadlineRule.objects.get(level="province").cap_day == 25


def test_the_calendar_of_a_long_closing_time_knows_the_holidays_of_its_year(client, quan, kstt_report):
    # Q4/2021 communes 40 days after the window (Mon 24/01/2022) and 365 days to the closing time:
    # Tue 24/01/2023 is in Tết 2023 (20–26/01), so the closing day is Fri 27/01/2023.
    client.force_login(quan)
    client.post(reverse("catalogue:report_type"), {**SETTINGS, "offset_commune": 40, "closing_days": 365})
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    row_start = html.index('data-testid="calendar-2021Q4-commune"')
    row = html[row_start : html.index("</tr>", row_start)]
    assert "24/01/2022" in row
    assert "27/01/2023" in row


def test_each_deadline_says_in_vietnamese_how_it_was_reached(client, quan, kstt_report):
    client.force_login(quan)
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    start = html.index('data-testid="calendar-2021Q3-department"')
    cell = html[start : html.index("</td>", start)]  # its title attribute holds the steps
    assert 'title="Ngày cuối kỳ chốt 14/09/2021 + 4 ngày = 18/09/2021 → ' in cell
    assert "18/09/2021 không phải ngày làm việc; chuyển sang 20/09/2021" in cell
    assert "days" not in cell and "working day" not in cell


def test_the_catalogue_page_shows_the_outline_read_only(client, quan, kstt_report):
    client.force_login(quan)
    html = client.get(reverse("catalogue:report_type")).content.decode()
    assert 'data-testid="outline-kstt-outline-v1"' in html
    for key in ["results", "direction", "communication", "shortcomings", "next_tasks", "proposals"]:
        assert f'data-testid="outline-section-{key}"' in html
    assert "I.1.</strong> Công tác chỉ đạo, điều hành" in html
    assert "IV.</strong> Đề xuất, kiến nghị" in html
    assert "bắt buộc" in html  # required, in Vietnamese
    assert 'name="sections' not in html and "<textarea" not in html  # nothing to edit
