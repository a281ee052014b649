from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.commands import read_input
from kstt.reports.rules import SubmissionFileError
from kstt.reports.services import load_submissions


class Command(BaseCommand):
    help = (
        "Load the submission history of past periods from a CSV file "
        "(unit_code,report,period,event,at,reasons). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        data = read_input(file)
        try:
            result = load_submissions(data=data, at=clock.now(), source=str(file))
        except SubmissionFileError as exc:
            raise CommandError(f"{file}: {exc}; nothing was loaded") from None
        self.stdout.write(
            f"{file}: {result.submitted} submissions, {result.reviewed} reviews loaded, "
            f"{result.unchanged} lines unchanged"
        )
