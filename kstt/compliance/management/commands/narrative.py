"""`kstt narrative`: the narrative report KSTT drafts for a district or the province, as docx or PDF."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt.catalogue.rules.periods import Period, PeriodError
from kstt.compliance.narrative_selectors import NarrativeError, narrative_docx
from kstt.units.models import Unit


class Command(BaseCommand):
    help = (
        "The narrative report of a district or the province for a period, drafted from the outline in force: "
        "the compiled figures, each unit's text for each section, and the reporting regime from the ledger, "
        "as a docx in the format of Decree 30/2020/ND-CP (or its PDF, printed by LibreOffice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="code of the receiving unit (a district or the province)")
        parser.add_argument("--period", required=True, help="period code, e.g. 2021Q3")
        parser.add_argument("--output", required=True, type=Path, help="write the document to this file")
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")

    def handle(self, *args, unit: str, period: str, output: Path, format: str, **options) -> None:
        try:
            the_period = Period.parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        the_unit = Unit.objects.filter(code=unit).first()
        if the_unit is None:
            raise CommandError(f"unknown unit {unit}")
        try:
            document = narrative_docx(unit=the_unit, period=the_period)
        except NarrativeError as exc:
            raise CommandError(str(exc)) from None
        if format == "pdf":
            from kstt.exports.libreoffice import ConversionError, to_pdf

            try:
                document = to_pdf(document, suffix=".docx")
            except ConversionError as exc:
                raise CommandError(str(exc)) from None
        output.write_bytes(document)
        self.stderr.write(f"wrote {output}")
