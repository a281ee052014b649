from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kstt import clock
from kstt.catalogue.services import DEFINITIONS, CatalogueError, load_catalogue


class Command(BaseCommand):
    help = (
        "Load report types, form and outline definitions from files "
        "(default: the ones shipped, which migrate also loads). All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir", type=Path, default=DEFINITIONS, help="folder with report_types/, forms/ and outlines/"
        )

    def handle(self, *args, dir: Path, **options) -> None:
        if not dir.is_dir():
            raise CommandError(f"{dir}: not a folder")
        try:
            result = load_catalogue(directory=dir, at=clock.now())
        except CatalogueError as exc:
            raise CommandError(f"{exc}; nothing was loaded") from None
        self.stdout.write(
            f"report types: {len(result.report_types_created)} new, {len(result.report_types_kept)} kept as set; "
            f"forms: {len(result.forms_created)} new ({', '.join(result.forms_created) or '-'}), "
            f"{len(result.forms_unchanged)} unchanged; "
            f"outlines: {len(result.outlines_created)} new ({', '.join(result.outlines_created) or '-'}), "
            f"{len(result.outlines_unchanged)} unchanged"
            + (f"; shipped settings added: {', '.join(result.settings_added)}" if result.settings_added else "")
        )
