"""The rules of reports (rules.md §2–§5), pure: days left to a deadline, submissions, the history file.

Where an instance stands against its deadline is the one timeliness rule, ``kstt.reports.timeliness``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kstt.catalogue.rules.forms import is_whole
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.interchange import missing_columns, parse_instant


def days_left(*, today: date, deadline_day: date | None) -> int | None:
    """Whole local days from today to the deadline's day (0 = due today, negative = days past)."""
    if deadline_day is None:
        return None
    return (deadline_day - today).days


# --- Submissions (rules.md §2, §4, §5) ---------------------------------------------------------------------
#
# Statuses are the plain strings of choices.ReportStatus (kept free of Django here).

DRAFT, SUBMITTED, RETURNED, ACCEPTED = "draft", "submitted", "returned", "accepted"
#: The state machine: which action leads from which status to which.
TRANSITIONS: dict[str, dict[str, str]] = {
    "submit": {DRAFT: SUBMITTED, RETURNED: SUBMITTED},
    "accept": {SUBMITTED: ACCEPTED},
    "return": {SUBMITTED: RETURNED},
}
#: The statuses in which the unit may edit its draft.
EDITABLE = frozenset({DRAFT, RETURNED})
RETURN_REASONS = ("outline", "forms", "incomplete", "inaccurate")
INCOMPLETE, INACCURATE = "incomplete", "inaccurate"


class TransitionError(ValueError):
    """The action is not allowed from the report's status."""

    def __init__(self, action: str, status: str) -> None:
        super().__init__(f"cannot {action} a report that is {status}")
        self.action, self.status = action, status


