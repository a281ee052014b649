"""The audit trail in words, for people (the administration site, a report's history).

Services record codes and plain data (kstt.audit.services.record): what people read is made here. The
audit trail is the lowest layer, so it cannot know what every code means; the apps that own the codes
teach it, from their ``AppConfig.ready()``:

- ``register_target(target_type, describe)``: ``describe(entries)`` says, for entries about records of
  that type, the record in words and what each entry did, with its details (kstt.reports.trail does so
  for reports: "Báo cáo Quý III/2021 — Ủy ban nhân dân xã Yên Nghiệp", not "báo cáo 601");
- ``register_values(key, label)``: how a value recorded under ``key`` reads ("roles": ["reporter"] →
  "Người báo cáo"; "period": "2021Q3" → "Quý III/2021").

Anything else is said generically: the event's name, each detail as "name: value" with dates in the
province's zone and lists joined, never as JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kstt import clock
from kstt.audit.events import event_label
from kstt.audit.models import AuditEntry


@dataclass(frozen=True)
class Told:
    """One audit entry as people read it."""

    target: str  # the record, in words ("" when the entry has none)
    what: str  # what was done, as a sentence
    details: tuple[str, ...] = ()  # each a line in words


#: ``describe(entries, details)``: entry id → the entry in words (without its details when not asked).
Describer = Callable[[Sequence[AuditEntry], bool], Mapping[int, Told]]

_TARGETS: dict[str, Describer] = {}
_NAMES: dict[str, Callable[[Any], str]] = {}
_VALUES: dict[str, Callable[[Any], str]] = {}

#: The names of the details the services record (kstt/*/services.py), for the generic reading.
KEYS: dict[str, Promise] = {
    "source": gettext_lazy("loaded from"),
    "user": gettext_lazy("user"),
    "prefix": gettext_lazy("beginning of the key"),
    "expires_at": gettext_lazy("expires"),
    "created": gettext_lazy("new"),
    "updated": gettext_lazy("updated"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
    "from": gettext_lazy("in force from"),
    "on": gettext_lazy("on"),
    "codes": gettext_lazy("units"),
    "unit": gettext_lazy("unit"),
    "units": gettext_lazy("units"),
    "roles": gettext_lazy("roles"),
    "report": gettext_lazy("report"),
    "report_type": gettext_lazy("report"),
    "report_types": gettext_lazy("reports"),
    "period": gettext_lazy("period"),
    "kind": gettext_lazy("kind"),
    "days": gettext_lazy("days"),
    "day": gettext_lazy("day"),
    "deadline": gettext_lazy("deadline"),
    "recipients": gettext_lazy("people told"),
    "reason": gettext_lazy("reason"),
    "decision": gettext_lazy("decision"),
    "deduction": gettext_lazy("deduction"),
    "line": gettext_lazy("ledger line"),
    "attachments": gettext_lazy("files"),
    "name": gettext_lazy("name"),
    "size": gettext_lazy("size"),
    "start": gettext_lazy("start"),
    "end": gettext_lazy("end"),
    "all_units": gettext_lazy("all units"),
    "description": gettext_lazy("description"),
    "evidence": gettext_lazy("evidence file"),
    "before": gettext_lazy("before"),
    "after": gettext_lazy("after"),
    "number": gettext_lazy("version"),
    "version": gettext_lazy("version"),
    "valid_from": gettext_lazy("valid from"),
    "note": gettext_lazy("note"),
    "settings": gettext_lazy("settings versions"),
    "forms": gettext_lazy("forms"),
    "outlines": gettext_lazy("outlines"),
    "submitted": gettext_lazy("submitted"),
    "reviewed": gettext_lazy("reviewed"),
    "ledger_changes": gettext_lazy("ledger lines changed"),
}
#: Details that only a program needs (a file's digest, a row's id): left out of the reading.
HIDDEN = frozenset({"sha256", "document", "recipient"})


def register_target(target_type: str, describe: Describer) -> None:
    """Entries about records of ``target_type`` ("reports.reportinstance") are described by ``describe``."""
    _TARGETS[target_type] = describe


def register_name(target_type: str, name: Callable[[Any], str]) -> None:
    """Records of ``target_type`` are named ``name(record)`` (read in one query per kind of record)."""
    _NAMES[target_type] = name


def register_values(key: str, label: Callable[[Any], str]) -> None:
    """A value recorded under ``key`` reads ``label(value)`` (each item of a list in turn)."""
    _VALUES[key] = label


def describe(entries: Iterable[AuditEntry], *, details: bool = True) -> dict[int, Told]:
    """entry id → the entry in words; each registered kind of record is described in one go.
    ``details=False``: the generic reading leaves the details out (a list shows none)."""
    entries = list(entries)
    told: dict[int, Told] = {}
    by_type: dict[str, list[AuditEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.target_type, []).append(entry)
    names: dict[tuple[str, str], str] = {}
    for target_type, group in by_type.items():
        describer = _TARGETS.get(target_type)
        if describer is not None:
            told |= describer(group, details)
        elif target_type in _NAMES:
            names |= _named(target_type, {entry.target_id for entry in group})
    return {
        entry.pk: told.get(entry.pk) or generic(entry, details=details, name=names.get(entry_key(entry)))
        for entry in entries
    }


def entry_key(entry: AuditEntry) -> tuple[str, str]:
    return entry.target_type, entry.target_id


def _named(target_type: str, ids: set[str]) -> dict[tuple[str, str], str]:
    """(type, id) → the record's name, the records of one kind read in one query."""
    model = apps.get_model(target_type)
    found = model._default_manager.in_bulk([int(i) for i in ids if i.isdigit()])
    name = _NAMES[target_type]
    return {(target_type, str(pk)): f"{model._meta.verbose_name} {name(record)}" for pk, record in found.items()}


