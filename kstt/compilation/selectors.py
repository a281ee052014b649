"""Form 06 computed from dossiers, for one unit or compiled for a district or the province.

Reads only: the tree as it was at the window's end, the form definition in force then, and the
dossier counts the database aggregates (dossiers.selectors). The result is a CompiledForm06 that
renderers (exports) turn into JSON or the official workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.form06 import (
    FORM06_COLUMNS,
    CompiledForm06,
    Form06Group,
    Form06Row,
    Form06Subgroup,
    add,
    zero,
)
from kstt.catalogue.rules.forms import Column, FormSpec, parse_form_spec
from kstt.catalogue.rules.periods import Period
from kstt.dossiers import selectors as dossiers
from kstt.dossiers.models import Dossier
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion
from kstt.units.rules import LEVELS

FORM06 = "06/VPCP/KSTT"
COMPILED_LEVELS = ("district", "province")
GOVERNMENT_OFFICE = "Văn phòng Chính phủ"
TOTAL = "total"


class CompilationError(ValueError):
    """The form cannot be computed (no such unit then, no form 06 in force, a bad cell)."""


class CellError(CompilationError):
    """A cell the form does not have. ``kind``: ``column`` or ``row`` (the form has no such column or
    row: bad input) or ``outside`` (the row names a unit that is not on this form: not found)."""

    def __init__(self, message: str, *, kind: str, value: str) -> None:
        super().__init__(message)
        self.kind, self.value = kind, value

    def message(self) -> str:
        """What the reader is told, in the reader's language."""
        if self.kind == "column":
            return _("Form 06 has no column “%(column)s”: give a column number from 3 to 13.") % {
                "column": self.value[:40]
            }
        if self.kind == "outside":
            return _("The unit %(code)s is not on this form.") % {"code": self.value[:40]}
        return _("This form has no row “%(row)s”.") % {"row": self.value[:40]}


@dataclass(frozen=True)
class Cell:
    """The dossiers behind one cell, its column, and its row as the printed form names it."""

    dossiers: QuerySet[Dossier]
    column: Column
    row_label: str


@dataclass(frozen=True)
class Scope:
    """What a computed form covers: the unit as it was, the window, the form, the units counted."""

    unit: UnitVersion
    period: Period
    start: date
    end: date
    spec: FormSpec
    compiled: bool
    members: tuple[UnitVersion, ...]  # the units whose dossiers count (rows of a compiled form)
    returned_on_time: bool


@dataclass(frozen=True)
class Frame:
    """What any form 06 of a period is computed in: the window, the form in force at its end, and how
    returned dossiers count."""

    start: date
    end: date
    spec: FormSpec
    returned_on_time: bool


def frame(*, period: Period, report_type: ReportType) -> Frame:
    """The window of ``period`` and form 06 as in force at its end (two queries). CompilationError when no
    form 06 is in force then."""
    settings = catalogue.settings_for(report_type, period)  # the window and the counting of that period
    start, end = settings.window(period)
    definition = catalogue.form_in_force(code=FORM06, on=end)
    if definition is None:
        raise CompilationError(f"no form {FORM06} is in force on {end.isoformat()} (kstt load-catalogue)")
    return Frame(start, end, parse_form_spec(definition.definition), settings.returned_on_time)


def scope(*, unit: Unit, period: Period, report_type: ReportType) -> Scope:
    f = frame(period=period, report_type=report_type)
    start, end, spec = f.start, f.end, f.spec
    version = units.unit_on(unit.code, end)
    if version is None:
        raise CompilationError(f"unit {unit.code} did not exist on {end.isoformat()}, the end of {period.code}")
    compiled = version.level in COMPILED_LEVELS
    if compiled:
        headings = dict(spec.layout.get("level_headings", {}))
        below = units.versions_on(end).filter(
            unit_id__in=units.descendant_ids(unit, on=end, include_self=True), level__in=list(headings)
        )
        members = tuple(sorted(below, key=lambda v: (LEVELS.index(v.level), v.unit.code)))
    else:
        members = (version,)
    return Scope(version, period, start, end, spec, compiled, members, f.returned_on_time)


def own_counts(*, unit: Unit, period: Period, report_type: ReportType) -> dict[str, dict[str, int]]:
    """field code → form 06 counts of the unit's own dossiers over the period's window, as the unit's own
    form by field counts them (``compile_scope``), in one aggregate query and nothing else: no printed form
    (names, recipient, form definition). {} when no dossier of the unit is in play then. What a unit's draft
    starts from and its figures are reconciled with (rule R8), on every save and submission."""
    settings = catalogue.settings_for(report_type, period)
    start, end = settings.window(period)
    return {
        r["field_code"]: _counts(r)
        for r in dossiers.counts(
            unit_ids=[unit.pk], start=start, end=end, by=("field_code",), returned_on_time=settings.returned_on_time
        )
    }


