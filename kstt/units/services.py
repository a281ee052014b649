"""Every write to the organisation tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction

from kstt import interchange, unicode_text
from kstt.audit import services as audit
from kstt.units import rules, selectors
from kstt.units.models import Unit, UnitVersion


class UnitsError(ValueError):
    """A tree change that cannot be made; nothing was changed."""


@dataclass
class LoadResult:
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    codes_changed: list[str] = field(default_factory=list)
    codes_closed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.changed + self.unchanged


def read_unit_file(data: bytes) -> tuple[list[str] | None, list[interchange.Record]]:
    """Decode a unit CSV (UTF-8, with or without BOM) into its header and records."""
    return interchange.read_csv(data, rules.UnitFileError)


def _attributes(row: rules.UnitRow, parent_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "name": row.name,
        "level": row.level,
        "kind": row.kind,
        "parent_id": parent_ids[row.parent_code] if row.parent_code else None,
        "search_text": rules.fold(f"{row.name} {row.code}"),
    }


def _same(version: UnitVersion, attrs: dict[str, Any]) -> bool:
    return all(getattr(version, key) == value for key, value in attrs.items())


def _reference_version(versions: list[UnitVersion], on: date | None) -> UnitVersion | None:
    """The version a file dated ``on`` speaks about: in force on that date, or (no date) the latest."""
    if on is None:
        return versions[-1] if versions else None
    for version in versions:
        if (version.valid_from is None or version.valid_from <= on) and (
            version.valid_until is None or version.valid_until > on
        ):
            return version
    return None


@transaction.atomic
def load_units(
    *,
    data: bytes,
    effective_from: date | None,
    at: datetime,
    actor: Any = None,
    source: str = "",
    close_absent: bool = False,
) -> LoadResult:
    """Load a unit file (interchange.md "Units"): all or nothing, idempotent.

    With ``effective_from`` a changed unit gets a new version from that date and its previous
    version ends the day before; without it the file describes the tree as it has always been, so
    new units have no start date and changes correct the latest version in place.
    Units absent from the file are left as they are, unless ``close_absent``: then the units of the file's
    province(s) in force the day before ``effective_from`` that the file no longer lists close from that date
    (``rules.absent_codes``; audited as ``close_units`` does), in the same transaction.
    """
    if close_absent and effective_from is None:
        raise UnitsError("closing the units absent from the file needs the date the file takes effect")
    header, records = read_unit_file(data)
    rows = rules.parse_unit_rows(header, records, known_levels=selectors.levels_on(effective_from))

    existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])}
    versions_by_unit: dict[int, list[UnitVersion]] = {}
    for version in UnitVersion.objects.filter(unit__in=existing.values()).order_by("unit_id", "valid_from"):
        versions_by_unit.setdefault(version.unit_id, []).append(version)
    for versions in versions_by_unit.values():  # NULL start first, whatever the database's NULL order
        versions.sort(key=lambda v: (v.valid_from is not None, v.valid_from or date.min))

    new_units = Unit.objects.bulk_create([Unit(code=r.code) for r in rows if r.code not in existing])
    existing.update({u.code: u for u in new_units})
    if any(u.pk is None for u in new_units):  # backends that do not return ids
        existing = {u.code: u for u in Unit.objects.filter(code__in=[r.code for r in rows])}
    parent_codes = {r.parent_code for r in rows if r.parent_code}
    parent_ids = dict(Unit.objects.filter(code__in=parent_codes).values_list("code", "id"))

    result = LoadResult()
    to_create: list[UnitVersion] = []
    to_update: list[UnitVersion] = []
    for row in rows:
        unit = existing[row.code]
        attrs = _attributes(row, parent_ids)
        versions = versions_by_unit.get(unit.pk, [])
        current = _reference_version(versions, effective_from)
        if current is not None and _same(current, attrs):
            result.unchanged += 1
            continue
        if not versions:
            result.created += 1
            to_create.append(UnitVersion(unit=unit, valid_from=effective_from, **attrs))
            continue
        result.changed += 1
        result.codes_changed.append(row.code)
        if current is None:
            if effective_from is None:
                raise rules.UnitFileError(row.line, f"unit {row.code} is closed; give --from to reopen it")
            later = [v.valid_from for v in versions if v.valid_from and v.valid_from > effective_from]
            to_create.append(
                UnitVersion(unit=unit, valid_from=effective_from, valid_until=min(later, default=None), **attrs)
            )
        elif effective_from is None or current.valid_from == effective_from:
            for key, value in attrs.items():
                setattr(current, key, value)
            to_update.append(current)
        else:
            to_create.append(
                UnitVersion(unit=unit, valid_from=effective_from, valid_until=current.valid_until, **attrs)
            )
            current.valid_until = effective_from
            to_update.append(current)

    if to_update:
        UnitVersion.objects.bulk_update(
            to_update, ["name", "level", "kind", "parent_id", "search_text", "valid_until"], batch_size=500
        )
    UnitVersion.objects.bulk_create(to_create, batch_size=1000)
    if result.created or result.changed:
        audit.record(
            actor=actor,
            event="units.loaded",
            at=at,
            data={
                "source": source,
                "from": effective_from.isoformat() if effective_from else None,
                "created": result.created,
                "changed": result.changed,
                "unchanged": result.unchanged,
            },
        )
    if close_absent and effective_from is not None:
        eve = effective_from - timedelta(days=1)
        before = dict(selectors.versions_on(eve).values_list("unit__code", "parent__code"))
        absent = rules.absent_codes({r.code: r.parent_code for r in rows}, {k: v or "" for k, v in before.items()})
        still_open = selectors.units_on(absent, effective_from)  # closed by an earlier load: nothing to do
        result.codes_closed = [code for code in absent if code in still_open]
        if result.codes_closed:
            close_units(codes=result.codes_closed, on=effective_from, at=at, actor=actor)
    return result


@transaction.atomic
def close_units(*, codes: list[str], on: date, at: datetime, actor: Any = None) -> int:
    """Close units from ``on`` (they no longer exist that day). All or nothing.

    A unit that still has units under it on that date can be closed only together with them (or
    after they have been moved by loading a file dated ``on``). Nothing is deleted.
    """
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    if not wanted:
        raise UnitsError("no unit codes given")
    bad = unicode_text.find(wanted, "codes")  # e.g. a code read from a file or a command line that is not text
    if bad is not None:
        raise UnitsError(f"a unit code holds {bad.problem}")
    in_force = selectors.units_on(wanted, on)
    unknown = [c for c in wanted if c not in in_force]
    if unknown:
        raise UnitsError(f"not in force on {on.isoformat()}: {', '.join(unknown)}")
    closing_ids = {v.unit_id for v in in_force.values()}
    children = (
        selectors.versions_on(on)
        .filter(parent_id__in=closing_ids)
        .exclude(unit_id__in=closing_ids)
        .order_by("unit__code")
    )
    orphans = [f"{c.unit.code} (under {c.parent.code if c.parent else '?'})" for c in children[:10]]
    if orphans:
        raise UnitsError(f"these units would be left without a parent on {on.isoformat()}: {', '.join(orphans)}")
    for code, version in in_force.items():
        if version.valid_from == on:
            raise UnitsError(f"unit {code} only starts on {on.isoformat()}; it cannot close the same day")
        version.valid_until = on
    UnitVersion.objects.bulk_update(list(in_force.values()), ["valid_until"], batch_size=500)
    audit.record(actor=actor, event="units.closed", at=at, data={"on": on.isoformat(), "codes": wanted})
    return len(in_force)
