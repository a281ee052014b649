"""Every write to people and roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from kstt.accounts.choices import Role
from kstt.accounts.models import User
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
