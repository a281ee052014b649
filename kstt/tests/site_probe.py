"""Walk the site as it is configured by the environment, in its own process (settings are read at import).

Run by kstt/tests/test_static.py as ``python -m kstt.tests.site_probe PASSWORD``: migrates the
database of ``DATABASE_URL``, gathers the static files when ``STATIC_ROOT`` is set (production), loads
the demo logins, then asks for the login page and each role's home, and fetches every stylesheet they
link, through the whole middleware stack (WhiteNoise included). Prints one JSON object:
``{page: {"status": int, "stylesheets": {href: [status, content type, bytes]}}}``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from io import StringIO

STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')


def main(password: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kstt.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from kstt.demo.management.commands.load_demo import DEMO_USERS

    call_command("migrate", "--no-input", verbosity=0)
    if settings.STATIC_ROOT:
        call_command("collectstatic", "--no-input", verbosity=0)
    call_command("load_demo", "--password", password, stdout=StringIO())
    host = settings.ALLOWED_HOSTS[0]

    def visit(client: Client, path: str) -> dict:
        page = client.get(path, secure=True, HTTP_HOST=host)
        found: dict[str, list] = {}
        for href in STYLESHEET.findall(page.content.decode()):
            sheet = client.get(href, secure=True, HTTP_HOST=host)
            body = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
            found[href] = [sheet.status_code, sheet.get("Content-Type", ""), len(body)]
        return {"status": page.status_code, "stylesheets": found}

    report = {"login": visit(Client(), "/accounts/login/")}
    for username, *_ in DEMO_USERS:
        client = Client()
        logged_in = client.post(
            "/accounts/login/", {"username": username, "password": password}, secure=True, HTTP_HOST=host
        )
        if logged_in.status_code != 302:
            report[username] = {"status": logged_in.status_code, "stylesheets": {}, "login": "refused"}
            continue
        report[username] = visit(client, "/")
    sys.stdout.write(json.dumps(report) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
