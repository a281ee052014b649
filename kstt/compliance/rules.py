"""Verdicts and PAR index deductions (rules.md §4–§6), pure.

One function of the facts of one report instance: its scheduled deadline and closing time, the
incidents of the reporting system in the unit's scope, its submitted versions and their reviews,
the deduction amounts of the settings in force, and the instant the question is asked (``as_of``).
Nothing here is stored: a verdict is recomputed from the facts whenever it is read, so a change of
any fact (a submission, a review, an incident, a calendar or settings change) changes it at once.

- **Timeliness** (§4) is judged on the first submission: on time when submitted ≤ the effective
  deadline (excused when that is only thanks to an incident's extension), late when ≤ the effective
  closing time, not sent otherwise (also when nothing was submitted by the effective closing time).
  While an incident in scope is still open the deadline is held open: the report cannot be late yet.
- **Quality** (§5) is the review of the *standing version*: the last version submitted at or before
  the effective deadline, or, if none was, the first one submitted after it. Returned → a fault with
  the return's reasons, even when a later version was corrected.
- **Deduction** (§6), at most one per instance: not sent → ``amounts.not_sent``; late (not excused),
  or with a quality fault, or both → ``amounts.late_or_faulty``; otherwise 0.

``as_of`` makes the verdict the one known at that instant: versions submitted and reviews made after
it are not yet facts; an incident that started after it did not happen yet, and one that ended after
it was still going on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from kstt.catalogue.rules.deadlines import WorkCalendar
from kstt.incidents.rules import Extension, IncidentSpan, extend
from kstt.ledger_impact import LineChange, LineState
from kstt.reports import timeliness

# The one timeliness rule (rules.md §4), re-exported for compliance's readers.
from kstt.reports.timeliness import PENDING as PENDING
from kstt.reports.timeliness import Status as Status
from kstt.reports.timeliness import as_known as as_known

#: The reasons a report is returned for, in the order rules.md §5 lists them.
FAULTS = ("outline", "forms", "incomplete", "inaccurate")
ACCEPTED, RETURNED = "accepted", "returned"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Amounts:
    """The points deducted (rules.md §6, configurable)."""

    not_sent: Decimal = Decimal("0.50")
    late_or_faulty: Decimal = Decimal("0.25")


@dataclass(frozen=True)
class VersionFacts:
    """One submitted version and the review of it (None while it waits for one)."""

    number: int
    submitted_at: datetime
    decision: str | None = None  # "accepted" | "returned"
    reasons: tuple[str, ...] = ()
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    status: Status
    deadline: datetime  # scheduled, before any extension
    effective_deadline: datetime | None  # None while an incident holds it open
    closing: datetime
    effective_closing: datetime | None
    submitted_at: datetime | None  # the first submission (§4)
    #: The incidents the verdict rests on: those that moved the effective deadline, and, when the
    #: closing time decided the status (late, not sent), those that moved the closing time.
    incidents: tuple[int, ...]
    standing: int | None  # the number of the standing version (§5)
    decision: str | None  # its review: accepted | returned | None (not reviewed yet)
    faults: tuple[str, ...]
    deduction: Decimal
    #: The effective closing time has passed at ``as_of``: the verdict goes into the ledger.
    final: bool


class _First:
    """The default of ``submitted_at``: the first of ``versions`` (a pure caller's shorthand)."""


FIRST = _First()


def extensions(
    *,
    deadline: datetime,
    closing: datetime,
    incidents: Sequence[IncidentSpan],
    as_of: datetime,
    calendar: WorkCalendar,
    zone: ZoneInfo,
) -> tuple[Extension, Extension]:
    """The effective deadline and closing time (§4) with the incidents in the unit's scope."""
    known = as_known(incidents, as_of)
    return (
        extend(deadline, known, calendar=calendar, zone=zone),
        extend(closing, known, calendar=calendar, zone=zone),
    )


def verdict(
    *,
    deadline: datetime,
    closing: datetime,
    incidents: Sequence[IncidentSpan],
    versions: Sequence[VersionFacts],
    amounts: Amounts,
    as_of: datetime,
    calendar: WorkCalendar,
    zone: ZoneInfo,
    submitted_at: datetime | None | _First = FIRST,
) -> Verdict:
    """The verdict of one report instance (rules.md §4–§6). ``incidents``: those in the unit's scope."""
    deadline_ext, closing_ext = extensions(
        deadline=deadline, closing=closing, incidents=incidents, as_of=as_of, calendar=calendar, zone=zone
    )
    return judge(
        deadline=deadline_ext,
        closing=closing_ext,
        versions=versions,
        amounts=amounts,
        as_of=as_of,
        submitted_at=submitted_at,
    )


def judge(
    *,
    deadline: Extension,
    closing: Extension,
    versions: Sequence[VersionFacts],
    amounts: Amounts,
    as_of: datetime,
    submitted_at: datetime | None | _First = FIRST,
) -> Verdict:
    """The verdict once the effective deadline and closing time are known (``verdict`` without the
    incident rule, so that many instances sharing a schedule and incidents share one extension).

    ``submitted_at``: the instance's §4 submitted time, which the readers of the database take from its
    one place (``ReportInstance.first_submitted_at``); by default the first of ``versions`` (the same
    instant: the submission service and ``load-submissions`` keep it so). One after ``as_of`` is not known.
    """
    sent = sorted((v for v in versions if v.submitted_at <= as_of), key=lambda v: (v.submitted_at, v.number))
    if isinstance(submitted_at, _First):
        submitted_at = sent[0].submitted_at if sent else None
    elif submitted_at is not None and submitted_at > as_of:
        submitted_at = None
    effective, effective_closing = deadline.deadline, closing.deadline
    final = effective_closing is not None and as_of > effective_closing
    status = status_of(deadline=deadline, closing=closing, submitted_at=submitted_at, as_of=as_of)
    standing = _standing(sent, effective) if status is not Status.NOT_SENT and submitted_at is not None else None
    decision: str | None = None
    faults: tuple[str, ...] = ()
    if standing is not None and standing.reviewed_at is not None and standing.reviewed_at <= as_of:
        decision = standing.decision
        if decision == RETURNED:
            faults = tuple(reason for reason in FAULTS if reason in standing.reasons)
    incidents = list(deadline.incident_ids)
    if status in (Status.LATE, Status.NOT_SENT):
        incidents += [i for i in closing.incident_ids if i not in incidents]
    return Verdict(
        status=status,
        deadline=deadline.scheduled,
        effective_deadline=effective,
        closing=closing.scheduled,
        effective_closing=effective_closing,
        submitted_at=submitted_at,
        incidents=tuple(incidents),
        standing=standing.number if standing is not None else None,
        decision=decision,
        faults=faults,
        deduction=deduction(status, faults, amounts),
        final=final,
    )


def status_of(*, deadline: Extension, closing: Extension, submitted_at: datetime | None, as_of: datetime) -> Status:
    """§4 alone (``timeliness.status``) from the effective deadline and closing time and the first
    submission (None: nothing submitted). ``judge`` adds the quality and the deduction."""
    return timeliness.status(
        scheduled=deadline.scheduled,
        deadline=deadline.deadline,
        closing=closing.deadline,
        submitted_at=submitted_at,
        as_of=as_of,
    )


def _standing(sent: Sequence[VersionFacts], deadline: datetime | None) -> VersionFacts | None:
    """§5: the last version submitted at or before the effective deadline, or, if none was, the
    first one after it (while an incident holds the deadline open, every version so far is before it)."""
    if not sent:
        return None
    before = [v for v in sent if deadline is None or v.submitted_at <= deadline]
    return before[-1] if before else sent[0]


def deduction(status: Status, faults: Sequence[str], amounts: Amounts) -> Decimal:
    """§6: at most one deduction per instance."""
    if status is Status.NOT_SENT:
        return amounts.not_sent
    if status in PENDING:
        return ZERO
    if status is Status.LATE or faults:
        return amounts.late_or_faulty
    return ZERO


def points(value: Decimal) -> str:
    """A deduction as interchange.md writes it: a decimal string with two places ("0.25")."""
    return f"{value.quantize(Decimal('0.01')):.2f}"


# --- A change's cost (issue 14 point 4) ---------------------------------------------------------------

#: A ledger line's key: (unit code, period code, report type code); its value: (unit name, state).
LineKey = tuple[str, str, str]


def ledger_changes(
    before: Mapping[LineKey, tuple[str, LineState]], after: Mapping[LineKey, tuple[str, LineState]]
) -> list[LineChange]:
    """The lines of two judgements of the same ledger that differ, sorted by unit, period and report: a
    line whose status or deduction changes, a line only ``after`` has (the change adds it to the
    ledger), a line only ``before`` has (the change takes it out: no longer final, or no longer
    scored). A line judged the same both times is no change, whatever else moved under it."""
    changes = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        old_state, new_state = (old[1] if old else None), (new[1] if new else None)
        if old_state == new_state:
            continue
        unit, period, report = key
        name = (new or old or ("", None))[0]
        changes.append(LineChange(unit, name, report, period, old_state, new_state))
    return changes


# --- Appeals (rules.md §6) ---------------------------------------------------------------------------


class AppealRefusal(StrEnum):
    """Why a line cannot be appealed now."""

    NOT_IN_LEDGER = "not_in_ledger"  # not a scored unit's line, or its closing time has not passed
    NO_DEDUCTION = "no_deduction"
    OVERTURNED = "overturned"  # an appeal against it was already overturned: it no longer counts
    UPHELD = "upheld"  # an appeal against it was upheld: the decision is final, one appeal per line
    PENDING = "pending"  # an appeal against it waits for a decision
    CLOSED = "closed"  # its year is closed (chốt sổ): the line is the closed snapshot's


def appeal_refusal(
    *, in_ledger: bool, deduction: Decimal, latest: str | None, closed: bool = False
) -> AppealRefusal | None:
    """None when a unit may appeal the line (rules.md §6): a final line of the ledger with a deduction that
    was never appealed. ``latest``: the decision of its latest appeal (pending, upheld, overturned) or None.
    A unit appeals a line once: while that appeal waits, and after it was decided either way, it cannot
    appeal the line again (the decision is final in the system). ``closed``: the line's year is closed
    (a closed line cannot be appealed)."""
    if closed:
        return AppealRefusal.CLOSED
    if not in_ledger:
        return AppealRefusal.NOT_IN_LEDGER
    if deduction <= ZERO:
        return AppealRefusal.NO_DEDUCTION
    if latest == "overturned":
        return AppealRefusal.OVERTURNED
    if latest == "upheld":
        return AppealRefusal.UPHELD
    if latest == "pending":
        return AppealRefusal.PENDING
    return None


# --- Closing a year (rules.md §6) --------------------------------------------------------------------


class Block(StrEnum):
    """Why a line keeps its year from being closed: it is not final yet."""

    NOT_FINAL = "not_final"  # its effective closing time has not passed
    INCIDENT_OPEN = "incident_open"  # an incident in its scope, still going on, holds it open
    APPEAL_PENDING = "appeal_pending"  # an appeal against it waits for a decision


@dataclass(frozen=True)
class ClosingFacts:
    """What closing needs to know of one scored expected report of the year."""

    unit: str
    period: str
    status: Status
    effective_closing: datetime | None  # None while an incident holds it open
    appeal: str | None  # the decision of its latest appeal (pending, upheld, overturned) or None
    standing: int | None  # the number of its standing version (§5), None when nothing was sent
    decision: str | None  # the review of the standing version (None: not reviewed)


def closing_blocks(lines: Sequence[ClosingFacts], *, as_of: datetime) -> list[tuple[ClosingFacts, Block]]:
    """Every line that keeps the year open at ``as_of``, with why (one reason per line: the incident
    first, then the closing time, then the appeal). Empty: every line is final and the year may close."""
    blocks = []
    for line in lines:
        if line.effective_closing is None:
            blocks.append((line, Block.INCIDENT_OPEN))
        elif not as_of > line.effective_closing:
            blocks.append((line, Block.NOT_FINAL))
        elif line.appeal == "pending":
            blocks.append((line, Block.APPEAL_PENDING))
    return blocks


def not_reviewed(lines: Sequence[ClosingFacts]) -> list[ClosingFacts]:
    """The lines whose standing version nobody reviewed: they close as "not reviewed: no fault" (§5)."""
    return [line for line in lines if line.standing is not None and line.decision is None]


#: What an appeal's attachment may be: its file name's extension and the bytes such a file starts with
#: (sniffed: a name alone proves nothing). Office documents are ZIP (OOXML, OpenDocument) or OLE files.
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ATTACHMENT_KINDS: dict[str, tuple[str, bytes]] = {
    "pdf": ("pdf", b"%PDF-"),
    "png": ("image", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image", b"\xff\xd8\xff"),
    "jpeg": ("image", b"\xff\xd8\xff"),
    **dict.fromkeys(("docx", "xlsx", "pptx", "odt", "ods", "odp"), ("office", _ZIP)),
    **dict.fromkeys(("doc", "xls", "ppt"), ("office", _OLE)),
}
#: How many bytes of a file ``attachment_problem`` needs to see.
SNIFF_BYTES = 8


class AttachmentProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    KIND = "kind"  # not a PDF, an image or an office document, or its content is not what its name says


def attachment_problem(*, name: str, size: int, head: bytes, max_bytes: int) -> AttachmentProblem | None:
    """None when the file may go with an appeal: not empty, at most ``max_bytes``, and its content
    starts as a file of its extension's kind does."""
    if size <= 0:
        return AttachmentProblem.EMPTY
    if size > max_bytes:
        return AttachmentProblem.TOO_LARGE
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = ATTACHMENT_KINDS.get(extension)
    if kind is None or not head.startswith(kind[1]):
        return AttachmentProblem.KIND
    return None
