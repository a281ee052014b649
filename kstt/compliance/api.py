"""The PAR index deductions through the API: the JSON of ``kstt deductions`` (interchange.md)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kstt import clock
from kstt.accounts import access
from kstt.catalogue import selectors as catalogue
from kstt.compliance import closing_selectors, deductions_answer
from kstt.compliance.dashboard import STATUSES, UnknownDistrict, compliance_dashboard, with_verdicts
from kstt.compliance.rules import points
from kstt.interchange import parse_instant
from kstt.reports.timeliness import FutureInstant, check_as_of
from kstt.units import selectors as units
from kstt.units.choices import Level
from kstt.units.models import Unit

YEAR = OpenApiParameter("year", OpenApiTypes.INT, required=True, description="Calendar year of the periods' end")
AS_OF = OpenApiParameter(
    "as_of", OpenApiTypes.DATETIME, required=False, description="ISO 8601 instant with its offset (default: now)"
)

LIVE = OpenApiParameter(
    "live", OpenApiTypes.BOOL, required=False, description="1: judge today's facts even when the year is closed"
)
DIFF = OpenApiParameter(
    "diff", OpenApiTypes.BOOL, required=False, description="1: the lines whose live verdict differs from the closed one"
)
PROVINCE = OpenApiParameter(
    "province",
    OpenApiTypes.STR,
    required=False,
    description="an administrator's choice of province (a closing is per province)",
)


class BadQuery(APIException):
    status_code = 400
    default_code = "bad_query"


def parse_as_of(raw: str, *, now: datetime) -> datetime:
    """The ``as_of`` parameter: an instant with its offset, not in the future (rules.md §6); 400 otherwise."""
    try:
        as_of = parse_instant(raw)
    except ValueError:
        raise BadQuery(gettext("as_of must be an instant with its offset, e.g. 2022-01-31T17:00:00+07:00.")) from None
    try:
        return check_as_of(as_of, now=now)
    except FutureInstant:
        detail = gettext("as_of %(as_of)s is in the future: a judgement is made as of an instant that has come.")
        raise BadQuery({"detail": detail % {"as_of": raw[:40]}, "code": "future_as_of"}) from None


class Deductions(APIView):
    """The deductions of a year known at ``as_of``: every scored unit for the provincial office, the
    caller's own unit for anyone else (whose unit has no line when it is not scored)."""

    @extend_schema(parameters=[YEAR, AS_OF, LIVE, DIFF, PROVINCE], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report_type = catalogue.report_type()
        if report_type is None:
            raise BadQuery(gettext("The catalogue is not loaded."))
        now = clock.now()
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            raise BadQuery(gettext("Give the year, e.g. year=2021.")) from None
        first = catalogue.first_year(report_type) or year
        if not first <= year <= clock.local_date(now).year:
            raise BadQuery(
                gettext("There are deductions for the years %(first)s to %(last)s.")
                % {"first": first, "last": clock.local_date(now).year}
            )
        as_of = now
        if "as_of" in request.query_params:  # given, even empty: an instant (an empty one is refused)
            as_of = parse_as_of(request.query_params["as_of"], now=now)
        live, diff = _flag(request, "live"), _flag(request, "diff")
        if live and diff:
            raise BadQuery({"detail": gettext("Ask for live=1 or diff=1, not both."), "code": "live_and_diff"})
        unit_ids: list[int] | None
        if access.is_provincial_office(request.user, on=clock.local_date(now)):
            unit_ids = None
        elif getattr(request.user, "unit_id", None) is not None:
            unit_ids = [request.user.unit_id]
        else:
            unit_ids = []
        province = _province(request, year)
        try:
            data = deductions_answer.answer_json(
                report_type=report_type,
                year=year,
                as_of=as_of,
                province=province,
                unit_ids=unit_ids,
                live=live,
                diff=diff,
                named=bool(request.query_params.get("province")),
            )
        except deductions_answer.NotClosed:
            detail = gettext("%(year)s is not closed: there is nothing to compare.") % {"year": year}
            raise BadQuery({"detail": detail, "code": "not_closed"}) from None
        return Response(data)


def _flag(request: Request, name: str) -> bool:
    if name not in request.query_params:
        return False
    value = request.query_params[name]
    if value in ("0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise BadQuery(gettext("%(name)s is 1 or 0.") % {"name": name})


def _province(request: Request, year: int) -> Unit | None:
    """The province whose ledger is asked: ``province`` (an administrator's choice), the office's own,
    the one above the caller's unit, or the database's only province."""
    user = request.user
    code = request.query_params.get("province")
    if code:
        found = closing_selectors.province(code, year)
        own = getattr(user, "unit", None)
        if found is None or (not getattr(user, "is_kstt_admin", False) and (own is None or own.pk != found.pk)):
            detail = gettext("%(code)s is not a province whose ledger you may read.") % {"code": code[:32]}
            raise BadQuery({"detail": detail, "code": "bad_province"})
        return found
    unit = getattr(user, "unit", None)
    if unit is not None:
        above = units.ancestor_ids(unit, on=date(year, 12, 31))
        root = Unit.objects.filter(pk=above[-1]).first() if above else unit
        if root is not None and closing_selectors.province(root.code, year) is not None:
            return root
    return closing_selectors.only_province(year)


LEVEL = OpenApiParameter(
    "level", OpenApiTypes.STR, required=False, enum=Level.values, description="Only units of this level"
)
DISTRICT = OpenApiParameter(
    "district", OpenApiTypes.STR, required=False, description="A district's code: it and the units below it"
)


class NotAllowed(APIException):
    status_code = 403
    default_code = "forbidden"


class Compliance(APIView):
    """The compliance dashboard as JSON (issue 14 point 9): per unit and period the status (one of
    ``on_time|excused|late|not_sent|not_yet_due|overdue|incident_open``), the §4 submitted time, the
    scheduled and effective deadline, the quality faults and the points of its ledger line (null while it is
    no line: not scored, or its closing time not passed; an overturned appeal counts 0), and the number of
    reports per status. The same access as the dashboard page: administrators (every unit), the provincial
    office (the province's units), a district's reviewers (its communes); 403 for anyone else."""

    @extend_schema(parameters=[YEAR, AS_OF, LEVEL, DISTRICT], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report_type = catalogue.report_type()
        if report_type is None:
            raise BadQuery(gettext("The catalogue is not loaded."))
        now = clock.now()
        today = clock.local_date(now)
        if not access.may_view_dashboard(request.user, on=today):
            raise NotAllowed(
                {
                    "detail": gettext(
                        "Only the provincial office and the districts' reviewers follow how units send their reports."
                    ),
                    "code": "forbidden",
                }
            )
        try:
            year = int(request.query_params.get("year", ""))
        except ValueError:
            raise BadQuery(gettext("Give the year, e.g. year=2021.")) from None
        first = catalogue.first_year(report_type) or year
        if not first <= year <= today.year:
            raise BadQuery(
                gettext("There are reports for the years %(first)s to %(last)s.") % {"first": first, "last": today.year}
            )
        as_of = parse_as_of(request.query_params["as_of"], now=now) if "as_of" in request.query_params else now
        level = request.query_params.get("level")
        if level is not None and level not in Level.values:  # given, even empty: a level
            raise BadQuery({"detail": gettext("“%(level)s” is not a level of units.") % {"level": level[:20]},
                            "code": "bad_level"})  # fmt: skip
        district = request.query_params.get("district", "").strip()
        try:
            board = compliance_dashboard(
                report_type=report_type,
                year=year,
                as_of=as_of,
                root=access.tree_root(request.user),
                level=level or None,
                district=district or None,
            )
        except UnknownDistrict:
            raise BadQuery(
                {"detail": gettext("“%(code)s” is not a district you follow.") % {"code": district[:20]},
                 "code": "bad_district"}
            ) from None  # fmt: skip
        rows = with_verdicts(board.rows, report_type=report_type, periods=board.periods, as_of=as_of)
        zone = clock.province_zone()

        def instant(value: datetime | None) -> str | None:
            return value.astimezone(zone).isoformat() if value is not None else None

        units = []
        for row in rows:
            reports = []
            for cell in row.cells:
                if cell is None:
                    continue
                verdict = cell.judged.verdict
                deduction = cell.deduction
                reports.append(
                    {
                        "period": cell.judged.period.code,
                        "status": verdict.status.value,
                        "submitted_at": instant(verdict.submitted_at),
                        "deadline": instant(verdict.deadline),
                        "effective_deadline": instant(verdict.effective_deadline),
                        "faults": list(verdict.faults),
                        "scored": cell.judged.scored,
                        "deduction": points(deduction) if deduction is not None else None,
                        "appeal": cell.appeal.decision if cell.appeal is not None else None,
                    }
                )
            units.append({"unit": row.code, "name": row.name, "level": row.level, "reports": reports})
        return Response(
            {
                "year": year,
                "as_of": instant(as_of),
                "periods": [period.code for period in board.periods],
                "counts": {status.value: board.counts[status] for status in STATUSES},
                "units": units,
            }
        )
