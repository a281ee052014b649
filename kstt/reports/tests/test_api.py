"""/api/reports/: Lan fills, signs and submits her commune's report through the API; Minh (Lạc Sơn) reviews it.

The same access helper as the pages: Tuấn (another unit), Sơn (another district), the one-stop feed and
anonymous callers get 404 or 401, never data; what a caller sees but may not do is 403.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.audit.models import AuditEntry
from kstt.catalogue.rules.periods import Period
from kstt.catalogue.services import change_settings
from kstt.reports.models import NarrativeDocument, RefusedSubmission, ReportInstance, ReportVersion, Review
from kstt.reports.tests.test_documents import Identity, make_pdf, replace_first_page_content, sign
from kstt.reports.tests.test_submission_services import BROKEN, GOOD, NARRATIVE, T1, TWO_LEVELS
from kstt.tests.cast import AT
from kstt.tests.tokens import api_key
from kstt.units.services import load_units

UNIT, PERIOD = "W05341", "2021Q3"


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1  # 15/09/2021 10:00 in Hà Nội


@pytest.fixture(scope="module")
def signed_pdf() -> bytes:
    chairman = Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp")
    return sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao quy III) Tj ET"), chairman)


def as_(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def son(district_mai_chau):
    """Reviewer of Mai Châu: another district."""
    return save_user(username="son", full_name="Vũ Văn Sơn", unit=district_mai_chau, roles={Role.REVIEWER},
                     password="correct horse 2021", at=AT)  # fmt: skip


@pytest.fixture
def feed(cast):
    return save_user(username="motcua", full_name="Hệ thống một cửa", unit=None, roles={Role.FEED}, password=None,
                     at=AT)  # fmt: skip


def url(name: str, *extra: object, unit: str = UNIT, period: str = PERIOD) -> str:
    return reverse(name, args=[unit, period, *extra])


def put_draft(client: APIClient, revision: int, values=GOOD, narrative=None, period: str = PERIOD):
    body = {"revision": revision, "values": values, "narrative": narrative or NARRATIVE, "reasons": {}}
    return client.put(url("api-report-draft", period=period), body, format="json")


def upload(client: APIClient, content: bytes, name: str = "bao-cao.pdf", period: str = PERIOD):
    file = SimpleUploadedFile(name, content)
    return client.post(url("api-report-document", period=period), {"file": file}, format="multipart")


@pytest.fixture
def filled(lan, kstt_report, signed_pdf):
    """Lan's report for 2021Q3 with good values and the signed narrative: ready to submit."""
    client = as_(lan)
    assert put_draft(client, 0).status_code == 200
    assert upload(client, signed_pdf).status_code == 201
    return client


@pytest.fixture
def submitted(filled):
    response = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="first")
    assert response.status_code == 201
    return filled


# --- The whole story ---------------------------------------------------------------------------------------


