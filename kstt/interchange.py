"""Shared pieces of the file contract (interchange.md): UTF-8 CSV with a header row, ISO instants.

Pure: no Django. Each loader raises its own error type with the line number (1 = the header).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import IO

Record = dict[str, str | None]
LineError = Callable[[int, str], Exception]


def read_csv(data: bytes, error: LineError) -> tuple[list[str] | None, list[Record]]:
    """Decode a whole CSV (UTF-8, with or without BOM) into its header and records."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(data[: exc.start].count(b"\n") + 1, "the file is not UTF-8 text") from None
    header, records = stream_csv(io.StringIO(text, newline=""), error)
    return header, list(records)


def stream_csv(handle: IO[str], error: LineError) -> tuple[list[str] | None, Iterator[Record]]:
    """A CSV read lazily from a text handle: the header now, then ``Record``s as they are read.

    Decoding and CSV errors surface while iterating, as ``error(line, reason)``.
    """
    reader = csv.DictReader(handle)
    try:
        header = list(reader.fieldnames) if reader.fieldnames else None
    except UnicodeDecodeError:
        raise error(1, "the file is not UTF-8 text") from None

    def records() -> Iterator[Record]:
        try:
            yield from reader
        except UnicodeDecodeError:
            raise error(reader.line_num + 1, "the file is not UTF-8 text") from None
        except csv.Error as exc:
            raise error(reader.line_num, f"unreadable CSV: {exc}") from None

    return header, records()


def missing_columns(header: Iterable[str] | None, required: Iterable[str]) -> list[str]:
    columns = {c.strip() for c in header or []}
    return [c for c in required if c not in columns]


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset (``2021-09-16T23:10:00+07:00``); a naive time is refused."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{text!r} has no offset (write e.g. {text}+07:00)")
    if not 1000 <= value.year <= 9998:
        raise ValueError(f"{text!r} is out of range (years 1000 to 9998)")
    return value
