"""POST /api/reports/{unit}/{period}/submission/: a system sends Lan's whole report at once (issue 16, point 4).

The form, the narrative and the signed PDF in one multipart request, saved, verified, attached and submitted
in one transaction: what the draft, the document and the submit do one after the other, with the same
checks, the same audit trail and the same Idempotency-Key, and nothing half-done when it is refused.
"""

# ruff: noqa: F811 - the fixtures of test_api (the clock, the media root, the signed PDF) are these tests' arguments

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import change_settings
from kstt.notifications.models import Notification
from kstt.reports.models import (
    Draft,
    NarrativeDocument,
    RefusedSubmission,
    ReportFigure,
    ReportInstance,
    ReportVersion,
)
from kstt.reports.services import submission as submission_service
from kstt.reports.tests.test_api import _media_and_clock, as_, put_draft, signed_pdf, url  # noqa: F401
from kstt.reports.tests.test_documents import make_pdf
from kstt.reports.tests.test_submission_services import BROKEN, GOOD, NARRATIVE, T1
from kstt.tests.cast import AT


def send(client, content: bytes, *, key: str | None = "lan-2021Q3-1", values=GOOD, narrative=None, **extra):
    body = {
        "values": values if isinstance(values, str) else json.dumps(values),
        "narrative": json.dumps(narrative or NARRATIVE, ensure_ascii=False),
        "file": SimpleUploadedFile("bao-cao.pdf", content),
        **extra,
    }
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url("api-report-submission"), body, format="multipart", **headers)


def written() -> tuple[int, int, int, int, int]:
    """Reports, documents, versions, refused presses, audit entries."""
    return (ReportInstance.objects.count(), NarrativeDocument.objects.count(), ReportVersion.objects.count(),
            RefusedSubmission.objects.count(), AuditEntry.objects.count())  # fmt: skip


