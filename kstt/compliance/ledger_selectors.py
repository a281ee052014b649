"""Every read of the ledger (rules.md §6): the deductions of a year known at an instant, with the
appeals against its lines; the ledger's pages (a year's table, one line's evidence, the appeals).

The verdicts come from ``compliance.selectors.judged``; nothing here applies a rule of §4–§6.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period, periods_of_year
from kstt.compliance.choices import AppealDecision
from kstt.compliance.models import Appeal, AppealAttachment, UrgingLetterLine
from kstt.compliance.rules import ZERO
from kstt.compliance.selectors import Judged, judged, period_settings
from kstt.incidents import selectors as incidents
from kstt.reports.models import RefusedSubmission, ReportVersion
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion

# --- The ledger (rules.md §6) -----------------------------------------------------------------------


@dataclass(frozen=True)
class AppealState:
    """Where an appeal against a ledger line stands: pending, upheld or overturned."""

    id: int
    decision: str  # "pending" | "upheld" | "overturned"
    reason: str
    decision_reason: str = ""


@dataclass(frozen=True)
class LedgerLine:
    """A scored instance whose effective closing time has passed: its verdict is final."""

    judged: Judged
    appeal: AppealState | None = None

    @property
    def counted(self) -> bool:
        """An overturned line stays in the ledger, marked, and no longer counts."""
        return self.appeal is None or self.appeal.decision != "overturned"

    @property
    def points(self) -> Decimal:
        return self.judged.verdict.deduction if self.counted else ZERO


@dataclass(frozen=True)
class Ledger:
    year: int
    as_of: datetime
    lines: list[LedgerLine]

    @property
    def totals(self) -> dict[str, Decimal]:
        """unit code → the sum of its counted deductions (every unit with a line, in code order)."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.judged.code] = totals.get(line.judged.code, ZERO) + line.points
        return dict(sorted(totals.items()))


def ledger(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    unit_ids: Iterable[int] | None = None,
    within: Unit | None = None,
) -> Ledger:
    """The deductions of a year (periods ending in it) known at ``as_of``: one line per scored
    instance whose effective closing time has passed, sorted by unit code then period."""
    year_periods = periods_of_year(year, report_type.periods)
    lines = [
        judged_
        for judged_ in judged(
            report_type=report_type,
            periods=year_periods,
            as_of=as_of,
            scored_only=True,
            unit_ids=unit_ids,
            within=within,
        )
        if judged_.verdict.final
    ]
    appeals = _appeals(lines, as_of=as_of)
    return Ledger(
        year=year,
        as_of=as_of,
        lines=[LedgerLine(line, appeals.get((line.unit_id, line.period.code))) for line in lines],
    )


def latest_appeals(lines: Sequence[Judged], *, as_of: datetime) -> dict[tuple[int, str], AppealState]:
    """(unit id, period code) → the latest appeal against each of these ledger lines at ``as_of`` (the
    dashboard's points are the ledger's)."""
    return _appeals(lines, as_of=as_of)


def _appeals(lines: Sequence[Judged], *, as_of: datetime) -> dict[tuple[int, str], AppealState]:
    """(unit id, period code) → the latest appeal against that line as it stood at ``as_of``.

    One query whatever the number of lines. An appeal filed after ``as_of`` did not exist yet; one
    decided after it was still pending then.
    """
    if not lines:
        return {}
    keys = {(line.unit_id, line.period.code) for line in lines}
    rows = (
        Appeal.objects.filter(
            report_type__code__in=sorted({line.report for line in lines}),
            period__in=sorted({code for _, code in keys}),
            filed_at__lte=as_of,
        )
        .order_by("filed_at", "id")
        .values_list("id", "unit_id", "period", "decision", "reason", "decision_reason", "decided_at")
    )
    found: dict[tuple[int, str], AppealState] = {}
    for pk, unit_id, period, decision, reason, decision_reason, decided_at in rows:
        if (unit_id, period) not in keys:
            continue
        decided = decided_at is not None and decided_at <= as_of
        found[(unit_id, period)] = AppealState(
            id=pk,
            decision=decision if decided else AppealDecision.PENDING.value,
            reason=reason,
            decision_reason=decision_reason if decided else "",
        )
    return found


