"""Form 06 of a district, a province or the whole country compiled from the reports received (issue 15,
points 1 and 6).

One code path for a district, a province and the country: the country is every province at once, each
compiled as it would be alone and grouped by province. Queries only, a fixed number whatever the size of
the tree: the window and the form (kstt.compilation.selectors.frame), the roots, the units below them,
one GROUP BY over the versions of their reports with each one's total row (``ReportFigure``, the columns
pivoted in SQL), one over the other rows of the districts' versions, and one over their dossiers
(kstt.dossiers.selectors.counts). The units are selected by
one subquery (the tree below the roots), never by a list of ids. The choice of the standing version, where each line's
figures come from, the missing units and the grouping are the pure rules of kstt.compilation.rules. The
JSON renderer is kstt.reports.compiled_json.

The country's form as the national level prints it (``compile_national_form``: one line per province,
its grand total and its units received and missing) is summed by SQL in one query with the same rules,
never through the provinces' compilations (issue 15, point 6; bench/rollup.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Case, F, FilteredRelation, Max, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add
from kstt.catalogue.rules.forms import FormSpec
from kstt.catalogue.rules.periods import Period
from kstt.compilation import rules
from kstt.compilation.selectors import (
    COMPILED_LEVELS,
    FORM06,
    TOTAL,
    CompilationError,
    Frame,
    _counts,
    _period_label,
    _recipient,
    frame,
)
from kstt.dossiers import selectors as dossiers
from kstt.reports.models import ReportFigure, ReportInstance, ReportVersion, Review
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion
from kstt.units.rules import LEVELS


@dataclass(frozen=True)
class FromReports:
    """Form 06 of a receiving unit compiled from the standing reports of the units below it, each line
    beside the figures computed from that unit's dossiers (kstt.compilation.rules)."""

    spec: FormSpec
    unit_code: str
    unit_name: str
    unit_level: str
    recipient_name: str  # the unit that receives the compiled report ("Văn phòng Chính phủ" for the province)
    period: str
    period_label: str
    window: tuple[date, date]
    compilation: rules.Compilation
    computed_total: dict[str, int]  # the dossiers of the units that have some, for comparison
    reports_total: dict[str, int]  # the sum of the totals of the reports the lines come from


def compile_from_reports(
    *, unit: Unit, period: Period, report_type: ReportType, as_of: datetime | None = None
) -> FromReports:
    """The compiled form 06 of a district or a province from the reports it receives, following the tree
    of the period: the same queries as the country's, for one root."""
    f = frame(period=period, report_type=report_type)
    version = units.unit_on(unit.code, f.end)
    if version is None:
        raise CompilationError(f"unit {unit.code} did not exist on {f.end.isoformat()}, the end of {period.code}")
    if version.level not in COMPILED_LEVELS:
        raise CompilationError(f"unit {unit.code} receives no reports: only a district or the province compiles")
    tree = units.descendant_ids(unit, on=f.end, include_self=True)
    return _compile(f, roots=[version], tree=tree, period=period, report_type=report_type, as_of=as_of)[0]


@dataclass(frozen=True)
class CountryFromReports:
    """Form 06 of the whole country compiled from the reports: every province's compilation (as
    ``compile_from_reports`` gives it for that province alone), in code order, and their sums."""

    spec: FormSpec
    period: str
    period_label: str
    window: tuple[date, date]
    provinces: tuple[FromReports, ...]
    total: dict[str, int]  # the sum of the provinces' grand totals
    reports_total: dict[str, int]
    computed_total: dict[str, int]


