"""Issue 14, "done when", in chromium: with the clock past 2021's last closing time, Hoa of the provincial
office closes 2021; a later return of a 2021 report leaves the closed ledger as it was and the ledger page
shows the difference; reopening with a reason and closing again keeps both revisions.

Hòa Bình's 2021 in miniature (kstt/compliance/tests/ledger_story.py), and Mai Châu's 2021Q4 report sent on
time that nobody reviewed before the closing: it closes as "not reviewed: no fault".
"""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from kstt.compliance.models import YearClosing
from kstt.compliance.tests.ledger_story import HN, history  # noqa: F401 (the fixture)
from kstt.reports.services import load_submissions
from kstt.tests.browser.test_report_review_flow_browser import return_with_reason
from kstt.tests.browser.test_unit_search import log_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("history")]

PAST_LAST_CLOSING = datetime(2022, 2, 15, 9, 0, tzinfo=HN)  # 2021Q4 closes on 19/01/2022 (Wed 19/01 + roll)
MAI_CHAU_Q4 = b"unit_code,report,period,event,at,reasons\nD156,kstt,2021Q4,submitted,2021-12-17T09:00:00+07:00,\n"


def test_hoa_closes_2021_a_later_return_shows_as_a_difference_and_a_reopening_keeps_both_revisions(
    page, live_server, settings, hoa
):
    settings.KSTT_CLOCK = PAST_LAST_CLOSING
    load_submissions(data=MAI_CHAU_Q4, at=PAST_LAST_CLOSING, source="test")
    log_in(page, live_server, "hoa")
    expect(page.get_by_test_id("whoami")).to_be_visible()

    page.goto(f"{live_server.url}/compliance/deductions/2021/")
    page.get_by_test_id("closing-link").click()
    expect(page.get_by_test_id("may-close")).to_be_visible()
    expect(page.get_by_test_id("not-reviewed")).to_contain_text("D156 · 2021Q4")
    page.get_by_test_id("close").click()
    expect(page.get_by_test_id("closed-state")).to_contain_text("lần chốt 1")
    record = YearClosing.objects.get()

    page.goto(f"{live_server.url}/compliance/deductions/2021/")
    expect(page.get_by_test_id("closed-banner")).to_contain_text(record.sha256)
    expect(page.get_by_test_id("no-difference")).to_be_visible()
    closed_total = page.get_by_test_id("total-D156").inner_text()
    grand_total = page.get_by_test_id("grand-total").inner_text()

    # A day later Hoa returns Mai Châu's 2021Q4 report: today's judgement gives it a quality fault.
    settings.KSTT_CLOCK = datetime(2022, 2, 16, 9, 0, tzinfo=HN)
    page.goto(f"{live_server.url}/review/D156/2021Q4/")
    return_with_reason(page, "Số liệu không đầy đủ", "Thiếu biểu số liệu hộ tịch.")

    page.goto(f"{live_server.url}/compliance/deductions/2021/")
    expect(page.get_by_test_id("total-D156")).to_have_text(closed_total)  # the closed ledger as it was
    expect(page.get_by_test_id("grand-total")).to_have_text(grand_total)
    change = page.get_by_test_id("change-D156-2021Q4")
    expect(change).to_contain_text("0,00")
    expect(change).to_contain_text("0,25")
    page.get_by_test_id("cell-D156-2021Q4").click()
    expect(page.get_by_test_id("closed-differs")).to_be_visible()
    assert YearClosing.objects.get().sha256 == record.sha256

    # Hoa reopens 2021 with a reason, and closes it again: revision 2, revision 1 kept.
    settings.KSTT_CLOCK = datetime(2022, 2, 17, 9, 0, tzinfo=HN)
    page.goto(f"{live_server.url}/compliance/deductions/2021/closing/")
    page.locator("#reopen-reason").fill("Trả lại báo cáo quý IV của huyện Mai Châu sau khi chốt sổ.")
    page.get_by_test_id("reopen").click()
    expect(page.get_by_test_id("close-form")).to_be_visible()
    settings.KSTT_CLOCK = datetime(2022, 2, 17, 10, 0, tzinfo=HN)
    page.get_by_test_id("close").click()
    expect(page.get_by_test_id("closed-state")).to_contain_text("lần chốt 2")
    expect(page.get_by_test_id("revision-1")).to_be_visible()
    expect(page.get_by_test_id("revision-2")).to_be_visible()
    expect(page.get_by_test_id("reopen-reason-1")).to_contain_text("huyện Mai Châu")

    page.goto(f"{live_server.url}/compliance/deductions/2021/")
    expect(page.get_by_test_id("no-difference")).to_be_visible()
    expect(page.get_by_test_id("total-D156")).not_to_have_text(closed_total)  # the return now counts
    page.goto(f"{live_server.url}/compliance/deductions/2021/closing/1/")
    expect(page.get_by_test_id("revision-sha256")).to_have_text(record.sha256)
    expect(page.get_by_test_id("total-D156")).to_have_text(closed_total)
    assert [r.revision for r in YearClosing.objects.order_by("revision")] == [1, 2]
