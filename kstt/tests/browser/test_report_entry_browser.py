"""Lan fills her commune's form 06 in the browser: a rule broken, its message on the cell, fixed, a PDF
attached, submitted — on an office PC's 1366×768 screen, in Vietnamese."""

import os

import pytest
from playwright.sync_api import expect

from kstt.reports.models import ReportVersion
from kstt.reports.tests.test_documents import make_pdf
from kstt.tests.browser.conftest import ARTIFACTS
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import NOW

pytestmark = pytest.mark.django_db(transaction=True)

ROW = [5, 2, 2, 1, 3, 1, 1, 1, 2, 1, 1]  # columns 3 … 13 of one field, every rule holding
KEYS = [
    "received_total", "received_online", "received_direct", "carried_over", "settled_total", "settled_early",
    "settled_on_time", "settled_late", "pending_total", "pending_in_time", "pending_overdue",
]  # fmt: skip


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


def test_lan_fills_form_06_fixes_a_broken_rule_attaches_the_pdf_and_submits(
    page, live_server, lan, kstt_report, tmp_path
):
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "lan")
    page.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("open-report").click()
    expect(page.get_by_role("heading", name="Ủy ban nhân dân xã Yên Nghiệp")).to_be_visible()

    # She types the first row with the keyboard only: each Tab moves one cell to the right.
    first = page.get_by_test_id("cell-06-HT-received_total")
    first.click()
    for value in [6, *ROW[1:]]:  # column 3 is one too many: R1 and R4 break
        page.keyboard.type(str(value))
        page.keyboard.press("Tab")
    expect(page.get_by_test_id("total-06-received_total")).to_have_text("6")  # computed as she types
    # R1 is checked as she types, its message on the cell, before anything is saved.
    page.get_by_test_id("cell-06-HT-received_total").focus()
    expect(page.get_by_test_id("live-06-HT-received_total")).to_contain_text("Tổng số hồ sơ nhận giải quyết phải bằng")
    # Enter moves down the column, the arrows back up.
    page.get_by_test_id("cell-06-CT-carried_over").click()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("cell-06-DD-carried_over")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_test_id("cell-06-CT-carried_over")).to_be_focused()
    page.keyboard.press("ArrowRight")  # the caret is at the end of the (empty) text: next cell
    expect(page.get_by_test_id("cell-06-CT-settled_total")).to_be_focused()

    sections = page.locator("textarea[name^='s|']")
    for i in range(sections.count()):  # every section of the outline, the required ones among them
        sections.nth(i).fill("Đã thực hiện theo kế hoạch.")
    page.get_by_label("I.1. Công tác chỉ đạo, điều hành").fill("Ban hành kế hoạch KSTT năm 2021.")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()

    # The broken rule is shown on its cell, in Vietnamese.
    page.get_by_test_id("cell-06-HT-received_total").focus()
    message = page.get_by_test_id("msg-06-HT-received_total")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Tổng số hồ sơ nhận giải quyết phải bằng")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-entry-1366x768.png"))

    # She fixes it, attaches the (unsigned) PDF and submits.
    page.get_by_test_id("cell-06-HT-received_total").fill("5")
    expect(page.get_by_test_id("total-06-received_total")).to_have_text("5")
    pdf = tmp_path / "bao-cao-quy-3.pdf"
    pdf.write_bytes(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao KSTT quy III) Tj ET"))
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(pdf))
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_test_id("document-unsigned")).to_be_visible()
    expect(page.get_by_test_id("msg-06-HT-received_total")).to_have_count(0)

    page.get_by_test_id("submit").dblclick()  # a double click submits once
    expect(page.get_by_test_id("submitted")).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")
    assert ReportVersion.objects.count() == 1
    if os.environ.get("KSTT_KEEP_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / "report-submitted-1366x768.png"), full_page=True)


def test_a_flagged_report_goes_through_on_the_first_press_and_a_refused_press_is_kept(
    page, live_server, lan, kstt_report, tmp_path
):
    """rules.md §4–5: a press without the signed PDF is not a submission but is recorded; the checks are
    shown before submitting, and a flagged report is submitted by one press, unexplained."""
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "lan")
    page.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("open-report").click()
    for key, value in zip(KEYS, [6, *ROW[1:]], strict=True):  # column 3 one too many: R1 and R4 break
        page.get_by_test_id(f"cell-06-HT-{key}").fill(str(value))
    sections = page.locator("textarea[name^='s|']")
    for i in range(sections.count()):
        sections.nth(i).fill("Đã thực hiện theo kế hoạch.")

    page.get_by_test_id("submit").click()  # no PDF yet: not a submission, and the page keeps the press
    expect(page.get_by_test_id("problem-not_ready")).to_contain_text("chưa được đính kèm")
    expect(page.get_by_test_id("refusal-recorded")).to_be_visible()
    expect(page.get_by_test_id("refused-submission")).to_have_count(1)

    pdf = tmp_path / "bao-cao-scan.pdf"
    pdf.write_bytes(make_pdf(b"BT /F1 12 Tf 72 720 Td (Ban scan) Tj ET"))
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(pdf))
    page.get_by_role("button", name="Đính kèm").click()
    checks = page.get_by_test_id("checks-flags")  # before submitting: what the checks find, in words
    expect(checks).to_contain_text("Số liệu không chính xác")
    expect(checks).to_contain_text("Chưa ký số")
    expect(checks).to_contain_text("Tổng số hồ sơ nhận giải quyết phải bằng")
    expect(page.get_by_label("Giải trình gửi người duyệt (không bắt buộc)", exact=False)).to_be_empty()

    page.get_by_test_id("submit").click()  # once, without an explanation
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")
    expect(page.get_by_text("Đã gửi phiên bản 1, có gắn cờ")).to_be_visible()
    version = ReportVersion.objects.get()
    assert version.flags == ["inaccurate", "unsigned"] and version.explanation == ""


def test_what_lan_types_before_the_grid_script_arrives_is_totalled_when_it_does(page, live_server, lan, kstt_report):
    """A slow office PC shows the form before grid.js has run: the figures typed meanwhile count."""
    held = []
    page.route("**/kstt/grid*.js", lambda route: held.append(route))  # grid.js waits until released
    log_in(page, live_server, "lan")
    page.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("open-report").click()
    page.get_by_test_id("cell-06-HT-received_total").fill("7")
    page.get_by_test_id("cell-06-CT-received_total").fill("5")
    page.get_by_test_id("cell-06-CT-received_online").fill("2")
    page.get_by_test_id("cell-06-CT-received_direct").fill("2")
    page.get_by_test_id("cell-06-CT-carried_over").fill("0")
    page.wait_for_timeout(300)
    assert len(held) == 1
    expect(page.get_by_test_id("total-06-received_total")).to_have_text("")  # nothing has run yet
    held[0].continue_()
    expect(page.get_by_test_id("total-06-received_total")).to_have_text("12")
    # R1 is checked on the row typed early (5 received: 2 online, 2 direct, none carried over).
    page.get_by_test_id("cell-06-CT-received_total").focus()
    expect(page.get_by_test_id("live-06-CT-received_total")).to_contain_text("Tổng số hồ sơ nhận giải quyết phải bằng")
