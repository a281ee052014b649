"""Minh, the reviewer of Lạc Sơn, on 20/10/2021 opens his district's Q3 report page, downloads the narrative
report KSTT drafted and finds Yên Nghiệp's text under its name and Ân Nghĩa among the units that sent nothing."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import docx
import pytest

from kstt.compliance.tests.test_narrative import SENT, send
from kstt.tests.browser.test_unit_search import log_in

pytestmark = pytest.mark.django_db(transaction=True)

HN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _sent(settings, tmp_path, cast, kstt_report, minh):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = datetime(2021, 10, 20, 9, 0, tzinfo=HN)
    send(cast["W05341"], kstt_report, 5, at=SENT, texts={"direction": "Xã đã niêm yết công khai 120 TTHC."})


def test_minh_downloads_the_districts_narrative_draft(page, live_server):
    log_in(page, live_server, "minh")
    page.goto(f"{live_server.url}/reports/D157/2021Q3/")
    with page.expect_download() as download:
        page.get_by_test_id("narrative-docx").click()
    assert download.value.suggested_filename == "bao-cao-kstt-D157-2021Q3.docx"
    document = docx.Document(io.BytesIO(download.value.path().read_bytes()))
    head = document.tables[0].rows[0].cells
    assert head[0].text.startswith("ỦY BAN NHÂN DÂN HUYỆN LẠC SƠN")
    assert "Lạc Sơn, ngày 20 tháng 10 năm 2021" in head[1].text
    paragraphs = [p.text for p in document.paragraphs]
    start = paragraphs.index("Ủy ban nhân dân xã Yên Nghiệp:")
    assert paragraphs[start + 1] == "Xã đã niêm yết công khai 120 TTHC."
    assert "Ủy ban nhân dân xã Ân Nghĩa (chưa gửi báo cáo)" in paragraphs[start + 2]
