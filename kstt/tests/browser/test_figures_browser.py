"""The grid's totals as Lan types (grid.js): exact, never rounded, and only over figures (rules.md §5).

A number over the form's ceiling (999,999,999) is said on its cell at once and leaves its column without a
total; numbers at the ceiling add up exactly, whatever their size (BigInt, not floating point).
"""

import pytest
from playwright.sync_api import expect

from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import NOW

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


def test_the_totals_are_exact_and_a_number_over_the_ceiling_is_said_on_its_cell(page, live_server, lan, kstt_report):
    log_in(page, live_server, "lan")
    page.goto(f"{live_server.url}/reports/W05341/2021Q3/")
    total = page.get_by_test_id("total-06-received_total")

    page.get_by_test_id("cell-06-HT-received_total").fill("999999999")
    page.get_by_test_id("cell-06-CT-received_total").fill("999999999")
    page.get_by_test_id("cell-06-DD-received_total").fill(" 999 999 999 ")  # spaces, as the server reads it
    expect(total).to_have_text("2999999997")

    page.get_by_test_id("cell-06-HT-received_total").fill("99999999999999999999")
    expect(total).to_have_text("")  # no total over a cell that is not a figure (not 100000000000000000000)
    message = page.get_by_test_id("live-06-HT-received_total")
    expect(message).to_contain_text("Số liệu là số nguyên từ 0 đến 999.999.999")
    page.get_by_test_id("cell-06-HT-received_total").fill("-3")
    expect(total).to_have_text("")
    expect(page.get_by_test_id("live-06-HT-received_total")).to_contain_text("Số hồ sơ phải là số nguyên không âm")

    page.get_by_test_id("cell-06-HT-received_total").fill("1000000000")  # one over the ceiling
    expect(page.get_by_test_id("live-06-HT-received_total")).to_contain_text("999.999.999")
    page.get_by_test_id("cell-06-HT-received_total").fill("+7")  # as the server reads it: 7
    expect(total).to_have_text("2000000005")
    expect(page.get_by_test_id("live-06-HT-received_total")).to_have_count(0)
