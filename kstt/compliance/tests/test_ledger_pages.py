"""The ledger's pages: Hoa reads the province's table, Tuấn appeals from his department's page, Hoa decides.

The story of ledger_story.py, seen on 10/11/2021 (the clock): Q1–Q3 final, Q4 not yet.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kstt.catalogue.rules.periods import Period
from kstt.compliance.models import Appeal
from kstt.compliance.services import AttachmentFile, decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import (
    DECIDED,
    FILED,
    HN,
    NOW,
    PDF,
    history,  # noqa: F401 (a fixture)
    make_another_provinces_office,
    make_thu,
)
from kstt.notifications.services import send_reminders
from kstt.tests.cast import AT
from kstt.tests.test_vietnamese_walk import problems
from kstt.units.services import load_units

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


@pytest.fixture
def thu(district_lac_son):
    return make_thu(district_lac_son)


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def vietnamese(html):
    assert problems(html) == []
    return html


# --- The province's table --------------------------------------------------------------------------------


def test_hoa_reads_the_provinces_table_of_2021(client, hoa):
    html = vietnamese(page(client, hoa, "/compliance/deductions/2021/"))
    assert "Điểm trừ Chỉ số CCHC năm 2021" in html and "Số liệu tính đến 10/11/2021 09:00" in html
    # departments, then districts; each unit's total and the province's
    assert html.index('data-testid="row-P17-STP"') < html.index('data-testid="row-D156"')
    assert html.index('data-testid="row-D156"') < html.index('data-testid="row-D157"')
    assert 'data-testid="total-P17-STP">0,75<' in html and 'data-testid="total-D156">1,50<' in html
    assert 'data-testid="grand-total">3,00<' in html
    assert "W05341" not in html  # communes are not scored
    # every figure opens its evidence; every unit its page; Q4 is not final yet
    assert 'href="/compliance/lines/D157/2021Q1/"' in html and 'href="/compliance/deductions/2021/D157/"' in html
    assert 'data-testid="cell-D157-2021Q4"' in html and 'data-testid="not-final-note"' in html
    assert "chốt sau 19/01/2022 23:59" in html
    assert 'href="/compliance/deductions/2021/xlsx/"' in html


def test_an_overturned_line_is_struck_through_and_leaves_the_total(client, hoa, dept_justice, kstt_report, tuan):
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"),
                        reason="Có sự cố.", at=FILED, actor=tuan)  # fmt: skip
    decide_appeal(appeal=filed, decision="overturned", reason="Đúng là có sự cố.", at=FILED, actor=hoa)
    html = page(client, hoa, "/compliance/deductions/2021/")
    assert '<del class="text-muted" data-testid="overturned">0,50</del>' in html
    assert 'data-testid="total-P17-STP">0,25<' in html and 'data-testid="grand-total">2,50<' in html
    assert 'data-testid="appeal-overturned"' in html


def test_the_excel_button_gives_the_workbook_for_home_affairs(client, hoa):
    client.force_login(hoa)
    response = client.get("/compliance/deductions/2021/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="diem-tru-kstt-2021.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tổng hợp", "Chi tiết"]
    assert "NĂM 2021" in workbook["Tổng hợp"]["A2"].value


@pytest.mark.parametrize("who", ["minh", "tuan", "lan", "thu"])
def test_the_provinces_table_is_the_provincial_offices(request, client, who):
    user = request.getfixturevalue(who)
    for url in ("/compliance/deductions/2021/", "/compliance/deductions/2021/xlsx/", "/compliance/appeals/"):
        html = page(client, user, url, status=403)
        assert 'data-testid="forbidden"' in html and "Không có quyền truy cập" in html


def test_the_administrator_reads_the_table_too(client, quan):
    assert 'data-testid="row-D157"' in page(client, quan, "/compliance/deductions/2021/")


def test_anonymous_is_sent_to_the_login(client):
    response = client.get("/compliance/deductions/2021/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "url", ["/compliance/deductions/2020/", "/compliance/deductions/2022/", "/compliance/lines/D157/2020Q4/"]
)
def test_a_year_without_deductions_is_a_clear_400(client, hoa, url):
    """KSTT's first form is of 2021, and the clock is in 2021: only 2021 has deductions."""
    html = vietnamese(page(client, hoa, url, status=400))
    assert "Không có điểm trừ của năm" in html and "từ 2021 đến 2021" in html


