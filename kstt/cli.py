"""The `kstt` command: Django's management commands with KSTT's settings preset.

Commands may be spelled with hyphens as in the interchange contract (`kstt load-units`);
they map to Django's underscore names (`load_units`).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    execute_from_command_line(["kstt", *args])


if __name__ == "__main__":
    main()
