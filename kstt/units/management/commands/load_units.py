from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.commands import read_input
from kstt.units.rules import UnitFileError
from kstt.units.services import UnitsError, load_units


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
        parser.add_argument(
            "--close-absent",
            action="store_true",
            help="also close, from --from, the units of the file's province(s) that the file no longer lists",
        )

    def handle(self, *args, file: Path, effective_from: date | None, close_absent: bool, **options) -> None:
        if close_absent and effective_from is None:
            raise CommandError("--close-absent needs --from (the date the absent units close)")
        data = read_input(file)
        try:
            result = load_units(
                data=data, effective_from=effective_from, at=clock.now(), source=str(file), close_absent=close_absent
            )
        except (UnitFileError, UnitsError) as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(
            f"{file}: {result.total} units: {result.created} new, {result.changed} changed, "
            f"{result.unchanged} unchanged"
        )
        if close_absent and effective_from is not None:
            closed = result.codes_closed
            listed = ", ".join(closed[:10]) + (f" and {len(closed) - 10} more" if len(closed) > 10 else "")
            self.stdout.write(
                f"{len(closed)} units absent from the file closed from {effective_from.isoformat()}"
                + (f": {listed}" if closed else "")
            )
