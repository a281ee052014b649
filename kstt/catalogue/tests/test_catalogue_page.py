"""The administrator's catalogue page: settings versions, the resolved calendar, the province's days."""

import pytest
from django.urls import reverse

from kstt.catalogue import selectors
from kstt.catalogue.models import CalendarDay, SettingsVersion
from kstt.tests.ledger_cost import confirm, is_preview, lines

#: The shipped settings, sent as a change valid from 2021Q1 (the periods these tests look at).
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
    assert selectors.settings_for(kstt_report, "2021Q3").deadlines["commune"]["offset_days"] == 3
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "17/09/2021" in html  # Q3 communes: 14/09 + 3


def test_a_zero_offset_is_refused_with_a_message(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "offset_commune": 0})
    assert page.status_code == 200
    assert SettingsVersion.objects.count() == 2


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
            "Cấp tỉnh: ngày “chậm nhất” phải từ ngày chốt số liệu (ngày 15) trở đi",
            id="cap-before-the-window-end",
        ),
        pytest.param(
            {"cutoff_day": 26},
            "cap_province",
            "Cấp tỉnh: ngày “chậm nhất” phải từ ngày chốt số liệu (ngày 26) trở đi",
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
    assert SettingsVersion.objects.count() == 2


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


# --- Settings with validity dates (issue 9, point 2) ------------------------------------------------------------


@pytest.fixture
def in_december_2021(settings):
    from datetime import UTC, datetime

    settings.KSTT_CLOCK = datetime(2021, 12, 20, 2, 0, tzinfo=UTC)


def test_the_page_shows_the_history_of_the_settings_and_the_one_in_force_today(
    client, quan, kstt_report, in_december_2021
):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "valid_from": "2022Q1", "closing_days": 20})
    assert page.status_code == 302
    html = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    history = html[
        html.index('data-testid="settings-history"') : html.index("</table>", html.index("settings-history"))
    ]
    for number in (1, 2, 3):
        assert f'data-testid="settings-v{number}"' in history
    v1 = history[history.index('data-testid="settings-v1"') : history.index("</tr>", history.index("settings-v1"))]
    v2 = history[history.index('data-testid="settings-v2"') : history.index("</tr>", history.index("settings-v2"))]
    v3 = history[history.index('data-testid="settings-v3"') : history.index("</tr>", history.index("settings-v3"))]
    assert "đang có hiệu lực" in v1 and "đang có hiệu lực" not in v2 + v3  # 20/12/2021: version 1 holds
    assert "từ đầu" in v1
    assert "từ Quý III/2025 (01/07/2025)" in v2
    assert ">Sở, ban, ngành, Cấp xã</td>" in v2
    assert "từ Quý I/2022 (01/01/2022)" in v3 and "20 ngày sau hạn gửi" in v3
    assert "Quyết định số 12/QĐ-UBND" in v3 and "Đỗ Quản Trị" in v3
    assert "không gửi −0.50" in v1 and "chậm hoặc không đạt −0.25" in v1
    assert "Cấp tỉnh: +6 (chậm nhất là ngày 25)" in v1


def test_the_form_is_prefilled_from_the_settings_in_force_and_valid_from_the_next_period(
    client, quan, kstt_report, in_december_2021
):
    client.force_login(quan)
    form = client.get(reverse("catalogue:report_type")).context["form"]
    # 20/12/2021: 2022Q1's window (from 15/12/2021) has started, so the next period not started is 2022Q2.
    assert form["valid_from"].value() == "2022Q2"
    assert (form["offset_commune"].value(), form["cap_province"].value(), form["closing_days"].value()) == (2, 25, 30)
    assert form["scored_levels"].value() == ["department", "district"]
    assert (form["not_sent_points"].value(), form["late_points"].value()) == ("0.50", "0.25")
    codes = [code for code, _ in form.fields["valid_from"].choices]
    assert codes[0] == "2020Q1" and codes[-1] == "2022Q4"


