"""Zip bombs made from a real file, in memory, as the hostile tester of issue 13 made them.

A member padded with spaces deflates about 1000 to 1: a worksheet padded with 1 GiB of spaces is a
1 MB upload. The deflate stream is assembled from one compressed block of a MiB of spaces repeated
(each block ends with a full flush, so blocks concatenate into one valid stream): no gigabyte is ever
held in memory or written to disk. ``rezip`` writes the ZIP by hand so a member may also *declare* a
size other than the one it inflates to.
"""

from __future__ import annotations

import functools
import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

MiB = 1024 * 1024
T = TypeVar("T")
_SPACES = b" " * MiB


@dataclass(frozen=True)
class Member:
    """A member as it is stored: its compressed bytes, the CRC and size of what they inflate to."""

    compressed: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def _deflate_part(data: bytes, *, final: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


@functools.cache
def _spaces_crc(mib: int, start: int) -> int:
    crc = start
    for _ in range(mib):
        crc = zlib.crc32(_SPACES, crc)
    return crc


def padded(before: bytes, mib: int, after: bytes) -> Member:
    """``before``, ``mib`` MiB of spaces, ``after``, deflated."""
    block = _deflate_part(_SPACES, final=False)
    compressed = _deflate_part(before, final=False) + block * mib + _deflate_part(after, final=True)
    crc = zlib.crc32(after, _spaces_crc(mib, zlib.crc32(before)))
    return Member(compressed, crc, len(before) + mib * MiB + len(after))


def deflated(data: bytes) -> Member:
    return Member(_deflate_part(data, final=True), zlib.crc32(data), len(data))


def members(data: bytes) -> dict[str, bytes]:
    """The members of a ZIP, inflated."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(parts: dict[str, bytes | Member], *, declare: dict[str, int] | None = None, first: str = "") -> bytes:
    """A ZIP of ``parts`` (bytes are deflated), in their order (``first`` moved to the front);
    ``declare`` gives a member a declared uncompressed size other than its real one."""
    names = sorted(parts, key=lambda name: name != first) if first else list(parts)
    out = io.BytesIO()
    central = []
    for name in names:
        part = parts[name]
        member = part if isinstance(part, Member) else deflated(part)
        size = (declare or {}).get(name, member.size)
        encoded = name.encode()
        # version needed, flags, method, time, date, CRC, compressed size, size, name length
        common = struct.pack("<HHHHHIIIH", 20, 0, member.method, 0, 0x21, member.crc, len(member.compressed), size,
                             len(encoded))  # fmt: skip
        offset = out.tell()
        out.write(struct.pack("<I", 0x04034B50) + common + struct.pack("<H", 0) + encoded + member.compressed)
        # version made by, common, extra and comment lengths, disk, attributes, offset of the local header
        central.append(struct.pack("<IH", 0x02014B50, 20) + common + struct.pack("<HHHHII", 0, 0, 0, 0, 0, offset)
                       + encoded)  # fmt: skip
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), out.tell() - start, start, 0))
    return out.getvalue()


# --- Bombs made from the downloaded form 06 workbook -------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "xl/sharedStrings.xml"
_SHARED_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet_bomb(workbook: bytes, mib: int) -> bytes:
    """The workbook with its data sheet padded by ``mib`` MiB of spaces before its rows."""
    parts: dict[str, bytes | Member] = dict(members(workbook))
    sheet = members(workbook)[SHEET]
    at = sheet.index(b"<sheetData>")
    parts[SHEET] = padded(sheet[:at], mib, sheet[at:])
    return rezip(parts)


def lying_sheet_bomb(workbook: bytes, mib: int) -> bytes:
    """``sheet_bomb``, but the sheet declares the size it had: a small member that inflates to ``mib`` MiB."""
    parts: dict[str, bytes | Member] = dict(members(workbook))
    sheet = members(workbook)[SHEET]
    at = sheet.index(b"<sheetData>")
    parts[SHEET] = padded(sheet[:at], mib, sheet[at:])
    return rezip(parts, declare={SHEET: len(sheet)})


def _with_shared_strings(workbook: bytes, strings: bytes | Member) -> bytes:
    parts: dict[str, bytes | Member] = dict(members(workbook))
    types = members(workbook)["[Content_Types].xml"]
    override = b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + _SHARED_STRINGS_TYPE + b'"/>'
    parts["[Content_Types].xml"] = types.replace(b"</Types>", override + b"</Types>")
    parts[SHARED_STRINGS] = strings
    return rezip(parts)


def shared_strings_bomb(workbook: bytes, mib: int) -> bytes:
    """The workbook with a shared-strings table whose one string is ``mib`` MiB of spaces."""
    return _with_shared_strings(workbook, padded(b"<sst " + _MAIN + b"><si><t>", mib, b"</t></si></sst>"))


def shared_strings_with_entities(workbook: bytes, *, length: int = 10, references: int = 1) -> bytes:
    """The workbook with a shared-strings table whose string is an entity of ``length`` characters referenced
    ``references`` times: harmless with the defaults, a quadratic blow-up with large ones."""
    doctype = b'<!DOCTYPE sst [<!ENTITY e "' + b"x" * length + b'">]>'
    return _with_shared_strings(workbook, doctype + b"<sst " + _MAIN + b"><si><t>" + b"&e;" * references
                                + b"</t></si></sst>")  # fmt: skip


def many_members(workbook: bytes, count: int) -> bytes:
    """The workbook with ``count`` empty members added."""
    parts: dict[str, bytes | Member] = dict(members(workbook))
    parts.update({f"customXml/item{n}.xml": b"" for n in range(count)})
    return rezip(parts)


def seconds(call: Callable[[], T]) -> tuple[T, float]:
    """What ``call`` returns, and the seconds it took."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def peak_memory(call: Callable[[], T]) -> tuple[T, int]:
    """What ``call`` returns, and the peak of the memory allocated meanwhile (tracemalloc sees everything
    allocated through Python's allocators: zlib's buffers, the XML parser's, the strings they make)."""
    tracemalloc.start()
    try:
        result = call()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
