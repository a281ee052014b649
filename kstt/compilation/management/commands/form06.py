"""`kstt form06`: form 06 computed from dossiers, as JSON, the official workbook or its PDF, or a cell's dossiers."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compilation.selectors import CompilationError, cell_evidence, compile_form06, scope
from kstt.exports.form06_json import render_form06_json
from kstt.units.models import Unit


class Command(BaseCommand):
    help = "Form 06 of a unit (or compiled for a district or the province) computed from its dossiers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="unit code")
        parser.add_argument("--period", required=True, help="period code, e.g. 2021Q3")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", type=Path, help="write to this file (required for xlsx and pdf)")
        parser.add_argument(
            "--cell",
            metavar="ROW:COLUMN",
            help="list the dossier codes behind one cell: ROW is a field code (a unit's form), a unit code "
            "or a level (a compiled form) or 'total'; COLUMN a column key or its printed number (3-13)",
        )

    def handle(self, *args, unit: str, period: str, format: str, output: Path | None, cell: str | None, **options):
        try:
            the_period = Period.parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        the_unit = Unit.objects.filter(code=unit).first()
        if the_unit is None:
            raise CommandError(f"unknown unit {unit}")
        report_type = catalogue.report_type()
        if report_type is None:
            raise CommandError("the catalogue is not loaded (kstt load-catalogue)")
        try:
            if cell is not None:
                row, sep, column = cell.rpartition(":")
                if not sep or not row or not column:
                    raise CommandError(f"--cell takes ROW:COLUMN, e.g. HT:settled_late or HT:10, not {cell!r}")
                the_scope = scope(unit=the_unit, period=the_period, report_type=report_type)
                evidence = cell_evidence(scope=the_scope, row=row, column=column)
                codes = evidence.dossiers.values_list("code", flat=True)
                self._emit("".join(f"{code}\n" for code in codes.iterator()), output)
                return
            compiled = compile_form06(unit=the_unit, period=the_period, report_type=report_type)
        except CompilationError as exc:
            raise CommandError(str(exc)) from None
        if format == "json":
            self._emit(json.dumps(render_form06_json(compiled), ensure_ascii=False) + "\n", output)
            return
        if output is None:
            raise CommandError(f"--format {format} needs --output FILE")
        from kstt.exports.form06_xlsx import render_form06_xlsx

        workbook = render_form06_xlsx(compiled)
        if format == "pdf":  # the workbook as LibreOffice prints it, its totals recalculated
            from kstt.exports.libreoffice import ConversionError, to_pdf

            try:
                workbook = to_pdf(workbook)
            except ConversionError as exc:
                raise CommandError(str(exc)) from None
        output.write_bytes(workbook)
        self.stderr.write(f"wrote {output}")

    def _emit(self, text: str, output: Path | None) -> None:
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
