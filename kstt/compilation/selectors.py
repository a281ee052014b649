"""Form 06 computed from dossiers, for one unit or compiled for a district or the province.

Reads only: the tree as it was at the window's end, the form definition in force then, and the
dossier counts the database aggregates (dossiers.selectors). The result is a CompiledForm06 that
renderers (exports) turn into JSON or the official workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.forms import FormSpec, parse_form_spec
from kstt.catalogue.rules.periods import Period
from kstt.compilation.compiled import FORM06_COLUMNS, CompiledForm06, Form06Group, Form06Row, add, zero
from kstt.dossiers import selectors as dossiers
from kstt.dossiers.models import Dossier
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion

FORM06 = "06/VPCP/KSTT"
COMPILED_LEVELS = ("district", "province")
GOVERNMENT_OFFICE = "Văn phòng Chính phủ"
TOTAL = "total"


class CompilationError(ValueError):
    """The form cannot be computed (no such unit then, no form 06 in force, a bad cell)."""


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


def scope(*, unit: Unit, period: Period, report_type: ReportType) -> Scope:
    start, end = period.window(report_type.cutoff_day)
    version = units.unit_on(unit.code, end)
    if version is None:
        raise CompilationError(f"unit {unit.code} did not exist on {end.isoformat()}, the end of {period.code}")
    definition = catalogue.form_in_force(code=FORM06, on=end)
    if definition is None:
        raise CompilationError(f"no form {FORM06} is in force on {end.isoformat()} (kstt load-catalogue)")
    spec = parse_form_spec(definition.definition)
    compiled = version.level in COMPILED_LEVELS
    if compiled:
        headings = dict(spec.layout.get("level_headings", {}))
        below = units.versions_on(end).filter(
            unit_id__in=units.descendant_ids(unit, on=end, include_self=True), level__in=list(headings)
        )
        members = tuple(sorted(below, key=lambda v: (list(headings).index(v.level), v.unit.code)))
    else:
        members = (version,)
    return Scope(version, period, start, end, spec, compiled, members, report_type.returned_on_time)


def compile_form06(*, unit: Unit, period: Period, report_type: ReportType) -> CompiledForm06:
    s = scope(unit=unit, period=period, report_type=report_type)
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
        for level, heading in headings.items():
            level_rows = tuple(
                Form06Row(m.unit.code, m.name, _counts(counted.get(m.unit_id))) for m in s.members if m.level == level
            )
            if level_rows:
                built.append(Form06Group(level, str(heading), level_rows, add(r.counts for r in level_rows)))
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
        raise CompilationError(
            f"unknown column {column!r}: give a key ({', '.join(FORM06_COLUMNS)}) or a number (3–13)"
        )
    return key


def cell_evidence(*, unit: Unit, period: Period, report_type: ReportType, row: str, column: str) -> QuerySet[Dossier]:
    """The dossiers behind one cell. ``row``: a field code (one unit's form), a unit code or a level
    (a compiled form's unit row or subtotal), or ``total``."""
    s = scope(unit=unit, period=period, report_type=report_type)
    key = column_key(s.spec, column)
    ids = [m.unit_id for m in s.members]
    field_code = None
    if row != TOTAL:
        if s.compiled:
            by_code = {m.unit.code: m.unit_id for m in s.members}
            by_level = [m.unit_id for m in s.members if m.level == row]
            if row in by_code:
                ids = [by_code[row]]
            elif by_level:
                ids = by_level
            else:
                raise CompilationError(
                    f"no row {row!r} in the compiled form of {unit.code}: give a unit code below it, a level or total"
                )
        else:
            field_code = row
    return dossiers.evidence(
        unit_ids=ids, start=s.start, end=s.end, column=key, field_code=field_code, returned_on_time=s.returned_on_time
    )
