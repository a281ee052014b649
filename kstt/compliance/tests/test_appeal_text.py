"""Tuấn's appeal holds only text every engine stores alike (issue 13, point 3): a NUL in the reason is refused
by the form, bytes that are not UTF-8 become replacement characters, a file name is kept as printable text;
the same on SQLite and PostgreSQL, and the pages still show it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kstt.compliance.models import Appeal
from kstt.compliance.tests.ledger_story import NOW, PDF, history  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]
APPEAL = "/compliance/lines/P17-STP/2021Q1/appeal/"


@pytest.fixture(autouse=True)
def _clock(settings, tmp_path):
    settings.KSTT_CLOCK = NOW
    settings.MEDIA_ROOT = tmp_path


def test_a_nul_in_the_reason_is_refused_and_nothing_is_filed(client, tuan):
    client.force_login(tuan)
    response = client.post(APPEAL, {"reason": "Mất điện\x00 cả ngày"})
    assert response.status_code == 400
    assert not Appeal.objects.exists()


def test_bytes_that_are_not_utf8_become_replacement_characters(client, tuan, hoa):
    client.force_login(tuan)
    body = "reason=M%E1%BA%A5t%ED%A0%80%FF%C4%91i%E1%BB%87n"
    response = client.post(APPEAL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Appeal.objects.get().reason == "Mất\ufffd\ufffd\ufffd\ufffdđiện"
    client.force_login(hoa)
    assert "Mất\ufffd" in client.get("/compliance/appeals/").content.decode()


def test_a_file_name_with_a_nul_is_kept_as_printable_text(client, tuan):
    client.force_login(tuan)
    files = [SimpleUploadedFile("bien\x00-ban.pdf", PDF)]
    assert client.post(APPEAL, {"reason": "Mất điện.", "attachments": files}).status_code == 302
    assert Appeal.objects.get().attachments.get().name == "bien-ban.pdf"