def compile_form06(*, unit: Unit, period: Period, report_type: ReportType) -> CompiledForm06:
    return compile_scope(scope(unit=unit, period=period, report_type=report_type))


def compile_scope(s: Scope) -> CompiledForm06:
    period = s.period
    ids = [m.unit_id for m in s.members]
    rows: tuple[Form06Row, ...] = ()
    groups: tuple[Form06Group, ...] = ()
    if s.compiled:
        counted = {
            r["unit_id"]: r
            for r in dossiers.counts(
                unit_ids=ids, start=s.start, end=s.end, by=("unit_id",), returned_on_time=s.returned_on_time
            )
        }
        headings = dict(s.spec.layout.get("level_headings", {}))
        built = []
        for level in sorted(headings, key=LEVELS.index):  # the printed order, not the stored dict's
            heading = headings[level]
            level_members = [m for m in s.members if m.level == level]
            row_of = {m.unit_id: Form06Row(m.unit.code, m.name, _counts(counted.get(m.unit_id))) for m in level_members}
            level_rows = tuple(row_of.values())
            if level_rows:
                subgroups = []
                for parent, children in _under_parents(s, level_members):
                    child_rows = tuple(row_of[m.unit_id] for m in children)
                    key = f"{parent.unit.code}/{level}"
                    subgroups.append(
                        Form06Subgroup(
                            key, parent.unit.code, parent.name, child_rows, add(r.counts for r in child_rows)
                        )
                    )
                built.append(
                    Form06Group(level, str(heading), level_rows, add(r.counts for r in level_rows), tuple(subgroups))
                )
        groups = tuple(built)
        total = add(g.subtotal for g in groups)
    else:
        names = catalogue.field_names(s.unit.level)
        rows = tuple(
            Form06Row(r["field_code"], names.get(r["field_code"], r["field_code"]), _counts(r))
            for r in dossiers.counts(
                unit_ids=ids, start=s.start, end=s.end, by=("field_code",), returned_on_time=s.returned_on_time
            )
        )
        total = add(r.counts for r in rows)
    return CompiledForm06(
        spec=s.spec,
        unit_code=s.unit.unit.code,
        unit_name=s.unit.name,
        unit_level=s.unit.level,
        recipient_name=_recipient(s.unit, s.end),
        period=period.code,
        period_label=_period_label(period),
        window=(s.start, s.end),
        compiled=s.compiled,
        rows=rows,
        groups=groups,
        total=total,
    )


def _under_parents(s: Scope, members: list[UnitVersion]) -> list[tuple[UnitVersion, list[UnitVersion]]]:
    """``members`` grouped under their parent, in the parent's printed order, when every parent is
    another row of the form (the districts on the 2021 province's form); [] when the rows stay flat."""
    rows = {m.unit_id: m for m in s.members}
    parent_ids = [m.parent_id for m in members]
    if any(pid is None or pid not in rows or pid == s.unit.unit_id for pid in parent_ids):
        return []
    order = {m.unit_id: i for i, m in enumerate(s.members)}
    grouped: dict[int, list[UnitVersion]] = {}
    for member in members:
        grouped.setdefault(member.parent_id, []).append(member)  # type: ignore[arg-type]
    return [(rows[pid], grouped[pid]) for pid in sorted(grouped, key=order.__getitem__)]


def _counts(row: dict[str, Any] | None) -> dict[str, int]:
    return {key: int(row[key]) for key in FORM06_COLUMNS} if row else zero()


def _recipient(version: UnitVersion, on: date) -> str:
    if version.parent is None:
        return GOVERNMENT_OFFICE if version.level == "province" else ""
    parent = units.unit_on(version.parent.code, on)
    return parent.name if parent is not None else ""


ROMAN = {"Q1": "I", "Q2": "II", "Q3": "III", "Q4": "IV"}


def _period_label(period: Period) -> str:
    """As printed on the Vietnamese form (the form itself is always Vietnamese)."""
    if period.kind in ROMAN:
        return f"Quý {ROMAN[period.kind]}/{period.year}"
    return {"H1": "6 tháng đầu năm", "M9": "9 tháng năm", "Y": "Năm"}[period.kind] + f" {period.year}"


def column_key(spec: FormSpec, column: str) -> str:
    """A column given by key (``settled_late``) or printed number (``10``)."""
    by_number = {str(c.number): c.key for c in spec.columns}
    key = by_number.get(column.strip(), column.strip())
    if key not in FORM06_COLUMNS:
        raise CellError(
            f"unknown column {column!r}: give a key ({', '.join(FORM06_COLUMNS)}) or a number (3–13)",
            kind="column",
            value=column,
        )
    return key


