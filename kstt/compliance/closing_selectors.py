"""Every read about closing a year (chốt sổ, rules.md §6): the closings of a province's year, the one in
force at an instant, the closed ledger read back from its snapshot, what still blocks a closing, and the
lines whose live judgement differs from the closed one.

**Scope.** A closing is of one province's ledger of one year (one report type): the lines of the scored
units below the province (the tree at each period's window end). The provincial office closes its own
province's year; an administrator closes any province's. A year is closed at an instant when its
latest closing made by then was not reopened by then (closings and reopenings are facts with times, so
``--as-of`` reads the ledger as it was known then, closed or not).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import periods_of_year
from kstt.compliance import closing as snapshots
from kstt.compliance import rules
from kstt.compliance.ledger_selectors import (
    LEVEL_ORDER,
    Ledger,
    LedgerLine,
    YearCell,
    YearRow,
    YearTable,
    appeals_of_lines,
)
from kstt.compliance.models import YearClosing
from kstt.compliance.selectors import Judged, judged
from kstt.incidents import selectors as incidents
from kstt.reports.timeliness import PENDING
from kstt.units import selectors as units
from kstt.units.models import Unit, UnitVersion


def provinces(on: date) -> list[UnitVersion]:
    """The provinces in force on a day (units of the province level), by code."""
    return list(units.versions_on(on).filter(level="province").order_by("unit__code"))


def only_province(year: int) -> Unit | None:
    """The database's one province at the end of ``year`` (None when it holds none or several)."""
    found = provinces(date(year, 12, 31))
    return found[0].unit if len(found) == 1 else None


def province(code: str, year: int) -> Unit | None:
    """The unit of this code if it was a province at the end of ``year``."""
    version = units.unit_on(code, date(year, 12, 31))
    return version.unit if version is not None and version.level == "province" else None


def closings(*, report_type: ReportType, year: int, province: Unit) -> list[YearClosing]:
    """Every revision of the province's closing of the year, newest first, with its reopening."""
    return list(
        YearClosing.objects.filter(report_type=report_type, year=year, province=province)
        .select_related("closed_by", "reopening", "reopening__reopened_by", "province")
        .order_by("-revision")
    )


def _in_force(qs: QuerySet[YearClosing], at: datetime) -> YearClosing | None:
    latest = qs.filter(closed_at__lte=at).select_related("closed_by", "province").order_by("-revision").first()
    if latest is None:
        return None
    reopened = getattr(latest, "reopening", None)
    if reopened is not None and reopened.reopened_at <= at:
        return None
    return latest


def closing_in_force(*, report_type: ReportType, year: int, province: Unit, at: datetime) -> YearClosing | None:
    """The closing of the province's year in force at ``at`` (None: the year was open then)."""
    return _in_force(YearClosing.objects.filter(report_type=report_type, year=year, province=province), at)


def closings_in_force(*, report: str, year: int, at: datetime) -> list[YearClosing]:
    """The closings of a year in force at ``at``, any province (the catalogue asks, ledger_watch)."""
    provinces_closed = (
        YearClosing.objects.filter(report_type__code=report, year=year, closed_at__lte=at)
        .values_list("province_id", flat=True)
        .distinct()
    )
    found = []
    for province_id in sorted(provinces_closed):
        qs = YearClosing.objects.filter(report_type__code=report, year=year, province_id=province_id)
        closing = _in_force(qs, at)
        if closing is not None:
            found.append(closing)
    return found


def snapshot_of(closing: YearClosing) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(closing.snapshot)
    return data


def closed_units(*, at: datetime) -> set[tuple[str, int, str]]:
    """(report type code, year, unit code) of every line held by a closing in force at ``at``: every scored
    unit of a closed province's year has a total in its snapshot, 0,00 included. One query when nothing
    was ever closed, and one more per closed province's year."""
    found: set[tuple[str, int, str]] = set()
    years = (
        YearClosing.objects.filter(closed_at__lte=at)
        .values_list("report_type__code", "year", "province_id")
        .distinct()
        .order_by()
    )
    for report, year, province_id in years:
        qs = YearClosing.objects.filter(report_type__code=report, year=year, province_id=province_id)
        closing = _in_force(qs, at)
        if closing is not None:
            found |= {(report, year, unit) for unit in snapshot_of(closing).get("totals", {})}
    return found


def closed_ledger(closing: YearClosing) -> Ledger:
    """The ledger as it was closed, read back from the snapshot."""
    return snapshots.ledger_of(snapshot_of(closing))


def closed_by(closing: YearClosing) -> str | None:
    """Who closed it, as the deductions' ``"closed"`` says: the username, None for the system."""
    return closing.closed_by.get_username() if closing.closed_by is not None else None


@dataclass(frozen=True)
class Judgement:
    """A province's year judged at an instant: its ledger (the final scored lines, with their
    appeals), what keeps it from being closed, and the standing versions nobody reviewed."""

    year: int
    as_of: datetime
    ledger: Ledger
    blocks: list[tuple[rules.ClosingFacts, rules.Block]]
    not_reviewed: list[rules.ClosingFacts]
    expected: int = field(default=0)

    @property
    def may_close(self) -> bool:
        return self.expected > 0 and not self.blocks


