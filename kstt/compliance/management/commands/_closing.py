"""What `kstt close-year` and `kstt reopen-year` share: the arguments naming a province's year and who acts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.models import ReportType
from kstt.compliance import closing_selectors
from kstt.units.models import Unit


def add_year_arguments(parser: CommandParser) -> None:
    parser.add_argument("year", type=int)
    parser.add_argument("--province", help="the province's code (default: the database's only province)")
    parser.add_argument("--report", default=catalogue.KSTT, help="report type code (default: kstt)")
    parser.add_argument(
        "--by",
        dest="by",
        help="the username recorded as acting (the province's office or an administrator); default: the system",
    )


def resolve(*, year: int, province: str | None, report: str, by: str | None) -> tuple[ReportType, Unit, Any]:
    """The report type, the province and the acting user (None: the system), or a clear CommandError."""
    if not 2000 <= year <= 2200:
        raise CommandError(f"{year} is not a year this system can judge")
    report_type = catalogue.report_type(report)
    if report_type is None:
        raise CommandError(f"unknown report type {report!r} (is the catalogue loaded?)")
    if province is None:
        found = closing_selectors.only_province(year)
        if found is None:
            raise CommandError("give --province CODE: the database does not hold exactly one province")
    else:
        found = closing_selectors.province(province, year)
        if found is None:
            raise CommandError(f"--province {province}: no province has this code at the end of {year}")
    actor = None
    if by is not None:
        actor = get_user_model().objects.filter(username=by).first()
        if actor is None:
            raise CommandError(f"--by {by}: no such user")
    return report_type, found, actor
