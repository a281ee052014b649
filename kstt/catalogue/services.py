"""Every write to the catalogue: report types and their deadline settings, forms, the province's days."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kstt import interchange
from kstt.audit import services as audit
from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import (
    CalendarDay,
    DeadlineRule,
    FormDefinition,
    OutlineDefinition,
    ProcedureField,
    ReportType,
)
from kstt.catalogue.rules import forms, outlines
from kstt.catalogue.rules.deadlines import DeadlinePolicy, LevelDeadline, policy_problems
from kstt.catalogue.rules.periods import KINDS
from kstt.units.choices import Level
from kstt.units.rules import LEVELS

DEFINITIONS = Path(__file__).resolve().parent / "definitions"


class CatalogueError(ValueError):
    """A catalogue change that cannot be made; nothing was changed. ``field``: the setting at fault."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def policy_problem_message(problem: str, values: dict[str, int | str]) -> str:
    """What an administrator reads when the catalogue page refuses a deadline setting."""
    level = values.get("level")
    named: dict[str, object] = {
        **values,
        "level": str(Level(level).label) if isinstance(level, str) and level in LEVELS else level or "",
    }
    texts = {
        "cutoff_range": _("The cut-off day must be between %(low)s and %(high)s."),
        "closing_range": _("The closing time must be between %(low)s and %(high)s days after the deadline."),
        "offset_range": _("%(level)s: the deadline must be between %(low)s and %(high)s days after the window."),
        "cap_range": _("%(level)s: the “never after” day must be a day of the month (%(low)s–%(high)s)."),
        "cap_with_calendar_months": _(
            "%(level)s: with the cut-off day 1 the window ends on the last day of the period's last month, "
            "so no “never after” day can fall after it: leave it empty."
        ),
        "cap_before_window_end": _(
            "%(level)s: the “never after” day must be the cut-off day (%(cutoff_day)s) or later, "
            "so that the deadline always falls after the window's last day."
        ),
    }
    return texts[problem] % named


def check_policy(policy: DeadlinePolicy) -> None:
    """Refuse a policy with a value that would not mean what the catalogue page says (the first one)."""
    problems = policy_problems(policy)
    if problems:
        field_name, problem, values = problems[0]
        raise CatalogueError(policy_problem_message(problem, values), field=field_name)


@dataclass
class CatalogueLoad:
    report_types_created: list[str] = field(default_factory=list)
    report_types_kept: list[str] = field(default_factory=list)
    forms_created: list[str] = field(default_factory=list)
    forms_unchanged: list[str] = field(default_factory=list)
    outlines_created: list[str] = field(default_factory=list)
    outlines_unchanged: list[str] = field(default_factory=list)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None


def _digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


REPORT_TYPE_KEYS = {
    "code",
    "name",
    "legal_basis",
    "periods",
    "returned_on_time",
    "also",
    "cutoff_day",
    "closing_days",
    "roll_forward",
    "deadlines",
}


