"""A report's codes in words: the one place that names a cell, a finding, a problem or a section.

Findings, completeness problems and the audit trail name what they are about by codes: the form
("06/VPCP/KSTT"), the rule ("R8"), the row (a procedure field "HT", a unit "W05341" on form 07b, or
"total"), the column ("received_total"), a narrative section ("direction"). People read them as printed:
"Biểu 06 · Hộ tịch · Cột 3 — Tổng số", "I.1. Công tác chỉ đạo, điều hành". ``words_for(instance)``
reads what it needs once (the forms, the outline, the field or unit names in force for the report) and
every page that shows a finding or a change asks it: the report page, the review page, the history
(and the audit trail in the administration site), the Excel upload.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.forms import TOTAL, Column, FormSpec, parse_form_spec
from kstt.catalogue.rules.outlines import Section
from kstt.reports.models import ReportInstance
from kstt.units import selectors as units

#: The rule of a cell that differs from the dossiers (forms.md R8): its findings are said from their figures.
R8 = "R8"


def column_words(column: Column) -> str:
    """ "Cột 3 — Tổng số": a column by its number and heading as printed."""
    return _("Column %(number)s — %(heading)s") % {"number": column.number, "heading": column.heading}


def blank(value: Any) -> str:
    """A cell's value as people read it: "trống" (empty) for nothing."""
    return _("empty") if value is None or (isinstance(value, str) and not value.strip()) else str(value)


@dataclass(frozen=True)
class ReportWords:
    """The words of one report's codes (its forms, rows, columns and sections as in force for it)."""

    specs: Mapping[str, FormSpec] = field(default_factory=dict)
    row_names: Mapping[str, str] = field(default_factory=dict)  # row key (field or unit code) -> name
    sections: Mapping[str, Section] = field(default_factory=dict)

    # --- one code each --------------------------------------------------------------------------------

    def form(self, code: str) -> str:
        """ "Biểu 06" (the form's short number), the code itself for a form not in force for the report."""
        spec = self.specs.get(code)
        return _("Form %(number)s") % {"number": spec.key} if spec is not None else code

    def row(self, form: str, key: str) -> str:
        """The row's name: the procedure field's or the unit's, "Tổng cộng" for the total row."""
        if key == TOTAL:
            spec = self.specs.get(form)
            return str(spec.layout.get("total_label") or _("Total")) if spec is not None else _("Total")
        return self.row_names.get(key, key)

    def column(self, form: str, key: str) -> str:
        """ "Cột 3 — Tổng số": the column's number and heading as printed."""
        spec = self.specs.get(form)
        column = next((c for c in spec.columns if c.key == key), None) if spec is not None else None
        return column_words(column) if column is not None else key

    def order(self, form: str, row: str, column: str) -> tuple[str, bool, str, int]:
        """A cell's place for sorting: by form, the total row last, then by the column's number."""
        spec = self.specs.get(form)
        number = next((c.number for c in spec.columns if c.key == column), 0) if spec is not None else 0
        return (form, row == TOTAL, row, number)

    def section(self, key: str) -> str:
        """ "I.1. Công tác chỉ đạo, điều hành"; the key for a section the outline in force does not have."""
        section = self.sections.get(key)
        return f"{section.number}. {section.title}" if section is not None else key

    def sections_list(self, keys: Iterable[str]) -> str:
        """Sections in the outline's order (those it does not have last), "; " between them."""
        order = {key: i for i, key in enumerate(self.sections)}
        ordered = sorted((str(key) for key in keys), key=lambda key: (order.get(key, len(order)), key))
        return "; ".join(self.section(key) for key in ordered)

    # --- a cell, a finding, a problem, a change ---------------------------------------------------------

    def cell(self, form: str, row: str = "", column: str = "", *, with_form: bool = True) -> str:
        """ "Biểu 06 · Hộ tịch · Cột 3 — Tổng số" (the parts that are known)."""
        parts = [self.form(form)] if with_form and form else []
        if row:
            parts.append(self.row(form, row))
        if column:
            parts.append(self.column(form, column))
        return " · ".join(parts)

    def what(self, finding: Mapping[str, Any]) -> str:
        """What a finding says about its cell, without the cell: the rule's message, or for a cell that
        differs from the dossiers (R8) both figures and the reason given."""
        if finding.get("rule") != R8:
            return str(finding.get("message") or "")
        if finding.get("missing") == "reason":
            return _("no reason given for the change from the dossiers")
        said = _("typed %(value)s, computed from the dossiers %(computed)s") % {
            "value": blank(finding.get("value")),
            "computed": blank(finding.get("computed")),
        }
        reason = str(finding.get("reason") or "").strip()
        return said + (" — " + _("reason: %(reason)s") % {"reason": reason} if reason else "")

    def finding(self, finding: Mapping[str, Any], *, with_form: bool = True) -> str:
        """ "Biểu 06 · Hộ tịch · Cột 3 — Tổng số: nhập 5, tính từ hồ sơ 3"."""
        where = self.cell(
            str(finding.get("form") or ""),
            str(finding.get("row") or ""),
            str(finding.get("column") or ""),
            with_form=with_form,
        )
        what = self.what(finding)
        return f"{where}: {what}" if where and what else where or what

    def findings(self, findings: Iterable[Mapping[str, Any]], *, with_form: bool = True) -> list[str]:
        return [self.finding(f, with_form=with_form) for f in findings]

    def problem(self, problem: Mapping[str, Any]) -> str:
        """A completeness problem (rules.md §2) as the reader reads it."""
        code, form, detail = problem.get("code"), str(problem.get("form") or ""), str(problem.get("detail") or "")
        if code == "document":
            return _("The signed report (PDF) is not attached.")
        if code == "signature":
            return _("The attached PDF is not digitally signed, and the settings in force require a digital signature.")
        if code == "form":
            return _("%(form)s is not filled in.") % {"form": self.form(form)}
        if code == "cells":
            cells = [c.strip().partition(".") for c in detail.split(",") if c.strip()]
            named = "; ".join(self.cell(form, row, column, with_form=False) for row, _dot, column in cells)
            return _("%(form)s has empty required cells: %(cells)s.") % {"form": self.form(form), "cells": named}
        if code == "figures":
            cells = [c.strip().partition(".") for c in detail.split(",") if c.strip()]
            named = "; ".join(self.cell(form, row, column, with_form=False) for row, _dot, column in cells)
            return _(
                "%(form)s has cells that are not figures (whole numbers from 0 to the form's ceiling): "
                "correct them to submit the report (%(cells)s)."
            ) % {"form": self.form(form), "cells": named}
        if code == "section":
            return _("The outline section “%(section)s” is empty.") % {"section": self.section(detail)}
        return detail or str(code or "")

    def problems(self, problems: Iterable[Any]) -> list[str]:
        return [self.problem(p if isinstance(p, Mapping) else p.as_json()) for p in problems]

    def change(self, change: Sequence[Any]) -> str:
        """One changed cell of the audit trail ([form, row, column, before, after]) in words."""
        form, row, column, before, after = change
        return f"{self.cell(str(form), str(row), str(column))}: {blank(before)} → {blank(after)}"


