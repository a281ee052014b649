"""bench/rush.py, the deadline-day load test (docs/it/load.md), runs end to end with three reporters.

Not a measurement (the figures are meaningless at this size): it proves the bench still works against
`kstt serve` — its fresh database, the reporters' tokens, the report in one request (``--flow one``) or the
draft, the signed PDF and the submit (``--flow steps``, its PDF's signature with a CA tool's reserved
space) with an Idempotency-Key, a forced retry and a resend
answered from the key — and that it finds every submission stored exactly once. It needs PostgreSQL (the
bench makes and drops its own database on the server DATABASE_URL names): skipped on SQLite.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RESULT = re.compile(r"^RESULT rate=([\d.]+) p50_ms=(\d+) p99_ms=(\d+) lost=(\d+) duplicated=(\d+)$", re.MULTILINE)


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="bench/rush.py needs PostgreSQL (DATABASE_URL)",
)
@pytest.mark.parametrize(
    ("flow", "press", "space"),
    [("one", "submission", []), ("steps", "submit", ["--signature-space", "16384"])],
)
def test_the_rush_stores_every_submission_exactly_once(flow, press, space):
    result = subprocess.run(  # noqa: S603 (our own bench)
        [
            sys.executable,
            str(ROOT / "bench" / "rush.py"),
            "-n",
            "3",
            "-c",
            "3",
            "--lose",
            "0.34",
            "--resend",
            "0.34",
            "--workers",
            "2",
            "--flow",
            flow,
            *space,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found = RESULT.search(result.stdout)
    assert found is not None, result.stdout
    assert float(found[1]) > 0 and int(found[2]) <= int(found[3])
    assert (found[4], found[5]) == ("0", "0")
    assert "rush: 3 of 3 reporters submitted" in result.stdout
    # One submit's answer abandoned and sent again, one resent after its 201: the key answered (200).
    assert f"{press} (forced: answer abandoned) 1" in result.stdout
    assert f"--flow {flow})" in result.stdout
    # The PDF signed with the space a CA's signing tool reserves, when asked (--signature-space).
    assert ("(16,384 hex digits reserved for the signature)" in result.stdout) == bool(space)
    replays = re.search(r"(\d+) answers were the key's earlier version", result.stdout)
    assert replays is not None and int(replays[1]) >= 1
    assert "stored: 3 versions of 3 reports; versions without their 99 figures: 0; failed: 0" in result.stdout
    # The CPU line and the host's speed beside it (the same code costs more CPU on a slower host).
    assert re.search(r"^CPU per submission: kstt serve [\d.]+ ms, PostgreSQL [\d.]+ ms", result.stdout, re.MULTILINE)
    speed = re.search(r"^host speed: a fixed Python workload took (\d+) ms of CPU before the rush, (\d+) ms after",
                      result.stdout, re.MULTILINE)  # fmt: skip
    assert speed is not None and int(speed[1]) > 0 and int(speed[2]) > 0, result.stdout


def bench(*options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own bench)
        [sys.executable, str(ROOT / "bench" / "rush.py"), "-n", "2", *options],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


@pytest.mark.parametrize("space", ["16383", "0", "-2", "abc"])
def test_a_signature_space_that_cannot_be_is_refused_before_anything_is_made(space):
    """Hex digits come two per byte: an odd, empty or negative space is refused by the options (exit 2)."""
    result = bench("--signature-space", space)
    assert result.returncode == 2, result.stdout[-2000:] + result.stderr[-2000:]
    assert "--signature-space" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="bench/rush.py needs PostgreSQL (DATABASE_URL)",
)
def test_a_signature_space_too_small_for_the_signature_says_so_and_leaves_no_database():
    """Room for 50 bytes where the signature needs some 1,900: one line naming the option, exit 1, and the
    bench's database dropped as after any run."""
    import psycopg

    def benches() -> set[str]:
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            rows = connection.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kstt_rush_bench_%'")
            return {name for (name,) in rows}

    before = benches()
    result = bench("--signature-space", "100")
    assert result.returncode == 1, result.stdout[-2000:] + result.stderr[-2000:]
    assert "--signature-space 100: " in result.stderr and "Traceback" not in result.stderr
    assert benches() <= before
