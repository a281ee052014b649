"""The package for the national system (issue 15, point 5; interchange.md "Package for the national system").

One zip per receiving unit (the province; a district in the 2021 shape) and period, made from the unit's
own standing report (its accepted version, else its latest submitted one: ``compilation.rules``) and the
form 06 compiled from the reports it receives (``compile_from_reports``), both as they stood when that
version was submitted (a unit's report that came in later is not in the package the province sent):

=================  ======================================================================================
``narrative.pdf``  the signed narrative PDF attached to the unit's standing version, byte for byte
``narrative.docx`` the narrative KSTT drafts for the unit (``narrative_selectors``) at that instant
``form06.xlsx``    form 06 compiled from the units' reports (``compiled_xlsx``): missing units shown
``form07b.xlsx``   the unit's own form 07b with the standing version's figures (the province only)
``form06.json``    the compiled form 06 as ``kstt form06-reports`` gives it (``compiled_json``)
``manifest.json``  ``{"unit", "period", "report", "files": [{"name", "sha256"}], "included", "missing"}``
=================  ======================================================================================

``included``: one ``{"unit", "version", "standing", "via"}`` per unit whose figures the compiled form 06
sums (``standing``: "accepted" or "latest"; ``via``: the district whose compiled report carried a
commune's figures, else null); ``missing``: the codes of the units that have not reported (or reported no
form 06 figures), never summed. ``report``: the unit's own version packaged, ``{"unit", "version",
"standing"}``. ``files`` lists every member but the manifest, in the zip's order.

No package without the unit's own report submitted with its signed PDF: the package is what the province
sends upwards, and a provincial officer expects it whole, never a package that silently lacks the signed
report (``PackageError`` says what is missing, and nothing is made).

A part is one line of ``PARTS``: its file name and a function of the ``Sources`` returning its bytes (None
when the unit has no such part: a district has no form 07b). Reads only (no write, no audit entry).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.catalogue.rules.form07b import CompiledForm07b
from kstt.catalogue.rules.periods import Period
from kstt.compilation import rules
from kstt.compilation.selectors import COMPILED_LEVELS, CompilationError
from kstt.compliance.narrative_selectors import NarrativeError, narrative_docx
from kstt.exports.form07b_xlsx import render_form07b_xlsx
from kstt.reports.compiled_json import render_from_reports_json
from kstt.reports.compiled_selectors import FromReports, compile_from_reports
from kstt.reports.compiled_xlsx import render_from_reports_xlsx
from kstt.reports.form07b_export import NoForm07b, draft_form07b
from kstt.reports.models import ReportInstance, ReportVersion
from kstt.units import selectors as units
from kstt.units.models import Unit

MANIFEST = "manifest.json"


class PackageError(Exception):
    """Why no package is made: ``str()`` in English (the command), ``message()`` in the reader's language."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params)
        self.template, self.params = template, params

    def message(self) -> str:
        return _(self.template) % self.params


NOT_THEN = gettext_noop("The unit %(unit)s did not exist in %(period)s.")
RECEIVES_NOTHING = gettext_noop(
    "%(unit)s receives no reports: only the province (or a district in the 2021 shape) sends a package."
)
NOT_SUBMITTED = gettext_noop(
    "The package needs the unit's own report for %(period)s submitted with its signed PDF: "
    "%(unit)s has not submitted it yet."
)
NO_DOCUMENT = gettext_noop(
    "The package needs the signed PDF of the unit's own report: version %(number)s of %(unit)s for %(period)s has none."
)
ALTERED = gettext_noop(
    "The signed PDF of version %(number)s of %(unit)s is not the file that was uploaded (its SHA-256 "
    "differs): no package is made."
)
NOT_COMPILED = gettext_noop("Form 06 of %(unit)s for %(period)s cannot be compiled: %(reason)s")
NOT_DRAFTED = gettext_noop("The narrative of %(unit)s for %(period)s cannot be drafted: %(reason)s")


@dataclass(frozen=True)
class Sources:
    """What the parts are made of, read once."""

    unit_code: str
    period: str
    instance: ReportInstance  # the unit's own report
    version: ReportVersion  # its standing version (values, narrative, document)
    standing: rules.Standing
    narrative_pdf: bytes  # the signed PDF of that version
    narrative_docx: bytes  # the narrative KSTT drafts for the unit (the writer's starting point)
    compiled: FromReports  # form 06 compiled from the reports the unit receives
    form07b: CompiledForm07b | None  # the unit's own form 07b (None: its level has none)


def _narrative_pdf(s: Sources) -> bytes:
    return s.narrative_pdf


def _narrative_docx(s: Sources) -> bytes:
    return s.narrative_docx


def _form06_xlsx(s: Sources) -> bytes:
    return render_from_reports_xlsx(s.compiled)


