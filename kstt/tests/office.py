"""Office documents as a unit attaches them to an appeal, built in memory: the smallest real packages of
each kind (OOXML: .docx, .xlsx, .pptx; OpenDocument: .odt, .ods, .odp), and ways to spoil them."""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

from kstt.archives import ODF_MIMETYPES, OOXML_MAIN_PARTS

_MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def content_types(main_part: str, main_type: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    ).encode()


def zip_of(parts: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data, zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ooxml_parts(extension: str) -> dict[str, bytes]:
    """The parts of the smallest .docx or .pptx (an .xlsx: ``xlsx()``, as openpyxl writes it)."""
    main = _MAIN_PART[extension]
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}" Target="{main}"/></Relationships>'
    ).encode()
    body = {
        "docx": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "<w:p><w:r><w:t>Biên bản mất điện ngày 18/3/2021</w:t></w:r></w:p></w:body></w:document>".encode(),
        "pptx": b'<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>',
    }[extension]
    return {
        "[Content_Types].xml": content_types(main, OOXML_MAIN_PARTS[extension]),
        "_rels/.rels": rels,
        main: body,
    }


def docx() -> bytes:
    return zip_of(ooxml_parts("docx"))


def pptx() -> bytes:
    return zip_of(ooxml_parts("pptx"))


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "Nhật ký mất điện"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odf_parts(extension: str) -> dict[str, bytes]:
    """The parts of the smallest OpenDocument package of that kind, ``mimetype`` first."""
    mimetype = ODF_MIMETYPES[extension]
    manifest = (
        b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        b'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="'
        + mimetype
        + b'"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        b"</manifest:manifest>"
    )
    content = (
        b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'office:version="1.2"><office:body/></office:document-content>'
    )
    return {"mimetype": mimetype, "META-INF/manifest.xml": manifest, "content.xml": content}


def odf(extension: str) -> bytes:
    return zip_of(odf_parts(extension), stored=("mimetype",))


_FREE, _END, _FAT, _NONE = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _directory_entry(name: str, kind: int, *, child: int = _NONE, start: int = _END, size: int = 0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1 if name else 0)
        + struct.pack("<III", _NONE if name else 0, _NONE if name else 0, child if name else 0)
        + bytes(16 + 4 + 8 + 8)
        + struct.pack("<IQ", start if name else 0, size)
    )


def ole(stream: str, data: bytes = b"\x00" * 4096) -> bytes:
    """An OLE compound file (old Office: .doc, .xls, .ppt) holding one stream, as small as the format allows:
    a header, one FAT sector, one directory sector, then the stream in whole 512-byte sectors (4096 bytes at
    least, so it lives outside the mini stream)."""
    data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
    sectors = len(data) // 512
    fat = [_FAT, _END, *range(3, 2 + sectors), _END]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", _FREE) * (128 - len(fat))
    directory = (
        _directory_entry("Root Entry", 5, child=1)
        + _directory_entry(stream, 2, start=2, size=len(data))
        + _directory_entry("", 0) * 2
    )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108
    )  # fmt: skip
    return header + fat_sector + directory + data
