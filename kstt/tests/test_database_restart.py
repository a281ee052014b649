"""The database restarting under load loses no accepted submission (issue 16, point 5).

A private PostgreSQL instance (initdb into a temporary directory, on a free port: the machine's shared
cluster is never touched) gets a copy of the test database: three communes, each with a reporter and a
ready draft for each of the first three quarters of 2021. `kstt serve` (gunicorn, production settings:
connections kept CONN_MAX_AGE, health-checked) serves it. Three reporters submit their nine reports through
the API at once, each press with its own Idempotency-Key, pressing again with the same key after a 503 or a
dropped request; two readers keep the server busy. After the first submission is accepted, PostgreSQL is
restarted (``pg_ctl restart -m fast``), then once more after the clients are done, as a crash
(``-m immediate``, recovery from the WAL).

Then every request is answered at once (each kept connection is checked before reuse, none fails on a dead
one), and every submission a client saw accepted (201/200) is stored, exactly once, with its key.

PostgreSQL only (it copies the PostgreSQL test database): it runs in the PostgreSQL run of `make test`.
Without PostgreSQL's server programs it skips, unless KSTT_REQUIRE_POSTGRES=1 (CI), where it fails.
"""

from __future__ import annotations

import glob
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from kstt.accounts.choices import Role
from kstt.accounts.services import save_user
from kstt.reports import services
from kstt.reports.tests.test_submission_services import GOOD, NARRATIVE, T1
from kstt.tests.cast import AT
from kstt.tests.test_serve import KSTT, _free_port
from kstt.tests.tokens import api_key

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="copies the PostgreSQL test database"),
]

COMMUNES = ("W05341", "W05344", "W05200")
PERIODS = ("2021Q1", "2021Q2", "2021Q3")
WORKERS = 2