def compile_country_from_reports(*, period: Period, report_type: ReportType) -> CountryFromReports:
    """Form 06 of the country from the reports: all the provinces in force at the end of the period, in
    the same queries as one province."""
    f = frame(period=period, report_type=report_type)
    roots = list(units.roots_on(f.end).filter(level="province"))
    provinces = _compile(f, roots=roots, tree=units.forest_ids(on=f.end), period=period, report_type=report_type)
    return CountryFromReports(
        spec=f.spec,
        period=period.code,
        period_label=_period_label(period),
        window=(f.start, f.end),
        provinces=tuple(provinces),
        total=rules.country_total(p.compilation for p in provinces),
        reports_total=add(p.reports_total for p in provinces),
        computed_total=add(p.computed_total for p in provinces),
    )


#: One column per form 06 column: the group's cell. A version has one figure per (form, row, column)
#: (``report_figure_once``), so the pivot takes it with MAX: PostgreSQL keeps MAX's state in place, where
#: SUM's is a numeric per group and per column (the country's 11,000 versions then spill to disk).
PIVOT = {column: Max("value", filter=Q(column=column)) for column in FORM06_COLUMNS}


def _fetch(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of ``queryset``'s SQL as the driver gives them: the values are already whole numbers and
    codes, and Django's per-value converters would cost more than the query on the country's figures."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _compile(
    f: Frame,
    *,
    roots: list[UnitVersion],
    tree: RawSQL,
    period: Period,
    report_type: ReportType,
    as_of: datetime | None = None,
) -> list[FromReports]:
    """The compilation of each of ``roots`` (districts or provinces), ``tree`` the subquery of the units
    below them. Four queries whatever the number of roots and units: the units, their versions with their
    total rows, the districts' other rows, the dossiers."""
    headings = {str(k): str(v) for k, v in f.spec.layout.get("level_headings", {}).items()}
    members = {
        uid: rules.Member(uid, code, name, level, parent_id)
        for uid, code, name, level, parent_id in sorted(
            UnitVersion.objects.filter(units.in_force(f.end), unit_id__in=tree, level__in=list(headings))
            .values_list("unit_id", "unit__code", "name", "level", "parent_id")
            .order_by(),
            key=lambda m: (LEVELS.index(m[3]), m[1]),
        )
    }
    root_of = rules.roots_of(members, [r.unit_id for r in roots])
    in_period = {"instance__report_type": report_type, "instance__period": period.code}
    # One GROUP BY per version of the period below the roots: its number, its review's decision, and its
    # total row pivoted (one figure per column), read from the figures' covering index (version, form,
    # row, column, value) by the join's own condition; a version without figures has NULLs.
    # ``as_of``: the reports as they stood then (the versions submitted by then, a review only once made).
    total_row = FilteredRelation("figures", condition=Q(figures__form=FORM06, figures__row=TOTAL))
    submitted = ReportVersion.objects.filter(instance__unit_id__in=tree, **in_period)
    decided: Any = F("review__decision")
    if as_of is not None:
        submitted = submitted.filter(submitted_at__lte=as_of)
        decided = Case(When(review__at__lte=as_of, then=F("review__decision")), default=Value(None))
    versions = (
        submitted.annotate(total_row=total_row, decided=decided)
        .values("pk", "number", "instance__unit_id", "decided")
        .annotate(**{c: Max("total_row__value", filter=Q(total_row__column=c)) for c in FORM06_COLUMNS})
        .values_list("pk", "number", "instance__unit_id", "decided", *FORM06_COLUMNS)
        .order_by()
    )
    states: dict[int, list[tuple[int, rules.VersionState]]] = {}
    totals: dict[int, dict[str, int]] = {}
    for version_id, number, unit_id, decision, *values in _fetch(versions):
        if unit_id in root_of:
            states.setdefault(unit_id, []).append((version_id, rules.VersionState(number, decision)))
            totals[version_id] = {c: v for c, v in zip(FORM06_COLUMNS, values, strict=True) if v is not None}
    standing: dict[int, tuple[int, rules.Standing]] = {}
    for unit_id, versions_of in states.items():
        chosen = rules.standing_version(state for _pk, state in versions_of)
        if chosen is not None:
            version_id = next(pk for pk, state in versions_of if state.number == chosen.number)
            standing[unit_id] = (version_id, chosen)
    # A second GROUP BY (version, row): every other row of the versions of the units with units below
    # them (a district's report: by field, or compiled by unit, its rows keyed by unit code); the
    # standing versions' rows of units of the tree are kept.
    standing_ids = {pk for pk, _chosen in standing.values()}
    rows: dict[int, dict[str, dict[str, int]]] = {pk: {TOTAL: totals[pk]} for pk in standing_ids if totals[pk]}
    parents = UnitVersion.objects.filter(
        units.in_force(f.end), unit_id__in=tree, level__in=list(headings), parent_id__isnull=False
    ).values("parent_id")
    codes = {m.code for m in members.values()}
    figures = ReportFigure.objects.filter(
        form=FORM06,
        column__in=FORM06_COLUMNS,
        version__instance__unit_id__in=tree,
        **{f"version__{key}": value for key, value in in_period.items()},
    )
    by_unit = (
        figures.filter(version__instance__unit_id__in=parents)
        .exclude(row=TOTAL)
        .values("version_id", "row")
        .annotate(**PIVOT)
        .values_list("version_id", "row", *FORM06_COLUMNS)
        .order_by()
    )
    for version_id, row, *values in _fetch(by_unit):
        if version_id in standing_ids and row in codes:
            cells = {c: v for c, v in zip(FORM06_COLUMNS, values, strict=True) if v is not None}
            rows.setdefault(version_id, {})[row] = cells
    reports = {}
    for unit_id, (version_id, chosen) in standing.items():
        version_rows = rows.get(version_id, {})
        units_rows = {code: cells for code, cells in version_rows.items() if code != TOTAL}
        reports[unit_id] = rules.Report(chosen, version_rows.get(TOTAL), units_rows)
    computed = {
        r["unit_id"]: _counts(r)
        for r in dossiers.counts(
            unit_ids=tree, start=f.start, end=f.end, by=("unit_id",), returned_on_time=f.returned_on_time
        )
        if r["unit_id"] in root_of
    }
    lines: dict[int, list[rules.Line]] = {r.unit_id: [] for r in roots}
    for uid, member in members.items():
        root_id = root_of.get(uid)
        if root_id is not None:
            lines[root_id].append(
                rules.choose_line(
                    member=member, root_id=root_id, reports=reports, members=members, computed=computed.get(uid)
                )
            )
    return [
        FromReports(
            spec=f.spec,
            unit_code=root.unit.code,
            unit_name=root.name,
            unit_level=root.level,
            recipient_name=_recipient(root, f.end),
            period=period.code,
            period_label=_period_label(period),
            window=(f.start, f.end),
            compilation=rules.compile_lines(root_id=root.unit_id, lines=lines[root.unit_id], headings=headings),
            computed_total=add(
                computed[line.member.unit_id] for line in lines[root.unit_id] if line.member.unit_id in computed
            ),
            reports_total=rules.reports_total(lines[root.unit_id], reports, members),
        )
        for root in roots
    ]


