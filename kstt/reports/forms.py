"""The reporter's report page as data: the form grids as printed, the narrative, and what a POST holds.

A grid is built from the form definition in force (columns, groups, numbers as printed) and the rows the
unit fills: its procedure fields (form 06) or the units below it (form 07b), plus any row the draft
already holds. The total row is computed (the column sums of the field rows), never typed, so the page
cannot make R6 fail; the browser recomputes it as the reporter types (static/kstt/grid.js).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from kstt.catalogue.models import FormDefinition, ProcedureField
from kstt.catalogue.rules.forms import TOTAL, Column, FormSpec, is_figure, parse_form_spec
from kstt.catalogue.rules.outlines import Section
from kstt.reports.rules import normal_narrative
from kstt.reports.wording import R8 as RECONCILIATION_RULE  # the rule of a cell that differs from the dossiers
from kstt.reports.wording import column_words
from kstt.units.models import UnitVersion

#: The name of a cell's input: "v|<form code>|<row key>|<column key>".
CELL_PREFIX = "v|"
#: The name of the reason for a cell changed from the value computed from the dossiers (forms.md R8):
#: "r|<form code>|<row key>|<column key>".
REASON_PREFIX = "r|"
REASON_MAX = 500
SECTION_PREFIX = "s|"
_INT = re.compile(r"[+-]?[0-9]+")
CELL_TEXT_MAX = 40  # the characters of a typed cell the draft keeps
#: A row rule the browser can check as the reporter types: "a == b + c + …" over column keys.
_SUM_RULE = re.compile(r"\s*([a-z][a-z0-9_]*)\s*==\s*([a-z][a-z0-9_]*(?:\s*\+\s*[a-z][a-z0-9_]*)*)\s*")


@dataclass
class GridCell:
    column: Column
    value: Any
    findings: list[dict[str, str]] = field(default_factory=list)
    computed: int | None = None  # the value computed from the dossiers (editable form 06 only), for grid.js
    link: str = ""  # the page of the dossiers behind the cell
    r8: list[dict[str, str]] = field(default_factory=list)  # R8: the cell differs from the dossiers

    @property
    def differs(self) -> bool:
        return bool(self.r8)

    @property
    def reconciled(self) -> dict[str, str] | None:
        """What the cell shows beside its value when it differs from the dossiers: the computed value,
        the link to the dossiers, the reason given, and whether a reason is still missing."""
        if not self.r8:
            return None
        first = self.r8[0]
        return {
            "computed": first.get("computed", ""),
            "link": first.get("link") or self.link,
            "reason": first.get("reason", ""),
            "missing": "1" if any(f.get("missing") == "reason" for f in self.r8) else "",
            "source": first.get("source") or "dossiers",
        }

    @property
    def shown(self) -> str:
        return "" if self.value is None else str(self.value)

    @property
    def message(self) -> str:
        return "\n".join(f["message"] for f in self.findings)

    @property
    def column_words(self) -> str:
        return column_words(self.column)

    @property
    def to_check(self) -> bool:
        """A cell the reporter must look at again: a rule fails on it, or it differs from the dossiers
        without a reason."""
        return bool(self.findings) or bool(self.reconciled and self.reconciled["missing"])

    @property
    def severity(self) -> str:
        return "error" if any(f["severity"] == "error" for f in self.findings) else "warning"


@dataclass
class GridRow:
    key: str
    label: str
    number: str
    cells: list[GridCell]

    @property
    def has_findings(self) -> bool:
        return any(cell.findings for cell in self.cells)


@dataclass
class Grid:
    """One form as the reporter fills it."""

    definition: FormDefinition
    spec: FormSpec
    rows: list[GridRow]
    total: GridRow | None
    other_findings: list[dict[str, str]]  # findings that point at no cell of the grid
    source: str = "dossiers"  # what the computed figures come from: "dossiers", or "reports" (a compilation)

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def ceiling_shown(self) -> str:
        """The form's ceiling as a Vietnamese reader writes it (999.999.999), for the browser's message."""
        return f"{self.spec.ceiling:,}".replace(",", ".")

    @property
    def label_heading(self) -> str:
        labels = self.spec.layout.get("label_columns") or []
        return str(labels[1]["heading"]) if len(labels) > 1 else ""

    @property
    def heading_runs(self) -> list[tuple[str, int, Column | None]]:
        """The first heading row: (group, span, None) per run of grouped columns, ("", 1, column) for a
        column without a group (its heading spans both heading rows)."""
        runs: list[tuple[str, int, Column | None]] = []
        for column in self.spec.columns:
            if column.group and runs and runs[-1][0] == column.group:
                runs[-1] = (column.group, runs[-1][1] + 1, None)
            elif column.group:
                runs.append((column.group, 1, None))
            else:
                runs.append(("", 1, column))
        return runs

    @property
    def grouped_columns(self) -> list[Column]:
        return [c for c in self.spec.columns if c.group]

    @property
    def live_rules(self) -> list[dict[str, Any]]:
        """The row rules of the form "a == b + c" (R1–R4 of form 06), for the browser to check as the
        reporter types; the server checks every rule again on save."""
        live = []
        for rule in self.spec.rules:
            match = _SUM_RULE.fullmatch(rule.expr) if rule.scope == "row" else None
            if match:
                parts = [p.strip() for p in match.group(2).split("+")]
                live.append(
                    {"id": rule.id, "left": match.group(1), "right": parts, "cell": rule.cell or match.group(1),
                     "message": rule.message, "severity": rule.severity}
                )  # fmt: skip
        return live

    @property
    def cells_to_check(self) -> int:
        """How many cells to look at again (a cell with three failing rules is one cell)."""
        rows = [*self.rows, *([self.total] if self.total else [])]
        return sum(1 for row in rows for cell in row.cells if cell.to_check)


def row_sources(spec: FormSpec, *, level: str, children: Sequence[UnitVersion]) -> list[tuple[str, str]]:
    """(key, label) of the rows the unit fills: its level's procedure fields, or the units below it."""
    if spec.rows == "units":
        return [(child.unit.code, child.name) for child in children]
    return list(ProcedureField.objects.filter(level=level).order_by("code").values_list("code", "name"))


