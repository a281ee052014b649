"""The urging letter (công văn đôn đốc, issue 15 point 3): on Saturday 25/09/2021 Hoa filters the reports
overdue, not sent, and downloads a letter naming Sở Tư pháp (Q3/2021 due Monday 20/09/2021, nothing sent) in
the format of Decree 30/2020/NĐ-CP, to number and sign; the download is kept as evidence on the line's
page and audited with Hoa's name. Minh (a district's reviewer) and Tuấn (a reporter) may not draft one."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import docx
import pytest

from kstt.audit.models import AuditEntry
from kstt.compliance.models import UrgingLetter, UrgingLetterLine
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import pdftotext  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
HN = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = datetime(2021, 9, 25, 9, 0, tzinfo=HN)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def overdue(settings, kstt_report, cast, tuan, lan):
    settings.KSTT_CLOCK = SATURDAY


def _text(document: docx.document.Document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_hoa_downloads_the_letter_naming_the_overdue_department(client, hoa, overdue):
    client.force_login(hoa)
    page = client.get("/compliance/", {"year": 2021, "status": "overdue", "level": "department"}).content.decode()
    assert 'data-testid="urging-letter"' in page and "Tải công văn đôn đốc" in page
    response = client.post("/compliance/urging-letter/", {"year": 2021, "level": "department"})
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert "attachment;" in response["Content-Disposition"] and ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    head = [cell.text for cell in document.tables[0].rows[0].cells]
    assert head[0].startswith("ỦY BAN NHÂN DÂN TỈNH HÒA BÌNH\nVĂN PHÒNG")
    assert "Số:" in head[0] and "/VP-KSTT" in head[0]
    assert "V/v đôn đốc gửi báo cáo định kỳ về tình hình, kết quả thực hiện kiểm soát TTHC" in head[0]
    assert head[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert "Hòa Bình, ngày 25 tháng 9 năm 2021" in head[1]
    paragraphs = [p.text for p in document.paragraphs]
    assert "Kính gửi:" in paragraphs and "- Sở Tư pháp;" in paragraphs
    body = next(p for p in paragraphs if p.startswith("Thực hiện chế độ báo cáo"))
    assert "Quý III/2021" in body and "23 giờ 59 ngày 20/09/2021" in body and "Đến ngày 25/09/2021" in body
    listed = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert listed[0] == ["STT", "Đơn vị", "Kỳ báo cáo", "Hạn gửi", "Số ngày quá hạn"]
    assert listed[1:] == [["1", "Sở Tư pháp", "Quý III/2021", "23:59 20/09/2021", "5"]]  # departments only
    foot = [cell.text for cell in document.tables[2].rows[0].cells]
    assert foot[0].startswith("Nơi nhận:\n- Như trên;") and "CHÁNH VĂN PHÒNG" in foot[1]
    assert "Yên Nghiệp" not in _text(document)  # the commune is not in the filter

    # The download is the evidence: one letter, one line per unit, one audit entry each, shown on the line.
    letter = UrgingLetter.objects.get()
    assert letter.drafted_by == hoa and letter.drafted_at == SATURDAY and letter.subject.startswith("V/v đôn đốc")
    line = UrgingLetterLine.objects.get()
    assert (line.unit.code, line.period, line.days_late) == ("P17-STP", "2021Q3", 5)
    entry = AuditEntry.objects.get(event="compliance.urging_letter_drafted")
    assert entry.actor == hoa and entry.target_id == str(line.pk) and entry.data["unit"] == "P17-STP"
    evidence = client.get("/compliance/lines/P17-STP/2021Q3/").content.decode()
    assert 'data-testid="urging-letter"' in evidence and "25/09/2021" in evidence
    assert "đã soạn công văn để ký" in evidence and "5 ngày quá hạn" in evidence


def test_the_letter_as_pdf_keeps_its_diacritics_and_is_recorded_too(client, hoa, overdue, pdftotext, tmp_path):  # noqa: F811
    client.force_login(hoa)
    page = client.get("/compliance/", {"year": 2021, "status": "overdue", "level": "department"}).content.decode()
    assert 'data-testid="urging-letter-pdf"' in page
    response = client.post("/compliance/urging-letter/", {"year": 2021, "level": "department", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert ".pdf" in response["Content-Disposition"]
    out = tmp_path / "cong-van.pdf"
    out.write_bytes(response.content)
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, check=True, timeout=60).stdout  # noqa: S603
    words = " ".join(text.decode("utf-8").split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words and "Sở Tư pháp" in words
    line = UrgingLetterLine.objects.get()  # the evidence, as for the docx
    assert (line.unit.code, line.period) == ("P17-STP", "2021Q3")


def test_without_libreoffice_the_pdf_letter_is_refused_and_nothing_recorded(client, hoa, overdue, monkeypatch):
    from kstt.compliance import dashboard_views
    from kstt.exports.libreoffice import ConversionError

    def missing(*args, **kwargs):
        raise ConversionError("LibreOffice (soffice) is not installed")

    monkeypatch.setattr(dashboard_views, "to_pdf", missing)
    client.force_login(hoa)
    response = client.post("/compliance/urging-letter/", {"year": 2021, "level": "department", "format": "pdf"})
    assert response.status_code == 503 and "LibreOffice (soffice) is not installed" in response.content.decode()
    assert not UrgingLetter.objects.exists()


def test_without_a_filter_the_letter_names_every_overdue_unit(client, hoa, overdue, commune_yen_nghiep):
    client.force_login(hoa)
    response = client.post("/compliance/urging-letter/", {"year": 2021})
    text = _text(docx.Document(io.BytesIO(response.content)))
    assert "Sở Tư pháp" in text and "Yên Nghiệp" in text
    named = set(UrgingLetterLine.objects.values_list("unit__code", "period"))
    assert {("P17-STP", "2021Q3"), (commune_yen_nghiep.code, "2021Q3")} <= named
    audited = {
        (e.data["unit"], e.data["period"]) for e in AuditEntry.objects.filter(event="compliance.urging_letter_drafted")
    }
    assert audited == named


def test_nothing_overdue_gives_no_letter(client, hoa, overdue, settings):
    settings.KSTT_CLOCK = datetime(2021, 9, 10, 9, 0, tzinfo=HN)  # before Q3's deadline: nothing is overdue
    client.force_login(hoa)
    response = client.post("/compliance/urging-letter/", {"year": 2021})
    assert response.status_code == 302 and "status=overdue" in response["Location"]
    assert not UrgingLetter.objects.exists()


@pytest.mark.parametrize("who", ["minh", "tuan"])
def test_only_the_provincial_office_drafts_the_letter(client, who, request, overdue):
    client.force_login(request.getfixturevalue(who))
    assert client.post("/compliance/urging-letter/", {"year": 2021}).status_code == 403
    assert not UrgingLetter.objects.exists() and not AuditEntry.objects.filter(event__startswith="compliance.").exists()


def test_the_district_reviewer_sees_no_letter_button(client, minh, overdue):
    client.force_login(minh)
    page = client.get("/compliance/", {"year": 2021, "status": "overdue"}).content.decode()
    assert 'data-testid="urge"' in page and 'data-testid="urging-letter"' not in page


def test_the_letter_is_posted_never_fetched(client, hoa, overdue):
    client.force_login(hoa)
    assert client.get("/compliance/urging-letter/", {"year": 2021}).status_code == 405
    client.logout()
    assert client.post("/compliance/urging-letter/", {"year": 2021}).status_code == 302  # to the login page


def test_a_filter_the_dashboard_cannot_show_is_refused(client, hoa, overdue):
    client.force_login(hoa)
    assert client.post("/compliance/urging-letter/", {"year": 1990}).status_code == 400
    assert client.post("/compliance/urging-letter/", {"year": 2021, "district": "NOPE"}).status_code == 400
    assert not UrgingLetter.objects.exists()


def test_the_administration_site_shows_letters_read_only(client, hoa, quan, overdue):
    client.force_login(hoa)
    client.post("/compliance/urging-letter/", {"year": 2021, "level": "department"})
    letter = UrgingLetter.objects.get()
    quan.is_staff = True
    quan.save(update_fields=["is_staff"])
    client.force_login(quan)
    detail = client.get(f"/admin/compliance/urgingletter/{letter.pk}/change/").content.decode()
    assert letter.sha256 in detail and ("P17-STP" in detail or "Sở Tư pháp" in detail)
    assert client.post(f"/admin/compliance/urgingletter/{letter.pk}/delete/").status_code == 403
    assert UrgingLetter.objects.filter(pk=letter.pk).exists()