def test_the_year_menu_offers_only_years_with_deductions(client, hoa):
    html = page(client, hoa, "/compliance/deductions/2021/")
    assert 'href="/compliance/deductions/2021/"' in html
    assert 'href="/compliance/deductions/2020/"' not in html and 'href="/compliance/deductions/2022/"' not in html


def test_the_menu_leads_each_one_to_their_deductions(client, hoa, tuan, lan):
    client.force_login(hoa)
    assert 'data-testid="province-table"' in client.get("/compliance/deductions/").content.decode()
    assert 'href="/compliance/deductions/"' in client.get("/").content.decode()
    client.force_login(tuan)
    assert client.get("/compliance/deductions/")["Location"] == "/compliance/deductions/2021/P17-STP/"
    client.force_login(lan)
    assert client.get("/compliance/deductions/")["Location"] == "/compliance/deductions/2021/W05341/"


# --- A unit's year ----------------------------------------------------------------------------------------


def test_tuan_reads_his_departments_year_and_may_appeal_its_final_deductions(client, tuan):
    html = vietnamese(page(client, tuan, "/compliance/deductions/2021/P17-STP/"))
    assert 'data-testid="unit-total">0,75<' in html
    for period, appealable in (("2021Q1", True), ("2021Q2", False), ("2021Q3", True), ("2021Q4", False)):
        row = html[html.index(f'data-testid="line-{period}"') :].split("</tr>")[0]
        assert ('data-testid="appeal-button"' in row) is appealable, period
        assert f'href="/compliance/lines/P17-STP/{period}/"' in row
    assert "Không gửi" in html and "Chậm" in html and "chưa chốt" in html


def test_a_commune_is_judged_but_not_scored(client, lan):
    html = vietnamese(page(client, lan, "/compliance/deductions/2021/W05341/"))
    assert 'data-testid="not-scored"' in html and 'data-testid="appeal-button"' not in html
    assert "Chậm" in html  # its Q1 was late


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("tuan", "P17-STP", 200),
        ("thu", "D157", 200),
        ("minh", "D157", 200),  # a reviewer of the unit itself
        ("minh", "W05341", 200),  # the reviewer unit of the commune
        ("hoa", "W05341", 200),  # the provincial office sees every unit
        ("quan", "D156", 200),
        ("lan", "D157", 404),  # another unit's year does not exist for her (test_ledger_existence.py)
        ("tuan", "D157", 404),
        ("minh", "D156", 404),  # Mai Châu is not Lạc Sơn
        ("minh", "P17-STP", 404),
        ("thu", "W05341", 404),  # a reporter sees only their own unit
        ("hoa", "NOWHERE", 404),
    ],
)
def test_who_reads_a_units_year(request, client, who, code, status):
    page(client, request.getfixturevalue(who), f"/compliance/deductions/2021/{code}/", status=status)


# --- One line's evidence ----------------------------------------------------------------------------------


def test_the_evidence_of_lac_sons_q1(client, minh):
    html = vietnamese(page(client, minh, "/compliance/lines/D157/2021Q1/"))
    assert 'data-testid="deadline">19/03/2021 23:59' in html
    assert "Ngày cuối kỳ chốt 14/03/2021 + 5 ngày = 19/03/2021" in html  # how the deadline was reached
    assert 'data-testid="closing">19/04/2021 23:59' in html
    assert 'data-testid="submitted">17/03/2021 09:00' in html
    assert "Phiên bản 1 (gửi lúc 17/03/2021 09:00) được dùng để đánh giá" in html and "Bị trả lại" in html
    assert "Thiếu biểu mẫu bắt buộc hoặc không đúng mẫu quy định" in html  # the fault, in words
    assert 'data-testid="settings-version">1<' in html and 'data-testid="rule-deduction">0,25<' in html
    assert 'href="/reports/D157/2021Q1/"' in html
    assert 'data-testid="appeal-form"' not in html  # Minh reviews; only the unit's reporters appeal
    assert "Không có nhắc hạn nào được gửi." in html  # Lạc Sơn sent its Q1 in time: nobody reminded it