def test_lan_submits_minh_returns_lan_corrects_and_minh_accepts(filled, lan, minh, settings):
    response = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201
    v1 = response.json()
    assert (v1["number"], v1["flags"], v1["submitted_by"]["username"]) == (1, [], "lan")
    assert v1["document"]["verification"]["signed"] is True

    settings.KSTT_CLOCK = T1 + timedelta(days=1)
    reviewer = as_(minh)
    returned = reviewer.post(
        url("api-report-return", 1), {"reasons": ["inaccurate"], "text": "Kiểm tra lại Hộ tịch"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["decision"] == "returned" and returned.json()["reasons"] == ["inaccurate"]

    detail = filled.get(url("api-report")).json()
    assert detail["report"]["status"] == "returned"
    revision = detail["draft"]["revision"]
    assert put_draft(filled, revision, narrative=NARRATIVE | {"results": "Đã sửa"}).status_code == 200
    v2 = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert v2.status_code == 201 and v2.json()["number"] == 2

    assert reviewer.post(url("api-report-accept", 2), {"text": "Đạt"}, format="json").status_code == 200
    versions = reviewer.get(url("api-report-versions")).json()
    assert [(v["number"], v["review"]["decision"]) for v in versions] == [(1, "returned"), (2, "accepted")]
    assert versions[1]["narrative"] == NARRATIVE | {"results": "Đã sửa"}
    report = ReportInstance.objects.get()
    assert (report.status, report.first_submitted_at) == ("accepted", T1)
    events = [e["event"] for e in reviewer.get(url("api-report-history")).json()]
    assert events[0] == "reports.opened"
    assert events.count("reports.submitted") == 2 and events[-1] == "reports.accepted"


def test_the_report_shows_status_recipient_deadlines_versions_and_the_draft_to_its_reporter(submitted, minh):
    body = submitted.get(url("api-report")).json()
    assert body["report"] == {
        "unit": UNIT,
        "report_type": "kstt",
        "period": PERIOD,
        "level": "commune",
        "recipient": "D157",
        "status": "submitted",
        "first_submitted_at": "2021-09-15T10:00:00+07:00",
    }
    assert body["recipient_name"] == "Ủy ban nhân dân huyện Lạc Sơn"
    assert body["deadlines"]["deadline"] is not None and body["deadlines"]["owed_status"]
    assert [v["number"] for v in body["versions"]] == [1]
    assert body["draft"]["values"] == GOOD
    assert body["access"] == {"report": True, "review": False}
    seen_by_minh = as_(minh).get(url("api-report")).json()
    assert seen_by_minh["draft"] is None and seen_by_minh["access"] == {"report": False, "review": True}


def test_a_token_works_as_well_as_a_session(lan, kstt_report):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(lan)}")
    assert put_draft(client, 0).status_code == 200


# --- Who sees what -----------------------------------------------------------------------------------------

READS = ["api-report", "api-report-versions", "api-report-history"]


@pytest.mark.parametrize("name", READS)
@pytest.mark.parametrize(
    ("person", "expected"),
    [
        pytest.param("lan", 200, id="its-reporter"),
        pytest.param("minh", 200, id="its-reviewer"),
        pytest.param("hoa", 200, id="the-province-above"),
        pytest.param("quan", 200, id="an-administrator"),
        pytest.param("tuan", 404, id="reporter-of-another-unit"),
        pytest.param("son", 404, id="reviewer-of-another-district"),
        pytest.param("feed", 404, id="the-feed-account"),
        pytest.param(None, 401, id="anonymous"),
    ],
)
def test_who_reads_a_report(request, submitted, name, person, expected):
    user = request.getfixturevalue(person) if person else None
    response = as_(user).get(url(name))
    assert response.status_code == expected
    if expected == 404:
        assert response.json() == {"code": "not_found", "detail": "Không có báo cáo này."}
    elif expected != 200:
        assert UNIT not in response.content.decode() and "values" not in response.json()


@pytest.mark.parametrize("person", ["tuan", "son", "feed", None])
def test_outsiders_change_nothing_and_learn_nothing(request, submitted, person, signed_pdf):
    client = as_(request.getfixturevalue(person) if person else None)
    expected = 401 if person is None else 404
    attempts = [
        client.get(url("api-report-version", 1)),
        put_draft(client, 1),
        upload(client, signed_pdf),
        client.post(url("api-report-submit"), {}, format="json"),
        client.post(url("api-report-accept", 1), {}, format="json"),
        client.post(url("api-report-return", 1), {"reasons": ["outline"]}, format="json"),
    ]
    assert [r.status_code for r in attempts] == [expected] * len(attempts)
    assert (ReportVersion.objects.count(), Review.objects.count(), NarrativeDocument.objects.count()) == (1, 0, 1)


@pytest.mark.parametrize(
    ("person", "action"),
    [
        pytest.param("minh", "draft", id="the-reviewer-saves-the-draft"),
        pytest.param("minh", "submit", id="the-reviewer-submits"),
        pytest.param("minh", "document", id="the-reviewer-uploads"),
        pytest.param("lan", "accept", id="the-reporter-accepts-her-own"),
        pytest.param("lan", "return", id="the-reporter-returns-her-own"),
        pytest.param("hoa", "accept", id="the-province-is-not-the-recipient"),
    ],
)
def test_a_caller_who_sees_the_report_but_may_not_act_gets_403(request, submitted, person, action, signed_pdf):
    client = as_(request.getfixturevalue(person))
    response = {
        "draft": lambda: put_draft(client, 1),
        "submit": lambda: client.post(url("api-report-submit"), {}, format="json"),
        "document": lambda: upload(client, signed_pdf),
        "accept": lambda: client.post(url("api-report-accept", 1), {}, format="json"),
        "return": lambda: client.post(url("api-report-return", 1), {"reasons": ["outline"]}, format="json"),
    }[action]()
    assert response.status_code == 403
    assert (ReportVersion.objects.count(), Review.objects.count(), NarrativeDocument.objects.count()) == (1, 0, 1)


def test_a_report_not_started_yet_is_404_and_a_period_that_is_not_one_too(lan, kstt_report):
    client = as_(lan)
    assert client.get(url("api-report")).status_code == 404
    assert client.post(url("api-report-submit"), {}, format="json").status_code == 404
    assert client.get(url("api-report", period="2021X9")).status_code == 404
    assert client.get(url("api-report", unit="NOPE")).status_code == 404


def test_a_period_the_schedule_does_not_have_is_not_opened(lan, kstt_report):
    response = as_(lan).put(url("api-report-draft", period="2021H1"), {"revision": 0}, format="json")
    assert response.status_code == 404 and response.json()["code"] == "not_owed"


def test_in_the_two_level_shape_the_province_reviews_the_commune_and_the_district_no_longer_sees_it(
    lan, minh, hoa, kstt_report, signed_pdf, settings
):
    load_units(data=TWO_LEVELS.encode(), effective_from=date(2025, 7, 1), at=AT, source="reform")
    settings.KSTT_CLOCK = datetime(2025, 9, 15, 3, 0, tzinfo=UTC)
    client = as_(lan)
    assert put_draft(client, 0, period="2021Q3").status_code == 200
    assert put_draft(client, 0, period="2025Q3").status_code == 200
    assert upload(client, signed_pdf, period="2025Q3").status_code == 201
    submitted = client.post(url("api-report-submit", period="2025Q3"), {}, format="json")
    assert submitted.status_code == 201
    assert client.get(url("api-report", period="2025Q3")).json()["report"]["recipient"] == "P17"
    assert as_(minh).get(url("api-report", period="2025Q3")).status_code == 404
    assert as_(minh).get(url("api-report", period="2021Q3")).status_code == 200
    assert as_(minh).post(url("api-report-accept", 1, period="2025Q3"), {}, format="json").status_code == 404
    assert as_(hoa).post(url("api-report-accept", 1, period="2025Q3"), {}, format="json").status_code == 200

    def periods(user):
        return [r["period"] for r in as_(user).get(reverse("api-reports")).json()["results"]]

    assert periods(minh) == ["2021Q3"] and periods(hoa) == ["2021Q3", "2025Q3"]


# --- The list ----------------------------------------------------------------------------------------------


def test_the_list_shows_each_caller_the_reports_they_may_see(submitted, lan, minh, hoa, son, tuan, feed):
    def units(user, query=""):
        response = as_(user).get(reverse("api-reports") + query)
        assert response.status_code == 200
        return [r["unit"] for r in response.json()["results"]]

    assert units(lan) == units(minh) == units(hoa) == [UNIT]
    assert units(son) == units(tuan) == units(feed) == []
    assert units(minh, "?status=submitted&period=2021q3&unit=W05341") == [UNIT]
    assert units(minh, "?status=accepted") == units(minh, "?period=2021Q2") == []
    assert as_(minh).get(reverse("api-reports") + "?status=lost").status_code == 400
    assert as_(None).get(reverse("api-reports")).status_code == 401


def test_the_list_does_not_grow_in_queries_with_the_reports(submitted, minh, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        as_(minh).get(reverse("api-reports"))


# --- The draft ---------------------------------------------------------------------------------------------


def test_two_saves_from_the_same_revision_the_second_is_409_and_nothing_is_overwritten(lan, kstt_report):
    first, second = as_(lan), as_(lan)
    assert put_draft(first, 0).json()["revision"] == 1
    refused = put_draft(second, 0, values=BROKEN)
    assert refused.status_code == 409
    body = refused.json()
    assert (body["code"], body["revision"], body["updated_by"]["username"]) == ("draft_conflict", 1, "lan")
    assert body["detail"].startswith("Người khác (Nguyễn Thị Lan) đã lưu bản nháp này")
    assert first.get(url("api-report")).json()["draft"]["values"] == GOOD


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"revision": 0, "values": {"06/VPCP/KSTT": [1, 2]}}, id="rows-not-an-object"),
        pytest.param({"revision": 0, "values": [1]}, id="values-not-an-object"),
        pytest.param({"revision": 0, "narrative": {"results": 3}}, id="narrative-not-text"),
        pytest.param({"values": {}}, id="no-revision"),
        pytest.param({"revision": -1}, id="negative-revision"),
    ],
)
def test_a_malformed_draft_is_400_and_changes_nothing(lan, kstt_report, body):
    client = as_(lan)
    put_draft(client, 0)
    response = client.put(url("api-report-draft"), body, format="json")
    assert response.status_code == 400
    assert client.get(url("api-report")).json()["draft"]["revision"] == 1


