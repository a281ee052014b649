"""`kstt restore ARCHIVE [--force]`: a backup of `kstt backup` back into the database and MEDIA_ROOT."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from kstt import clock
from kstt.backup import archive as backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `kstt backup`: every checksum is verified before anything is changed; an empty "
        "database and MEDIA_ROOT are filled, others are replaced only with --force. Stop the site first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The backup archive (.tar).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has tables, and set a MEDIA_ROOT with files aside (renamed, not deleted).",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the archive against its manifest; change nothing.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database alias to restore into.")

    def handle(self, *args: Any, archive: Path, force: bool, verify_only: bool, database: str, **options: Any) -> None:
        path = archive
        try:
            if verify_only:
                manifest = backups.verify(path)
                self.stdout.write(f"{path}: {self._summary(manifest)}; every checksum matches.")
                return
            restored = backups.restore(path, at=clock.now(), force=force, alias=database)
        except (backups.BackupError, DatabaseError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {path}: {self._summary(restored.manifest)}.")
        if restored.media_set_aside:
            self.stdout.write(f"The former uploaded files were set aside in {restored.media_set_aside}.")
        if restored.unapplied_migrations:
            self.stdout.write(
                f"The backup is from an earlier KSTT: {len(restored.unapplied_migrations)} migrations to apply. "
                "Run `kstt migrate` before starting the site."
            )
        else:
            self.stdout.write("The database is at this KSTT's migrations: the site can be started.")

    @staticmethod
    def _summary(manifest: dict[str, Any]) -> str:
        media = sum(1 for f in manifest["files"] if f["path"].startswith(backups.MEDIA + "/"))
        version = manifest.get("kstt_version") or "?"
        return (
            f"{backups.ENGINE_NAMES[manifest['engine']]} database and {media} uploaded files, "
            f"made {manifest['created_at']} by KSTT {version}"
        )