# --- The country's form 06 as the national level prints it: one line per province (issue 15, point 6) ----


@dataclass(frozen=True)
class NationalForm:
    """Form 06 of the whole country from the reports, as the national level prints it: one line per
    province in force at the end of the period (its grand total, as ``compile_from_reports`` gives it for
    that province, and how many of its units' lines were received or missing), in code order, and the
    country's grand total."""

    spec: FormSpec
    period: str
    period_label: str
    window: tuple[date, date]
    provinces: tuple[rules.ProvinceLine, ...]
    total: dict[str, int]  # the sum of the provinces' lines

    @property
    def received(self) -> int:
        return sum(p.received for p in self.provinces)

    @property
    def missing(self) -> int:
        return sum(p.missing for p in self.provinces)


#: The country's form in one query: the rules of ``rules.choose_line`` in SQL, grouped by province.
#: t: the units whose lines the provinces compile (the levels of the form's headings, in force at the end
#: of the period) whose parent is a province (a root) or such a unit under a province (the tree's levels:
#: province > department | district > commune), each with its province and, in the second case, that
#: parent: its "carrier" (a commune's district). n, s: the standing version of each unit's report of the
#: period (the accepted one, else the latest submitted). cr: the carriers' standing versions' rows keyed
#: by a unit code, pivoted; c: the carriers compiled by unit (a row keyed by the code of a unit of the
#: same province). A line's figures: its carrier's row for it when the carrier is compiled by unit
#: (missing when absent: its own report is not added), else its own report's: its own row when it is
#: itself compiled by unit, else its total row. One figure per cell (MAX); a line is received when it has
#: any; missing lines are never summed; then the sums per province, beside its count of lines. The CTEs
#: join base tables by their keys wherever they can, so that the planner's estimates stay near the truth
#: (a CTE joined on another CTE's column was estimated at 10^10 rows: a full scan of the figures, and JIT).
_IN_FORCE_SQL = "(v.valid_from IS NULL OR v.valid_from <= %s) AND (v.valid_until IS NULL OR v.valid_until > %s)"
_NATIONAL_SQL = """
WITH t AS (
  SELECT v.unit_id, u.code,
         CASE WHEN p.level = 'province' THEN p.unit_id ELSE g.unit_id END AS root_id,
         CASE WHEN p.level = 'province' THEN NULL ELSE p.unit_id END AS carrier_id
  FROM {unit_version} v
  JOIN {unit} u ON u.id = v.unit_id
  JOIN {unit_version} p ON p.unit_id = v.parent_id AND {in_force_p}
  LEFT JOIN {unit_version} g
    ON g.unit_id = p.parent_id AND {in_force_g} AND g.level = 'province' AND g.parent_id IS NULL
  WHERE {in_force_v} AND v.level IN ({levels})
    AND ((p.level = 'province' AND p.parent_id IS NULL) OR (p.level IN ({levels}) AND g.unit_id IS NOT NULL))
), n AS (
  SELECT v.instance_id, i.unit_id,
         COALESCE(MAX(CASE WHEN w.decision = 'accepted' THEN v.number END), MAX(v.number)) AS number
  FROM {version} v
  JOIN {instance} i ON i.id = v.instance_id
  LEFT JOIN {review} w ON w.version_id = v.id
  WHERE i.period = %s AND i.report_type_id = %s
  GROUP BY v.instance_id, i.unit_id
), s AS (
  SELECT n.unit_id, v.id AS version_id
  FROM n JOIN {version} v ON v.instance_id = n.instance_id AND v.number = n.number
), cr AS (
  SELECT f.version_id, f."row", {cells}
  FROM {figure} f
  WHERE f.version_id IN (SELECT version_id FROM s WHERE unit_id IN (SELECT carrier_id FROM t))
    AND f.form = %s AND f."row" <> %s AND f."column" IN ({columns})
    AND f."row" || '' IN (SELECT code FROM t)  -- || '': a filter, not an index probe per code (SQLite)
  GROUP BY f.version_id, f."row"
), c AS (
  SELECT s.unit_id, s.version_id
  FROM s
  JOIN t ct ON ct.unit_id = s.unit_id
  WHERE (s.version_id, ct.root_id) IN (
    SELECT cr.version_id, k.root_id FROM cr JOIN t k ON k.code = cr."row" GROUP BY cr.version_id, k.root_id
  )
), lines AS (
  SELECT t.root_id, t.unit_id, {cells}
  FROM t
  JOIN s ON s.unit_id = t.unit_id
  JOIN {figure} f ON f.version_id = s.version_id AND f.form = %s AND f."row" = %s AND f."column" IN ({columns})
  WHERE NOT EXISTS (SELECT 1 FROM c WHERE c.unit_id = t.carrier_id)
    AND NOT EXISTS (SELECT 1 FROM c WHERE c.unit_id = t.unit_id)
  GROUP BY t.root_id, t.unit_id
  UNION ALL
  SELECT t.root_id, t.unit_id, {carried}
  FROM t
  JOIN c ON c.unit_id = t.carrier_id
  JOIN cr ON cr.version_id = c.version_id AND cr."row" = t.code
  UNION ALL
  SELECT t.root_id, t.unit_id, {carried}
  FROM t
  JOIN c ON c.unit_id = t.unit_id
  JOIN cr ON cr.version_id = c.version_id AND cr."row" = t.code
  WHERE NOT EXISTS (SELECT 1 FROM c cp WHERE cp.unit_id = t.carrier_id)
), per_root AS (
  SELECT root_id, COUNT(*) AS received, {sums}
  FROM lines
  GROUP BY root_id
), counted AS (
  SELECT root_id, COUNT(*) AS lines FROM t GROUP BY root_id
)
SELECT u.code, r.name, COALESCE(counted.lines, 0), COALESCE(per_root.received, 0), {per_root}
FROM {unit_version} r
JOIN {unit} u ON u.id = r.unit_id
LEFT JOIN counted ON counted.root_id = r.unit_id
LEFT JOIN per_root ON per_root.root_id = r.unit_id
WHERE {in_force_r} AND r.level = 'province' AND r.parent_id IS NULL
ORDER BY u.code
"""


