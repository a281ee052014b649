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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

from kstt.catalogue.rules.deadlines import WorkCalendar
from kstt.incidents.rules import Extension, IncidentSpan, extend


class Status(StrEnum):
    ON_TIME = "on_time"
    EXCUSED = "excused"
    LATE = "late"
    NOT_SENT = "not_sent"
    #: Not submitted, and the (effective) closing time has not passed: nothing to judge yet.
    OPEN = "open"


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


def as_known(incidents: Sequence[IncidentSpan], as_of: datetime) -> list[IncidentSpan]:
    """The incidents as they were known at ``as_of``: one that starts later did not happen yet,
    one that ends later was still going on."""
    known = []
    for incident in incidents:
        if incident.start > as_of:
            continue
        if incident.end is not None and incident.end > as_of:
            incident = replace(incident, end=None)
        known.append(incident)
    return known


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
) -> Verdict:
    """The verdict of one report instance (rules.md §4–§6). ``incidents``: those in the unit's scope."""
    deadline_ext, closing_ext = extensions(
        deadline=deadline, closing=closing, incidents=incidents, as_of=as_of, calendar=calendar, zone=zone
    )
    return judge(deadline=deadline_ext, closing=closing_ext, versions=versions, amounts=amounts, as_of=as_of)


def judge(
    *, deadline: Extension, closing: Extension, versions: Sequence[VersionFacts], amounts: Amounts, as_of: datetime
) -> Verdict:
    """The verdict once the effective deadline and closing time are known (``verdict`` without the
    incident rule, so that many instances sharing a schedule and incidents share one extension)."""
    sent = sorted((v for v in versions if v.submitted_at <= as_of), key=lambda v: (v.submitted_at, v.number))
    submitted_at = sent[0].submitted_at if sent else None
    effective, effective_closing = deadline.deadline, closing.deadline
    final = effective_closing is not None and as_of > effective_closing
    status = status_of(deadline=deadline, closing=closing, submitted_at=submitted_at, as_of=as_of)
    standing = _standing(sent, effective) if status is not Status.NOT_SENT else None
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
    """§4 alone: the status of an instance from its effective deadline and closing time and its first
    submission by ``as_of`` (None: nothing submitted). ``judge`` adds the quality and the deduction."""
    status = _timeliness(
        scheduled=deadline.scheduled, deadline=deadline.deadline, closing=closing.deadline, submitted_at=submitted_at
    )
    if status is not None:
        return status
    final = closing.deadline is not None and as_of > closing.deadline
    return Status.NOT_SENT if final else Status.OPEN


def _timeliness(
    *, scheduled: datetime, deadline: datetime | None, closing: datetime | None, submitted_at: datetime | None
) -> Status | None:
    """§4 for a submitted report (None when nothing is submitted)."""
    if submitted_at is None:
        return None
    if deadline is None or submitted_at <= deadline:
        # Held open by an incident still going on, or in time for the effective deadline.
        return Status.EXCUSED if submitted_at > scheduled else Status.ON_TIME
    if closing is None or submitted_at <= closing:
        return Status.LATE
    return Status.NOT_SENT  # first sent after the closing time


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
    if status is Status.OPEN:
        return ZERO
    if status is Status.LATE or faults:
        return amounts.late_or_faulty
    return ZERO


def points(value: Decimal) -> str:
    """A deduction as interchange.md writes it: a decimal string with two places ("0.25")."""
    return f"{value.quantize(Decimal('0.01')):.2f}"


# --- Appeals (rules.md §6) ---------------------------------------------------------------------------


class AppealRefusal(StrEnum):
    """Why a line cannot be appealed now."""

    NOT_IN_LEDGER = "not_in_ledger"  # not a scored unit's line, or its closing time has not passed
    NO_DEDUCTION = "no_deduction"
    OVERTURNED = "overturned"  # an appeal against it was already overturned: it no longer counts
    UPHELD = "upheld"  # an appeal against it was upheld: the decision is final, one appeal per line
    PENDING = "pending"  # an appeal against it waits for a decision


def appeal_refusal(*, in_ledger: bool, deduction: Decimal, latest: str | None) -> AppealRefusal | None:
    """None when a unit may appeal the line (rules.md §6): a final line of the ledger with a deduction that
    was never appealed. ``latest``: the decision of its latest appeal (pending, upheld, overturned) or None.
    A unit appeals a line once: while that appeal waits, and after it was decided either way, it cannot
    appeal the line again (the decision is final in the system)."""
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
