"""The narrative report KSTT drafts for a receiving unit (issue 15 point 2): the value gathered from the outline
in force, the units' standing reports and the ledger; the document reopened with python-docx; the page's
download and ``kstt narrative``. Q3/2021 in Hòa Bình, as kstt.reports.tests.test_compiled_from_reports tells it."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import docx
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.catalogue.rules.periods import Period
from kstt.compliance.narrative_selectors import NarrativeError, narrative_docx, narrative_of
from kstt.exports.tests.test_libreoffice import soffice  # noqa: F401 (a fixture)
from kstt.exports.tests.test_pdf import pdftotext  # noqa: F401 (a fixture)
from kstt.reports import services
from kstt.reports.tests.test_compiled_from_reports import FORM, PHU_THO_2025, row
from kstt.reports.tests.test_submission_services import NARRATIVE
from kstt.tests.cast import AT, NOW
from kstt.units.models import Unit
from kstt.units.services import load_units

SENT = NOW  # 15 September 2021, before every Q3 deadline
LATE = datetime(2021, 10, 2, 2, 0, tzinfo=UTC)
#: After Q3's closing time: every verdict is final.
AS_OF = datetime(2021, 12, 20, 3, 0, tzinfo=UTC)
Q3 = Period(2021, "Q3")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def send(unit: Unit, report_type, n: int, *, texts: dict[str, str], at: datetime, field="HT", period="2021Q3"):
    """The unit's reporter writes ``texts`` over the required sections, fills form 06 with ``row(n)`` and submits."""
    reporter = save_user(
        username=f"r-{unit.code}-{n}", full_name="Người báo cáo", unit=unit, roles={Role.REPORTER},
        password="correct horse 2021", at=AT,
    )  # fmt: skip
    report = services.open_instance(unit=unit, report_type=report_type, period=period, at=at, actor=reporter)
    report.refresh_from_db()
    services.save_draft(
        instance=report, values={FORM: {field: row(n), "total": row(n)}}, narrative=NARRATIVE | texts, reasons={},
        expected_revision=report.draft.revision, at=at, actor=reporter,
    )  # fmt: skip
    services.attach_document(
        instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
        at=at, actor=reporter,
    )  # fmt: skip
    return services.submit(instance=report, at=at, actor=reporter)


@pytest.fixture
def sent(cast, kstt_report, hoa):
    """Q3/2021 in Hòa Bình: the Department of Justice sent on time (3), Lạc Sơn late (2) and was accepted;
    Mai Châu sent nothing. Lạc Sơn's commune Yên Nghiệp sent its own report to Lạc Sơn on time (5)."""
    send(
        cast["P17-STP"], kstt_report, 3, field="TP", at=SENT,
        texts={"direction": "Sở đã ban hành Kế hoạch số 12/KH-STP.\nĐã kiểm tra 3 đơn vị.", "proposals": ""},
    )  # fmt: skip
    lac_son = send(
        cast["D157"], kstt_report, 2, at=LATE,
        texts={"direction": "Huyện đã ban hành Chỉ thị số 05/CT-UBND.", "proposals": "Đề nghị tập huấn thêm."},
    )  # fmt: skip
    services.accept(version=lac_son, at=LATE, actor=hoa)
    send(cast["W05341"], kstt_report, 5, at=SENT, texts={"direction": "Xã đã niêm yết công khai 120 TTHC."})
    return cast


def _province(sent, kstt_report, as_of=AS_OF):
    return narrative_of(unit=sent["P17"], period=Q3, report_type=kstt_report, as_of=as_of)


def test_the_provinces_draft_follows_the_outline_in_force_section_by_section(sent, kstt_report):
    narrative = _province(sent, kstt_report)
    assert [s.number for s in narrative.sections] == [
        "I", "I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "I.7", "I.8", "I.9", "II", "III", "IV",
    ]  # fmt: skip
    assert narrative.unit == "Ủy ban nhân dân tỉnh Hòa Bình" and (narrative.year, narrative.kind) == (2021, "Q3")
    assert narrative.legal_basis.startswith("Thông tư số 01/2020/TT-VPCP")
    assert narrative.recipient.startswith("Văn phòng Chính phủ")  # the province's report leaves KSTT


