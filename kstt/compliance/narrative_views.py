"""/compliance/narrative/<unit>/<period>/: the narrative report KSTT drafts for a receiving unit, as a docx
(``?format=pdf``: the same printed by LibreOffice, 503 saying why when it cannot be).

Thin: the same access as the unit's report page (kstt.accounts.access.unit_for_user: the unit's own people,
the reviewers above it and administrators; 404 for anyone else, so existence does not leak); the value is
kstt.compliance.narrative_selectors', the document kstt.exports.narrative's. A unit that receives no reports
(a commune, a department) or a period without an outline gets a page that says why, in the reader's language.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compliance.narrative_selectors import NarrativeError, narrative_docx
from kstt.exports.libreoffice import ConversionError, to_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_GET
@login_required
def narrative(request: HttpRequest, unit_code: str, period: str) -> HttpResponse:
    """The draft narrative report of the unit for the period, to edit in Word or LibreOffice, sign and attach."""
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report type.")
    try:
        the_period = Period.parse(period)
    except PeriodError:
        raise Http404("No such period.") from None
    window_end = catalogue.window(report_type, the_period)[1]
    version, _access = access.unit_for_user(user=request.user, code=unit_code, on=window_end)
    now = clock.now()
    try:
        document = narrative_docx(unit=version.unit, period=the_period, as_of=now, report_type=report_type)
    except NarrativeError:
        message = _(
            "KSTT drafts the narrative report only for a unit that receives reports (a district or the province) "
            "and a period with an outline in force."
        )
        return render(request, "bad_input.html", {"message": message, "back": "home"}, status=404)
    name, content_type = f"bao-cao-kstt-{version.unit.code}-{the_period.code}", DOCX
    if request.GET.get("format") == "pdf":
        try:
            document, content_type = to_pdf(document, suffix=".docx"), "application/pdf"
        except ConversionError as exc:
            message = _("The server could not print the document to PDF: %(reason)s") % {"reason": exc}
            return render(request, "bad_input.html", {"message": message, "back": "home"}, status=503)
    response = HttpResponse(document, content_type=content_type)
    filename = f"{name}.{'pdf' if content_type == 'application/pdf' else 'docx'}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
