"""Lan fills, submits and corrects her commune's report; Minh (her district) reviews it.

Every state change goes through kstt.reports.services: access, concurrency, idempotency, audit.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import change_settings
from kstt.records import ImmutableError
from kstt.reports import selectors, services
from kstt.reports.models import RefusedSubmission, ReportInstance, ReportVersion, Review
from kstt.tests.cast import AT
from kstt.units.services import load_units

FORM = "06/VPCP/KSTT"
T1 = datetime(2021, 9, 15, 3, 0, tzinfo=UTC)  # 15/09/2021 10:00 in Hà Nội
T2 = datetime(2021, 9, 15, 4, 0, tzinfo=UTC)
T3 = datetime(2021, 9, 16, 2, 0, tzinfo=UTC)
T4 = datetime(2021, 9, 17, 2, 0, tzinfo=UTC)
T5 = datetime(2021, 9, 18, 2, 0, tzinfo=UTC)

ROW = {
    "received_total": 5,
    "received_online": 2,
    "received_direct": 2,
    "carried_over": 1,
    "settled_total": 3,
    "settled_early": 1,
    "settled_on_time": 1,
    "settled_late": 1,
    "pending_total": 2,
    "pending_in_time": 1,
    "pending_overdue": 1,
}
GOOD = {FORM: {"HT": ROW, "total": ROW}}
#: Every required section of the outline written (kstt-outline v1): otherwise the report is incomplete.
REQUIRED_SECTIONS = ("direction", "regulation_control", "publication", "review", "feedback", "settlement",
                     "one_stop", "e_procedures", "shortcomings", "next_tasks")  # fmt: skip
NARRATIVE = {"results": "Kết quả"} | dict.fromkeys(REQUIRED_SECTIONS, "Đã thực hiện")
BROKEN = {FORM: {"HT": ROW | {"received_total": 6}, "total": ROW | {"received_total": 6}}}  # R1 and R4 fail


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def report(lan, commune_yen_nghiep, kstt_report):
    return services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=lan)


def fill(report, lan, values=GOOD, *, document=True, at=T1):
    draft = report.draft
    services.save_draft(
        instance=report, values=values, narrative=NARRATIVE, reasons={}, expected_revision=draft.revision,
        at=at, actor=lan,
    )  # fmt: skip
    if document:
        services.attach_document(
            instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
            at=at, actor=lan,
        )  # fmt: skip
    report.refresh_from_db()
    return report


def test_lan_opens_her_commune_report_sent_to_lac_son(report, commune_yen_nghiep, district_lac_son):
    assert (report.unit, report.period, report.level, report.recipient) == (
        commune_yen_nghiep, "2021Q3", "commune", district_lac_son
    )  # fmt: skip
    assert report.status == "draft" and report.draft.revision == 0
    assert AuditEntry.objects.filter(event="reports.opened", target_id=str(report.pk)).count() == 1


def test_opening_twice_gives_the_same_report(report, lan, commune_yen_nghiep, kstt_report):
    again = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T2, actor=lan)
    assert again.pk == report.pk and ReportInstance.objects.count() == 1


def test_a_reporter_of_another_unit_cannot_open_or_submit(report, tuan, commune_yen_nghiep, kstt_report, lan):
    with pytest.raises(services.NotAllowed):
        services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1, actor=tuan)
    fill(report, lan)
    with pytest.raises(services.NotAllowed):
        services.save_draft(
            instance=report, values={}, narrative={}, reasons={}, expected_revision=1, at=T2, actor=tuan
        )
    with pytest.raises(services.NotAllowed):
        services.submit(instance=report, at=T2, actor=tuan)
    assert ReportVersion.objects.count() == 0


def test_a_period_the_schedule_does_not_have_is_not_owed(lan, commune_yen_nghiep, kstt_report):
    for period in ("2021H1", "2021X9"):
        with pytest.raises(services.NotOwed):
            services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period=period, at=T1, actor=lan)


def test_two_saves_from_the_same_revision_the_second_is_refused(report, lan, commune_yen_nghiep):
    lan_2 = save_user(username="lan2", full_name="Hà Thị Hương", unit=commune_yen_nghiep, roles={Role.REPORTER},
                      password="correct horse 2021", at=AT)  # fmt: skip
    opened = report.draft.revision
    services.save_draft(
        instance=report, values=GOOD, narrative={}, reasons={}, expected_revision=opened, at=T1, actor=lan
    )
    with pytest.raises(services.DraftConflict) as refused:
        services.save_draft(
            instance=report, values=BROKEN, narrative={}, reasons={}, expected_revision=opened, at=T2, actor=lan_2
        )
    assert "Nguyễn Thị Lan" in str(refused.value)
    report.draft.refresh_from_db()
    assert (report.draft.values, report.draft.revision) == (GOOD, opened + 1)


def test_each_save_is_in_the_audit_trail_with_the_changed_cells(report, lan):
    fill(report, lan)
    services.save_draft(instance=report, values=BROKEN, narrative=NARRATIVE, reasons={},
                        expected_revision=1, at=T2, actor=lan)  # fmt: skip
    saves = [e for e in selectors.audit_trail(report) if e.event == "reports.draft_saved"]
    assert [e.data["revision"] for e in saves] == [1, 2]
    assert saves[1].actor == lan
    assert saves[1].data["cells"] == [[FORM, "HT", "received_total", 5, 6], [FORM, "total", "received_total", 5, 6]]


def test_a_clean_report_submits_as_version_1_unflagged(report, lan):
    fill(report, lan)
    version = services.submit(instance=report, idempotency_key="k1", at=T2, actor=lan)
    report.refresh_from_db()
    assert (version.number, version.flags, version.findings, version.submitted_by) == (1, [], [], lan)
    assert version.values == GOOD and version.document is not None
    assert (report.status, report.first_submitted_at) == ("submitted", T2)


def test_a_double_click_with_one_key_submits_once(report, lan):
    fill(report, lan)
    first = services.submit(instance=report, idempotency_key="click", at=T2, actor=lan)
    second = services.submit(instance=report, idempotency_key="click", at=T3, actor=lan)
    assert first.pk == second.pk and ReportVersion.objects.count() == 1


def test_a_second_submit_without_a_key_is_refused(report, lan):
    fill(report, lan)
    services.submit(instance=report, at=T2, actor=lan)
    with pytest.raises(services.StateError):
        services.submit(instance=report, at=T2, actor=lan)
    assert ReportVersion.objects.count() == 1


@pytest.mark.parametrize("explanation", ["", "Số liệu đang đối chiếu"], ids=["unexplained", "explained"])
def test_a_failing_report_is_submitted_on_the_first_press_and_arrives_flagged(report, lan, explanation):
    """rules.md §5: the unit may explain, never must."""
    fill(report, lan, BROKEN)
    version = services.submit(instance=report, explanation=explanation, at=T2, actor=lan)
    assert (version.number, version.flags, version.explanation) == (1, ["inaccurate"], explanation)
    assert {f["rule"] for f in version.findings} >= {"R1", "R4"}
    report.refresh_from_db()
    assert (report.status, report.first_submitted_at) == ("submitted", T2)


def test_an_unsigned_pdf_is_accepted_and_the_version_flagged_unsigned(report, lan):
    fill(report, lan, document=False)
    services.attach_document(instance=report, name="ban-scan.pdf", content=b"%PDF-1.7 scan",
                             verification={"signed": False, "flags": ["unsigned"]}, at=T1, actor=lan)  # fmt: skip
    version = services.submit(instance=report, at=T2, actor=lan)
    assert version.flags == ["unsigned"] and version.document.name == "ban-scan.pdf"


def test_a_settings_version_may_require_a_digital_signature(report, lan, quan, kstt_report):
    """rules.md §4 (configurable): then an unsigned PDF counts as missing, and the press is recorded."""
    change_settings(report_type=kstt_report, values={"digital_signature_required": True},
                    valid_from=Period.parse("2021Q3"), note="Quyết định số 12/QĐ-UBND", at=T1, actor=quan)  # fmt: skip
    fill(report, lan, document=False)
    services.attach_document(instance=report, name="ban-scan.pdf", content=b"%PDF-1.7 scan",
                             verification={"signed": False}, at=T1, actor=lan)  # fmt: skip
    with pytest.raises(services.NotReady) as refused:
        services.submit(instance=report, at=T2, actor=lan)
    assert [p["code"] for p in refused.value.problems] == ["signature"]
    assert ReportVersion.objects.count() == 0
    recorded = RefusedSubmission.objects.get()
    assert recorded.codes == ["signature"] and recorded.document.name == "ban-scan.pdf"
    fill(report, lan)  # a digitally signed PDF instead: a submission
    assert services.submit(instance=report, at=T3, actor=lan).flags == []


@pytest.mark.parametrize(
    ("values", "document", "missing"),
    [
        pytest.param(GOOD, False, {"document"}, id="no-signed-document"),
        pytest.param({}, True, {"form"}, id="no-form"),
        pytest.param({}, False, {"document", "form"}, id="nothing"),
    ],
)
def test_without_the_signed_document_and_the_forms_pressing_submit_is_not_a_submission(
    report, lan, values, document, missing
):
    """rules.md §4: the submitted time is the first instant at which both are on the system."""
    if values or document:
        fill(report, lan, values, document=document)
    with pytest.raises(services.NotReady) as refused:
        services.submit(instance=report, explanation="Gửi trước, bổ sung sau", at=T2, actor=lan)
    assert {p["code"] for p in refused.value.problems} == missing
    report.refresh_from_db()
    assert (report.status, report.first_submitted_at, ReportVersion.objects.count()) == ("draft", None, 0)
    # ... but the press is never silent (§4): who, when and what was missing are kept, and audited.
    recorded = RefusedSubmission.objects.get()
    assert (recorded.instance, recorded.by, recorded.at, set(recorded.codes)) == (report, lan, T2, missing)
    assert refused.value.recorded == recorded
    entry = AuditEntry.objects.get(event="reports.submit_refused")
    assert (entry.actor, entry.at, entry.target_id, entry.data["missing"]) == (
        lan,
        T2,
        str(report.pk),
        recorded.missing,
    )


def test_a_refused_press_is_kept_though_the_refusal_rolls_its_submission_back(transactional_db, report, lan):
    """Real transactions: the record is committed on its own, after the refused submission rolled back."""
    with pytest.raises(services.NotReady):
        services.submit(instance=report, at=T2, actor=lan)
    with pytest.raises(services.NotReady):
        services.submit(instance=report, at=T3, actor=lan)
    assert list(RefusedSubmission.objects.values_list("at", flat=True)) == [T2, T3]
    assert not ReportVersion.objects.exists()


def test_inside_a_callers_transaction_a_refused_press_is_an_error_never_a_silent_loss(transactional_db, report, lan):
    """The caller's rollback would take the record with it: the service refuses to be called so."""
    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit(instance=report, at=T2, actor=lan)
    assert not RefusedSubmission.objects.exists() and not ReportVersion.objects.exists()


