"""What an appeal's file really is, read from its whole content (issue 13 point 10).

``rules.attachment_problem`` judges a file by its name, its size and its first bytes; here the content is
read the way the programs that open such a file read it, so a file that merely starts like one is refused:

- **PDF**: the narrative document's structural check (``kstt.reports.documents.open_pdf``): pyHanko parses
  it, it is not encrypted, it has pages;
- **PNG, JPEG**: Pillow recognises the format the extension names, checks the structure and decodes every
  pixel; an image of more than ``MAX_IMAGE_PIXELS`` is refused from its header, before it is decoded;
- **.docx, .xlsx, .pptx, .odt, .ods, .odp**: a ZIP within the archive limits whose package is of that kind
  (``kstt.archives.check_office_package``), so a bomb or any other ZIP with that name is refused;
- **.doc, .xls, .ppt** (OLE compound files of old Office): olefile parses the file and finds the main
  stream of that kind of document (MS-DOC, MS-XLS, MS-PPT).

``content_problem`` writes nothing; it answers why the file is refused, in the active language, or None.
"""

from __future__ import annotations

import io

import olefile
from django.utils.translation import gettext
from PIL import Image

from kstt import archives
from kstt.reports.documents import DocumentError, open_pdf

#: The format Pillow must recognise, by extension.
IMAGE_FORMATS = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG"}
#: The main stream of each old Office document: one of these is in every such file, by extension.
OLE_STREAMS = {"doc": ("WordDocument",), "xls": ("Workbook", "Book"), "ppt": ("PowerPoint Document",)}
#: The largest image decoded: 50 million pixels (a 48-megapixel photograph, a page scanned at 600 dpi).
MAX_IMAGE_PIXELS = 50_000_000


def content_problem(*, name: str, content: bytes, max_bytes: int) -> str | None:
    """Why the file ``name`` cannot go with an appeal, judged on its whole ``content``; None when it can.

    The caller has checked its size and its first bytes (``rules.attachment_problem``)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "pdf":
        try:
            open_pdf(content, max_bytes=max_bytes)
        except DocumentError as error:
            return error.message
    elif extension in IMAGE_FORMATS:
        return _image_problem(content, IMAGE_FORMATS[extension])
    elif extension in archives.OFFICE_PACKAGES:
        try:
            archives.check_office_package(content, extension=extension, limits=archives.configured_limits())
        except archives.ArchiveError as error:
            return error.message
    elif extension in OLE_STREAMS:
        return _ole_problem(content, extension)
    return None


def _ole_problem(content: bytes, extension: str) -> str | None:
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as document:
            found = any(document.exists(stream) for stream in OLE_STREAMS[extension])
    except Exception:  # olefile raises OSError, struct.error, IndexError… on a damaged file
        found = False
    return None if found else gettext("The file is not a real %(kind)s document.") % {"kind": f".{extension}"}


def _image_problem(content: bytes, expected: str) -> str | None:
    damaged = gettext("The file is not a readable %(format)s image.") % {"format": expected}
    try:
        with Image.open(io.BytesIO(content), formats=[expected]) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                return gettext(
                    "The image is %(width)s × %(height)s pixels, more than the limit of %(limit)s million pixels."
                ) % {"width": width, "height": height, "limit": MAX_IMAGE_PIXELS // 1_000_000}
            image.verify()  # the structure (a PNG's chunk checksums); the image cannot be decoded after it
        with Image.open(io.BytesIO(content), formats=[expected]) as image:
            image.load()  # every pixel: a truncated or garbled image fails here
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError, struct.error… on a damaged image
        return damaged
    return None
