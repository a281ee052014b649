"""Issue 8, end to end in chromium: Lan sends her commune's report, her reviewer returns it with a reason, she
corrects and resubmits version 2, the reviewer sees version 2 beside version 1 and accepts it. Once in the 2021
three-level shape (Minh of district Lạc Sơn reviews), once in the two-level shape of today (Hoa of the province
reviews the commune directly). Screens in Vietnamese, on an office PC's 1366×768 screen."""

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import expect

from kstt.reports.models import ReportInstance
from kstt.reports.tests.test_documents import Identity, make_pdf, sign
from kstt.tests.browser.conftest import ARTIFACTS
from kstt.tests.browser.test_report_entry_browser import KEYS, ROW
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import AT, NOW
from kstt.units.services import load_units

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1366, "height": 768}
REVIEW_DAY = datetime(2021, 9, 20, 3, 0, tzinfo=UTC)  # Monday 20/09/2021, 10:00 in Hà Nội
CORRECTED_DAY = datetime(2021, 9, 21, 3, 0, tzinfo=UTC)
TWO_LEVELS = "code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,P17\n"


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture(scope="module")
def signed_report_pdf() -> bytes:
    """The report as the chairman of Yên Nghiệp signed it, with a throw-away certificate."""
    chairman = Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp", issuer=Identity("CA thử nghiệm KSTT", "Kiểm thử"))
    return sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao KSTT quy III) Tj ET"), chairman)


def person_page(browser, live_server, username):
    """A second person at a second PC: her or his own browser context, logged in."""
    page = browser.new_context(locale="en-US", viewport=SCREEN).new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, username)
    expect(page.get_by_test_id("whoami")).to_be_visible()
    return page


def fill_row(page, field, values):
    for key, value in zip(KEYS, values, strict=True):
        page.get_by_test_id(f"cell-06-{field}-{key}").fill(str(value))


def fill_outline(page):
    sections = page.locator("textarea[name^='s|']")
    for i in range(sections.count()):
        sections.nth(i).fill("Đã thực hiện theo kế hoạch.")


def attach(page, tmp_path, pdf):
    path = tmp_path / "bao-cao-ky-so.pdf"
    path.write_bytes(pdf)
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(path))
    page.get_by_role("button", name="Đính kèm").click()
    signature = page.get_by_test_id("signature")
    expect(signature).to_contain_text("Người ký")
    expect(signature).to_contain_text("Bùi Văn Hùng")
    expect(signature).to_contain_text("nguyên vẹn, không bị sửa sau khi ký")
    expect(page.get_by_test_id("document-unsigned")).to_have_count(0)


def return_with_reason(page, reason_label, text):
    expect(page.get_by_test_id("decide")).to_be_visible()
    page.get_by_test_id("return-form").get_by_label(reason_label, exact=True).check()
    page.locator("#return-text").fill(text)
    page.get_by_test_id("return").click()
    expect(page.get_by_test_id("confirm-summary")).to_contain_text(reason_label)  # asked first
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Bị trả lại")


def correct_and_resubmit(page, live_server, report_url, reason_label, text):
    """Lan sees the bell, the returned status with its reason, moves one dossier from 'online' to 'direct'."""
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("bell-count")).to_contain_text("1")
    page.goto(report_url)
    expect(page.get_by_test_id("report-status")).to_have_text("Bị trả lại")
    returned = page.get_by_test_id("returned")
    expect(returned).to_contain_text("Phiên bản 1 đã bị trả lại")
    expect(returned).to_contain_text(reason_label)
    expect(returned).to_contain_text(text)
    page.get_by_test_id("cell-06-HT-received_online").fill(str(ROW[1] - 1))
    page.get_by_test_id("cell-06-HT-received_direct").fill(str(ROW[2] + 1))
    expect(page.get_by_test_id("submit")).to_have_text("Gửi phiên bản 2")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")
    expect(page.get_by_test_id("submitted")).to_contain_text("Phiên bản 2")


def compare_and_accept(page, screenshot=None):
    """The reviewer reads version 2 beside version 1, the changed cells highlighted, and accepts it."""
    expect(page.get_by_test_id("versions")).to_contain_text("1")
    grid = page.get_by_test_id("grid-06/VPCP/KSTT")
    expect(page.get_by_test_id("changed-count-06/VPCP/KSTT")).to_have_text("4 ô thay đổi")  # 2 in Hộ tịch, 2 totals
    expect(grid.locator("td[data-changed='1']")).to_have_count(4)
    changed = grid.locator("tr", has_text="Hộ tịch").locator("td[data-changed='1']")
    expect(changed).to_have_count(2)
    expect(changed.first).to_have_class("table-warning")
    expect(changed.first).to_contain_text(f"{ROW[1] - 1}{ROW[1]}")  # the new value, the old one struck through
    if screenshot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}.png"))  # what the reviewer sees first
        page.screenshot(path=str(ARTIFACTS / f"{screenshot}-full.png"), full_page=True)
    page.get_by_test_id("accept").click()
    expect(page.get_by_role("heading", name="Tiếp nhận phiên bản 2?")).to_be_visible()  # asked first
    page.get_by_test_id("confirm-button").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã tiếp nhận")