def test_a_refused_press_can_be_neither_changed_nor_deleted(report, lan):
    with pytest.raises(services.NotReady):
        services.submit(instance=report, at=T2, actor=lan)
    recorded = RefusedSubmission.objects.get()
    recorded.missing = []
    with pytest.raises(ImmutableError):
        recorded.save()
    with pytest.raises(ImmutableError):
        recorded.delete()
    with pytest.raises(ImmutableError):
        RefusedSubmission.objects.filter(pk=recorded.pk).update(missing=[])


def test_returned_then_resubmitted_is_version_2_and_keeps_the_first_time(report, lan, minh):
    fill(report, lan)
    v1 = services.submit(instance=report, at=T2, actor=lan)
    services.return_report(version=v1, reasons=["inaccurate"], text="Kiểm tra lại dòng Hộ tịch", at=T3, actor=minh)
    report.refresh_from_db()
    assert report.status == "returned"
    services.save_draft(instance=report, values=GOOD, narrative=NARRATIVE | {"results": "Đã sửa"}, reasons={},
                        expected_revision=report.draft.revision, at=T4, actor=lan)  # fmt: skip
    v2 = services.submit(instance=report, at=T4, actor=lan)
    report.refresh_from_db()
    assert (v2.number, v2.narrative, report.first_submitted_at, report.status) == (
        2,
        NARRATIVE | {"results": "Đã sửa"},
        T2,
        "submitted",
    )
    services.accept(version=v2, at=T5, actor=minh)
    report.refresh_from_db()
    assert report.status == "accepted"
    assert [(v.number, v.review.decision) for v in selectors.versions_of(report)] == [(1, "returned"), (2, "accepted")]
    events = [e.event for e in selectors.audit_trail(report)]
    assert events.count("reports.submitted") == 2 and "reports.returned" in events and "reports.accepted" in events


