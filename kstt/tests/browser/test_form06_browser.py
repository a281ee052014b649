"""Minh opens Lạc Sơn's form 06, clicks a figure, and reads the dossiers behind it."""

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
