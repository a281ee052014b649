"""The province's form 07b as the workbook renderer takes it (``kstt.exports.form07b_xlsx``).

``draft_form07b(instance, values)`` reads the form definition in force at the end of the period's window,
the unit as it was then and the units below it (the rows of its report page, ``forms.row_sources``), and
the figures of ``values`` (a draft's or a version's ``values``). A cell that is not a whole number from 0
to the form's ceiling is left empty; the total row is the sum of the unit rows (a formula in the workbook).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.form07b import CompiledForm07b, Form07bRow, column_sums
from kstt.catalogue.rules.forms import is_figure, parse_form_spec
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import GOVERNMENT_OFFICE
from kstt.compilation.selectors import _period_label as period_label
from kstt.reports.forms import row_sources
from kstt.reports.models import ReportInstance
from kstt.units import selectors as units

FORM07B = "II.07b/VPCP/KSTT"


class NoForm07b(Exception):
    """The report has no form 07b: the unit's level does not fill it, or none is in force."""


def draft_form07b(instance: ReportInstance, values: Mapping[str, Any]) -> CompiledForm07b:
    period = Period.parse(instance.period)
    start, end = catalogue.window(instance.report_type, period)
    definition = catalogue.form_in_force(code=FORM07B, on=end)
    version = units.unit_on(instance.unit.code, end)
    if definition is None or version is None:
        raise NoForm07b(f"no {FORM07B} for {instance.unit.code} in {instance.period}")
    spec = parse_form_spec(definition.definition)
    if version.level not in spec.levels:
        raise NoForm07b(f"{version.level} units do not fill {FORM07B}")
    children = list(units.children_on(version.unit, end).select_related("unit"))
    typed: Mapping[str, Any] = values.get(FORM07B) or {}
    keys = [c.key for c in spec.columns]
    rows = tuple(
        Form07bRow(code, name, {k: _figure((typed.get(code) or {}).get(k), spec.ceiling) for k in keys})
        for code, name in row_sources(spec, level=version.level, children=children)
    )
    recipient = ""
    if version.parent is None:
        recipient = GOVERNMENT_OFFICE
    elif (parent := units.unit_on(version.parent.code, end)) is not None:
        recipient = parent.name
    return CompiledForm07b(
        spec=spec,
        unit_code=instance.unit.code,
        unit_name=version.name,
        recipient_name=recipient,
        period=period.code,
        period_label=period_label(period),
        window=(start, end),
        rows=rows,
        total=column_sums(row.counts for row in rows),
    )


def _figure(value: object, ceiling: int) -> int | None:
    return value if isinstance(value, int) and is_figure(value, ceiling) else None
