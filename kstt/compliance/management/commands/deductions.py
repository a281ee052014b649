"""`kstt deductions`: the PAR index deductions of a year (interchange.md "Deductions")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.compliance.ledger_selectors import incident_descriptions, ledger
from kstt.exports.deductions_json import LINE_COLUMNS, csv_row, render_deductions_json
from kstt.interchange import parse_instant
from kstt.reports.timeliness import check_as_of


class Command(BaseCommand):
    help = (
        "The PAR index deductions of a year: one line per expected report of every scored unit whose "
        "period ends in YEAR and whose effective closing time has passed at --as-of, and a total per unit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--as-of", dest="as_of", help="an instant with its offset (default: now)")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--report", default=catalogue.KSTT, help="report type code (default: kstt)")
        parser.add_argument("--output", type=Path, help="write to this file (xlsx: standard output if omitted)")

    def handle(self, *args, year: int, as_of: str | None, format: str, report: str, output: Path | None, **options):
        if not 2000 <= year <= 2200:
            raise CommandError(f"--year {year} is not a year this system can judge")
        now = clock.now()
        try:  # a future instant is refused: tomorrow's facts are not known (rules.md §6)
            when = check_as_of(parse_instant(as_of), now=now) if as_of else now
        except ValueError as exc:
            raise CommandError(f"--as-of: {exc}") from None
        report_type = catalogue.report_type(report)
        if report_type is None:
            raise CommandError(f"unknown report type {report!r} (is the catalogue loaded?)")
        the_ledger = ledger(report_type=report_type, year=year, as_of=when)
        zone = clock.province_zone()
        if format == "json":
            self._emit(json.dumps(render_deductions_json(the_ledger, zone), ensure_ascii=False) + "\n", output)
        elif format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(LINE_COLUMNS)
            writer.writerows(csv_row(line, zone) for line in the_ledger.lines)
            self._emit(buffer.getvalue(), output)
        else:
            from kstt.exports.deductions_xlsx import render_deductions_xlsx

            data = render_deductions_xlsx(the_ledger, zone, incidents=incident_descriptions(the_ledger))
            if output is not None:
                output.write_bytes(data)
            else:
                stream = getattr(self.stdout._out, "buffer", None)
                if stream is None:
                    raise CommandError("--format xlsx needs --output FILE here")
                stream.write(data)
                stream.flush()

    def _emit(self, text: str, output: Path | None) -> None:
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
