"""The pages show a back-dated change's cost before saving it (issue 14 point 4): Quân (administrator)
changes the settings and the province's days, Hoa records and closes incidents.

The story of ledger_story.py on 10/11/2021 (the clock): Sở Tư pháp's Q3 report was late (−0.25).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kstt.audit.models import AuditEntry
from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import CalendarDay, SettingsVersion
from kstt.catalogue.services import declare_day
from kstt.catalogue.tests.test_catalogue_page import SETTINGS
from kstt.compliance.choices import status_label
from kstt.compliance.tests.ledger_story import HN, NOW, history  # noqa: F401 (a fixture)
from kstt.incidents.models import Incident
from kstt.incidents.services import record_incident
from kstt.reports.services import load_submissions
from kstt.tests.ledger_cost import confirm, is_preview, lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

WHY = "Quyết định số 15/QĐ-UBND áp dụng từ quý III"
JUSTICE_Q3 = "Sở Tư pháp (P17-STP)", "Quý III/2021"
#: Late points 0.30 from Q3 2021: Sở Tư pháp's late Q3 report loses 0.30 instead of 0.25.
HIGHER = {**SETTINGS, "valid_from": "2021Q3", "late_points": "0.30", "note": "Quyết định số 15/QĐ-UBND"}


@pytest.fixture(autouse=True)
def _clock(settings, tmp_path):
    settings.KSTT_CLOCK = NOW
    settings.MEDIA_ROOT = tmp_path


def versions(report_type) -> int:
    return SettingsVersion.objects.filter(report_type=report_type).count()


def test_quan_sees_the_lines_new_settings_move_and_saves_them_with_a_reason(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), HIGHER)
    assert is_preview(page)
    late = status_label("late")
    assert lines(page) == [(*JUSTICE_Q3, f"{late} → {late}", "−0,25 → −0,30")]
    assert versions(kstt_report) == 2  # nothing saved yet

    # Confirmed without a reason: asked again, still nothing saved.
    again = confirm(client, page, reason=" ")
    assert is_preview(again) and 'data-testid="ledger-cost-reason-missing"' in again.content.decode()
    assert versions(kstt_report) == 2

    done = confirm(client, again, reason=WHY)
    assert done.status_code == 302
    assert versions(kstt_report) == 3
    entry = AuditEntry.objects.filter(event="catalogue.settings_changed").latest("pk")
    assert entry.data["reason"] == WHY and [line["unit"] for line in entry.data["ledger_changes"]] == ["P17-STP"]


def test_a_preview_gone_stale_is_shown_again_instead_of_saving(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), HIGHER)
    assert len(lines(page)) == 1
    # Meanwhile Mai Châu's Q3 report, sent late, is loaded: its line moves too.
    load_submissions(
        data=b"unit_code,report,period,event,at,reasons\nD156,kstt,2021Q3,submitted,2021-10-01T09:00:00+07:00,\n",
        at=NOW,
    )
    stale = confirm(client, page, reason=WHY)
    assert is_preview(stale) and 'data-testid="ledger-cost-stale"' in stale.content.decode()
    assert [line[0] for line in lines(stale)] == ["Ủy ban nhân dân huyện Mai Châu (D156)", JUSTICE_Q3[0]]
    assert versions(kstt_report) == 2
    assert confirm(client, stale, reason=WHY).status_code == 302
    assert versions(kstt_report) == 3


def test_settings_for_periods_not_final_yet_save_at_once(client, quan, kstt_report):
    client.force_login(quan)
    page = client.post(reverse("catalogue:report_type"), {**HIGHER, "valid_from": "2022Q1"})
    assert page.status_code == 302 and versions(kstt_report) == 3


def test_quan_declares_a_day_that_moves_a_line_after_seeing_it(client, quan, kstt_report):
    declare_day(day=date(2021, 9, 20), kind=DayKind.DAY_OFF, name="Nghỉ bù", at=NOW, actor=quan)  # moves no line
    client.force_login(quan)
    page = client.post(
        reverse("catalogue:declare_day"), {"day": "2021-09-21", "kind": "day_off", "name": "Nghỉ bù", "year": "2021"}
    )
    assert lines(page) == [(*JUSTICE_Q3, f"{status_label('late')} → {status_label('on_time')}", "−0,25 → 0,00")]
    assert not CalendarDay.objects.filter(day=date(2021, 9, 21)).exists()
    done = confirm(client, page, reason=WHY)
    assert done.status_code == 302 and done["Location"].endswith("?year=2021")
    entry = CalendarDay.objects.get(day=date(2021, 9, 21))

    withdrawal = client.post(reverse("catalogue:withdraw_day", args=[entry.pk]), {"year": "2021"})
    assert lines(withdrawal) == [(*JUSTICE_Q3, f"{status_label('on_time')} → {status_label('late')}", "0,00 → −0,25")]
    confirm(client, withdrawal, reason="Công bố nhầm")
    entry.refresh_from_db()
    assert not entry.active


def test_hoa_closes_an_open_incident_after_seeing_the_lines_it_brings_back(client, hoa):
    incident = record_incident(
        start=datetime(2021, 9, 20, 14, tzinfo=HN),
        end=None,
        all_units=True,
        units=[],
        description="Hệ thống báo cáo mất kết nối",
        at=NOW,
        actor=hoa,
        reason="Trung tâm báo sự cố",
    )
    client.force_login(hoa)
    page = client.post(reverse("incidents:close", args=[incident.pk]), {"end": "2021-09-21T08:00"})
    excused = status_label("excused")
    assert (*JUSTICE_Q3, f"không có trong bảng điểm trừ → {excused}", "— → 0,00") in lines(page)
    assert len(lines(page)) == 3
    incident.refresh_from_db()
    assert incident.is_open
    assert confirm(client, page, reason=WHY).status_code == 302
    incident.refresh_from_db()
    assert incident.end == datetime(2021, 9, 21, 8, tzinfo=HN)


def test_hoa_records_an_incident_with_its_evidence_through_the_preview(client, hoa, dept_justice):
    client.force_login(hoa)
    minutes = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    page = client.post(
        reverse("incidents:new"),
        {
            "start": "2021-09-20T14:00",
            "end": "2021-09-21T08:00",
            "units": [dept_justice.pk],
            "description": "Mất kết nối",
            "evidence": minutes,
        },
    )
    assert lines(page) == [(*JUSTICE_Q3, f"{status_label('late')} → {status_label('excused')}", "−0,25 → 0,00")]
    assert 'type="file" name="evidence"' in page.content.decode()  # a file is asked for again
    again = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    done = confirm(client, page, reason=WHY, evidence=again)
    incident = Incident.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("incidents:detail", args=[incident.pk])
    assert list(incident.units.values_list("code", flat=True)) == ["P17-STP"]
    assert incident.evidence.read() == b"%PDF-1.4 minutes"
