"""A report's audit trail in words: what each entry did, in a sentence, and its details in words.

The services record what changed with codes (kstt.reports.services: ``reports.draft_saved`` with
``[form, row, column, before, after]`` per cell, section keys, flag and reason codes); the history page
(/review/<unit>/<period>/history/) and the administration site's audit trail read them here, through
the report's words (kstt.reports.wording), never as codes or JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kstt.audit import describe as described
from kstt.audit.events import event_label
from kstt.audit.models import AuditEntry
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.labels import period_label
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.reports.choices import Flag, ReturnReason
from kstt.reports.models import ReportInstance
from kstt.reports.wording import ReportWords, words_for
from kstt.units import selectors as units
from kstt.units.choices import Level

PROVINCE = Level.PROVINCE  # the one level whose form (07b) has a row per unit below it
NO_WORDS = ReportWords()  # what an entry did needs no words of the report (only its details do)


@dataclass(frozen=True)
class Told:
    """One audit entry as people read it."""

    what: str  # a sentence: "Gửi phiên bản 2"
    details: tuple[str, ...]  # each a line in words


def _number(value: Any) -> str:
    return str(value) if isinstance(value, int | str) and not isinstance(value, bool) else "?"


def _codes(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _labels(choices: Any, codes: Iterable[str]) -> str:
    return "; ".join(str(choices(code).label) if code in choices.values else code for code in codes)


def _changes(words: ReportWords, changes: Any) -> list[str]:
    """The changed cells in words, each row's cells in the order of the form's columns."""
    cells = [c for c in changes or [] if isinstance(c, list | tuple) and len(c) == 5]
    return [words.change(c) for c in sorted(cells, key=lambda c: words.order(str(c[0]), str(c[1]), str(c[2])))]


def tell(event: str, data: Any, words: ReportWords) -> Told:
    """One entry of a report's trail (``event`` and its recorded ``data``) in words."""
    data = data if isinstance(data, Mapping) else {}
    lines: list[str] = []
    version = _number(data.get("version"))
    if event == "reports.opened":
        what = _("Opened the report")
        said = _("%(form)s prefilled from the dossiers")
        if data.get("prefilled_from") == "reports":  # a district's or the province's own report
            said = _("%(form)s prefilled from the reports received")
        lines += [said % {"form": words.form(f)} for f in _codes(data.get("prefilled"))]
    elif event == "reports.draft_saved":
        what = _("Saved the draft (save %(n)s)") % {"n": _number(data.get("revision"))}
        lines += _changes(words, data.get("cells"))
        lines += [_("Reason for the change, %(change)s") % {"change": c} for c in _changes(words, data.get("reasons"))]
        if _codes(data.get("sections")):
            lines.append(
                _("Outline sections changed: %(sections)s") % {"sections": words.sections_list(data["sections"])}
            )
    elif event == "reports.document_attached":
        size = data.get("size")
        what = _("Attached the signed report “%(name)s”") % {"name": data.get("name") or "?"}
        if isinstance(size, int) and not isinstance(size, bool):
            what += f" ({filesizeformat(size)})"
    elif event == "reports.submitted":
        what = _("Submitted version %(n)s") % {"n": version}
        if _codes(data.get("flags")):
            lines.append(_("Flagged at submission: %(flags)s") % {"flags": _labels(Flag, data["flags"])})
        count = data.get("findings")
        if isinstance(count, int) and not isinstance(count, bool) and count:
            lines.append(ngettext("%(n)s check did not pass", "%(n)s checks did not pass", count) % {"n": count})
    elif event == "reports.submit_refused":
        what = _("Pressed Submit: not a submission, nothing was submitted")
        missing = [p for p in data.get("missing") or [] if isinstance(p, Mapping)]
        lines += [_("Missing: %(what)s") % {"what": text} for text in words.problems(missing)]
    elif event == "reports.returned":
        what = _("Returned version %(n)s to the unit") % {"n": version}
        if _codes(data.get("reasons")):
            lines.append(_("Reasons: %(reasons)s") % {"reasons": _labels(ReturnReason, data["reasons"])})
    elif event == "reports.accepted":
        what = _("Accepted version %(n)s") % {"n": version}
    else:
        what = event_label(event)
    if data.get("source"):
        lines.append(_("Loaded from: %(source)s") % {"source": data["source"]})
    return Told(what=what, details=tuple(lines))