def test_only_the_latest_version_is_reviewed_and_only_once(report, lan, minh):
    fill(report, lan)
    v1 = services.submit(instance=report, at=T2, actor=lan)
    services.return_report(version=v1, reasons=["forms"], at=T3, actor=minh)
    with pytest.raises(services.ReviewError):
        services.accept(version=v1, at=T3, actor=minh)
    v2 = services.submit(instance=report, at=T4, actor=lan)
    with pytest.raises(services.ReviewError):
        services.accept(version=v1, at=T5, actor=minh)
    services.accept(version=v2, at=T5, actor=minh)


def test_a_return_needs_a_reason_from_the_list(report, lan, minh):
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    for reasons in ([], ["late"]):
        with pytest.raises(services.ReviewError):
            services.return_report(version=version, reasons=reasons, at=T3, actor=minh)
    assert Review.objects.count() == 0


def test_a_reviewer_of_another_district_or_the_province_cannot_review(
    report, lan, hoa, commune_yen_nghiep, district_mai_chau
):
    other = save_user(username="son", full_name="Vũ Văn Sơn", unit=district_mai_chau, roles={Role.REVIEWER},
                      password="correct horse 2021", at=AT)  # fmt: skip
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    for reviewer in (other, hoa, lan, None):
        with pytest.raises(services.NotAllowed):
            services.accept(version=version, at=T3, actor=reviewer)
        with pytest.raises(services.NotAllowed):
            services.return_report(version=version, reasons=["outline"], at=T3, actor=reviewer)
    assert Review.objects.count() == 0