def _national_sql(levels: list[str]) -> str:
    def quoted(value: str) -> str:  # the form's own keys, never user input; still checked
        if not value.replace("_", "").isalnum():
            raise ValueError(f"unexpected key {value!r}")
        return f"'{value}'"

    return _NATIONAL_SQL.format(
        unit_version=UnitVersion._meta.db_table,
        unit=Unit._meta.db_table,
        instance=ReportInstance._meta.db_table,
        version=ReportVersion._meta.db_table,
        review=Review._meta.db_table,
        figure=ReportFigure._meta.db_table,
        **{f"in_force_{alias}": _IN_FORCE_SQL.replace("v.", f"{alias}.") for alias in "vpgr"},
        levels=", ".join(quoted(level) for level in levels),
        columns=", ".join(quoted(c) for c in FORM06_COLUMNS),
        cells=", ".join(
            f'MAX(CASE WHEN f."column" = {quoted(c)} THEN f.value END) AS c{i}' for i, c in enumerate(FORM06_COLUMNS)
        ),
        carried=", ".join(f"cr.c{i}" for i in range(len(FORM06_COLUMNS))),
        sums=", ".join(f"SUM(c{i}) AS c{i}" for i in range(len(FORM06_COLUMNS))),
        per_root=", ".join(f"per_root.c{i}" for i in range(len(FORM06_COLUMNS))),
    )


def _national_query(f: Frame, *, period: Period, report_type: ReportType) -> tuple[str, list[Any]]:
    levels = [str(level) for level in f.spec.layout.get("level_headings", {})]
    on = [f.end, f.end]
    params = [*on, *on, *on, period.code, report_type.pk, FORM06, TOTAL, FORM06, TOTAL, *on]
    return _national_sql(levels), params


def compile_national_form(*, period: Period, report_type: ReportType) -> NationalForm:
    """The country's form 06 from the reports: one line per province, summed in SQL (one query, beside
    the frame's), with the same rules as each province's compilation (``rules.choose_line``)."""
    f = frame(period=period, report_type=report_type)
    sql, params = _national_query(f, period=period, report_type=report_type)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    provinces = tuple(
        rules.province_line(code, name, lines=lines, received=received, sums=values)
        for code, name, lines, received, *values in rows
    )
    return NationalForm(
        spec=f.spec,
        period=period.code,
        period_label=_period_label(period),
        window=(f.start, f.end),
        provinces=provinces,
        total=rules.national_total(provinces),
    )
