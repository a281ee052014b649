"""`kstt deductions`: the PAR index deductions of a year (interchange.md "Deductions")."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.compliance import closing_selectors, deductions_answer
from kstt.compliance.deductions_json import LINE_COLUMNS, csv_row
from kstt.compliance.ledger_selectors import incident_descriptions
from kstt.interchange import parse_instant
from kstt.reports.timeliness import check_as_of
from kstt.units.models import Unit


class Command(BaseCommand):
    help = (
        "The PAR index deductions of a year: one line per expected report of every scored unit whose "
        "period ends in YEAR and whose effective closing time has passed at --as-of, and a total per unit. "
        "Once the year is closed (kstt close-year), the closed snapshot; --live judges today's facts, "
        "--diff lists the lines whose live verdict differs from the closed one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--as-of", dest="as_of", help="an instant with its offset (default: now)")
        parser.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        parser.add_argument("--report", default=catalogue.KSTT, help="report type code (default: kstt)")
        parser.add_argument("--output", type=Path, help="write to this file (xlsx: standard output if omitted)")
        parser.add_argument(
            "--province", help="the province whose ledger (default: the only province; a closing is per province)"
        )
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--live", action="store_true", help="judge today's facts even when the year is closed")
        mode.add_argument(
            "--diff", action="store_true", help="the lines whose live verdict differs from the closed one"
        )

    def handle(
        self,
        *args,
        year: int,
        as_of: str | None,
        format: str,
        report: str,
        output: Path | None,
        province: str | None = None,
        live: bool = False,
        diff: bool = False,
        **options,
    ):
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
        the_province = _province(province, year)
        zone = clock.province_zone()
        if diff and format != "json":
            raise CommandError("--diff answers in JSON only (--format json)")
        if format == "json":
            try:
                data = deductions_answer.answer_json(
                    report_type=report_type,
                    year=year,
                    as_of=when,
                    province=the_province,
                    live=live,
                    diff=diff,
                    named=province is not None,
                )
            except deductions_answer.NotClosed:
                raise CommandError(
                    f"{year} is not closed: there is nothing to compare (kstt close-year {year})"
                ) from None
            self._emit(json.dumps(data, ensure_ascii=False) + "\n", output)
            return
        found = deductions_answer.resolve(
            report_type=report_type, year=year, as_of=when, province=the_province, live=live, named=province is not None
        )
        the_ledger = found.ledger
        if format == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(LINE_COLUMNS)
            writer.writerows(csv_row(line, zone) for line in the_ledger.lines)
            self._emit(buffer.getvalue(), output)
        else:
            from kstt.compliance.deductions_xlsx import render_deductions_xlsx

            if found.closing is not None:  # the workbook kept with the closing, byte for byte
                with found.closing.workbook.open("rb") as stored:
                    workbook = stored.read()
            else:
                workbook = render_deductions_xlsx(the_ledger, zone, incidents=incident_descriptions(the_ledger))
            if output is not None:
                output.write_bytes(workbook)
            else:
                stream = getattr(self.stdout._out, "buffer", None)
                if stream is None:
                    raise CommandError("--format xlsx needs --output FILE here")
                stream.write(workbook)
                stream.flush()

    def _emit(self, text: str, output: Path | None) -> None:
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")


def _province(code: str | None, year: int) -> Unit | None:
    """--province, or the database's only province (None when it holds several: every unit, judged live)."""
    if code is None:
        return closing_selectors.only_province(year)
    found = closing_selectors.province(code, year)
    if found is None:
        raise CommandError(f"--province {code}: no province has this code at the end of {year}")
    return found
