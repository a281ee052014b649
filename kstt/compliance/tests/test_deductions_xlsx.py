"""The workbook for the Department of Home Affairs: the province's table and every line, in Vietnamese, ready
to print. Reopened with openpyxl: cells, merges, number formats and page set-up, never bytes.

The story of ledger_story.py on 10/11/2021, with Sở Tư pháp's Q1 overturned, Lạc Sơn's Q1 upheld, and an
incident that excused Sở Tư pháp's Q3.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from kstt.catalogue.rules.periods import Period
from kstt.compliance.deductions_xlsx import render_deductions_xlsx
from kstt.compliance.ledger_selectors import incident_descriptions, ledger
from kstt.compliance.services import decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import (
    DECIDED,
    FILED,
    NOW,
    history,  # noqa: F401 (a fixture)
    make_thu,
)
from kstt.incidents.services import record_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]
HN = ZoneInfo("Asia/Ho_Chi_Minh")
Q1 = Period.parse("2021Q1")


@pytest.fixture
def workbook(kstt_report, dept_justice, district_lac_son, tuan, hoa):
    thu = make_thu(district_lac_son)
    record_incident(
        start=datetime(2021, 9, 20, 20, tzinfo=HN), end=datetime(2021, 9, 22, 8, tzinfo=HN), all_units=False,
        units=[dept_justice], description="Mất kết nối đường truyền", at=NOW, actor=hoa, reason="Biên bản sự cố",
    )  # fmt: skip
    justice = file_appeal(unit=dept_justice, report_type=kstt_report, period=Q1, reason="Có sự cố.", at=FILED,
                          actor=tuan)  # fmt: skip
    lac_son = file_appeal(unit=district_lac_son, report_type=kstt_report, period=Q1, reason="Biểu đã gửi.",
                          at=FILED, actor=thu)  # fmt: skip
    decide_appeal(appeal=justice, decision="overturned", reason="Xác minh được sự cố", at=DECIDED, actor=hoa)
    decide_appeal(appeal=lac_son, decision="upheld", reason="Không có căn cứ", at=DECIDED, actor=hoa)
    the_ledger = ledger(report_type=kstt_report, year=2021, as_of=NOW)
    data = render_deductions_xlsx(the_ledger, HN, incidents=incident_descriptions(the_ledger))
    return load_workbook(io.BytesIO(data))


def values(ws, row, first="A", last="J"):
    return [cell.value for cell in ws[f"{first}{row}:{last}{row}"][0]]


def test_the_provinces_table(workbook):
    ws = workbook["Tổng hợp"]
    assert workbook.sheetnames == ["Tổng hợp", "Chi tiết"]
    assert ws["A1"].value == "BẢNG TỔNG HỢP ĐIỂM TRỪ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH"
    assert ws["A2"].value.endswith("NĂM 2021")
    assert "10/11/2021 09:00" in ws["A3"].value
    assert values(ws, 5) == ["STT", "Mã đơn vị", "Tên đơn vị", "Cấp", "Điểm trừ theo kỳ báo cáo", None, None, None,
                             "Tổng điểm trừ", "Ghi chú (kiến nghị)"]  # fmt: skip
    assert values(ws, 6, "E", "H") == ["Quý I", "Quý II", "Quý III", "Quý IV"]
    assert {"E5:H5", "A5:A6", "I5:I6", "J5:J6", "A1:J1"} <= {str(r) for r in ws.merged_cells.ranges}
    # departments first, then districts; Q4 is not final: empty
    assert values(ws, 7, "A", "I") == [1, "P17-STP", "Sở Tư pháp", "Sở, ban, ngành", 0, 0, 0, None, 0]
    assert values(ws, 8, "A", "I") == [2, "D156", "Ủy ban nhân dân huyện Mai Châu", "Cấp huyện", 0.5, 0.5, 0.5,
                                       None, 1.5]  # fmt: skip
    assert values(ws, 9, "A", "I") == [3, "D157", "Ủy ban nhân dân huyện Lạc Sơn", "Cấp huyện", 0.25, 0.5, 0,
                                       None, 0.75]  # fmt: skip
    # the overturned line counts 0 and says why; the upheld one still counts
    assert ws["J7"].value == "Quý I: kiến nghị được chấp nhận, không tính 0,50 điểm (Xác minh được sự cố)"
    assert ws["J9"].value == "Quý I: kiến nghị không được chấp nhận, giữ nguyên điểm trừ (Không có căn cứ)"
    assert values(ws, 10, "A", "I") == ["Tổng cộng", None, None, None, 0.75, 1, 0.5, 0, 2.25]
    assert ws["E8"].number_format == "0.00" and ws["I10"].number_format == "0.00"
    assert ws["A10"].font.b and ws["E5"].font.b and ws["A7"].border.left.style == "thin"
    assert "để trống" in ws["A12"].value


def test_every_line_with_its_evidence(workbook):
    ws = workbook["Chi tiết"]
    assert ws["A1"].value == "CHI TIẾT CÁC DÒNG ĐIỂM TRỪ NĂM 2021"
    header = [c.value for c in ws[4]]
    assert header == ["STT", "Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Thời hạn gửi", "Thời hạn sau gia hạn",
                      "Thời điểm gửi", "Tình trạng", "Lỗi chất lượng", "Sự cố kỹ thuật", "Phiên bản thiết lập",
                      "Điểm trừ theo quy định", "Điểm trừ được tính", "Kiến nghị"]  # fmt: skip
    rows = {(r[1], r[3]): r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert len(rows) == 9  # three units, three final quarters
    assert rows[("D157", "Quý I/2021")][4:13] == (
        "19/03/2021 23:59", "19/03/2021 23:59", "17/03/2021 09:00", "Đúng hạn",
        "Thiếu biểu mẫu bắt buộc hoặc không đúng mẫu quy định", None, 1, 0.25, 0.25,
    )  # fmt: skip
    assert rows[("D157", "Quý I/2021")][13] == "Kiến nghị không được chấp nhận, giữ nguyên điểm trừ (Không có căn cứ)"
    justice_q1 = rows[("P17-STP", "Quý I/2021")]
    assert justice_q1[6:9] == ("Không gửi", "Không gửi", None) and justice_q1[11:13] == (0.5, 0)
    justice_q3 = rows[("P17-STP", "Quý III/2021")]
    assert justice_q3[4:8] == (
        "20/09/2021 23:59",
        "23/09/2021 23:59",
        "22/09/2021 10:00",
        "Được gia hạn do sự cố",
    )
    assert justice_q3[9].endswith("Mất kết nối đường truyền") and justice_q3[9].startswith("#")
    assert rows[("D156", "Quý II/2021")][7] == "Không gửi"


@pytest.mark.parametrize("sheet", ["Tổng hợp", "Chi tiết"])
def test_ready_to_print(workbook, sheet):
    ws = workbook[sheet]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == ("$5:$6" if sheet == "Tổng hợp" else "$4:$4")
    assert ws.freeze_panes == ("D7" if sheet == "Tổng hợp" else "D5")
