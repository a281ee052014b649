"""API tokens on requests: DRF's TokenAuthentication (the ``Authorization: Token <key>`` header, parsed and
refused as DRF does) over KSTT's own tokens (accounts.ApiToken: stored as digests, expiring, revocable).

A refused token answers 401 with the API's error shape (kstt/api_errors.py): ``code`` token_invalid,
token_expired or token_revoked, ``detail`` in the reader's language, ``reason`` in English."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from kstt import clock
from kstt.accounts import selectors, services


class TokenRefused(exceptions.AuthenticationFailed):
    """A token sent that opens nothing: unknown, expired or revoked."""

    messages = {
        "token_invalid": _("This API token is not valid."),
        "token_expired": _("This API token has expired: ask the administrator for a new one."),
        "token_revoked": _("This API token was revoked: ask the administrator for a new one."),
    }
    reasons = {
        "token_invalid": "no such token",
        "token_expired": "the token has expired",
        "token_revoked": "the token was revoked",
    }

    def __init__(self, code: str) -> None:
        super().__init__(detail=self.messages[code], code=code)
        self.code = code
        self.reason = self.reasons[code]


#: Every key KSTT makes (and every DRF key it took over) is 40 hexadecimal characters: anything else names no
#: token, and is refused before it reaches the database (a NUL character is not even storable on PostgreSQL).
KEY_SHAPE = re.compile(r"[0-9a-f]{40}")


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not KEY_SHAPE.fullmatch(key):
            raise TokenRefused("token_invalid")
        token = selectors.token_by_key(key, services.token_digest(key))
        if token is None or not token.user.is_active:
            raise TokenRefused("token_invalid")
        if token.revoked_at is not None:
            raise TokenRefused("token_revoked")
        now = clock.now()
        if not token.is_live(now):
            raise TokenRefused("token_expired")
        services.note_token_used(token=token, at=now)
        return token.user, token