def report_name(instance: ReportInstance, unit_name: str | None = None) -> str:
    """ "Báo cáo Quý III/2021 — Ủy ban nhân dân xã Yên Nghiệp": a report as people name it."""
    if unit_name is None:
        version = units.unit_on(instance.unit.code, catalogue.window(instance.report_type, instance.period)[1])
        unit_name = version.name if version is not None else instance.unit.code
    return _("Report of %(period)s — %(unit)s") % {"period": period_label(instance.period), "unit": unit_name}


def tell_all(instance: ReportInstance, entries: Iterable[Any]) -> list[tuple[Any, Told]]:
    """Each entry of one report's trail with its words (the report's words read once)."""
    words = words_for(instance)
    return [(entry, tell(entry.event, entry.data, words)) for entry in entries]


# --- The administration site's audit trail (kstt.audit.describe) ------------------------------------------


def describe_reports(entries: Sequence[AuditEntry], details: bool = True) -> dict[int, described.Told]:
    """Entries about reports, in words: the report by its period and unit, what was done, the details.
    The reports are read in one query, each report type's settings once, and the words of the details
    once per kind of report (level and period); a list (``details=False``) needs no words."""
    ids = {int(e.target_id) for e in entries if e.target_id.isdigit()}
    instances = ReportInstance.objects.select_related("unit", "report_type").in_bulk(ids)
    shared: dict[int, Any] = {}
    for each in instances.values():  # one object per report type: its settings are read once
        each.report_type = shared.setdefault(each.report_type_id, each.report_type)
    ends = {pk: catalogue.window(i.report_type, i.period)[1] for pk, i in instances.items()}
    names: dict[tuple[str, date], str] = {}
    for end in set(ends.values()):
        codes = [i.unit.code for pk, i in instances.items() if ends[pk] == end]
        names |= {(code, end): v.name for code, v in units.units_on(codes, end).items()}
    words: dict[tuple[Any, ...], ReportWords] = {}
    out = {}
    for entry in entries:
        found = instances.get(int(entry.target_id)) if entry.target_id.isdigit() else None
        if found is None:
            continue
        instance = found
        end = ends[instance.pk]
        key = (instance.report_type_id, instance.level, end, instance.unit_id if instance.level == PROVINCE else 0)
        if details and key not in words:
            words[key] = words_for(instance)
        told = tell(entry.event, entry.data, words.get(key, NO_WORDS))
        target = report_name(instance, names.get((instance.unit.code, end), instance.unit.code))
        out[entry.pk] = described.Told(target=target, what=told.what, details=told.details if details else ())
    return out


def register_with_audit() -> None:
    """Teach the audit trail the reports' records and the codes below them (ReportsConfig.ready)."""
    from kstt.accounts.choices import Role
    from kstt.catalogue.choices import DayKind
    from kstt.units.choices import Level

    described.register_target(ReportInstance._meta.label_lower, describe_reports)
    described.register_name("accounts.user", lambda user: user.get_full_name() or user.username)
    described.register_name("incidents.incident", str)  # "#2 20/09/2021 14:00": incidents go by their number
    described.register_name("catalogue.calendarday", str)  # "03/09/2021 Ngày nghỉ Nghỉ bù"
    described.register_name("catalogue.settingsversion", lambda version: str(version.number))
    described.register_values("period", _period)
    described.register_values("roles", lambda code: _choice(Role, code))
    described.register_values("level", lambda code: _choice(Level, code))
    described.register_values("kind", lambda code: _choice(DayKind, code))
    described.register_values("flags", lambda code: _choice(Flag, code))
    described.register_values("reasons", lambda code: _choice(ReturnReason, code))
    described.register_values("forms", lambda form: _("Form %(number)s") % {"number": form})  # "06/VPCP/KSTT v1"
    described.register_values("report", _report_type)
    described.register_values("report_type", _report_type)
    described.register_values("report_types", _report_type)


def _choice(choices: Any, code: Any) -> str:
    return str(choices(code).label) if code in choices.values else str(code)


def _period(code: Any) -> str:
    try:
        return period_label(Period.parse(str(code)))
    except PeriodError:
        return str(code)


def _report_type(code: Any) -> str:
    found = catalogue.report_type(str(code))
    return found.name if found is not None else str(code)
