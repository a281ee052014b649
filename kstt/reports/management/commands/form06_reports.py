"""`kstt form06-reports`: form 06 of a district, a province or the country compiled from the units' reports,
as JSON, the official workbook or its PDF."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compilation.selectors import CompilationError
from kstt.exports.libreoffice import ConversionError, to_pdf
from kstt.reports.compiled_json import render_country_detail_json, render_country_json, render_from_reports_json
from kstt.reports.compiled_selectors import compile_country_from_reports, compile_from_reports, compile_national_form
from kstt.reports.compiled_xlsx import render_from_reports_xlsx
from kstt.units.models import Unit


class Command(BaseCommand):
    help = (
        "Form 06 of a district or the province compiled from the standing report (accepted, else latest "
        "submitted) of every unit below it in the tree of the period, as JSON: the missing units listed, "
        "the dossiers' figures beside the reported ones; or the official workbook (--format xlsx) or its PDF "
        "(--format pdf, printed by LibreOffice), the missing units shown as 'Chưa báo cáo', the totals as formulas. "
        "--country: the country's form as the national level prints it, one line per province (its grand "
        "total from its units' reports, its units received and missing) and the country's grand total (JSON); "
        "with --detail, every province's whole compilation instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help="code of the receiving unit (a district or the province)")
        which.add_argument(
            "--country", action="store_true", help="the whole country: one line per province (JSON only)"
        )
        parser.add_argument(
            "--detail", action="store_true", help="with --country: every province's whole compilation (slower)"
        )
        parser.add_argument("--period", required=True, help="period code, e.g. 2021Q3")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", type=Path, help="write to this file (required for xlsx and pdf)")

    def handle(
        self,
        *args,
        unit: str | None,
        country: bool,
        detail: bool,
        period: str,
        format: str,
        output: Path | None,
        **options,
    ) -> None:
        try:
            the_period = Period.parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        if detail and not country:
            raise CommandError("--detail goes with --country")
        if country and format != "json":
            raise CommandError("--country gives JSON only (--format json)")
        the_unit = None if country else Unit.objects.filter(code=unit).first()
        if the_unit is None and not country:
            raise CommandError(f"unknown unit {unit}")
        report_type = catalogue.report_type()
        if report_type is None:
            raise CommandError("the catalogue is not loaded (kstt load-catalogue)")
        try:
            if the_unit is None and detail:
                country_detail = compile_country_from_reports(period=the_period, report_type=report_type)
                data = render_country_detail_json(country_detail)
            elif the_unit is None:
                data = render_country_json(compile_national_form(period=the_period, report_type=report_type))
            else:
                compiled = compile_from_reports(unit=the_unit, period=the_period, report_type=report_type)
                data = render_from_reports_json(compiled)
        except CompilationError as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            text = json.dumps(data, ensure_ascii=False) + "\n"
            if output is None:
                self.stdout.write(text, ending="")
            else:
                output.write_text(text, encoding="utf-8")
            return
        if output is None:
            raise CommandError(f"--format {format} needs --output FILE")
        document = render_from_reports_xlsx(compiled)
        if format == "pdf":  # the workbook as LibreOffice prints it, its totals recalculated
            try:
                document = to_pdf(document)
            except ConversionError as exc:
                raise CommandError(str(exc)) from None
        output.write_bytes(document)
        self.stderr.write(f"wrote {output}")
