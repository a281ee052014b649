"""A hostile tester sends bodies the API and the pages must not read (issue 13, points 3–5): too large (413),
without a length (411), nested 100,000 deep, not UTF-8, holding a lone surrogate, NaN (400). Lan pushes
through her session, the one-stop feed with its token; whatever is refused changes nothing.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from kstt import api_parsers
from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.compilation.tests.test_form06_command import DOSSIERS
from kstt.dossiers.models import Dossier
from kstt.reports.models import Draft, ReportVersion
from kstt.reports.tests.test_api import filled, signed_pdf, submitted  # noqa: F401 (fixtures)
from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE, T1
from kstt.tests.cast import AT
from kstt.tests.tokens import api_key

DRAFT = reverse("api-report-draft", args=["W05341", "2021Q3"])
SUBMIT = reverse("api-report-submit", args=["W05341", "2021Q3"])
DOCUMENT = reverse("api-report-document", args=["W05341", "2021Q3"])
PAGE = "/reports/W05341/2021Q3/"
DOSSIER_PUSH = reverse("api-dossiers")


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1


@pytest.fixture
def feed(province):
    user = save_user(username="motcua", full_name="Hệ thống một cửa", unit=None, roles={Role.FEED}, password=None,
                     at=AT)  # fmt: skip
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(user)}")
    return client


@pytest.fixture(params=["session", "token"])
def lan_api(request, lan, kstt_report):
    """Lan's API client: through her browser session, or her token."""
    client = APIClient()
    if request.param == "session":
        client.force_login(lan)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(lan)}")
    return client


@pytest.fixture
def small_limits(settings):
    """Limits small enough that a test sends over them quickly (the defaults are tested once, below)."""
    settings.KSTT_MAX_REQUEST_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    settings.KSTT_MAX_UPLOAD_BYTES = 256 * 1024


def put_json(client, body: str | bytes, path: str = DRAFT, **extra):
    return client.generic("PUT", path, body, content_type="application/json", **extra)


def draft_body(narrative: dict | None = None, revision: int = 0, values=None) -> str:
    return json.dumps({"revision": revision, "values": values or {}, "narrative": narrative or {}, "reasons": {}})


def nothing_saved() -> bool:
    return not Draft.objects.filter(revision__gt=0).exists()


# --- Size (point 4) ----------------------------------------------------------------------------------------


def test_with_the_default_limit_a_40_mb_narrative_and_a_19_mb_push_are_413_and_nothing_is_stored(lan_api, feed):
    narrative = put_json(lan_api, draft_body({"results": "x" * (40 * 1024 * 1024)}))
    assert narrative.status_code == 413, narrative.content[:300]
    body = narrative.json()
    assert body["code"] == "too_large" and body["limit"] == 16 * 1024 * 1024
    assert "lớn hơn giới hạn 16,0\xa0MB" in body["detail"]
    padded = [{**record, "note": " " * 2000} for record in DOSSIERS] * 1050  # 8,400 records, about 19 MB
    push = feed.post(DOSSIER_PUSH, json.dumps(padded), content_type="application/json")
    assert push.status_code == 413 and push.json()["code"] == "too_large"
    assert nothing_saved() and Dossier.objects.count() == 0


@pytest.mark.usefixtures("small_limits")
def test_a_json_body_over_the_limit_is_413_and_one_at_the_limit_is_read(lan_api, settings):
    limit = settings.KSTT_MAX_REQUEST_BYTES
    padding = limit - len(draft_body({"results": "", "review": ""}))
    half = padding // 2  # two sections: each within its own limit of characters
    at_limit = draft_body({"results": "x" * half, "review": "x" * (padding - half)})
    assert len(at_limit.encode()) == limit
    over = put_json(lan_api, draft_body({"results": "x" * half, "review": "x" * (padding - half + 1)}))
    assert over.status_code == 413 and over.json()["size"] == limit + 1
    assert nothing_saved()
    response = put_json(lan_api, at_limit)
    assert response.status_code == 200, response.content[:300]


@pytest.mark.usefixtures("small_limits")
def test_the_parser_counts_the_bytes_it_reads_whatever_the_length_says(rf, settings):
    """Behind a server that passes a body without its length (ASGI, chunked), the parser still reads at most
    one byte over the limit and refuses it."""
    limit = settings.KSTT_MAX_REQUEST_BYTES
    request = rf.put(DRAFT)
    request.META.pop("CONTENT_LENGTH", None)
    stream = io.BytesIO(draft_body({"results": "x" * limit}).encode())
    with pytest.raises(api_parsers.BodyError) as refused:
        api_parsers.JSONParser().parse(stream, "application/json", {"request": request, "encoding": "utf-8"})
    assert refused.value.status_code == 413
    assert stream.tell() == limit + 1


