"""kstt.archives.check_office_package: an office file is the package its extension names (issue 13 point 10):
an OOXML file declares the main part of its kind in ``[Content_Types].xml`` and holds it, an OpenDocument
file starts with the ``mimetype`` of its kind; any other ZIP with that name is refused."""

from __future__ import annotations

import pytest

from kstt.archives import ArchiveError, ArchiveLimits, ArchiveProblem, check_office_package
from kstt.tests import office
from kstt.tests.bombs import MiB, padded, rezip

LIMITS = ArchiveLimits(members=100, member_bytes=8 * MiB, total_bytes=8 * MiB, ratio=100)


def refused(data: bytes, extension: str) -> ArchiveProblem:
    with pytest.raises(ArchiveError) as error:
        check_office_package(data, extension=extension, limits=LIMITS)
    return error.value.problem


@pytest.mark.parametrize(
    ("extension", "make"),
    [
        ("docx", office.docx),
        ("xlsx", office.xlsx),
        ("pptx", office.pptx),
        ("odt", lambda: office.odf("odt")),
        ("ods", lambda: office.odf("ods")),
        ("odp", lambda: office.odf("odp")),
    ],
)
def test_a_real_package_of_each_kind_passes(extension, make):
    check_office_package(make(), extension=extension, limits=LIMITS)


def spoiled_docx(**changes: bytes | None) -> bytes:
    parts = office.ooxml_parts("docx")
    for name, data in changes.items():
        name = {"types": "[Content_Types].xml", "main": "word/document.xml"}[name]
        if data is None:
            del parts[name]
        else:
            parts[name] = data
    return office.zip_of(parts)


def spoiled_odt(*, first: str = "mimetype", mimetype: bytes | None = None, manifest: bool = True) -> bytes:
    parts = office.odf_parts("odt")
    if mimetype is not None:
        parts["mimetype"] = mimetype
    if not manifest:
        del parts["META-INF/manifest.xml"]
    ordered = {first: parts.pop(first), **parts}
    return office.zip_of(ordered, stored=("mimetype",))


@pytest.mark.parametrize(
    ("data", "extension", "problem"),
    [
        pytest.param(
            office.zip_of({"readme.txt": b"hello"}), "docx", ArchiveProblem.NOT_OFFICE, id="any-zip-named-docx"
        ),
        pytest.param(office.xlsx(), "docx", ArchiveProblem.NOT_OFFICE, id="a-workbook-named-docx"),
        pytest.param(office.docx(), "pptx", ArchiveProblem.NOT_OFFICE, id="a-word-file-named-pptx"),
        pytest.param(office.odf("odt"), "docx", ArchiveProblem.NOT_OFFICE, id="an-odt-named-docx"),
        pytest.param(spoiled_docx(main=None), "docx", ArchiveProblem.NOT_OFFICE, id="docx-without-its-main-part"),
        pytest.param(spoiled_docx(types=None), "docx", ArchiveProblem.NOT_OFFICE, id="docx-without-content-types"),
        pytest.param(spoiled_docx(types=b"<Types"), "docx", ArchiveProblem.NOT_OFFICE, id="content-types-not-xml"),
        pytest.param(
            spoiled_docx(
                types=b'<!DOCTYPE Types [<!ENTITY e "x">]>'
                + office.content_types(
                    "word/document.xml",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                )
                .split(b"?>", 1)[1]
                .replace(b'ContentType="application/xml"', b'ContentType="&e;"')
            ),
            "docx",
            ArchiveProblem.NOT_OFFICE,
            id="content-types-declaring-an-entity",
        ),
        pytest.param(
            spoiled_docx(
                types=office.content_types(
                    "word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"
                )
            ),
            "docx",
            ArchiveProblem.NOT_OFFICE,
            id="a-macro-document-named-docx",
        ),
        pytest.param(spoiled_odt(first="content.xml"), "odt", ArchiveProblem.NOT_OFFICE, id="odt-mimetype-not-first"),
        pytest.param(
            spoiled_odt(mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
            "odt",
            ArchiveProblem.NOT_OFFICE,
            id="an-ods-named-odt",
        ),
        pytest.param(spoiled_odt(manifest=False), "odt", ArchiveProblem.NOT_OFFICE, id="odt-without-manifest"),
        pytest.param(office.docx()[:100], "docx", ArchiveProblem.DAMAGED, id="a-truncated-docx"),
        pytest.param(
            rezip({**office.ooxml_parts("docx"), "word/document.xml": padded(b"<w:document>", 1024, b"</w:document>")}),
            "docx",
            ArchiveProblem.MEMBER_TOO_LARGE,
            id="a-docx-bomb",
        ),
    ],
)
def test_what_is_not_the_package_its_name_says_is_refused(data, extension, problem):
    assert refused(data, extension) is problem


def test_a_content_types_part_that_lies_about_its_size_is_damaged():
    """``[Content_Types].xml`` declares 300 bytes and inflates to 64 MiB: it is read up to 300 bytes, no further."""
    parts = office.ooxml_parts("docx")
    types = parts["[Content_Types].xml"]
    bomb = rezip({**parts, "[Content_Types].xml": padded(types[:-8], 64, types[-8:])},
                 declare={"[Content_Types].xml": 300})  # fmt: skip
    assert refused(bomb, "docx") is ArchiveProblem.DAMAGED
