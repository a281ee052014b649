"""The one-pass hex string reader (kstt/reports/pdf_hex.py) answers as pyHanko's own, case by case: the same
object (type and value), the stream left at the same place, the same error; and it is the one pyHanko's
object reader calls once the documents module is loaded. No database."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError
from pyhanko.pdf_utils.reader import PdfFileReader

from kstt.reports import documents, pdf_hex
from kstt.reports.tests.test_documents import PAGE_TEXT, Identity, make_pdf, sign

pyhanko_read = pdf_hex._pyhanko_read
LONG = bytes(range(256)) * 64  # 16,384 bytes: a signature's reserved /Contents, 32,768 digits

#: (case, the bytes from the "<" on): each as the regulation of PDF hex strings (ISO 32000-1 §7.3.4.3) and
#: pyHanko's reader name them.
CASES = [
    ("plain, lower case", b"<48656c6c6f> rest"),
    ("upper case", b"<48656C6C6F>"),
    ("mixed case", b"<4a4B>"),
    ("empty", b"<>"),
    ("odd count: the last digit padded with 0", b"<901FA>"),
    ("one digit", b"<7>"),
    ("whitespace of every PDF kind between digits", b"< 48\n65\r6c\t6c\f6f\x00 >"),
    ("only whitespace", b"<  \n >"),
    ("a UTF-16 text with its byte order mark", b"<FEFF005400ED006E0068>"),
    ("a UTF-8 text with its byte order mark", b"<EFBBBF54C3AD6E68>"),
    ("bytes that are no text", b"<ff00fe80>"),
    ("followed at once by the next token", b"<0102>/Name"),
    ("a signature's length", b"<" + LONG.hex().encode() + b">\n/Type /Sig"),
    ("longer than one read", b"<" + b"ab" * 9000 + b"\n" + b"cd" * 9000 + b">"),
    ("a comment inside (pyHanko's reading)", b"<4142 % a comment\n4344>"),
    ("a comment holding a closing bracket", b"<41 % a > b\n42>"),
]

BROKEN = [
    ("a stray character", b"<41g2>"),
    ("a stray character after a long run", b"<" + b"41" * 5000 + b"zz>"),
    ("no closing bracket", b"<4142"),
    ("no closing bracket after a long run", b"<" + b"41" * 9000),
    ("a nested dictionary opener", b"<41<42>"),
]


def read(reader: Any, data: bytes, *, at: int = 0) -> tuple[Any, int]:
    stream = io.BytesIO(b"x" * at + data)
    stream.seek(at)
    result = reader(stream)
    return result, stream.tell()


@pytest.mark.parametrize(("case", "data"), CASES, ids=[c for c, _ in CASES])
@pytest.mark.parametrize("at", [0, 17])
def test_reads_as_pyhanko_does(case: str, data: bytes, at: int) -> None:
    theirs, their_end = read(pyhanko_read, data, at=at)
    ours, our_end = read(pdf_hex.read_hex_string, data, at=at)
    assert type(ours) is type(theirs)
    assert ours == theirs
    assert bytes(ours.original_bytes) == bytes(theirs.original_bytes)
    assert getattr(ours, "autodetected_encoding", None) == getattr(theirs, "autodetected_encoding", None)
    assert our_end == their_end


@pytest.mark.parametrize(("case", "data"), BROKEN, ids=[c for c, _ in BROKEN])
def test_refuses_as_pyhanko_does(case: str, data: bytes) -> None:
    with pytest.raises(PdfStreamError) as theirs:
        read(pyhanko_read, data)
    with pytest.raises(PdfStreamError) as ours:
        read(pdf_hex.read_hex_string, data)
    assert str(ours.value) == str(theirs.value)


def test_a_stream_that_cannot_seek_is_read_by_pyhanko() -> None:
    class Forward(io.BytesIO):
        def seekable(self) -> bool:
            return False

    result = pdf_hex.read_hex_string(Forward(b"<4142>"))
    assert result == "AB"


def test_pyhankos_object_reader_uses_it() -> None:
    assert documents.pdf_hex is pdf_hex
    assert generic.read_hex_string_from_stream is pdf_hex.read_hex_string
    assert generic.read_object(io.BytesIO(b"<4142>"), None) == "AB"


def test_a_signature_with_its_space_reserved_as_the_cas_tools_do_validates() -> None:
    """32,768 hex digits reserved for /Contents (16 KB, mostly zeros after the CMS blob): read in one pass,
    the signature is found intact and its signer read; the reader holds exactly pyHanko's bytes."""
    chairman = Identity("Bùi Văn Hùng", "UBND xã Thử Tải")
    pdf = sign(make_pdf(PAGE_TEXT), chairman, reserved=32768)  # pyHanko counts hex digits
    check = documents.check_document(pdf, max_bytes=10**7)
    assert [(s.signer_common_name, s.intact, s.changed_after_signing) for s in check.signatures] == [
        ("Bùi Văn Hùng", True, False)
    ]
    start = pdf.index(b"/Contents <") + len(b"/Contents ")
    ours, _ = read(pdf_hex.read_hex_string, pdf[start:])
    theirs, _ = read(pyhanko_read, pdf[start:])
    assert len(bytes(ours.original_bytes)) == 16384
    assert bytes(ours.original_bytes) == bytes(theirs.original_bytes)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    assert reader.root["/AcroForm"]["/Fields"][0]["/V"]["/Contents"] == ours
