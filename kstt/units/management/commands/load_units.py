from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.commands import read_input
from kstt.units.rules import UnitFileError
from kstt.units.services import load_units


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Load organisation units from a CSV file (code,name,level,kind,parent_code). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--from", dest="effective_from", type=iso_date, help="date the file's tree takes effect")

    def handle(self, *args, file: Path, effective_from: date | None, **options) -> None:
        data = read_input(file)
        try:
            result = load_units(data=data, effective_from=effective_from, at=clock.now(), source=str(file))
        except UnitFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(
            f"{file}: {result.total} units: {result.created} new, {result.changed} changed, "
            f"{result.unchanged} unchanged"
        )
