"""Every write to reports: open, save the draft, attach the narrative, submit, accept, return.

One function per state change: keyword-only arguments, the caller passes ``at``, one transaction,
one audit entry, side effects (notifications) after commit, domain errors (never HTTP responses).
The public functions check the actor's access (kstt.accounts.access); the loader of past history
(``load_submissions``) goes through the same cores without a person behind them.
"""

from __future__ import annotations

from kstt.reports.choices import ReportStatus
from kstt.reports.services.drafts import _open_or_create, attach_document, open_instance, refill_form06, save_draft
from kstt.reports.services.errors import (
    DraftConflict,
    IdempotencyKeyReused,
    InvalidText,
    NotAllowed,
    NoteTooLong,
    NotOwed,
    NotReady,
    ReviewError,
    SectionTooLong,
    SentToGovernmentOffice,
    StateError,
    SubmissionError,
)
from kstt.reports.services.history import SubmissionLoad, load_submissions
from kstt.reports.services.review import accept, return_report
from kstt.reports.services.submission import (
    SignedDocument,
    Submitted,
    checks,
    flags_for,
    submission_for_key,
    submit,
    submit_once,
    submit_report,
)

__all__ = [
    "DraftConflict",
    "IdempotencyKeyReused",
    "InvalidText",
    "NotAllowed",
    "NotOwed",
    "NotReady",
    "NoteTooLong",
    "ReportStatus",
    "ReviewError",
    "SectionTooLong",
    "SentToGovernmentOffice",
    "SignedDocument",
    "StateError",
    "SubmissionError",
    "SubmissionLoad",
    "Submitted",
    "_open_or_create",
    "accept",
    "attach_document",
    "checks",
    "flags_for",
    "load_submissions",
    "open_instance",
    "refill_form06",
    "return_report",
    "save_draft",
    "submission_for_key",
    "submit",
    "submit_once",
    "submit_report",
]
