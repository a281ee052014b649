"""Every read of people that is more than ``.get()``."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from kstt.accounts.models import User


def active_reporters_and_reviewers(*, unit_ids: Iterable[int]) -> QuerySet[User]:
    """The active users of these units who report or review for them (one query), by unit then username."""
    return User.objects.filter(
        Q(is_reporter=True) | Q(is_reviewer=True), is_active=True, unit_id__in=list(unit_ids)
    ).order_by("unit_id", "username")