def cell_evidence(*, scope: Scope, row: str, column: str) -> Cell:
    """The dossiers behind one cell. ``row``: ``total``; on one unit's form a procedure field code; on a
    compiled form a unit code, a level (its subtotal) or ``<parent code>/<level>`` (the subtotal of a
    parent's group). CellError when the form has no such cell."""
    key = column_key(scope.spec, column)
    ids, field_code, label = _cell_row(scope, row)
    dossiers_behind = dossiers.evidence(
        unit_ids=ids,
        start=scope.start,
        end=scope.end,
        column=key,
        field_code=field_code,
        returned_on_time=scope.returned_on_time,
    )
    return Cell(dossiers_behind, next(c for c in scope.spec.columns if c.key == key), label)


def _cell_row(s: Scope, row: str) -> tuple[list[int], str | None, str]:
    """The units and the field a row counts, and the row's printed label."""
    ids = [m.unit_id for m in s.members]
    if row == TOTAL:
        return ids, None, str(s.spec.layout.get("total_label", "Tổng cộng"))
    if not s.compiled:
        names = catalogue.field_names(s.unit.level)
        if row in names:
            return ids, row, names[row]
        if row and Dossier.objects.filter(unit_id__in=ids, field_code=row).exists():
            return ids, row, row  # a field the catalogue does not name (yet)
        _refuse_row(s, row)
    headings = {str(k): str(v) for k, v in s.spec.layout.get("level_headings", {}).items()}
    by_code = {m.unit.code: m for m in s.members}
    if row in by_code:
        return [by_code[row].unit_id], None, by_code[row].name
    by_level = [m.unit_id for m in s.members if m.level == row]
    if by_level:
        return by_level, None, headings.get(row, row)
    parent_code, slash, level = row.partition("/")
    if slash and parent_code in by_code:
        parent = by_code[parent_code]
        below = [m.unit_id for m in s.members if m.level == level and m.parent_id == parent.unit_id]
        if below:
            return below, None, f"{headings.get(level, level)} — {parent.name}"
    _refuse_row(s, parent_code if slash else row)


def _refuse_row(s: Scope, row: str) -> NoReturn:
    """CellError: ``outside`` when ``row`` names another unit (404), ``row`` otherwise (400)."""
    outside = bool(row) and Unit.objects.filter(code=row).exclude(pk=s.unit.unit_id).exists()
    where = f"the compiled form of {s.unit.unit.code}" if s.compiled else f"the form of {s.unit.unit.code}"
    raise CellError(
        f"no row {row!r} in {where}: give "
        + ("a unit code below it, a level or total" if s.compiled else "a procedure field code or total"),
        kind="outside" if outside else "row",
        value=row,
    )


def compile_every_unit(*, root: Unit, period: Period, report_type: ReportType) -> dict[str, CompiledForm06]:
    """Every unit's own form 06 (rows per field) under ``root`` and ``root`` itself, from one aggregate
    query over all their dossiers: how the office sees every unit's figures in one click."""
    settings = catalogue.settings_for(report_type, period)  # the window and the counting of that period
    start, end = settings.window(period)
    definition = catalogue.form_in_force(code=FORM06, on=end)
    if definition is None:
        raise CompilationError(f"no form {FORM06} is in force on {end.isoformat()} (kstt load-catalogue)")
    spec = parse_form_spec(definition.definition)
    versions = {
        v.unit_id: v
        for v in units.versions_on(end).filter(unit_id__in=units.descendant_ids(root, on=end, include_self=True))
    }
    members = {uid: v for uid, v in versions.items() if v.level in spec.levels}
    by_unit: dict[int, list[dict[str, Any]]] = {}
    for row in dossiers.counts(
        unit_ids=list(members), start=start, end=end, returned_on_time=settings.returned_on_time
    ):
        by_unit.setdefault(row["unit_id"], []).append(row)
    names = {level: catalogue.field_names(level) for level in spec.levels}
    label = _period_label(period)
    forms: dict[str, CompiledForm06] = {}
    for uid, version in members.items():
        rows = tuple(
            Form06Row(r["field_code"], names[version.level].get(r["field_code"], r["field_code"]), _counts(r))
            for r in by_unit.get(uid, [])
        )
        parent = versions.get(version.parent_id) if version.parent_id else None
        forms[version.unit.code] = CompiledForm06(
            spec=spec,
            unit_code=version.unit.code,
            unit_name=version.name,
            unit_level=version.level,
            recipient_name=parent.name if parent else "",
            period=period.code,
            period_label=label,
            window=(start, end),
            compiled=False,
            rows=rows,
            groups=(),
            total=add(r.counts for r in rows),
        )
    return forms
