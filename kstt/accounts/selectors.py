"""Every read of people that is more than ``.get()``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kstt.accounts.models import ApiToken, User


def active_reporters_and_reviewers(*, unit_ids: Iterable[int]) -> QuerySet[User]:
    """The active users of these units who report or review for them (one query), by unit then username."""
    return User.objects.filter(
        Q(is_reporter=True) | Q(is_reviewer=True), is_active=True, unit_id__in=list(unit_ids)
    ).order_by("unit_id", "username")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, the newest first (revoked and expired ones too: they are the record)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def token_of(user: User, pk: int) -> ApiToken | None:
    """One of the user's own tokens; someone else's does not exist for them."""
    return ApiToken.objects.filter(user=user, pk=pk).first()


def token_by_key(key: str, digest: str) -> ApiToken | None:
    """The token a key (by its digest) stands for, with its user."""
    return ApiToken.objects.select_related("user").filter(digest=digest, prefix=key[:8]).first()
