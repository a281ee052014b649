"""The unit's form 06 as the official workbook: download it (prefilled or blank), upload it filled in.

Thin views (style.md §4): the unit's reporters only (anyone else gets 404, so existence does not leak);
the workbook is laid out by ``prefill.draft_form06`` and ``kstt.exports.form06_xlsx``, read back by
``kstt.exports.form06_import``, and saved into the draft through ``services.save_draft`` with the
revision the upload form carries. A workbook that cannot be used (broken, another form, unit or period,
tampered with) is refused with every reason, each at its cell when it has one, and changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.forms import TOTAL
from kstt.catalogue.rules.periods import PeriodError
from kstt.exports.form06_import import MAX_BYTES, FormImportError, Problem, read_form06_workbook
from kstt.exports.form06_xlsx import render_form06_xlsx
from kstt.exports.form07b_xlsx import render_form07b_xlsx
from kstt.exports.libreoffice import ConversionError, to_pdf
from kstt.reports import prefill, services
from kstt.reports.form07b_export import NoForm07b, draft_form07b
from kstt.reports.forms import column_sums
from kstt.reports.models import Draft, ReportInstance
from kstt.reports.rules import EDITABLE
from kstt.reports.wording import words_for
from kstt.units import selectors as units
from kstt.units.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: HttpRequest, unit_code: str, period: str) -> tuple[ReportInstance, Draft]:
    """The report of the user's own unit for that period (opened on first use), or 404."""
    unit = Unit.objects.filter(code=unit_code).first()
    report_type = catalogue.report_type()
    if unit is None or report_type is None or not access.may_report_for(request.user, unit):
        raise Http404("Not found.")
    try:  # a period whose window has not started is owed by nobody yet: no report is opened for it
        started = catalogue.window(report_type, period)[0] <= clock.today()
    except PeriodError:
        started = False
    if not started:
        raise Http404("Not found.")
    try:
        instance = services.open_instance(
            unit=unit, report_type=report_type, period=period, at=clock.now(), actor=request.user
        )
    except services.SubmissionError:
        raise Http404("Not found.") from None
    return instance, Draft.objects.get(instance=instance)


@require_GET
@login_required
def download(request: HttpRequest, unit: str, period: str) -> HttpResponse:
    """The official workbook of the unit's form 06: the draft's figures, or blank with ``?fill=blank``."""
    instance, draft = _report(request, unit, period)
    blank = request.GET.get("fill") == "blank"
    try:
        compiled = prefill.draft_form06(instance, draft.values, blank=blank)
    except prefill.NoForm06:
        raise Http404("Not found.") from None
    response = HttpResponse(render_form06_xlsx(compiled), content_type=XLSX)
    name = f"bieu-06-{instance.unit.code}-{instance.period}{'-trong' if blank else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def download_pdf(request: HttpRequest, unit: str, period: str) -> HttpResponse:
    """The unit's form 06 with the draft's figures, the official workbook printed to PDF by LibreOffice."""
    instance, draft = _report(request, unit, period)
    try:
        compiled = prefill.draft_form06(instance, draft.values)
    except prefill.NoForm06:
        raise Http404("Not found.") from None
    return _pdf(render_form06_xlsx(compiled), f"bieu-06-{instance.unit.code}-{instance.period}.pdf")