def _check_report_type(path: Path, data: dict[str, Any]) -> None:
    unknown = set(data) - REPORT_TYPE_KEYS
    if unknown:
        raise CatalogueError(f"{path.name}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("code", "name", "periods", "deadlines"):
        if key not in data:
            raise CatalogueError(f"{path.name}: missing {key}")
    bad = [k for k in data["periods"] if k not in KINDS]
    if bad:
        raise CatalogueError(f"{path.name}: periods: unknown period kind(s) {', '.join(bad)}")
    for level, rule in data["deadlines"].items():
        if level not in LEVELS:
            raise CatalogueError(f"{path.name}: deadlines.{level}: unknown level")
        if not isinstance(rule.get("offset_days"), int) or rule["offset_days"] < 1:
            raise CatalogueError(f"{path.name}: deadlines.{level}.offset_days must be a whole number of days ≥ 1")
        if rule.get("cap_day") is not None and not isinstance(rule["cap_day"], int):
            raise CatalogueError(f"{path.name}: deadlines.{level}.cap_day must be a day of the month")
    for key in ("cutoff_day", "closing_days"):
        if not isinstance(data.get(key, 1), int):
            raise CatalogueError(f"{path.name}: {key} must be a whole number")
    policy = DeadlinePolicy(
        levels={
            level: LevelDeadline(rule["offset_days"], rule.get("cap_day")) for level, rule in data["deadlines"].items()
        },
        cutoff_day=data.get("cutoff_day", 15),
        closing_days=data.get("closing_days", 30),
    )
    try:
        check_policy(policy)
    except CatalogueError as exc:
        raise CatalogueError(f"{path.name}: {exc}", field=exc.field) from None


@transaction.atomic
def load_catalogue(*, directory: Path = DEFINITIONS, at: datetime, actor: Any = None) -> CatalogueLoad:
    """Load report types, form and outline definitions from files. All or nothing; safe to run again.

    A report type already present keeps its settings (an administrator may have changed them).
    A form or an outline (code, version) already present must be unchanged: a changed one is a new version.
    """
    result = CatalogueLoad()
    for path in sorted((directory / "report_types").glob("*.toml")):
        data = _read_toml(path)
        _check_report_type(path, data)
        report_type, created = ReportType.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "legal_basis": data.get("legal_basis", ""),
                "periods": list(data["periods"]),
                "also": dict(data.get("also", {})),
                "cutoff_day": data.get("cutoff_day", 15),
                "closing_days": data.get("closing_days", 30),
                "roll_forward": data.get("roll_forward", True),
                "returned_on_time": data.get("returned_on_time", True),
            },
        )
        if created:
            DeadlineRule.objects.bulk_create(
                DeadlineRule(
                    report_type=report_type, level=level, offset_days=rule["offset_days"], cap_day=rule.get("cap_day")
                )
                for level, rule in data["deadlines"].items()
            )
            result.report_types_created.append(report_type.code)
        else:
            result.report_types_kept.append(report_type.code)

    report_types = {rt.code: rt for rt in ReportType.objects.all()}
    for path in sorted((directory / "forms").glob("*.toml")):
        _load_definition(path, report_types, kind="form", result=result)

    for path in sorted((directory / "outlines").glob("*.toml")):
        _load_definition(path, report_types, kind="outline", result=result)

    if result.report_types_created or result.forms_created or result.outlines_created:
        audit.record(
            actor=actor,
            event="catalogue.loaded",
            at=at,
            data={
                "report_types": result.report_types_created,
                "forms": result.forms_created,
                "outlines": result.outlines_created,
            },
        )
    return result


def _load_definition(path: Path, report_types: dict[str, ReportType], *, kind: str, result: CatalogueLoad) -> None:
    """One form or outline file: created, or found unchanged; a changed (code, version) is refused."""
    raw = _read_toml(path)
    spec: forms.FormSpec | outlines.OutlineSpec
    try:
        spec = forms.parse_form_spec(raw) if kind == "form" else outlines.parse_outline_spec(raw)
    except (forms.FormSpecError, outlines.OutlineSpecError) as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None
    missing = [code for code in spec.report_types if code not in report_types]
    if missing:
        raise CatalogueError(f"{path.name}: unknown report type(s) {', '.join(missing)}")
    model: type[FormDefinition] | type[OutlineDefinition] = FormDefinition if kind == "form" else OutlineDefinition
    created, unchanged = (
        (result.forms_created, result.forms_unchanged)
        if kind == "form"
        else (result.outlines_created, result.outlines_unchanged)
    )
    stored = forms.to_json(raw)
    digest = _digest(stored)
    label = f"{spec.code} v{spec.version}"
    existing = model.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.digest != digest:
            raise CatalogueError(
                f"{path.name}: {label} is already loaded with different content; "
                f"a changed {kind} must be published as a new version"
            )
        unchanged.append(label)
        return
    fields = {"levels": list(spec.levels)} if isinstance(spec, forms.FormSpec) else {}
    definition = model.objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        valid_from=spec.valid_from,
        valid_until=spec.valid_until,
        definition=stored,
        digest=digest,
        **fields,
    )
    definition.report_types.set([report_types[code] for code in spec.report_types])
    created.append(label)


@dataclass(frozen=True)
class DeadlineSettings:
    cutoff_day: int
    closing_days: int
    roll_forward: bool
    #: level → (offset days, cap day or None)
    levels: dict[str, tuple[int, int | None]]
    #: Form 06 from dossiers: returned dossiers count as settled on time.
    returned_on_time: bool = True