def appeals_of_lines(lines: Sequence[Judged], *, as_of: datetime) -> dict[tuple[int, str], AppealState]:
    """(unit id, period code) → the latest appeal against each of these lines as it stood at ``as_of``."""
    return _appeals(lines, as_of=as_of)


# --- The ledger's pages: a year's table, one line's evidence, the appeals ----------------------------


@dataclass(frozen=True)
class YearCell:
    """One expected report of a unit in the year, in the table: a ledger line once it is final."""

    judged: Judged
    appeal: AppealState | None = None

    @property
    def final(self) -> bool:
        return self.judged.verdict.final

    @property
    def in_ledger(self) -> bool:
        """Scored and past its effective closing time: a line of the ledger."""
        return self.judged.scored and self.final

    @property
    def counted(self) -> bool:
        return self.in_ledger and (self.appeal is None or self.appeal.decision != AppealDecision.OVERTURNED)

    @property
    def points(self) -> Decimal:
        return self.judged.verdict.deduction if self.counted else ZERO


@dataclass(frozen=True)
class YearRow:
    unit_id: int
    code: str
    name: str
    level: str
    cells: dict[str, YearCell]  # period code → cell

    @property
    def total(self) -> Decimal:
        return sum((cell.points for cell in self.cells.values()), ZERO)

    @property
    def appealed(self) -> list[YearCell]:
        return [cell for cell in self.cells.values() if cell.appeal is not None]


@dataclass(frozen=True)
class YearTable:
    """A year's deductions per unit and period, as known at ``as_of`` (the ledger's pages)."""

    year: int
    as_of: datetime
    periods: list[Period]
    rows: list[YearRow]

    @property
    def ledger(self) -> Ledger:
        """The same lines as ``ledger()`` gives (scored, final), with their appeals."""
        lines = [
            LedgerLine(cell.judged, cell.appeal) for row in self.rows for cell in row.cells.values() if cell.in_ledger
        ]
        lines.sort(key=lambda line: (line.judged.code, line.judged.period.code))
        return Ledger(year=self.year, as_of=self.as_of, lines=lines)

    @property
    def period_totals(self) -> dict[str, Decimal]:
        return {
            period.code: sum((row.cells[period.code].points for row in self.rows if period.code in row.cells), ZERO)
            for period in self.periods
        }

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), ZERO)

    @property
    def not_final(self) -> list[YearCell]:
        """Scored reports whose effective closing time is still ahead: no line yet, their verdict may change."""
        return [cell for row in self.rows for cell in row.cells.values() if cell.judged.scored and not cell.final]


#: The order of the levels in a table (as the official forms print them).
LEVEL_ORDER = {"province": 0, "department": 1, "district": 2, "commune": 3}


def year_table(
    *,
    report_type: ReportType,
    year: int,
    as_of: datetime,
    scored_only: bool = True,
    unit_ids: Iterable[int] | None = None,
) -> YearTable:
    """Every expected report of the year (periods ending in it) per unit, with the appeals of its
    final lines; rows by level (departments, districts, communes) then unit code. A fixed number of
    queries (``judged`` and one for the appeals)."""
    year_periods = periods_of_year(year, report_type.periods)
    found = judged(
        report_type=report_type, periods=year_periods, as_of=as_of, scored_only=scored_only, unit_ids=unit_ids
    )
    appeals = _appeals([j for j in found if j.scored and j.verdict.final], as_of=as_of)
    rows: dict[int, YearRow] = {}
    for item in found:  # sorted by code then period: the latest period's name and level win
        cell = YearCell(item, appeals.get((item.unit_id, item.period.code)))
        row = rows.get(item.unit_id)
        cells = {**row.cells, item.period.code: cell} if row is not None else {item.period.code: cell}
        rows[item.unit_id] = YearRow(item.unit_id, item.code, item.name, item.level, cells)
    ordered = sorted(rows.values(), key=lambda r: (LEVEL_ORDER.get(r.level, 9), r.code))
    return YearTable(year=year, as_of=as_of, periods=year_periods, rows=ordered)


@dataclass(frozen=True)
class ReviewFacts:
    """The review of a line's standing version, as the evidence shows it."""

    version: int
    submitted_at: datetime
    decision: str
    reasons: tuple[str, ...]
    text: str
    reviewer: str
    at: datetime


@dataclass(frozen=True)
class IncidentFacts:
    id: int
    start: datetime
    end: datetime | None
    description: str


