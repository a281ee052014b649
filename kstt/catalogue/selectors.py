"""Every read of the catalogue: report types, the settings version in force for a period, the work calendar."""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Q, QuerySet

from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import (
    CalendarDay,
    FormDefinition,
    OutlineDefinition,
    ProcedureField,
    ReportType,
    SettingsVersion,
)
from kstt.catalogue.rules import settings as settings_rules
from kstt.catalogue.rules.deadlines import DeadlinePolicy, WorkCalendar, vietnam_calendar
from kstt.catalogue.rules.forms import FormSpec, parse_form_spec
from kstt.catalogue.rules.periods import Period

KSTT = "kstt"


@functools.cache
def _stamped() -> QuerySet[Any]:  # ReportType with the six annotations below
    """Report types with the stamp of what this process keeps of them (how many settings versions, forms and
    outlines, and the latest of each), built once per process: ``report_type`` adds the code to a copy of it
    (never evaluated itself). Building it took 0.24 ms of CPU per call, and its copy compiles in half the time
    of a new one: 0.33 ms instead of 0.65 ms a look-up (7 December 2026, 500 calls each, PostgreSQL 15;
    docs/it/load.md, the fourth round)."""
    return ReportType.objects.annotate(
        settings_count=Count("settings_versions", distinct=True),
        settings_last=Max("settings_versions__id"),
        forms_count=Count("forms", distinct=True),
        forms_last=Max("forms__id"),
        outlines_count=Count("outlines", distinct=True),
        outlines_last=Max("outlines__id"),
    )


def report_type(code: str = KSTT) -> ReportType | None:
    """The report type, with its settings versions (one query, a second only when a version was added since
    this process last read them: ``_process_versions``)."""
    found = _stamped().filter(code=code).first()
    if found is not None:
        found.__dict__[_REMEMBERED] = _process_versions(found, (found.settings_count, found.settings_last))
        stamp = (found.forms_count, found.forms_last, found.outlines_count, found.outlines_last)
        kept = _PROCESS_DEFINITIONS.get(found.pk)
        if kept is None or kept[0] != stamp:
            kept = _PROCESS_DEFINITIONS[found.pk] = (stamp, {}, {})
        found.__dict__[_FORMS], found.__dict__[_OUTLINES] = kept[1], kept[2]
    return found


def report_types() -> QuerySet[ReportType]:
    return ReportType.objects.order_by("code")


def settings_versions(report_type: ReportType) -> list[SettingsVersion]:
    """Every settings version of a report type, oldest (lowest number) first (one query)."""
    versions = list(
        SettingsVersion.objects.filter(report_type=report_type).select_related("recorded_by").order_by("number")
    )
    for version in versions:
        version.report_type = report_type
    return versions


def _as_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


_REMEMBERED = "_kstt_settings_versions"
_FORMS, _OUTLINES, _SPEC = "_kstt_forms_in_force", "_kstt_outline_in_force", "_kstt_form_spec"

#: Per process: report type pk → (its versions' count and highest id, its versions). A settings version is
#: immutable and never deleted (kstt.records.Immutable; a report type's go only with it, and a new report type
#: has a new pk), so a version added by any process changes its report type's count: the read of the report
#: type (``report_type``) carries the count and the highest id, and the versions are read again when either
#: differs. A test's rolled-back rows may come back with the same ids (SQLite), which production never sees:
#: the tests forget this between them (conftest.py, ``forget_process_settings``).
_PROCESS: dict[int, tuple[tuple[int, int | None], tuple[SettingsVersion, ...]]] = {}


def _process_versions(report_type: ReportType, stamp: tuple[int, int | None]) -> list[SettingsVersion]:
    """The report type's versions for this request: this process's copy when ``stamp`` (count, highest id,
    read with the report type) matches it, else read now. Each request gets its own copies of the rows."""
    kept = _PROCESS.get(report_type.pk)
    if kept is None or kept[0] != stamp:
        versions = tuple(SettingsVersion.objects.filter(report_type=report_type).order_by("number"))
        # the stamp of what was read: a version committed between the two queries is in it, and read again next time
        kept = _PROCESS[report_type.pk] = ((len(versions), max((v.pk for v in versions), default=None)), versions)
    copies = [copy.copy(version) for version in kept[1]]
    for version in copies:
        version.report_type = report_type
    return copies


#: Per process: report type pk → (the count and highest id of its forms and of its outlines, the forms in force
#: by (level, day), the outline by day). A form or an outline version is written once by ``load-catalogue``
#: (a changed (code, version) is refused; nothing updates or deletes one) and linked to its report types then:
#: a new one changes the count, carried by the report type's read, and the process starts again from nothing.
_PROCESS_DEFINITIONS: dict[
    int,
    tuple[
        tuple[int, int | None, int, int | None],
        dict[tuple[str, date], list[FormDefinition]],
        dict[date, OutlineDefinition | None],
    ],
] = {}


def forget_process_settings() -> None:
    """Forget every report type's versions, forms and outlines this process keeps (the tests, between them)."""
    _PROCESS.clear()
    _PROCESS_DEFINITIONS.clear()


def _versions(report_type: ReportType) -> list[SettingsVersion]:
    """The report type's versions, read once per ReportType instance (each request loads its own): the
    pages ask for a period's window many times. The services that add a version forget them on the
    instance they are given (``forget_settings``)."""
    remembered: list[SettingsVersion] | None = report_type.__dict__.get(_REMEMBERED)
    if remembered is None:
        remembered = report_type.__dict__[_REMEMBERED] = settings_versions(report_type)
    return remembered


