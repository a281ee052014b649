"""pyHanko's reader of a PDF hex string (``<48656c6c6f>``), without reading it a byte at a time.

A signature's ``/Contents`` is a hex string as long as the space the signing tool reserved, commonly 16,384
or 32,768 hex digits to hold a certificate chain and a timestamp. pyHanko (0.38) reads every hex string
through a Python generator that asks the stream for one byte at a time, skipping whitespace and comments
byte by byte: 0.45 ms of CPU per 1,000 digits, so 7–15 ms for one such signature, about as much as the rest
of a submission's Python (7 December 2026, this 2-core host; docs/it/load.md, the fifth round).

``read_hex_string`` reads the common case in one pass: the bytes up to the closing ``>`` are hex digits and
PDF whitespace only. Then it does what pyHanko's reader does (whitespace dropped, an odd last digit padded
with ``0``, the bytes decoded as ``pdf_string`` decodes them) and leaves the stream just after the ``>``.
Anything else (a comment, a stray character, a stream that ends before the ``>``) goes back to where the
string started and is read by pyHanko's own function, so its errors and its handling of the unusual stay
pyHanko's. ``install()`` puts it in the place pyHanko's object reader calls (``generic`` module), once.

This is the last resort of style.md §13 (a library's internals replaced). What it buys, measured on this
2-core host (7 December 2026, ``time.process_time``, 50 reads each, best of five): 2,600 digits 1.16 →
0.007 ms, 16,384 digits 7.37 → 0.031 ms, 32,768 digits 14.96 → 0.058 ms; a form's signed PDF checked
(``check_document``, 40 checks, best of five) in 4.32 → 2.87 ms with the bench's small signature, 10.59 →
2.92 ms with 16,384 digits (8 KB) reserved for it. It goes when pyHanko reads hex strings in bulk itself.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE

#: pyHanko's own reader, kept for what the fast path leaves to it.
_pyhanko_read = generic.read_hex_string_from_stream

#: A hex string's body as the fast path takes it: hex digits and PDF whitespace (pyHanko's PDF_WHITESPACE).
_PLAIN_BODY = re.compile(rb"[0-9A-Fa-f \n\r\t\f\x00]*")
_CHUNK = 8192


def read_hex_string(stream: Any) -> Any:
    """What ``pyhanko.pdf_utils.generic.read_hex_string_from_stream`` returns for the hex string under the
    stream's cursor (at its ``<``), with the stream left where pyHanko's would leave it."""
    if not stream.seekable():
        return _pyhanko_read(stream)
    start = stream.tell()
    stream.read(1)  # the "<"
    body = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        end = chunk.find(b">")
        if end >= 0:
            body += chunk[:end]
            after = start + 1 + len(body) + 1
            break
        if not chunk:  # no ">" before the end: pyHanko's error
            stream.seek(start, io.SEEK_SET)
            return _pyhanko_read(stream)
        body += chunk
    if not _PLAIN_BODY.fullmatch(body):  # a comment or a stray character: pyHanko's reading, or its error
        stream.seek(start, io.SEEK_SET)
        return _pyhanko_read(stream)
    stream.seek(after, io.SEEK_SET)
    digits = bytes(body).translate(None, PDF_WHITESPACE)
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install() -> None:
    """Make pyHanko's object reader use ``read_hex_string`` (``generic.read_object`` looks the function up in
    its module at each call)."""
    generic.read_hex_string_from_stream = read_hex_string
