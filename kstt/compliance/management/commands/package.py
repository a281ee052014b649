"""`kstt package`: the zip a province (or a district in the 2021 shape) sends to the national system."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.catalogue import selectors as catalogue
from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compliance.package import PackageError, make_package
from kstt.units.models import Unit


class Command(BaseCommand):
    help = (
        "The package of a period for the national system, as one zip: the signed narrative PDF of the unit's own "
        "standing report, the narrative KSTT drafts (docx), form 06 compiled from the reports it receives (xlsx and "
        "JSON), its own form 07b (xlsx), and manifest.json (each file's SHA-256, the units included with the "
        "version used, the units missing); the units' reports as they stood when that report was submitted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="code of the receiving unit (the province or a district)")
        parser.add_argument("--period", required=True, help="period code, e.g. 2021Q3")
        parser.add_argument("--output", required=True, type=Path, help="the zip file to write")

    def handle(self, *args, unit: str, period: str, output: Path, **options) -> None:
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
            data = make_package(unit=the_unit, period=the_period, report_type=report_type, at=clock.now())
        except PackageError as exc:
            raise CommandError(str(exc)) from None
        output.write_bytes(data)
        self.stderr.write(f"wrote {output}")
