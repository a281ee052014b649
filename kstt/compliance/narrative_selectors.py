"""The narrative report KSTT drafts for a receiving unit (issue 15 point 2): the value, gathered here.

A unit that receives reports (the province; a district in the 2021 shape) writes one narrative report per
period from what the units below it sent. ``narrative_of`` gathers it as a ``kstt.exports.narrative.Narrative``
(the renderer never queries):

- the outline in force at the end of the period's window, its sections in order;
- in each section, the text each unit that owes the receiving unit the report wrote there in its standing
  version (accepted, else the latest submitted: kstt.compilation.rules.standing_version), under the unit's
  name; the units whose standing version leaves the section empty, named briefly;
- in the sections about form 06's figures (kstt.exports.narrative.FIGURE_SECTIONS), form 06 compiled from
  the units' standing reports (kstt.reports.compiled_selectors.compile_from_reports): the total and a row per
  group of units, the units missing;
- the reporting regime: the verdict of each unit's report as the ledger judges it at ``as_of``
  (kstt.compliance.selectors.judged: on time, excused, late, not sent, or not judged yet), with its
  deduction once final (an overturned appeal cancels it, as in the ledger).

It lives in compliance because it needs the ledger's verdicts, and compliance is the layer above reports.
``narrative_docx`` is the one plain function other exports call: the docx's bytes for a unit and a period.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import translation

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.periods import Period
from kstt.compilation import rules as compilation
from kstt.compilation.selectors import COMPILED_LEVELS, CompilationError
from kstt.compliance.ledger_selectors import latest_appeals
from kstt.compliance.rules import ZERO
from kstt.compliance.selectors import Judged, judged
from kstt.exports.narrative import (
    FIGURE_SECTIONS,
    FigureRow,
    Figures,
    Narrative,
    NarrativeSection,
    RegimeLine,
    UnitText,
    render_narrative,
)
from kstt.reports.choices import timeliness_label
from kstt.reports.compiled_selectors import FromReports, compile_from_reports
from kstt.reports.models import ReportVersion
from kstt.units import selectors as units
from kstt.units.models import Unit


class NarrativeError(ValueError):
    """No narrative can be drafted for this unit and period; the message says why (in English, for logs and
    the command; the page says it in Vietnamese)."""


def _order(line: Judged) -> tuple[int, str]:
    level = compilation.LEVEL_ORDER.index(line.level) if line.level in compilation.LEVEL_ORDER else 99
    return level, line.code


def _standing_texts(
    ids: list[int], *, report_type: ReportType, period: Period, as_of: datetime
) -> dict[int, dict[str, str]]:
    """unit id → the narrative of its standing version at ``as_of`` (units without a version submitted by then
    left out). Two queries: the versions' numbers and reviews, then the chosen versions' texts."""
    states: dict[int, list[tuple[int, compilation.VersionState]]] = {}
    for pk, number, unit_id, decision in ReportVersion.objects.filter(
        instance__unit_id__in=ids,
        instance__report_type=report_type,
        instance__period=period.code,
        submitted_at__lte=as_of,
    ).values_list("pk", "number", "instance__unit_id", "review__decision"):
        states.setdefault(unit_id, []).append((pk, compilation.VersionState(number, decision)))
    chosen: list[int] = []
    for versions in states.values():
        standing = compilation.standing_version(state for _pk, state in versions)
        if standing is not None:
            chosen.append(next(pk for pk, state in versions if state.number == standing.number))
    return {
        unit_id: {str(k): str(v or "") for k, v in (narrative or {}).items()}
        for unit_id, narrative in ReportVersion.objects.filter(pk__in=chosen).values_list(
            "instance__unit_id", "narrative"
        )
    }


def _figures(compiled: FromReports) -> Figures:
    c = compiled.compilation
    rows = [FigureRow(block.label, dict(block.subtotal)) for block in c.blocks]
    total_label = str(compiled.spec.layout.get("total_label") or "Tổng cộng")
    return Figures(
        total=dict(c.total),
        rows=[*rows, FigureRow(total_label, dict(c.total), total=True)],
        received=len(c.received),
        expected=len(c.lines),
        missing=[line.member.name for line in c.missing],
    )


def _regime(lines: list[Judged], *, as_of: datetime) -> list[RegimeLine]:
    final = [line for line in lines if line.scored and line.verdict.final]
    appeals = latest_appeals(final, as_of=as_of)
    zone = clock.province_zone()
    out = []
    for line in lines:
        deduction = None
        if line.scored and line.verdict.final:
            appeal = appeals.get((line.unit_id, line.period.code))
            deduction = ZERO if appeal is not None and appeal.decision == "overturned" else line.verdict.deduction
        sent = line.verdict.submitted_at
        status = str(line.verdict.status)
        with translation.override("vi"):  # the document is Vietnamese, as the official forms are
            label = str(timeliness_label(status))
        out.append(RegimeLine(line.name, status, label, sent.astimezone(zone) if sent else None, deduction))
    return out


def narrative_of(*, unit: Unit, period: Period, report_type: ReportType, as_of: datetime) -> Narrative:
    """The narrative report of a receiving unit for a period, dated the local day of ``as_of``: the
    verdicts as the ledger judges them at ``as_of``, the texts of the versions submitted by then (their
    reviews and form 06's compilation as they are now: a draft is made now). ``NarrativeError`` when the
    unit receives no reports then, or no outline is in force."""
    end = catalogue.window(report_type, period)[1]
    version = units.unit_on(unit.code, end)
    if version is None:
        raise NarrativeError(f"unit {unit.code} did not exist on {end.isoformat()}, the end of {period.code}")
    if version.level not in COMPILED_LEVELS:
        raise NarrativeError(f"unit {unit.code} receives no reports: only a district or the province drafts one")
    outline = catalogue.outline_in_force(report_type, on=end)
    if outline is None:
        raise NarrativeError(f"no outline is in force on {end.isoformat()} (kstt load-catalogue)")
    children = list(units.children_on(unit, end).values_list("unit_id", flat=True))
    owed = sorted(judged(report_type=report_type, periods=[period], as_of=as_of, unit_ids=children), key=_order)
    texts = _standing_texts([line.unit_id for line in owed], report_type=report_type, period=period, as_of=as_of)
    spec = outline.spec
    figures = None
    if any(s.key in FIGURE_SECTIONS for s in spec.sections):
        try:
            figures = _figures(compile_from_reports(unit=unit, period=period, report_type=report_type, as_of=as_of))
        except CompilationError as exc:
            raise NarrativeError(str(exc)) from None
    unsent = [line.name for line in owed if line.unit_id not in texts]
    sections = []
    for section in spec.sections:
        written = [
            (line.name, texts[line.unit_id].get(section.key, "").strip()) for line in owed if line.unit_id in texts
        ]
        sections.append(
            NarrativeSection(
                key=section.key,
                number=section.number,
                title=section.title,
                text=section.text,
                texts=[UnitText(name, text) for name, text in written if text] if section.text else [],
                silent=[name for name, text in written if not text] if section.text else [],
                unsent=unsent if section.text else [],
                figures=figures if section.key in FIGURE_SECTIONS else None,
            )
        )
    parent = units.versions_on(end).filter(unit_id=version.parent_id).first() if version.parent_id else None
    extra = {"recipient": parent.name} if parent is not None else {}
    return Narrative(
        unit=version.name,
        year=period.year,
        kind=period.kind,
        on=clock.local_date(as_of),
        legal_basis=spec.legal_basis,
        sections=sections,
        regime=_regime(owed, as_of=as_of),
        **extra,
    )


def narrative_docx(
    *, unit: Unit, period: Period, as_of: datetime | None = None, report_type: ReportType | None = None
) -> bytes:
    """The draft narrative report of a receiving unit (the province, a district in the 2021 shape) for a
    period, as the bytes of a .docx: as things stand at ``as_of`` (default now), for the KSTT report type
    (default). ``NarrativeError`` when it cannot be drafted (the unit receives no reports, no outline, no
    catalogue)."""
    if report_type is None:
        report_type = catalogue.report_type()
        if report_type is None:
            raise NarrativeError("the catalogue is not loaded (kstt load-catalogue)")
    at = clock.now() if as_of is None else as_of
    return render_narrative(narrative_of(unit=unit, period=period, report_type=report_type, as_of=at))
