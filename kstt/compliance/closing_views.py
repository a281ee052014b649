"""Closing a year's ledger on the pages (rules.md §6, chốt sổ): what still blocks, the standing versions
nobody reviewed, closing, reopening with a reason, every revision and its workbook.

Thin views: who may act through kstt.accounts.access, reads through compliance.closing_selectors, writes
through compliance.services. The province is the office's own; an administrator picks one (``?province=``)
when the database holds several.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.compliance import closing_selectors, services
from kstt.units.models import Unit


def _report_type() -> ReportType:
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report catalogue.")
    return report_type


def _province(request: HttpRequest, year: int) -> Unit:
    """The province whose year the user closes, or 404 (it is not theirs, or there is none)."""
    found = closing_selectors.province_for(request.user, year, code=request.GET.get("province") or None)
    if found is None or not access.may_view_province_ledger(request.user, on=clock.today()):
        raise Http404("No province of yours.")
    return found


def _page(request: HttpRequest, year: int) -> str:
    url = reverse("compliance_ledger:closing", args=[year])
    code = request.GET.get("province")
    return f"{url}?province={code}" if code else url


@require_GET
@login_required
def closing(request: HttpRequest, year: int) -> HttpResponse:
    """/compliance/deductions/<year>/closing/: the year's closings and, when open, what still blocks."""
    report_type = _report_type()
    province = _province(request, year)
    now = clock.now()
    revisions = closing_selectors.closings(report_type=report_type, year=year, province=province)
    current = closing_selectors.closing_in_force(report_type=report_type, year=year, province=province, at=now)
    context: dict[str, Any] = {
        "year": year,
        "province": province,
        "revisions": revisions,
        "current": current,
        "may_act": access.may_close_year(request.user, province, on=clock.today()),
        "province_query": request.GET.get("province", ""),
    }
    if current is None:
        state = closing_selectors.judgement(report_type=report_type, year=year, province=province, as_of=now)
        context.update(state=state, blocks=state.blocks[:200])
    return render(request, "compliance/closing.html", context)


@require_POST
@login_required
def close(request: HttpRequest, year: int) -> HttpResponse:
    report_type = _report_type()
    province = _province(request, year)
    try:
        record = services.close_year(
            report_type=report_type,
            year=year,
            province=province,
            at=clock.now(),
            actor=request.user,
            note=request.POST.get("note", ""),
        )
    except services.ClosingError as exc:
        if exc.code == "not_allowed":
            return render(request, "compliance/ledger_forbidden.html", status=403)
        messages.warning(request, exc.message)
    else:
        messages.success(
            request, _("%(year)s is closed (revision %(revision)s).") % {"year": year, "revision": record.revision}
        )
    return redirect(_page(request, year))


@require_POST
@login_required
def reopen(request: HttpRequest, year: int) -> HttpResponse:
    report_type = _report_type()
    province = _province(request, year)
    try:
        services.reopen_year(
            report_type=report_type,
            year=year,
            province=province,
            reason=request.POST.get("reason", ""),
            at=clock.now(),
            actor=request.user,
        )
    except services.ClosingError as exc:
        if exc.code == "not_allowed":
            return render(request, "compliance/ledger_forbidden.html", status=403)
        messages.warning(request, exc.message)
    else:
        messages.success(request, _("%(year)s is open again: its closed revisions are kept.") % {"year": year})
    return redirect(_page(request, year))


def _revision(request: HttpRequest, year: int, revision: int) -> Any:
    report_type = _report_type()
    province = _province(request, year)
    found = [
        r
        for r in closing_selectors.closings(report_type=report_type, year=year, province=province)
        if r.revision == revision
    ]
    if not found:
        raise Http404("No such revision.")
    return found[0]


@require_GET
@login_required
def revision(request: HttpRequest, year: int, revision: int) -> HttpResponse:
    """/compliance/deductions/<year>/closing/<revision>/: a closed revision's ledger, as it was closed."""
    record = _revision(request, year, revision)
    table = closing_selectors.closed_table(record)
    return render(
        request,
        "compliance/closing_revision.html",
        {
            "year": year,
            "record": record,
            "table": table,
            "rows": [{"row": row, "cells": [row.cells.get(p.code) for p in table.periods]} for row in table.rows],
            "snapshot": closing_selectors.snapshot_of(record),
            "province_query": request.GET.get("province", ""),
        },
    )


@require_GET
@login_required
def workbook(request: HttpRequest, year: int, revision: int) -> FileResponse:
    """The Home Affairs workbook kept with a closed revision, byte for byte."""
    record = _revision(request, year, revision)
    return FileResponse(
        record.workbook.open("rb"),
        as_attachment=True,
        filename=f"diem-tru-kstt-{year}-{record.province.code}-lan-{record.revision}.xlsx",
    )