def test_a_body_without_a_length_is_411_on_the_api_and_the_pages(lan_api, lan, client):
    chunked = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked"}
    response = put_json(lan_api, draft_body({"results": "x"}), **chunked)
    assert response.status_code == 411 and response.json()["code"] == "length_required"
    assert "Content-Length" in response.json()["detail"]
    client.force_login(lan)
    page = client.generic("POST", PAGE, b"revision=0&s%7Cresults=x", "application/x-www-form-urlencoded", **chunked)
    assert page.status_code == 411
    assert nothing_saved()


@pytest.mark.usefixtures("small_limits")
def test_a_page_post_over_the_limit_is_a_413_page_in_vietnamese(lan, kstt_report, client):
    client.force_login(lan)
    client.get(PAGE)
    body = urlencode({"revision": "0", "s|results": "x" * (70 * 1024)})
    response = client.post(PAGE, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    page = response.content.decode()
    assert "Dữ liệu gửi lên không được chấp nhận" in page and "lớn hơn giới hạn 64,0\xa0KB" in page
    assert nothing_saved()


@pytest.mark.usefixtures("small_limits")
def test_an_upload_over_its_own_limit_is_413_and_a_form_field_over_the_request_limit_too(lan, kstt_report):
    client = Client(enforce_csrf_checks=True)  # as a browser: CsrfViewMiddleware reads the post for its token
    client.force_login(lan)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(PAGE).content.decode()).group(1)
    big_file = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 " + b"x" * (300 * 1024))
    assert client.post(PAGE, {"csrfmiddlewaretoken": token, "revision": "0", "document": big_file}).status_code == 413
    # Within the upload limit, but its text fields are over the request limit: Django's own refusal, as 413.
    small_file = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 small")
    fields = {"csrfmiddlewaretoken": token, "revision": "0", "s|results": "x" * (100 * 1024), "document": small_file}
    response = client.post(PAGE, fields)
    assert response.status_code == 413
    assert "lớn hơn giới hạn 64,0\xa0KB" in response.content.decode()
    assert nothing_saved()


