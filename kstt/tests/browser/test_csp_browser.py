"""The Content-Security-Policy in the browser: the report grid, the dashboard's chart and the API docs work
under it (no inline script or style anywhere, settings.CONTENT_SECURITY_POLICY) with no violation reported.
Every browser test fails on a violation (conftest.py); this one visits the pages that were inline-prone and
proves the watcher hears one."""

import pytest
from playwright.sync_api import expect

from kstt.tests.browser import conftest
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


def test_the_grid_the_chart_and_the_api_docs_work_under_the_csp(browser, live_server, lan, hoa, kstt_report):
    lan_page = browser.new_context(locale="en-US").new_page()
    errors: list[str] = []
    lan_page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(lan_page, live_server, "lan")
    lan_page.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("open-report").click()
    cell = lan_page.get_by_test_id("cell-06-HT-received_total")
    cell.click()
    lan_page.keyboard.type("7")
    lan_page.keyboard.press("Tab")
    expect(lan_page.get_by_test_id("total-06-received_total")).to_have_text("7")  # grid.js runs

    lan_page.goto(f"{live_server.url}/api/docs/")
    expect(lan_page.locator(".swagger-ui .info .title")).to_contain_text("KSTT API")  # Swagger UI drew the schema
    expect(lan_page.locator(".swagger-ui .opblock").first).to_be_visible()
    lan_page.context.close()

    hoa_page = browser.new_context(locale="en-US").new_page()
    hoa_page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(hoa_page, live_server, "hoa")
    hoa_page.get_by_role("link", name="Tình hình gửi báo cáo").click()
    expect(hoa_page.get_by_test_id("dashboard-chart")).to_have_attribute("data-drawn", "true")  # Chart.js drew it
    hoa_page.context.close()
    assert errors == []
    assert conftest.CSP_VIOLATIONS == []


def test_the_watcher_hears_an_inline_script_and_an_inline_style(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
        const script = document.createElement("script"); script.textContent = "window.ran = true;";
        document.body.append(script);
        const style = document.createElement("style"); style.textContent = "body { color: red; }";
        document.head.append(style);
    }"""
    )
    expect(page.locator("body")).to_be_visible()
    assert page.evaluate("window.ran === undefined")  # refused
    heard = list(conftest.CSP_VIOLATIONS)
    conftest.CSP_VIOLATIONS.clear()  # expected here: the autouse check would fail the test otherwise
    assert any("script-src" in line for line in heard), heard
    assert any("style-src" in line for line in heard), heard