def test_each_section_gathers_the_texts_of_the_units_that_send_to_the_province(sent, kstt_report):
    """The department and the districts send to the province; a commune's text goes to its district only."""
    sections = {s.key: s for s in _province(sent, kstt_report).sections}
    direction = sections["direction"]
    assert [(t.unit, t.text) for t in direction.texts] == [
        ("Sở Tư pháp", "Sở đã ban hành Kế hoạch số 12/KH-STP.\nĐã kiểm tra 3 đơn vị."),
        ("Ủy ban nhân dân huyện Lạc Sơn", "Huyện đã ban hành Chỉ thị số 05/CT-UBND."),
    ]
    assert direction.silent == [] and direction.unsent == ["Ủy ban nhân dân huyện Mai Châu"]
    proposals = sections["proposals"]  # the department left it empty
    assert [t.unit for t in proposals.texts] == ["Ủy ban nhân dân huyện Lạc Sơn"]
    assert proposals.silent == ["Sở Tư pháp"]
    assert sections["results"].text is False and sections["results"].texts == [] == sections["results"].unsent


def test_the_figures_section_holds_form_06_compiled_from_the_standing_reports(sent, kstt_report):
    sections = {s.key: s for s in _province(sent, kstt_report).sections}
    figures = sections["settlement"].figures
    assert figures is not None and all(s.figures is None for k, s in sections.items() if k != "settlement")
    # The department (3), Lạc Sơn's own row (2) and Yên Nghiệp (5), each once.
    assert figures.total == row(3 + 2 + 5)
    assert [(r.label, r.counts["received_total"], r.total) for r in figures.rows] == [
        ("Sở, ban, ngành", 9, False),
        ("Huyện, thị xã, thành phố", 6, False),
        ("Xã, phường, thị trấn", 15, False),
        ("Tổng cộng", 30, True),
    ]
    assert (figures.received, figures.expected) == (3, 6)
    assert "Ủy ban nhân dân huyện Mai Châu" in figures.missing


def test_the_reporting_regime_is_the_ledgers_verdict_of_each_unit(sent, kstt_report):
    regime = {line.unit: line for line in _province(sent, kstt_report).regime}
    assert {unit: line.status for unit, line in regime.items()} == {
        "Sở Tư pháp": "on_time",
        "Ủy ban nhân dân huyện Mai Châu": "not_sent",
        "Ủy ban nhân dân huyện Lạc Sơn": "late",
    }
    assert regime["Sở Tư pháp"].submitted_at.strftime("%H:%M %d/%m/%Y") == "10:00 15/09/2021"  # local time
    assert regime["Ủy ban nhân dân huyện Mai Châu"].submitted_at is None
    assert regime["Ủy ban nhân dân huyện Lạc Sơn"].deduction > Decimal(0)
    assert regime["Ủy ban nhân dân huyện Mai Châu"].deduction > regime["Ủy ban nhân dân huyện Lạc Sơn"].deduction


def test_before_the_closing_time_nothing_is_final_and_later_versions_are_not_counted(sent, kstt_report):
    """As of 1 October, Lạc Sơn's report (sent on 2 October) is not there yet: nothing of it, no deduction."""
    narrative = _province(sent, kstt_report, as_of=datetime(2021, 10, 1, 3, 0, tzinfo=UTC))
    regime = {line.unit: line for line in narrative.regime}
    assert regime["Ủy ban nhân dân huyện Lạc Sơn"].status != "late"
    assert all(line.deduction is None for line in narrative.regime)
    direction = next(s for s in narrative.sections if s.key == "direction")
    assert [t.unit for t in direction.texts] == ["Sở Tư pháp"]
    assert "Ủy ban nhân dân huyện Lạc Sơn" in direction.unsent


def test_a_district_in_the_2021_shape_gathers_its_communes(sent, kstt_report):
    narrative = narrative_of(unit=sent["D157"], period=Q3, report_type=kstt_report, as_of=AS_OF)
    direction = next(s for s in narrative.sections if s.key == "direction")
    assert [(t.unit, t.text) for t in direction.texts] == [
        ("Ủy ban nhân dân xã Yên Nghiệp", "Xã đã niêm yết công khai 120 TTHC.")
    ]
    assert direction.unsent == ["Ủy ban nhân dân xã Ân Nghĩa"]
    assert [(line.unit, line.status) for line in narrative.regime] == [
        ("Ủy ban nhân dân xã Yên Nghiệp", "on_time"),
        ("Ủy ban nhân dân xã Ân Nghĩa", "not_sent"),
    ]
    assert narrative.recipient == "Ủy ban nhân dân tỉnh Hòa Bình"  # a district reports to the province


