from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock, ledger_impact
from kstt.audit.describe import ledger_change_words
from kstt.commands import read_input
from kstt.incidents.rules import IncidentFileError
from kstt.incidents.services import load_incidents


class Command(BaseCommand):
    help = (
        "Load incidents of the reporting system from a CSV file (start,end,scope,description). All or nothing. "
        "When the new and changed incidents move ledger lines already final, the lines are printed and "
        "--reason is required."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--reason",
            default="",
            help="why the incidents change ledger lines already final (required when they do; kept in the audit trail)",
        )

    def handle(self, *args, file: Path, reason: str, **options) -> None:
        data = read_input(file)
        try:
            result = load_incidents(data=data, at=clock.now(), source=str(file), reason=reason)
        except IncidentFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        except ledger_impact.ReasonRequired as exc:
            self._lines(exc.changes)
            raise CommandError(
                f"{file}: these incidents change {len(exc.changes)} ledger line(s) (listed above): "
                "give --reason to load them; nothing was loaded"
            ) from None
        self.stdout.write(
            f"{file}: {result.created} new, {result.updated} updated, {result.unchanged} unchanged incidents"
        )
        if result.ledger_changes:
            self.stdout.write(f"{len(result.ledger_changes)} ledger line(s) changed:")
            self._lines(result.ledger_changes)

    def _lines(self, changes: tuple[ledger_impact.LineChange, ...]) -> None:
        for line in changes:
            self.stdout.write(f"  {ledger_change_words(line.as_data())}")
