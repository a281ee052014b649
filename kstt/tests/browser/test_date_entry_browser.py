"""In an English browser, Hoa and Quản still type and read dates day first (dd/mm/yyyy).

A native date input would follow the browser's language (mm/dd/yyyy in en-US); KSTT's date fields
are text fields read day first, so 03/04/2021 is 3 April whatever the browser says.
"""

import pytest
from playwright.sync_api import expect

from kstt.catalogue.models import CalendarDay
from kstt.incidents.models import Incident
from kstt.tests.browser.test_unit_search import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hoa_records_an_incident_typing_day_first_in_an_english_browser(page, live_server, hoa, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert page.evaluate("navigator.language") == "en-US"
    log_in(page, live_server, "hoa")
    page.goto(f"{live_server.url}/incidents/new/")
    start = page.locator('input[name="start"]')
    expect(start).to_have_attribute("type", "text")
    expect(start).to_have_attribute("placeholder", "dd/mm/yyyy HH:MM")
    start.fill("03/04/2021 14:00")
    page.locator('input[name="end"]').fill("03/04/2021 16:30")
    page.locator('input[name="all_units"]').check()
    page.locator('textarea[name="description"]').fill("Mất kết nối đường truyền")
    page.get_by_test_id("incident-form").get_by_role("button", name="Lưu", exact=True).click()
    expect(page.locator("dl")).to_contain_text("03/04/2021 14:00")
    incident = Incident.objects.get()
    assert (incident.start.year, incident.start.month, incident.start.day, incident.start.hour) == (2021, 4, 3, 7)
    page.goto(f"{live_server.url}/incidents/{incident.pk}/edit/")
    expect(page.locator('input[name="start"]')).to_have_value("03/04/2021 14:00")


def test_quan_declares_a_day_off_typing_day_first_in_an_english_browser(page, live_server, quan, kstt_report):
    log_in(page, live_server, "quan")
    page.goto(f"{live_server.url}/catalogue/?year=2021")
    day = page.locator('input[name="day"]')
    expect(day).to_have_attribute("type", "text")
    expect(day).to_have_attribute("placeholder", "dd/mm/yyyy")
    day.fill("03/04/2021")
    page.locator('select[name="kind"]').select_option("day_off")
    page.locator('input[name="name"]').fill("Nghỉ bù")
    day.press("Enter")
    expect(page.get_by_text("03/04/2021 ·").first).to_be_visible()
    assert CalendarDay.objects.get().day.isoformat() == "2021-04-03"
