"""Records written once, then never changed nor deleted (style.md: government records are kept).

A submitted report version, a review, a settings version, the files filed with an appeal: ``save``
of a stored row, ``delete``, and a queryset's ``update``/``delete`` raise ``ImmutableError``.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class ImmutableError(Exception):
    """A record written once is never changed nor deleted."""


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableError(f"{self.model._meta.verbose_name} cannot be changed")

    def delete(self) -> Any:
        raise ImmutableError(f"{self.model._meta.verbose_name} cannot be deleted")


class Immutable(models.Model):
    """Written once, then never changed nor deleted (a queryset's update/delete is refused too)."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError(f"{self._meta.verbose_name} cannot be deleted")
