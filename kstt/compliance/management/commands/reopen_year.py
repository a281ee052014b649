"""`kstt reopen-year YEAR --reason TEXT`: reopen a province's closed year (rules.md §6), audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kstt import clock
from kstt.compliance import services
from kstt.compliance.management.commands._closing import add_year_arguments, resolve


class Command(BaseCommand):
    help = (
        "Reopen a province's closed ledger of YEAR, with a reason: the closed revision is kept; closing again "
        "makes the next revision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)
        parser.add_argument("--reason", required=True, help="why the year is reopened (kept in the audit trail)")

    def handle(self, *args, year: int, province: str | None, report: str, by: str | None, reason: str, **options):
        report_type, the_province, actor = resolve(year=year, province=province, report=report, by=by)
        try:
            reopening = services.reopen_year(
                report_type=report_type, year=year, province=the_province, reason=reason, at=clock.now(), actor=actor
            )
        except services.ClosingError as exc:
            with translation.override("en"):  # as every command's errors
                raise CommandError(exc.message) from None
        self.stdout.write(f"{year} reopened for {the_province.code} (revision {reopening.closing.revision} kept)\n")
