"""Load test: deadline day (issue 16, point 4). N reporters send form 06 and the signed PDF to `kstt serve`.

Creates a fresh PostgreSQL database on the server DATABASE_URL names (and drops it at the end: the role needs
CREATEDB), migrates it, loads the catalogue as shipped, the procedure fields (eight for communes) and a
synthetic province with one district of N communes, and gives each commune a reporter with an API token. Then
it starts `kstt serve` (gunicorn, production settings: KSTT_ENV=production, a random SECRET_KEY, DEBUG off) on
loopback and, on the real clock, for the latest quarter whose window has started:

- baseline: a trivial authenticated GET (``/api/reports/?unit=…&period=…``, an empty list), as many
  requests as there are reporters × 3, with the same concurrency: what the server does per request when
  nothing is written;
- the rush: every reporter, at most ``--concurrency`` at once, sends her whole form 06 (eight procedure
  fields and the total row, eleven columns each), the narrative and the signed PDF (pyHanko verifies the
  signature) and submits, with an ``Idempotency-Key``: by default in one request (``--flow one``:
  ``POST …/submission/``, multipart), or as the browser does it, in three (``--flow steps``: ``PUT …/draft/``,
  ``POST …/document/``, ``POST …/submit/``). A request that fails (connection error, client time-out, 5xx)
  is sent again, a submission with the same key. Retries are forced too: for ``--lose`` of the reporters
  (default 10 %) the client gives up on the submission's answer once the request is sent (a client-side
  time-out: the server still submits) and sends it again; for ``--resend`` of them (default 10 %) it sends
  it again after its 201, as a client that never saw the answer would. Both must get the same version back (200);

then counts in the database the versions stored per (unit, period) against what the clients believe was
submitted: ``lost`` (a client holds a version number the database does not have), ``duplicated`` (versions
beyond the first of a report). The latency of a submission is the reporter's: from her draft's save to the
submit's answer, retries included. It ends with one line

    RESULT rate=<submissions/s> p50_ms=<ms> p99_ms=<ms> lost=<n> duplicated=<n>

and exits 1 when anything was lost, duplicated or not submitted. Target on the 2-core machine (issue 16):
rate ≥ 50/s, p99 < 1 s, nothing lost or duplicated. See docs/it/load.md. Before it, a line gives the CPU
one submission cost `kstt serve`, PostgreSQL and the client (read from /proc while the rush runs), and so
the rate the same cores would reach with nothing else running: other work on the machine lowers the
measured rate, not that cost.

    DATABASE_URL=postgres://kstt:kstt@127.0.0.1:5432/kstt_rush .venv/bin/python bench/rush.py [-n 1000] [-c 16]

DATABASE_URL only names the server and the credentials: the named database is not touched.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
KSTT = str(Path(sys.executable).with_name("kstt"))

FORM = "06/VPCP/KSTT"
from bench.rollup import COLUMNS, figures  # noqa: E402  (a form 06 row that keeps R1–R4, as the roll-up makes it)

#: The outline's sections, each written (kstt-outline v1): a complete report.
SECTIONS = ("results", "direction", "regulation_control", "publication", "review", "feedback", "settlement",
            "one_stop", "e_procedures", "shortcomings", "next_tasks")  # fmt: skip
PROVINCE, DISTRICT = "P99", "D999"


def form06(fields: list[str], chance: random.Random) -> dict[str, Any]:
    rows = {code: figures(chance.randint(1, 60)) for code in fields}
    rows["total"] = {c: sum(row[c] for row in rows.values()) for c in COLUMNS}
    return {FORM: rows}


# --- The database and the server ---------------------------------------------------------------------------


def server_url(database_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def admin(database_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url(database_url, "postgres"), autocommit=True) as connection:
        connection.execute(sql)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Reporter:
    unit: str
    token: str
    values: dict[str, Any]


def populate(n: int, at: datetime) -> tuple[str, list[Reporter], list[str]]:
    """The synthetic province, the catalogue, the procedure fields and N reporters with tokens; the period."""
    from datetime import timedelta

    from django.conf import settings

    from kstt.accounts.choices import Role
    from kstt.accounts.models import ApiToken
    from kstt.accounts.services import save_user, token_digest
    from kstt.catalogue import selectors as catalogue
    from kstt.catalogue.models import ProcedureField
    from kstt.catalogue.rules.periods import Period
    from kstt.catalogue.services import load_catalogue, load_procedure_fields
    from kstt.units.models import Unit
    from kstt.units.services import load_units

    codes = [f"W9{i:04d}" for i in range(1, n + 1)]
    lines = ["code,name,level,kind,parent_code", f"{PROVINCE},Tỉnh Thử Tải,province,tỉnh,"]
    lines.append(f"{DISTRICT},Huyện Hạn Chót,district,huyện,{PROVINCE}")
    lines += [f"{code},Xã Số {i},commune,xã,{DISTRICT}" for i, code in enumerate(codes, start=1)]
    load_units(data="\n".join(lines).encode(), effective_from=None, at=at, source="bench")
    load_catalogue(at=at)
    fields_csv = settings.KSTT_SHARED_DATA / "procedure_fields.csv"
    load_procedure_fields(data=fields_csv.read_bytes(), at=at, source="bench")
    fields = sorted(ProcedureField.objects.filter(level="commune").values_list("code", flat=True))

    report_type = catalogue.report_type()
    if report_type is None:
        raise SystemExit("the catalogue has no report type kstt")
    today = at.astimezone(ZoneInfo(settings.KSTT_TIME_ZONE)).date()
    started = [
        p
        for year in (today.year - 1, today.year, today.year + 1)
        for p in (Period(year, f"Q{q}") for q in range(1, 5))
        if catalogue.window(report_type, p)[0] <= today
    ]
    period = max(started, key=lambda p: catalogue.window(report_type, p)[0]).code

    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    chance = random.Random(2026)
    reporter = {Role.REPORTER}
    users = [
        save_user(
            username=f"bc{c.lower()}", full_name=f"Nguyễn Văn {c}", unit=units[c], roles=reporter, password=None, at=at
        )
        for c in codes
    ]
    # API tokens as `kstt create-token` makes them (only the key's digest stored), in one INSERT.
    keys = [secrets.token_hex(20) for _ in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=u, name="bench", prefix=key[:8], digest=token_digest(key), created_at=at,
                 expires_at=at + timedelta(days=30))
        for u, key in zip(users, keys, strict=True)
    )  # fmt: skip
    reporters = [Reporter(code, key, form06(fields, chance)) for code, key in zip(codes, keys, strict=True)]
    return period, reporters, fields


@contextlib.contextmanager
def kstt_serve(env: dict[str, str], home: Path, workers: int | None) -> Iterator[tuple[str, int]]:
    port = free_port()
    command = [KSTT, "serve", "--bind", f"127.0.0.1:{port}"]
    if workers is not None:
        command += ["--workers", str(workers)]
    log = (home / "serve.log").open("w")
    process = subprocess.Popen(command, env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    base = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection(base, timeout=5)
                connection.request("GET", "/health/")
                connection.getresponse().read()
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit("kstt serve stopped:\n" + (home / "serve.log").read_text()[-3000:]) from None
                if time.monotonic() > deadline:
                    raise SystemExit("kstt serve did not answer within 60 s") from None
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def host_speed() -> float:
    """CPU milliseconds a fixed pure-Python workload takes here, the best of three: the same code costs more
    CPU on a slower or oversubscribed host (a virtual machine whose host is busy shows no steal time, only
    slower cores), so CPU lines read on different hosts or days compare only beside this figure."""
    best = float("inf")
    for _ in range(3):
        began, total = time.process_time(), 0
        for i in range(1_000_000):
            total += i * i % 7
        best = min(best, time.process_time() - began)
    return best * 1000


class CpuMeter:
    """CPU seconds spent by `kstt serve` (gunicorn's master and workers) and by the PostgreSQL backends of the
    bench's database while it runs, sampled from /proc twice a second (a backend that ends between two
    samples loses at most half a second). What a submission costs whatever else the machine is running."""

    def __init__(self, database_url: str, name: str, server_pid: int) -> None:
        self.database_url, self.name, self.server_pid = database_url, name, server_pid
        self.first: dict[tuple[str, int], float] = {}
        self.last: dict[tuple[str, int], float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def _stat(self, pid: int) -> list[str] | None:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None

    def _sample(self, connection: Any, initial: bool) -> None:
        pids = {("server", self.server_pid)}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = self._stat(int(entry.name))
                if stat is not None and int(stat[1]) == self.server_pid:
                    pids.add(("server", int(entry.name)))
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [self.name]).fetchall()
        pids |= {("postgres", int(pid)) for (pid,) in rows}
        for key in pids:
            stat = self._stat(key[1])
            if stat is not None:
                used = (int(stat[11]) + int(stat[12])) / self.tick
                self.first.setdefault(key, used if initial else 0.0)
                self.last[key] = used

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(server_url(self.database_url, "postgres"), autocommit=True) as connection:
            self._sample(connection, initial=True)
            self.started.set()
            while not self.stop.wait(0.5):
                self._sample(connection, initial=False)
            self._sample(connection, initial=False)

    def __enter__(self) -> CpuMeter:
        self.started = threading.Event()
        self.thread.start()
        self.started.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)

    def used(self, kind: str) -> float:
        return sum(self.last[key] - self.first[key] for key in self.last if key[0] == kind)


# --- The client ---------------------------------------------------------------------------------------------


class Abandoned(Exception):
    """The client gave up on an answer after sending the request (a forced client-side time-out)."""


@dataclass
class Client:
    base: str
    token: str
    timeout: float
    latencies: dict[str, list[float]]
    retries: Counter[str]

    def call(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json",
        headers: dict[str, str] | None = None, *, abandon: bool = False,
    ) -> tuple[int, dict[str, Any]]:  # fmt: skip
        """One request; ``abandon``: send it, then stop waiting for the answer at once (Abandoned)."""
        head = {
            "Authorization": f"Token {self.token}",
            "Accept": "application/json",
            "X-Forwarded-Proto": "https",  # as the TLS proxy in front of gunicorn says (README, "Production")
            **(headers or {}),
        }
        if body:
            head["Content-Type"] = content_type
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.base, timeout=self.timeout)
        try:
            connection.request(method, path, body=body or None, headers=head)
            if abandon:
                if connection.sock is not None:
                    connection.sock.settimeout(0.0005)
                with contextlib.suppress(TimeoutError, OSError):
                    connection.getresponse().read()
                raise Abandoned
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        label = path.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        self.latencies.setdefault(f"{method} {label}", []).append(time.perf_counter() - started)
        return response.status, (json.loads(data) if data else {})

    def retried(self, kind: str, attempts: int, send: Callable[[int], tuple[int, dict[str, Any]]]) -> Any:
        """``send(attempt)`` until it is not a connection error, a time-out or a 5xx; backs off between."""
        for attempt in range(attempts):
            try:
                status, data = send(attempt)
            except Abandoned:
                self.retries[f"{kind} (forced: answer abandoned)"] += 1
                continue
            except (OSError, http.client.HTTPException) as error:
                self.retries[f"{kind} ({type(error).__name__})"] += 1
            else:
                if status < 500:
                    return status, data
                self.retries[f"{kind} ({status})"] += 1
            time.sleep(min(2.0, 0.05 * 2**attempt) * random.random())
        raise RuntimeError(f"{kind}: no answer after {attempts} attempts")


def multipart(name: str, content: bytes, fields: dict[str, str] | None = None) -> tuple[bytes, str]:
    """A multipart body: the text ``fields``, then the PDF as the part ``file``."""
    boundary = uuid.uuid4().hex
    texts = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n'
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{value}\r\n".encode()
        for key, value in (fields or {}).items()
    )
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body = texts + head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass
class Outcome:
    unit: str
    key: str
    version: int | None = None
    latency: float = 0.0
    replays: int = 0  # answers 200: the version an earlier press with the key made
    error: str = ""


@dataclass
class Rush:
    base: str
    period: str
    pdf: bytes
    timeout: float
    attempts: int
    lose: set[str]
    resend: set[str]
    run: str
    flow: str = "one"
    latencies: dict[str, list[float]] = field(default_factory=dict)
    retries: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def report(self, reporter: Reporter) -> Outcome:
        latencies: dict[str, list[float]] = {}
        retries: Counter[str] = Counter()
        client = Client(self.base, reporter.token, self.timeout, latencies, retries)
        outcome = Outcome(reporter.unit, f"rush-{self.run}-{reporter.unit}")
        base = f"/api/reports/{reporter.unit}/{self.period}/"
        narrative = {s: f"Xã {reporter.unit}: đã thực hiện ({s})." for s in SECTIONS}
        started = time.perf_counter()
        try:
            if self.flow == "one":  # the whole report in one request: the form, the narrative and the PDF
                fields = {"values": json.dumps(reporter.values), "narrative": json.dumps(narrative, ensure_ascii=False)}
                body, content_type = multipart(f"bao-cao-{reporter.unit}.pdf", self.pdf, fields)
                kind = "submission"
            else:  # the draft and the PDF first, then the submit
                self._draft_and_document(client, reporter, base, narrative)
                body, content_type, kind = b"{}", "application/json", "submit"
            path, key = f"{base}{kind}/", {"Idempotency-Key": outcome.key}
            lose = reporter.unit in self.lose
            status, data = client.retried(
                kind,
                self.attempts,
                lambda attempt: client.call(
                    "POST", path, body, content_type, headers=key, abandon=lose and attempt == 0
                ),
            )
            if status not in (200, 201):
                raise RuntimeError(f"{kind}: {status} {data}")
            outcome.version = data["number"]
            outcome.replays += status == 200
            outcome.latency = time.perf_counter() - started
            if reporter.unit in self.resend:  # as a client that never saw the 201 would
                status, data = client.retried(
                    "resend", self.attempts, lambda _a: client.call("POST", path, body, content_type, headers=key)
                )
                if (status, data.get("number")) != (200, outcome.version):
                    raise RuntimeError(f"resend with the same key: {status} {data}")
                outcome.replays += 1
        except Exception as error:  # counted and named in the summary
            outcome.error = f"{type(error).__name__}: {error}"[:300]
        with self.lock:
            for kind, values in latencies.items():
                self.latencies.setdefault(kind, []).extend(values)
            self.retries.update(retries)
        return outcome

    def _draft_and_document(self, client: Client, reporter: Reporter, base: str, narrative: dict[str, str]) -> None:
        """``--flow steps``: the draft saved (``PUT …/draft/``), then the signed PDF (``POST …/document/``)."""
        revision = 0
        while True:  # the draft: a retry may find its own earlier save (409 draft_conflict)
            body = json.dumps(
                {"revision": revision, "values": reporter.values, "narrative": narrative, "reasons": {}}
            ).encode()
            status, data = client.retried(
                "draft", self.attempts, lambda _a, b=body: client.call("PUT", base + "draft/", b)
            )
            if status == 200:
                break
            if status == 409 and data.get("code") == "draft_conflict":
                status, detail = client.call("GET", base)
                if status == 200 and detail["draft"]["values"] == reporter.values:
                    break  # the first try saved it; its answer was lost
                revision = data["revision"]
                continue
            raise RuntimeError(f"draft: {status} {data}")
        document, content_type = multipart(f"bao-cao-{reporter.unit}.pdf", self.pdf)
        status, data = client.retried(
            "document", self.attempts, lambda _a: client.call("POST", base + "document/", document, content_type)
        )
        if status != 201 or not data.get("verification", {}).get("signed"):
            raise RuntimeError(f"document: {status} {data}")


def hammer(concurrency: int, jobs: list[Any], work: Callable[[Any], Any]) -> tuple[list[Any], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(work, jobs))
    return results, time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


# --- The run ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--reporters", type=int, default=1000, help="reporters, one commune each (1000)")
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="reporters sending at once (16)")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="kstt serve --workers (its default: cores + 1 here, the database on loopback)",
    )
    parser.add_argument("--lose", type=float, default=0.1, help="share of submits whose answer the client abandons")
    parser.add_argument("--resend", type=float, default=0.1, help="share of submits sent again after their 201")
    parser.add_argument("--timeout", type=float, default=10.0, help="client time-out of a request, seconds (10)")
    parser.add_argument("--attempts", type=int, default=6, help="tries of each request before giving up (6)")
    parser.add_argument(
        "--flow",
        choices=("one", "steps"),
        default="one",
        help="one: each report in one request (POST …/submission/); steps: the draft, the PDF and the submit "
        "as three requests (PUT …/draft/, POST …/document/, POST …/submit/)",
    )
    parser.add_argument(
        "--signature-space",
        type=int,
        default=None,
        metavar="DIGITS",
        help="hex digits reserved for the PDF's signature (/Contents), as a CA's signing tool reserves them, "
        "e.g. 16384 or 32768; default: what pyHanko's signer estimates for the bench's small signature",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the server's log")
    args = parser.parse_args()
    if args.reporters < 1 or args.concurrency < 1:
        parser.error("--reporters and --concurrency must be at least 1")
    if args.signature_space is not None and (args.signature_space < 2 or args.signature_space % 2):
        parser.error("--signature-space must be an even number of hex digits (two per byte), at least 2")

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench/rush.py needs DATABASE_URL=postgres://… (the server; a fresh database is made)")
    name = f"kstt_rush_bench_{secrets.token_hex(4)}"
    url = server_url(database_url, name)
    home = Path(tempfile.mkdtemp(prefix="kstt-rush-"))
    (home / "media").mkdir()
    for variable in [v for v in os.environ if v.startswith("KSTT_")]:
        del os.environ[variable]  # the real clock, the default limits
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="kstt.settings", KSTT_DEBUG="false")
    os.environ["KSTT_MEDIA_ROOT"] = str(home / "media")
    admin(database_url, f'CREATE DATABASE "{name}"')
    try:
        run(args, database_url, name, home)
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept: database {name}, files in {home}")
        else:
            admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            shutil.rmtree(home, ignore_errors=True)


def run(args: argparse.Namespace, database_url: str, name: str, home: Path) -> None:
    url = server_url(database_url, name)
    from kstt import cli

    cli.quiet_known_warnings()  # as every kstt command does
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from pyhanko.sign.general import SigningError

    from kstt import clock
    from kstt.reports.models import ReportFigure, ReportVersion
    from kstt.reports.tests.test_documents import Identity, make_pdf, sign

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    period, reporters, fields = populate(args.reporters, clock.now())
    chairman = Identity("Bùi Văn Hùng", "UBND xã Thử Tải")
    try:
        pdf = sign(make_pdf(b"BT /F1 12 Tf 72 720 Td (Bao cao quy) Tj ET"), chairman, reserved=args.signature_space)
    except SigningError as exc:  # less space than the signature needs
        raise SystemExit(f"--signature-space {args.signature_space}: {exc}") from None
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    connection.close()
    print(
        f"PostgreSQL {pg_version}, {os.cpu_count()} cores, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{args.reporters} reporters, {args.concurrency} at once, period {period}, form 06 of {len(fields)} "
        f"fields + total, signed PDF {len(pdf):,} bytes"
        + (f" ({args.signature_space:,} hex digits reserved for the signature)" if args.signature_space else "")
        + f"; flow {args.flow}; "
        f"set up in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KSTT_") and k != "DJANGO_SETTINGS_MODULE"},
        "KSTT_ENV": "production",
        "SECRET_KEY": secrets.token_hex(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url,
        "KSTT_MEDIA_ROOT": str(home / "media"),
        "KSTT_STATIC_ROOT": str(home / "static"),
    }
    chance = random.Random(16)
    units = [r.unit for r in reporters]
    lose = set(chance.sample(units, round(args.lose * len(units))))
    resend = set(chance.sample(units, round(args.resend * len(units))))
    with kstt_serve(env, home, args.workers) as (base, server_pid):
        # Baseline: a trivial authenticated GET, the same concurrency, as many requests as the rush sends.
        latencies: dict[str, list[float]] = {}
        probe = [Client(base, r.token, args.timeout, latencies, Counter()) for r in reporters]
        gets = [(c, f"/api/reports/?unit={r.unit}&period={period}") for c, r in zip(probe, reporters, strict=True)]

        def get(job: tuple[Client, str]) -> int:
            return int(job[0].retried("GET", args.attempts, lambda _a: job[0].call("GET", job[1]))[0])

        hammer(args.concurrency, gets[: 4 * args.concurrency], get)  # warm up: each worker's first requests
        latencies.clear()
        statuses, get_s = hammer(args.concurrency, gets * 3, get)
        bad = Counter(s for s in statuses if s != 200)
        get_times = [t for values in latencies.values() for t in values]
        get_rate = len(statuses) / get_s
        print(
            f"baseline GET /api/reports/?unit=…: {len(statuses)} requests in {get_s:.2f} s, {get_rate:.0f}/s, "
            f"p50 {percentile(get_times, 0.5) * 1000:.0f} ms, p99 {percentile(get_times, 0.99) * 1000:.0f} ms"
            + (f", not 200: {dict(bad)}" if bad else ""),
            flush=True,
        )
        load_before = os.getloadavg()[0]
        speed_before = host_speed()
        rush = Rush(base, period, pdf, args.timeout, args.attempts, lose, resend, secrets.token_hex(3), args.flow)
        client_cpu = time.process_time()
        with CpuMeter(database_url, name, server_pid) as meter:
            outcomes, rush_s = hammer(args.concurrency, reporters, rush.report)
        client_cpu = time.process_time() - client_cpu
        load_after = os.getloadavg()[0]
        speed_after = host_speed()

    # Exactly once: what the database holds against what the clients believe.
    stored: dict[str, list[tuple[int, str]]] = {}
    for code, number, key in ReportVersion.objects.filter(instance__period=period).values_list(
        "instance__unit__code", "number", "idempotency_key"
    ):
        stored.setdefault(code, []).append((number, key))
    figures_per_version = Counter(
        ReportFigure.objects.filter(version__instance__period=period).values_list("version_id", flat=True)
    )
    connection.close()
    believed = {o.unit: o for o in outcomes if o.version is not None}
    lost = sum(1 for o in believed.values() if (o.version, o.key) not in stored.get(o.unit, []))
    duplicated = sum(len(versions) - 1 for versions in stored.values() if len(versions) > 1)
    failed = [o for o in outcomes if o.version is None]
    unacknowledged = sum(1 for o in failed if o.unit in stored)
    expected_figures = (len(fields) + 1) * len(COLUMNS)
    short = sum(1 for count in figures_per_version.values() if count != expected_figures)

    done = [o.latency for o in believed.values()]
    rate = len(believed) / rush_s
    p50, p99 = percentile(done, 0.5) * 1000, percentile(done, 0.99) * 1000
    print(
        f"rush: {len(believed)} of {len(outcomes)} reporters submitted in {rush_s:.2f} s; "
        f"{sum(o.replays for o in outcomes)} answers were the key's earlier version (200); "
        f"load average {load_before:.2f} before, {load_after:.2f} after"
    )
    for kind, values in sorted(rush.latencies.items()):
        print(
            f"  {kind:<22} {len(values):>6} requests  p50 {percentile(values, 0.5) * 1000:6.0f} ms"
            f"  p99 {percentile(values, 0.99) * 1000:6.0f} ms"
        )
    if rush.retries:
        print("  retries: " + ", ".join(f"{kind} {n}" for kind, n in sorted(rush.retries.items())))
    print(
        f"stored: {sum(len(v) for v in stored.values())} versions of {len(stored)} reports; "
        f"versions without their {expected_figures} figures: {short}; failed: {len(failed)} "
        f"({unacknowledged} of them stored nonetheless)"
    )
    for o in failed[:5]:
        print(f"  {o.unit}: {o.error}")
    if believed:
        per = {"kstt serve": meter.used("server"), "PostgreSQL": meter.used("postgres"), "client": client_cpu}
        each = {kind: used / len(believed) * 1000 for kind, used in per.items()}
        cores = os.cpu_count() or 1
        print(
            "CPU per submission: "
            + ", ".join(f"{kind} {ms:.1f} ms" for kind, ms in each.items())
            + f"; {cores} cores with nothing else running: at most {cores * 1000 / sum(each.values()):.0f} "
            f"submissions/s (without this client: {cores * 1000 / (sum(each.values()) - each['client']):.0f}/s)"
        )
    print(
        f"host speed: a fixed Python workload took {speed_before:.0f} ms of CPU before the rush, {speed_after:.0f} ms "
        "after (the CPU line scales with it; docs/it/load.md)"
    )
    requests = "1 request" if args.flow == "one" else "3 requests"
    print(f"baseline rate {get_rate:.0f} requests/s; a submission is {requests} (+ retries; --flow {args.flow})")
    print(f"RESULT rate={rate:.1f} p50_ms={p50:.0f} p99_ms={p99:.0f} lost={lost} duplicated={duplicated}")
    if lost or duplicated or failed or short:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
