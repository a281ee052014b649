"""Hoa of the provincial office, on Saturday 25/09/2021, filters the dashboard to the reports overdue, not
sent, downloads the urging letter (công văn đôn đốc) and finds it recorded on Sở Tư pháp's line."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import docx
import pytest
from playwright.sync_api import expect

from kstt.tests.browser.test_unit_search import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HN = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = datetime(2021, 9, 25, 9, 0, tzinfo=HN)


@pytest.fixture(autouse=True)
def _overdue(settings, cast, kstt_report, hoa, tuan):
    settings.KSTT_CLOCK = SATURDAY


def test_hoa_downloads_the_urging_letter_and_sees_it_on_the_line(page, live_server):
    log_in(page, live_server, "hoa")
    page.goto(f"{live_server.url}/compliance/?year=2021&status=overdue&level=department")
    with page.expect_download() as download:
        page.get_by_test_id("urging-letter").click()
    assert download.value.suggested_filename.endswith(".docx")
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    head = document.tables[0].rows[0].cells
    assert head[1].text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Hòa Bình, ngày 25 tháng 9 năm 2021" in head[1].text
    assert [cell.text for cell in document.tables[1].rows[1].cells][1] == "Sở Tư pháp"
    page.goto(f"{live_server.url}/compliance/lines/P17-STP/2021Q3/")
    expect(page.get_by_test_id("urging-letter")).to_contain_text("đã soạn công văn để ký")