def test_a_submitted_report_cannot_be_saved_until_returned(submitted):
    response = put_draft(submitted, 2)
    assert response.status_code == 409 and response.json()["code"] == "state"
    assert response.json()["detail"].startswith("Không thực hiện được ở trạng thái hiện tại của báo cáo")
    assert "submitted" in response.json()["reason"]


# --- The signed document -----------------------------------------------------------------------------------


def test_the_signed_pdf_is_verified_and_attached(lan, kstt_report, signed_pdf):
    response = upload(as_(lan), signed_pdf, name="bao-cao-quy-3.pdf")
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "bao-cao-quy-3.pdf" and body["uploaded_by"]["username"] == "lan"
    assert body["verification"]["signed"] is True and body["verification"]["flags"] == []
    assert body["verification"]["signatures"][0]["signer_common_name"] == "Bùi Văn Hùng"
    assert as_(lan).get(url("api-report")).json()["draft"]["document"]["id"] == body["id"]


def test_a_pdf_changed_after_signing_is_attached_and_flagged(lan, kstt_report, signed_pdf):
    forged = replace_first_page_content(signed_pdf, b"BT /F1 12 Tf 72 720 Td (So lieu khac) Tj ET")
    body = upload(as_(lan), forged).json()
    assert "changed_after_signing" in body["verification"]["flags"]


