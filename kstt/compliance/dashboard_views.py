"""/compliance/: the reviewers' dashboard of who sends the KSTT report on time (issue 9, point 5).

Thin: who may look is kstt.accounts.access's answer, the numbers are kstt.compliance.dashboard's
(over compliance.selectors.glances, with judged for the rows a page shows, as of the clock's now).
A filter value the page cannot show is a 400 that says why, in the reader's language; everyone but
administrators, the provincial office and district reviewers gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.period_choice import period_range
from kstt.catalogue.rules.periods import Period
from kstt.compliance import services
from kstt.compliance.dashboard import (
    STATUSES,
    Dashboard,
    UnknownDistrict,
    compliance_dashboard,
    status_of_item,
    with_verdicts,
)
from kstt.compliance.rules import Status
from kstt.exports.libreoffice import ConversionError, to_pdf
from kstt.exports.urging_letter import LetterLine, UrgingLetter, letter_subject, render_urging_letter
from kstt.interchange import parse_instant
from kstt.notifications import services as notifications
from kstt.reports import selectors as reports
from kstt.reports.templatetags.kstt_labels import level_label, period_label
from kstt.reports.timeliness import FutureInstant, check_as_of
from kstt.units import selectors as units
from kstt.units.choices import Level

ROWS_PER_PAGE = 100

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BadFilter(ValueError):
    """A filter value the dashboard cannot show; the message is in the reader's language."""


@dataclass(frozen=True)
class Filters:
    year: int
    level: str
    district: str
    status: Status | None
    page: int
    #: The instant the dashboard is judged as of, as given (empty: now).
    as_of: str = ""

    def query(self, **changes: Any) -> str:
        """The address's query string with these filters (and ``changes``), empty values left out."""
        values: dict[str, str | int] = {"year": self.year, "level": self.level, "district": self.district}
        values["as_of"] = self.as_of
        values["status"] = self.status.value if self.status else ""
        values |= changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """/compliance/?year=&level=&district=&status=&page=: units × periods, coloured by status."""
    user: Any = request.user
    now = clock.now()
    today = clock.local_date(now)
    if not access.may_view_dashboard(user, on=today):
        return _forbidden(request)
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report catalogue.")
    first_year = period_range(report_type).first_year or today.year
    years = list(range(min(first_year, today.year), today.year + 1))
    try:
        filters = _filters(request.GET, years=years, default_year=today.year)
        as_of = page_as_of(filters.as_of, now=now)
        board = compliance_dashboard(
            report_type=report_type,
            year=filters.year,
            as_of=as_of,
            root=access.tree_root(user),
            level=filters.level or None,
            district=filters.district or None,
            status=filters.status,
        )
        page = _page(board, filters.page)
        page.object_list = with_verdicts(
            list(page.object_list), report_type=report_type, periods=board.periods, as_of=as_of
        )
    except UnknownDistrict:
        return _bad_filter(
            request, _("“%(code)s” is not a district you follow.") % {"code": request.GET.get("district", "")[:20]}
        )
    except BadFilter as exc:
        return _bad_filter(request, str(exc))
    return render(
        request,
        "compliance/dashboard.html",
        {
            "board": board,
            "filters": filters,
            "years": years,
            "page": page,
            "counts": [(status, board.counts[status], filters.query(status=status.value)) for status in STATUSES],
            "all_statuses": filters.query(status=""),
            "pages": _pager(page, filters),
            "rates": board.rates_by_level(),
            "chart": _chart(board),
            "statuses": STATUSES,
            # Urging (đôn đốc) is about now: offered on the "overdue, not sent" filter of today's dashboard.
            "urge": board.counts[Status.OVERDUE] if filters.status is Status.OVERDUE and not filters.as_of else 0,
            # The urging letter (công văn đôn đốc) is the provincial office's, signed by its chief.
            "may_draft_letter": access.is_provincial_office(user, on=today),
            "level_choices": [(level, level_label(level)) for level in board.levels],
            "review_days": settings.KSTT_REVIEW_DAYS,
        },
    )