def test_the_reminders_the_unit_was_sent_are_part_of_the_evidence(client, tuan, hoa):
    """Sở Tư pháp never sent Q1 (due 18/03): the day after, the worker reminded Tuấn and Hoa."""
    send_reminders(now=datetime(2021, 3, 19, 10, 0, tzinfo=HN))
    html = vietnamese(page(client, tuan, "/compliance/lines/P17-STP/2021Q1/"))
    reminder = html[html.index('data-testid="reminder-after-1"') :].split("</tr>")[0]
    assert "Lê Anh Tuấn" in reminder and "Phạm Thị Hoa" in reminder


def test_a_report_not_final_yet_says_so(client, tuan):
    html = vietnamese(page(client, tuan, "/compliance/lines/P17-STP/2021Q4/"))
    assert 'data-testid="not-final"' in html and "19/01/2022 23:59" in html
    assert 'data-testid="appeal-form"' not in html


def test_a_communes_line_says_it_is_not_scored(client, lan):
    html = vietnamese(page(client, lan, "/compliance/lines/W05341/2021Q1/"))
    assert 'data-testid="not-scored"' in html and 'data-testid="deduction"' not in html


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/compliance/lines/P17-STP/2021Q9/", 400, "không phải mã kỳ báo cáo"),
        ("/compliance/lines/P17-STP/2021H1/", 400, "báo cáo được gửi theo quý"),
        ("/compliance/lines/P17-STP/1990Q1/", 400, "Không có điểm trừ của năm"),
        ("/compliance/lines/NOWHERE/2021Q1/", 404, "Không tìm thấy"),
        ("/compliance/lines/D157/2021Q1/", 404, "Không tìm thấy"),  # not his unit: as if it did not exist
    ],
)
def test_bad_lines_say_why_in_vietnamese(client, tuan, url, status, says):
    assert says in vietnamese(page(client, tuan, url, status=status))


# --- Appealing and deciding through the pages -------------------------------------------------------------


