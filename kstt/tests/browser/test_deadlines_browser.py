"""Quân records a new communes' deadline valid from 2021Q3 in the catalogue; Lan sees it on her home page."""

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
    admin.get_by_label("Hiệu lực từ kỳ").select_option("2021Q3")
    admin.get_by_label("Cấp xã: số ngày sau kỳ chốt").fill("3")
    # The form starts from today's settings (communes scored since 2025); from 2021Q3 the scored levels are
    # version 1's, or the preview would list the districts' lines the change takes out of the ledger.
    admin.get_by_label("Cấp huyện", exact=True).check()
    admin.get_by_label("Cấp xã", exact=True).uncheck()
    admin.get_by_label("Lý do (ví dụ: văn bản quyết định)").fill("Quyết định số 12/QĐ-UBND")
    admin.get_by_role("button", name="Lưu thành phiên bản cài đặt mới").click()
    expect(admin.get_by_text("Đã lưu phiên bản cài đặt 3")).to_be_visible()
    expect(admin.get_by_test_id("calendar-2021Q3-commune")).to_contain_text("17/09/2021")
    expect(admin.get_by_test_id("calendar-2021Q2-commune")).to_contain_text("16/06/2021")  # before its date
    admin_context.close()

    reporter_context = browser.new_context(locale="en-US")
    reporter = reporter_context.new_page()
    log_in(reporter, live_server, "lan")
    reporter.goto(f"{live_server.url}/?year=2021")
    expect(reporter.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("deadline")).to_have_text("17/09/2021")
    reporter_context.close()
