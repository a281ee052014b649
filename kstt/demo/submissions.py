"""Load the demo's 2021 submission history: real drafts, then the history file, version by version.

The history is the ``kstt load-submissions`` file (``kstt.demo.history``), loaded through
``reports.services.load_submissions`` like any history moved in from an earlier system. That loader
submits the draft as it stands, so before each version's lines are loaded the unit's reporter saves
the draft of that version through the same services as the data-entry page (``open_instance``,
``attach_document``, ``save_draft``), at the instant the plan gives: form 06 computed from the
unit's dossiers (``compile_form06``), the outline's sections in plain Vietnamese, a one-page PDF as
the narrative. A version later returned carries the flaw it was returned for; the next is corrected.

Loading again changes nothing: a report with a version (or a saved draft) keeps it, and the history
loader leaves the lines already loaded alone.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from kstt import clock
from kstt.accounts.choices import Role
from kstt.accounts.models import User
from kstt.accounts.services import save_user
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.outlines import parse_outline_spec
from kstt.catalogue.rules.periods import Period
from kstt.compilation.selectors import FORM06, TOTAL, CompilationError, compile_form06
from kstt.demo import content
from kstt.demo.history import Case, Due, Plan, history_csv, plan
from kstt.reports import documents, services
from kstt.reports import selectors as reports
from kstt.reports.models import Draft, ReportInstance
from kstt.units import selectors as units
from kstt.units.models import Unit

SEED = 2021

#: The demo logins' own reports tell a story (the rest is drawn from the seed):
#: Lan's commune was returned in Q2 and corrected, and her Q4 report is still a draft on the demo's day;
#: the Department of Justice sent Q3 before the incident of 20/09 that excused huyện Đà Bắc (D148).
PINNED: dict[tuple[str, str], Case] = {
    ("W05341", "2021Q1"): Case.ON_TIME,
    ("W05341", "2021Q2"): Case.RETURNED,
    ("W05341", "2021Q3"): Case.LATE,
    ("W05341", "2021Q4"): Case.NOT_SENT,
    ("P17-STP", "2021Q3"): Case.ON_TIME,
    ("D157", "2021Q3"): Case.RETURNED,
}

#: The 2026 demo (Phú Thọ, communes reporting to the province): Thu's phường Hòa Bình was returned in Q2,
#: excused in Q3 by the incident of 16/09/2026, and has not sent Q4 by the demo's day (on the chase list);
#: Sở Tư pháp was late in Q1 (appealed, upheld) and phường Tân Hòa in Q2 (appealed, overturned).
PINNED_2026: dict[tuple[str, str], Case] = {
    ("W04795", "2026Q1"): Case.ON_TIME,
    ("W04795", "2026Q2"): Case.RETURNED,
    ("W04795", "2026Q3"): Case.EXCUSED,
    ("W04795", "2026Q4"): Case.NOT_SENT,
    ("P25-STP", "2026Q1"): Case.LATE,
    ("P25-STP", "2026Q3"): Case.ON_TIME,
    ("W04792", "2026Q2"): Case.LATE,
}

#: Family, middle and given names for the units' reporters (who saved each draft).
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Bùi", "Đinh", "Quách", "Xa", "Hà")
MIDDLE = ("Thị", "Văn", "Đức", "Thu", "Minh", "Hồng", "Quang")
GIVEN = ("Hương", "Hùng", "Mai", "Dũng", "Thảo", "Sơn", "Hạnh", "Tuấn", "Linh", "Cường", "Nga", "Thắng")


@dataclass
class HistoryLoad:
    reports: int = 0
    drafts: int = 0
    submitted: int = 0
    reviewed: int = 0
    unchanged: int = 0


def dues(report_type: ReportType, *, year: int, now: datetime) -> list[Due]:
    """Every report owed for the year's periods whose window has ended by ``now`` (the deadline
    engine of kstt.reports.selectors: the tree, the calendar and the incidents of that period)."""
    found = []
    for period in reports.periods(report_type, year):
        window_end = catalogue.window(report_type, period)[1]
        if window_end >= clock.local_date(now):
            continue
        parents = [root.unit for root in units.roots_on(window_end)]
        parents += [v.unit for v in units.versions_on(window_end).filter(level="district")]
        for parent in parents:
            for owed in reports.owed_below(unit=parent, report_type=report_type, period=period, now=now):
                if owed.effective_deadline is None:  # an incident still open: nothing to plan yet
                    continue
                found.append(
                    Due(
                        unit_code=owed.unit.unit.code,
                        level=owed.unit.level,
                        period=period.code,
                        window_end=window_end,
                        deadline=owed.schedule.deadline,
                        effective_deadline=owed.effective_deadline,
                        closing=owed.effective_closing or owed.schedule.closing,
                    )
                )
    return found


def load_history(
    *, now: datetime, year: int = 2021, seed: int = SEED, pinned: Mapping[tuple[str, str], Case] | None = None
) -> HistoryLoad:
    """Plan the year's history up to ``now`` and load it: all or nothing. ``pinned``: the cases told on
    purpose (the 2021 demo's unless given). Loading again with a later ``now`` adds only what happened since."""
    report_type = catalogue.report_type("kstt")
    result = HistoryLoad()
    if report_type is None:
        return result
    plans = plan(dues(report_type, year=year, now=now), now=now, seed=seed, pinned=PINNED if pinned is None else pinned)
    result.reports = sum(1 for p in plans if p.steps)
    with transaction.atomic():
        loader = _Loader(report_type, plans, now=now, seed=seed)
        for version in (1, 2):
            for p in plans:
                for step in p.drafts(version):
                    result.drafts += loader.draft(p, version=version, at=step.at, flaw=step.flaw)
            lines = [p for p in plans if p.lines(version)]
            if lines:
                loaded = services.load_submissions(
                    data=history_csv(lines, version=version), at=now, source=f"lịch sử báo cáo mẫu (demo) năm {year}"
                )
                result.submitted += loaded.submitted
                result.reviewed += loaded.reviewed
                result.unchanged += loaded.unchanged
    return result


class _Loader:
    def __init__(self, report_type: ReportType, plans: Sequence[Plan], *, now: datetime, seed: int) -> None:
        self.report_type, self.now, self.seed = report_type, now, seed
        codes = {p.due.unit_code for p in plans if p.steps}
        self.units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        self.reporters: dict[str, User] = {}
        self.existing = {
            (i.unit.code, i.period): i
            for i in ReportInstance.objects.filter(report_type=report_type, unit__code__in=codes).select_related(
                "unit", "draft"
            )
        }
        self.sections: dict[str, list[str]] = {}

    def reporter(self, unit: Unit) -> User:
        """A reporter of the unit: the demo login of that unit, else one made for it (no password:
        the account cannot log in; it is who saved the unit's drafts)."""
        if unit.code not in self.reporters:
            user = User.objects.filter(unit=unit, is_reporter=True, is_active=True).order_by("pk").first()
            if user is None:
                rng = random.Random(f"{self.seed}:reporter:{unit.code}")  # noqa: S311 (demo data)
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                user = save_user(
                    username=f"bc-{unit.code.lower()}",
                    full_name=name,
                    unit=unit,
                    roles={Role.REPORTER},
                    password=None,
                    at=self.now,
                )
            self.reporters[unit.code] = user
        return self.reporters[unit.code]

    def outline(self, period: Period) -> list[str]:
        window_end = catalogue.window(self.report_type, period)[1]
        if period.code not in self.sections:
            outline = catalogue.outline_in_force(self.report_type, on=window_end)
            spec = parse_outline_spec(outline.definition) if outline is not None else None
            self.sections[period.code] = [s.key for s in spec.fields] if spec is not None else []
        return self.sections[period.code]

    def draft(self, p: Plan, *, version: int, at: datetime, flaw: str) -> int:
        """Save the draft of ``version`` as the unit's reporter, unless the report is past it already."""
        key = (p.due.unit_code, p.due.period)
        instance = self.existing.get(key)
        if instance is not None:
            instance.refresh_from_db()
            count = instance.versions.count()
            current = Draft.objects.get(instance=instance)
            if count >= version or (version == 1 and current.revision > 0) or current.updated_at >= at:
                return 0  # already past it, or this draft was saved by an earlier load (up to an earlier clock)
        unit = self.units[p.due.unit_code]
        reporter = self.reporter(unit)
        period = Period.parse(p.due.period)
        if instance is None:
            instance = services.open_instance(
                unit=unit, report_type=self.report_type, period=period, at=at, actor=reporter
            )
            self.existing[key] = instance
        # One draw per report for the text, another for the fault: a corrected version differs from
        # the returned one only where the fault was.
        rng = random.Random(f"{self.seed}:{p.due.unit_code}:{p.due.period}:text")  # noqa: S311
        values, figures = self.values(unit, period, flaw=flaw, rng=random.Random(f"{rng.random()}:fault"))  # noqa: S311
        text = content.narrative(self.outline(period), figures, rng, flaw=flaw)
        if version == 1:
            self.attach(instance, unit, period, text, at=at, actor=reporter)
        current = Draft.objects.get(instance=instance)
        services.save_draft(
            instance=instance,
            values=values,
            narrative=text,
            reasons={},
            expected_revision=current.revision,
            at=at + timedelta(minutes=3) if version == 1 else at,
            actor=reporter,
        )
        return 1

    def values(
        self, unit: Unit, period: Period, *, flaw: str, rng: random.Random
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """Form 06 as computed from the unit's dossiers; a flawed version spoils it the way it was
        returned for (``inaccurate``: a total that does not add up, ``incomplete``: a row left blank,
        ``forms``: no form at all)."""
        try:
            compiled = compile_form06(unit=unit, period=period, report_type=self.report_type)
        except CompilationError:
            return {}, {}
        rows: dict[str, dict[str, int]] = {row.key: dict(row.counts) for row in compiled.all_rows()}
        rows[TOTAL] = dict(compiled.total)
        figures = dict(compiled.total)
        if flaw == "forms":
            return {}, figures
        field_rows = [k for k in rows if k != TOTAL]
        if flaw == "inaccurate" and field_rows:
            row = rows[rng.choice(field_rows)]
            row["settled_on_time"] += rng.randint(2, 9)
        if flaw == "incomplete" and field_rows:
            rows[rng.choice(field_rows)] = {}
        return {FORM06: rows}, figures

    def attach(
        self, instance: ReportInstance, unit: Unit, period: Period, text: dict[str, str], *, at: datetime, actor: User
    ) -> None:
        lines = [
            f"Bao cao tinh hinh, ket qua thuc hien kiem soat TTHC ky {period.code}",
            *(t for t in text.values() if t),
        ]
        attach_narrative(instance, lines, on=catalogue.window(self.report_type, period)[1], at=at, actor=actor)


def attach_narrative(instance: ReportInstance, lines: Sequence[str], *, on: date, at: datetime, actor: User) -> None:
    """Attach the report's narrative: a one-page unsigned PDF titled with the period and the unit's name on
    ``on`` (the end of the period's window), these lines under the title, checked as the page checks it."""
    unit = instance.unit
    version = units.unit_on(unit.code, on)
    name = version.name if version is not None else unit.code
    data = content.narrative_pdf([f"BAO CAO KSTT {instance.period} - {name}", *lines])
    check = documents.check_document(data, max_bytes=settings.KSTT_MAX_DOCUMENT_BYTES, at=at)
    services.attach_document(
        instance=instance,
        name=f"bao-cao-kstt-{instance.period.lower()}-{unit.code.lower()}.pdf",
        content=data,
        verification=check.to_json(),
        at=at,
        actor=actor,
    )
