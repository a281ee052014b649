"""Tuấn appeals his department's Q1 deduction with files; a hostile tester sends files that only start
like evidence (issue 13 point 10). Each file is read the way the program that opens it would read it: a
PDF gets the narrative document's structural check, an image is decoded, an office file must be the
package its name says and no zip bomb. A refused file names itself and why, in Vietnamese; nothing is kept.
"""

from __future__ import annotations

import io
import os
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kstt.catalogue.rules.periods import Period
from kstt.compliance import attachments, services
from kstt.compliance.models import Appeal, AppealAttachment
from kstt.compliance.services import AppealError, AttachmentFile, file_appeal
from kstt.compliance.tests.ledger_story import FILED, NOW, PDF, PNG, history, image  # noqa: F401 (a fixture)
from kstt.reports.tests.test_documents import PAGE_TEXT, make_pdf
from kstt.tests import bombs, office
from kstt.tests.test_vietnamese_walk import problems

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("history")]

APPEAL = "/compliance/lines/P17-STP/2021Q1/appeal/"
JPEG = image("JPEG")


def photograph() -> bytes:
    """A JPEG of noise: its compressed pixels are most of the file, after headers that read well."""
    out = io.BytesIO()
    noise = random.Random(18).randbytes(200 * 150 * 3)  # noqa: S311 (noise, not a secret)
    Image.frombytes("RGB", (200, 150), noise).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _clock(settings):
    settings.KSTT_CLOCK = NOW


def post(client, tuan, *files: tuple[str, bytes]):
    client.force_login(tuan)
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(APPEAL, {"reason": "Mất điện cả ngày 18/3.", "attachments": uploads})


def nothing_kept(settings):
    assert not Appeal.objects.exists() and not AppealAttachment.objects.exists()
    assert [files for _, _, files in os.walk(settings.MEDIA_ROOT) if files] == []


def big_png() -> bytes:
    """A 8000 × 7000 image (56 million pixels) that packs into a few kilobytes."""
    out = io.BytesIO()
    Image.new("1", (8000, 7000)).save(out, "PNG")
    return out.getvalue()


def refused_bomb() -> bytes:
    parts = office.ooxml_parts("docx")
    return bombs.rezip({**parts, "word/document.xml": bombs.padded(b"<w:document>", 1024, b"</w:document>")})


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        pytest.param(
            "bien-ban.pdf",
            lambda: b"%PDF-<html><script>alert(1)</script></html>",
            "Tài liệu PDF bị hỏng, không đọc được.",
            id="html-behind-a-pdf-header",
        ),
        pytest.param("bien-ban.pdf", lambda: PDF[: len(PDF) // 2], "Tài liệu PDF bị hỏng", id="a-truncated-pdf"),
        pytest.param(
            "bien-ban.pdf",
            lambda: make_pdf(PAGE_TEXT, encrypt=True),
            "được bảo vệ bằng mật khẩu",
            id="an-encrypted-pdf",
        ),
        pytest.param("bien-ban.pdf", make_pdf, "Tài liệu PDF không có trang nào.", id="a-pdf-without-pages"),
        pytest.param(
            "anh.png", lambda: PNG[:16] + b"\x00" * 64, "không phải là ảnh PNG đọc được", id="png-header-then-zeros"
        ),
        pytest.param("anh.png", lambda: PNG[: len(PNG) - 20], "không phải là ảnh PNG đọc được", id="a-truncated-png"),
        pytest.param(
            "anh.jpg",
            lambda: JPEG[:4] + b"<html></html>" * 10,
            "không phải là ảnh JPEG đọc được",
            id="jpeg-header-then-html",
        ),
        pytest.param(
            "anh.jpg", lambda: photograph()[:9000], "không phải là ảnh JPEG đọc được", id="a-photograph-cut-short"
        ),
        pytest.param("anh.png", big_png, "8000 × 7000 điểm ảnh", id="an-image-of-56-million-pixels"),
        pytest.param(
            "bien-ban.docx",
            lambda: office.zip_of({"a.txt": b"hello"}),
            "không phải là văn bản .docx thực sự",
            id="any-zip-named-docx",
        ),
        pytest.param("so-lieu.docx", office.xlsx, "không phải là văn bản .docx thực sự", id="a-workbook-named-docx"),
        pytest.param(
            "bien-ban.odt",
            lambda: office.odf("ods"),
            "không phải là văn bản .odt thực sự",
            id="a-spreadsheet-named-odt",
        ),
        pytest.param(
            "bien-ban.doc",
            lambda: office.ole("WordDocument")[:600],
            "không phải là văn bản .doc thực sự",
            id="an-ole-header-then-little",
        ),
        pytest.param(
            "so-lieu.xls",
            lambda: office.ole("WordDocument"),
            "không phải là văn bản .xls thực sự",
            id="a-word-file-named-xls",
        ),
        pytest.param(
            "bien-ban.docx",
            refused_bomb,
            "word/document.xml của tệp khi giải nén có dung lượng 1,0 GB",
            id="a-docx-zip-bomb",
        ),
    ],
)
def test_a_file_that_only_starts_like_evidence_is_refused_by_name(client, tuan, settings, name, make, says):
    response = post(client, tuan, (name, make()))
    html = response.content.decode()
    assert response.status_code == 400
    assert f"Tệp {name} không được chấp nhận: " in html and says in html.replace("\xa0", " "), html
    assert problems(html) == []
    nothing_kept(settings)


