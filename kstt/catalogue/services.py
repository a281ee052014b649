"""Every write to the catalogue: report types and their settings versions, forms, the province's days."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kstt import clock, interchange, ledger_impact, ledger_watch, unicode_text
from kstt.audit import services as audit
from kstt.catalogue import selectors
from kstt.catalogue.choices import DayKind
from kstt.catalogue.models import (
    CalendarDay,
    FormDefinition,
    OutlineDefinition,
    ProcedureField,
    ReportType,
    SettingsVersion,
)
from kstt.catalogue.rules import forms, outlines
from kstt.catalogue.rules import settings as settings_rules
from kstt.catalogue.rules.periods import KINDS, Period, periods_of_year
from kstt.ledger_impact import LineChange
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


@dataclass
class CatalogueLoad:
    report_types_created: list[str] = field(default_factory=list)
    report_types_kept: list[str] = field(default_factory=list)
    forms_created: list[str] = field(default_factory=list)
    forms_unchanged: list[str] = field(default_factory=list)
    outlines_created: list[str] = field(default_factory=list)
    outlines_unchanged: list[str] = field(default_factory=list)
    #: Shipped dated changes added to a report type already present ("kstt settings v2 (2025-07-01)").
    settings_added: list[str] = field(default_factory=list)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{path.name}: {exc}") from None
    bad = unicode_text.find(data)  # a "\u0000" escape: PostgreSQL stores no NUL
    if bad is not None:
        raise CatalogueError(f"{path.name}: {bad}")
    return data


def _digest(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


REPORT_TYPE_KEYS = {"code", "name", "legal_basis", "periods", "also", "settings_note", "changes"}
CHANGE_KEYS = {"valid_from", "note"}


@dataclass(frozen=True)
class ShippedChange:
    """A dated change of the settings a report type's file ships (``[[changes]]``): the keys it names."""

    valid_from: date
    note: str
    values: dict[str, Any]


@dataclass(frozen=True)
class ShippedReportType:
    """A report type's file, checked: version 1's values (in force since the start of the records) and
    the dated changes after it, oldest first."""

    data: dict[str, Any]
    settings: dict[str, Any]
    note: str
    changes: tuple[ShippedChange, ...]


def _check_values(where: str, values: dict[str, Any]) -> None:
    problems = settings_rules.problems(values, levels=LEVELS)
    if problems:
        key, problem, params = problems[0]
        raise CatalogueError(f"{where}: {key}: {settings_problem_message(problem, params)}", field=key)