@transaction.atomic
def change_deadline_settings(
    *, report_type: ReportType, settings: DeadlineSettings, at: datetime, actor: Any
) -> ReportType:
    """Change a report type's deadline settings; every page computes deadlines from them at once."""
    report_type = ReportType.objects.select_for_update().get(pk=report_type.pk)
    unknown = [level for level in settings.levels if level not in LEVELS]
    if unknown:
        raise CatalogueError(f"unknown level {', '.join(unknown)}")
    # The levels the report type has, as they will be once saved: a cap is judged with the cut-off day.
    levels = {rule.level: LevelDeadline(rule.offset_days, rule.cap_day) for rule in report_type.deadline_rules.all()}
    levels.update({level: LevelDeadline(offset, cap) for level, (offset, cap) in settings.levels.items()})
    check_policy(DeadlinePolicy(levels=levels, cutoff_day=settings.cutoff_day, closing_days=settings.closing_days))
    before = _settings_snapshot(report_type)
    report_type.cutoff_day = settings.cutoff_day
    report_type.closing_days = settings.closing_days
    report_type.roll_forward = settings.roll_forward
    report_type.returned_on_time = settings.returned_on_time
    for level, (offset, cap) in settings.levels.items():
        DeadlineRule.objects.update_or_create(
            report_type=report_type, level=level, defaults={"offset_days": offset, "cap_day": cap}
        )
    after = _settings_snapshot(report_type)
    if after != before:
        report_type.settings_version += 1
        report_type.save(
            update_fields=["cutoff_day", "closing_days", "roll_forward", "returned_on_time", "settings_version"]
        )
        audit.record(
            actor=actor,
            event="catalogue.deadlines_changed",
            at=at,
            target=report_type,
            data={"before": before, "after": after, "settings_version": report_type.settings_version},
        )
    return report_type


def _settings_snapshot(report_type: ReportType) -> dict[str, Any]:
    return {
        "cutoff_day": report_type.cutoff_day,
        "closing_days": report_type.closing_days,
        "roll_forward": report_type.roll_forward,
        "returned_on_time": report_type.returned_on_time,
        "levels": {
            rule.level: [rule.offset_days, rule.cap_day]
            for rule in DeadlineRule.objects.filter(report_type=report_type).order_by("level")
        },
    }


@transaction.atomic
def declare_day(*, day: date, kind: DayKind | str, name: str, at: datetime, actor: Any) -> CalendarDay:
    """The province declares a day off, or a make-up working day (replacing any earlier word on that day)."""
    if kind not in DayKind.values:
        raise CatalogueError(f"unknown kind of day {kind!r}")
    if not name.strip():
        raise CatalogueError("say why (e.g. the decision that declares it)")
    if kind == DayKind.WORKING_DAY and day.weekday() < 5:
        raise CatalogueError(f"{day:%d/%m/%Y} is already a working day (Monday to Friday)")
    entry, _ = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name.strip(), "active": True}
    )
    audit.record(
        actor=actor, event="catalogue.day_declared", at=at, target=entry, data={"day": day.isoformat(), "kind": kind}
    )
    return entry


@transaction.atomic
def withdraw_day(*, entry: CalendarDay, at: datetime, actor: Any) -> CalendarDay:
    """Withdraw a declared day; the record stays, inactive."""
    entry.active = False
    entry.save(update_fields=["active"])
    audit.record(actor=actor, event="catalogue.day_withdrawn", at=at, target=entry, data={"day": entry.day.isoformat()})
    return entry


PROCEDURE_FIELD_COLUMNS = ("level", "code", "name")


class FieldFileError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


@transaction.atomic
def load_procedure_fields(*, data: bytes, at: datetime, actor: Any = None, source: str = "") -> tuple[int, int]:
    """Load procedure field names (columns level,code,name): upsert by (level, code). All or nothing."""
    header, records = interchange.read_csv(data, FieldFileError)
    missing = interchange.missing_columns(header, PROCEDURE_FIELD_COLUMNS)
    if missing:
        raise FieldFileError(1, f"missing column(s): {', '.join(missing)}")
    wanted: dict[tuple[str, str], str] = {}
    for line, record in enumerate(records, start=2):
        level, code, name = ((record.get(c) or "").strip() for c in PROCEDURE_FIELD_COLUMNS)
        if level not in LEVELS:
            raise FieldFileError(line, f"unknown level {level!r}")
        if not code or not name:
            raise FieldFileError(line, "empty code or name")
        if (level, code) in wanted:
            raise FieldFileError(line, f"duplicate field {code} for level {level}")
        wanted[(level, code)] = name
    existing = {(f.level, f.code): f for f in ProcedureField.objects.all()}
    created = changed = 0
    for (level, code), name in wanted.items():
        current = existing.get((level, code))
        if current is None:
            ProcedureField.objects.create(level=level, code=code, name=name)
            created += 1
        elif current.name != name:
            current.name = name
            current.save(update_fields=["name"])
            changed += 1
    if created or changed:
        audit.record(
            actor=actor,
            event="catalogue.fields_loaded",
            at=at,
            data={"source": source, "created": created, "changed": changed},
        )
    return created, changed
