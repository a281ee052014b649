"""Tuấn appeals his department's deduction, Hoa decides; who may, what may be appealed, the trail, the bell.

The story of ledger_story.py: on 2/11/2021 Sở Tư pháp's Q1 (never sent, −0.50) and Q3 (late, −0.25)
are final lines; its Q2 deducts nothing; its Q4 is not final yet.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.periods import Period
from kstt.compliance import services
from kstt.compliance.models import Appeal, AppealAttachment
from kstt.compliance.services import AppealError, AttachmentFile, NotAllowed, decide_appeal, file_appeal
from kstt.compliance.tests.ledger_story import (  # noqa: F401 (history: a fixture)
    DECIDED,
    FILED,
    PDF,
    PNG,
    history,
    make_another_provinces_office,
    make_thu,
)
from kstt.notifications.models import Notification
from kstt.records import ImmutableError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]


@pytest.fixture
def thu(district_lac_son):
    return make_thu(district_lac_son)


Q1, Q2, Q3, Q4 = (Period.parse(f"2021Q{n}") for n in range(1, 5))
REASON = "Đường truyền của Sở bị gián đoạn tối 18/3."


def appeal(unit, report_type, actor, period=Q1, *, at=FILED, reason=REASON, attachments=()):
    return file_appeal(
        unit=unit, report_type=report_type, period=period, reason=reason, attachments=attachments, at=at, actor=actor
    )


def test_tuan_appeals_his_departments_q1_with_a_reason_and_a_pdf(kstt_report, dept_justice, tuan, hoa):
    filed = appeal(dept_justice, kstt_report, tuan, attachments=[AttachmentFile("bien-ban.pdf", PDF)])
    assert (filed.unit, filed.period, filed.decision, filed.filed_by, filed.filed_at) == (
        dept_justice,
        "2021Q1",
        "pending",
        tuan,
        FILED,
    )
    # the line as it stood when appealed
    assert filed.line["status"] == "not_sent" and filed.line["deduction"] == "0.50"
    assert filed.line["deadline"] == "2021-03-18T23:59:59.999999+07:00"
    assert filed.line["effective_closing"] == "2021-04-19T23:59:59.999999+07:00"
    assert filed.line["settings_version"] == 1
    (attached,) = AppealAttachment.objects.filter(appeal=filed)
    assert attached.name == "bien-ban.pdf" and attached.size == len(PDF) and attached.file.read() == PDF
    entry = AuditEntry.objects.get(event="compliance.appeal_filed")
    assert (entry.actor, entry.target_id, entry.at) == (tuan, str(filed.pk), FILED)
    assert entry.data["line"]["deduction"] == "0.50" and entry.data["attachments"][0]["name"] == "bien-ban.pdf"


def test_hoa_is_told_after_commit_and_tuan_when_she_decides(
    kstt_report, dept_justice, tuan, hoa, minh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as pending:
        filed = appeal(dept_justice, kstt_report, tuan)
    assert not Notification.objects.exists()  # nobody is told before the commit
    for callback in pending:
        callback()
    (told,) = Notification.objects.all()
    assert (told.recipient, told.kind, told.created_at) == (hoa, "appeal_filed", FILED)
    assert told.url == "/compliance/lines/P17-STP/2021Q1/"
    assert "Sở Tư pháp" in told.text and "0,50" in told.text and "Quý I/2021" in told.text

    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(appeal=filed, decision="overturned", reason="Sự cố được xác minh.", at=DECIDED, actor=hoa)
    told = Notification.objects.get(recipient=tuan)
    assert told.kind == "appeal_overturned" and told.created_at == DECIDED
    assert "Phạm Thị Hoa (Ủy ban nhân dân tỉnh Hòa Bình)" in told.text and "Sự cố được xác minh." in told.text
    assert not Notification.objects.filter(recipient=minh).exists()


def test_an_upheld_appeal_tells_the_unit_it_stands(
    kstt_report, dept_justice, tuan, hoa, django_capture_on_commit_callbacks
):
    filed = appeal(dept_justice, kstt_report, tuan)
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_appeal(appeal=filed, decision="upheld", reason="Không có sự cố.", at=DECIDED, actor=hoa)
    assert (decided.decision, decided.decision_reason, decided.decided_by, decided.decided_at) == (
        "upheld",
        "Không có sự cố.",
        hoa,
        DECIDED,
    )
    assert Notification.objects.get(recipient=tuan).kind == "appeal_upheld"
    entry = AuditEntry.objects.get(event="compliance.appeal_decided")
    assert (entry.actor, entry.data["decision"], entry.data["reason"]) == (hoa, "upheld", "Không có sự cố.")


@pytest.mark.parametrize("who", ["hoa", "minh", "lan", "quan", "thu"])
def test_only_a_reporter_of_the_unit_appeals(request, kstt_report, dept_justice, who):
    with pytest.raises(NotAllowed):
        appeal(dept_justice, kstt_report, request.getfixturevalue(who))
    assert not Appeal.objects.exists() and not AuditEntry.objects.filter(event__startswith="compliance.").exists()


@pytest.fixture
def vy(db):
    return make_another_provinces_office()


@pytest.mark.parametrize("who", ["tuan", "minh", "lan", "thu", "vy"])
def test_only_the_provincial_office_of_the_units_province_or_an_administrator_decides(
    request, kstt_report, dept_justice, tuan, who
):
    """rules.md §6: not the unit, not a district's reviewers, not another province's office."""
    filed = appeal(dept_justice, kstt_report, tuan)
    with pytest.raises(NotAllowed):
        decide_appeal(appeal=filed, decision="upheld", reason="Không.", at=DECIDED, actor=request.getfixturevalue(who))
    filed.refresh_from_db()
    assert filed.decision == "pending"


def test_a_district_reviewer_does_not_decide_his_own_districts_appeal(kstt_report, district_lac_son, thu, minh):
    filed = appeal(district_lac_son, kstt_report, thu)  # Lạc Sơn's Q1: −0.25, Minh reviews Lạc Sơn
    with pytest.raises(NotAllowed):
        decide_appeal(appeal=filed, decision="overturned", reason="Có.", at=DECIDED, actor=minh)


@pytest.mark.parametrize("who", ["hoa", "quan"])
def test_hoa_for_the_province_or_quan_the_administrator_decides(request, kstt_report, dept_justice, tuan, who):
    filed = appeal(dept_justice, kstt_report, tuan)
    actor = request.getfixturevalue(who)
    decided = decide_appeal(appeal=filed, decision="overturned", reason="Có biên bản.", at=DECIDED, actor=actor)
    assert (decided.decision, decided.decided_by) == ("overturned", actor)


@pytest.mark.parametrize(
    ("period", "at", "code"),
    [
        pytest.param(Q2, FILED, "no_deduction", id="q2-deducts-nothing"),
        pytest.param(Q4, FILED, "not_in_ledger", id="q4-closing-time-ahead"),
        pytest.param(Q3, FILED.replace(month=10, day=20), "not_in_ledger", id="q3-on-its-closing-day"),
        pytest.param(Q3, FILED.replace(month=10, day=21, hour=0, minute=0), None, id="q3-the-day-after-closing"),
    ],
)
def test_only_a_final_line_with_a_deduction_is_appealed(kstt_report, dept_justice, tuan, period, at, code):
    if code is None:
        assert appeal(dept_justice, kstt_report, tuan, period, at=at).line["status"] == "late"
        return
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, period, at=at)
    assert refused.value.code == code


def test_a_commune_is_not_scored_so_lan_has_nothing_to_appeal(kstt_report, commune_yen_nghiep, lan):
    with pytest.raises(AppealError) as refused:
        appeal(commune_yen_nghiep, kstt_report, lan)
    assert refused.value.code == "not_in_ledger"


@pytest.mark.parametrize(("decision", "code"), [("upheld", "upheld"), ("overturned", "overturned")])
def test_one_appeal_per_line_never_again_once_decided(kstt_report, dept_justice, tuan, hoa, decision, code):
    """rules.md §6: a unit appeals a line once; the decision, either way, is final in the system."""
    first = appeal(dept_justice, kstt_report, tuan)
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, at=FILED + timedelta(hours=1))
    assert refused.value.code == "pending"
    appeal(dept_justice, kstt_report, tuan, Q3)  # another line is another matter
    decide_appeal(appeal=first, decision=decision, reason="Đã xem xét.", at=DECIDED, actor=hoa)
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, at=DECIDED + timedelta(days=1), reason="Có biên bản mới.")
    assert refused.value.code == code and refused.value.message
    assert Appeal.objects.count() == 2


def test_the_database_holds_one_open_appeal_per_line(kstt_report, dept_justice, tuan):
    appeal(dept_justice, kstt_report, tuan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(
            unit=dept_justice, report_type=kstt_report, period="2021Q1", reason="Lần hai", filed_at=FILED, line={}
        )


@pytest.mark.parametrize(
    ("reason", "decision", "at", "code"),
    [
        pytest.param("  ", "upheld", DECIDED, "reason", id="no-reason"),
        pytest.param("Có lý do", "pending", DECIDED, "decision", id="pending-is-no-decision"),
        pytest.param("Có lý do", "maybe", DECIDED, "decision", id="unknown-decision"),
        pytest.param("Có lý do", "upheld", FILED - timedelta(minutes=1), "before_filed", id="before-it-was-filed"),
    ],
)
def test_a_decision_needs_a_reason_and_a_known_verdict(
    kstt_report, dept_justice, tuan, hoa, reason, decision, at, code
):
    filed = appeal(dept_justice, kstt_report, tuan)
    with pytest.raises(AppealError) as refused:
        decide_appeal(appeal=filed, decision=decision, reason=reason, at=at, actor=hoa)
    assert refused.value.code == code and refused.value.message
    filed.refresh_from_db()
    assert filed.decision == "pending" and not AuditEntry.objects.filter(event="compliance.appeal_decided").exists()


def test_an_appeal_needs_a_reason(kstt_report, dept_justice, tuan):
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, reason=" \n ")
    assert refused.value.code == "reason"


@pytest.mark.parametrize(
    ("files", "code"),
    [
        pytest.param([AttachmentFile("virus.exe", b"MZ\x90\x00abc")], "kind", id="a-program"),
        pytest.param([AttachmentFile("anh.png", PDF)], "kind", id="a-pdf-named-png"),
        pytest.param([AttachmentFile("rong.pdf", b"")], "empty", id="empty"),
        pytest.param([AttachmentFile(f"{n}.png", PNG) for n in range(6)], "too_many_files", id="six-files"),
    ],
)
def test_files_are_checked_and_nothing_is_kept_of_a_refused_appeal(kstt_report, dept_justice, tuan, files, code):
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, attachments=files)
    assert refused.value.code == code
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()


def test_a_file_over_the_limit_is_refused(kstt_report, dept_justice, tuan, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", len(PDF) - 1)
    with pytest.raises(AppealError) as refused:
        appeal(dept_justice, kstt_report, tuan, attachments=[AttachmentFile("bien-ban.pdf", PDF)])
    assert refused.value.code == "too_large"
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", len(PDF))
    assert appeal(dept_justice, kstt_report, tuan, attachments=[AttachmentFile("bien-ban.pdf", PDF)]).pk


def test_a_decision_is_never_changed_and_nothing_is_deleted(kstt_report, dept_justice, tuan, hoa):
    filed = appeal(dept_justice, kstt_report, tuan, attachments=[AttachmentFile("anh.png", PNG)])
    decided = decide_appeal(appeal=filed, decision="upheld", reason="Giữ nguyên.", at=DECIDED, actor=hoa)
    with pytest.raises(AppealError) as refused:
        decide_appeal(appeal=filed, decision="overturned", reason="Đổi ý.", at=DECIDED, actor=hoa)
    assert refused.value.code == "decided"
    decided.refresh_from_db()
    assert (decided.decision, decided.decision_reason) == ("upheld", "Giữ nguyên.")
    for act in (
        decided.save,
        decided.delete,
        Appeal.objects.all().delete,
        lambda: Appeal.objects.update(decision="overturned"),
        AppealAttachment.objects.get().delete,
        AppealAttachment.objects.all().delete,
        lambda: AppealAttachment.objects.update(name="x.pdf"),
    ):
        with pytest.raises(ImmutableError):
            act()
    assert Appeal.objects.count() == 1 and AppealAttachment.objects.count() == 1


def test_the_database_refuses_a_decision_without_reason_or_time(kstt_report, dept_justice, tuan):
    filed = appeal(dept_justice, kstt_report, tuan)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.decide(filed.pk, decision="upheld", reason="", by=None, at=DECIDED)


@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_one_wins(kstt_report, dept_justice, tuan, hoa):
    """Two threads (two database connections) decide the same appeal at the same moment: one decision stands."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race is proven on PostgreSQL")
    filed = appeal(dept_justice, kstt_report, tuan)
    barrier, outcomes = threading.Barrier(2), []

    def decide(decision: str) -> None:
        try:
            barrier.wait()
            decide_appeal(appeal=filed, decision=decision, reason=f"Quyết định {decision}", at=DECIDED, actor=hoa)
            outcomes.append(decision)
        except AppealError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(d,)) for d in ("upheld", "overturned")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    filed.refresh_from_db()
    assert sorted(outcomes) == sorted([filed.decision, "decided"])
    assert AuditEntry.objects.filter(event="compliance.appeal_decided").count() == 1
