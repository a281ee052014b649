"""`kstt serve`: the production web server — gunicorn on kstt.wsgi, production settings only.

Development has `make run` (Django's runserver); `kstt serve` refuses to start unless KSTT_ENV=production,
so a site is never served by accident with development settings (a published SECRET_KEY, DEBUG on).
The background worker is its own process: `kstt worker` (docs/it/production.md; a systemd unit for each in
deploy/systemd/).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
from collections.abc import Mapping
from typing import Any

#: Past this many workers a province's office gains nothing but memory.
MAX_WORKERS = 12


def database_is_here(database: Mapping[str, Any]) -> bool:
    """Whether the database of these Django settings runs on this machine: SQLite, or a server on a Unix socket
    (no host, or its directory) or on loopback (localhost, 127.0.0.0/8, ::1)."""
    if "sqlite" in str(database.get("ENGINE", "")):
        return True
    host = str(database.get("HOST") or "")
    if host in ("", "localhost") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: another machine's, as far as we can tell without asking the resolver
        return False


def default_workers(cores: int | None = None, *, database_here: bool = False) -> int:
    """gunicorn's usual advice, 2 × cores + 1, when the database has a machine of its own (a worker waiting on
    the network leaves its core to another); cores + 1 when it shares this one: the database's backends then
    need the cores the extra workers would take turns on (three workers instead of five cost 28.3 ms of the
    server's CPU per submission instead of 31.4 ms, 51.0/s instead of 46.9/s, in the deadline-day rush on two
    cores, 7 December 2026; docs/it/load.md). At most MAX_WORKERS."""
    count = cores if cores is not None else (os.cpu_count() or 1)
    return min(count + 1 if database_here else 2 * count + 1, MAX_WORKERS)


def workers(given: int | None, database: Mapping[str, Any], cores: int | None = None) -> int:
    """The ``--workers`` given, else the default for where the database of these settings runs."""
    return given if given is not None else default_workers(cores, database_here=database_is_here(database))


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="kstt serve",
        description=(
            "Serve KSTT in production with gunicorn (kstt.wsgi). Needs KSTT_ENV=production, SECRET_KEY and "
            "ALLOWED_HOSTS; run `kstt migrate` and `kstt collectstatic` first. Access log on standard output. "
            "The background worker is a separate process: `kstt worker`. For development use `make run`."
        ),
    )
    parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on (default 127.0.0.1:8000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"gunicorn worker processes (default cores + 1 when the database is on this machine, else 2 × cores + 1; "
        f"at most {MAX_WORKERS})",
    )
    parser.add_argument("--timeout", type=int, default=60, help="seconds before a silent worker is restarted")
    options = parser.parse_args(argv)
    if options.workers is not None and options.workers < 1:
        parser.error("--workers must be at least 1")
    return options


def main(argv: list[str]) -> None:
    options = parse(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django
    from django.conf import settings

    django.setup()
    if not settings.PRODUCTION:
        raise SystemExit(
            "kstt serve is the production server: set KSTT_ENV=production (with SECRET_KEY and ALLOWED_HOSTS), "
            "or use `make run` for development."
        )
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()  # what kstt.wsgi serves, built here once, shared by the forked workers

    config = {
        "bind": options.bind,
        "workers": workers(options.workers, settings.DATABASES["default"]),
        "timeout": options.timeout,
        "accesslog": "-",
        "errorlog": "-",
        # Request bodies are bounded by the site itself (KSTT_MAX_REQUEST_BYTES, KSTT_MAX_UPLOAD_BYTES).
        "limit_request_line": 8190,
    }

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in config.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()