def test_a_change_valid_from_2022q1_leaves_every_2021_deadline_and_moves_2022q1s(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, "valid_from": "2022Q1", "offset_commune": 3})
    assert page.status_code == 302
    html_2021 = client.get(reverse("catalogue:report_type") + "?year=2021").content.decode()
    assert "16/09/2021" in calendar_cell(html_2021, "calendar-2021Q3-commune")  # 14/09 + 2, as before
    assert "16/12/2021" in calendar_cell(html_2021, "calendar-2021Q4-commune")
    html_2022 = client.get(reverse("catalogue:report_type") + "?year=2022").content.decode()
    assert "17/03/2022" in calendar_cell(html_2022, "calendar-2022Q1-commune")  # Mon 14/03 + 3
    assert "phiên bản cài đặt 3" in html_2022[html_2022.index('data-testid="calendar-2022Q1-settings"') :][:200]
    assert "phiên bản cài đặt 1" in html_2021[html_2021.index('data-testid="calendar-2021Q4-settings"') :][:200]


def test_a_scored_level_without_a_deadline_and_a_deduction_over_10_are_refused_in_vietnamese(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(
        reverse("catalogue:report_type"), {**SETTINGS, "scored_levels": ["commune", "hamlet"], "late_points": "10.5"}
    )
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "hamlet" in errors["scored_levels"][0]  # not one of the choices
    assert "10" in errors["late_points"][0]
    assert SettingsVersion.objects.count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"note": ""}, "note", "bắt buộc", id="no-reason"),
        pytest.param({"not_sent_points": "0.505"}, "not_sent_points", "2", id="thousandths"),
        pytest.param({"not_sent_points": "-1"}, "not_sent_points", "0", id="negative"),
        pytest.param({"valid_from": "2031Q1"}, "valid_from", "2031Q1", id="period-not-offered"),
    ],
)
def test_the_new_fields_refuse_nonsense_in_vietnamese(client, quan, kstt_report, changes, field, message):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**SETTINGS, **changes})
    assert page.status_code == 200
    errors = page.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert "Ensure" not in page.content.decode() and "This field" not in page.content.decode()
    assert SettingsVersion.objects.count() == 2


def test_the_very_settings_in_force_are_not_saved_again(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), SETTINGS)
    assert page.status_code == 200
    assert "Không có gì thay đổi" in page.content.decode()
    assert SettingsVersion.objects.count() == 2


def test_communes_scored_from_2022_is_a_version_of_its_own(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(
        reverse("catalogue:report_type"),
        {**SETTINGS, "valid_from": "2022Q1", "scored_levels": ["department", "district", "commune"]},
    )
    # The communes' reports since 2022 (all final today, none sent) come into the ledger: shown first.
    assert is_preview(page) and ("Ủy ban nhân dân xã Yên Nghiệp (W05341)", "Quý I/2022") in {
        line[:2] for line in lines(page)
    }
    page = confirm(client, page)
    assert page.status_code == 302
    assert selectors.settings_for(kstt_report, "2021Q4").scored_levels == ["department", "district"]
    assert selectors.settings_for(kstt_report, "2022Q1").scored_levels == ["department", "district", "commune"]
    # The shipped two-level change (2025-07-01) still holds from its date: it was recorded after version 1.
    assert selectors.settings_for(kstt_report, "2025Q3").scored_levels == ["department", "commune"]


def test_quan_requires_a_digitally_signed_pdf_from_2022q1_in_a_new_version(client, quan, kstt_report):
    """rules.md §4 (configurable): version 1 accepts an unsigned PDF; a later version may require a signature."""
    client.force_login(quan)
    form = client.get(reverse("catalogue:report_type")).context["form"]
    assert form["digital_signature_required"].value() is False  # prefilled from version 1: off
    page = client.post(
        reverse("catalogue:report_type"), {**SETTINGS, "valid_from": "2022Q1", "digital_signature_required": "on"}
    )
    assert page.status_code == 302
    new = SettingsVersion.objects.get(report_type=kstt_report, valid_from="2022-01-01")
    assert (
        new.digital_signature_required and not selectors.settings_for(kstt_report, "2021Q4").digital_signature_required
    )
    assert selectors.settings_for(kstt_report, "2022Q1").digital_signature_required
    html = client.get(reverse("catalogue:report_type") + "?year=2022").content.decode()
    assert "báo cáo phải là tệp PDF đã ký số" in html[html.index(f'data-testid="settings-v{new.number}-signature"') :]
    assert "vẫn được nhận" in html[html.index('data-testid="settings-v1-signature"') :][:300]