def test_a_docx_zip_bomb_is_refused_in_well_under_a_second_with_memory_flat(client, tuan, settings):
    bomb = refused_bomb()
    client.force_login(tuan)
    client.get("/compliance/lines/P17-STP/2021Q1/")  # the page's templates are compiled before the clock starts
    response, elapsed = bombs.seconds(lambda: post(client, tuan, ("bien-ban.docx", bomb)))
    assert response.status_code == 400 and elapsed < 0.5, f"{elapsed:.2f} s"
    response, peak = bombs.peak_memory(lambda: post(client, tuan, ("bien-ban.docx", bomb)))
    assert response.status_code == 400 and peak < 24 * bombs.MiB, f"{peak / bombs.MiB:.0f} MiB"
    nothing_kept(settings)


def test_every_refused_file_is_named_and_nothing_is_kept(client, tuan, settings):
    response = post(client, tuan, ("bien-ban.pdf", PDF), ("gia.pdf", b"%PDF-<html>"), ("gia.docx", office.xlsx()))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Tệp gia.pdf không được chấp nhận" in html and "Tệp gia.docx không được chấp nhận" in html
    assert "bien-ban.pdf không được chấp nhận" not in html
    nothing_kept(settings)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("bien-ban.pdf", lambda: PDF),
        ("anh.png", lambda: PNG),
        ("anh.jpg", lambda: JPEG),
        ("anh.jpeg", lambda: JPEG),
        ("bien-ban.docx", office.docx),
        ("so-lieu.xlsx", office.xlsx),
        ("trinh-bay.pptx", office.pptx),
        ("bien-ban.odt", lambda: office.odf("odt")),
        ("so-lieu.ods", lambda: office.odf("ods")),
        ("trinh-bay.odp", lambda: office.odf("odp")),
        ("bien-ban.doc", lambda: office.ole("WordDocument")),
        ("so-lieu.xls", lambda: office.ole("Workbook")),
        ("so-lieu-cu.xls", lambda: office.ole("Book")),
        ("trinh-bay.ppt", lambda: office.ole("PowerPoint Document")),
    ],
)
def test_real_evidence_of_every_kind_goes_with_the_appeal(client, tuan, name, make):
    content = make()
    response = post(client, tuan, (name, content))
    assert response.status_code == 302, response.content.decode()[:3000]
    attached = AppealAttachment.objects.get()
    assert (attached.name, attached.file.read()) == (name, content)


def test_the_service_itself_refuses_what_the_page_would(kstt_report, dept_justice, tuan, settings):
    """Whoever calls file_appeal, not only the page, gets the same check."""
    with pytest.raises(AppealError) as refused:
        file_appeal(unit=dept_justice, report_type=kstt_report, period=Period.parse("2021Q1"), reason="Có.",
                    attachments=[AttachmentFile("gia.pdf", b"%PDF-<html>")], at=FILED, actor=tuan)  # fmt: skip
    assert refused.value.code == "content" and refused.value.params["name"] == "gia.pdf"
    nothing_kept(settings)


def test_a_file_one_byte_over_the_limit_is_refused_on_the_page_at_the_limit_it_goes(client, tuan, monkeypatch):
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", len(PDF) - 1)
    response = post(client, tuan, ("bien-ban.pdf", PDF))
    assert response.status_code == 400 and "bien-ban.pdf" in response.content.decode()
    monkeypatch.setattr(services, "MAX_ATTACHMENT_BYTES", len(PDF))
    assert post(client, tuan, ("bien-ban.pdf", PDF)).status_code == 302
    assert AppealAttachment.objects.get().file.read() == PDF


def test_six_files_are_refused_before_any_is_read(client, tuan, settings):
    response = post(client, tuan, *[(f"{n}.png", PNG) for n in range(6)])
    assert response.status_code == 400 and "Mỗi kiến nghị kèm tối đa 5 tệp." in response.content.decode()
    nothing_kept(settings)


@pytest.mark.parametrize(
    ("size", "refused"),
    [pytest.param((40, 30), False, id="at-the-pixel-limit"), pytest.param((1201, 1), True, id="one-pixel-over")],
)
def test_the_pixel_limit_is_read_from_the_header(monkeypatch, size, refused):
    monkeypatch.setattr(attachments, "MAX_IMAGE_PIXELS", 40 * 30)
    problem = attachments.content_problem(name="anh.png", content=image("PNG", size), max_bytes=10**6)
    assert (problem is not None) is refused


@pytest.mark.parametrize(("name", "content"), [("anh.png", JPEG), ("anh.jpg", PNG)])
def test_an_image_must_be_of_the_format_its_name_says(name, content):
    assert attachments.content_problem(name=name, content=content, max_bytes=10**6) is not None