def next_status(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``; TransitionError when it is not allowed."""
    target = TRANSITIONS[action].get(status)
    if target is None:
        raise TransitionError(action, status)
    return target


@dataclass(frozen=True)
class Problem:
    """Why a report is incomplete (rules.md §2): ``code`` ∈ document|form|cells|section, or why it is
    not a submission at all: ``figures``, cells that are not figures (§5, ``detail`` names them);
    ``signature``, a PDF without a digital signature while the settings require one (§4)."""

    code: str
    form: str = ""
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "form": self.form, "detail": self.detail}


def completeness(
    *,
    has_document: bool,
    forms: Sequence[str],
    values: Mapping[str, Mapping[str, Any]],
    required_cell_findings: Sequence[tuple[str, str, str]] = (),
    required_sections: Sequence[str] = (),
    narrative: Mapping[str, str] | None = None,
    not_figures: Sequence[tuple[str, str, str]] = (),
    signed: bool = True,
    signature_required: bool = False,
) -> list[Problem]:
    """The problems that make a report incomplete: no narrative document, an applicable form absent
    (no row at all), required cells empty (``(form, row, column)`` each), a required outline section blank;
    and, per form, the cells that are not figures (``not_figures``, ``(form, row, column)`` each). A document
    that is not digitally ``signed`` is a problem only when the settings make a signature required (§4)."""
    problems = [] if has_document else [Problem("document")]
    if has_document and signature_required and not signed:
        problems.append(Problem("signature"))
    problems += [Problem("form", form=code) for code in forms if not values.get(code)]
    problems += _cells_by_form("figures", not_figures) + _cells_by_form("cells", required_cell_findings)
    text = narrative or {}
    problems += [Problem("section", detail=key) for key in required_sections if not str(text.get(key) or "").strip()]
    return problems


def _cells_by_form(code: str, cells: Sequence[tuple[str, str, str]]) -> list[Problem]:
    """One problem per form naming its cells ("row.column, …"), in the order the cells come."""
    by_form: dict[str, list[str]] = {}
    for form, row, column in cells:
        by_form.setdefault(form, []).append(f"{row}.{column}")
    return [Problem(code, form=form, detail=", ".join(named)) for form, named in by_form.items()]


#: What a submission cannot lack (rules.md §4): the submitted time is the first instant at which the
#: data forms and the signed narrative are on the system and the unit presses submit (a PDF without a
#: digital signature counts as missing when the settings require one); and what it cannot hold (§5): a
#: cell that is not a figure.
NOT_A_SUBMISSION = frozenset({"document", "signature", "form", "figures"})


def missing_for_submission(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that keep a press of *submit* from being a submission at all: the narrative
    document or an applicable form absent, or a document without the digital signature the settings
    require (§4), a cell that is not a figure (§5). Empty cells and blank sections only flag it (§5)."""
    return [p for p in problems if p.code in NOT_A_SUBMISSION]


UNSIGNED = "unsigned"
#: The flags in the order the reviewer reads them.
FLAGS = (INCOMPLETE, INACCURATE, UNSIGNED)


def flags(*, findings: Sequence[tuple[str, str]], problems: Sequence[Problem], unsigned: bool = False) -> list[str]:
    """The flags a submission arrives with (rules.md §4–5); it goes through flagged, explained or not.
    ``findings`` are (rule id, severity) of the form rules: an empty required cell ("required") makes it
    incomplete, any other error or warning inaccurate; a narrative PDF without a digital signature (a
    scan of the signed paper) makes it ``unsigned``."""
    found = set()
    if problems or any(rule == REQUIRED_RULE for rule, _ in findings):
        found.add(INCOMPLETE)
    if any(rule != REQUIRED_RULE and severity in ("error", "warning") for rule, severity in findings):
        found.add(INACCURATE)
    if unsigned:
        found.add(UNSIGNED)
    return [flag for flag in FLAGS if flag in found]


REQUIRED_RULE = "required"  # kstt.catalogue.rules.forms.REQUIRED: the finding of an empty required cell


def standing_version(versions: Sequence[tuple[int, datetime]], *, deadline: datetime | None) -> int | None:
    """The version whose verdict counts (rules.md §5): the last one submitted at or before the
    effective deadline, else the first one after it. ``versions`` are (number, submitted_at);
    ``deadline`` None (held open by an incident) counts every version as before it."""
    ordered = sorted(versions, key=lambda v: (v[1], v[0]))
    if not ordered:
        return None
    before = [number for number, at in ordered if deadline is None or at <= deadline]
    return before[-1] if before else ordered[0][0]


def return_reasons_problem(reasons: Sequence[str]) -> str | None:
    """Why a set of return reasons is not acceptable, or None: at least one, each from the fixed list."""
    if not reasons:
        return "choose at least one reason"
    unknown = [r for r in reasons if r not in RETURN_REASONS]
    if unknown:
        return f"unknown reason(s): {', '.join(unknown)} (allowed: {', '.join(RETURN_REASONS)})"
    return None


def changed_cells(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[list[Any]]:
    """The cells that differ between two value maps {form: {row: {column: value}}}: [form, row, column,
    before, after] each, sorted, for the audit trail."""
    changes = []
    for form in sorted(set(before) | set(after)):
        rows_a, rows_b = before.get(form) or {}, after.get(form) or {}
        for row in sorted(set(rows_a) | set(rows_b)):
            cells_a, cells_b = rows_a.get(row) or {}, rows_b.get(row) or {}
            for column in sorted(set(cells_a) | set(cells_b)):
                if cells_a.get(column) != cells_b.get(column):
                    changes.append([form, row, column, cells_a.get(column), cells_b.get(column)])
    return changes


def narrative_text(text: str) -> str:
    """A narrative section's text as it is kept, whichever way it came in: line breaks as ``\\n`` (a
    browser's textarea posts ``\\r\\n``), no spaces at the end of a line, none around the text."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def normal_narrative(narrative: Mapping[str, str]) -> dict[str, str]:
    """{section key: text} as kept: each text through narrative_text, blank sections left out."""
    return {key: text for key, raw in narrative.items() for text in [narrative_text(raw)] if text}


def changed_sections(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """The keys of the sections whose text differs, as kept (a section saved as "" before this rule, or
    with \\r\\n, is not changed by the same text posted again), sorted, for the audit trail."""
    old, new = normal_narrative(before), normal_narrative(after)
    return sorted(key for key in set(old) | set(new) if old.get(key) != new.get(key))


def shape_problem(data: object, *, depth: int) -> str | None:
    """Why ``data`` is not {form: {row: {column: value}}} (``depth`` 3) with scalar values, or None."""
    if not isinstance(data, Mapping):
        return "the values must be a mapping {form: {row: {column: value}}}"
    for key, inner in data.items():
        if not isinstance(key, str):
            return f"{key!r} is not a text key"
        if depth > 1:
            problem = shape_problem(inner, depth=depth - 1)
            if problem:
                return f"{key}: {problem}"
        elif inner is not None and not isinstance(inner, str | int | float):
            return f"{key}: {inner!r} is not a value"
        elif isinstance(inner, float) and not math.isfinite(inner):  # 1e999 in JSON: no database stores it
            return f"{key}: {inner!r} is not a finite number"
    return None


#: The longest free text a person adds to a submission or a review (an explanation, a reviewer's comment), and
#: the longest reason for a changed figure, in characters; the page's boxes stop there, the services refuse more.
MAX_NOTE_CHARS = 5000
MAX_FIGURE_REASON_CHARS = 500


def note_too_long(text: str, *, limit: int = MAX_NOTE_CHARS) -> int | None:
    """The length of ``text`` when it is longer than ``limit`` characters (a line break counts one), else None."""
    length = len(text) - text.count("\r\n")
    return length if length > limit else None


def figure_reason_too_long(
    reasons: Mapping[str, Any], *, limit: int = MAX_FIGURE_REASON_CHARS
) -> tuple[str, str, str] | None:
    """Where (form, row, column) the first reason for a changed figure longer than ``limit`` is, or None."""
    for form, rows in reasons.items():
        for row, cells in rows.items() if isinstance(rows, Mapping) else ():
            for column, text in cells.items() if isinstance(cells, Mapping) else ():
                if isinstance(text, str) and note_too_long(text, limit=limit) is not None:
                    return form, row, column
    return None


def section_too_long(narrative: Mapping[str, str], *, limit: int) -> tuple[str, int] | None:
    """The first narrative section longer than ``limit`` characters, with its length, or None. A line
    break counts one, whether the browser sent it as CRLF or LF (a textarea's ``maxlength`` counts so)."""
    for key, text in narrative.items():
        length = len(text) - text.count("\r\n")
        if length > limit:
            return key, length
    return None


# --- The submission history file (interchange.md "Submission history") -------------------------------------

SUBMISSION_COLUMNS = ("unit_code", "report", "period", "event", "at", "reasons")
EVENTS = ("submitted", "returned", "accepted")


class SubmissionFileError(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class SubmissionRow:
    line: int
    unit_code: str
    report: str
    period: Period
    event: str
    at: datetime
    reasons: tuple[str, ...]

    @property
    def order(self) -> tuple[str, str, Period, datetime, int, int]:
        """Each report's events in time order; at one instant a submission before its review."""
        return (self.unit_code, self.report, self.period, self.at, EVENTS.index(self.event) > 0, self.line)


def parse_submission_rows(
    header: Sequence[str] | None, records: Iterable[Mapping[str, str | None]], *, now: datetime
) -> list[SubmissionRow]:
    """The rows of a submission history file; nothing can have happened after ``now``."""
    missing = missing_columns(header, SUBMISSION_COLUMNS)
    if missing:
        raise SubmissionFileError(1, f"missing column(s): {', '.join(missing)}")
    rows = []
    for line, record in enumerate(records, start=2):
        if None in record:
            raise SubmissionFileError(line, "more fields than the header has columns")
        values = {c: (record.get(c) or "").strip() for c in SUBMISSION_COLUMNS}
        for column in ("unit_code", "report", "period", "event", "at"):
            if not values[column]:
                raise SubmissionFileError(line, f"empty {column}")
        try:
            period = Period.parse(values["period"])
        except PeriodError as exc:
            raise SubmissionFileError(line, str(exc)) from None
        if period.kind not in ("Q1", "Q2", "Q3", "Q4"):
            raise SubmissionFileError(line, f"{period.code}: a report is a quarter (e.g. {period.year}Q2)")
        event = values["event"]
        if event not in EVENTS:
            raise SubmissionFileError(line, f"unknown event {event!r} (allowed: {', '.join(EVENTS)})")
        try:
            at = parse_instant(values["at"])
        except ValueError as exc:
            raise SubmissionFileError(line, f"not an instant: {exc}") from None
        if at > now:
            raise SubmissionFileError(line, f"the event is in the future (it is now {now.isoformat()})")
        reasons = tuple(dict.fromkeys(r.strip() for r in values["reasons"].split(";") if r.strip()))
        if event != "returned" and reasons:
            raise SubmissionFileError(line, f"reasons are given only for a returned report, not {event}")
        if event == "returned":
            problem = return_reasons_problem(reasons)
            if problem:
                raise SubmissionFileError(line, problem)
        rows.append(SubmissionRow(line, values["unit_code"], values["report"], period, event, at, reasons))
    return rows


# --- Figures: the cells of a version as rows SQL can sum (issue 15) ------------------------------------------

#: The range of a stored figure (a 64-bit integer column) and the longest form, row and column keys stored
#: (ReportFigure's columns): no form has longer ones, and a cell under a longer key is no figure to sum.
FIGURE_RANGE = range(-(2**63), 2**63)
FORM_KEY_MAX, CELL_KEY_MAX = 32, 64


def figure_cells(values: Mapping[str, Any]) -> list[tuple[str, str, str, int]]:
    """(form, row, column, value) of every whole-number cell of ``values`` ({form: {row: {column: value}}}),
    in order: what ``ReportFigure`` holds for a version. Empty cells, texts that are not whole numbers and
    anything not shaped as a grid or keyed longer than the table's columns are not figures and are left out
    (the version's JSON keeps them)."""
    cells = []
    for form, rows in (values or {}).items():
        if not isinstance(rows, Mapping) or len(str(form)) > FORM_KEY_MAX:
            continue
        for row, columns in rows.items():
            if not isinstance(columns, Mapping) or len(str(row)) > CELL_KEY_MAX:
                continue
            for column, value in columns.items():
                if len(str(column)) > CELL_KEY_MAX or value is None or not is_whole(value):
                    continue
                number = int(value.strip()) if isinstance(value, str) else int(value)
                if number in FIGURE_RANGE:
                    cells.append((str(form), str(row), str(column), number))
    return cells