def test_an_unsigned_pdf_is_attached_and_flagged_unsigned(lan, kstt_report):
    body = upload(as_(lan), make_pdf(b"BT ET")).json()
    assert body["verification"]["signed"] is False and body["verification"]["flags"] == ["unsigned"]


def test_a_file_that_is_not_a_pdf_is_400_in_vietnamese_and_changes_nothing(lan, kstt_report):
    response = upload(as_(lan), b"PK\x03\x04 not a pdf", name="bao-cao.pdf")
    assert response.status_code == 400
    assert response.json() == {"code": "not_pdf", "detail": "Tệp không phải là tài liệu PDF."}
    assert (ReportInstance.objects.count(), NarrativeDocument.objects.count()) == (0, 0)


def test_a_file_is_required(lan, kstt_report):
    response = as_(lan).post(url("api-report-document"), {}, format="multipart")
    assert response.status_code == 400 and NarrativeDocument.objects.count() == 0


def test_a_document_once_submitted_waits_for_the_return(submitted, signed_pdf):
    response = upload(submitted, signed_pdf)
    assert response.status_code == 409 and NarrativeDocument.objects.count() == 1


# --- Submitting --------------------------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_is_one_version(filled):
    first = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="click-42")
    second = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="click-42")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert ReportVersion.objects.count() == 1