def _filters(query: QueryDict, *, years: list[int], default_year: int) -> Filters:
    raw_year = query.get("year", "").strip()
    if raw_year and (not raw_year.isdigit() or int(raw_year) not in years):
        raise BadFilter(
            _("“%(year)s” is not a year with reporting periods: choose one from %(first)s to %(last)s.")
            % {"year": raw_year[:12], "first": years[0], "last": years[-1]}
        )
    level = query.get("level", "").strip()
    if level and level not in Level.values:
        raise BadFilter(_("“%(level)s” is not a level of units.") % {"level": level[:20]})
    raw_status = query.get("status", "").strip()
    if raw_status and raw_status not in Status.__members__.values():
        raise BadFilter(_("“%(status)s” is not a status the dashboard can filter by.") % {"status": raw_status[:20]})
    raw_page = query.get("page", "").strip()
    if raw_page and (not raw_page.isdigit() or int(raw_page) < 1):
        raise BadFilter(_("“%(page)s” is not a page number.") % {"page": raw_page[:12]})
    return Filters(
        year=int(raw_year) if raw_year else default_year,
        level=level,
        district=query.get("district", "").strip(),
        status=Status(raw_status) if raw_status else None,
        page=int(raw_page) if raw_page else 1,
        as_of=query.get("as_of", "").strip()[:40],
    )


def page_as_of(raw: str, *, now: datetime) -> datetime:
    """A page's ``as_of`` (empty: now): an instant with its offset, not in the future (rules.md §6: a
    judgement is made as of an instant that has come); ``BadFilter`` with the reader's message otherwise."""
    if not raw:
        return now
    try:
        as_of = parse_instant(raw)
    except ValueError:
        raise BadFilter(
            _("“%(as_of)s” is not an instant: write it with its offset, e.g. 2022-01-31T17:00:00+07:00.")
            % {"as_of": raw}
        ) from None
    try:
        return check_as_of(as_of, now=now)
    except FutureInstant:
        raise BadFilter(
            _("%(as_of)s is in the future: a judgement is made as of an instant that has come.") % {"as_of": raw}
        ) from None


def _page(board: Dashboard, number: int) -> Page:
    paginator = Paginator(board.rows, ROWS_PER_PAGE, allow_empty_first_page=True)
    if number > paginator.num_pages:
        raise BadFilter(
            _("There is no page %(page)s: the units chosen fill %(pages)s.")
            % {"page": number, "pages": paginator.num_pages}
        )
    return paginator.page(number)


def _pager(page: Page, filters: Filters) -> dict[str, str | None]:
    """The query strings of the first, previous, next and last pages (None where there is none)."""
    last = page.paginator.num_pages
    return {
        "first": filters.query(page=1) if page.number > 1 else None,
        "previous": filters.query(page=page.number - 1) if page.has_previous() else None,
        "next": filters.query(page=page.number + 1) if page.has_next() else None,
        "last": filters.query(page=last) if page.number < last else None,
    }


def _chart(board: Dashboard) -> dict[str, Any]:
    """The on-time rates as the chart script reads them (embedded with json_script)."""
    return {
        "labels": [period_label(period) for period in board.periods],
        "axis": _("Sent on time (%)"),
        "datasets": [
            {"level": level, "label": level_label(level), "data": [rate.percent for rate in rates]}
            for level, rates in board.rates_by_level().items()
        ],
    }


def _bad_filter(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "bad_input.html", {"message": message, "back": "home"}, status=400)


@dataclass(frozen=True)
class Overdue:
    """What the dashboard's "overdue, not sent" filter shows now: the filters, the report type and the
    reports owed that are overdue, not sent, among the units the filters choose."""

    filters: Filters
    report_type: Any
    owed: list[reports.Owed]


def _overdue_now(request: HttpRequest, *, now: datetime) -> Overdue | HttpResponse:
    """The overdue, not sent reports of the POSTed filters (year, level, district), as of ``now``; a 400 page
    for a filter the dashboard cannot show."""
    user: Any = request.user
    today = clock.local_date(now)
    report_type = catalogue.report_type()
    if report_type is None:
        raise Http404("No report catalogue.")
    first_year = period_range(report_type).first_year or today.year
    years = list(range(min(first_year, today.year), today.year + 1))
    try:
        filters = _filters(request.POST, years=years, default_year=today.year)
        board = compliance_dashboard(
            report_type=report_type,
            year=filters.year,
            as_of=now,
            root=access.tree_root(user),
            level=filters.level or None,
            district=filters.district or None,
            status=Status.OVERDUE,
        )
    except UnknownDistrict:
        return _bad_filter(
            request, _("“%(code)s” is not a district you follow.") % {"code": request.POST.get("district", "")[:20]}
        )
    except BadFilter as exc:
        return _bad_filter(request, str(exc))
    wanted: dict[Period, set[int]] = {}
    for row in board.rows:
        for item in row.judged:
            if item is not None and status_of_item(item) is Status.OVERDUE:
                wanted.setdefault(item.period, set()).add(row.unit_id)
    owed = [
        o
        for period, unit_ids in wanted.items()
        for o in reports.owed_in_period(report_type=report_type, period=period, now=now)
        if o.unit.unit_id in unit_ids
    ]
    return Overdue(filters=filters, report_type=report_type, owed=owed)