def words_for(instance: ReportInstance, *, report_type: ReportType | None = None) -> ReportWords:
    """The words of a report's codes, as in force at the end of its data window (a fixed number of queries:
    the forms, the outline, the field names of its level, and the names of the units below it on form 07b)."""
    report_type = report_type or instance.report_type
    end = catalogue.window(report_type, instance.period)[1]
    return words_on(report_type=report_type, level=instance.level, on=end, unit=instance.unit)


def words_from(*, specs: Mapping[str, FormSpec], outline: Any, row_names: Mapping[str, str]) -> ReportWords:
    """The words of what a page has already read: its forms, its outline (or None), its rows' names."""
    sections = {s.key: s for s in outline.spec.sections} if outline is not None else {}
    return ReportWords(specs=dict(specs), row_names=dict(row_names), sections=sections)


def words_on(*, report_type: ReportType, level: str, on: date, unit: Any = None) -> ReportWords:
    specs = {
        form.code: parse_form_spec(form.definition)
        for form in catalogue.forms_in_force(report_type=report_type, level=level, on=on)
    }
    names: dict[str, str] = {}
    if any(spec.rows != "units" for spec in specs.values()):
        names |= catalogue.field_names(level)
    if unit is not None and any(spec.rows == "units" for spec in specs.values()):
        names |= {child.unit.code: child.name for child in units.children_on(unit, on).select_related("unit")}
    return words_from(specs=specs, outline=catalogue.outline_in_force(report_type, on=on), row_names=names)
