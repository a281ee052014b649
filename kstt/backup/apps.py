from django.apps import AppConfig


class BackupConfig(AppConfig):
    """`kstt backup` and `kstt restore` (kstt/backup/archive.py); no models."""

    name = "kstt.backup"
    label = "backup"
    verbose_name = "Backups"