def test_tuan_appeals_with_a_file_and_hoa_overturns(client, tuan, hoa):
    client.force_login(tuan)
    html = client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    assert 'data-testid="appeal-form"' in html
    response = client.post(
        "/compliance/lines/P17-STP/2021Q1/appeal/",
        {"reason": "Mất điện cả ngày 18/3.", "attachments": [SimpleUploadedFile("bien-ban.pdf", PDF)]},
    )
    assert response.status_code == 302 and response["Location"] == "/compliance/lines/P17-STP/2021Q1/"
    filed = Appeal.objects.get()
    assert filed.filed_by == tuan and filed.attachments.get().name == "bien-ban.pdf"
    html = client.get(response["Location"]).content.decode()
    assert "Kiến nghị của đơn vị đã được gửi" in html and "Chờ quyết định" in html
    assert 'data-testid="appeal-form"' not in html  # one open appeal per line
    download = client.get(f"/compliance/appeals/{filed.pk}/files/{filed.attachments.get().pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    client.force_login(hoa)
    listing = client.get("/compliance/appeals/").content.decode()
    assert f'data-testid="appeal-row-{filed.pk}"' in listing and "Mất điện cả ngày 18/3." in listing
    html = client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    assert 'data-testid="decision-form"' in html
    refused = client.post(f"/compliance/appeals/{filed.pk}/decide/", {"decision": "overturned", "reason": " "})
    assert refused.status_code == 400 and "Trường này là bắt buộc." in refused.content.decode()
    decision = {"decision": "overturned", "reason": "Có xác nhận của điện lực."}
    asked = client.post(f"/compliance/appeals/{filed.pk}/decide/", decision)  # the form's POST asks first
    page = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="confirm"' in page and "Có xác nhận của điện lực." in page
    assert "Chấp nhận: không tính điểm trừ" in page  # the decision, in words
    filed.refresh_from_db()
    assert filed.decision == "pending"  # nothing recorded before the confirmation
    response = client.post(f"/compliance/appeals/{filed.pk}/decide/", decision | {"confirmed": "yes"})
    assert response.status_code == 302
    filed.refresh_from_db()
    assert (filed.decision, filed.decided_by, filed.decided_at) == ("overturned", hoa, NOW)

    client.force_login(tuan)
    html = vietnamese(client.get("/compliance/lines/P17-STP/2021Q1/").content.decode())
    assert 'data-testid="overturned-note"' in html and "Có xác nhận của điện lực." in html
    assert "<del>0,50</del>" in html


def test_a_program_is_refused_with_a_message(client, tuan):
    client.force_login(tuan)
    response = client.post(
        "/compliance/lines/P17-STP/2021Q1/appeal/",
        {"reason": "Có lý do.", "attachments": [SimpleUploadedFile("bien-ban.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert response.status_code == 400
    assert "không phải PDF, ảnh hay văn bản" in response.content.decode()
    assert not Appeal.objects.exists()


def test_an_appeal_on_a_line_without_deduction_is_refused_with_a_message(client, tuan):
    client.force_login(tuan)
    response = client.post("/compliance/lines/P17-STP/2021Q2/appeal/", {"reason": "Thử."})
    assert response.status_code == 400 and "Không có gì để kiến nghị" in response.content.decode()


@pytest.mark.parametrize("who", ["hoa", "minh", "lan"])
def test_only_the_units_reporters_appeal(request, client, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post("/compliance/lines/P17-STP/2021Q1/appeal/", {"reason": "Thử."})
    assert response.status_code in (403, 404) and not Appeal.objects.exists()


@pytest.fixture
def vy(db):
    return make_another_provinces_office()


@pytest.mark.parametrize(
    ("who", "status"),
    # Minh (a district) and Vy (another province's office) do not see Sở Tư pháp: its appeal does not exist for them
    [("tuan", 403), ("minh", 404), ("vy", 404)],
)
def test_only_the_provincial_office_decides(request, client, kstt_report, dept_justice, tuan, who, status):
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        at=FILED, actor=tuan)  # fmt: skip
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/compliance/appeals/{filed.pk}/decide/", {"decision": "overturned", "reason": "Có."})
    assert response.status_code == status
    assert 'data-testid="decision-form"' not in client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    filed.refresh_from_db()
    assert filed.decision == "pending"


def test_a_district_reviewer_sees_his_districts_appeal_but_does_not_decide_it(client, kstt_report, thu, minh):
    filed = file_appeal(unit=thu.unit, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        at=FILED, actor=thu)  # fmt: skip
    client.force_login(minh)
    html = client.get("/compliance/lines/D157/2021Q1/").content.decode()
    assert f'data-testid="appeal-{filed.pk}"' in html and 'data-testid="decision-form"' not in html
    response = client.post(f"/compliance/appeals/{filed.pk}/decide/", {"decision": "overturned", "reason": "Có."})
    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.decision == "pending"


def test_quan_the_administrator_decides_an_appeal(client, kstt_report, dept_justice, tuan, quan):
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        at=FILED, actor=tuan)  # fmt: skip
    client.force_login(quan)
    assert 'data-testid="decision-form"' in client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    decision = {"decision": "upheld", "reason": "Không có căn cứ.", "confirmed": "yes"}
    assert client.post(f"/compliance/appeals/{filed.pk}/decide/", decision).status_code == 302
    filed.refresh_from_db()
    assert (filed.decision, filed.decided_by) == ("upheld", quan)


def test_another_provinces_office_lists_none_of_hoa_binhs_appeals(client, kstt_report, dept_justice, tuan, vy, hoa):
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        at=FILED, actor=tuan)  # fmt: skip
    client.force_login(vy)
    assert f'data-testid="appeal-row-{filed.pk}"' not in client.get("/compliance/appeals/").content.decode()
    client.force_login(hoa)
    assert f'data-testid="appeal-row-{filed.pk}"' in client.get("/compliance/appeals/").content.decode()


def test_after_an_upheld_appeal_the_line_is_offered_for_no_other_appeal(client, kstt_report, dept_justice, tuan, hoa):
    """rules.md §6: one appeal per line; the decision is final."""
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        at=FILED, actor=tuan)  # fmt: skip
    decide_appeal(appeal=filed, decision="upheld", reason="Không có căn cứ.", at=DECIDED, actor=hoa)
    client.force_login(tuan)
    assert 'data-testid="appeal-form"' not in client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    year = client.get("/compliance/deductions/2021/P17-STP/").content.decode()
    assert 'href="/compliance/lines/P17-STP/2021Q1/#appeal"' not in year
    assert 'href="/compliance/lines/P17-STP/2021Q3/#appeal"' in year  # Q3, never appealed, still may be
    response = client.post("/compliance/lines/P17-STP/2021Q1/appeal/", {"reason": "Có biên bản mới."})
    assert response.status_code == 400 and "mỗi dòng chỉ được kiến nghị một lần" in response.content.decode()
    assert Appeal.objects.count() == 1


def test_a_refused_press_of_submit_is_part_of_the_lines_evidence(client, kstt_report, dept_justice, tuan):
    """rules.md §4: the unit has something to appeal with."""
    from kstt.reports import services as reports

    report = reports.open_instance(unit=dept_justice, report_type=kstt_report, period="2021Q1",
                                   at=datetime(2021, 3, 18, 2, 0, tzinfo=UTC), actor=tuan)  # fmt: skip
    with pytest.raises(reports.NotReady):
        reports.submit(instance=report, at=datetime(2021, 3, 18, 3, 0, tzinfo=UTC), actor=tuan)
    html = vietnamese(page(client, tuan, "/compliance/lines/P17-STP/2021Q1/"))
    shown = html[html.index('data-testid="refused-submissions"') :][:1000]
    assert "18/03/2021 10:00" in shown and "Lê Anh Tuấn" in shown
    assert "Báo cáo đã ký số (PDF) chưa được đính kèm." in shown


def test_another_units_files_are_not_theirs(client, kstt_report, dept_justice, tuan, lan, minh):
    filed = file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                        attachments=[AttachmentFile("a.pdf", PDF)], at=FILED, actor=tuan)  # fmt: skip
    url = f"/compliance/appeals/{filed.pk}/files/{filed.attachments.get().pk}/"
    for user in (lan, minh):
        client.force_login(user)
        assert client.get(url).status_code == 404
    assert client.get(f"/compliance/appeals/{filed.pk}/files/999/").status_code == 404


# --- A fixed number of queries ----------------------------------------------------------------------------

MORE_UNITS = "code,name,level,kind,parent_code\n" + "".join(
    f'P17-S{n:02d},Sở số {n},department,"sở, ban, ngành",P17\nD9{n:02d},Huyện số {n},district,huyện,P17\n'
    for n in range(12)
)


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/compliance/deductions/2021/", "/compliance/appeals/", "/compliance/deductions/2021/D157/",
     "/compliance/lines/D157/2021Q1/"],
)  # fmt: skip
def test_each_page_makes_the_same_number_of_queries_for_3_units_or_27(client, hoa, kstt_report, tuan, thu, url):
    def appeal(reporter, period):
        file_appeal(unit=reporter.unit, report_type=kstt_report, period=Period.parse(period), reason="Có.",
                    attachments=[AttachmentFile("a.pdf", PDF)], at=FILED, actor=reporter)  # fmt: skip

    appeal(thu, "2021Q1")
    client.force_login(hoa)
    client.get(url)  # warm the session and the caches
    few = count(client, url)
    load_units(data=MORE_UNITS.encode(), effective_from=None, at=AT, source="more")
    appeal(tuan, "2021Q1")
    appeal(thu, "2021Q2")
    assert count(client, url) == few
    assert few <= 25
