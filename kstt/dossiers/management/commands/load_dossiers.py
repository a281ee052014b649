from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.dossiers.rules import DossierRecordError
from kstt.dossiers.services import load_dossier_file


class Command(BaseCommand):
    help = "Load dossier records from the one-stop system (CSV); upsert by code, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = load_dossier_file(path=file, at=clock.now())
        except DossierRecordError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        counts = f"{result.created} new, {result.updated} updated, {result.unchanged} unchanged"
        self.stdout.write(f"{file}: {result.total} dossiers: {counts}")
