"""Issue 13 in chromium: what Lan and Minh saw at 1366×768, and what Lan sees on her phone (390×844).

- The grid's messages sit under their row: they cover no editable cell and swallow no click; the number
  of cells to check follows her typing; the reason beside a figure changed from the dossiers is readable.
- Minh reads the report (on time or not, at the top) before the decision at the end of the page, and a
  decision is recorded only on its confirmation page; Hoa's decision on an appeal too.
- On a phone, the home page (what her commune owes) fits the screen, the grid scrolls inside its box
  with STT and the field's name fixed, and she fills a row, attaches the signed PDF and submits.
"""

import re

import pytest
from playwright.sync_api import expect

from kstt.catalogue.rules.periods import Period
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.compliance.models import Appeal
from kstt.compliance.services import file_appeal
from kstt.dossiers.services import push_dossiers
from kstt.reports.models import ReportInstance, Review
from kstt.reports.tests.review_story import REVIEW_DAY, submitted
from kstt.reports.tests.test_documents import make_pdf
from kstt.tests.browser.test_report_entry_browser import KEYS, ROW
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import AT, NOW

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}

#: The visible grid messages that overlap an editable cell (each as "message ⟂ cell").
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('.cell-message')].filter((m) => m.offsetParent !== null);
  const cells = [...document.querySelectorAll('input.grid-input')];
  const cross = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  for (const m of boxes) for (const c of cells) {
    if (cross(m.getBoundingClientRect(), c.getBoundingClientRect())) found.push(m.dataset.testid + ' ⟂ ' + c.name);
  }
  return found;
}"""
#: Whether an input's placeholder fits inside it (its text measured in its own font).
PLACEHOLDER_FITS = """(el) => {
  const style = getComputedStyle(el);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return context.measureText(el.placeholder).width <= room;
}"""
#: The right edge of the widest element of the page that is not inside a box that scrolls by itself.
WIDEST = """() => {
  let widest = 0;
  for (const el of document.querySelectorAll('main *')) {
    const box = el.closest('.report-grid-wrap, .table-responsive');
    if (box && box !== el) continue;
    if (el.offsetParent === null) continue;
    widest = Math.max(widest, el.getBoundingClientRect().right);
  }
  return Math.ceil(Math.max(widest, document.documentElement.scrollWidth));
}"""


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


def type_row(page, field, values):
    for key, value in zip(KEYS, values, strict=True):
        page.get_by_test_id(f"cell-06-{field}-{key}").fill(str(value))


# --- The grid at 1366×768 -----------------------------------------------------------------------------------


def test_a_message_covers_no_cell_and_the_cell_below_takes_the_click(page, live_server, lan, kstt_report):
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/reports/W05341/2021Q3/")
    # Her rows, in order: Chứng thực (CT), Đất đai (DD), Hộ tịch (HT). Column 3 of CT one too many: R1 and R4 fail.
    type_row(page, "CT", [ROW[0] + 1, *ROW[1:]])
    message = page.get_by_test_id("live-06-CT-received_total")
    expect(message).to_be_visible()
    expect(message).to_contain_text("Cột 3 — Tổng số:")
    assert page.evaluate(OVERLAPS) == []
    below = page.get_by_test_id("cell-06-DD-received_total")
    below.click()  # Playwright clicks only what receives the click: nothing may lie over it
    expect(below).to_be_focused()
    type_row(page, "DD", ROW)
    count = page.get_by_test_id("findings-count-06")
    expect(count.locator("[data-count]")).to_have_text("1")  # one cell, whatever the number of its rules

    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    expect(page.get_by_test_id("msg-06-CT-received_total")).to_be_visible()
    expect(count.locator("[data-count]")).to_have_text("2")  # Chứng thực's cell and the total's
    assert page.evaluate(OVERLAPS) == []
    page.get_by_test_id("cell-06-DD-received_total").click()
    expect(page.get_by_test_id("cell-06-DD-received_total")).to_be_focused()
    page.get_by_test_id("cell-06-CT-received_total").fill(str(ROW[0]))  # fixed: the messages go
    expect(page.get_by_test_id("msg-06-CT-received_total")).to_have_count(0)
    expect(page.get_by_test_id("msg-06-total-received_total")).to_have_count(0)  # the totals are new
    expect(count).to_be_hidden()


def test_the_reason_for_a_change_from_the_dossiers_is_readable(page, live_server, lan, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)  # Yên Nghiệp's dossiers: form 06 is prefilled
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/reports/W05341/2021Q3/")
    cell = page.get_by_test_id("cell-06-HT-received_total")
    cell.fill(str(int(cell.input_value() or 0) + 4))
    reason = page.get_by_test_id("reason-06-HT-received_total")
    expect(reason).to_be_visible()
    assert reason.evaluate(PLACEHOLDER_FITS), reason.get_attribute("placeholder")
    expect(reason).to_have_attribute("aria-label", re.compile(r"^Lý do sửa số liệu: Hộ tịch, 3"))
    # One cell to check, for two reasons: its rules (R1, R4) fail, and the change has no reason yet.
    expect(page.get_by_test_id("findings-count-06").locator("[data-count]")).to_have_text("1")
    expect(page.get_by_test_id("recon-06-HT-received_total")).to_have_class(re.compile("recon-missing"))
    reason.fill("Hồ sơ nộp thẳng tại xã")
    expect(page.get_by_test_id("recon-06-HT-received_total")).not_to_have_class(re.compile("recon-missing"))


# --- The review page at 1366×768 ----------------------------------------------------------------------------


def test_minh_reads_the_report_before_deciding_and_confirms(
    page, live_server, settings, lan, minh, commune_yen_nghiep, kstt_report
):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan)
    settings.KSTT_CLOCK = REVIEW_DAY
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "minh")
    page.goto(f"{live_server.url}/review/W05341/2021Q3/")
    expect(page.get_by_test_id("timeliness")).to_be_in_viewport()  # on time or not, at once
    expect(page.get_by_test_id("timeliness-status")).to_have_text("Đúng hạn")
    expect(page.get_by_test_id("decide")).not_to_be_in_viewport()  # the report first
    grid = page.get_by_test_id("grid-06/VPCP/KSTT").bounding_box()
    decide = page.get_by_test_id("decide").bounding_box()
    assert decide["y"] >= grid["y"] + grid["height"]
    page.get_by_test_id("decide-link").get_by_role("link").click()
    expect(page.get_by_test_id("decide")).to_be_in_viewport()

    page.locator("#accept-text").fill("Báo cáo đầy đủ")
    page.get_by_test_id("accept").click()
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("Báo cáo đầy đủ")
    page.get_by_test_id("confirm-back").click()  # he goes back: nothing is recorded
    expect(page.get_by_test_id("decide")).to_be_visible()
    assert not Review.objects.exists()
    page.get_by_test_id("accept").click()
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã tiếp nhận")
    assert ReportInstance.objects.get(pk=report.pk).status == "accepted"


def test_hoa_confirms_her_decision_on_an_appeal(page, live_server, settings, tuan, hoa, dept_justice, kstt_report):
    appeal = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"),
                         reason="Mất kết nối mạng", at=NOW, actor=tuan)  # fmt: skip
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "hoa")
    page.goto(f"{live_server.url}/compliance/lines/P17-STP/2021Q1/")
    form = page.get_by_test_id("decision-form")
    form.get_by_label("Không chấp nhận: giữ nguyên điểm trừ").check()
    form.get_by_label("Lý do quyết định").fill("Không có sự cố của hệ thống.")
    form.get_by_test_id("decide").click()
    expect(page.get_by_test_id("confirm-summary")).to_contain_text("Không có sự cố của hệ thống.")
    assert Appeal.objects.get(pk=appeal.pk).decision == "pending"  # asked, not recorded
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("appeal-decision")).to_have_text("Không chấp nhận: giữ nguyên điểm trừ")
    assert Appeal.objects.get(pk=appeal.pk).decision == "upheld"


# --- A phone, 390×844 -------------------------------------------------------------------------------------


def test_lan_reports_from_her_phone(page, live_server, lan, kstt_report, tmp_path):
    page.set_viewport_size(PHONE)
    log_in(page, live_server, "lan")
    owed = page.get_by_test_id("owed")
    expect(owed).to_be_visible()
    assert page.evaluate(WIDEST) <= PHONE["width"]  # what her commune owes, without scrolling sideways
    row = page.get_by_test_id("owed-W05341-2021Q3")
    row.scroll_into_view_if_needed()
    for cell in row.locator("td").all():  # every fact of the report on the screen: one card, no hidden column
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], cell.inner_text()
    expect(row.get_by_test_id("report-status")).to_be_in_viewport()
    row.get_by_test_id("open-report").click()

    expect(page.get_by_role("heading", name="Ủy ban nhân dân xã Yên Nghiệp")).to_be_visible()
    assert page.evaluate(WIDEST) <= PHONE["width"]  # the page itself never scrolls sideways
    wrap = page.locator(".report-grid-wrap").first
    assert wrap.evaluate("(w) => w.scrollWidth > w.clientWidth")  # the grid scrolls inside its own box
    label = page.get_by_test_id("row-06-HT").locator(".col-label")
    number = page.get_by_test_id("row-06-HT").locator(".col-stt")
    before = label.bounding_box()["x"]
    wrap.evaluate("(w) => { w.scrollLeft = w.scrollWidth; }")
    page.wait_for_function("() => document.querySelector('.report-grid-wrap').scrollLeft > 0")
    assert abs(label.bounding_box()["x"] - before) < 2 and number.bounding_box()["x"] >= 0  # STT, name fixed
    last = page.get_by_test_id("cell-06-HT-pending_overdue").bounding_box()  # the last column, beside them
    beside = label.bounding_box()["x"] + label.bounding_box()["width"] - 1
    assert beside < last["x"] and last["x"] + last["width"] <= PHONE["width"]

    type_row(page, "HT", ROW)
    expect(page.get_by_test_id("total-06-received_total")).to_have_text(str(ROW[0]))
    sections = page.locator("textarea[name^='s|']")
    for i in range(sections.count()):
        sections.nth(i).fill("Đã thực hiện theo kế hoạch.")
    pdf = tmp_path / "bao-cao.pdf"
    pdf.write_bytes(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao) Tj ET"))
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(pdf))
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_test_id("document-unsigned")).to_be_visible()
    assert page.evaluate(WIDEST) <= PHONE["width"]
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")
    assert ReportInstance.objects.get(unit__code="W05341", period="2021Q3").status == "submitted"
