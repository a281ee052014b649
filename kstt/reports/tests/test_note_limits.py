"""An explanation, a reviewer's comment and a changed figure's reason have a length limit, like a narrative
section (issue 13, point 4): over it, the API answers 400 and the pages say so, and nothing is stored."""

from __future__ import annotations

import pytest

from kstt.reports import rules, services
from kstt.reports.models import Draft, ReportVersion, Review
from kstt.reports.tests.test_api import as_, filled, signed_pdf, submitted, url  # noqa: F401
from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE, T1

LIMIT = rules.MAX_NOTE_CHARS


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1


@pytest.mark.parametrize(
    ("text", "too_long"),
    [("a" * LIMIT, None), ("a" * (LIMIT + 1), LIMIT + 1), ("a\r\n" * (LIMIT // 2), None), ("ă" * LIMIT, None)],
    ids=["at-the-limit", "one-over", "crlf-counts-one", "letters-not-bytes"],
)
def test_a_note_is_too_long_only_past_its_limit(text, too_long):
    assert rules.note_too_long(text) == too_long


def test_a_submission_with_an_explanation_over_the_limit_is_refused(filled):  # noqa: F811
    response = filled.post(url("api-report-submit"), {"explanation": "x" * (LIMIT + 1)}, format="json")
    assert response.status_code == 400 and "explanation" in response.json()["errors"]
    assert not ReportVersion.objects.exists()
    assert filled.post(url("api-report-submit"), {"explanation": "x" * LIMIT}, format="json").status_code == 201


def test_the_service_refuses_a_long_explanation_whoever_calls_it(filled, lan):  # noqa: F811
    instance = Draft.objects.get().instance
    with pytest.raises(services.NoteTooLong) as refused:
        services.submit(instance=instance, explanation="x" * (LIMIT + 1), at=T1, actor=lan)
    assert (refused.value.length, refused.value.limit) == (LIMIT + 1, LIMIT)
    assert not ReportVersion.objects.exists()


@pytest.mark.parametrize("action", ["accept", "return"])
def test_a_review_comment_over_the_limit_is_refused_by_the_api_and_the_service(submitted, minh, action):  # noqa: F811
    body = {"text": "y" * (LIMIT + 1)} | ({"reasons": ["outline"]} if action == "return" else {})
    assert as_(minh).post(url(f"api-report-{action}", 1), body, format="json").status_code == 400
    version = ReportVersion.objects.get()
    with pytest.raises(services.NoteTooLong):
        if action == "accept":
            services.accept(version=version, text="y" * (LIMIT + 1), at=T1, actor=minh)
        else:
            services.return_report(version=version, reasons=["outline"], text="y" * (LIMIT + 1), at=T1, actor=minh)
    assert not Review.objects.exists()


def test_the_review_page_refuses_a_long_comment_before_asking_to_confirm(submitted, minh, client):  # noqa: F811
    client.force_login(minh)
    response = client.post("/review/W05341/2021Q3/accept/", {"version": "1", "text": "y" * (LIMIT + 1)}, follow=True)
    html = response.content.decode()
    assert f"{LIMIT + 1} ký tự" in html and 'name="confirmed"' not in html
    assert not Review.objects.exists()
    page = client.get("/review/W05341/2021Q3/").content.decode()
    assert f'maxlength="{LIMIT}"' in page


def test_a_reason_for_a_changed_figure_over_its_limit_is_refused(filled, lan):  # noqa: F811
    over = "r" * (rules.MAX_FIGURE_REASON_CHARS + 1)
    reasons = {"06/VPCP/KSTT": {"HT": {"received_total": over}}}
    response = filled.put(url("api-report-draft"), draft_body(reasons), format="json")
    assert response.status_code == 400 and response.json()["code"] == "text_too_long"
    assert "06/VPCP/KSTT.HT.received_total" in response.json()["reason"]
    assert Draft.objects.get().reasons == {}
    at_limit = {"06/VPCP/KSTT": {"HT": {"received_total": over[1:]}}}
    assert filled.put(url("api-report-draft"), draft_body(at_limit), format="json").status_code == 200


def draft_body(reasons):
    return {"revision": Draft.objects.get().revision, "values": GOOD, "narrative": NARRATIVE, "reasons": reasons}
