"""Documents converted by LibreOffice headless: a workbook or a docx as PDF (issue 15, point 4).

``to_pdf(data, suffix=".xlsx")`` writes the document into a temporary directory, runs ``soffice
--headless --convert-to pdf`` there with its own throw-away profile (two conversions at once do not share
a locked profile) under a timeout, and returns the PDF's bytes. LibreOffice recalculates a workbook's
formulas as it opens it, so the PDF prints the totals of the figures above them. ``convert`` is the
same for any target LibreOffice knows (e.g. a CSV filter, to read a workbook as LibreOffice computes it).

LibreOffice is a program on the machine, not a Python package: ``LibreOfficeMissing`` says so plainly
when ``soffice`` is not on the path (``.ci/run`` installs ``libreoffice-calc``; a docx needs
``libreoffice-writer``). A conversion that fails or outlasts its timeout raises ``ConversionError``
and leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

#: Seconds a conversion may take: a first start of LibreOffice with a fresh profile takes a few.
TIMEOUT = 120


class ConversionError(RuntimeError):
    """LibreOffice could not convert the document; the message says why."""


class LibreOfficeMissing(ConversionError):
    """``soffice`` is not installed on this machine."""


def soffice() -> str | None:
    """The path of LibreOffice's ``soffice`` (or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(data: bytes, *, suffix: str = ".xlsx", timeout: float = TIMEOUT) -> bytes:
    """The document ``data`` (a ``suffix`` file: ".xlsx", ".docx" …) as PDF."""
    return convert(data, suffix=suffix, target="pdf", timeout=timeout)


def convert(data: bytes, *, suffix: str, target: str, timeout: float = TIMEOUT) -> bytes:
    """The document ``data`` converted by ``soffice --convert-to <target>``; ``target`` may name a filter
    after a colon (``csv:Text - txt - csv (StarCalc):44,34,76,1``). Returns the converted file's bytes."""
    program = soffice()
    if program is None:
        raise LibreOfficeMissing(
            "LibreOffice is not installed (no soffice on the PATH): apt-get install libreoffice-calc "
            "(and libreoffice-writer for documents)"
        )
    extension = target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="kstt-soffice-") as work:
        folder = Path(work)
        source = folder / f"document{suffix}"
        source.write_bytes(data)
        out = folder / "out"
        command = [
            program,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        # Its own session: on a timeout the whole group goes (soffice starts soffice.bin under it).
        process = subprocess.Popen(  # noqa: S603 (our own program on our own file)
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=work
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(f"LibreOffice did not convert the document within {timeout:g} s") from None
        result = out / f"document.{extension}"
        if process.returncode != 0 or not result.is_file():
            said = errors.decode("utf-8", "replace").strip()[-500:]
            raise ConversionError(
                f"LibreOffice could not convert the document to {extension} (exit {process.returncode}): {said}"
            )
        return result.read_bytes()
