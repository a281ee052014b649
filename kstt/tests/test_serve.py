"""`kstt serve`: gunicorn with production settings on loopback, walked over real HTTP.

The server is a subprocess, so it cannot see pytest's test database: the test migrates a temporary SQLite
file, collects the static files (production serves them hashed, through WhiteNoise), creates the cast's unit
tree and the province's administrator, starts `kstt serve`, then logs in, opens the home page and downloads a
stylesheet, the province's deductions workbook and the API's description; a commune's reporter uploads
her report's signed PDF through the report page's form (multipart, with the CSRF token), and the page then
shows its signer while the media folder holds the very bytes sent.

Production cookies are Secure and production redirects plain HTTP to HTTPS. The test speaks to gunicorn as
the TLS proxy in front of it would (docs/it/production.md, deploy/nginx/kstt.conf): it sends
``X-Forwarded-Proto: https``, which SECURE_PROXY_SSL_HEADER trusts, and carries the cookies itself (a cookie jar
would keep Secure cookies off a plain-HTTP address). No setting is relaxed for the test.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from kstt import serve
from kstt.catalogue.rules.periods import Period
from kstt.reports.tests.test_documents import Identity, make_pdf, sign

ROOT = Path(__file__).resolve().parents[2]
KSTT = str(Path(sys.executable).with_name("kstt"))
PASSWORD = "a long password 2026"
#: The cast's unit tree and the province's administrator, made in the server's own database.
SETUP = f"""
from kstt import clock
from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.tests.cast import CAST_CSV
from kstt.units.models import Unit
from kstt.units.services import load_units
load_units(data=CAST_CSV.encode(), effective_from=None, at=clock.now(), source="test")
save_user(username="quantri", full_name="Đỗ Văn Quản", unit=Unit.objects.get(code="P17"), roles={{Role.ADMIN}},
          password="{PASSWORD}", at=clock.now())
save_user(username="lan", full_name="Nguyễn Thị Lan", unit=Unit.objects.get(code="W05341"), roles={{Role.REPORTER}},
          password="{PASSWORD}", at=clock.now())