def judgement(*, report_type: ReportType, year: int, province: Unit, as_of: datetime) -> Judgement:
    """The province's year as known at ``as_of``: what ``close_year`` would store, and why it may not."""
    found: list[Judged] = judged(
        report_type=report_type,
        periods=periods_of_year(year, report_type.periods),
        as_of=as_of,
        scored_only=True,
        within=province,
    )
    final = [item for item in found if item.verdict.final]
    appeals = appeals_of_lines(final, as_of=as_of)
    facts = []
    for item in found:
        appeal = appeals.get((item.unit_id, item.period.code))
        verdict = item.verdict
        facts.append(
            rules.ClosingFacts(
                unit=item.code,
                period=item.period.code,
                status=verdict.status,
                effective_closing=verdict.effective_closing,
                appeal=appeal.decision if appeal is not None else None,
                standing=verdict.standing,
                decision=verdict.decision,
            )
        )
    lines = [LedgerLine(item, appeals.get((item.unit_id, item.period.code))) for item in final]
    return Judgement(
        year=year,
        as_of=as_of,
        ledger=Ledger(year=year, as_of=as_of, lines=lines),
        blocks=rules.closing_blocks(facts, as_of=as_of),
        not_reviewed=rules.not_reviewed([f for f in facts if f.status not in PENDING]),
        expected=len(found),
    )


def settings_used(report_type: ReportType, year: int) -> dict[str, snapshots.SettingsUsed]:
    """period code → the settings version that judged it (one query at most)."""
    versions = catalogue.settings_by_period(report_type, periods_of_year(year, report_type.periods))
    return {
        code: snapshots.SettingsUsed(number=v.number, valid_from=v.valid_from, values=v.values())
        for code, v in versions.items()
    }


def incidents_used(ledger: Ledger) -> list[snapshots.IncidentUsed]:
    """The incidents the ledger's lines name (one query; none when no line names one)."""
    ids = sorted({i for line in ledger.lines for i in line.judged.verdict.incidents})
    if not ids:
        return []
    return [
        snapshots.IncidentUsed(i.pk, i.start, i.end, i.description)
        for i in incidents.incidents().filter(pk__in=ids).order_by("pk")
    ]


def live_ledger(*, report_type: ReportType, year: int, province: Unit, as_of: datetime) -> Ledger:
    """The province's ledger judged from today's facts (what ``--live`` gives once the year is closed)."""
    return judgement(report_type=report_type, year=year, province=province, as_of=as_of).ledger


def differences(
    *, report_type: ReportType, closing: YearClosing, as_of: datetime
) -> tuple[Ledger, Ledger, list[snapshots.Difference]]:
    """The closed ledger, the live one at ``as_of``, and the lines whose verdicts differ."""
    closed = closed_ledger(closing)
    live = live_ledger(report_type=report_type, year=closing.year, province=closing.province, as_of=as_of)
    return closed, live, snapshots.differences(closed, live)


def describe(closing: YearClosing) -> str:
    """The closing as a message names it: "the 2021 ledger of Tỉnh Hòa Bình, closed on 15/02/2022 09:00
    by Vũ Thị Hoa (revision 1)" (in the active language)."""
    who = closing.closed_by
    name = (who.get_full_name() or who.get_username()) if who is not None else gettext("the system")
    version = units.unit_on(closing.province.code, date(closing.year, 12, 31))
    return gettext("the %(year)s ledger of %(province)s, closed on %(when)s by %(who)s (revision %(revision)s)") % {
        "year": closing.year,
        "province": version.name if version is not None else closing.province.code,
        "when": closing.closed_at.astimezone(clock.province_zone()).strftime("%d/%m/%Y %H:%M"),
        "who": name,
        "revision": closing.revision,
    }


def closing_of_line(*, report_type: ReportType, unit: Unit, year: int, at: datetime) -> YearClosing | None:
    """The closing in force at ``at`` of the province whose ledger holds this unit's line of ``year``, if any."""
    for closing in (
        YearClosing.objects.filter(report_type=report_type, year=year, closed_at__lte=at)
        .filter(Q(reopening__isnull=True) | Q(reopening__reopened_at__gt=at))
        .select_related("province", "closed_by")
        .order_by("-revision")
    ):
        current = closing_in_force(report_type=report_type, year=year, province=closing.province, at=at)
        if current is not None and any(line["unit"] == unit.code for line in snapshot_of(current)["lines"]):
            return current
    return None


def province_for(user: Any, year: int, *, code: str | None = None) -> Unit | None:
    """The province whose year a page shows a user: ``code`` when given (an administrator's choice, or the
    office's own), the office's own province, the province above the user's unit, or the only one."""
    if code:
        found = province(code, year)
        if found is not None and (getattr(user, "is_kstt_admin", False) or getattr(user, "unit_id", None) == found.pk):
            return found
        return None
    unit = getattr(user, "unit", None)
    if unit is not None:
        return province_of_unit(unit, year)
    return only_province(year)


def province_of_unit(unit: Unit, year: int) -> Unit | None:
    """The province at the top of the unit's tree at the end of ``year`` (the unit itself if a province)."""
    on = date(year, 12, 31)
    above = units.ancestor_ids(unit, on=on)
    top = Unit.objects.filter(pk=above[-1]).first() if above else unit
    return top if top is not None and province(top.code, year) is not None else only_province(year)


def closed_table(record: YearClosing, *, unit_ids: Sequence[int] | None = None) -> YearTable:
    """The closed ledger as the ledger's pages show a year (rows by level then code)."""
    closed = closed_ledger(record)
    rows: dict[int, YearRow] = {}
    for line in closed.lines:
        item = line.judged
        if unit_ids is not None and item.unit_id not in unit_ids:
            continue
        cell = YearCell(item, line.appeal)
        row = rows.get(item.unit_id)
        cells = {**row.cells, item.period.code: cell} if row is not None else {item.period.code: cell}
        rows[item.unit_id] = YearRow(item.unit_id, item.code, item.name, item.level, cells)
    ordered = sorted(rows.values(), key=lambda r: (LEVEL_ORDER.get(r.level, 9), r.code))
    return YearTable(
        year=record.year,
        as_of=closed.as_of,
        periods=periods_of_year(record.year, record.report_type.periods),
        rows=ordered,
    )
