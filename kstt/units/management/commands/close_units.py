from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.units.management.commands.load_units import iso_date
from kstt.units.services import UnitsError, close_units


class Command(BaseCommand):
    help = "Close units from a date (they no longer exist that day). All or nothing; nothing is deleted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="unit codes")
        parser.add_argument("--on", required=True, type=iso_date, help="first day the units no longer exist")
        parser.add_argument("--file", type=Path, help="a file of unit codes, one per line (or a units CSV)")

    def handle(self, *args, codes: list[str], on: date, file: Path | None, **options) -> None:
        wanted = list(codes)
        if file is not None:
            try:
                lines = file.read_text(encoding="utf-8-sig").splitlines()
            except OSError as exc:
                raise CommandError(f"{file}: {exc.strerror}") from None
            except UnicodeDecodeError:
                raise CommandError(f"{file}: the file is not UTF-8 text; nothing was closed") from None
            wanted += [line.split(",")[0].strip() for line in lines if line.strip() and not line.startswith("code,")]
        try:
            count = close_units(codes=wanted, on=on, at=clock.now())
        except UnitsError as exc:
            raise CommandError(f"{exc}; nothing was closed") from None
        self.stdout.write(f"{count} units closed from {on.isoformat()}")
