"""Hoa of the provincial office opens the compliance dashboard on 20/12/2021: the chart of on-time rates
is drawn from the locally served Chart.js without a console error, and a cell opens that unit's report."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from kstt.reports.services import load_submissions
from kstt.tests.browser.test_unit_search import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HN = ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_DAY = datetime(2021, 12, 20, 9, 0, tzinfo=HN)
HISTORY = """unit_code,report,period,event,at,reasons
P17-STP,kstt,2021Q1,submitted,2021-03-17T09:00:00+07:00,
P17-STP,kstt,2021Q1,accepted,2021-03-19T09:00:00+07:00,
D157,kstt,2021Q1,submitted,2021-03-25T09:00:00+07:00,
W05341,kstt,2021Q1,submitted,2021-03-15T09:00:00+07:00,
W05341,kstt,2021Q1,returned,2021-03-16T09:00:00+07:00,incomplete
"""


@pytest.fixture(autouse=True)
def _history(settings, cast, kstt_report, hoa):
    settings.KSTT_CLOCK = DEMO_DAY
    load_submissions(data=HISTORY.encode(), at=DEMO_DAY)


def test_hoa_sees_the_chart_and_opens_a_report_from_its_cell(page, live_server):
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(f"{message.type}: {message.text} {message.location.get('url', '')}")
        if message.type in ("error", "warning") and "favicon" not in message.location.get("url", "")
        else None,
    )
    log_in(page, live_server, "hoa")
    page.get_by_role("link", name="Tình hình gửi báo cáo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tình hình gửi báo cáo — năm 2021")

    chart = page.get_by_test_id("dashboard-chart")
    expect(chart).to_have_attribute("data-drawn", "true")  # Chart.js loaded and drew it
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert page.evaluate("typeof window.Chart") == "function"
    assert page.evaluate("window.Chart.getChart(document.getElementById('dash-chart')).data.datasets.length") == 3
    expect(page.get_by_test_id("rate-department-2021Q1")).to_contain_text("100,0%")

    late = page.get_by_test_id("cell-D157-2021Q1")
    expect(late).to_contain_text("Chậm")
    expect(page.get_by_test_id("cell-D156-2021Q1")).to_contain_text("Không gửi")
    expect(page.get_by_test_id("cell-W05341-2021Q1").get_by_test_id("fault")).to_be_visible()
    late.get_by_role("link", name="Chậm").click()
    expect(page).to_have_url(f"{live_server.url}/reports/D157/2021Q1/")
    assert problems == []