@dataclass(frozen=True)
class AppealFacts:
    """One appeal against a line, its decision as known at the page's instant, and its files."""

    id: int
    reason: str
    filed_by: str
    filed_at: datetime
    decision: str
    decision_reason: str
    decided_by: str
    decided_at: datetime | None
    line: dict[str, Any]
    attachments: list[tuple[int, str, int]]  # (id, name, size)

    @property
    def pending(self) -> bool:
        return self.decision == AppealDecision.PENDING


@dataclass(frozen=True)
class RefusalFacts:
    """A press of submit that was not a submission (rules.md §4): the unit's evidence that it tried."""

    at: datetime
    by: str
    missing: list[dict[str, str]]  # the problems: [{code, form, detail}]


@dataclass(frozen=True)
class LineEvidence:
    """Everything a line rests on (rules.md §6): the verdict, the review, the incidents, the appeals, and
    the presses of submit that were not a submission (§4)."""

    judged: Judged
    appeals: list[AppealFacts]
    review: ReviewFacts | None
    incidents: list[IncidentFacts]
    refused: list[RefusalFacts] = field(default_factory=list)

    @property
    def cell(self) -> YearCell:
        latest = self.appeals[0] if self.appeals else None
        state = (
            AppealState(latest.id, latest.decision, latest.reason, latest.decision_reason)
            if latest is not None
            else None
        )
        return YearCell(self.judged, state)


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def line_evidence(*, report_type: ReportType, unit_id: int, period: Period, as_of: datetime) -> LineEvidence | None:
    """One expected report's evidence at ``as_of``; None when the unit owed no report in that period."""
    found = judged(report_type=report_type, periods=[period], as_of=as_of, unit_ids=[unit_id])
    if not found:
        return None
    item = found[0]
    verdict = item.verdict
    review = None
    if item.instance_id is not None and verdict.standing is not None and verdict.decision is not None:
        version = (
            ReportVersion.objects.filter(instance_id=item.instance_id, number=verdict.standing)
            .select_related("review", "review__by")
            .first()
        )
        if version is not None and hasattr(version, "review"):
            review = ReviewFacts(
                version=version.number,
                submitted_at=version.submitted_at,
                decision=version.review.decision,
                reasons=tuple(version.review.reasons or ()),
                text=version.review.text,
                reviewer=_name(version.review.by),
                at=version.review.at,
            )
    known = incidents.incidents().filter(pk__in=list(verdict.incidents)) if verdict.incidents else []
    refused = (
        RefusedSubmission.objects.filter(instance_id=item.instance_id, at__lte=as_of)
        .select_related("by")
        .order_by("at", "pk")
        if item.instance_id is not None
        else []
    )
    return LineEvidence(
        judged=item,
        appeals=appeals_of_line(report_type=report_type, unit_id=unit_id, period=period, as_of=as_of),
        review=review,
        incidents=[IncidentFacts(i.pk, i.start, i.end, i.description) for i in known],
        refused=[RefusalFacts(r.at, _name(r.by), list(r.missing)) for r in refused],
    )


def _appeal_facts(appeal: Appeal, as_of: datetime) -> AppealFacts:
    decided = appeal.decided_at is not None and appeal.decided_at <= as_of
    return AppealFacts(
        id=appeal.pk,
        reason=appeal.reason,
        filed_by=_name(appeal.filed_by),
        filed_at=appeal.filed_at,
        decision=appeal.decision if decided else AppealDecision.PENDING.value,
        decision_reason=appeal.decision_reason if decided else "",
        decided_by=_name(appeal.decided_by) if decided else "",
        decided_at=appeal.decided_at if decided else None,
        line=dict(appeal.line),
        attachments=[(a.pk, a.name, a.size) for a in appeal.attachments.all()],
    )


def _appeals_known(as_of: datetime) -> Any:
    return (
        Appeal.objects.filter(filed_at__lte=as_of)
        .select_related("unit", "report_type", "filed_by", "decided_by")
        .prefetch_related("attachments")
    )


def appeals_of_line(*, report_type: ReportType, unit_id: int, period: Period, as_of: datetime) -> list[AppealFacts]:
    """Every appeal against one line filed by ``as_of``, newest first (two queries)."""
    qs = _appeals_known(as_of).filter(report_type=report_type, unit_id=unit_id, period=period.code)
    return [_appeal_facts(appeal, as_of) for appeal in qs.order_by("-filed_at", "-id")]


