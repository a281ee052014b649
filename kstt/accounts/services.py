"""Every write to people and roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from kstt.accounts.choices import Role
from kstt.accounts.models import ApiToken, User
from kstt.audit import services as audit
from kstt.units.models import Unit


class AccountError(ValueError):
    pass


@transaction.atomic
def save_user(
    *,
    username: str,
    full_name: str,
    unit: Unit | None,
    roles: frozenset[Role] | set[Role],
    password: str | None,
    at: datetime,
    actor: Any = None,
) -> User:
    """Create or update a user with a unit and roles. Admins may use the management site."""
    if (Role.REPORTER in roles or Role.REVIEWER in roles) and unit is None:
        raise AccountError("a reporter or reviewer must belong to a unit")
    family, _, given = full_name.strip().partition(" ")  # Vietnamese order: "Nguyễn Thị Lan"
    user, created = User.objects.get_or_create(username=username, defaults={"date_joined": at})
    user.last_name, user.first_name = family, given
    user.unit = unit
    user.is_reporter = Role.REPORTER in roles
    user.is_reviewer = Role.REVIEWER in roles
    user.is_kstt_admin = Role.ADMIN in roles
    user.is_dossier_feed = Role.FEED in roles
    user.is_staff = user.is_superuser = user.is_kstt_admin
    if password is not None:
        user.set_password(password)
    user.save()
    audit.record(
        actor=actor,
        event="accounts.user_created" if created else "accounts.user_updated",
        at=at,
        target=user,
        data={"unit": unit.code if unit else None, "roles": sorted(roles)},
    )
    return user


#: How often a token's "last used" is written (not at every request of a busy feed).
LAST_USED_EVERY = timedelta(minutes=1)


def token_digest(key: str) -> str:
    """What is stored of an API key: its SHA-256 digest. The key is 160 random bits (not a password a
    person chose), so a plain digest cannot be reversed; a lookup by digest compares no secret in Python."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user: User, name: str, at: datetime, days: int | None = None, actor: Any = None
) -> tuple[ApiToken, str]:
    """A new API token of ``user``, valid for ``days`` (settings.KSTT_API_TOKEN_DAYS when None) from ``at``:
    usable until just before ``at + days`` (refused from that instant on). Returns the token and its key,
    which is stored nowhere: show it once."""
    days = settings.KSTT_API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise AccountError("a token is valid for at least one day")
    if not user.is_active:
        raise AccountError(f"{user.get_username()} is not active")
    key = secrets.token_hex(20)  # 40 hexadecimal characters, as DRF's own tokens were
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=key[:8],
        digest=token_digest(key),
        created_at=at,
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=at + timedelta(days=days),
    )
    audit.record(
        actor=actor,
        event="accounts.token_created",
        at=at,
        target=token,
        data={
            "user": user.get_username(),
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, at: datetime, actor: Any = None) -> bool:
    """Revoke a token from ``at`` on (its owner's choice or an administrator's). False when it was already
    revoked (nothing recorded again)."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return False
    token.revoked_at = at
    token.revoked_by = actor if getattr(actor, "pk", None) else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor,
        event="accounts.token_revoked",
        at=at,
        target=token,
        data={"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
    )
    return True


def note_token_used(*, token: ApiToken, at: datetime) -> None:
    """Stamp the token's last use (at most once a minute). Bookkeeping, not an event: no audit entry, the
    requests themselves are audited where they change anything."""
    if token.last_used_at is None or at - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at
