"""Quản reads the audit trail in the administration site (issue 13 point 12): each report named by its period
and unit (not "báo cáo 601"), what was done in a sentence, its details in words (never JSON), in a fixed
number of queries whatever the number of reports listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.reports import services
from kstt.reports.tests.review_story import SUBMITTED, submitted
from kstt.tests.cast import AT
from kstt.tests.test_vietnamese_walk import problems, visible_text

LIST = reverse("admin:audit_auditentry_changelist")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def change(entry):
    return reverse("admin:audit_auditentry_change", args=[entry.pk])


def text(html: str) -> str:
    return " ".join(visible_text(html))


def test_a_report_is_named_by_its_period_and_unit(client, quan, lan, commune_yen_nghiep, kstt_report):
    report, _ = submitted(commune_yen_nghiep, kstt_report, lan)
    client.force_login(quan)
    listing = client.get(LIST + "?event=reports.submitted").content.decode()
    assert "Báo cáo Quý III/2021 — Ủy ban nhân dân xã Yên Nghiệp" in text(listing)
    assert f"báo cáo {report.pk}" not in text(listing).lower()
    assert problems(listing, records=True) == []


def test_an_entrys_details_are_lines_in_words(client, quan, lan, commune_yen_nghiep, kstt_report):
    submitted(commune_yen_nghiep, kstt_report, lan)
    client.force_login(quan)
    saved = AuditEntry.objects.get(event="reports.draft_saved")
    html = client.get(change(saved)).content.decode()
    said = text(html)
    assert "Lưu bản nháp (lần lưu 1)" in said
    assert "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: trống → 5" in said
    assert "Các mục đề cương đã sửa: I. Kết quả đạt được; I.1. Công tác chỉ đạo, điều hành" in said
    assert '"cells"' not in html and "received_total" not in said
    assert problems(html, records=True) == []


def test_a_refused_press_of_submit_reads_in_words(client, quan, lan, commune_yen_nghiep, kstt_report):
    """rules.md §4: the press that was not a submission is in the trail, what was missing said in words."""
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3",
                                    at=SUBMITTED, actor=lan)  # fmt: skip
    with pytest.raises(services.NotReady):
        services.submit(instance=report, at=SUBMITTED, actor=lan)
    client.force_login(quan)
    listing = text(client.get(LIST + "?event=reports.submit_refused").content.decode())
    assert "Báo cáo Quý III/2021 — Ủy ban nhân dân xã Yên Nghiệp" in listing
    html = client.get(change(AuditEntry.objects.get(event="reports.submit_refused"))).content.decode()
    said = text(html)
    assert "Bấm Gửi báo cáo: chưa thành lần gửi, không có gì được gửi" in said
    assert "Còn thiếu: Báo cáo đã ký số (PDF) chưa được đính kèm." in said
    assert "Còn thiếu: Biểu 06 chưa được nhập." in said
    assert '"missing"' not in html and problems(html, records=True) == []


def test_an_entry_of_another_kind_reads_in_words_too(client, quan, commune_yen_nghiep):
    save_user(username="mai", full_name="Lò Thị Mai", unit=commune_yen_nghiep, roles={Role.REPORTER},
              password="x" * 12, at=AT)  # fmt: skip
    client.force_login(quan)
    created = AuditEntry.objects.filter(event="accounts.user_created").latest("pk")
    html = client.get(change(created)).content.decode()
    said = text(html)
    assert "Lò Thị Mai" in said and "Người báo cáo" in said
    assert "reporter" not in said and "{" not in said
    assert problems(html, records=True) == []


def test_the_list_reads_in_a_fixed_number_of_queries(client, quan, cast, kstt_report):
    """As many queries for one report as for three (of the same period: the words are read per period)."""
    client.force_login(quan)

    def listed() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST + "?event=reports.submitted").status_code == 200
        return len(queries)

    people = {}
    for code in ("W05341", "W05344", "W05200"):
        people[code] = save_user(
            username=f"r{code}", full_name="Người báo cáo", unit=cast[code], roles={Role.REPORTER},
            password="x" * 12, at=AT,
        )  # fmt: skip
    submitted(cast["W05341"], kstt_report, people["W05341"])
    one = listed()
    for code in ("W05344", "W05200"):
        submitted(cast[code], kstt_report, people[code])
    assert listed() == one
