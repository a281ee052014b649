"""Shared pieces of the file contract (interchange.md): UTF-8 CSV with a header row, ISO instants.

Pure: no Django. Each loader raises its own error type with the line number (1 = the header). Every line
of a CSV read by ``read_csv``/``stream_csv`` is checked by kstt.unicode_text, so a NUL is refused with its
line on SQLite as on PostgreSQL (which cannot store it); strict UTF-8 decoding never yields a lone
surrogate. ``stream_columns`` (the dossiers, a million lines) leaves that to its loader's rules, which
refuse every control character in each field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from operator import itemgetter
from typing import IO

from kstt import unicode_text

Record = dict[str, str | None]
#: The years an instant may fall in: every engine stores them, and converting one to any zone stays
#: inside Python's datetime range.
INSTANT_YEARS = range(1000, 9999)
#: The widest offset in use on Earth (Kiribati, +14:00); PostgreSQL refuses any beyond 15:59.
MAX_OFFSET = timedelta(hours=14)
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

    Decoding and CSV errors, and text that cannot be stored (kstt.unicode_text), surface while iterating,
    as ``error(line, reason)``.
    """
    reader = csv.DictReader(_storable_lines(handle, error))
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


def _storable_lines(handle: Iterable[str], error: LineError) -> Iterator[str]:
    """The lines of ``handle``, each refused (``error(line, …)``, lines counted from 1 as csv counts them)
    when it holds text no engine stores alike."""
    for number, line in enumerate(handle, 1):
        if unicode_text.UNSTORABLE.search(line):
            found = unicode_text.error(line)
            raise error(number, f"{found.problem if found else 'unreadable text'}; it cannot be stored")
        yield line


def stream_columns(handle: IO[str], columns: Sequence[str], error: LineError) -> Iterator[tuple[int, tuple[str, ...]]]:
    """A CSV read lazily, for loaders that stream large files: the header is checked now (every one
    of ``columns`` named, else ``error(1, …)``); then, per record, its line number and its values of
    ``columns`` in that order. Missing trailing values are empty; more fields than the header has
    columns is an error; blank lines are skipped (as csv.DictReader does)."""
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
    except UnicodeDecodeError:
        raise error(1, "the file is not UTF-8 text") from None
    except csv.Error as exc:
        raise error(1, f"unreadable CSV: {exc}") from None
    missing = missing_columns(header, columns)
    if missing or header is None:
        raise error(1, f"missing column(s): {', '.join(missing)}")
    names = [name.strip() for name in header]
    indices = [names.index(column) for column in columns]
    pick: Callable[[list[str]], tuple[str, ...]] = (
        itemgetter(*indices) if len(indices) > 1 else lambda row: (row[indices[0]],)
    )
    width = len(names)

    def records() -> Iterator[tuple[int, tuple[str, ...]]]:
        try:
            for row in reader:
                if len(row) != width:
                    if not row:
                        continue
                    if len(row) > width:
                        raise error(reader.line_num, "more fields than the header has columns")
                    row += [""] * (width - len(row))
                yield reader.line_num, pick(row)
        except UnicodeDecodeError:
            raise error(reader.line_num + 1, "the file is not UTF-8 text") from None
        except csv.Error as exc:
            raise error(reader.line_num, f"unreadable CSV: {exc}") from None

    return records()


def missing_columns(header: Iterable[str] | None, required: Iterable[str]) -> list[str]:
    columns = {c.strip() for c in header or []}
    return [c for c in required if c not in columns]


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant with an offset (``2021-09-16T23:10:00+07:00``); a naive time is refused."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{text!r} has no offset (write e.g. {text}+07:00)")
    if abs(value.utcoffset() or timedelta()) > MAX_OFFSET:
        raise ValueError(f"{text!r} has an offset beyond ±14:00")
    if value.year not in INSTANT_YEARS:
        raise ValueError(f"{text!r} is out of range (years {INSTANT_YEARS[0]} to {INSTANT_YEARS[-1]})")
    return value