def generic(entry: AuditEntry, *, details: bool = True, name: str | None = None) -> Told:
    data = entry.data if isinstance(entry.data, Mapping) and details else {}
    return Told(target=name or entry.target_label, what=event_label(entry.event), details=tuple(detail_lines(data)))


def detail_lines(data: Mapping[str, Any]) -> list[str]:
    """Each recorded detail as "name: value" in words (nested details in brackets)."""
    return [f"{_key(key)}: {value(key, item)}" for key, item in data.items() if key not in HIDDEN]


def _key(key: str) -> str:
    label = KEYS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def value(key: str, item: Any) -> str:
    """One recorded value in words."""
    if item is None or item == "" or item == []:
        return "—"
    if isinstance(item, bool):
        return _("yes") if item else _("no")
    if key == LEDGER_CHANGES and isinstance(item, list):
        return "; ".join(ledger_change_words(part) if isinstance(part, Mapping) else str(part) for part in item)
    if isinstance(item, list):
        return "; ".join(value(key, part) for part in item)
    if isinstance(item, Mapping):
        return "(" + "; ".join(detail_lines(item)) + ")"
    label = _VALUES.get(key)
    if label is not None:
        return label(item)
    if isinstance(item, int | float):
        return number_format(item)
    return _instant(str(item))


def _instant(text: str) -> str:
    """An ISO date or instant as the province reads it (dd/mm/yyyy, HH:MM in its zone); other text as is."""
    if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-":
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return text
        if len(text) == 10:
            return date.fromisoformat(text).strftime("%d/%m/%Y")
        if parsed.tzinfo is not None:
            return parsed.astimezone(clock.province_zone()).strftime("%d/%m/%Y %H:%M")
    return text


#: The detail under which a change's audit entry lists the ledger lines it moved (kstt.ledger_impact).
LEDGER_CHANGES = "ledger_changes"


def deduction_words(text: Any) -> str:
    """A deduction as people read it: "−0,25", "0,00" (the reader's decimal mark)."""
    try:
        amount = Decimal(str(text))
    except ArithmeticError:
        return str(text)
    written = number_format(abs(amount), decimal_pos=2)
    return f"−{written}" if amount else written


def line_state_words(state: Any) -> str:
    """A ledger line's status and deduction ("Chậm, −0,25"), or "not in the ledger" (None)."""
    if not isinstance(state, Mapping):
        return _("not in the ledger")
    return f"{value('status', state.get('status'))}, {deduction_words(state.get('deduction'))}"


def ledger_change_words(line: Mapping[str, Any]) -> str:
    """One ledger line a change moved (``LineChange.as_data()``), in words: "Sở Tư pháp (P17-STP),
    Quý III/2021: Chậm, −0,25 → Được gia hạn do sự cố, 0,00"."""
    return _("%(unit)s, %(period)s: %(before)s → %(after)s") % {
        "unit": f"{line.get('name')} ({line.get('unit')})",
        "period": value("period", line.get("period")),
        "before": line_state_words(line.get("before")),
        "after": line_state_words(line.get("after")),
    }