@pytest.mark.parametrize("code", ["W05341", "P17-STP"], ids=["a-commune", "a-department"])
def test_a_unit_that_receives_no_reports_has_no_narrative_to_draft(sent, kstt_report, code):
    with pytest.raises(NarrativeError, match="receives no reports"):
        narrative_of(unit=sent[code], period=Q3, report_type=kstt_report, as_of=AS_OF)


def _texts(document) -> list[str]:
    cells = [cell.text for table in document.tables for row_ in table.rows for cell in row_.cells]
    return [p.text for p in document.paragraphs] + cells


def test_the_docx_says_the_units_texts_under_their_names_and_the_regime(sent, kstt_report):
    document = docx.Document(io.BytesIO(narrative_docx(unit=sent["P17"], period=Q3, as_of=AS_OF)))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == [
        "I. KẾT QUẢ ĐẠT ĐƯỢC",
        "1. Công tác chỉ đạo, điều hành",
        "2. Kiểm soát quy định thủ tục hành chính",
    ]
    assert headings[-2:] == ["IV. ĐỀ XUẤT, KIẾN NGHỊ", "V. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO"]
    start = paragraphs.index("1. Công tác chỉ đạo, điều hành")
    assert paragraphs[start + 2 : start + 7] == [
        "Sở Tư pháp:",
        "Sở đã ban hành Kế hoạch số 12/KH-STP.",
        "Đã kiểm tra 3 đơn vị.",
        "Ủy ban nhân dân huyện Lạc Sơn:",
        "Huyện đã ban hành Chỉ thị số 05/CT-UBND.",
    ]
    assert (
        "Tình hình, kết quả thực hiện công tác kiểm soát thủ tục hành chính"
        in paragraphs[paragraphs.index("BÁO CÁO") + 1]
    )
    assert any(p.startswith("Trong kỳ, tổng số hồ sơ tiếp nhận là 30 hồ sơ") for p in paragraphs)
    summary = next(p for p in paragraphs if p.startswith("Kỳ báo cáo quý III năm 2021"))
    assert "có 3 đơn vị phải gửi báo cáo" in summary and "đúng hạn: 1 đơn vị" in summary
    assert "chậm: 1 đơn vị" in summary and "không gửi: 1 đơn vị" in summary
    regime = [[c.text for c in r.cells] for r in document.tables[-2].rows]
    assert [r[1:3] for r in regime[1:]] == [
        ["Sở Tư pháp", "Đúng hạn"],
        ["Ủy ban nhân dân huyện Mai Châu", "Không gửi"],
        ["Ủy ban nhân dân huyện Lạc Sơn", "Chậm"],
    ]
    assert "Hòa Bình, ngày 20 tháng 12 năm 2021" in document.tables[0].rows[0].cells[1].text


# --- The page and the command ---------------------------------------------------------------------------------


def _url(code: str, period: str = "2021Q3") -> str:
    return reverse("narrative:narrative", args=[code, period])