@pytest.mark.usefixtures("small_limits")
def test_a_multipart_field_over_the_limit_read_by_the_api_is_a_413_in_the_api_shape(lan_api):
    file = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.7 small")
    response = lan_api.post(DOCUMENT, {"file": file, "note": "x" * (100 * 1024)}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "lớn hơn giới hạn" in response.json()["detail"]


# --- Nesting (point 5) -------------------------------------------------------------------------------------

JSON_ENDPOINTS = [
    pytest.param("PUT", DRAFT, id="draft"),
    pytest.param("POST", SUBMIT, id="submit"),
    pytest.param("POST", reverse("api-report-accept", args=["W05341", "2021Q3", 1]), id="accept"),
    pytest.param("POST", reverse("api-report-return", args=["W05341", "2021Q3", 1]), id="return"),
    pytest.param("POST", DOSSIER_PUSH, id="dossiers"),
]


@pytest.mark.parametrize(("method", "path"), JSON_ENDPOINTS)
def test_100000_nested_brackets_are_400_on_every_json_endpoint(method, path, admin_api):
    body = "[" * 100_000 + "]" * 100_000
    response = admin_api.generic(method, path, body, content_type="application/json")
    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"] == "too_deep"
    assert "lồng nhau quá 32 cấp" in response.json()["detail"]
    unclosed = admin_api.generic(method, path, '{"a":' * 100_000, content_type="application/json")
    assert unclosed.status_code == 400 and unclosed.json()["code"] == "too_deep"


@pytest.fixture
def admin_api(quan, kstt_report, submitted):  # noqa: F811 (a report to review, so every endpoint exists)
    client = APIClient()
    client.force_authenticate(quan)
    return client


def nested(depth: int) -> dict:
    value: object = "x"
    for _ in range(depth - 3):
        value = [value]
    return {"revision": 0, "narrative": {}, "values": {"06/VPCP/KSTT": {"HT": value}}}


def test_nesting_up_to_32_levels_is_parsed_and_33_are_refused(lan_api):
    parsed = put_json(lan_api, json.dumps(nested(api_parsers.MAX_DEPTH)))
    assert parsed.status_code == 400 and parsed.json()["code"] == "invalid"  # read, then refused as figures
    deeper = put_json(lan_api, json.dumps(nested(api_parsers.MAX_DEPTH + 1)))
    assert deeper.status_code == 400 and deeper.json()["code"] == "too_deep"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[" * 5000 + "{" * 5000, id="brackets"),
        pytest.param('\\"[[[[' * 2000 + "\\\\", id="escaped-quotes-and-backslashes"),
    ],
)
def test_brackets_inside_texts_are_not_nesting(lan_api, text):
    narrative = {"results": json.loads(f'"{text}"'), "review": "[]" * 40}
    response = put_json(lan_api, draft_body(narrative))
    assert response.status_code == 200, response.content[:300]
    assert Draft.objects.get().narrative == narrative


@pytest.mark.parametrize(
    ("raw", "deep"),
    [
        (b"[" * 33 + b"]" * 33, True),
        (b"[" * 32 + b"]" * 32, False),
        (b'["' + b"[" * 100 + b'"]', False),
        (b'[["\\\\"' + b",[" * 31 + b"]" * 33, True),
        (b'[["\\"' + b",[" * 31 + b'"]]', False),
        (b"[]" * 100_000, False),
        (b"[[]]" * 10_000 + b"[" * 40, True),
        (b"{" * 33, True),
        (b"[" + b"{}," * 50 + b"{" * 31 + b"}" * 31 + b"]", False),
        (b"[" + b"{}," * 50 + b"[" * 32 + b"]" * 32 + b"]", True),
        (b"[" + b"[[[[[[]]]]]]," * 100 + b"[" * 31 + b"]" * 32, False),
        (b"[" + b"[[[[[[]]]]]]," * 100 + b"[" * 32 + b"]" * 33, True),
        ((b"[" * 32 + b"]" * 32) * 1000, False),
        (b'{"a": "}}}}", "b": ' * 40 + b"1" + b"}" * 40, True),
    ],
)
def test_depth_is_counted_outside_strings(raw, deep):
    assert api_parsers.deeper_than(raw, 32) is deep


# --- Text (point 3) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        pytest.param(r'{"revision": 0, "narrative": {"results": "\ud800x"}}', "narrative.results", id="narrative"),
        pytest.param(r'{"revision": 0, "narrative": {"\udfff": "x"}}', "narrative (a key)", id="a-key"),
        pytest.param(
            r'{"revision": 0, "values": {"06/VPCP/KSTT": {"HT": {"received_total": "\ud83d"}}}}',
            "values.06/VPCP/KSTT.HT.received_total",
            id="half-an-emoji-in-a-cell",
        ),
    ],
)
def test_a_lone_surrogate_is_400_naming_where_it_is_and_nothing_is_stored(lan_api, lan, client, body, where):
    response = put_json(lan_api, body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_unicode" and response.json()["where"] == where
    assert "không phải Unicode hợp lệ" in response.json()["detail"]
    assert nothing_saved()
    client.force_login(lan)
    assert client.get(PAGE).status_code == 200  # and the page stays a page for everyone


def test_a_paired_surrogate_escape_is_the_character_it_spells(lan_api):
    assert put_json(lan_api, r'{"revision": 0, "narrative": {"results": "\ud83d\ude00 \u00e0"}}').status_code == 200
    assert Draft.objects.get().narrative == {"results": "😀 à"}


def test_a_lone_surrogate_in_a_dossier_push_is_refused(feed, cast):
    record = json.dumps(DOSSIERS[0])
    body = "[" + record.replace('"HS-1"', r'"HS-\udc80"') + "]"
    response = feed.post(DOSSIER_PUSH, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["where"] == "[0].code"
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        pytest.param(b'{"revision": 0, "narrative": {"results": "\xff\xfe"}}', "not_utf8", "byte thứ 43", id="latin"),
        pytest.param(
            b'{"revision": 0, "narrative": {"results": "\xed\xa0\x80"}}', "not_utf8", "UTF-8", id="utf8-surrogate"
        ),
        pytest.param(b'{"revision": NaN}', "malformed_json", "JSON", id="nan"),
        pytest.param(
            b'{"revision": 0, "values": {"06/VPCP/KSTT": {"HT": {"received_total": 1e400}}}}',
            "number_out_of_range",
            "quá lớn",
            id="infinite-number",
        ),
        pytest.param(b'{"revision": 0,', "malformed_json", "dòng 1, cột 16", id="truncated"),
    ],
)
def test_bodies_that_are_not_utf8_json_are_400_naming_the_problem(lan_api, body, code, detail):
    response = put_json(lan_api, body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and detail in response.json()["detail"]
    assert nothing_saved()


def test_json_declared_in_another_charset_is_refused(lan_api):
    body = draft_body({"results": "Kết quả"}).encode("utf-8")
    response = lan_api.generic("PUT", DRAFT, body, content_type="application/json; charset=latin-1")
    assert response.status_code == 400 and response.json()["code"] == "not_utf8"
    assert nothing_saved()


def test_a_json_answer_is_unchanged_for_sound_bodies(lan_api):
    response = put_json(lan_api, draft_body(NARRATIVE, values=GOOD))
    assert response.status_code == 200
    assert response.json()["narrative"] == NARRATIVE
    assert ReportVersion.objects.count() == 0