def _form07b_xlsx(s: Sources) -> bytes | None:
    return render_form07b_xlsx(s.form07b) if s.form07b is not None else None


def _form06_json(s: Sources) -> bytes:
    return (json.dumps(render_from_reports_json(s.compiled), ensure_ascii=False, indent=1) + "\n").encode()


Part = tuple[str, Callable[[Sources], bytes | None]]

#: The members of the zip, in order (the manifest comes last). One line per part.
PARTS: tuple[Part, ...] = (
    ("narrative.pdf", _narrative_pdf),
    ("narrative.docx", _narrative_docx),
    ("form06.xlsx", _form06_xlsx),
    ("form07b.xlsx", _form07b_xlsx),
    ("form06.json", _form06_json),
)


def package_sources(*, unit: Unit, period: Period, report_type: ReportType) -> Sources:
    """The unit's own standing version with its signed PDF, and the compiled form 06; ``PackageError``
    when the unit receives no reports or its own report is not submitted with its signed PDF."""
    names = {"unit": unit.code, "period": period.code}
    end = catalogue.window(report_type, period)[1]
    version_then = units.unit_on(unit.code, end)
    if version_then is None:
        raise PackageError(NOT_THEN, **names)
    if version_then.level not in COMPILED_LEVELS:
        raise PackageError(RECEIVES_NOTHING, **names)
    instance = (
        ReportInstance.objects.filter(unit=unit, report_type=report_type, period=period.code)
        .select_related("unit", "report_type")
        .first()
    )
    versions = (
        list(ReportVersion.objects.filter(instance=instance).select_related("document", "review"))
        if instance is not None
        else []
    )
    standing = rules.standing_version(rules.VersionState(v.number, _decision(v)) for v in versions)
    if instance is None or standing is None:
        raise PackageError(NOT_SUBMITTED, **names)
    version = next(v for v in versions if v.number == standing.number)
    document = version.document
    if document is None:
        raise PackageError(NO_DOCUMENT, number=version.number, **names)
    with document.file.open("rb") as file:
        pdf = file.read()
    if hashlib.sha256(pdf).hexdigest() != document.sha256:
        raise PackageError(ALTERED, number=version.number, **names)
    # The forms and the draft go with the signed report: the units' reports as they stood when it was sent (a
    # report that came in later is in the next package of the period, once the province sends again).
    sent_at = version.submitted_at
    try:
        compiled = compile_from_reports(unit=unit, period=period, report_type=report_type, as_of=sent_at)
    except CompilationError as exc:
        raise PackageError(NOT_COMPILED, reason=str(exc), **names) from None
    try:
        docx = narrative_docx(unit=unit, period=period, as_of=sent_at, report_type=report_type)
    except NarrativeError as exc:
        raise PackageError(NOT_DRAFTED, reason=str(exc), **names) from None
    try:
        form07b: CompiledForm07b | None = draft_form07b(instance, version.values)
    except NoForm07b:
        form07b = None
    return Sources(unit.code, period.code, instance, version, standing, pdf, docx, compiled, form07b)


def _decision(version: ReportVersion) -> str | None:
    review = getattr(version, "review", None)  # the reverse one-to-one raises when there is none
    return review.decision if review is not None else None


def manifest(s: Sources, files: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
    """The manifest of interchange.md: each file's SHA-256, the units included with the version used, the
    units missing, and the unit's own version packaged."""
    c = s.compiled.compilation
    return {
        "unit": s.unit_code,
        "period": s.period,
        "report": {"unit": s.unit_code, "version": s.standing.number, "standing": s.standing.basis},
        "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest()} for name, data in files],
        "included": [
            {
                "unit": line.member.code,
                "version": line.standing.number,
                "standing": line.standing.basis,
                "via": line.via or None,
            }
            for line in c.received
            if line.standing is not None
        ],
        "missing": [line.member.code for line in c.missing],
    }


def build_package(s: Sources, *, at: datetime, parts: Sequence[Part] = PARTS) -> bytes:
    """The zip: each part that applies, then ``manifest.json``; every member dated ``at`` (local time)."""
    files = [(name, data) for name, make in parts if (data := make(s)) is not None]
    members = [*files, (MANIFEST, (json.dumps(manifest(s, files), ensure_ascii=False, indent=1) + "\n").encode())]
    stamp = at.astimezone(clock.province_zone()).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def make_package(*, unit: Unit, period: Period, report_type: ReportType, at: datetime) -> bytes:
    """The package of ``unit`` for ``period``; ``PackageError`` when none can be made."""
    return build_package(package_sources(unit=unit, period=period, report_type=report_type), at=at)


def file_name(unit_code: str, period: str) -> str:
    return f"goi-bao-cao-{unit_code}-{period}.zip"