def build_grid(
    definition: FormDefinition,
    *,
    sources: Sequence[tuple[str, str]],
    values: Mapping[str, Mapping[str, Any]],
    findings: Sequence[Mapping[str, str]],
    computed: Mapping[str, Mapping[str, int]] | None = None,
    links: Mapping[str, str] | None = None,
    source: str = "dossiers",
) -> Grid:
    """The grid of one form: a row per source (then any row the values hold beyond them), and the total.
    ``computed`` ({row: {column: count}} from the dossiers, {} without) and ``links`` (row -> the page of
    the dossiers behind it, "{column}" in it) let the browser show the computed value beside a cell the
    reporter changes; the R8 findings put it beside the cells that differ (reconciliation). ``source``:
    "dossiers", or "reports" for a district's or the province's form by unit reconciled with its
    compilation, where a row the compilation lacks (a unit that has not reported) has no computed value."""
    spec = parse_form_spec(definition.definition)
    by_cell: dict[tuple[str, str], list[dict[str, str]]] = {}
    r8_by_cell: dict[tuple[str, str], list[dict[str, str]]] = {}
    for finding in findings:
        target = r8_by_cell if finding.get("rule") == RECONCILIATION_RULE else by_cell
        target.setdefault((finding["row"], finding["column"]), []).append(dict(finding))
    computed = computed or {}
    links = links or {}
    keys = dict(sources)
    for key in values:
        if key != TOTAL and key not in keys:
            keys[key] = key
    placed: set[tuple[str, str]] = set()

    def row(key: str, label: str, number: str, cells: Mapping[str, Any]) -> GridRow:
        out = []
        for column in spec.columns:
            placed.add((key, column.key))
            where = (key, column.key)
            counted = int((computed.get(key) or {}).get(column.key, 0)) if computed else None
            if source == "reports" and key not in computed:
                counted = None  # nothing compiled for this unit: nothing to compare with
            link = links.get(key, "").replace("{column}", column.key)
            out.append(
                GridCell(
                    column, cells.get(column.key), by_cell.get(where, []), counted, link, r8_by_cell.get(where, [])
                )
            )
        return GridRow(key, label, number, out)

    rows = [row(key, label, str(i), values.get(key) or {}) for i, (key, label) in enumerate(keys.items(), start=1)]
    total = None
    if spec.total_row:
        label = str(spec.layout.get("total_label") or "Tổng cộng")
        total = row(TOTAL, label, "", values.get(TOTAL) or column_sums(spec, values))
    other = [dict(f) for f in findings if (f["row"], f["column"]) not in placed]  # R8 ones included
    return Grid(definition, spec, rows, total, other, source)


