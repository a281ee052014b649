"""Form 06 of one report from the dossiers: prefill, reconciliation (forms.md R8) and R7 at submission.

The computed figures come from the compilation selectors (kstt.compilation.selectors), never recounted
here: the unit's own form (rows per procedure field) over the report's window. Where the unit has no
dossier in play in that window, nothing is computed: no prefill, no R8.

- ``prefill_values(instance)``: the values a new draft starts from ({} without dossiers). Called by
  ``services.open_instance`` when it creates the report (not by the history loader).
- ``computed_values(instance)``: {row: {column: count}} of form 06, for a page to show the computed
  value beside a cell changed by hand.
- ``reconcile(...)`` (pure) and ``reconciliation_findings(instance, values, reasons)``: every cell that
  differs from the dossiers (R8, a warning naming both values, with the link to the dossiers behind it),
  and every changed field cell without a reason.
- ``previous_findings(instance, values)``: R7 against the latest submitted version of the unit's
  previous period, when it exists.
- ``form06_rows(...)``: the rows (procedure fields) of the unit's form 06, in order, with their names.

A district (2021 shape) and the province receive reports: their own form 06 starts **from their compilation**
(issue 15, point 1; ``from_compilation``): one row per unit keyed by unit code, its own row from its
dossiers and every other unit's row from the standing report it came from (``compiled_selectors``), the
missing units left out and listed, never zeros. While the draft's form 06 is by unit (``compiled_mode``),
the page shows the compiled figure beside a changed cell and R8 compares each row with the compilation
(its own row with its dossiers, the others with the reports), as a unit's grid does with its dossiers. A
district's draft typed by procedure field before stays by field and is checked against its dossiers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ProcedureField
from kstt.catalogue.rules.form06 import FORM06_COLUMNS, CompiledForm06, Form06Row, add
from kstt.catalogue.rules.forms import TOTAL, FormRow, check_previous, is_whole, parse_form_spec
from kstt.catalogue.rules.periods import Period, previous_period
from kstt.compilation import rules as compiling
from kstt.compilation import selectors as compilation
from kstt.reports.compiled_selectors import FromReports, compile_from_reports
from kstt.reports.models import ReportInstance, ReportVersion

FORM06 = compilation.FORM06
R8 = "R8"


# --- Pure: the differences between what was typed and what the dossiers say ---------------------------------


@dataclass(frozen=True)
class Difference:
    """One cell whose value differs from the value computed from the dossiers."""

    row: str
    column: str
    value: object  # as typed (None when empty)
    computed: int
    reason: str  # why it was changed ("" when none was given)


def _as_number(value: object) -> Decimal | None:
    """A whole number typed in a cell (int, "12", 12.0), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if not is_whole(value):
        return None
    return Decimal(str(value))


def _empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def reconcile(
    *,
    values: Mapping[str, Mapping[str, object]],
    computed: Mapping[str, Mapping[str, int]],
    reasons: Mapping[str, Mapping[str, object]],
    columns: Sequence[str] = FORM06_COLUMNS,
) -> list[Difference]:
    """The cells of one form whose typed value differs from the computed one, rows in order of
    ``computed`` then the others. A row absent from ``computed`` counts 0 dossiers. An empty cell
    differs only from a computed value other than 0 (emptiness itself is the required rule's
    finding); a value that is not a whole number is left to the whole-number rule."""
    rows = [*computed, *(key for key in values if key not in computed)]
    found = []
    for row in rows:
        typed, counted, why = values.get(row) or {}, computed.get(row) or {}, reasons.get(row) or {}
        for column in columns:
            value, expected = typed.get(column), int(counted.get(column, 0))
            number = _as_number(value)
            if number is None and not (_empty(value) and expected != 0):
                continue
            if number is not None and number == expected:
                continue
            found.append(Difference(row, column, value, expected, str(why.get(column) or "").strip()))
    return found


FROM_DOSSIERS, FROM_REPORTS = "dossiers", "reports"  # what a cell is reconciled with
_SOURCE_TEXT = {FROM_DOSSIERS: "số tính từ hồ sơ", FROM_REPORTS: "số tổng hợp từ báo cáo của đơn vị"}


