"""The compiled structure of a form 06: what aggregation produces and renderers consume.

Kept with the form definitions (``FormSpec``): the dossiers' counting, the compilation and the
renderers (kstt.exports) all read form 06's columns from here, below each of them.

Plain frozen dataclasses, no Django: aggregation never formats, renderers never query
(style.md §8). A single unit's form has one row per procedure field; a compiled form (a district or
the province) has one row per unit, grouped by level, with subtotals and a grand total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from kstt.catalogue.rules.forms import FormSpec

#: The data columns of form 06 in printed order (forms.md), numbered 3..13.
FORM06_COLUMNS = (
    "received_total",
    "received_online",
    "received_direct",
    "carried_over",
    "settled_total",
    "settled_early",
    "settled_on_time",
    "settled_late",
    "pending_total",
    "pending_in_time",
    "pending_overdue",
)


def zero() -> dict[str, int]:
    return dict.fromkeys(FORM06_COLUMNS, 0)


def add(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """The column-wise sum of form 06 rows (zeros for none)."""
    rows = list(rows)
    return {key: sum(map(itemgetter(key), rows)) for key in FORM06_COLUMNS}


@dataclass(frozen=True)
class Form06Row:
    key: str  # the procedure field code (one unit's form) or the unit code (a compiled form)
    label: str  # the field's name, or the unit's name
    counts: Mapping[str, int]  # every key of FORM06_COLUMNS


@dataclass(frozen=True)
class Form06Subgroup:
    """The rows of one level under one parent unit: the communes of a district on the province's form."""

    key: str  # the row key of the subtotal: "<parent code>/<level>", e.g. "D157/commune"
    parent_code: str
    parent_name: str
    rows: tuple[Form06Row, ...]
    subtotal: Mapping[str, int]


@dataclass(frozen=True)
class Form06Group:
    level: str  # "department" | "district" | "commune"
    heading: str  # as printed: "Sở, ban, ngành", "Huyện, thị xã, thành phố", "Xã, phường, thị trấn"
    rows: tuple[Form06Row, ...]
    subtotal: Mapping[str, int]
    #: The level's rows under their parent with its subtotal, when the parent is itself a row of the
    #: form (the communes of each district on the 2021 province's form); empty when the rows are flat
    #: (a district's own form, the two-level shape where communes sit under the province).
    subgroups: tuple[Form06Subgroup, ...] = ()


@dataclass(frozen=True)
class CompiledForm06:
    spec: FormSpec  # the form definition in force: columns (numbers, groups, headings) and layout
    unit_code: str
    unit_name: str
    unit_level: str
    recipient_name: str  # the unit that receives the report ("" when none)
    period: str  # period code, e.g. "2021Q3"
    period_label: str  # e.g. "Quý III/2021"
    window: tuple[date, date]  # the data cut-off window, inclusive local dates
    compiled: bool  # True: rows per unit in groups; False: rows per procedure field
    rows: tuple[Form06Row, ...]  # one unit's field rows (empty for a compiled form)
    groups: tuple[Form06Group, ...]  # a compiled form's level groups (empty for one unit)
    total: Mapping[str, int]

    def all_rows(self) -> tuple[Form06Row, ...]:
        if not self.compiled:
            return self.rows
        return tuple(row for group in self.groups for row in group.rows)
