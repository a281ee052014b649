"""Every read of the catalogue, and the deadline policy and work calendar built from it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Min, Q, QuerySet

from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import (
    CalendarDay,
    DeadlineRule,
    FormDefinition,
    OutlineDefinition,
    ProcedureField,
    ReportType,
)
from kstt.catalogue.rules.deadlines import DeadlinePolicy, LevelDeadline, WorkCalendar, vietnam_calendar

KSTT = "kstt"


def report_type(code: str = KSTT) -> ReportType | None:
    return ReportType.objects.filter(code=code).first()


def report_types() -> QuerySet[ReportType]:
    return ReportType.objects.prefetch_related("deadline_rules").order_by("code")


def deadline_rules(report_type: ReportType) -> QuerySet[DeadlineRule]:
    return DeadlineRule.objects.filter(report_type=report_type).order_by("offset_days")


def policy(report_type: ReportType) -> DeadlinePolicy:
    """The report type's deadline settings as the pure rules take them."""
    return DeadlinePolicy(
        levels={rule.level: LevelDeadline(rule.offset_days, rule.cap_day) for rule in deadline_rules(report_type)},
        cutoff_day=report_type.cutoff_day,
        closing_days=report_type.closing_days,
        roll_forward=report_type.roll_forward,
    )


def province_days(*, active_only: bool = True) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.all()
    return qs.filter(active=True) if active_only else qs


def work_calendar(years: Iterable[int]) -> WorkCalendar:
    """Vietnam's public calendar for these years (and the next, for rollovers) with the province's days."""
    wanted = sorted({y for year in years for y in (year - 1, year, year + 1)})
    declared = province_days().filter(day__year__in=wanted)
    return vietnam_calendar(
        wanted,
        province_days_off={d.day: d.name for d in declared if d.kind == DayKind.DAY_OFF},
        province_working_days={d.day: d.name for d in declared if d.kind == DayKind.WORKING_DAY},
    )


def forms_in_force(*, report_type: ReportType, level: str, on: date) -> list[FormDefinition]:
    """The forms a unit of ``level`` fills for this report type, in force on ``on`` (latest version of each)."""
    candidates = (
        FormDefinition.objects.filter(report_types=report_type, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
        .order_by("code", "-version")
    )
    latest: dict[str, FormDefinition] = {}
    for form in candidates:
        if level in form.levels and form.code not in latest:
            latest[form.code] = form
    return list(latest.values())


def form_definitions() -> QuerySet[FormDefinition]:
    return FormDefinition.objects.prefetch_related("report_types").order_by("code", "version")


def form_in_force(*, code: str, on: date) -> FormDefinition | None:
    """The latest version of a form in force on ``on``."""
    return (
        FormDefinition.objects.filter(code=code, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
        .order_by("-version")
        .first()
    )


def outline_in_force(report_type: ReportType, *, on: date) -> OutlineDefinition | None:
    """The narrative outline (đề cương) of a report type in force on ``on``: its latest version then."""
    return (
        OutlineDefinition.objects.filter(report_types=report_type, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
        .order_by("-version", "code")
        .first()
    )


def outline_definitions(report_type: ReportType | None = None) -> QuerySet[OutlineDefinition]:
    """Every loaded outline version (of one report type when given), oldest first."""
    qs = OutlineDefinition.objects.prefetch_related("report_types").order_by("code", "version")
    return qs.filter(report_types=report_type) if report_type is not None else qs


def field_names(level: str) -> dict[str, str]:
    """code → name of the procedure fields of a level (any level's name as a fallback)."""
    names: dict[str, str] = {}
    for field in ProcedureField.objects.all():
        if field.level == level or field.code not in names:
            names[field.code] = field.name
    return names


def first_year(report_type: ReportType) -> int | None:
    """The year the report type's first form came into force (None when it has no forms)."""
    first = FormDefinition.objects.filter(report_types=report_type).aggregate(first=Min("valid_from"))["first"]
    return first.year if first is not None else None
