"""Uploaded ZIP archives, checked before any parser sees them (issue 13): zip bombs, and office files that
are not what their names say.

Every ZIP that arrives from outside goes through here first: the filled-in form 06 workbook
(``kstt.exports.form06_import``) and the office files of an appeal (``kstt.compliance.attachments``).

``check_archive`` reads only the archive's directory, never a member's content, so a bomb is refused in
milliseconds whatever it would unpack to:

- the **member count**, from the end-of-archive record before the directory itself is read (a directory
  of a hundred thousand entries costs time to list);
- each member's **declared size**, and the **total** of them;
- the **ratio** of what a member unpacks to over what it takes in the file (members under
  ``RATIO_GRACE_BYTES`` aside: a small part may pack tightly and harms nobody), and of the whole archive
  over the upload's own size (which no directory entry can lie about).

A member that *declares* a small size and inflates to far more is not read past its declared size: Python's
``zipfile``, which openpyxl reads through as well, stops there and refuses the member as damaged (its CRC
cannot match). So the declared sizes checked here bound everything that is ever decompressed.

``check_office_package`` adds the structure of an office document on top: an OOXML file (.docx, .xlsx,
.pptx) has a ``[Content_Types].xml``, parsed without entity expansion (defusedxml), that names the main
part of that kind of document, and that part is in the archive; an OpenDocument file (.odt, .ods, .odp)
has its ``mimetype`` as the first member, saying that kind, and a manifest.

Pure over the bytes and the limits (no database, no request); ``configured_limits`` reads the settings.
Problems raise ``ArchiveError``, whose ``message`` is for the person who uploaded the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from defusedxml import ElementTree
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

#: Members that unpack to at most this much are not judged by their compression ratio.
RATIO_GRACE_BYTES = 1024 * 1024
#: The XML namespace of ``[Content_Types].xml`` (ECMA-376 part 2, Open Packaging Conventions).
CONTENT_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types"
#: The content type of the main part of each OOXML document, by extension (macro-enabled ones are not these).
OOXML_MAIN_PARTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
#: The ``mimetype`` of each OpenDocument package, by extension (OpenDocument 1.2 part 3, §3.3).
ODF_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
OFFICE_PACKAGES = frozenset(OOXML_MAIN_PARTS) | frozenset(ODF_MIMETYPES)

_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an uploaded archive may hold (settings ``KSTT_ARCHIVE_*``)."""

    members: int  # entries in the archive
    member_bytes: int  # what one member unpacks to
    total_bytes: int  # what all of them unpack to
    ratio: int  # unpacked size over packed size, of a member and of the whole archive


def configured_limits() -> ArchiveLimits:
    """The limits of the settings (``KSTT_ARCHIVE_MAX_MEMBERS`` …), read at each call."""
    from django.conf import settings

    return ArchiveLimits(
        members=settings.KSTT_ARCHIVE_MAX_MEMBERS,
        member_bytes=settings.KSTT_ARCHIVE_MAX_MEMBER_BYTES,
        total_bytes=settings.KSTT_ARCHIVE_MAX_BYTES,
        ratio=settings.KSTT_ARCHIVE_MAX_RATIO,
    )


class ArchiveProblem(StrEnum):
    NOT_ZIP = "not_zip"
    DAMAGED = "damaged"
    TOO_MANY_MEMBERS = "too_many_members"
    MEMBER_TOO_LARGE = "member_too_large"
    TOO_LARGE = "too_large"
    RATIO = "ratio"
    NOT_OFFICE = "not_office"  # a ZIP, but not the office document its extension says


#: Problems that make the bytes unreadable as a ZIP at all (a caller may say so in its own words).
UNREADABLE = frozenset({ArchiveProblem.NOT_ZIP, ArchiveProblem.DAMAGED})


class ArchiveError(ValueError):
    """An archive refused before it was read: ``problem`` says why, ``message`` says it to the uploader."""

    def __init__(self, problem: ArchiveProblem, *, member: str = "", size: int = 0, limit: int = 0) -> None:
        self.problem, self.member, self.size, self.limit = problem, member, size, limit
        super().__init__(f"{problem}: {member or '(archive)'} {size} > {limit}")

    @property
    def unreadable(self) -> bool:
        return self.problem in UNREADABLE

    @property
    def message(self) -> str:
        """What the uploader reads, in the active language."""
        problem, member = self.problem, self.member
        if problem is ArchiveProblem.NOT_ZIP:
            return gettext("The file is not a ZIP archive (an office document is one).")
        if problem is ArchiveProblem.DAMAGED:
            return gettext("The file is damaged: its archive cannot be read.")
        if problem is ArchiveProblem.NOT_OFFICE:
            return gettext("The file is not a real %(kind)s document.") % {"kind": member}
        if problem is ArchiveProblem.TOO_MANY_MEMBERS:
            return gettext("The file holds %(count)s parts, more than the limit of %(limit)s.") % {
                "count": self.size,
                "limit": self.limit,
            }
        if problem is ArchiveProblem.RATIO:
            params = {"member": member, "ratio": self.size, "limit": self.limit}
            if member:
                return (
                    gettext(
                        "The part %(member)s of the file unpacks to %(ratio)s times its packed size, more than the "
                        "limit of %(limit)s times: the file is refused as a possible zip bomb."
                    )
                    % params
                )
            return (
                gettext(
                    "The file unpacks to %(ratio)s times its size, more than the limit of %(limit)s times: it is "
                    "refused as a possible zip bomb."
                )
                % params
            )
        sizes = {"member": member, "size": filesizeformat(self.size), "limit": filesizeformat(self.limit)}
        if problem is ArchiveProblem.MEMBER_TOO_LARGE:
            return (
                gettext("The part %(member)s of the file unpacks to %(size)s, more than the limit of %(limit)s.")
                % sizes
            )
        return gettext("The file unpacks to %(size)s, more than the limit of %(limit)s.") % sizes

    def __str__(self) -> str:
        return self.message


