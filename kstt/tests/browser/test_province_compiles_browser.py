"""The province compiles its units' reports and sends its own (issue 15), in both shapes of the tree.

Chương of the provincial office reviews the units and writes the province's report. He opens form 06
compiled from the reports the province received: the units that sent nothing are listed, a figure that
differs from the one-stop dossiers is highlighted. He downloads the compiled workbook, the narrative KSTT
drafted, the urging letter to the units that have not sent, attaches the chairman's signed PDF, submits the
province's report and downloads the package for the national system.

- 2021 (three levels): Hòa Bình, Q3/2021. Sở Tư pháp and Lạc Sơn (with its communes) reported; Mai Châu
  and its commune did not.
- Two levels (since 1 July 2025): Phú Thọ, Q1/2026. Its department and one commune reported, straight to
  the province; the other commune did not.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.compilation.tests.test_form06_command import DOSSIERS, d
from kstt.dossiers.services import push_dossiers
from kstt.reports import services
from kstt.reports.tests import test_compiled_from_reports as story
from kstt.reports.tests.test_documents import Identity, make_pdf, sign
from kstt.reports.tests.test_province_report import ROW, SECTIONS
from kstt.tests.browser.test_unit_search import log_in
from kstt.tests.cast import AT
from kstt.units.models import Unit
from kstt.units.services import load_units

pytestmark = pytest.mark.django_db(transaction=True)

sent, _media = story.sent, story._media  # the 2021 story: who reported Q3/2021 in Hòa Bình

FORM07B = "II.07b/VPCP/KSTT"
PASSWORD = "correct horse 2021"
Q1_2026 = datetime(2026, 3, 25, 2, 0, tzinfo=UTC)  # 09:00 in Hà Nội: Q1/2026 past its deadline, not closed
PHU_THO = """code,name,level,kind,parent_code
P25,Ủy ban nhân dân tỉnh Phú Thọ,province,tỉnh,
P25-STP,Sở Tư pháp tỉnh Phú Thọ,department,"sở, ban, ngành",P25
W09001,Ủy ban nhân dân phường Hòa Bình,commune,phường,P25
W09002,Ủy ban nhân dân xã Tân Lạc,commune,xã,P25
"""


def chuong(unit: Unit):
    """The provincial office's officer: he reviews the units and writes the province's own report."""
    return save_user(
        username="chuong", full_name="Bùi Văn Chương", unit=unit, roles={Role.REVIEWER, Role.REPORTER},
        password=PASSWORD, at=AT,
    )  # fmt: skip


def province_draft(unit: Unit, units: list[str], report_type, period: str, at: datetime, actor) -> None:
    """The province's draft, typed earlier: form 07b for the units below it and the outline's sections."""
    report = services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=actor)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={FORM07B: dict.fromkeys(units, ROW)}, narrative=SECTIONS, reasons={},
        expected_revision=report.draft.revision, at=at, actor=actor,
    )  # fmt: skip


def signed_pdf(tmp_path, organisation: str):
    ca = Identity("CA thử nghiệm KSTT", "Kiểm thử")
    chairman = Identity("Chủ tịch UBND", organisation, issuer=ca, valid_until=datetime(2030, 1, 1, tzinfo=UTC))
    path = tmp_path / "bao-cao-tinh-da-ky.pdf"
    path.write_bytes(sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao KSTT tinh) Tj ET"), chairman))
    return path


def download(page, test_id: str):
    with page.expect_download() as info:
        page.get_by_test_id(test_id).click()
    return info.value.suggested_filename, info.value.path().read_bytes()


def compiles_and_sends(page, live_server, tmp_path, *, province: str, period: str, missing: list[str],
                       differs: str, title: str, organisation: str, overdue_level: str, overdue: str):  # fmt: skip
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, "chuong")

    # Form 06 compiled from the reports received: the missing listed, the difference with dossiers shown.
    page.goto(f"{live_server.url}/units/{province}/form06/reports/?period={period}")
    for code in missing:
        expect(page.get_by_test_id("missing-units")).to_contain_text(code)
    expect(page.get_by_test_id(differs)).to_be_visible()
    name, data = download(page, "form06-reports-xlsx")
    assert name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if isinstance(cell, str)]
    assert texts.count("Chưa báo cáo") >= len(missing)  # shown as missing, never summed as zero

    # The urging letter to the units overdue, not sent.
    page.goto(f"{live_server.url}/compliance/?year={period[:4]}&status=overdue&level={overdue_level}")
    name, data = download(page, "urging-letter")
    letter = docx.Document(io.BytesIO(data))
    assert overdue in [c.text for row in letter.tables[1].rows for c in row.cells]

    # The province's own report: the narrative KSTT drafted, then the signed PDF, then submit.
    page.goto(f"{live_server.url}/reports/{province}/{period}/")
    expect(page.get_by_test_id("package-later")).to_be_visible()
    name, data = download(page, "narrative-docx")
    narrative = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert title in narrative and "CHẾ ĐỘ BÁO CÁO" in narrative
    page.get_by_label("Chọn tệp PDF đã ký số", exact=False).set_input_files(str(signed_pdf(tmp_path, organisation)))
    page.get_by_role("button", name="Đính kèm").click()
    expect(page.get_by_test_id("signature")).to_contain_text("Chủ tịch UBND")
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Đã gửi")

    # The package for the national system, now that the report is sent.
    name, data = download(page, "package-download")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist()[:2] == ["narrative.pdf", "narrative.docx"]
    manifest = json.loads(archive.read("manifest.json"))
    assert (manifest["unit"], manifest["period"], manifest["missing"]) == (province, period, missing)
    assert archive.read("narrative.pdf") == (tmp_path / "bao-cao-tinh-da-ky.pdf").read_bytes()


def test_hòa_bình_compiles_q3_2021_and_sends_its_report(page, live_server, tmp_path, settings, sent, kstt_report):
    settings.KSTT_CLOCK = story.Q3
    push_dossiers(records=DOSSIERS, at=AT, actor=None)
    officer = chuong(sent["P17"])
    province_draft(sent["P17"], ["P17-STP", "D157", "D156"], kstt_report, "2021Q3", story.Q3, officer)
    compiles_and_sends(
        page, live_server, tmp_path, province="P17", period="2021Q3", missing=["D156", "W05200"],
        differs="differs-W05341-3", title="quý III năm 2021", organisation="UBND tỉnh Hòa Bình",
        overdue_level="district", overdue="Ủy ban nhân dân huyện Mai Châu",
    )  # fmt: skip


def test_phú_thọ_compiles_q1_2026_straight_from_its_communes(page, live_server, tmp_path, settings, cast, kstt_report):
    settings.KSTT_CLOCK = Q1_2026
    load_units(data=PHU_THO.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    units = {u.code: u for u in Unit.objects.filter(code__in=["P25", "P25-STP", "W09001", "W09002"])}
    sent_at = datetime(2026, 3, 18, 2, 0, tzinfo=UTC)
    story.send(units["P25-STP"], kstt_report, "2026Q1", 5, field="TP", at=sent_at)
    story.send(units["W09001"], kstt_report, "2026Q1", 6, at=sent_at)
    march = ("2026-03-02T08:00:00+07:00", "2026-03-20T17:00:00+07:00", "2026-03-10T10:00:00+07:00", "settled")
    push_dossiers(records=[d("PT-1", "W09001", "HT", "online", *march)], at=AT, actor=None)
    officer = chuong(units["P25"])
    province_draft(units["P25"], ["P25-STP", "W09001", "W09002"], kstt_report, "2026Q1", sent_at, officer)
    compiles_and_sends(
        page, live_server, tmp_path, province="P25", period="2026Q1", missing=["W09002"],
        differs="differs-W09001-3", title="quý I năm 2026", organisation="UBND tỉnh Phú Thọ",
        overdue_level="commune", overdue="Ủy ban nhân dân xã Tân Lạc",
    )  # fmt: skip