def _pdf(workbook: bytes, name: str) -> HttpResponse:
    """The workbook as PDF, or 503 saying why LibreOffice could not print it."""
    try:
        pdf = to_pdf(workbook)
    except ConversionError as exc:
        return HttpResponse(
            _("The server could not print the form to PDF: %(reason)s") % {"reason": exc},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@login_required
def form07b(request: HttpRequest, unit: str, period: str, kind: str) -> HttpResponse:
    """The province's form 07b with the draft's figures: the official workbook, or it printed to PDF by
    LibreOffice (503 with the reason when it cannot be)."""
    if kind not in ("xlsx", "pdf"):
        raise Http404("Not found.")
    instance, draft = _report(request, unit, period)
    try:
        workbook = render_form07b_xlsx(draft_form07b(instance, draft.values))
    except NoForm07b:
        raise Http404("Not found.") from None
    name = f"bieu-07b-{instance.unit.code}-{instance.period}.{kind}"
    if kind == "pdf":
        return _pdf(workbook, name)
    response = HttpResponse(workbook, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _page(
    request: HttpRequest, instance: ReportInstance, draft: Draft, status: int = 200, **extra: Any
) -> HttpResponse:
    end = catalogue.window(instance.report_type, instance.period)[1]
    version = units.unit_on(instance.unit.code, end)
    context = {
        "report": instance,
        "draft": draft,
        "unit_name": version.name if version is not None else instance.unit.code,
        "max_mb": MAX_BYTES // (1024 * 1024),
    } | extra
    return render(request, "reports/excel_upload.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest, unit: str, period: str) -> HttpResponse:
    """GET: the upload form. POST: read the workbook and save its figures into the draft."""
    instance, draft = _report(request, unit, period)
    try:
        compiled = prefill.draft_form06(instance, draft.values)
    except prefill.NoForm06:
        raise Http404("Not found.") from None
    if request.method == "GET":
        return _page(request, instance, draft)

    def refused(problems: list[Any], status: int = 400) -> HttpResponse:
        return _page(request, instance, draft, status=status, problems=[str(p) for p in problems])

    if instance.status not in EDITABLE:
        return refused([_("The report has been submitted: it can be changed only once it is returned.")], 409)
    try:
        revision = int(request.POST.get("revision", ""))
    except ValueError:
        return refused([_("The upload form is incomplete: reload the page and try again.")])
    workbook = request.FILES.get("workbook")
    if workbook is None:
        return refused([_("Choose the filled-in workbook (.xlsx) to upload.")])
    if workbook.size is not None and workbook.size > MAX_BYTES:
        return refused([Problem(f"Tệp quá lớn (tối đa {MAX_BYTES // (1024 * 1024)} MB).")])
    rows = [row.key for row in compiled.rows]
    try:
        imported = read_form06_workbook(
            workbook.read(),
            spec=compiled.spec,
            unit_code=instance.unit.code,
            period_code=instance.period,
            row_keys=rows,
        )
    except FormImportError as exc:
        return refused(exc.problems)
    # The total row is the column sums of the field rows, as when the figures are typed on the page
    # (forms.parse_values): never the workbook's own total, which may be a stale number.
    total = column_sums(compiled.spec, imported.values)
    values = dict(draft.values) | {prefill.FORM06: {**imported.values, TOTAL: total}}
    try:
        saved = services.save_draft(
            instance=instance, values=values, narrative=draft.narrative, reasons=draft.reasons,
            expected_revision=revision, at=clock.now(), actor=request.user,
        )  # fmt: skip
    except services.DraftConflict:
        return refused(
            [_("Someone saved this report since you opened the page: nothing was changed. Reload and upload again.")],
            409,
        )
    except services.SubmissionError as exc:
        return refused([str(exc)], 409)
    # What the report page will say about the saved figures, said here with each cell's place in the
    # workbook and in words: the form's rules (and R7), then the cells that differ from the dossiers (R8).
    words = words_for(instance)
    findings, _problems = services.checks(instance, saved)
    mine = [f for f in findings if f.get("form") == prefill.FORM06]

    def told(finding: dict[str, Any]) -> str:
        ref = imported.cells.get((finding.get("row", ""), finding.get("column", "")))
        text = words.finding(finding, with_form=False)
        return _("Cell %(ref)s — %(finding)s") % {"ref": ref, "finding": text} if ref else text

    return _page(
        request,
        instance,
        saved,
        saved_now=True,
        findings=[told(f) for f in mine if f.get("rule") != prefill.R8],
        differences=[
            {"text": told(f), "link": f.get("link", "")}
            for f in mine
            if f.get("rule") == prefill.R8 and "missing" not in f
        ],
    )
