"""What Lan types reaches the database only as text every engine stores alike (issue 13, points 3 and 4).

A NUL (which PostgreSQL refuses and SQLite stores) or a lone surrogate (which no page can show) in a draft,
a reason, an explanation, a review comment or a document's name is refused with where it is, through the
API and the pages, the same on SQLite and PostgreSQL; a narrative section has a length limit; and whatever
odd but valid text was stored, the report, review and history pages and the API still show it.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from kstt.reports import services
from kstt.reports.models import Draft, NarrativeDocument, ReportVersion, Review
from kstt.reports.rules import normal_narrative
from kstt.reports.tests.test_api import as_, filled, put_draft, signed_pdf, submitted, upload, url  # noqa: F401
from kstt.reports.tests.test_report_page import URL, narrative, page_fields, post
from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE, T1
from kstt.tests.test_unicode_text import ODD_BUT_VALID

SECTION_TITLE = "I.1. Công tác chỉ đạo, điều hành"


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1


@pytest.fixture
def lan_page(client, lan, kstt_report):
    client.force_login(lan)
    client.get(URL)
    return client


def saved_revision() -> int:
    return Draft.objects.get().revision


# --- Refused, with where it is -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param({"narrative": NARRATIVE | {"direction": "Kế hoạch\x00"}}, "narrative.direction", id="narrative"),
        pytest.param(
            {"values": {"06/VPCP/KSTT": {"HT": {"received_total": "5\x00"}}}},
            "values.06/VPCP/KSTT.HT.received_total",
            id="a-cell",
        ),
        pytest.param(
            {"reasons": {"06/VPCP/KSTT": {"HT": {"received_total": "\x00"}}}},
            "reasons.06/VPCP/KSTT.HT.received_total",
            id="a-reason",
        ),
        pytest.param({"narrative": {"dir\x00ection": "x"}}, "narrative (a key)", id="a-key"),
    ],
)
def test_a_nul_in_a_draft_is_400_naming_where_it_is_and_nothing_is_stored(lan, kstt_report, body, where):
    response = as_(lan).put(url("api-report-draft"), {"revision": 0, **body}, format="json")
    assert response.status_code == 400, response.content
    answer = response.json()
    assert (answer["code"], answer["where"]) == ("invalid_text", where)
    assert "ký tự NUL (U+0000)" in answer["detail"] and "không thể lưu" in answer["detail"]
    assert saved_revision() == 0


def test_the_service_refuses_a_lone_surrogate_whoever_calls_it(lan, commune_yen_nghiep, kstt_report):
    report = services.open_instance(unit=commune_yen_nghiep, report_type=kstt_report, period="2021Q3", at=T1,
                                    actor=lan)  # fmt: skip
    with pytest.raises(services.InvalidText, match=r"narrative\.review: a lone surrogate \(U\+D800\)"):
        services.save_draft(instance=report, values={}, narrative={"review": "x\ud800"}, reasons={},
                            expected_revision=0, at=T1, actor=lan)  # fmt: skip
    with pytest.raises(services.InvalidText, match=r"^name: a NUL"):
        services.attach_document(instance=report, name="a\x00.pdf", content=b"%PDF-1.7", verification={}, at=T1,
                                 actor=lan)  # fmt: skip
    assert saved_revision() == 0 and not NarrativeDocument.objects.exists()


def test_a_nul_typed_in_a_section_on_the_page_is_refused_there_and_what_was_typed_stays(lan_page):
    typed = narrative() | {"s|direction": "Ban hành\x00 kế hoạch"}
    response = post(lan_page, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{SECTION_TITLE} có ký tự NUL (U+0000) ở vị trí 9" in html
    assert 'is-invalid" id="section-direction"' in html
    assert "Tuyên truyền trên loa xã." in html  # the rest of what she typed is still there
    assert saved_revision() == 0


def test_a_nul_in_a_reason_on_the_page_is_refused(lan_page):
    response = post(lan_page, {"r|06/VPCP/KSTT|HT|received_total": "Sai\x00 số"})
    assert response.status_code == 400
    assert "Lý do điều chỉnh số liệu có ký tự NUL (U+0000)" in response.content.decode()
    assert saved_revision() == 0


def test_bytes_that_are_not_utf8_in_a_page_post_become_replacement_characters_on_both_engines(lan_page):
    fields = page_fields(lan_page)
    body = f"revision={fields['revision']}&action=save&s%7Cdirection=K%E1%BA%BF%ED%A0%80ho%FFch"
    response = lan_page.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Draft.objects.get().narrative == {"direction": "Kế\ufffd\ufffd\ufffdho\ufffdch"}
    assert lan_page.get(URL).status_code == 200


def test_a_nul_in_the_explanation_is_refused_by_the_page(lan_page):
    response = post(lan_page, {"explanation": "Vì\x00"}, action="submit")
    assert response.status_code == 400 and not ReportVersion.objects.exists()


def test_the_service_refuses_a_nul_in_an_explanation_or_a_review_comment(filled, lan, minh):  # noqa: F811
    instance = Draft.objects.get().instance
    with pytest.raises(services.InvalidText, match=r"^explanation: a NUL"):
        services.submit(instance=instance, explanation="Vì\x00", at=T1, actor=lan)
    version = services.submit(instance=instance, at=T1, actor=lan)
    with pytest.raises(services.InvalidText, match=r"^text: a NUL"):
        services.accept(version=version, text="Đạt\x00", at=T1, actor=minh)
    with pytest.raises(services.InvalidText, match=r"^reasons\[0\]: a lone surrogate"):
        services.return_report(version=version, reasons=["\udc80"], at=T1, actor=minh)
    assert not Review.objects.exists()


def test_a_nul_in_a_review_comment_on_the_page_is_refused_with_a_message(submitted, minh, client):  # noqa: F811
    client.force_login(minh)
    response = client.post("/review/W05341/2021Q3/accept/", {"version": "1", "text": "Đạt\x00"}, follow=True)
    assert "Nhận xét có ký tự NUL (U+0000)" in response.content.decode()
    assert not Review.objects.exists()


def test_the_api_refuses_a_nul_in_a_review_comment(submitted, minh):  # noqa: F811
    response = as_(minh).post(url("api-report-accept", 1), {"text": "Đạt\x00"}, format="json")
    assert response.status_code == 400 and not Review.objects.exists()


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(quote("bao\x00cao.pdf"), id="nul"),
        pytest.param("%ED%A0%80bao-cao.pdf", id="utf8-of-a-surrogate"),
        pytest.param("%FFbao-cao.pdf", id="not-utf8"),
    ],
)
def test_a_file_name_that_is_not_text_is_stored_as_text(lan, kstt_report, signed_pdf, encoded):  # noqa: F811
    """RFC 2231 lets a multipart file name carry any bytes; what is kept is text on either engine."""
    boundary = "kstt-boundary"
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''{encoded}\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + signed_pdf
        + f"\r\n--{boundary}--\r\n".encode()
    )
    client = APIClient()
    client.force_authenticate(lan)
    response = client.generic("POST", url("api-report-document"), body, f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.content
    name = NarrativeDocument.objects.get().name
    assert name.endswith("bao-cao.pdf") or name == "baocao.pdf"
    assert "\x00" not in name and name.encode("utf-8")


# --- A section's length (point 4) ----------------------------------------------------------------------------


def test_a_section_over_the_limit_is_400_through_the_api_and_one_at_the_limit_is_saved(lan, kstt_report, settings):
    settings.KSTT_MAX_SECTION_CHARS = 1000
    client = as_(lan)
    over = put_draft(client, 0, narrative=NARRATIVE | {"review": "x" * 1001})
    assert over.status_code == 400
    answer = over.json()
    assert (answer["code"], answer["section"], answer["length"], answer["limit"]) == (
        "section_too_long", "review", 1001, 1000
    )  # fmt: skip
    assert "mỗi mục chỉ được tối đa 1000 ký tự" in answer["detail"]
    assert saved_revision() == 0
    assert put_draft(client, 0, narrative=NARRATIVE | {"review": "x" * 1000}).status_code == 200


def test_a_line_break_counts_one_character_as_the_browser_counts_it(lan_page, settings):
    settings.KSTT_MAX_SECTION_CHARS = 10
    assert post(lan_page, {"s|review": "12345\r\n7890"}).status_code == 302  # 10, the line break as one
    assert post(lan_page, {"s|review": "12345\r\n78901"}).status_code == 400


def test_the_page_says_the_limit_and_refuses_a_longer_section_on_its_box(lan_page, settings):
    settings.KSTT_MAX_SECTION_CHARS = 1000
    html = lan_page.get(URL).content.decode()
    assert 'maxlength="1000"' in html and "Mỗi mục tối đa 1000 ký tự." in html
    response = post(lan_page, narrative() | {"s|direction": "x" * 1200})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Mục “{SECTION_TITLE}” dài 1200 ký tự; mỗi mục chỉ được tối đa 1000 ký tự." in html
    assert 'is-invalid" id="section-direction"' in html
    assert saved_revision() == 0


def test_the_default_limit_is_50000_characters(settings):
    assert settings.KSTT_MAX_SECTION_CHARS == 50_000


# --- Odd but valid text is shown, never a 500 ----------------------------------------------------------------


ODD = " | ".join(ODD_BUT_VALID)


def test_every_page_and_the_api_show_a_report_holding_odd_but_valid_text(lan, minh, kstt_report, signed_pdf, client):  # noqa: F811
    lan_api = as_(lan)
    odd_narrative = NARRATIVE | {"direction": ODD, "review": "\x01\x1f" + ODD[::-1]}
    reasons = {"06/VPCP/KSTT": {"HT": {"received_total": ODD}}}
    body = {"revision": 0, "values": GOOD, "narrative": odd_narrative, "reasons": reasons}
    assert lan_api.put(url("api-report-draft"), body, format="json").status_code == 200
    assert upload(lan_api, signed_pdf, name="‮fdp.exe 👨‍👩‍👧.pdf").status_code == 201
    client.force_login(lan)
    html = client.get(URL).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "👨‍👩‍👧 emoji ZWJ" in html
    sent = lan_api.post(url("api-report-submit"), {"explanation": ODD}, format="json")
    assert sent.status_code == 201, sent.content
    assert client.get(URL).status_code == 200
    # kept as every way in keeps a section (reports.rules.narrative_text: \n line breaks, trimmed), odd text intact
    kept = json.loads(lan_api.get(url("api-report-version", 1)).content)["narrative"]
    assert kept == normal_narrative(odd_narrative)
    client.force_login(minh)
    for page in ("/review/W05341/2021Q3/", "/review/W05341/2021Q3/history/"):
        response = client.get(page)
        assert response.status_code == 200, page
    assert as_(minh).get(url("api-report-history")).status_code == 200
    returned = as_(minh).post(url("api-report-return", 1), {"reasons": ["forms"], "text": ODD}, format="json")
    assert returned.status_code == 200
    client.force_login(lan)
    assert ODD_BUT_VALID[0] in client.get(URL).content.decode()