def test_a_submitted_draft_cannot_be_edited_until_returned(report, lan):
    fill(report, lan)
    services.submit(instance=report, at=T2, actor=lan)
    with pytest.raises(services.StateError):
        services.save_draft(instance=report, values={}, narrative={}, reasons={},
                            expected_revision=report.draft.revision, at=T3, actor=lan)  # fmt: skip


def test_a_version_and_a_review_cannot_be_changed_or_deleted(report, lan, minh):
    fill(report, lan)
    version = services.submit(instance=report, at=T2, actor=lan)
    review = services.return_report(version=version, reasons=["outline"], at=T3, actor=minh)
    version.explanation = "sửa lén"
    for attempt in (version.save, version.delete, review.delete, review.save):
        with pytest.raises(ImmutableError):
            attempt()
    with pytest.raises(ImmutableError):
        ReportVersion.objects.filter(pk=version.pk).update(explanation="sửa lén")
    with pytest.raises(ImmutableError):
        ReportVersion.objects.all().delete()
    with pytest.raises(ImmutableError):
        Review.objects.all().delete()
    version.refresh_from_db()
    assert version.explanation == ""


TWO_LEVELS = "code,name,level,kind,parent_code\nW05341,Ủy ban nhân dân xã Yên Nghiệp,commune,xã,P17\n"


def test_in_the_two_level_shape_a_commune_is_reviewed_by_the_province(
    lan, hoa, minh, commune_yen_nghiep, province, kstt_report
):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=AT, source="reform")
    at = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)
    report_2021 = services.open_instance(
        unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=at, actor=lan
    )
    report_2025 = services.open_instance(
        unit=commune_yen_nghiep, report_type=kstt_report, period="2025Q3", at=at, actor=lan
    )
    assert report_2021.recipient.code == "D157" and report_2025.recipient == province
    fill(report_2025, lan, at=at)
    version = services.submit(instance=report_2025, explanation="Thử", at=at, actor=lan)
    with pytest.raises(services.NotAllowed):
        services.accept(version=version, at=at, actor=minh)
    services.accept(version=version, at=at, actor=hoa)
    report_2025.refresh_from_db()
    assert report_2025.status == "accepted"


def test_the_notification_hook_runs_after_commit_with_kind_report_and_version(
    report, lan, minh, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr(
        services.common,
        "_notify",
        lambda kind, instance, version, unit_name=None: calls.append((kind, instance.pk, version.number)),
    )
    fill(report, lan)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        version = services.submit(instance=report, at=T2, actor=lan)
    assert calls == []  # nothing before the commit
    for callback in pending:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_report(version=version, reasons=["outline"], at=T3, actor=minh)
    assert calls == [("submitted", report.pk, 1), ("returned", report.pk, 1)]