def _forbidden(request: HttpRequest) -> HttpResponse:
    message = _("Only the provincial office and the districts' reviewers follow how units send their reports.")
    return render(request, "bad_input.html", {"message": message, "back": "home"}, status=403)


@require_POST
@login_required
def urge(request: HttpRequest) -> HttpResponse:
    """POST /compliance/urge/ (year, level, district): urge (đôn đốc) the units of every report the dashboard
    shows as overdue, not sent now, in one action: each unit's reporters are told in the application and by
    e-mail, kept as evidence like the automatic reminders (kstt.notifications.services.urge)."""
    user: Any = request.user
    now = clock.now()
    today = clock.local_date(now)
    if not access.may_view_dashboard(user, on=today):
        return _forbidden(request)
    overdue = _overdue_now(request, now=now)
    if isinstance(overdue, HttpResponse):
        return overdue
    mine = units.unit_on(user.unit.code, today) if getattr(user, "unit", None) is not None else None
    office = mine.name if mine is not None else user.get_full_name() or user.username
    run = notifications.urge(owed=overdue.owed, actor=user, at=now, office=office)
    messages.success(
        request,
        ngettext(
            "%(n)s report urged: its unit was told in the application and by e-mail.",
            "%(n)s reports urged: their units were told in the application and by e-mail.",
            len(run.urged),
        )
        % {"n": len(run.urged)}
        + (" " + _("%(n)s already urged today.") % {"n": run.already} if run.already else ""),
    )
    return redirect(
        reverse("compliance_dashboard:dashboard") + "?" + overdue.filters.query(status=Status.OVERDUE.value)
    )


@require_POST
@login_required
def urging_letter(request: HttpRequest) -> HttpResponse:
    """POST /compliance/urging-letter/ (year, level, district): the urging letter (công văn đôn đốc) naming
    the units of every report the dashboard shows as overdue, not sent now, as a docx in the format of Decree
    30/2020/NĐ-CP, to number, sign and send. The provincial office's: anyone else who may see the dashboard
    gets a 403 like those who may not. Downloading it is recorded on each unit's ledger line
    (compliance.services.record_urging_letter)."""
    user: Any = request.user
    now = clock.now()
    today = clock.local_date(now)
    if not access.is_provincial_office(user, on=today):
        message = _("Only the provincial office drafts urging letters.")
        return render(request, "bad_input.html", {"message": message, "back": "home"}, status=403)
    overdue = _overdue_now(request, now=now)
    if isinstance(overdue, HttpResponse):
        return overdue
    chosen = [o for o in overdue.owed if o.effective_deadline is not None]
    if not chosen:
        messages.warning(request, _("No report is overdue, not sent now: there is nobody to urge."))
        return redirect(
            reverse("compliance_dashboard:dashboard") + "?" + overdue.filters.query(status=Status.OVERDUE.value)
        )
    province = units.unit_on(user.unit.code, today)
    if province is None:  # is_provincial_office read it a moment ago
        return _forbidden(request)
    zone = clock.province_zone()
    lines = [
        services.UrgedLine(
            unit=o.unit.unit,
            period=o.period.code,
            deadline=o.effective_deadline,
            days_late=max((today - o.effective_deadline.astimezone(zone).date()).days, 1),
        )
        for o in chosen
        if o.effective_deadline is not None
    ]
    names = {o.unit.unit_id: o.unit.name for o in chosen}
    letter = UrgingLetter(
        province=province.name,
        report=overdue.report_type.name,
        on=today,
        lines=[
            LetterLine(
                unit=names[line.unit.pk],
                period=period_label(next(o.period for o in chosen if o.period.code == line.period)),
                deadline=line.deadline.astimezone(zone),
                days_late=line.days_late,
            )
            for line in lines
        ],
    )
    document = render_urging_letter(letter)
    download, content_type, extension = document, DOCX, "docx"
    if request.POST.get("format") == "pdf":  # printed by LibreOffice; the docx is what is kept either way
        try:
            download, content_type, extension = to_pdf(document, suffix=".docx"), "application/pdf", "pdf"
        except ConversionError as exc:
            message = _("The server could not print the document to PDF: %(reason)s") % {"reason": exc}
            return render(request, "bad_input.html", {"message": message, "back": "home"}, status=503)
    services.record_urging_letter(
        report_type=overdue.report_type,
        province=province.unit,
        lines=lines,
        subject=letter_subject(letter),
        document=document,
        actor=user,
        at=now,
    )
    response = HttpResponse(download, content_type=content_type)
    filename = f"cong-van-don-doc-{overdue.report_type.code}-{now.astimezone(zone):%Y%m%d-%H%M}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
