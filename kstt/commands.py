"""Shared pieces of the `kstt` commands."""

from pathlib import Path

from django.core.management.base import CommandError


def read_input(path: Path) -> bytes:
    """The bytes of an input file, or a clear CommandError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror}") from None
