"""The closing page and the ledger's pages of a closed year (rules.md §6, chốt sổ).

Hòa Bình's 2021 (ledger_story): Hoa closes it on 15/02/2022; a return of D157's 2021Q3 report recorded
afterwards shows as the difference with today's judgement, and the closed figures stay.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from kstt.compliance.models import YearClosing
from kstt.compliance.tests.ledger_story import HN, history  # noqa: F401 (the fixture)
from kstt.reports.models import ReportVersion
from kstt.reports.services import load_submissions, return_report
from kstt.tests.cast import *  # noqa: F403

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

CLOSED_AT = datetime(2022, 2, 15, 9, 0, tzinfo=HN)


#: Mai Châu sends its 2021Q4 report on time; nobody reviews it before the closing.
MAI_CHAU_Q4 = b"unit_code,report,period,event,at,reasons\nD156,kstt,2021Q4,submitted,2021-12-17T09:00:00+07:00,\n"


@pytest.fixture
def office(client, hoa, settings):
    settings.KSTT_CLOCK = CLOSED_AT
    load_submissions(data=MAI_CHAU_Q4, at=CLOSED_AT, source="test")
    client.force_login(hoa)
    return client


def test_before_the_last_closing_time_the_page_lists_what_blocks(office, settings):
    settings.KSTT_CLOCK = datetime(2022, 1, 5, 9, 0, tzinfo=HN)
    html = office.get("/compliance/deductions/2021/closing/").content.decode()
    assert 'data-testid="block-D157-2021Q4"' in html and 'data-testid="close-form"' not in html
    assert office.post("/compliance/deductions/2021/closing/close/").status_code == 302
    assert not YearClosing.objects.exists()


def test_the_office_closes_and_the_pages_show_the_closed_ledger_with_the_difference(office, hoa, settings):
    page = office.get("/compliance/deductions/2021/closing/").content.decode()
    assert 'data-testid="close-form"' in page
    assert 'data-testid="not-reviewed"' in page and "D156 · 2021Q4" in page
    assert office.post("/compliance/deductions/2021/closing/close/", {"note": "Chốt sổ"}).status_code == 302
    record = YearClosing.objects.get()
    html = office.get("/compliance/deductions/2021/").content.decode()
    assert 'data-testid="closed-banner"' in html and record.sha256 in html
    assert 'data-testid="no-difference"' in html
    assert 'data-testid="total-D156-"' not in html and 'data-testid="total-D156">1,50' in html.replace("−", "")
    # Hoa returns D156's 2021Q4 report, sent on time and never reviewed, after the closing.
    settings.KSTT_CLOCK = datetime(2022, 2, 16, 9, 0, tzinfo=HN)
    version = ReportVersion.objects.get(instance__unit__code="D156", instance__period="2021Q4")
    return_report(version=version, reasons=["incomplete"], at=datetime(2022, 2, 16, 9, 0, tzinfo=HN), actor=hoa)
    html = office.get("/compliance/deductions/2021/").content.decode()
    assert 'data-testid="change-D156-2021Q4"' in html
    assert 'data-testid="total-D156">1,50' in html.replace("−", "")  # the closed total stays
    line = office.get("/compliance/lines/D156/2021Q4/").content.decode()
    assert 'data-testid="closed-differs"' in line
    assert YearClosing.objects.get().sha256 == record.sha256
    workbook = office.get("/compliance/deductions/2021/xlsx/")
    assert b"".join(workbook.streaming_content) == record.workbook.open("rb").read()


def test_unit_people_see_the_closed_line_and_cannot_appeal_it(office, client, tuan):
    office.post("/compliance/deductions/2021/closing/close/")
    client.force_login(tuan)
    html = client.get("/compliance/lines/P17-STP/2021Q1/").content.decode()
    assert 'data-testid="closed-line"' in html and 'name="reason"' not in html
    html = client.get("/compliance/deductions/2021/P17-STP/").content.decode()
    assert 'data-testid="closed-banner"' in html and 'data-testid="appeal-button"' not in html
    assert client.get("/compliance/deductions/2021/closing/").status_code == 404


def test_reopen_with_a_reason_and_close_again_keeps_both_revisions(office, settings):
    office.post("/compliance/deductions/2021/closing/close/")
    office.post("/compliance/deductions/2021/closing/reopen/", {"reason": ""})  # refused: no reason
    assert not YearClosing.objects.filter(reopening__isnull=False).exists()
    settings.KSTT_CLOCK = datetime(2022, 2, 16, 9, 0, tzinfo=HN)
    office.post("/compliance/deductions/2021/closing/reopen/", {"reason": "Ghi nhận sự cố muộn"})
    settings.KSTT_CLOCK = datetime(2022, 2, 17, 9, 0, tzinfo=HN)
    office.post("/compliance/deductions/2021/closing/close/")
    html = office.get("/compliance/deductions/2021/closing/").content.decode()
    assert 'data-testid="revision-1"' in html and 'data-testid="revision-2"' in html
    assert "Ghi nhận sự cố muộn" in html
    old = office.get("/compliance/deductions/2021/closing/1/")
    assert old.status_code == 200 and YearClosing.objects.get(revision=1).sha256 in old.content.decode()
    assert office.get("/compliance/deductions/2021/closing/1/xlsx/").status_code == 200
    assert office.get("/compliance/deductions/2021/closing/3/").status_code == 404


def test_a_reviewer_of_a_district_may_not_close(client, minh, settings):
    settings.KSTT_CLOCK = CLOSED_AT
    client.force_login(minh)
    assert client.post("/compliance/deductions/2021/closing/close/").status_code == 404
    assert not YearClosing.objects.exists()


def test_the_administration_site_shows_closings_read_only(office, client, quan):
    office.post("/compliance/deductions/2021/closing/close/")
    record = YearClosing.objects.get()
    quan.is_staff = True
    quan.save(update_fields=["is_staff"])
    client.force_login(quan)
    listing = client.get("/admin/compliance/yearclosing/")
    assert listing.status_code == 200 and record.sha256 in listing.content.decode()
    detail = client.get(f"/admin/compliance/yearclosing/{record.pk}/change/")
    assert detail.status_code == 200 and record.snapshot[:40] not in detail.content.decode()
    assert client.post(f"/admin/compliance/yearclosing/{record.pk}/delete/").status_code == 403


@pytest.mark.parametrize("reason", ["Lý do\x00", "x" * 5001], ids=["nul", "too-long"])
def test_a_reopening_reason_that_cannot_be_kept_is_refused_clearly(office, settings, reason):
    office.post("/compliance/deductions/2021/closing/close/")
    settings.KSTT_CLOCK = datetime(2022, 2, 16, 9, 0, tzinfo=HN)
    answer = office.post("/compliance/deductions/2021/closing/reopen/", {"reason": reason}, follow=True)
    assert answer.status_code == 200
    assert "Không lưu được lý do hoặc ghi chú" in answer.content.decode()
    assert not YearClosing.objects.filter(reopening__isnull=False).exists()