@pytest.mark.parametrize(
    ("person", "code", "status"),
    [
        pytest.param("hoa", "P17", 200, id="the-provinces-reviewer"),
        pytest.param("hoa", "D157", 200, id="the-province-reads-a-district"),
        pytest.param("minh", "D157", 200, id="the-districts-reviewer"),
        pytest.param("minh", "P17", 404, id="a-district-never-the-province"),
        pytest.param("minh", "D156", 404, id="never-another-district"),
        pytest.param("lan", "D157", 404, id="a-communes-reporter-not-its-district"),
        pytest.param("tuan", "P17", 404, id="a-departments-reporter-not-the-province"),
    ],
)
def test_the_download_has_the_access_of_the_report_page(request, client, sent, person, code, status):
    client.force_login(request.getfixturevalue(person))
    answer = client.get(_url(code))
    assert answer.status_code == status
    if status == 200:
        assert answer["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
        assert f"bao-cao-kstt-{code}-2021Q3.docx" in answer["Content-Disposition"]
        assert "BÁO CÁO" in _texts(docx.Document(io.BytesIO(answer.content)))


def test_the_reporter_of_the_province_downloads_it_and_a_commune_is_told_why_not(client, sent, hoa):
    reporter = save_user(
        username="vy", full_name="Vũ Thị Vy", unit=sent["P17"], roles={Role.REPORTER}, password="correct horse 2021",
        at=AT,
    )  # fmt: skip
    client.force_login(reporter)
    assert client.get(_url("P17")).status_code == 200
    client.force_login(hoa)
    answer = client.get(_url("W05341"))  # the province's reviewer sees the commune, which receives no reports
    assert answer.status_code == 404
    assert "KSTT chỉ soạn dự thảo báo cáo thuyết minh cho đơn vị nhận báo cáo" in answer.content.decode()


@pytest.mark.parametrize("period", ["2021Q9", "nothing"])
def test_a_bad_period_is_not_found(client, sent, hoa, period):
    client.force_login(hoa)
    assert client.get(_url("P17", period)).status_code == 404


def test_the_report_page_of_a_receiving_unit_offers_the_draft_and_a_communes_does_not(client, sent, hoa, minh):
    client.force_login(hoa)
    page = client.get(reverse("reports:report", args=["D157", "2021Q3"])).content.decode()
    assert 'data-testid="narrative-docx"' in page and _url("D157") in page
    # Mai Châu has not started its report: its page says so, and offers the draft all the same.
    page = client.get(reverse("reports:report", args=["D156", "2021Q3"])).content.decode()
    assert 'data-testid="report-missing"' in page and _url("D156") in page
    client.force_login(minh)
    page = client.get(reverse("reports:report", args=["W05341", "2021Q3"])).content.decode()
    assert 'data-testid="narrative-docx"' not in page


def test_kstt_narrative_writes_the_docx(sent, tmp_path):
    out = tmp_path / "bao-cao.docx"
    call_command("narrative", "--unit", "P17", "--period", "2021Q3", "--output", str(out))
    assert "V. TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO" in _texts(docx.Document(str(out)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--unit", "NOPE", "--period", "2021Q3"], "unknown unit", id="unknown-unit"),
        pytest.param(["--unit", "P17", "--period", "2021Q9"], "2021Q9", id="bad-period"),
        pytest.param(["--unit", "W05341", "--period", "2021Q3"], "receives no reports", id="a-commune"),
    ],
)
def test_kstt_narrative_refuses_what_it_cannot_draft(sent, tmp_path, args, message):
    out = tmp_path / "bao-cao.docx"
    with pytest.raises(CommandError, match=message):
        call_command("narrative", *args, "--output", str(out))
    assert not out.exists()


def test_an_overturned_appeal_takes_the_deduction_off_as_in_the_ledger(sent, kstt_report, hoa):
    from django.contrib.auth import get_user_model

    from kstt.compliance import services as compliance

    reporter = get_user_model().objects.get(username="r-D157-2")
    filed = datetime(2021, 12, 1, 3, 0, tzinfo=UTC)
    appeal = compliance.file_appeal(
        unit=sent["D157"], report_type=kstt_report, period=Q3, reason="Mất điện cả ngày", at=filed, actor=reporter
    )
    before = {line.unit: line.deduction for line in _province(sent, kstt_report).regime}
    compliance.decide_appeal(appeal=appeal, decision="overturned", reason="Có xác nhận", at=filed, actor=hoa)
    after = {line.unit: line.deduction for line in _province(sent, kstt_report).regime}
    assert before["Ủy ban nhân dân huyện Lạc Sơn"] > 0 and after["Ủy ban nhân dân huyện Lạc Sơn"] == 0
    assert after["Ủy ban nhân dân huyện Mai Châu"] == before["Ủy ban nhân dân huyện Mai Châu"] > 0


def test_the_two_level_province_gathers_its_departments_and_communes(cast, kstt_report):
    """From 1 July 2025 Phú Thọ has no districts: its communes send to the province, and their texts are its."""
    load_units(data=PHU_THO_2025.encode(), effective_from=date(2025, 7, 1), at=AT, source="test")
    units = {u.code: u for u in Unit.objects.filter(code__in=["P25", "P25-STP", "W09001", "W09002"])}
    at = datetime(2026, 1, 3, 2, 0, tzinfo=UTC)
    send(units["P25-STP"], kstt_report, 5, field="TP", at=at, texts={"direction": "Sở đã kiểm tra."}, period="2025Q4")
    send(units["W09001"], kstt_report, 6, at=at, texts={"direction": "Phường đã niêm yết."}, period="2025Q4")
    narrative = narrative_of(unit=units["P25"], period=Period(2025, "Q4"), report_type=kstt_report, as_of=at)
    direction = next(s for s in narrative.sections if s.key == "direction")
    assert [(t.unit, t.text) for t in direction.texts] == [
        ("Sở Tư pháp tỉnh Phú Thọ", "Sở đã kiểm tra."),
        ("Ủy ban nhân dân phường Hòa Bình", "Phường đã niêm yết."),
    ]
    assert direction.unsent == ["Ủy ban nhân dân xã Tân Lạc"]
    assert [line.unit for line in narrative.regime] == [
        "Sở Tư pháp tỉnh Phú Thọ",
        "Ủy ban nhân dân phường Hòa Bình",
        "Ủy ban nhân dân xã Tân Lạc",
    ]
    figures = next(s for s in narrative.sections if s.key == "settlement").figures
    assert figures is not None and figures.total == row(11)


MORE_DEPARTMENTS = "code,name,level,kind,parent_code\n" + "".join(
    f'P17-S{n:02d},Sở số {n},department,"sở, ban, ngành",P17\n' for n in range(1, 6)
)


def test_the_number_of_queries_does_not_grow_with_the_units(sent, kstt_report, django_assert_max_num_queries):
    """A fixed number of queries: the tree, the verdicts, the versions, the figures, the dossiers, however
    many units send to the province and write."""
    with django_assert_max_num_queries(30) as few:
        narrative_of(unit=sent["P17"], period=Q3, report_type=kstt_report, as_of=AS_OF)
    load_units(data=MORE_DEPARTMENTS.encode(), effective_from=None, at=AT, source="test")
    for n, department in enumerate(Unit.objects.filter(code__startswith="P17-S0"), start=1):
        send(department, kstt_report, n, field="TP", at=SENT, texts={"direction": f"Sở số {n} đã thực hiện."})
    with django_assert_max_num_queries(len(few.captured_queries)):
        narrative = narrative_of(unit=sent["P17"], period=Q3, report_type=kstt_report, as_of=AS_OF)
    assert len(narrative.regime) == 3 + 5


def test_the_page_offers_the_draft_as_pdf_too(client, sent, hoa, pdftotext, tmp_path):  # noqa: F811 (a fixture)
    client.force_login(hoa)
    page = client.get(reverse("reports:report", args=["D157", "2021Q3"])).content.decode()
    assert f'data-testid="narrative-pdf" href="{_url("D157")}?format=pdf"' in page
    answer = client.get(_url("D157") + "?format=pdf")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert 'filename="bao-cao-kstt-D157-2021Q3.pdf"' in answer["Content-Disposition"]
    out = tmp_path / "tai-ve.pdf"
    out.write_bytes(answer.content)
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, check=True, timeout=60).stdout  # noqa: S603
    assert "ỦY BAN NHÂN DÂN HUYỆN LẠC SƠN" in " ".join(text.decode("utf-8").split())


