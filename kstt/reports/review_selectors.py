"""The reads behind the reviewer's pages: the reports below a unit for a period with their latest
version, and one report's forms laid out as printed. A fixed number of queries whatever the size."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from kstt import clock
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.forms import TOTAL, Column
from kstt.catalogue.rules.periods import Period
from kstt.reports import review_rules, selectors
from kstt.reports.choices import ReportStatus
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.reports.wording import ReportWords
from kstt.units.models import Unit

#: The statuses the review list filters by (each number of the reviewer's home links to one).
#: ``submitted``: sent at least once; ``waiting``: the latest version waits for review;
#: ``not_sent``: owed and never submitted (a report not even opened included); ``overdue_review``: the
#: latest version waits for review past the reviewers' own deadline (KSTT_REVIEW_DAYS).
LIST_FILTERS = ("submitted", "waiting", "overdue_review", "returned", "accepted", "not_sent")


@dataclass(frozen=True)
class BelowRow:
    """One unit below the reviewer's, for a period: what it owes and where its report stands."""

    unit_code: str
    unit_name: str
    owed: Any  # selectors.Owed
    instance: ReportInstance | None
    latest: ReportVersion | None
    #: The latest version waits for review past the reviewers' own deadline (KSTT_REVIEW_DAYS, §5).
    overdue_review: bool = False

    @property
    def status(self) -> str:
        return self.instance.status if self.instance is not None else selectors.NOT_STARTED

    @property
    def submitted(self) -> bool:
        return self.instance is not None and self.instance.first_submitted_at is not None

    @property
    def flags(self) -> list[str]:
        return list(self.latest.flags) if self.latest is not None else []

    @property
    def waiting(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    def matches(self, status: str) -> bool:
        if status == "submitted":
            return self.submitted
        if status == "waiting":
            return self.waiting
        if status == "not_sent":
            return not self.submitted
        if status == "overdue_review":
            return self.overdue_review
        return self.status == status


def latest_versions(instance_ids: Iterable[int]) -> dict[int, ReportVersion]:
    """instance id → its latest version (with its review), in one query."""
    latest: dict[int, ReportVersion] = {}
    for version in (
        ReportVersion.objects.filter(instance_id__in=list(instance_ids))
        .select_related("review")
        .order_by("instance_id", "number")
    ):
        latest[version.instance_id] = version
    return latest


def reports_below(*, recipient: Unit, report_type: ReportType, period: Period, now: datetime) -> list[BelowRow]:
    """Every unit that reports to ``recipient`` for ``period`` (the tree of that period), flagged reports
    waiting for review first, then those waiting, then the others, each group by unit code."""
    owed = selectors.owed_below(unit=recipient, report_type=report_type, period=period, now=now)
    instances = {
        i.unit_id: i for i in selectors.instances_below(recipient=recipient, report_type=report_type, period=period)
    }
    latest = latest_versions(i.pk for i in instances.values())
    rows = []
    for item in owed:
        instance = instances.get(item.unit.unit_id)
        rows.append(
            BelowRow(
                unit_code=item.unit.unit.code,
                unit_name=item.unit.name,
                owed=item,
                instance=instance,
                latest=latest.get(instance.pk) if instance is not None else None,
            )
        )
    rows = [
        replace(row, overdue_review=row.waiting and row.latest is not None and review_overdue(row.latest, now=now))
        for row in rows
    ]
    return sorted(rows, key=lambda r: (not r.overdue_review, not (r.waiting and r.flags), not r.waiting, r.unit_code))


# --- The reviewers' own deadline (rules.md §5, issue 14 point 6) ---------------------------------------------


def review_overdue(version: ReportVersion, *, now: datetime) -> bool:
    """The version, unreviewed at ``now``, is past the reviewers' deadline (KSTT_REVIEW_DAYS calendar days)."""
    return review_rules.overdue_for_review(
        version.submitted_at, now=now, zone=clock.province_zone(), days=settings.KSTT_REVIEW_DAYS
    )


def review_deadline(version: ReportVersion) -> datetime:
    """The end of the local day by which the version is to be reviewed."""
    return review_rules.review_due(version.submitted_at, zone=clock.province_zone(), days=settings.KSTT_REVIEW_DAYS)


def unreviewed_at(
    *,
    as_of: datetime,
    report_type: ReportType | None = None,
    periods: Iterable[str] | None = None,
    unit_ids: Iterable[int] | None = None,
    submitted_since: datetime | None = None,
) -> list[ReportVersion]:
    """The versions waiting for review at ``as_of``: submitted by then to a recipient in KSTT (not the
    Government Office), still the report's latest version then, and not reviewed by then. With their
    instance, unit, recipient and report type; one query. Narrowed to a report type, periods (codes),
    units, and versions submitted at or after ``submitted_since``."""
    later = ReportVersion.objects.filter(
        instance_id=OuterRef("instance_id"), number__gt=OuterRef("number"), submitted_at__lte=as_of
    )
    found = (
        ReportVersion.objects.filter(submitted_at__lte=as_of, instance__recipient__isnull=False)
        .filter(Q(review__isnull=True) | Q(review__at__gt=as_of))
        .exclude(Exists(later))
        .select_related("instance__unit", "instance__recipient", "instance__report_type")
        .order_by("submitted_at", "pk")
    )
    if report_type is not None:
        found = found.filter(instance__report_type=report_type)
    if periods is not None:
        found = found.filter(instance__period__in=list(periods))
    if unit_ids is not None:
        found = found.filter(instance__unit_id__in=list(unit_ids))
    if submitted_since is not None:
        found = found.filter(submitted_at__gte=submitted_since)
    return list(found)


def overdue_for_review(
    *, as_of: datetime, report_type: ReportType, cells: Iterable[tuple[int, str]]
) -> list[ReportVersion]:
    """The versions of these (unit id, period code) instances overdue for review at ``as_of`` (two
    filters in one query, the rule in Python): what the dashboard counts."""
    wanted = set(cells)
    if not wanted:
        return []
    # the versions waiting for review are few: narrowed by period, the units are picked here
    candidates = unreviewed_at(as_of=as_of, report_type=report_type, periods={period for _, period in wanted})
    return [v for v in candidates if (v.instance.unit_id, v.instance.period) in wanted and review_overdue(v, now=as_of)]


# --- One report's forms, as printed --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: Any
    previous: Any = None
    changed: bool = False
    findings: tuple[str, ...] = ()


@dataclass(frozen=True)
class GridRow:
    key: str
    label: str
    cells: tuple[Cell, ...]
    number: str = ""  # STT, column 1 as printed ("" on the total row)


@dataclass(frozen=True)
class Grid:
    code: str
    key: str  # "06", as the test ids and the page's anchors name the form
    title: str
    label_heading: str  # column 2 as printed ("Lĩnh vực, công việc giải quyết theo cấp", "Đơn vị")
    groups: tuple[tuple[str, int], ...]  # (heading, colspan) over the columns; "" where none
    columns: tuple[Column, ...]
    rows: tuple[GridRow, ...]
    present: bool = True
    changed: int = 0
    findings: tuple[dict[str, str], ...] = field(default=())


def _groups(columns: Sequence[Column]) -> tuple[tuple[str, int], ...]:
    groups: list[list[Any]] = []
    for column in columns:
        if groups and groups[-1][0] == column.group:
            groups[-1][1] += 1
        else:
            groups.append([column.group, 1])
    return tuple((g, n) for g, n in groups)


def grids(
    instance: ReportInstance,
    values: Mapping[str, Any],
    *,
    words: ReportWords,
    findings: Sequence[Mapping[str, str]] = (),
    previous: Mapping[str, Any] | None = None,
) -> list[Grid]:
    """The applicable forms of the report (``words.specs``: the forms in force for it), with ``values`` in
    their cells, rows named as printed, the failing cells marked, and (when ``previous`` is given) the
    cells that differ from the previous version."""
    result = []
    for code, spec in words.specs.items():
        rows_values = values.get(code) or {}
        before = (previous or {}).get(code) or {}
        failing: dict[tuple[str, str], list[str]] = {}
        for f in findings:
            if f.get("form") == code:
                failing.setdefault((f.get("row", ""), f.get("column", "")), []).append(words.what(f))
        keys = [k for k in rows_values if k != TOTAL] + [k for k in before if k != TOTAL and k not in rows_values]
        if spec.total_row and (TOTAL in rows_values or TOTAL in before):
            keys.append(TOTAL)
        grid_rows = []
        changed = 0
        for number, key in enumerate(keys, start=1):
            now_cells, before_cells = rows_values.get(key) or {}, before.get(key) or {}
            cells = []
            for column in spec.columns:
                value, old = now_cells.get(column.key), before_cells.get(column.key)
                differs = previous is not None and value != old
                changed += differs
                messages = (*failing.get((key, column.key), []), *failing.get((key, ""), []))
                cells.append(Cell(value=value, previous=old, changed=differs, findings=messages))
            grid_rows.append(
                GridRow(
                    key=key,
                    label=words.row(code, key),
                    cells=tuple(cells),
                    number="" if key == TOTAL else str(number),
                )
            )
        labels = spec.layout.get("label_columns") or []
        result.append(
            Grid(
                code=code,
                key=spec.key,
                title=spec.title,
                label_heading=str(labels[1]["heading"]) if len(labels) > 1 else "",
                groups=_groups(spec.columns),
                columns=spec.columns,
                rows=tuple(grid_rows),
                present=bool(rows_values),
                changed=changed,
                findings=tuple(dict(f) for f in findings if f.get("form") == code),
            )
        )
    return result
