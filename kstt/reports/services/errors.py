"""The domain errors of the report services: a change that cannot be made; nothing was changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext

from kstt import unicode_text


class SubmissionError(ValueError):
    """A change to a report that cannot be made; nothing was changed."""


class NotAllowed(SubmissionError):
    """The actor may not do this with this report (a page or API shows it as 404/403)."""


class NotOwed(SubmissionError):
    """The catalogue does not say the unit owes this report for that period."""


class StateError(SubmissionError):
    """The action is not allowed in the report's status (e.g. submitting an accepted report)."""


class DraftConflict(SubmissionError):
    """Someone else saved the draft since it was opened: the save is refused, nothing is overwritten."""

    def __init__(self, *, revision: int, updated_by: Any, updated_at: datetime) -> None:
        who = updated_by.get_full_name() if updated_by is not None else ""
        super().__init__(
            f"the draft was saved by someone else{f' ({who})' if who else ''} since you opened it "
            f"(now at revision {revision}); reload it and make your changes again"
        )
        self.revision, self.updated_by, self.updated_at = revision, updated_by, updated_at


class NotReady(SubmissionError):
    """Not a submission yet: the signed document or an applicable form is missing, or the PDF has no digital
    signature while the settings require one (rules.md §4: code ``signature``), or a cell is not a figure
    (§5: problems of code ``figures``, naming the cells)."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        missing = ", ".join(p.get("form") or p["code"] for p in problems if p["code"] != "figures")
        figures = "; ".join(f"{p['form']}: {p['detail']}" for p in problems if p["code"] == "figures")
        reasons = [f"attach the signed document and fill every form (missing: {missing})"] if missing else []
        if figures:
            reasons.append(f"make every cell a whole number from 0 to the form's ceiling (not figures: {figures})")
        super().__init__(f"not submitted: {'; '.join(reasons)}")
        self.problems = problems
        #: The RefusedSubmission that keeps the press (rules.md §4), once the submit service recorded it.
        self.recorded: Any = None


class InvalidText(SubmissionError):
    """A text that no engine stores alike (kstt.unicode_text: a lone surrogate, NUL); nothing was changed."""

    def __init__(self, error: unicode_text.TextError) -> None:
        super().__init__(str(error))
        self.error = error

    def message(self, where: str = "") -> str:
        """What the user reads, in the active language; ``where`` names the place for people (a section's
        title), else the path of the text."""
        params = {"where": where or self.error.where, "position": self.error.position, "char": self.error.code_point}
        if self.error.nul:
            return (
                gettext(
                    "%(where)s holds a NUL character (U+0000) at character %(position)s, which cannot be stored: "
                    "remove it and send again."
                )
                % params
            )
        return (
            gettext(
                "%(where)s holds a lone surrogate (%(char)s) at character %(position)s, which is not Unicode text "
                "and cannot be stored: remove it and send again."
            )
            % params
        )


class SectionTooLong(SubmissionError):
    """A narrative section longer than KSTT_MAX_SECTION_CHARS; nothing was changed."""

    def __init__(self, *, section: str, length: int, limit: int) -> None:
        super().__init__(f"the narrative section {section} is {length} characters long (at most {limit})")
        self.section, self.length, self.limit = section, length, limit

    def message(self, where: str = "") -> str:
        """What the user reads: ``where`` is the section's title for people, else its key."""
        return gettext(
            "The section “%(section)s” is %(length)s characters long; a section holds at most %(limit)s. "
            "Shorten it (or attach the details to the signed report) and save again."
        ) % {"section": where or self.section, "length": self.length, "limit": self.limit}


class NoteTooLong(SubmissionError):
    """An explanation, a reviewer's comment or a changed figure's reason (``kind``: explanation, comment,
    reason; ``cell`` "form.row.column" for a reason) longer than its limit (reports.rules.MAX_NOTE_CHARS,
    MAX_FIGURE_REASON_CHARS); nothing was changed."""

    def __init__(self, *, kind: str, length: int, limit: int, cell: str = "") -> None:
        what = f"reason for the changed figure {cell}" if kind == "reason" else kind
        super().__init__(f"the {what} is {length} characters long (at most {limit})")
        self.kind, self.cell, self.length, self.limit = kind, cell, length, limit

    def message(self) -> str:
        """What the user reads, in the active language."""
        where = {
            "explanation": gettext("The explanation"),
            "comment": gettext("The comment"),
        }.get(self.kind) or gettext("The reason for the changed figure %(cell)s") % {"cell": self.cell}
        return gettext("%(where)s is %(length)s characters long; at most %(limit)s are kept: shorten it.") % {
            "where": where,
            "length": self.length,
            "limit": self.limit,
        }


class IdempotencyKeyReused(SubmissionError):
    """The Idempotency-Key made a version that no longer stands (returned, or a newer one since): a call with
    it now would be a new submission, which a key never makes twice."""

    def __init__(self, *, version: int) -> None:
        super().__init__(
            f"this Idempotency-Key was used by version {version}, which has been returned or followed by "
            "another since; send a new key to submit again"
        )
        self.version = version


class ReviewError(SubmissionError):
    """The version cannot be reviewed (not the latest, already reviewed, reasons missing)."""


class SentToGovernmentOffice(ReviewError):
    """The province's own report goes outside KSTT, to the Government Office: nobody here reviews it."""

    def __init__(self) -> None:
        super().__init__("the report is sent to the Government Office: nobody in KSTT accepts or returns it")
