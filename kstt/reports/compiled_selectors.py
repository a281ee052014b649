"""Form 06 of a district or the province compiled from the reports it receives (issue 15, point 1).

Queries only: the tree of the period and the members' dossiers through kstt.compilation (scope, counts),
the versions of the members' reports, and one GROUP BY over the standing versions' figures
(``ReportFigure``). The choice of the standing version, the missing units and the grouping are the pure
rules of kstt.compilation.rules. The JSON renderer is kstt.reports.compiled_json.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.form06 import FORM06_COLUMNS, add
from kstt.catalogue.rules.forms import FormSpec
from kstt.catalogue.rules.periods import Period
from kstt.compilation import rules
from kstt.compilation.selectors import FORM06, TOTAL, CompilationError, _counts, _period_label, _recipient, scope
from kstt.dossiers import selectors as dossiers
from kstt.reports.models import ReportFigure, ReportVersion
from kstt.units.models import Unit


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


def compile_from_reports(*, unit: Unit, period: Period, report_type: ReportType) -> FromReports:
    """The compiled form 06 of a district or the province from the reports it receives, following the
    tree of the period. Three queries whatever the size of the tree: the versions of the members'
    reports, one GROUP BY over their standing versions' figures, one GROUP BY over their dossiers."""
    s = scope(unit=unit, period=period, report_type=report_type)
    if not s.compiled:
        raise CompilationError(f"unit {unit.code} receives no reports: only a district or the province compiles")
    ids = [m.unit_id for m in s.members]
    states: dict[int, list[tuple[int, rules.VersionState]]] = {}
    for version_id, number, unit_id, decision in ReportVersion.objects.filter(
        instance__unit_id__in=ids, instance__report_type=report_type, instance__period=period.code
    ).values_list("pk", "number", "instance__unit_id", "review__decision"):
        states.setdefault(unit_id, []).append((version_id, rules.VersionState(number, decision)))
    standing: dict[int, tuple[int, rules.Standing]] = {}
    for unit_id, versions in states.items():
        chosen = rules.standing_version(state for _pk, state in versions)
        if chosen is not None:
            version_id = next(pk for pk, state in versions if state.number == chosen.number)
            standing[unit_id] = (version_id, chosen)
    codes = [m.unit.code for m in s.members]
    rows: dict[int, dict[str, dict[str, int]]] = {}
    for version_id, row, column, value in (
        ReportFigure.objects.filter(
            Q(row=TOTAL) | Q(row__in=codes),
            version_id__in=[pk for pk, _chosen in standing.values()],
            form=FORM06,
            column__in=FORM06_COLUMNS,
        )
        .values("version_id", "row", "column")
        .annotate(value=Sum("value"))
        .values_list("version_id", "row", "column", "value")
        .order_by()
    ):
        rows.setdefault(version_id, {}).setdefault(row, {})[column] = int(value)
    reports = {}
    for unit_id, (version_id, chosen) in standing.items():
        figures = rows.get(version_id, {})
        units_rows = {code: cells for code, cells in figures.items() if code != TOTAL}
        reports[unit_id] = rules.Report(chosen, figures.get(TOTAL), units_rows)
    computed = {
        r["unit_id"]: _counts(r)
        for r in dossiers.counts(
            unit_ids=ids, start=s.start, end=s.end, by=("unit_id",), returned_on_time=s.returned_on_time
        )
    }
    members = {m.unit_id: rules.Member(m.unit_id, m.unit.code, m.name, m.level, m.parent_id) for m in s.members}
    lines = [
        rules.choose_line(
            member=member, root_id=s.unit.unit_id, reports=reports, members=members, computed=computed.get(uid)
        )
        for uid, member in members.items()
    ]
    headings = {str(k): str(v) for k, v in s.spec.layout.get("level_headings", {}).items()}
    return FromReports(
        spec=s.spec,
        unit_code=s.unit.unit.code,
        unit_name=s.unit.name,
        unit_level=s.unit.level,
        recipient_name=_recipient(s.unit, s.end),
        period=period.code,
        period_label=_period_label(period),
        window=(s.start, s.end),
        compilation=rules.compile_lines(root_id=s.unit.unit_id, lines=lines, headings=headings),
        computed_total=add(computed.values()),
        reports_total=rules.reports_total(lines, reports, members),
    )
