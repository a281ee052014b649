"""An Idempotency-Key belongs to one submission (issue 13, point 8).

Lan submits with a key; sent again while that version stands, the key answers the version it made (200).
Once Minh returned it, the same key would mean a new submission: 409 naming the version that used it, and
nothing is submitted — through the API (session or token) and through a page opened before the return.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from kstt.reports.models import ReportInstance, ReportVersion
from kstt.reports.tests.test_api import as_, filled, put_draft, signed_pdf, url  # noqa: F401 (fixtures)
from kstt.reports.tests.test_report_page import URL, cells, narrative, page_fields
from kstt.reports.tests.test_submission_services import NARRATIVE, ROW, T1
from kstt.tests.tokens import api_key


@pytest.fixture(autouse=True)
def _media_and_clock(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.KSTT_CLOCK = T1


@pytest.fixture(params=["session", "token"])
def lan_api(request, lan, filled):  # noqa: F811 (her report is filled and signed, ready to submit)
    client = APIClient()
    if request.param == "session":
        client.force_login(lan)
    else:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key(lan)}")
    return client


def submit(client, key: str):
    return client.post(url("api-report-submit"), {}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def minh_returns(minh, settings, number: int = 1) -> None:
    settings.KSTT_CLOCK = T1 + timedelta(hours=number)
    answer = as_(minh).post(url("api-report-return", number), {"reasons": ["forms"], "text": "Bổ sung"}, format="json")
    assert answer.status_code == 200


def test_the_key_gives_back_its_version_while_it_stands(lan_api):
    first, again = submit(lan_api, "k-1"), submit(lan_api, "k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()


def test_the_key_reused_after_a_return_is_409_naming_its_version_and_submits_nothing(lan_api, minh, settings):
    assert submit(lan_api, "k-1").status_code == 201
    minh_returns(minh, settings)
    reused = submit(lan_api, "k-1")
    assert reused.status_code == 409
    body = reused.json()
    assert (body["code"], body["version"]) == ("idempotency_key_reused", 1)
    assert "đã được dùng để gửi phiên bản 1" in body["detail"] and "khoá mới" in body["detail"]
    assert ReportVersion.objects.count() == 1
    assert ReportInstance.objects.get().status == "returned"


def test_after_the_next_version_the_old_key_is_409_and_the_new_one_gives_back_its_version(lan_api, minh, settings):
    assert submit(lan_api, "k-1").status_code == 201
    minh_returns(minh, settings)
    revision = lan_api.get(url("api-report")).json()["draft"]["revision"]
    assert put_draft(lan_api, revision, narrative=NARRATIVE | {"results": "Đã sửa"}).status_code == 200
    second = submit(lan_api, "k-2")
    assert second.status_code == 201 and second.json()["number"] == 2
    old = submit(lan_api, "k-1")
    assert old.status_code == 409 and old.json()["version"] == 1
    assert submit(lan_api, "k-2").json() == second.json()
    settings.KSTT_CLOCK = T1 + timedelta(days=1)
    assert as_(minh).post(url("api-report-accept", 2), {"text": "Đạt"}, format="json").status_code == 200
    accepted = submit(lan_api, "k-2")  # the submission that made version 2 still stands: the same answer
    assert accepted.status_code == 200 and accepted.json()["number"] == 2
    assert ReportVersion.objects.count() == 2


def test_a_page_opened_before_the_return_does_not_pass_for_a_new_submission(client, lan, minh, settings, filled):  # noqa: F811
    client.force_login(lan)
    fields = page_fields(client)
    data = {**fields, "action": "submit", **cells("HT", ROW), **narrative()}
    assert client.post(URL, data).status_code == 302
    client.get(URL)  # the message of the first press
    minh_returns(minh, settings)
    stale = client.post(URL, data)  # the same page, pressed again after the return
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Trang này đã được dùng để gửi phiên bản 1, phiên bản đó đã bị trả lại" in html
    assert ReportVersion.objects.count() == 1 and ReportInstance.objects.get().status == "returned"
    fresh = {**page_fields(client), "action": "submit", **cells("HT", ROW), **narrative()}
    assert fresh["idempotency_key"] != fields["idempotency_key"]
    assert client.post(URL, fresh).status_code == 302
    assert ReportVersion.objects.count() == 2