def _server_programs() -> Path | None:
    """The newest PostgreSQL server programs' directory (Debian's /usr/lib/postgresql/N/bin), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


BIN = _server_programs()


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL's server programs refuse to run as root: as the postgres user then (CI runs as root)."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class Instance:
    """A private PostgreSQL instance in ``home``, on 127.0.0.1:``port``, its superuser kstt (trust)."""

    home: Path
    port: int

    @property
    def data(self) -> Path:
        return self.home / "data"

    def pg_ctl(self, *args: str) -> None:
        """pg_ctl on this instance; the server it starts logs to postgres.log (restart too: the options of
        ``start`` are kept, the log file is not), never to the pipe this waits on."""
        log = ["-l", str(self.home / "postgres.log")]
        command = [str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *log, *args]
        subprocess.run(_as_owner(command), check=True, capture_output=True, timeout=90)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        self.pg_ctl("-o", options, "start")

    def url(self, database: str = "kstt") -> str:
        return f"postgres://kstt@127.0.0.1:{self.port}/{database}"


@pytest.fixture
def instance() -> Iterator[Instance]:
    if BIN is None:
        if os.environ.get("KSTT_REQUIRE_POSTGRES"):
            pytest.fail("KSTT_REQUIRE_POSTGRES is set but PostgreSQL's server programs (initdb, pg_ctl) are missing")
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    home = Path(tempfile.mkdtemp(prefix="kstt-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    private = Instance(home, _free_port())
    initdb = [str(BIN / "initdb"), "-D", str(private.data), "-U", "kstt", "--auth=trust", "-E", "UTF8", "--no-locale"]
    subprocess.run(_as_owner([*initdb, "--no-sync"]), check=True, capture_output=True, timeout=120)  # noqa: S603
    private.start()
    try:
        yield private
    finally:
        subprocess.run(  # noqa: S603
            _as_owner([str(BIN / "pg_ctl"), "-D", str(private.data), "-m", "immediate", "stop"]),
            capture_output=True, timeout=60, check=False,
        )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


def _copy_of_the_test_database(private: Instance) -> None:
    """The test database (schema and the story's rows) copied into the private instance's database kstt."""
    params = connection.get_connection_params()
    source = {
        "PGHOST": params.get("host") or "127.0.0.1",
        "PGPORT": str(params.get("port") or 5432),
        "PGUSER": params["user"],
        "PGPASSWORD": params.get("password") or "",
    }
    environ = {**os.environ, **source}
    subprocess.run([str(BIN / "createdb"), "-h", "127.0.0.1", "-p", str(private.port), "-U", "kstt", "kstt"],  # noqa: S603
                   check=True, capture_output=True, timeout=60)  # fmt: skip
    dump = subprocess.run(  # noqa: S603
        [str(BIN / "pg_dump"), "--no-owner", "--no-privileges", params["dbname"]],
        env=environ, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    subprocess.run(  # noqa: S603
        [str(BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", private.url()],
        input=dump.stdout, check=True, capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def story(cast, kstt_report, tmp_path, settings) -> dict[str, str]:
    """Three communes' reporters (commune code → API token), each with three ready drafts."""
    settings.MEDIA_ROOT = tmp_path
    tokens = {}
    for code in COMMUNES:
        reporter = save_user(
            username=f"bc-{code.lower()}", full_name=f"Người báo cáo {code}", unit=cast[code], roles={Role.REPORTER},
            password=None, at=AT,
        )  # fmt: skip
        tokens[code] = api_key(reporter)
        for period in PERIODS:
            report = services.open_instance(unit=cast[code], report_type=kstt_report, period=period, at=T1,
                                            actor=reporter)  # fmt: skip
            services.save_draft(
                instance=report, values=GOOD, narrative=NARRATIVE, reasons={}, expected_revision=0, at=T1,
                actor=reporter,
            )  # fmt: skip
            services.attach_document(
                instance=report, name="bao-cao.pdf", content=b"%PDF-1.7 signed", verification={"signed": True},
                at=T1, actor=reporter,
            )  # fmt: skip
    return tokens


@dataclass
class Traffic:
    """What the clients saw."""

    base: str
    accepted: dict[tuple[str, str], tuple[str, int, int]] = field(default_factory=dict)  # → key, status, version
    retried: int = 0  # answers 503 or no answer at all: pressed again with the same key
    unexpected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    first_accepted: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def call(self, path: str, token: str, *, key: str | None = None) -> tuple[int | None, bytes]:
        headers = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https", "Accept": "application/json"}
        data = None
        if key is not None:
            headers |= {"Idempotency-Key": key, "Content-Type": "application/json"}
            data = b"{}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers)  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:  # the connection reset or refused: no answer
            return None, b""


def _submitter(traffic: Traffic, commune: str, token: str) -> None:
    for period in PERIODS:
        key = secrets.token_hex(16)
        path = f"/api/reports/{commune}/{period}/submit/"
        for _ in range(200):
            status, body = traffic.call(path, token, key=key)
            if status in (200, 201):
                with traffic.lock:
                    traffic.accepted[(commune, period)] = (key, status, json.loads(body)["number"])
                traffic.first_accepted.set()
                break
            if status == 503 or status is None:
                with traffic.lock:
                    traffic.retried += 1
                time.sleep(0.1)
                continue
            with traffic.lock:
                traffic.unexpected.append(f"{commune} {period}: {status} {body[:300]!r}")
            return
        time.sleep(0.3)  # the reporter moves on to the next report


def _reader(traffic: Traffic, token: str) -> None:
    while not traffic.done.is_set():
        status, body = traffic.call("/api/reports/", token)
        if status not in (200, 503, None):
            with traffic.lock:
                traffic.unexpected.append(f"reader: {status} {body[:300]!r}")
        elif status != 200:
            with traffic.lock:
                traffic.retried += 1


def test_postgresql_restarting_under_load_loses_no_accepted_submission(story, instance, tmp_path):
    _copy_of_the_test_database(instance)
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("KSTT_", "PYTEST", "DJANGO"))}
    environ |= {
        "KSTT_ENV": "production",
        "SECRET_KEY": secrets.token_hex(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": instance.url(),
        "KSTT_CLOCK": T1.isoformat(),
        "KSTT_STATIC_ROOT": str(tmp_path / "static"),
        "KSTT_MEDIA_ROOT": str(tmp_path),
    }
    (tmp_path / "static").mkdir()
    log = tmp_path / "serve.log"
    server = subprocess.Popen(  # noqa: S603 (our own entry point)
        [KSTT, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS)],
        env=environ, cwd=tmp_path, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    traffic = Traffic(f"http://127.0.0.1:{port}")
    any_token = story[COMMUNES[0]]
    try:
        deadline = time.monotonic() + 60
        while traffic.call("/health/", any_token)[0] is None:
            assert server.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "kstt serve did not answer within 60 s"
            time.sleep(0.2)

        clients = [threading.Thread(target=_submitter, args=(traffic, c, t)) for c, t in story.items()]
        readers = [threading.Thread(target=_reader, args=(traffic, any_token)) for _ in range(2)]
        for thread in clients + readers:
            thread.start()
        assert traffic.first_accepted.wait(timeout=60), traffic.unexpected
        instance.pg_ctl("-m", "fast", "restart")  # under load: the submissions still to come meet it
        for thread in clients:
            thread.join(timeout=120)
        traffic.done.set()
        for thread in readers:
            thread.join(timeout=60)
        assert traffic.unexpected == []
        assert traffic.retried > 0, "no request met the restart: the test proved nothing"
        assert sorted(traffic.accepted) == sorted((c, p) for c in COMMUNES for p in PERIODS)

        # A crash this time (recovery from the WAL). Then each request is answered at once: a kept connection
        # is checked before a request reuses it (CONN_HEALTH_CHECKS), so no gunicorn worker fails on a dead one.
        instance.pg_ctl("-m", "immediate", "restart")
        statuses = [traffic.call("/api/reports/", any_token)[0] for _ in range(4 * WORKERS)]
        assert statuses == [200] * (4 * WORKERS), (statuses, log.read_text()[-2000:])
    finally:
        traffic.done.set()
        server.terminate()
        server.wait(timeout=30)

    with psycopg.connect(instance.url()) as db:
        stored = db.execute(
            """SELECT u.code, i.period, v.idempotency_key, v.number FROM reports_reportversion v
               JOIN reports_reportinstance i ON i.id = v.instance_id JOIN units_unit u ON u.id = i.unit_id"""
        ).fetchall()
    by_report = {(code, period): (key, number) for code, period, key, number in stored}
    assert len(stored) == len(by_report) == len(COMMUNES) * len(PERIODS)  # each exactly once
    for report, (key, _status, number) in traffic.accepted.items():
        assert by_report[report] == (key, number), report
