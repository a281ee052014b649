"""The signed narrative document: Lan of commune Yên Nghiệp uploads the PDF her chairman signed.

Every PDF, certificate and signature here is made in the test with pyHanko and a throw-away key, offline.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from kstt.reports.documents import (
    DocumentCheck,
    DocumentError,
    DocumentProblem,
    Flag,
    TimeSource,
    Trust,
    call_outside_event_loop,
    check_document,
    check_uploaded_document,
    load_trust_roots,
)

MB = 1024 * 1024
SIGNED_AT = datetime(2021, 12, 14, 2, 30, tzinfo=UTC)  # 09:30 in Hòa Bình, the day before the Q4 deadline
PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (Bao cao cong tac kiem soat TTHC quy IV) Tj ET"


class Identity:
    """A throw-away key and its certificate (self-signed, or issued by ``issuer``), in pyca and asn1crypto shapes."""

    def __init__(
        self,
        common_name: str,
        organisation: str,
        *,
        extended_usage: x509.ObjectIdentifier | None = None,
        rsa_key: bool = False,
        issuer: Identity | None = None,
        valid_until: datetime = datetime(2040, 1, 1, tzinfo=UTC),
    ):
        self.key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if rsa_key
            else ec.generate_private_key(ec.SECP256R1())
        )
        name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer.certificate.subject if issuer else name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
            .not_valid_after(valid_until)
            .add_extension(x509.BasicConstraints(ca=issuer is None, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=issuer is None,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if extended_usage is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage([extended_usage]), critical=True)
        self.certificate: x509.Certificate = builder.sign(issuer.key if issuer else self.key, hashes.SHA256())
        self.pem = self.certificate.public_bytes(serialization.Encoding.PEM)
        self.der = self.certificate.public_bytes(serialization.Encoding.DER)
        self.asn1_certificate = asn1_x509.Certificate.load(self.der)
        self.asn1_key = asn1_keys.PrivateKeyInfo.load(
            self.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )

    def signer(self) -> signers.SimpleSigner:
        return signers.SimpleSigner(
            signing_cert=self.asn1_certificate, signing_key=self.asn1_key, cert_registry=SimpleCertificateStore()
        )


@pytest.fixture(scope="module")
def test_ca() -> Identity:
    return Identity("CA thử nghiệm KSTT", "Kiểm thử")


@pytest.fixture(scope="module")
def chairman(test_ca: Identity) -> Identity:
    """Certificate issued by the test CA, valid 2020-2029."""
    return Identity("Bùi Văn Hùng", "UBND xã Yên Nghiệp", issuer=test_ca, valid_until=datetime(2030, 1, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def vice_chairman() -> Identity:
    return Identity("Đinh Thị Mai", "UBND xã Yên Nghiệp")


@pytest.fixture(scope="module")
def tsa() -> Identity:
    # pyHanko's DummyTimeStamper signs with RSA only.
    return Identity(
        "KSTT test TSA", "Kiểm thử", extended_usage=x509.oid.ExtendedKeyUsageOID.TIME_STAMPING, rsa_key=True
    )


def make_pdf(*page_texts: bytes, encrypt: bool = False) -> bytes:
    writer = PdfFileWriter()
    for text in page_texts:
        content = writer.add_object(generic.StreamObject(stream_data=text))
        writer.insert_page(PageObject(contents=content, media_box=(0, 0, 595, 842)))
    if encrypt:
        writer.encrypt("owner-password", "user-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign(
    pdf: bytes, identity: Identity, *, field: str = "Signature1", timestamper: Any = None, reserved: int | None = None
) -> bytes:
    """``pdf`` signed by ``identity``; ``reserved``: the hex digits kept for the signature (pyHanko estimates
    them when None; a CA's signing tool keeps 16,384 or more)."""
    meta = signers.PdfSignatureMetadata(field_name=field)
    out = call_outside_event_loop(
        signers.sign_pdf,
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        meta,
        signer=identity.signer(),
        timestamper=timestamper,
        bytes_reserved=reserved,
    )
    return out.getvalue()


def replace_first_page_content(pdf: bytes, text: bytes) -> bytes:
    """An incremental update that points page 1 at new content: what a forger appends after signing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"].raw_get(0)
    page = page_ref.get_object()
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=text))
    writer.mark_update(page_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    return make_pdf(PAGE_TEXT, b"BT /F1 12 Tf 72 720 Td (Trang 2) Tj ET")


@pytest.fixture(scope="module")
def signed_pdf(report_pdf: bytes, chairman: Identity) -> bytes:
    return sign(report_pdf, chairman)


def check(data: bytes, **kwargs: Any) -> DocumentCheck:
    return check_document(data, max_bytes=20 * MB, **kwargs)


# --- signed documents -------------------------------------------------------------------------


def test_signed_pdf_names_the_signer_and_is_intact(signed_pdf: bytes) -> None:
    before = datetime.now(UTC) - timedelta(minutes=5)
    result = check(signed_pdf)

    assert result.signed
    assert result.page_count == 2
    assert result.size == len(signed_pdf)
    assert result.flags == ()
    (signature,) = result.signatures
    assert signature.field_name == "Signature1"
    assert signature.signer_common_name == "Bùi Văn Hùng"
    assert signature.signer_organisation == "UBND xã Yên Nghiệp"
    assert signature.issuer_common_name == "CA thử nghiệm KSTT"
    assert signature.intact
    assert not signature.changed_after_signing
    assert signature.coverage == "ENTIRE_FILE"
    assert signature.modification_level == "NONE"
    assert signature.signing_time_source is TimeSource.SIGNED_ATTRIBUTES
    assert signature.signing_time is not None and signature.signing_time.utcoffset() is not None
    assert before <= signature.signing_time <= datetime.now(UTC) + timedelta(minutes=5)


def test_signing_time_comes_from_the_embedded_timestamp(report_pdf: bytes, chairman: Identity, tsa: Identity) -> None:
    stamper = DummyTimeStamper(tsa_cert=tsa.asn1_certificate, tsa_key=tsa.asn1_key, fixed_dt=SIGNED_AT)
    (signature,) = check(sign(report_pdf, chairman, timestamper=stamper)).signatures

    assert signature.signing_time == SIGNED_AT
    assert signature.signing_time_source is TimeSource.TIMESTAMP
    assert signature.intact


def test_a_second_signature_does_not_change_the_first_signed_document(
    signed_pdf: bytes, vice_chairman: Identity
) -> None:
    twice = sign(signed_pdf, vice_chairman, field="Signature2")
    result = check(twice)

    assert [s.signer_common_name for s in result.signatures] == ["Bùi Văn Hùng", "Đinh Thị Mai"]
    first, second = result.signatures
    assert first.coverage == "ENTIRE_REVISION"  # the second signature was appended after it
    assert first.modification_level == "FORM_FILLING"
    assert not first.changed_after_signing
    assert second.coverage == "ENTIRE_FILE"
    assert result.flags == ()


# --- altered after signing --------------------------------------------------------------------


def test_page_content_replaced_after_signing_is_flagged_changed(signed_pdf: bytes) -> None:
    forged = replace_first_page_content(signed_pdf, b"BT /F1 12 Tf 72 720 Td (So lieu da sua) Tj ET")
    result = check(forged)

    (signature,) = result.signatures
    assert signature.intact  # the signed revision itself is untouched...
    assert signature.coverage == "ENTIRE_REVISION"
    assert signature.modification_level == "OTHER"  # ...but what was appended is not form filling
    assert signature.changed_after_signing
    assert result.flags == (Flag.CHANGED_AFTER_SIGNING,)


def test_a_byte_changed_inside_the_signed_range_breaks_the_signature(signed_pdf: bytes) -> None:
    at = signed_pdf.index(b"kiem soat")
    flipped = signed_pdf[:at] + b"kiem xoat" + signed_pdf[at + len(b"kiem soat") :]
    assert len(flipped) == len(signed_pdf)
    result = check(flipped)

    (signature,) = result.signatures
    assert not signature.intact
    assert Flag.NOT_INTACT in result.flags


def test_a_garbled_signature_is_reported_broken_not_refused(signed_pdf: bytes) -> None:
    blob = re.search(rb"/Contents <([0-9a-fA-F]+)>", signed_pdf)
    assert blob is not None
    garbled = signed_pdf[: blob.start(1)] + b"0" * len(blob.group(1)) + signed_pdf[blob.end(1) :]
    result = check(garbled)

    (signature,) = result.signatures
    assert not signature.intact
    assert signature.error.startswith("ValueError")
    assert signature.signer_common_name == ""
    assert Flag.NOT_INTACT in result.flags


# --- unsigned documents -----------------------------------------------------------------------


def test_unsigned_pdf_is_accepted_and_flagged_unsigned(report_pdf: bytes) -> None:
    result = check(report_pdf)

    assert not result.signed
    assert result.signatures == ()
    assert result.flags == (Flag.UNSIGNED,)
    assert result.page_count == 2


# --- trust, apart from integrity --------------------------------------------------------------


def test_without_configured_roots_trust_is_not_checked(signed_pdf: bytes) -> None:
    (signature,) = check(signed_pdf).signatures

    assert signature.trust is Trust.NOT_CHECKED
    assert signature.trust_problem == ""


def test_signature_chaining_to_a_configured_root_is_trusted(signed_pdf: bytes, test_ca: Identity) -> None:
    (signature,) = check(signed_pdf, trust_roots=[test_ca.pem], at=SIGNED_AT).signatures

    assert signature.trust is Trust.TRUSTED
    assert signature.intact


def test_intact_signature_outside_the_configured_roots_is_untrusted(signed_pdf: bytes, vice_chairman: Identity) -> None:
    result = check(signed_pdf, trust_roots=[vice_chairman.der], at=SIGNED_AT)

    (signature,) = result.signatures
    assert signature.intact
    assert signature.trust is Trust.UNTRUSTED
    assert signature.trust_problem != ""
    assert result.flags == (Flag.UNTRUSTED,)


def test_signature_judged_after_the_certificate_expired_is_untrusted(signed_pdf: bytes, test_ca: Identity) -> None:
    (signature,) = check(signed_pdf, trust_roots=[test_ca.pem], at=datetime(2031, 1, 1, tzinfo=UTC)).signatures

    assert signature.intact
    assert signature.trust is Trust.UNTRUSTED


def test_signatures_are_checked_inside_a_running_event_loop(signed_pdf: bytes) -> None:
    """pyHanko's synchronous API refuses a running loop (an async view, a browser test session)."""

    async def upload() -> DocumentCheck:
        return check(signed_pdf)

    # In a thread of its own: the browser tests keep a loop running in this one for the whole session.
    (signature,) = call_outside_event_loop(asyncio.run, upload()).signatures
    assert signature.intact
    assert signature.signer_common_name == "Bùi Văn Hùng"


def test_a_thread_validates_every_signature_on_the_one_event_loop_it_keeps(signed_pdf: bytes) -> None:
    """A new loop per signature was a tenth of a check's CPU (docs/it/load.md, the fourth round)."""
    from concurrent.futures import ThreadPoolExecutor

    from kstt.reports import documents

    def loop_of_two_checks() -> tuple[Any, Any]:
        first = check(signed_pdf).signatures[0]
        kept = documents._loops.loop
        second = check(signed_pdf).signatures[0]
        assert first.intact and second.intact and not kept.is_closed()
        return kept, documents._loops.loop

    with ThreadPoolExecutor(max_workers=1) as one, ThreadPoolExecutor(max_workers=1) as other:
        kept, after = one.submit(loop_of_two_checks).result()
        elsewhere, _ = other.submit(loop_of_two_checks).result()
    assert kept is after and elsewhere is not kept  # one loop per thread, kept between checks


# --- refused documents: a message, nothing else -----------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize(
    ("make", "problem", "vietnamese"),
    [
        pytest.param(lambda pdf: PNG, DocumentProblem.NOT_PDF, "Tệp không phải là tài liệu PDF.", id="png-renamed-pdf"),
        pytest.param(
            lambda pdf: b"Bao cao quy IV\n", DocumentProblem.NOT_PDF, "Tệp không phải là tài liệu PDF.", id="text-file"
        ),
        pytest.param(
            lambda pdf: b"  " + pdf, DocumentProblem.NOT_PDF, "Tệp không phải là tài liệu PDF.", id="header-not-first"
        ),
        pytest.param(lambda pdf: b"", DocumentProblem.EMPTY, "Tệp trống, không có nội dung.", id="empty"),
        pytest.param(
            lambda pdf: pdf[: len(pdf) // 2],
            DocumentProblem.DAMAGED,
            "Tài liệu PDF bị hỏng, không đọc được.",
            id="truncated",
        ),
        pytest.param(
            lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 4,
            DocumentProblem.DAMAGED,
            "Tài liệu PDF bị hỏng, không đọc được.",
            id="header-then-garbage",
        ),
        pytest.param(
            lambda pdf: make_pdf(PAGE_TEXT, encrypt=True),
            DocumentProblem.ENCRYPTED,
            "Tài liệu PDF được bảo vệ bằng mật khẩu hoặc mã hóa; vui lòng tải lên bản không đặt mật khẩu.",
            id="encrypted",
        ),
        pytest.param(
            lambda pdf: make_pdf(), DocumentProblem.NO_PAGES, "Tài liệu PDF không có trang nào.", id="no-pages"
        ),
    ],
)
def test_refused_document_gets_its_message(
    signed_pdf: bytes, make: Any, problem: DocumentProblem, vietnamese: str
) -> None:
    data = make(signed_pdf)
    with translation.override("vi"), pytest.raises(DocumentError) as refused:
        check(data)

    assert refused.value.problem is problem
    assert str(refused.value) == vietnamese


def test_oversized_file_is_refused_before_it_is_read(signed_pdf: bytes) -> None:
    with translation.override("vi"), pytest.raises(DocumentError) as refused:
        check_document(signed_pdf, max_bytes=len(signed_pdf) - 1)

    assert refused.value.problem is DocumentProblem.TOO_LARGE
    assert str(refused.value).startswith("Tệp có dung lượng ")
    assert "vượt quá giới hạn" in str(refused.value)


def test_file_exactly_at_the_limit_is_accepted(signed_pdf: bytes) -> None:
    assert check_document(signed_pdf, max_bytes=len(signed_pdf)).signed


def test_refusal_messages_are_english_in_english(signed_pdf: bytes) -> None:
    with translation.override("en"), pytest.raises(DocumentError) as refused:
        check(PNG)

    assert str(refused.value) == "The file is not a PDF document."


def test_no_damage_escapes_as_anything_but_a_document_error(signed_pdf: bytes) -> None:
    """Cut and corrupt the signed PDF at many places: every outcome is a check or a DocumentError."""
    step = max(1, len(signed_pdf) // 23)
    variants = [signed_pdf[:cut] for cut in range(6, len(signed_pdf), step)]
    for at in range(8, len(signed_pdf), step):
        variants.append(signed_pdf[:at] + bytes([signed_pdf[at] ^ 0x5A]) * 16 + signed_pdf[at + 16 :])
    variants.append(signed_pdf.replace(b"/ByteRange", b"/ByteRangX"))
    variants.append(signed_pdf.replace(b"/Contents <", b"/Contents <00"))
    variants.append(b"%PDF-1.7\n" + zlib.compress(signed_pdf))
    outcomes = set()
    for data in variants:
        try:
            outcomes.add(type(check(data)).__name__)
        except DocumentError as refused:
            outcomes.add(refused.problem.value)
    assert outcomes <= {"DocumentCheck", "damaged", "no_pages"}
    assert {"DocumentCheck", "damaged"} <= outcomes


# --- stored as JSON ---------------------------------------------------------------------------


def test_check_round_trips_through_json(
    report_pdf: bytes, chairman: Identity, test_ca: Identity, tsa: Identity
) -> None:
    stamper = DummyTimeStamper(tsa_cert=tsa.asn1_certificate, tsa_key=tsa.asn1_key, fixed_dt=SIGNED_AT)
    forged = replace_first_page_content(sign(report_pdf, chairman, timestamper=stamper), b"BT ET")
    result = check(forged, trust_roots=[test_ca.pem], at=SIGNED_AT)

    stored = json.loads(json.dumps(result.to_json()))

    assert DocumentCheck.from_json(stored) == result
    assert stored["signed"] is True
    assert stored["flags"] == ["changed_after_signing"]
    assert stored["signatures"][0]["signing_time"] == "2021-12-14T02:30:00+00:00"
    assert stored["signatures"][0]["trust"] == "trusted"


def test_unsigned_check_round_trips_through_json(report_pdf: bytes) -> None:
    result = check(report_pdf)

    assert DocumentCheck.from_json(json.loads(json.dumps(result.to_json()))) == result
    assert result.to_json()["flags"] == ["unsigned"]


def test_flags_and_trust_have_vietnamese_labels() -> None:
    with translation.override("vi"):
        assert str(Flag.UNSIGNED.label) == "Chưa ký số"
        assert str(Flag.CHANGED_AFTER_SIGNING.label) == "Bị sửa đổi sau khi ký"
        assert str(Trust.NOT_CHECKED.label) == "Chưa kiểm tra độ tin cậy"


# --- settings ---------------------------------------------------------------------------------


def test_the_default_limit_is_twenty_megabytes() -> None:
    from kstt import conf

    assert conf.env_int("KSTT_MAX_DOCUMENT_BYTES", 20 * MB, environ={}) == 20 * MB
    from django.conf import settings

    assert settings.KSTT_MAX_DOCUMENT_BYTES == 20 * MB


def test_uploaded_document_is_checked_with_the_settings(signed_pdf: bytes, test_ca: Identity, tmp_path: Any) -> None:
    root = tmp_path / "root.pem"
    root.write_bytes(test_ca.pem)
    with override_settings(
        KSTT_MAX_DOCUMENT_BYTES=len(signed_pdf), KSTT_DOCUMENT_TRUST_ROOTS=[str(root)], KSTT_CLOCK=SIGNED_AT
    ):
        assert check_uploaded_document(signed_pdf).signatures[0].trust is Trust.TRUSTED
    with override_settings(KSTT_MAX_DOCUMENT_BYTES=len(signed_pdf) - 1), pytest.raises(DocumentError):
        check_uploaded_document(signed_pdf)


def test_unreadable_or_bogus_trust_root_is_a_configuration_error(tmp_path: Any) -> None:
    bogus = tmp_path / "bogus.pem"
    bogus.write_bytes(b"not a certificate")
    with pytest.raises(ImproperlyConfigured, match="not a PEM or DER"):
        load_trust_roots([str(bogus)])
    with pytest.raises(ImproperlyConfigured, match="cannot read"):
        load_trust_roots([str(tmp_path / "missing.pem")])
