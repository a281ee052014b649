"""`kstt backup [--output PATH]`: the database and the uploaded files in one archive (docs/it/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from kstt import clock
from kstt.backup import archive


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT) into one archive with a manifest of checksums. "
        "PostgreSQL: pg_dump --format=custom; SQLite: SQLite's online backup. Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            default=Path("."),
            help="The archive to write, or a folder to write kstt-backup-<UTC time>.tar in (default: this folder).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias to back up.")

    def handle(self, *args: Any, output: Path, database: str, **options: Any) -> None:
        at = clock.now()
        target = output / archive.default_name(at) if output.is_dir() else output
        try:
            manifest = archive.create(target, at=at, alias=database)
        except (archive.BackupError, DatabaseError) as exc:
            raise CommandError(str(exc)) from None
        media = [f for f in manifest["files"] if f["path"].startswith(archive.MEDIA + "/")]
        size = target.stat().st_size
        self.stdout.write(
            f"{target.resolve()}: {archive.ENGINE_NAMES[manifest['engine']]} database and {len(media)} uploaded "
            f"files, {size:,} bytes."
        )
