"""The structure of a form II.07b/VPCP/KSTT, as a renderer consumes it (forms.md, Form 07b).

The province's numbers of procedures, of those under the one-stop mechanism and of the internal workflows
issued, one row per unit, with the total row. Plain frozen dataclasses, no Django, like ``form06``:
whoever builds it (the province's report, a compilation) never formats, the renderer
(``kstt.exports.form07b_xlsx``) never queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from kstt.catalogue.rules.forms import FormSpec

#: The data columns of form 07b in printed order (forms.md), numbered 3..14.
FORM07B_COLUMNS = (
    "tthc_total",
    "tthc_province",
    "tthc_district",
    "tthc_commune",
    "onestop_total",
    "onestop_province",
    "onestop_district",
    "onestop_commune",
    "workflow_total",
    "workflow_province",
    "workflow_district",
    "workflow_commune",
)


def column_sums(rows: Iterable[Mapping[str, int | None]]) -> dict[str, int]:
    """The total row (R6): each column's sum over the unit rows, an empty cell counting as nothing."""
    total = dict.fromkeys(FORM07B_COLUMNS, 0)
    for row in rows:
        for key in FORM07B_COLUMNS:
            total[key] += row.get(key) or 0
    return total


@dataclass(frozen=True)
class Form07bRow:
    key: str  # the unit's code
    label: str  # the unit's name as it was in the period
    counts: Mapping[str, int | None]  # every key of FORM07B_COLUMNS; None: a cell left empty


@dataclass(frozen=True)
class CompiledForm07b:
    spec: FormSpec  # the form definition in force: columns (numbers, groups, headings) and layout
    unit_code: str  # the reporting unit (the province)
    unit_name: str
    recipient_name: str  # the unit that receives the report ("" when none)
    period: str  # period code, e.g. "2021Q3"
    period_label: str  # e.g. "Quý III/2021"
    window: tuple[date, date]  # the data cut-off window, inclusive local dates
    rows: tuple[Form07bRow, ...]
    total: Mapping[str, int]  # column_sums(rows)