def difference_findings(
    differences: Sequence[Difference],
    *,
    form: str,
    column_numbers: Mapping[str, int],
    links: Mapping[str, str],
    sources: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """The findings of R8: a warning per differing cell, naming both values (and the reason given),
    and a second one for a field cell changed without a reason (the total row follows its fields and
    needs none). ``links``: row -> the address of the dossiers behind the row's cells, "{column}" in it.
    ``sources``: row -> FROM_REPORTS where the row is compared with the reports compiled (a district's or
    the province's form by unit), FROM_DOSSIERS (the default) where with the dossiers."""
    findings = []
    sources = sources or {}
    for d in differences:
        shown = "trống" if _empty(d.value) else str(d.value)
        number = column_numbers.get(d.column, d.column)
        source = sources.get(d.row, FROM_DOSSIERS)
        message = f"Cột {number}: số nhập {shown} khác {_SOURCE_TEXT[source]} {d.computed}"
        base = {
            "form": form,
            "rule": R8,
            "row": d.row,
            "column": d.column,
            "value": "" if _empty(d.value) else str(d.value),
            "computed": str(d.computed),
            "reason": d.reason,
            "link": links.get(d.row, "").replace("{column}", d.column),
            "source": source,
        }
        findings.append(
            base | {"severity": "warning", "message": message + (f" (lý do: {d.reason})" if d.reason else "")}
        )
        if not d.reason and d.row != TOTAL:
            findings.append(
                base | {"severity": "warning", "message": f"{message}: hãy ghi lý do sửa số liệu", "missing": "reason"}
            )
    return findings


# --- Reading the dossiers ---------------------------------------------------------------------------------


def _form06_applies(instance: ReportInstance) -> bool:
    end = catalogue.window(instance.report_type, instance.period)[1]
    forms = catalogue.forms_in_force(report_type=instance.report_type, level=instance.level, on=end)
    return any(form.code == FORM06 for form in forms)


def computed_form06(instance: ReportInstance) -> CompiledForm06 | None:
    """The unit's own form 06 (rows per procedure field) computed from its dossiers over the report's
    window; None when no dossier is in play then, or form 06 is not the unit's to fill."""
    if not _form06_applies(instance):
        return None
    try:
        whole = compilation.scope(
            unit=instance.unit, period=Period.parse(instance.period), report_type=instance.report_type
        )
    except compilation.CompilationError:
        return None
    own = dataclasses.replace(whole, compiled=False, members=(whole.unit,))
    compiled = compilation.compile_scope(own)
    return compiled if compiled.rows else None


def computed_values(instance: ReportInstance) -> dict[str, dict[str, int]]:
    """{row: {column: count}} of form 06 computed from the dossiers, the total row included; {} without
    (or when form 06 is not the unit's to fill). The counts of ``computed_form06`` without its printed form."""
    if not _form06_applies(instance):
        return {}
    rows = compilation.own_counts(
        unit=instance.unit, period=Period.parse(instance.period), report_type=instance.report_type
    )
    if not rows:
        return {}
    return rows | {TOTAL: add(rows.values())}


def prefill_values(instance: ReportInstance) -> dict[str, Any]:
    """The values a new draft starts from: for a district or the province, {"06/VPCP/KSTT": its rows by
    unit from its compilation} (``from_compilation``); for another unit, {"06/VPCP/KSTT": computed rows}
    where dossiers exist; {} when there is nothing to start from."""
    found = from_compilation(instance)
    if found is not None:
        return {FORM06: {row: dict(cells) for row, cells in found.prefill.rows.items()}} if found.prefill.rows else {}
    computed = computed_values(instance)
    return {FORM06: computed} if computed else {}


def cell_links(instance: ReportInstance, rows: Sequence[str]) -> dict[str, str]:
    """row -> the page of the dossiers behind a cell of that row ("{column}" stands for the column).
    The unit's own form by field exists for the units whose form is not compiled (communes,
    departments); for the others there is no such page (empty)."""
    if instance.level in compilation.COMPILED_LEVELS:
        return {}
    base = reverse("compilation:form06_cell", args=[instance.unit.code])
    return {row: f"{base}?{urlencode({'period': instance.period, 'row': row})}&column={{column}}" for row in rows}


def reconciliation_findings(
    instance: ReportInstance, values: Mapping[str, Any], reasons: Mapping[str, Any]
) -> list[dict[str, str]]:
    """R8 at submission: every cell of form 06 that differs from the dossiers (none without dossiers), or,
    on a district's or the province's form by unit, from its compilation (``compiled_findings``)."""
    found = compiled_mode(instance, values)
    if found is not None:
        return compiled_findings(instance, found, values, reasons)
    typed = values.get(FORM06) or {}
    computed = computed_values(instance) if typed else {}
    if not computed:
        return []
    differences = reconcile(values=typed, computed=computed, reasons=reasons.get(FORM06) or {})
    if not differences:
        return []
    end = catalogue.window(instance.report_type, instance.period)[1]
    definition = catalogue.form_in_force(code=FORM06, on=end)
    spec = parse_form_spec(definition.definition) if definition is not None else None
    return difference_findings(
        differences,
        form=FORM06,
        column_numbers={c.key: c.number for c in spec.columns} if spec is not None else {},
        links=cell_links(instance, sorted({d.row for d in differences})),
    )


# --- A district's or the province's own form 06 from its compilation (issue 15, point 1) ---------------------


@dataclass(frozen=True)
class FromCompilation:
    """What the receiving unit's own form 06 starts from and is reconciled with."""

    prefill: compiling.Prefill
    compiled: FromReports
    units: tuple[tuple[str, str], ...]  # (code, name) of the form's rows: the compilation's lines, in order

    @property
    def values(self) -> dict[str, dict[str, int]]:
        """{row: {column: figure}} of the compilation, the total row included ({} when nothing came)."""
        return {row: {c: int(v) for c, v in cells.items()} for row, cells in self.prefill.rows.items()}


def from_compilation(instance: ReportInstance) -> FromCompilation | None:
    """The compilation of the reports the unit receives (``compile_from_reports``), its own row from its
    dossiers: None for a unit that receives no reports in the period (a commune, a department), or whose
    level does not fill form 06. Read once per instance object (a page asks for it twice)."""
    if hasattr(instance, "_kstt_from_compilation"):
        cached: FromCompilation | None = instance._kstt_from_compilation
        return cached
    found = None
    if instance.level in compilation.COMPILED_LEVELS and _form06_applies(instance):
        try:
            compiled = compile_from_reports(
                unit=instance.unit, period=Period.parse(instance.period), report_type=instance.report_type
            )
        except compilation.CompilationError:
            compiled = None
        if compiled is not None:
            own = computed_form06(instance)
            found = FromCompilation(
                compiling.prefill(
                    compiled.compilation, root_code=instance.unit.code, own=own.total if own is not None else None
                ),
                compiled,
                tuple((line.member.code, line.member.name) for line in compiled.compilation.lines),
            )
    instance._kstt_from_compilation = found  # type: ignore[attr-defined]
    return found


def compiled_mode(instance: ReportInstance, values: Mapping[str, Any]) -> FromCompilation | None:
    """The compilation the unit's form 06 is reconciled with, while the form is by unit (empty included);
    None for a unit that receives no reports, or a form typed by procedure field."""
    found = from_compilation(instance)
    if found is None:
        return None
    typed = values.get(FORM06) or {}
    return found if compiling.by_unit(typed, (code for code, _name in found.units)) else None


def compiled_links(instance: ReportInstance, found: FromCompilation) -> dict[str, str]:
    """row -> where its compiled figures come from: the unit's own dossiers behind a cell for its own row,
    the page of the compiled reports (each line's report and dossiers) for the others."""
    period = urlencode({"period": instance.period})
    reports = f"{reverse('compiled:form06_reports', args=[instance.unit.code])}?{period}"
    cell = reverse("compilation:form06_cell", args=[instance.unit.code])
    own = f"{cell}?{urlencode({'period': instance.period, 'row': instance.unit.code})}&column={{column}}"
    return {code: own if code == instance.unit.code else reports for code, _name in found.units}


def compiled_findings(
    instance: ReportInstance, found: FromCompilation, values: Mapping[str, Any], reasons: Mapping[str, Any]
) -> list[dict[str, str]]:
    """R8 on a form by unit: each row the compilation has (the unit's own row from its dossiers, a received
    unit's row from its report) against the typed one. A row the compilation lacks (a missing unit, typed by
    hand) has nothing to be compared with; the total follows its rows and is not compared on its own."""
    typed = values.get(FORM06) or {}
    expected = {row: cells for row, cells in found.values.items() if row != TOTAL}
    if not typed or not expected:
        return []
    differences = reconcile(
        values={row: cells for row, cells in typed.items() if row in expected},
        computed=expected,
        reasons=reasons.get(FORM06) or {},
    )
    return difference_findings(
        differences,
        form=FORM06,
        column_numbers={c.key: c.number for c in found.compiled.spec.columns},
        links=compiled_links(instance, found),
        sources={code: FROM_REPORTS for code in expected if code != instance.unit.code},
    )


# --- R7: against the unit's previous period --------------------------------------------------------------


def previous_values(instance: ReportInstance) -> Mapping[str, Any] | None:
    """The values of the latest submitted version of the unit's report for the period before (None when
    there is none): what R7 reads of it, and only that (not its narrative, findings and the rest)."""
    before = previous_period(Period.parse(instance.period)).code
    return (
        ReportVersion.objects.filter(
            instance__unit=instance.unit, instance__report_type=instance.report_type, instance__period=before
        )
        .order_by("-number")
        .values_list("values", flat=True)
        .first()
    )


def _rows(rows: Mapping[str, Any]) -> tuple[list[FormRow], FormRow | None]:
    fields = [FormRow(key, "", cells or {}) for key, cells in rows.items() if key != TOTAL]
    total = FormRow(TOTAL, "", rows[TOTAL] or {}) if TOTAL in rows else None
    return fields, total


def previous_findings(instance: ReportInstance, values: Mapping[str, Any]) -> list[dict[str, str]]:
    """R7 (forms.md): for each form in force that carries a column over, this period's values against the
    latest submitted version of the previous period's report; nothing when there is none, or when that
    version has no figures for the form (a history loaded without figures)."""
    earlier = previous_values(instance)
    if earlier is None:
        return []
    end = catalogue.window(instance.report_type, instance.period)[1]
    findings = []
    for form in catalogue.forms_in_force(report_type=instance.report_type, level=instance.level, on=end):
        spec = catalogue.form_spec(form)
        now, then = values.get(form.code) or {}, (earlier or {}).get(form.code) or {}
        if not spec.carry or not now or not then:
            continue
        rows, total = _rows(now)
        previous_rows, previous_total = _rows(then)
        findings += [
            {"form": form.code, "rule": f.rule, "severity": f.severity, "row": f.row, "column": f.column,
             "message": f.message}
            for f in check_previous(spec, rows, previous_rows, total if spec.total_row else None, previous_total)
        ]  # fmt: skip
    return findings


# --- The rows of the unit's form ----------------------------------------------------------------------------


def form06_rows(
    instance: ReportInstance, *, values: Mapping[str, Any], computed: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(code, name) of the rows of the unit's form 06: the procedure fields of its level, then any field
    the dossiers or the draft name that the catalogue does not list for that level (sorted)."""
    names = catalogue.field_names(instance.level)
    own = list(ProcedureField.objects.filter(level=instance.level).order_by("code").values_list("code", flat=True))
    extra = sorted({*computed, *values} - {*own, TOTAL})
    return [(code, names.get(code, code)) for code in [*own, *extra]]


# --- The unit's form 06 as the official workbook (issue 8, point 5) ------------------------------------------


class NoForm06(ValueError):
    """Form 06 is not this report's to fill, or cannot be laid out (no definition in force, no unit then)."""


def _whole_or_none(value: object) -> int | None:
    number = _as_number(value)
    return int(number) if number is not None else None


def _counts_or_none(cells: Mapping[str, object] | None, ceiling: int) -> dict[str, Any]:
    """A row's counts for the renderer: whole numbers from 0 to ``ceiling``, None where empty or anything
    else (the renderer leaves it blank)."""
    counts = {c: _whole_or_none((cells or {}).get(c)) for c in FORM06_COLUMNS}
    return {c: n if n is not None and 0 <= n <= ceiling else None for c, n in counts.items()}


def draft_form06(instance: ReportInstance, values: Mapping[str, Any], *, blank: bool = False) -> CompiledForm06:
    """The unit's form 06 as the workbook renderer takes it (``kstt.exports.form06_xlsx``): the header of the
    form computed for the unit (units, period, window, the definition in force), the rows of
    ``form06_rows`` and the draft's figures, or none when ``blank``. A cell that is not a whole number from
    0 to the form's ceiling is left empty; a total row the draft lacks is the sum of the rows where a
    column has figures (the workbook's total row is a formula over the rows in any case)."""
    if not _form06_applies(instance):
        raise NoForm06(f"{instance.level} units do not fill {FORM06}")
    try:
        whole = compilation.scope(
            unit=instance.unit, period=Period.parse(instance.period), report_type=instance.report_type
        )
    except compilation.CompilationError as exc:
        raise NoForm06(str(exc)) from None
    computed = compilation.compile_scope(dataclasses.replace(whole, compiled=False, members=(whole.unit,)))
    typed: Mapping[str, Any] = {} if blank else (values.get(FORM06) or {})
    ceiling = computed.spec.ceiling
    rows = tuple(
        Form06Row(code, name, _counts_or_none(typed.get(code), ceiling))
        for code, name in form06_rows(instance, values=typed, computed={row.key: {} for row in computed.rows})
    )
    if TOTAL in typed:
        total = _counts_or_none(typed[TOTAL], computed.spec.total_ceiling(len(rows)))
    else:
        total = {}
        for c in FORM06_COLUMNS:
            figures = [row.counts[c] for row in rows if row.counts[c] is not None]
            total[c] = sum(figures) if figures else None
    return dataclasses.replace(computed, rows=rows, total=total)
