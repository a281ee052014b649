"""Records written once, then never changed nor deleted (style.md: government records are kept).

A submitted report version, a review, a settings version, the files filed with an appeal: ``save``
of a stored row, ``delete``, and a queryset's ``update``/``delete`` raise ``ImmutableError``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models


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


def insert_all(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` of ``model`` (each the values of ``fields``, in that order: a foreign key by its id) in
    one INSERT that reads them, in order, out of one JSON array parameter; their ids follow that order, the
    objects are not made. Values as JSON holds them (text, numbers, None; an object or an array for a
    JSONField), aware datetimes for a DateTimeField. Nothing without rows.

    Hand-written SQL, a last resort (style.md §13). ``bulk_create`` on PostgreSQL sends one array per column,
    which psycopg quotes in Python (for a JSON column, one regular-expression replacement per ``"`` of the
    JSON), after building a model and binding each cell. With one JSON parameter, a submission's 99 figures
    took 0.4 ms of the server's CPU instead of 2.3 ms (PostgreSQL's: 1.0–1.2 ms instead of 1.4–1.6 ms), its
    four audit entries 0.2 ms instead of 1.1 ms (7 December 2026, PostgreSQL 15; docs/it/load.md, the fourth
    round). test_report_figures.py and kstt/audit/tests/test_together.py read the rows back through the ORM
    on both engines."""
    if not rows:
        return
    meta, ops = model._meta, connection.ops
    named = {field.name: field for field in meta.concrete_fields}
    chosen = [named[name] for name in fields]
    json_fields = {i for i, field in enumerate(chosen) if isinstance(field, models.JSONField)}
    datetimes = {i for i, field in enumerate(chosen) if isinstance(field, models.DateTimeField)}

    def stored(i: int, value: Any) -> Any:
        if i in datetimes and value is not None:
            adapted = ops.adapt_datetimefield_value(value)  # SQLite: UTC text, as Django stores it
            return adapted if isinstance(adapted, str) else value.isoformat()
        if i in json_fields and not isinstance(value, dict | list):
            raise TypeError(f"{meta.label}.{chosen[i].name}: insert_all takes a JSON object or array")
        return value

    special = sorted(datetimes | json_fields)  # the other values go as they are
    if special:
        changed = [[*row] for row in rows]
        for row in changed:
            for i in special:
                row[i] = stored(i, row[i])
        rows = changed
    data = json.dumps(rows)
    if connection.vendor == "postgresql":
        # A column's type as Django's UNNEST insert names it (varchar, not varchar(32)).
        cells = [
            f"e->{i}" if i in json_fields else f"(e->>{i})::{str(field.db_type(connection)).split('(')[0]}"
            for i, field in enumerate(chosen)
        ]
        rows_of = "jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n"
        select = "SELECT " + ", ".join(cells) + " FROM " + rows_of  # noqa: S608 (types and indexes from the model)
    elif connection.vendor == "sqlite":
        cells = [f"json_extract(value, '$[{i}]')" for i in range(len(chosen))]
        select = "SELECT " + ", ".join(cells) + " FROM json_each(%s) ORDER BY key"  # noqa: S608 (indexes only)
    else:  # the two engines KSTT runs on
        raise NotImplementedError(f"insert_all: no {connection.vendor}")
    columns = ", ".join(ops.quote_name(str(field.column)) for field in chosen)
    with connection.cursor() as cursor:  # names and types from the model, the values one parameter
        cursor.execute(f"INSERT INTO {ops.quote_name(meta.db_table)} ({columns}) {select}", [data])