@dataclass(frozen=True)
class AppealRow:
    facts: AppealFacts
    unit_code: str
    unit_name: str
    period: str


def appeals_to_decide(*, report_type: ReportType, as_of: datetime, within: Unit | None = None) -> list[AppealRow]:
    """Every appeal filed by ``as_of`` (of the units below ``within`` as at ``as_of``'s day, when given):
    those waiting for a decision first (oldest first), then the decided ones (latest decision first). Unit
    names as of the appeal's period (three queries)."""
    known = _appeals_known(as_of).filter(report_type=report_type)
    if within is not None:
        known = known.filter(unit_id__in=units.descendant_ids(within, on=clock.local_date(as_of)))
    rows = list(known)
    names = _names_in_periods(report_type, {(a.unit.code, a.period) for a in rows})
    found = [
        AppealRow(_appeal_facts(a, as_of), a.unit.code, names.get((a.unit.code, a.period), a.unit.code), a.period)
        for a in rows
    ]
    pending = sorted((r for r in found if r.facts.pending), key=lambda r: (r.facts.filed_at, r.facts.id))
    decided = sorted(
        (r for r in found if not r.facts.pending),
        key=lambda r: (r.facts.decided_at or r.facts.filed_at, r.facts.id),
        reverse=True,
    )
    return pending + decided


def _names_in_periods(report_type: ReportType, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(unit code, period code) → the unit's name at the end of that period's window (one query)."""
    if not keys:
        return {}
    periods = sorted({Period.parse(code) for _, code in keys}, key=lambda p: p.code)
    settings = period_settings(report_type, periods)
    ends = {p.code: p.window(settings[p].policy.cutoff_day)[1] for p in periods}
    versions = UnitVersion.objects.filter(unit__code__in=sorted({code for code, _ in keys})).values_list(
        "unit__code", "name", "valid_from", "valid_until"
    )
    names: dict[tuple[str, str], str] = {}
    for code, name, valid_from, valid_until in versions:
        for unit_code, period in keys:
            end = ends[period]
            if (
                unit_code == code
                and (valid_from is None or valid_from <= end)
                and (valid_until is None or end < valid_until)
            ):
                names[(code, period)] = name
    return names


def window_end(report_type: ReportType, period: Period) -> date:
    """The last day of a period's data window under the settings in force for it."""
    return catalogue.window(report_type, period)[1]


def incident_descriptions(ledger: Ledger) -> dict[int, str]:
    """id → description of every incident the ledger's lines name (one query; none when no line names one)."""
    ids = {i for line in ledger.lines for i in line.judged.verdict.incidents}
    return incidents.descriptions(ids) if ids else {}


def unit_in_year(report_type: ReportType, code: str, year: int) -> tuple[UnitVersion, date] | None:
    """The unit as it was at the end of the latest period's window of the year it existed in, and that
    day (two queries)."""
    year_periods = periods_of_year(year, report_type.periods)
    settings = period_settings(report_type, year_periods)
    ends = sorted((p.window(settings[p].policy.cutoff_day)[1] for p in year_periods), reverse=True)
    versions = list(UnitVersion.objects.filter(unit__code=code).select_related("unit", "parent"))
    for end in ends:
        for version in versions:
            if (version.valid_from is None or version.valid_from <= end) and (
                version.valid_until is None or end < version.valid_until
            ):
                return version, end
    return None


def appeal(pk: int) -> Appeal | None:
    return Appeal.objects.select_related("unit", "report_type").filter(pk=pk).first()


def appeal_attachment(*, appeal_id: int, pk: int) -> AppealAttachment | None:
    """The file of an appeal (with its appeal), or None."""
    return (
        AppealAttachment.objects.select_related("appeal", "appeal__unit", "appeal__report_type")
        .filter(appeal_id=appeal_id, pk=pk)
        .first()
    )


def urging_letters_for(*, unit: Unit, report_type: ReportType, period: Period) -> list[UrgingLetterLine]:
    """The urging letters that named this unit's report (oldest first, each with its letter): one query."""
    return list(
        UrgingLetterLine.objects.filter(unit=unit, period=period.code, letter__report_type=report_type)
        .select_related("letter")
        .order_by("letter__drafted_at", "pk")
    )
