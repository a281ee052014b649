"""`kstt close-year YEAR [--reason TEXT]`: close a province's ledger of a year (rules.md §6, chốt sổ)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kstt import clock
from kstt.compliance import closing_selectors, services
from kstt.compliance.management.commands._closing import add_year_arguments, resolve


class Command(BaseCommand):
    help = (
        "Close a province's ledger of YEAR once every line is final: its snapshot (lines, totals, evidence, "
        "settings versions, SHA-256) and workbook are kept; `kstt deductions --year YEAR` gives it from then on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_year_arguments(parser)
        parser.add_argument("--reason", default="", help="a note kept with the closing")

    def handle(self, *args, year: int, province: str | None, report: str, by: str | None, reason: str, **options):
        report_type, the_province, actor = resolve(year=year, province=province, report=report, by=by)
        at = clock.now()
        state = closing_selectors.judgement(report_type=report_type, year=year, province=the_province, as_of=at)
        try:
            record = services.close_year(
                report_type=report_type, year=year, province=the_province, at=at, actor=actor, note=reason
            )
        except services.ClosingError as exc:
            if exc.code == "blocked":
                for facts, block in state.blocks[:20]:
                    self.stderr.write(f"  {facts.unit} {facts.period}: {block}")
            with translation.override("en"):  # as every command's errors
                raise CommandError(exc.message) from None
        self.stdout.write(
            f"{year} closed for {the_province.code}: revision {record.revision}, "
            f"{len(state.ledger.lines)} lines, sha256 {record.sha256}\n"
        )
        if state.not_reviewed:
            self.stdout.write(
                f"{len(state.not_reviewed)} standing versions were never reviewed: closed as not reviewed, no fault\n"
            )