def test_a_second_submit_without_a_key_or_with_another_is_409(submitted):
    for key in ({}, {"HTTP_IDEMPOTENCY_KEY": "second"}):
        response = submitted.post(url("api-report-submit"), {}, format="json", **key)
        assert response.status_code == 409 and response.json()["code"] == "state"
    assert ReportVersion.objects.count() == 1


def test_an_idempotency_key_over_128_characters_is_400(filled):
    response = filled.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 129)
    assert response.status_code == 400 and ReportVersion.objects.count() == 0


def test_without_the_signed_document_submit_is_400_not_ready_and_the_press_is_recorded(lan, kstt_report):
    client = as_(lan)
    put_draft(client, 0)
    response = client.post(url("api-report-submit"), {"explanation": "Gửi trước"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_ready" and [p["code"] for p in body["problems"]] == ["document"]
    assert ReportInstance.objects.get().first_submitted_at is None and ReportVersion.objects.count() == 0
    refused = RefusedSubmission.objects.get()  # rules.md §4: a refused press is never silent
    assert (refused.by, refused.at, refused.codes) == (lan, T1, ["document"])
    assert body["refused_at"] == T1.isoformat()
    entry = AuditEntry.objects.get(event="reports.submit_refused")
    assert (entry.actor, entry.data["missing"]) == (lan, refused.missing)


@pytest.mark.parametrize("explanation", ["", "Số liệu đang đối chiếu"], ids=["unexplained", "explained"])
def test_a_flagged_report_is_submitted_on_the_first_press(filled, explanation):
    """rules.md §5: the unit may explain, never must; the checks' flags travel with the version."""
    assert put_draft(filled, 1, values=BROKEN).status_code == 200
    response = filled.post(url("api-report-submit"), {"explanation": explanation}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["flags"], body["explanation"]) == (1, ["inaccurate"], explanation)
    assert {f["rule"] for f in body["findings"]} >= {"R1", "R4"}
    assert not RefusedSubmission.objects.exists()


def test_an_unsigned_pdf_is_submitted_flagged_unsigned(lan, kstt_report):
    client = as_(lan)
    put_draft(client, 0)
    assert upload(client, make_pdf(b"BT ET")).status_code == 201
    response = client.post(url("api-report-submit"), {}, format="json")
    assert response.status_code == 201 and response.json()["flags"] == ["unsigned"]


def test_when_the_settings_require_a_signature_an_unsigned_pdf_is_not_a_submission(lan, kstt_report, quan):
    change_settings(report_type=kstt_report, values={"digital_signature_required": True},
                    valid_from=Period.parse("2021Q1"), note="Quyết định số 12", at=AT, actor=quan)  # fmt: skip
    client = as_(lan)
    put_draft(client, 0)
    assert upload(client, make_pdf(b"BT ET")).status_code == 201
    response = client.post(url("api-report-submit"), {}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_ready" and [p["code"] for p in body["problems"]] == ["signature"]
    assert ReportVersion.objects.count() == 0 and RefusedSubmission.objects.get().codes == ["signature"]


# --- Reviewing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-reasons"),
        pytest.param({"reasons": []}, id="empty-reasons"),
        pytest.param({"reasons": ["late"]}, id="a-reason-not-in-the-list"),
    ],
)
def test_a_return_needs_reasons_from_the_fixed_list(submitted, minh, body):
    response = as_(minh).post(url("api-report-return", 1), body, format="json")
    assert response.status_code == 400 and Review.objects.count() == 0


def test_a_version_is_reviewed_once_and_only_the_latest(submitted, minh, lan):
    reviewer = as_(minh)
    assert reviewer.post(url("api-report-return", 1), {"reasons": ["forms"]}, format="json").status_code == 200
    again = reviewer.post(url("api-report-accept", 1), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "review"
    submitted.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY="second")
    assert reviewer.post(url("api-report-accept", 1), {}, format="json").status_code == 409
    assert reviewer.post(url("api-report-accept", 2), {}, format="json").status_code == 200
    assert reviewer.post(url("api-report-accept", 2), {}, format="json").status_code == 409
    assert reviewer.get(url("api-report-version", 9)).status_code == 404


def test_a_version_is_an_immutable_snapshot_with_its_findings(submitted, minh):
    body = as_(minh).get(url("api-report-version", 1)).json()
    assert body["values"] == GOOD and body["findings"] == [] and body["review"] is None
    assert body["submitted_at"] == "2021-09-15T10:00:00+07:00"


# --- The schema --------------------------------------------------------------------------------------------


def test_the_schema_validates_without_warnings_and_lists_the_reports_endpoints(db, tmp_path):
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    paths = schema["paths"]
    for path in [
        "/api/reports/",
        "/api/reports/{unit}/{period}/",
        "/api/reports/{unit}/{period}/draft/",
        "/api/reports/{unit}/{period}/document/",
        "/api/reports/{unit}/{period}/submit/",
        "/api/reports/{unit}/{period}/submission/",
        "/api/reports/{unit}/{period}/versions/",
        "/api/reports/{unit}/{period}/versions/{number}/",
        "/api/reports/{unit}/{period}/versions/{number}/accept/",
        "/api/reports/{unit}/{period}/versions/{number}/return/",
        "/api/reports/{unit}/{period}/history/",
    ]:
        assert path in paths, path
    for submit in (paths[f"/api/reports/{{unit}}/{{period}}/{name}/"]["post"] for name in ("submit", "submission")):
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in submit["parameters"])
        assert {"200", "201", "400", "403", "404", "409"} <= set(submit["responses"])
    one = paths["/api/reports/{unit}/{period}/submission/"]["post"]["requestBody"]["content"]["multipart/form-data"]
    parts = schema["components"]["schemas"][one["schema"]["$ref"].rsplit("/", 1)[1]]
    assert set(parts["required"]) == {"values", "narrative", "file"}
    assert "409" in paths["/api/reports/{unit}/{period}/draft/"]["put"]["responses"]


def test_the_answers_of_a_save_and_a_submit_are_what_a_later_read_answers(lan, kstt_report, signed_pdf):
    """The saved draft and a new version are answered from what the services wrote, without reading them again
    (issue 16, point 4): the very bodies a later read of the report and of the version gives, queries and all."""
    client = as_(lan)
    saved = put_draft(client, 0)
    assert saved.status_code == 200
    assert upload(client, signed_pdf).status_code == 201
    made = client.post(url("api-report-submit"), {"explanation": " Xã đã soát lại "}, format="json",
                       HTTP_IDEMPOTENCY_KEY="answer")  # fmt: skip
    assert made.status_code == 201
    assert made.json() == client.get(url("api-report-version", 1)).json()
    assert made.json()["review"] is None and made.json()["explanation"] == "Xã đã soát lại"
    assert made.json()["document"]["uploaded_by"]["username"] == "lan"
    assert made.json() == client.post(url("api-report-submit"), {}, format="json",
                                      HTTP_IDEMPOTENCY_KEY="answer").json()  # fmt: skip
    draft = client.get(url("api-report")).json()["draft"]
    assert saved.json() == draft | {"document": None}  # saved before the upload