def test_lan_submits_minh_returns_lan_corrects_minh_accepts_version_2(
    page, browser, live_server, settings, lan, minh, kstt_report, tmp_path, signed_report_pdf
):
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "lan")
    page.get_by_test_id("owed-W05341-2021Q3").get_by_test_id("open-report").click()
    report_url = page.url

    # One rule broken: column 3 one too many; the message is on the cell, in Vietnamese, as she types.
    fill_row(page, "HT", [ROW[0] + 1, *ROW[1:]])
    page.get_by_test_id("cell-06-HT-received_total").focus()
    expect(page.get_by_test_id("live-06-HT-received_total")).to_contain_text("Tổng số hồ sơ nhận giải quyết phải bằng")
    page.get_by_test_id("cell-06-HT-received_total").fill(str(ROW[0]))
    expect(page.get_by_test_id("total-06-received_total")).to_have_text(str(ROW[0]))
    expect(page.get_by_test_id("live-06-HT-received_total")).to_have_count(0)  # fixed: the message goes
    fill_outline(page)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    expect(page.get_by_test_id("msg-06-HT-received_total")).to_have_count(0)
    attach(page, tmp_path, signed_report_pdf)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")

    # Minh, on Monday, finds it in his list and returns it.
    settings.KSTT_CLOCK = REVIEW_DAY
    minh_page = person_page(browser, live_server, "minh")
    minh_page.goto(f"{live_server.url}/review/?period=2021Q3")
    row = minh_page.get_by_test_id("review-row-W05341")
    expect(row).to_contain_text("Chờ xem xét")
    row.get_by_role("link", name="Ủy ban nhân dân xã Yên Nghiệp").click()
    expect(minh_page.get_by_test_id("signature")).to_contain_text("Bùi Văn Hùng")
    expect(minh_page.get_by_test_id("no-flags")).to_be_visible()
    return_with_reason(minh_page, "Số liệu không chính xác", "Số hồ sơ trực tuyến lĩnh vực hộ tịch chưa đúng.")

    # Lan corrects one figure and sends version 2.
    settings.KSTT_CLOCK = CORRECTED_DAY
    correct_and_resubmit(
        page, live_server, report_url, "Số liệu không chính xác", "Số hồ sơ trực tuyến lĩnh vực hộ tịch chưa đúng."
    )

    # Minh reads version 2 beside version 1 and accepts it.
    minh_page.reload()
    expect(minh_page.get_by_test_id("decide")).to_contain_text("phiên bản 2")
    compare_and_accept(minh_page, screenshot="review-version-2-1366x768")
    minh_page.context.close()

    page.reload()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã tiếp nhận")
    expect(page.get_by_test_id("accepted")).to_contain_text("Phiên bản 2 đã được chấp nhận")
    report = ReportInstance.objects.get(unit__code="W05341", period="2021Q3")
    assert report.status == "accepted" and report.versions.count() == 2 and report.recipient.code == "D157"


def test_in_the_two_level_shape_hoa_of_the_province_returns_and_accepts(
    page, browser, live_server, settings, lan, minh, hoa, kstt_report, tmp_path, signed_report_pdf
):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=AT, source="reform")
    settings.KSTT_CLOCK = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)  # the 2025Q3 window is open
    page.set_viewport_size(SCREEN)
    log_in(page, live_server, "lan")
    expect(page.get_by_test_id("whoami")).to_be_visible()
    report_url = f"{live_server.url}/reports/W05341/2025Q3/"
    page.goto(report_url)
    fill_row(page, "HT", ROW)
    fill_outline(page)
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.get_by_text("Đã lưu bản nháp.")).to_be_visible()
    attach(page, tmp_path, signed_report_pdf)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")

    # Minh's district is gone: the commune reports straight to the province.
    settings.KSTT_CLOCK = datetime(2025, 9, 20, 3, 0, tzinfo=UTC)
    minh_page = person_page(browser, live_server, "minh")
    assert minh_page.goto(f"{live_server.url}/review/W05341/2025Q3/").status == 404
    minh_page.context.close()
    hoa_page = person_page(browser, live_server, "hoa")
    hoa_page.goto(f"{live_server.url}/review/?period=2025Q3")
    hoa_page.get_by_test_id("review-row-W05341").get_by_role("link", name="Ủy ban nhân dân xã Yên Nghiệp").click()
    return_with_reason(hoa_page, "Không đúng đề cương", "Bổ sung theo đề cương mới.")

    settings.KSTT_CLOCK = datetime(2025, 9, 22, 3, 0, tzinfo=UTC)
    correct_and_resubmit(page, live_server, report_url, "Không đúng đề cương", "Bổ sung theo đề cương mới.")
    hoa_page.reload()
    compare_and_accept(hoa_page)
    hoa_page.context.close()

    page.reload()
    expect(page.get_by_test_id("accepted")).to_contain_text("Phiên bản 2 đã được chấp nhận")
    report = ReportInstance.objects.get(unit__code="W05341", period="2025Q3")
    assert report.status == "accepted" and report.recipient.code == "P17"