def column_sums(spec: FormSpec, values: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """The total row: per column, the exact sum of the field rows' figures (Python ints). A column is left
    out when it has none, or when one of its cells is not a figure (rules.md §5): a total over "abc", -5
    or a number beyond the form's ceiling would mean nothing, and that cell blocks the submission."""
    sums: dict[str, int] = {}
    broken: set[str] = set()
    for key, cells in values.items():
        if key == TOTAL:
            continue
        for column in spec.columns:
            value = (cells or {}).get(column.key)
            if value is None:
                continue
            if is_figure(value, spec.ceiling):
                sums[column.key] = sums.get(column.key, 0) + value
            else:
                broken.add(column.key)
    return {key: total for key, total in sums.items() if key not in broken}


def cell_value(raw: str) -> int | str | None:
    """A typed cell as the draft keeps it: None when empty, an int for a whole number, else the text
    (kept as typed, at most 40 characters, so the rules can say what is wrong with it). A number of more
    than 40 digits stays text: it is no figure, and Python refuses to read ints of thousands of digits."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    return int(text) if _INT.fullmatch(text) and len(text) <= CELL_TEXT_MAX else raw.strip()[:CELL_TEXT_MAX]


def parse_values(data: Mapping[str, Any], specs: Mapping[str, FormSpec]) -> dict[str, dict[str, dict[str, Any]]]:
    """{form: {row: {column: value}}} from the posted cells of the forms the page shows; rows left
    empty are dropped, a form with no row is absent, and the total row is the column sums."""
    values: dict[str, dict[str, dict[str, Any]]] = {}
    for name in data:
        if not name.startswith(CELL_PREFIX):
            continue
        parts = name[len(CELL_PREFIX) :].split("|")
        if len(parts) != 3:
            continue
        form, row, column = parts
        spec = specs.get(form)
        if spec is None or row == TOTAL or column not in {c.key for c in spec.columns}:
            continue
        value = cell_value(str(data.get(name) or ""))
        if value is not None:
            values.setdefault(form, {}).setdefault(row, {})[column] = value
    for form, rows in values.items():
        if specs[form].total_row:
            rows[TOTAL] = column_sums(specs[form], rows)
    return values


def parse_reasons(data: Mapping[str, Any], specs: Mapping[str, FormSpec]) -> dict[str, dict[str, dict[str, str]]]:
    """{form: {row: {column: reason}}} from the posted reasons of the cells changed from the dossiers
    (the shape prefill.reconciliation_findings reads); blank ones left out, the total row needs none."""
    reasons: dict[str, dict[str, dict[str, str]]] = {}
    for name in data:
        if not name.startswith(REASON_PREFIX):
            continue
        parts = name[len(REASON_PREFIX) :].split("|")
        if len(parts) != 3:
            continue
        form, row, column = parts
        spec = specs.get(form)
        if spec is None or row == TOTAL or column not in {c.key for c in spec.columns}:
            continue
        text = str(data.get(name) or "").strip()[:REASON_MAX]
        if text:
            reasons.setdefault(form, {}).setdefault(row, {})[column] = text
    return reasons


def parse_narrative(data: Mapping[str, Any], sections: Sequence[Section]) -> dict[str, str]:
    """{section key: text} of the outline's text sections, as kept (reports.rules.normal_narrative: the
    textarea's \\r\\n as \\n, blank ones left out)."""
    return normal_narrative({section.key: str(data.get(SECTION_PREFIX + section.key) or "") for section in sections})


class ReportPageForm(forms.Form):
    """The parts of the page's POST that are not cells or sections."""

    revision = forms.IntegerField(min_value=0)
    idempotency_key = forms.CharField(max_length=128, required=False)
    explanation = forms.CharField(required=False, max_length=5000)
    document = forms.FileField(required=False, label=_("Signed report (PDF)"))

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        limit = settings.KSTT_MAX_DOCUMENT_BYTES
        if upload is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is %(size)s, larger than the limit of %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload
