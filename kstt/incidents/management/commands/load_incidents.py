from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.commands import read_input
from kstt.incidents.rules import IncidentFileError
from kstt.incidents.services import load_incidents


class Command(BaseCommand):
    help = "Load incidents of the reporting system from a CSV file (start,end,scope,description). All or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        data = read_input(file)
        try:
            result = load_incidents(data=data, at=clock.now(), source=str(file))
        except IncidentFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(
            f"{file}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged incidents"
        )