def files_in(root) -> list[str]:
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_lan_s_system_submits_the_whole_report_in_one_request(
    lan, kstt_report, signed_pdf, minh, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(as_(lan), signed_pdf)
    assert response.status_code == 201
    version = response.json()
    assert (version["number"], version["flags"], version["submitted_by"]["username"]) == (1, [], "lan")
    assert version["values"] == GOOD and version["narrative"] == NARRATIVE
    assert version["document"]["verification"]["signed"] is True
    assert version["document"]["verification"]["signatures"][0]["signer_common_name"] == "Bùi Văn Hùng"
    # what a later read answers, and what the three requests would have left
    assert as_(lan).get(url("api-report-version", 1)).json() == version
    report = ReportInstance.objects.get()
    assert (report.status, report.first_submitted_at) == ("submitted", T1)
    draft = Draft.objects.get()
    assert (draft.values, draft.revision, draft.document_id) == (GOOD, 1, version["document"]["id"])
    assert ReportFigure.objects.filter(version__number=1).count() == 2 * 11  # the HT and total rows
    events = [e["event"] for e in as_(minh).get(url("api-report-history")).json()]
    assert events == ["reports.opened", "reports.draft_saved", "reports.document_attached", "reports.submitted"]
    note = Notification.objects.get()  # Minh is told, after the commit, with the commune's name
    assert (note.recipient, note.kind) == (minh, "submitted")
    with translation.override("vi"):
        assert note.text.startswith("Ủy ban nhân dân xã Yên Nghiệp") and "Quý III/2021" in note.text


def test_the_same_key_again_gives_the_version_back_and_writes_nothing(lan, kstt_report, signed_pdf, tmp_path):
    first = send(as_(lan), signed_pdf)
    before, stored = written(), files_in(tmp_path)
    again = send(as_(lan), make_pdf(b"BT ET"), values=BROKEN)  # a retry: whatever it carries, the same press
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert written() == before and files_in(tmp_path) == stored
    assert Draft.objects.get().values == GOOD


def test_a_retry_is_answered_without_reading_its_pdf_again(lan, kstt_report, signed_pdf, monkeypatch):
    """A retry costs the server little (the deadline-day rush): its key is looked up first."""
    first = send(as_(lan), signed_pdf)

    def not_again(content):
        raise AssertionError("the PDF of a retry was verified again")

    monkeypatch.setattr("kstt.reports.api.check_uploaded_document", not_again)
    again = send(as_(lan), signed_pdf)
    assert (first.status_code, again.status_code, again.json()) == (201, 200, first.json())


def test_a_report_saved_and_attached_step_by_step_is_replaced_by_the_one_request(lan, kstt_report, signed_pdf):
    client = as_(lan)
    assert put_draft(client, 0, values=BROKEN).status_code == 200
    response = send(client, signed_pdf)
    assert response.status_code == 201 and response.json()["flags"] == []
    assert Draft.objects.get().revision == 2 and ReportVersion.objects.get().values == GOOD


def test_a_stale_revision_is_409_and_changes_nothing(lan, kstt_report, signed_pdf, tmp_path):
    client = as_(lan)
    assert put_draft(client, 0).status_code == 200
    assert put_draft(client, 1, values=BROKEN).status_code == 200  # revision 2 now
    before = written()
    response = send(client, signed_pdf, revision=1)
    assert response.status_code == 409 and response.json()["code"] == "draft_conflict"
    assert response.json()["revision"] == 2
    assert written() == before and files_in(tmp_path) == []  # the PDF written before the conflict is gone
    assert send(client, signed_pdf, revision=2).status_code == 201


def test_a_revision_sent_for_a_report_not_yet_opened_is_0(lan, kstt_report, signed_pdf, tmp_path):
    """The report this request opens has the new draft's revision 0: another is a conflict, nothing written."""
    client = as_(lan)
    before = written()
    response = send(client, signed_pdf, revision=1)
    assert response.status_code == 409 and (response.json()["code"], response.json()["revision"]) == (
        "draft_conflict",
        0,
    )
    assert written() == before and before[:4] == (0, 0, 0, 0) and files_in(tmp_path) == []
    assert send(client, signed_pdf, revision=0).status_code == 201
    draft = Draft.objects.get()
    assert (draft.values, draft.revision, draft.document_id) == (GOOD, 1, NarrativeDocument.objects.get().pk)


def test_a_flagged_report_is_submitted_with_its_flags(lan, kstt_report, signed_pdf):
    response = send(as_(lan), signed_pdf, values=BROKEN, explanation="Số liệu đang đối chiếu")
    assert response.status_code == 201
    body = response.json()
    assert (body["flags"], body["explanation"]) == (["inaccurate"], "Số liệu đang đối chiếu")
    assert {f["rule"] for f in body["findings"]} >= {"R1", "R4"}


def test_not_a_submission_keeps_what_was_sent_and_records_the_press(lan, kstt_report, quan, tmp_path):
    change_settings(report_type=kstt_report, values={"digital_signature_required": True},
                    valid_from=Period.parse("2021Q1"), note="Quyết định số 12", at=AT, actor=quan)  # fmt: skip
    response = send(as_(lan), make_pdf(b"BT ET"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_ready" and [p["code"] for p in body["problems"]] == ["signature"]
    assert body["refused_at"] == T1.isoformat()
    assert ReportVersion.objects.count() == 0 and ReportInstance.objects.get().status == "draft"
    refused = RefusedSubmission.objects.get()  # rules.md §4: never silent
    draft = Draft.objects.get()  # nothing the system sent is lost: corrected, it is submitted from here
    assert (draft.values, refused.document_id, refused.draft_revision) == (GOOD, draft.document_id, 1)
    assert len(files_in(tmp_path)) == 1
    assert AuditEntry.objects.filter(event="reports.submit_refused").count() == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        pytest.param("[1, 2]", "values", id="a-list"),
        pytest.param(json.dumps({"06/VPCP/KSTT": "x"}), None, id="a-form-that-is-not-rows"),
    ],
)
def test_a_malformed_part_is_400_and_writes_nothing(lan, kstt_report, signed_pdf, tmp_path, values, field):
    before = written()
    response = send(as_(lan), signed_pdf, values=values)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    if field:
        assert field in response.json()["detail"]
    assert written() == before and files_in(tmp_path) == []


def test_a_file_that_is_not_a_pdf_or_no_file_is_400_and_writes_nothing(lan, kstt_report, tmp_path):
    before = written()
    response = send(as_(lan), b"PK\x03\x04 not a pdf")
    assert response.status_code == 400
    assert response.json() == {"code": "not_pdf", "detail": "Tệp không phải là tài liệu PDF."}
    body = {"values": json.dumps(GOOD), "narrative": json.dumps(NARRATIVE)}
    missing = as_(lan).post(url("api-report-submission"), body, format="multipart")
    assert missing.status_code == 400 and missing.json()["code"] == "no_file"
    assert written() == before and files_in(tmp_path) == []


def test_an_idempotency_key_over_128_characters_is_400(lan, kstt_report, signed_pdf):
    before = written()
    response = send(as_(lan), signed_pdf, key="k" * 129)
    assert response.status_code == 400 and written() == before


def test_a_submitted_report_waits_for_its_return_and_then_takes_a_new_key(lan, minh, kstt_report, signed_pdf, settings):
    client = as_(lan)
    assert send(client, signed_pdf, key="k-1").status_code == 201
    before = written()
    for key in (None, "k-2"):
        response = send(client, signed_pdf, key=key)
        assert response.status_code == 409 and response.json()["code"] == "state"
    assert written() == before
    settings.KSTT_CLOCK = T1 + timedelta(days=1)
    returned = as_(minh).post(url("api-report-return", 1), {"reasons": ["inaccurate"], "text": "Sửa"}, format="json")
    assert returned.status_code == 200
    reused = send(client, signed_pdf, key="k-1")
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    second = send(client, signed_pdf, key="k-2", values=BROKEN)
    assert second.status_code == 201 and second.json()["number"] == 2


@pytest.mark.parametrize(("person", "expected"), [("minh", 403), ("tuan", 404), ("feed", 404), (None, 401)])
def test_only_the_unit_s_reporter_submits(request, lan, kstt_report, signed_pdf, person, expected):
    if person == "feed":
        request.getfixturevalue("cast")
        from kstt.accounts.choices import Role
        from kstt.accounts.services import save_user

        user = save_user(username="motcua", full_name="Một cửa", unit=None, roles={Role.FEED}, password=None, at=AT)
    else:
        user = request.getfixturevalue(person) if person else None
    as_(lan).get(url("api-report"))
    put_draft(as_(lan), 0)  # the report exists: the reviewer sees it
    before = written()
    assert send(as_(user), signed_pdf).status_code == expected
    assert written() == before


def test_a_failure_in_the_middle_rolls_back_everything_and_leaves_no_file(
    lan, kstt_report, signed_pdf, tmp_path, monkeypatch
):
    def broken(version):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(submission_service, "write_figures", broken)
    before = written()
    client = as_(lan)
    client.raise_request_exception = False
    response = send(client, signed_pdf)
    assert response.status_code == 500
    assert written() == before and files_in(tmp_path) == []


def test_one_request_reads_and_writes_less_than_three(lan, kstt_report, signed_pdf, django_assert_max_num_queries):
    """The point of it (docs/it/load.md): one look-up of the report, one transaction, no row lock nor draft
    read for a report it opens, no prefill thrown away, the new draft inserted with its content and its
    document, the four audit entries in one INSERT. The three requests take 45 queries here (48 with the
    tokens, in the bench)."""
    client = as_(lan)
    with django_assert_max_num_queries(19):
        assert send(client, signed_pdf).status_code == 201


@pytest.mark.parametrize(
    ("part", "text", "code"),
    [
        pytest.param("values", "", "malformed_json", id="empty"),
        pytest.param("values", "không phải JSON", "malformed_json", id="not-json"),
        pytest.param("values", "[" * 100_000 + "]" * 100_000, "too_deep", id="nested-100000-deep"),
        pytest.param("values", '{"06/VPCP/KSTT": {"HT": {"received_total": NaN}}}', "malformed_json", id="nan"),
        pytest.param(
            "values", '{"06/VPCP/KSTT": {"HT": {"received_total": 1e400}}}', "number_out_of_range", id="infinite"
        ),
        pytest.param("narrative", '{"results": "\\ud800"}', "invalid_unicode", id="lone-surrogate"),
        pytest.param(
            "reasons",
            '{"06/VPCP/KSTT": {"HT": {"received_total": "\\udfff"}}}',
            "invalid_unicode",
            id="lone-surrogate-in-reasons",
        ),
    ],
)
def test_a_part_the_api_would_not_read_as_json_is_400_and_writes_nothing(
    lan, kstt_report, signed_pdf, tmp_path, part, text, code
):
    """The parts are JSON texts: read as the API reads a JSON body (kstt/api_parsers.py), never a 500."""
    before = written()
    parts = {"values": json.dumps(GOOD), "narrative": json.dumps(NARRATIVE), part: text}
    body = {**parts, "file": SimpleUploadedFile("bao-cao.pdf", signed_pdf)}
    response = as_(lan).post(url("api-report-submission"), body, format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == code and response.json()["part"] == part
    assert response.json()["detail"].startswith(f"{part}: ")
    assert written() == before and files_in(tmp_path) == []


@pytest.mark.parametrize("revision", ["-1", "một", "1.5"])
def test_a_revision_that_is_not_one_is_400(lan, kstt_report, signed_pdf, revision):
    before = written()
    response = send(as_(lan), signed_pdf, revision=revision)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert "revision" in response.json()["errors"]
    assert written() == before


def test_a_formula_in_the_narrative_is_kept_as_text(lan, kstt_report, signed_pdf):
    narrative = NARRATIVE | {"results": '=HYPERLINK("http://x","y")'}
    response = send(as_(lan), signed_pdf, narrative=narrative)
    assert response.status_code == 201 and response.json()["narrative"]["results"] == '=HYPERLINK("http://x","y")'