def check_archive(data: bytes, *, limits: ArchiveLimits) -> None:
    """Refuse a ZIP whose directory promises more than ``limits`` allow; read no member."""
    _checked(data, limits)


def check_office_package(data: bytes, *, extension: str, limits: ArchiveLimits) -> None:
    """``check_archive``, then the package structure of the office document ``extension`` names
    (one of ``OFFICE_PACKAGES``)."""
    archive = _checked(data, limits)
    with archive:
        if extension in OOXML_MAIN_PARTS:
            _check_ooxml(archive, extension)
        elif extension in ODF_MIMETYPES:
            _check_odf(archive, extension)
        else:
            raise ValueError(f"{extension!r} is not an office package")


def declared_member_count(data: bytes) -> int | None:
    """How many members the end-of-archive record (or its ZIP64 one) says the archive holds, or None
    when there is no such record."""
    end = data.rfind(_END_RECORD, max(0, len(data) - (_END_RECORD_SIZE + 0xFFFF)))
    if end < 0 or len(data) < end + _END_RECORD_SIZE:
        return None
    count, _, _, comment = struct.unpack_from("<HIIH", data, end + 10)
    if end + _END_RECORD_SIZE + comment != len(data):
        return None  # the signature was inside a comment, or trailing bytes follow: let zipfile judge
    if count != 0xFFFF:
        return int(count)
    locator = end - 20
    if locator >= 0 and data[locator : locator + 4] == _ZIP64_LOCATOR:
        record = struct.unpack_from("<Q", data, locator + 8)[0]
        if data[record : record + 4] == _ZIP64_END_RECORD and len(data) >= record + 56:
            return int(struct.unpack_from("<Q", data, record + 32)[0])
    return None


def _checked(data: bytes, limits: ArchiveLimits) -> zipfile.ZipFile:
    if not data.startswith(b"PK"):
        raise ArchiveError(ArchiveProblem.NOT_ZIP)
    declared = declared_member_count(data)
    if declared is not None and declared > limits.members:
        raise ArchiveError(ArchiveProblem.TOO_MANY_MEMBERS, size=declared, limit=limits.members)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # BadZipFile, or worse on garbage: any of them means unreadable, never a 500
        raise ArchiveError(ArchiveProblem.DAMAGED) from error
    try:
        _check_directory(archive.infolist(), packed=len(data), limits=limits)
    except ArchiveError:
        archive.close()
        raise
    return archive


def _check_directory(members: list[zipfile.ZipInfo], *, packed: int, limits: ArchiveLimits) -> None:
    if len(members) > limits.members:
        raise ArchiveError(ArchiveProblem.TOO_MANY_MEMBERS, size=len(members), limit=limits.members)
    total = 0
    for member in members:
        if member.file_size > limits.member_bytes:
            raise ArchiveError(
                ArchiveProblem.MEMBER_TOO_LARGE,
                member=member.filename,
                size=member.file_size,
                limit=limits.member_bytes,
            )
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > RATIO_GRACE_BYTES and ratio > limits.ratio:
            raise ArchiveError(ArchiveProblem.RATIO, member=member.filename, size=ratio, limit=limits.ratio)
        total += member.file_size
    if total > limits.total_bytes:
        raise ArchiveError(ArchiveProblem.TOO_LARGE, size=total, limit=limits.total_bytes)
    ratio = total // max(packed, 1)
    if total > RATIO_GRACE_BYTES and ratio > limits.ratio:
        raise ArchiveError(ArchiveProblem.RATIO, size=ratio, limit=limits.ratio)


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's content (never more than it declared: zipfile stops there and checks the CRC)."""
    try:
        return archive.read(name)
    except Exception as error:  # a bad CRC, an unknown compression, an encrypted member: unreadable
        raise ArchiveError(ArchiveProblem.DAMAGED) from error


def _not_office(extension: str) -> ArchiveError:
    return ArchiveError(ArchiveProblem.NOT_OFFICE, member=f".{extension}")


def _check_ooxml(archive: zipfile.ZipFile, extension: str) -> None:
    """``[Content_Types].xml`` names a part of the main content type of ``extension``, and it is there."""
    names = {name.lower() for name in archive.namelist()}
    if "[content_types].xml" not in names:
        raise _not_office(extension)
    name = next(n for n in archive.namelist() if n.lower() == "[content_types].xml")
    try:
        types = ElementTree.fromstring(_read(archive, name))
    except ArchiveError:
        raise
    except Exception as error:  # not XML, or XML with entities or external references (defusedxml)
        raise _not_office(extension) from error
    wanted = OOXML_MAIN_PARTS[extension]
    main_parts = [
        (override.get("PartName") or "").lstrip("/").lower()
        for override in types.iter(f"{{{CONTENT_TYPES_NAMESPACE}}}Override")
        if (override.get("ContentType") or "").strip() == wanted
    ]
    if len(main_parts) != 1 or main_parts[0] not in names:
        raise _not_office(extension)


def _check_odf(archive: zipfile.ZipFile, extension: str) -> None:
    """The first member is ``mimetype`` saying ``extension``'s kind, and ``META-INF/manifest.xml`` is there."""
    members = archive.infolist()
    if not members or members[0].filename != "mimetype" or "META-INF/manifest.xml" not in archive.namelist():
        raise _not_office(extension)
    if _read(archive, "mimetype").strip() != ODF_MIMETYPES[extension]:
        raise _not_office(extension)
