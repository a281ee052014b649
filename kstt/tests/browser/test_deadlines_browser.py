"""Quân changes the communes' deadline in the catalogue; Lan sees it on her home page."""

import pytest
from playwright.sync_api import expect

from kstt.tests.browser.test_unit_search import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_commune_offset_reaches_lans_page(browser, live_server, quan, lan, kstt_report):
    admin_context = browser.new_context(locale="en-US")
    admin = admin_context.new_page()
    log_in(admin, live_server, "quan")
    admin.goto(f"{live_server.url}/catalogue/?year=2021")
    expect(admin.get_by_test_id("calendar-2021Q3-commune")).to_contain_text("16/09/2021")
    admin.get_by_label("Cấp xã: số ngày sau kỳ chốt").fill("3")
    admin.get_by_role("button", name="Lưu thời hạn").click()
    expect(admin.get_by_text("Đã lưu thời hạn")).to_be_visible()
    expect(admin.get_by_test_id("calendar-2021Q3-commune")).to_contain_text("17/09/2021")
    admin_context.close()

    reporter_context = browser.new_context(locale="en-US")
    reporter = reporter_context.new_page()
    log_in(reporter, live_server, "lan")
    reporter.goto(f"{live_server.url}/?year=2021")
    expect(reporter.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("deadline")).to_have_text("17/09/2021")
    reporter_context.close()