def unsaved_version(
    report_type: ReportType, *, number: int, valid_from: date | None, values: Mapping[str, Any]
) -> SettingsVersion:
    """A settings version with these values (``SettingsVersion.values()``'s keys), not saved."""
    values = settings_rules.canonical(values)
    return SettingsVersion(
        report_type=report_type,
        number=number,
        valid_from=valid_from,
        cutoff_day=values["cutoff_day"],
        closing_days=values["closing_days"],
        roll_forward=values["roll_forward"],
        returned_on_time=values["returned_on_time"],
        deadlines=values["deadlines"],
        scored_levels=values["scored_levels"],
        not_sent_points=Decimal(values["not_sent_points"]),
        late_points=Decimal(values["late_points"]),
        digital_signature_required=values["digital_signature_required"],
    )


def as_if_settings(report_type: ReportType, *, valid_from: date, values: Mapping[str, Any]) -> ReportType:
    """The report type as a new settings version from ``valid_from`` would make it, in memory (the
    preview of a change's cost, kstt.ledger_impact): a copy whose versions, as every selector here reads
    them, end with that version. Nothing is saved; the report type itself is untouched."""
    versions = _versions(report_type)
    number = max((v.number for v in versions), default=0) + 1
    twin = copy.copy(report_type)
    twin.__dict__[_REMEMBERED] = [
        *versions,
        unsaved_version(twin, number=number, valid_from=valid_from, values=values),
    ]
    return twin


def forget_settings(report_type: ReportType) -> None:
    """Read the versions, the forms and the outline again on the next question (after a version was added, the
    catalogue loaded)."""
    for remembered in (_REMEMBERED, _FORMS, _OUTLINES):
        report_type.__dict__.pop(remembered, None)


def settings_for(report_type: ReportType, period: Period | str) -> SettingsVersion:
    """The settings version that judges a period: the one in force on its first day (one query at most)."""
    return settings_rules.in_force(_versions(report_type), _as_period(period))


def settings_by_period(report_type: ReportType, periods: Iterable[Period | str]) -> dict[str, SettingsVersion]:
    """period code → the settings version that judges it, for any number of periods (one query at most)."""
    versions = _versions(report_type)
    return {period.code: settings_rules.in_force(versions, period) for period in map(_as_period, periods)}


def settings_on(report_type: ReportType, day: date) -> SettingsVersion:
    """The settings version in force on a day (the catalogue page's “in force today”)."""
    return settings_rules.in_force_on(_versions(report_type), day)


def window(report_type: ReportType, period: Period | str) -> tuple[date, date]:
    """The period's data window [start, end] (local dates) under the settings in force for it."""
    chosen = _as_period(period)
    return settings_for(report_type, chosen).window(chosen)


def policy(version: SettingsVersion) -> DeadlinePolicy:
    """A settings version's deadline settings as the pure rules take them (``version.policy``)."""
    return version.policy


def province_days(*, active_only: bool = True) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.all()
    return qs.filter(active=True) if active_only else qs


def work_calendar(years: Iterable[int], *, changed: Mapping[date, str | None] | None = None) -> WorkCalendar:
    """Vietnam's public calendar for these years (and the next, for rollovers) with the province's days.

    ``changed``: day → the kind the province would declare it (None: withdrawn), in memory, instead of
    what is recorded (the preview of a change's cost, kstt.ledger_impact)."""
    wanted = sorted({y for year in years for y in (year - 1, year, year + 1)})
    kinds = {d.day: (d.kind, d.name) for d in province_days().filter(day__year__in=wanted)}
    for day, kind in (changed or {}).items():
        if kind is None:
            kinds.pop(day, None)
        elif day.year in wanted:
            kinds[day] = (kind, kinds.get(day, (kind, ""))[1])
    return vietnam_calendar(
        wanted,
        province_days_off={day: name for day, (kind, name) in kinds.items() if kind == DayKind.DAY_OFF},
        province_working_days={day: name for day, (kind, name) in kinds.items() if kind == DayKind.WORKING_DAY},
    )


def forms_in_force(*, report_type: ReportType, level: str, on: date) -> list[FormDefinition]:
    """The forms a unit of ``level`` fills for this report type, in force on ``on`` (latest version of each).
    Read once per ReportType instance for a level and a day, as its settings versions are (``_versions``): a
    submission's checks, prefill and R7 ask for the same forms; ``forget_settings`` forgets them too. Read
    through ``report_type``, once per process while no form is added (``_PROCESS_DEFINITIONS``)."""
    remembered: dict[tuple[str, date], list[FormDefinition]] = report_type.__dict__.setdefault(_FORMS, {})
    if (level, on) not in remembered:
        candidates = (
            FormDefinition.objects.filter(report_types=report_type, valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
            .order_by("code", "-version")
        )
        latest: dict[str, FormDefinition] = {}
        for form in candidates:
            if level in form.levels and form.code not in latest:
                latest[form.code] = form
        remembered[(level, on)] = list(latest.values())
    return list(remembered[(level, on)])


def form_spec(form: FormDefinition) -> FormSpec:
    """A form's stored definition as the pure rules read it (``parse_form_spec``), parsed once per instance."""
    spec: FormSpec | None = form.__dict__.get(_SPEC)
    if spec is None:
        spec = form.__dict__[_SPEC] = parse_form_spec(form.definition)
    return spec


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
    """The narrative outline (đề cương) of a report type in force on ``on``: its latest version then (read once
    per ReportType instance and day, as ``forms_in_force``)."""
    remembered: dict[date, OutlineDefinition | None] = report_type.__dict__.setdefault(_OUTLINES, {})
    if on not in remembered:
        remembered[on] = (
            OutlineDefinition.objects.filter(report_types=report_type, valid_from__lte=on)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=on))
            .order_by("-version", "code")
            .first()
        )
    return remembered[on]


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
