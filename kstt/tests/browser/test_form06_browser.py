"""Minh opens Lạc Sơn's form 06, clicks a figure, and reads the dossiers behind it."""

import re

import pytest
from playwright.sync_api import expect

from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.services import push_dossiers
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import AT

pytestmark = pytest.mark.django_db(transaction=True)


def test_minh_clicks_a_figure_and_sees_its_dossiers(page, live_server, minh, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    log_in(page, live_server, "minh")
    page.goto(f"{live_server.url}/units/D157/")
    page.get_by_role("link", name="Biểu 06 tính từ hồ sơ").click()
    page.get_by_label("Kỳ báo cáo").select_option("2021Q3")
    table = page.get_by_test_id("form06")
    expect(table).to_contain_text("Xã, phường, thị trấn")
    page.get_by_test_id("cell-W05344-13").click()
    expect(page.get_by_test_id("evidence-count")).to_have_text("1 hồ sơ")
    expect(page.get_by_test_id("evidence")).to_contain_text("HS-5")


def test_hoa_scrolls_the_provinces_form_collapses_a_district_and_prints_every_row(page, live_server, hoa, kstt_report):
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    page.set_viewport_size({"width": 1280, "height": 420})
    log_in(page, live_server, "hoa")
    page.goto(f"{live_server.url}/units/P17/form06/?period=2021Q3")
    expect(page.get_by_label("Kỳ báo cáo")).to_have_value("2021Q3")
    expect(page.get_by_label("Kỳ báo cáo").locator("option:checked")).to_have_text("Quý III/2021")

    # The headings stay in view after scrolling past the first rows.
    headings = page.get_by_test_id("form06").locator("thead")
    first_row = page.get_by_test_id("level-department")
    page.mouse.wheel(0, 700)
    page.wait_for_function("() => window.scrollY > 300")  # a function: a bare expression is eval, which the CSP refuses
    assert first_row.bounding_box()["y"] < 0  # scrolled out of view
    top = headings.bounding_box()["y"]
    assert 0 <= top < 2, top
    expect(headings.get_by_text("Số hồ sơ đã giải quyết")).to_be_in_viewport()

    # A district's group collapses to its subtotal and expands again.
    yen_nghiep = page.get_by_test_id("cell-W05341-3")
    subtotal = page.get_by_test_id("cell-D157/commune-3")
    toggle = page.get_by_test_id("toggle-D157")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(yen_nghiep).to_be_hidden()
    expect(subtotal).to_be_visible()
    expect(page.get_by_test_id("cell-W05200-3")).to_be_visible()  # Mai Châu's group stays open
    toggle.click()
    expect(yen_nghiep).to_be_visible()
    page.get_by_role("button", name="Thu gọn tất cả các nhóm").click()
    expect(yen_nghiep).to_be_hidden()
    expect(page.get_by_test_id("cell-W05200-3")).to_be_hidden()

    # Printing shows every row, collapsed or not, without the navigation bar, on A4 landscape.
    page.emulate_media(media="print")
    expect(yen_nghiep).to_be_visible()
    expect(page.get_by_test_id("cell-W05200-3")).to_be_visible()
    expect(page.locator("nav.navbar")).to_be_hidden()
    pdf = page.pdf(prefer_css_page_size=True)
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert box is not None
    width, height = float(box[1]), float(box[2])
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    page.emulate_media(media="screen")
    expect(yen_nghiep).to_be_hidden()