"""


def test_the_default_workers_are_twice_the_cores_plus_one_and_capped():
    assert [serve.default_workers(n) for n in (1, 2, 4, 5, 6, 64)] == [3, 5, 9, 11, 12, 12]


def test_with_the_database_on_the_machine_the_default_workers_are_the_cores_plus_one():
    assert [serve.default_workers(n, database_here=True) for n in (1, 2, 4, 11, 64)] == [2, 3, 5, 12, 12]


@pytest.mark.parametrize(
    ("database", "here"),
    [
        pytest.param({"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/kstt/db.sqlite3"}, True, id="sqlite"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1"}, True, id="loopback"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "localhost"}, True, id="localhost"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "::1"}, True, id="loopback-v6"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": ""}, True, id="default-socket"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": None}, True, id="no-host"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "/var/run/postgresql"}, True, id="socket"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "db.kstt.hoabinh.gov.vn"}, False, id="named"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "10.0.0.5"}, False, id="address"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.2"}, True, id="other-loopback"),
        pytest.param({"ENGINE": "django.db.backends.postgresql", "HOST": "fe80::1"}, False, id="link-local-v6"),
    ],
)
def test_where_the_database_runs(database, here):
    assert serve.database_is_here(database) is here


def test_serve_takes_the_workers_given_else_the_default_for_its_database():
    local, remote = {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1"}, {"HOST": "10.0.0.5"}
    assert [serve.workers(None, local, 2), serve.workers(None, remote, 2), serve.workers(7, local, 2)] == [3, 5, 7]


def test_serve_refuses_development_settings():
    env = {k: v for k, v in os.environ.items() if k not in {"KSTT_ENV", "DATABASE_URL"}}
    result = subprocess.run(  # noqa: S603 (our own entry point)
        [KSTT, "serve"], env={**env, "KSTT_ENV": "development"}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "KSTT_ENV=production" in result.stderr


def test_serve_refuses_a_nonsense_worker_count():
    result = subprocess.run(  # noqa: S603 (our own entry point)
        [KSTT, "serve", "--workers", "0"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "--workers must be at least 1" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Requests as the TLS proxy forwards them, with the cookies carried by hand."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        *,
        https: bool = True,
        file: tuple[str, bytes] | None = None,
    ):
        """GET, or POST ``data`` (multipart with ``file``, a (field, PDF) pair, as the report page's form sends)."""
        headers = {"Origin": self.base.replace("http://", "https://")} if data is not None else {}
        if https:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if data is not None and file is not None:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in data.items()
            ]
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{file[0]}"; filename="bao-cao.pdf"\r\n'
            head += "Content-Type: application/pdf\r\n\r\n"
            body = "".join(parts).encode() + head.encode() + file[1] + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        req = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 (loopback)
        try:
            response = self.opener.open(req, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("serve")
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KSTT_") and k != "DATABASE_URL"},
        "KSTT_ENV": "production",
        "SECRET_KEY": secrets.token_hex(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{home / 'db.sqlite3'}",
        "KSTT_STATIC_ROOT": str(home / "static"),
        "KSTT_MEDIA_ROOT": str(home / "media"),
        "KSTT_HEALTH_MIN_FREE_BYTES": "1",
    }
    (home / "media").mkdir()
    run = {"env": env, "cwd": home, "capture_output": True, "text": True, "timeout": 120}
    static = subprocess.Popen(  # noqa: S603 (our own entry point); beside the migration, to save time
        [KSTT, "collectstatic", "--noinput", "-v0"], env=env, cwd=home
    )
    subprocess.run([KSTT, "migrate", "-v0"], check=True, **run)  # noqa: S603
    subprocess.run([KSTT, "shell", "-c", SETUP], check=True, **run)  # noqa: S603
    assert static.wait(timeout=120) == 0
    process = subprocess.Popen(  # noqa: S603 (our own entry point)
        [KSTT, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=home,
        stdout=(home / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    browser = Browser(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                browser.request("/health/", https=False)
                break
            except OSError:
                assert process.poll() is None, "kstt serve stopped"
                assert time.monotonic() < deadline, "kstt serve did not answer within 30 s"
                time.sleep(0.2)
        yield browser, process, env, port
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_production_serve_walks_health_login_home_and_downloads(server):
    browser, process, env, _ = server

    # No worker has run yet: the health endpoint says so, over plain HTTP, without a login.
    status, headers, body = browser.request("/health/", https=False)
    assert status == 503
    assert json.loads(body) == {"status": "fail", "checks": {"database": "ok", "worker": "stale", "disk": "ok"}}
    home = Path(env["DATABASE_URL"].removeprefix("sqlite:///")).parent
    subprocess.run(  # noqa: S603 (our own entry point): one round of the worker records its heartbeat
        [KSTT, "worker", "--once", "--poll", "0.01", "-v0"], env=env, cwd=home, check=True, timeout=60
    )
    status, headers, body = browser.request("/health/", https=False)
    assert (status, json.loads(body)) == (200, {"status": "ok"})

    # Plain HTTP to a page is sent to HTTPS: production settings are on.
    status, headers, _ = browser.request("/accounts/login/", https=False)
    assert status == 301 and headers["Location"].startswith("https://")

    status, headers, body = browser.request("/accounts/login/")
    assert status == 200
    assert "Secure" in " ".join(headers.get_all("Set-Cookie") or [])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    status, headers, _ = browser.request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": "quantri", "password": PASSWORD},
    )
    assert status == 302, "the log-in was refused"
    assert "sessionid" in browser.cookies

    status, _, body = browser.request("/")
    assert status == 200
    page = body.decode()
    assert "Đỗ Văn Quản" in page and "/accounts/logout/" in page

    # The home page's stylesheet, hashed by collectstatic, served by WhiteNoise for a year.
    stylesheet = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet is not None, "no hashed stylesheet on the home page"
    status, headers, body = browser.request(stylesheet.group(1))
    assert status == 200 and body and "max-age=315360000" in headers["Cache-Control"]

    # A download: the province's deductions of 2021 as a workbook, which openpyxl opens.
    status, headers, body = browser.request("/compliance/deductions/2021/xlsx/")
    assert status == 200, body[:200]
    assert headers["Content-Disposition"] == 'attachment; filename="diem-tru-kstt-2021.xlsx"'
    assert openpyxl.load_workbook(io.BytesIO(body), read_only=True).sheetnames

    # The API's description, as the logged-in administrator.
    status, headers, body = browser.request("/api/schema/")
    assert status == 200 and b"openapi" in body

    process.poll()
    assert process.returncode is None


def _log_in(browser: Browser, username: str) -> None:
    _, _, body = browser.request("/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert token is not None
    status, _, _ = browser.request(
        "/accounts/login/",
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": PASSWORD},
    )
    assert status == 302, f"{username}'s log-in was refused"


def _open_quarter() -> str:
    """The latest quarter whose window has started on the real clock (the server's clock)."""
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    quarters = [Period(year, f"Q{q}") for year in (today.year - 1, today.year, today.year + 1) for q in range(1, 5)]
    return max((p for p in quarters if p.window()[0] <= today), key=lambda p: p.window()[0]).code


def test_production_serve_takes_the_signed_pdf_through_the_report_page(server):
    _, process, env, port = server
    lan = Browser(f"http://127.0.0.1:{port}")  # her own cookies
    _log_in(lan, "lan")
    page_path = f"/reports/W05341/{_open_quarter()}/"
    status, _, body = lan.request(page_path)
    assert status == 200, body[:300]
    form = body.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    revision = re.search(r'name="revision" value="(\d+)"', form)
    assert csrf is not None and revision is not None and 'enctype="multipart/form-data"' in form
    pdf = sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao quy) Tj ET"), Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp"))

    fields = {"csrfmiddlewaretoken": csrf.group(1), "revision": revision.group(1), "action": "upload"}
    status, headers, body = lan.request(page_path, fields, file=("document", pdf))
    assert status == 302, body[:500]
    assert headers["Location"] == page_path

    # Stored: the page names the signer of the attached PDF, and the media folder holds the bytes sent.
    status, _, body = lan.request(page_path)
    assert status == 200 and "Bùi Văn Hùng" in body.decode()
    media = Path(env["KSTT_MEDIA_ROOT"])
    stored = [p.read_bytes() for p in media.rglob("*.pdf")]
    assert stored == [pdf]

    # Without the CSRF token the same post is refused and nothing more is kept.
    del fields["csrfmiddlewaretoken"]
    status, _, _ = lan.request(page_path, fields, file=("document", pdf))
    assert status == 403
    assert len(list(media.rglob("*.pdf"))) == 1
    assert process.poll() is None