def test_without_libreoffice_the_pdf_is_a_page_saying_why(client, sent, hoa, monkeypatch):
    from kstt.compliance import narrative_views
    from kstt.exports.libreoffice import ConversionError

    def missing(*args, **kwargs):
        raise ConversionError("LibreOffice (soffice) is not installed")

    monkeypatch.setattr(narrative_views, "to_pdf", missing)
    client.force_login(hoa)
    answer = client.get(_url("D157") + "?format=pdf")
    assert answer.status_code == 503 and "LibreOffice (soffice) is not installed" in answer.content.decode()


def test_kstt_narrative_prints_the_pdf_with_its_diacritics(sent, tmp_path, pdftotext):  # noqa: F811 (a fixture)
    out = tmp_path / "bao-cao.pdf"
    call_command("narrative", "--unit", "D157", "--period", "2021Q3", "--output", str(out), "--format", "pdf")
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run([pdftotext, str(out), "-"], capture_output=True, check=True, timeout=60).stdout  # noqa: S603
    words = " ".join(text.decode("utf-8").split())
    for expected in [
        "ỦY BAN NHÂN DÂN HUYỆN LẠC SƠN",
        "BÁO CÁO",
        "quý III năm 2021",
        "Ủy ban nhân dân xã Yên Nghiệp:",
        "Xã đã niêm yết công khai 120 TTHC.",
        "TÌNH HÌNH THỰC HIỆN CHẾ ĐỘ BÁO CÁO",
        "Ủy ban nhân dân xã Ân Nghĩa",
    ]:
        assert expected in words, expected
