"""What Lan's report page says about her figures (issue 13 points 12 and 14): each cell's messages on a line
under its row (never inside the cell, where they covered the cells below), the number of cells to check
(not of findings), and the checks that stop a submission named in words."""

import pytest

from kstt.reports.tests.test_report_page import PDF, ROW, URL, cells, narrative, post
from kstt.tests.cast import NOW
from kstt.tests.test_vietnamese_walk import visible_text


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def lan_client(client, lan, kstt_report):
    client.force_login(lan)
    return client


def element(html: str, marker: str, end: str) -> str:
    start = html.rfind("<", 0, html.index(marker))
    return html[start:].split(end)[0]


BROKEN_HT = cells("HT", ROW | {"received_total": 6})  # R1 and R4 fail on one cell, and on the total's


def test_a_cells_messages_are_on_the_line_under_its_row_not_in_the_cell(lan_client):
    post(lan_client, BROKEN_HT | cells("CT", ROW))
    html = lan_client.get(URL).content.decode()
    cell = element(html, 'data-testid="cell-06-HT-received_total"', "</td>")
    assert "cell-message" not in cell  # nothing drawn over the cells below
    line = element(html, 'data-messages-for="HT"', "</tr>")
    assert 'data-testid="msg-06-HT-received_total"' in line
    said = " ".join(visible_text(line))
    assert said.startswith("Cột 3 — Tổng số:") and "Tổng số hồ sơ nhận giải quyết phải bằng" in said
    assert 'aria-describedby="msg-06-HT-received_total"' in cell  # the input still points at its message
    assert 'class="row-messages d-none" data-messages-for="CT"' in html  # a clean row has an empty line


def test_the_count_is_of_cells_not_of_findings(lan_client):
    post(lan_client, BROKEN_HT)  # 4 findings: R1 and R4 on Hộ tịch's column 3, and on the total's
    html = lan_client.get(URL).content.decode()
    count = element(html, 'data-testid="findings-count-06"', "</div>")
    assert visible_text(count)[:2] == ["Số ô cần kiểm tra lại:", "2"]


def test_a_grid_without_a_finding_shows_no_count(lan_client):
    post(lan_client, cells("HT", ROW))
    html = lan_client.get(URL).content.decode()
    assert 'data-testid="findings-count-06" hidden' in html


def test_the_checks_shown_before_submitting_are_named_in_words(lan_client):
    post(lan_client, BROKEN_HT | narrative(), document=PDF)
    box = " ".join(visible_text(element(lan_client.get(URL).content.decode(), 'data-testid="checks-flags"', "</div>")))
    assert "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: Tổng số hồ sơ nhận giải quyết phải bằng" in box
    assert "Biểu 06 · Tổng cộng · Cột 3 — Tổng số:" in box
    for code in ("06/VPCP/KSTT", "received_total", "R1", " HT "):
        assert code not in f" {box} "


def test_an_empty_required_section_is_named_by_its_title(lan_client):
    sections = narrative()
    sections.pop("s|direction")
    post(lan_client, cells("HT", ROW) | sections, document=PDF)
    html = lan_client.get(URL).content.decode()
    completeness = " ".join(visible_text(element(html, 'data-testid="completeness"', "</ul>")))
    assert "I.1. Công tác chỉ đạo, điều hành" in completeness and "direction" not in completeness
