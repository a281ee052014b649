"""Which lines a unit may appeal, and which files may go with an appeal (rules.md §6), without a database."""

from decimal import Decimal

import pytest

from kstt.compliance.rules import (
    SNIFF_BYTES,
    AppealRefusal,
    AttachmentProblem,
    appeal_refusal,
    attachment_problem,
)

Q = Decimal("0.25")
H = Decimal("0.50")
ZERO = Decimal("0.00")


@pytest.mark.parametrize(
    ("in_ledger", "deduction", "latest", "refusal"),
    [
        pytest.param(True, Q, None, None, id="final-line-with-a-deduction-never-appealed"),
        pytest.param(True, H, None, None, id="not-sent-line"),
        pytest.param(True, Q, "upheld", AppealRefusal.UPHELD, id="one-appeal-per-line-not-again-after-upheld"),
        pytest.param(False, Q, None, AppealRefusal.NOT_IN_LEDGER, id="closing-time-ahead-or-not-scored"),
        pytest.param(True, ZERO, None, AppealRefusal.NO_DEDUCTION, id="nothing-deducted"),
        pytest.param(True, Q, "overturned", AppealRefusal.OVERTURNED, id="already-overturned"),
        pytest.param(True, Q, "pending", AppealRefusal.PENDING, id="an-appeal-waits"),
        pytest.param(False, ZERO, "pending", AppealRefusal.NOT_IN_LEDGER, id="not-in-ledger-comes-first"),
    ],
)
def test_which_lines_may_be_appealed(in_ledger, deduction, latest, refusal):
    assert appeal_refusal(in_ledger=in_ledger, deduction=deduction, latest=latest) == refusal


LIMIT = 1000
PDF, PNG, JPEG = b"%PDF-1.7", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00\x10JF"
ZIP, OLE = b"PK\x03\x04\x14\x00\x06\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("name", "size", "head", "problem"),
    [
        pytest.param("bien-ban.pdf", 500, PDF, None, id="pdf"),
        pytest.param("BIEN-BAN.PDF", 500, PDF, None, id="extension-in-capitals"),
        pytest.param("anh.png", 500, PNG, None, id="png"),
        pytest.param("anh.jpg", 500, JPEG, None, id="jpeg"),
        pytest.param("anh.jpeg", 500, JPEG, None, id="jpeg-long-extension"),
        pytest.param("cong-van.docx", 500, ZIP, None, id="word"),
        pytest.param("so-lieu.xlsx", 500, ZIP, None, id="excel"),
        pytest.param("so-lieu.ods", 500, ZIP, None, id="opendocument"),
        pytest.param("cong-van.doc", 500, OLE, None, id="old-word"),
        pytest.param("exactly-the-limit.pdf", LIMIT, PDF, None, id="at-the-size-limit"),
        pytest.param("one-byte-more.pdf", LIMIT + 1, PDF, AttachmentProblem.TOO_LARGE, id="over-the-size-limit"),
        pytest.param("empty.pdf", 0, b"", AttachmentProblem.EMPTY, id="empty"),
        pytest.param("virus.exe", 500, b"MZ\x90\x00", AttachmentProblem.KIND, id="a-program"),
        pytest.param("trojan.pdf", 500, b"MZ\x90\x00", AttachmentProblem.KIND, id="a-program-named-pdf"),
        pytest.param("anh.png", 500, PDF, AttachmentProblem.KIND, id="a-pdf-named-png"),
        pytest.param("no-extension", 500, PDF, AttachmentProblem.KIND, id="no-extension"),
        pytest.param("script.html", 500, b"<html>", AttachmentProblem.KIND, id="html"),
        pytest.param("archive.zip", 500, ZIP, AttachmentProblem.KIND, id="a-zip-archive-is-not-an-office-document"),
    ],
)
def test_which_files_may_go_with_an_appeal(name, size, head, problem):
    assert attachment_problem(name=name, size=size, head=head[:SNIFF_BYTES], max_bytes=LIMIT) == problem
