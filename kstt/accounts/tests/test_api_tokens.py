"""API tokens (issue 16): made with an expiry, refused from that instant on, revocable by their owner and by an
administrator, never stored in clear; every refusal is a 401 in the API's error shape."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from rest_framework.test import APIClient

from kstt.accounts.models import ApiToken
from kstt.accounts.services import create_token
from kstt.audit.models import AuditEntry
from kstt.tests.cast import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


def _api(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/reports/")


def test_the_key_is_not_stored_in_clear_and_opens_the_api(lan):
    token, key = create_token(user=lan, name="Bảng tính", at=NOW)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in [str(value) for value in stored.values()]
    assert stored["digest"] == hashlib.sha256(key.encode()).hexdigest() and stored["prefix"] == key[:8]
    assert len(key) == 40
    assert _api(key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == NOW
    entry = AuditEntry.objects.get(event="accounts.token_created")
    assert entry.data["user"] == "lan" and key not in str(entry.data)


def test_a_token_works_until_the_second_before_its_expiry_and_is_refused_from_it(settings, lan):
    token, key = create_token(user=lan, name="", at=NOW, days=30)
    assert token.expires_at == NOW + timedelta(days=30)
    settings.KSTT_CLOCK = token.expires_at - timedelta(seconds=1)
    assert _api(key).status_code == 200
    settings.KSTT_CLOCK = token.expires_at
    refused = _api(key)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"
    assert refused.json()["code"] == "token_expired" and refused.json()["reason"] == "the token has expired"
    assert refused.json()["detail"]  # in the reader's language


def test_the_default_validity_comes_from_the_setting(settings, lan):
    settings.KSTT_API_TOKEN_DAYS = 7
    token, _key = create_token(user=lan, name="", at=NOW)
    assert token.expires_at == NOW + timedelta(days=7)


def test_an_unknown_token_is_refused_in_the_same_shape(lan):
    refused = _api("0" * 40)
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_invalid"
    assert set(refused.json()) == {"code", "detail", "reason"}


def test_the_owner_lists_and_revokes_her_token_on_her_page(client, lan):
    token, key = create_token(user=lan, name="Bảng tính của xã", at=NOW)
    client.force_login(lan)
    page = client.get("/accounts/tokens/").content.decode()
    assert "Bảng tính của xã" in page and f"{key[:8]}…" in page and key not in page
    assert client.get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405  # a POST only
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == NOW and token.revoked_by == lan
    refused = _api(key)
    assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
    entry = AuditEntry.objects.get(event="accounts.token_revoked")
    assert entry.actor == lan and entry.target_id == str(token.pk)
    assert "revoke-" not in client.get("/accounts/tokens/").content.decode()  # no button on a revoked token


def test_someone_else_cannot_revoke_her_token(client, lan, minh):
    token, key = create_token(user=lan, name="", at=NOW)
    client.force_login(minh)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    assert f"{key[:8]}" not in client.get("/accounts/tokens/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert _api(key).status_code == 200


def test_the_revoke_form_needs_its_csrf_token(lan):
    from django.test import Client

    token, _key = create_token(user=lan, name="", at=NOW)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lan)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_administrator_revokes_anyones_token_in_the_administration_site(client, lan, quan):
    token, key = create_token(user=lan, name="Bảng tính", at=NOW)
    client.force_login(quan)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "Bảng tính" in listing and key not in listing
    answer = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert answer.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == NOW and token.revoked_by == quan
    assert _api(key).status_code == 401
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403  # kept, as the record


def test_a_reporter_has_no_access_to_everyones_tokens(client, lan):
    create_token(user=lan, name="", at=NOW)
    client.force_login(lan)
    assert client.get("/admin/accounts/apitoken/").status_code == 302  # to the administration log-in


def test_the_commands_make_a_token_shown_once_and_revoke_it(capsys, lan, minh):
    call_command("create_token", "lan", "--days", "10", "--name", "Bảng tính")
    out = capsys.readouterr()
    key = out.out.strip()
    token = ApiToken.objects.get(user=lan)
    assert token.expires_at == NOW + timedelta(days=10) and token.name == "Bảng tính"
    assert f"Token {token.pk} of lan" in out.err
    assert _api(key).status_code == 200
    call_command("revoke_token", str(token.pk))
    assert _api(key).status_code == 401
    _other, other_key = create_token(user=minh, name="", at=NOW)
    call_command("revoke_token", "--user", "minh")
    assert "1 tokens revoked" in capsys.readouterr().out
    assert _api(other_key).status_code == 401
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("create_token", "nobody")
    with pytest.raises(CommandError, match="no token 999"):
        call_command("revoke_token", "999")
    with pytest.raises(CommandError, match="at least one day"):
        call_command("create_token", "lan", "--days", "0")


def test_drf_tokens_made_before_keep_working_with_their_key_no_longer_in_clear(lan):
    migration = __import__("kstt.accounts.migrations.0005_tokens_from_drf_authtoken", fromlist=["forwards"])
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer, created date)")
        cursor.execute("INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s)", ["ab" * 20, lan.pk])

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection  # type: ignore[attr-defined]
    migration.forwards(apps, editor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
        cursor.execute("DROP TABLE authtoken_token")
    assert _api("ab" * 20).status_code == 200
    assert ApiToken.objects.get(user=lan).expires_at > NOW


@pytest.mark.parametrize(
    "key",
    ["", "=HYPERLINK(1)", "x" * 100_000, "\ud800x", "a b", "[" * 1000, "\x00" * 8],
    ids=["empty", "formula", "huge", "lone-surrogate", "two-words", "brackets", "nul"],
)
def test_a_hostile_key_is_a_401_and_records_nothing(lan, key):
    entries = AuditEntry.objects.count()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}".encode("utf-8", "surrogatepass").decode("latin-1"))
    refused = client.get("/api/reports/")
    assert refused.status_code == 401 and refused.json()["code"]
    assert not ApiToken.objects.exists() and AuditEntry.objects.count() == entries
