from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.catalogue.services import FieldFileError, load_procedure_fields
from kstt.commands import read_input


class Command(BaseCommand):
    help = "Load procedure field names (CSV: level,code,name): the row labels of form 06."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        data = read_input(file)
        try:
            created, changed = load_procedure_fields(data=data, at=clock.now(), source=str(file))
        except FieldFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(f"{file}: {created} new, {changed} renamed procedure fields")