def _check_report_type(path: Path, data: dict[str, Any]) -> ShippedReportType:
    """The file's report type and its settings history, or a CatalogueError naming the file, the table
    and the key at fault (``kstt.toml: changes[1] (valid_from 2025-07-01): scored_levels: …``)."""
    unknown = set(data) - REPORT_TYPE_KEYS - set(settings_rules.SETTING_KEYS)
    if unknown:
        raise CatalogueError(f"{path.name}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("code", "name", "periods", "deadlines"):
        if key not in data:
            raise CatalogueError(f"{path.name}: missing {key}")
    bad = [k for k in data["periods"] if k not in KINDS]
    if bad:
        raise CatalogueError(f"{path.name}: periods: unknown period kind(s) {', '.join(bad)}")
    first = settings_rules.merge(SETTING_DEFAULTS, {k: v for k, v in data.items() if k in settings_rules.SETTING_KEYS})
    _check_values(path.name, first)
    changes = data.get("changes", [])
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        raise CatalogueError(f"{path.name}: changes must be [[changes]] tables")
    shipped: list[ShippedChange] = []
    for index, change in enumerate(changes, start=1):
        where = f"{path.name}: changes[{index}]"
        valid_from = change.get("valid_from")
        if type(valid_from) is not date:
            raise CatalogueError(f"{where}: valid_from must be a date (valid_from = 2025-07-01)")
        where = f"{where} (valid_from {valid_from.isoformat()})"
        unknown = set(change) - CHANGE_KEYS - set(settings_rules.SETTING_KEYS)
        if unknown:
            raise CatalogueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        note = change.get("note")
        if not isinstance(note, str) or not note.strip():
            raise CatalogueError(f"{where}: note: say why the settings change (e.g. the decision)")
        values = {k: v for k, v in change.items() if k in settings_rules.SETTING_KEYS}
        if not values:
            raise CatalogueError(f"{where}: names no setting to change")
        if shipped and valid_from <= shipped[-1].valid_from:
            raise CatalogueError(f"{where}: the changes must be in order of their dates, one per date")
        shipped.append(ShippedChange(valid_from, note.strip(), values))
    # Each change on top of the one before must make sense as a whole (a scored level has a deadline …).
    current = first
    for index, change in enumerate(shipped, start=1):
        current = settings_rules.merge(current, change.values)
        _check_values(f"{path.name}: changes[{index}] (valid_from {change.valid_from.isoformat()})", current)
    note = data.get("settings_note", "")
    if not isinstance(note, str):
        raise CatalogueError(f"{path.name}: settings_note must be text")
    return ShippedReportType(data, settings_rules.canonical(first), note.strip(), tuple(shipped))


#: What a report type's file may leave out (rules.md's defaults); the deadlines it must give.
SETTING_DEFAULTS: dict[str, Any] = {
    "cutoff_day": 15,
    "closing_days": 30,
    "roll_forward": True,
    "returned_on_time": True,
    "scored_levels": ["department", "district"],
    "not_sent_points": "0.50",
    "late_points": "0.25",
    "digital_signature_required": False,
}


def _refuse_in_closed_year(report_type: ReportType, valid_from: date, versions: list[SettingsVersion]) -> None:
    """rules.md §6: no settings version may judge a closed year. The new version would judge every period
    whose first day is on or after ``valid_from`` and before the next version's date; the ledger
    (kstt.ledger_watch) names the closing of any such year."""
    watch = ledger_watch.watch()
    if watch is None:
        return
    later = [v.valid_from for v in versions if v.valid_from is not None and v.valid_from > valid_from]
    until = min(later) if later else None
    last_year = clock.today().year if until is None else until.year
    for year in range(valid_from.year, last_year + 1):
        firsts = [settings_rules.first_day(p) for p in periods_of_year(year, report_type.periods)]
        if not any(valid_from <= day and (until is None or day < until) for day in firsts):
            continue
        closing = watch.closing_of(report=report_type.code, year=year)
        if closing is not None:
            raise CatalogueError(
                _(
                    "No settings version may judge %(year)s: %(closing)s. "
                    "The provincial office must reopen the year first."
                )
                % {"year": year, "closing": closing},
                field="valid_from",
            )


def _new_version(
    report_type: ReportType,
    *,
    number: int,
    valid_from: date | None,
    values: dict[str, Any],
    note: str,
    at: datetime,
    actor: Any,
) -> SettingsVersion:
    version = selectors.unsaved_version(report_type, number=number, valid_from=valid_from, values=values)
    version.note, version.recorded_at = note, at
    version.recorded_by = actor if getattr(actor, "pk", None) else None
    version.save()
    return version


def _load_settings(
    report_type: ReportType,
    shipped: ShippedReportType,
    *,
    created: bool,
    at: datetime,
    actor: Any,
    result: CatalogueLoad,
) -> None:
    """A new report type gets version 1 and every shipped change. An existing one keeps every version it
    has (an administrator may have set them) and gains, once, each shipped change whose date none of its
    versions has yet: the keys the change names, on top of the version in force just before that date."""
    selectors.forget_settings(report_type)
    versions = list(SettingsVersion.objects.filter(report_type=report_type).order_by("number"))
    if not versions:
        versions.append(
            _new_version(
                report_type, number=1, valid_from=None, values=shipped.settings, note=shipped.note, at=at, actor=actor
            )
        )
    dates = {v.valid_from for v in versions}
    for change in shipped.changes:
        if change.valid_from in dates:
            continue
        base = settings_rules.in_force_on(versions, change.valid_from)
        _refuse_in_closed_year(report_type, change.valid_from, versions)
        version = _new_version(
            report_type,
            number=max(v.number for v in versions) + 1,
            valid_from=change.valid_from,
            values=settings_rules.merge(base.values(), change.values),
            note=change.note,
            at=at,
            actor=actor,
        )
        versions.append(version)
        dates.add(change.valid_from)
        if not created:
            result.settings_added.append(f"{report_type.code} settings v{version.number} ({change.valid_from})")


@transaction.atomic
def load_catalogue(*, directory: Path = DEFINITIONS, at: datetime, actor: Any = None) -> CatalogueLoad:
    """Load report types, form and outline definitions from files. All or nothing; safe to run again.

    A report type already present keeps its settings versions (an administrator may have changed them);
    a shipped dated change it has no version for yet is added once (see ``_load_settings``).
    A form or an outline (code, version) already present must be unchanged: a changed one is a new version.
    """
    result = CatalogueLoad()
    for path in sorted((directory / "report_types").glob("*.toml")):
        shipped = _check_report_type(path, _read_toml(path))
        data = shipped.data
        report_type, created = ReportType.objects.get_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "legal_basis": data.get("legal_basis", ""),
                "periods": list(data["periods"]),
                "also": dict(data.get("also", {})),
            },
        )
        (result.report_types_created if created else result.report_types_kept).append(report_type.code)
        _load_settings(report_type, shipped, created=created, at=at, actor=actor, result=result)

    report_types = {rt.code: rt for rt in ReportType.objects.all()}
    for path in sorted((directory / "forms").glob("*.toml")):
        _load_definition(path, report_types, kind="form", result=result)

    for path in sorted((directory / "outlines").glob("*.toml")):
        _load_definition(path, report_types, kind="outline", result=result)

    if result.report_types_created or result.settings_added or result.forms_created or result.outlines_created:
        audit.record(
            actor=actor,
            event="catalogue.loaded",
            at=at,
            data={
                "report_types": result.report_types_created,
                "settings": result.settings_added,
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


def settings_problem_message(problem: str, values: dict[str, Any]) -> str:
    """What an administrator reads when a settings version is refused (catalogue.rules.settings.problems)."""
    named: dict[str, Any] = {**values}
    level = values.get("level")
    if isinstance(level, str) and level in LEVELS:
        named["level"] = str(Level(level).label)
    texts = {
        "missing": _("Missing setting(s): %(key)s."),
        "unknown_key": _("Unknown setting(s): %(key)s."),
        "not_whole": _("%(key)s must be a whole number."),
        "not_yes_no": _("%(key)s must be yes or no."),
        "not_levels": _("Give a list of levels."),
        "unknown_level": _("Unknown level “%(level)s”."),
        "not_a_deadline": _("%(level)s: a deadline has the days after the window and an optional “never after” day."),
        "offset_not_whole": _("%(level)s: the days after the window must be a whole number."),
        "cap_not_whole": _("%(level)s: the “never after” day must be a whole number."),
        "scored_without_deadline": _("%(level)s cannot be scored: it has no deadline."),
        "scored_twice": _("A level is scored only once."),
        "points_not_a_number": _("A deduction must be a number of points, e.g. 0.25."),
        "points_range": _("A deduction must be between %(low)s and %(high)s points."),
        "points_hundredths": _("A deduction has at most two decimals (hundredths of a point)."),
    }
    if problem in texts:
        return texts[problem] % named
    return policy_problem_message(problem, values)


@transaction.atomic
def change_settings(
    *,
    report_type: ReportType,
    values: Mapping[str, Any],
    valid_from: date | Period,
    note: str,
    at: datetime,
    actor: Any,
    reason: str = "",
    seen: Sequence[LineChange] | None = None,
) -> SettingsVersion:
    """Record new settings of a report type, valid from a date (a period: its first day), as a new version.

    ``values`` names the settings that change; the others are the version in force on ``valid_from``'s
    (``deadlines`` level by level). Periods from that date on are judged by the new version until a later
    one; periods before keep theirs. A date in the past changes past periods' deadlines: allowed, and
    audited like any other. Refused with a CatalogueError (nothing written): invalid values, no note, or
    the very settings already in force on that date.

    A version that moves ledger lines already final (kstt.ledger_impact) needs a ``reason``; ``seen``
    is the list the person confirmed (None: nobody was shown one). Refused with ``CostChanged`` when the
    lines it moves are not ``seen``, ``ReasonRequired`` when they move without a reason; the audit
    entry keeps the reason and the lines.
    """
    if isinstance(valid_from, Period):
        valid_from = settings_rules.first_day(valid_from)
    ReportType.objects.select_for_update().get(pk=report_type.pk)  # one change at a time per report type
    versions = list(SettingsVersion.objects.filter(report_type=report_type).order_by("number"))
    if not versions:
        raise CatalogueError(_("This report type has no settings yet: load the catalogue first."))
    base = settings_rules.in_force_on(versions, valid_from)
    _refuse_in_closed_year(report_type, valid_from, versions)
    wanted = settings_rules.merge(base.values(), values)
    problems = settings_rules.problems(wanted, levels=LEVELS)
    if problems:
        key, problem, params = problems[0]
        raise CatalogueError(settings_problem_message(problem, params), field=key)
    if not note.strip():
        raise CatalogueError(_("Say why the settings change (e.g. the decision)."), field="note")
    if settings_rules.same(wanted, base.values()):
        raise CatalogueError(
            _("Nothing changes: these are already the settings in force from that date (version %(number)s).")
            % {"number": base.number}
        )
    cost = ledger_impact.settle(
        ledger_impact.SettingsChange(report_type.code, valid_from, wanted), at=at, reason=reason, seen=seen
    )
    version = _new_version(
        report_type,
        number=max(v.number for v in versions) + 1,
        valid_from=valid_from,
        values=wanted,
        note=note.strip(),
        at=at,
        actor=actor,
    )
    selectors.forget_settings(report_type)
    audit.record(
        actor=actor,
        event="catalogue.settings_changed",
        at=at,
        target=version,
        data={
            "report_type": report_type.code,
            "number": version.number,
            "valid_from": valid_from.isoformat(),
            "before": {"number": base.number, **base.values()},
            "after": version.values(),
            "note": version.note,
            **ledger_impact.audit_data(cost, reason),
        },
    )
    return version


@transaction.atomic
def declare_day(
    *,
    day: date,
    kind: DayKind | str,
    name: str,
    at: datetime,
    actor: Any,
    reason: str = "",
    seen: Sequence[LineChange] | None = None,
) -> CalendarDay:
    """The province declares a day off, or a make-up working day (replacing any earlier word on that day).

    A day that moves ledger lines already final needs a ``reason`` (see ``change_settings``)."""
    if kind not in DayKind.values:
        raise CatalogueError(f"unknown kind of day {kind!r}")
    if not name.strip():
        raise CatalogueError("say why (e.g. the decision that declares it)")
    if kind == DayKind.WORKING_DAY and day.weekday() < 5:
        raise CatalogueError(f"{day:%d/%m/%Y} is already a working day (Monday to Friday)")
    cost = ledger_impact.settle(ledger_impact.DayChange(day, str(kind)), at=at, reason=reason, seen=seen)
    entry, _ = CalendarDay.objects.update_or_create(
        day=day, defaults={"kind": kind, "name": name.strip(), "active": True}
    )
    audit.record(
        actor=actor,
        event="catalogue.day_declared",
        at=at,
        target=entry,
        data={"day": day.isoformat(), "kind": kind, **ledger_impact.audit_data(cost, reason)},
    )
    return entry


@transaction.atomic
def withdraw_day(
    *, entry: CalendarDay, at: datetime, actor: Any, reason: str = "", seen: Sequence[LineChange] | None = None
) -> CalendarDay:
    """Withdraw a declared day; the record stays, inactive. One that moves ledger lines already final
    needs a ``reason`` (see ``change_settings``)."""
    cost = ledger_impact.settle(ledger_impact.DayChange(entry.day, None), at=at, reason=reason, seen=seen)
    entry.active = False
    entry.save(update_fields=["active"])
    audit.record(
        actor=actor,
        event="catalogue.day_withdrawn",
        at=at,
        target=entry,
        data={"day": entry.day.isoformat(), **ledger_impact.audit_data(cost, reason)},
    )
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
