"""The signed narrative document of a report (rules.md §2, issue 8 point 2): is it a PDF, and who signed it.

``check_document`` is a plain function over the uploaded bytes; it writes nothing, so a refused document
changes nothing. What it decides:

- **PDF or not** from the content only: the ``%PDF-`` header and a structure pyHanko can parse, never the
  file name or the declared content type. Empty, oversized, damaged and encrypted files raise
  ``DocumentError`` with a message for the user; no pyHanko exception escapes.
- **Signatures**: for each one, the signer (common name and organisation of the certificate subject), the
  signing time (an embedded timestamp when there is one, else the signed attributes, else the signature
  dictionary), whether the signature is *intact* (the bytes it covers match it) and whether the document
  was *changed after signing* (the signature does not cover the whole file and what was appended is more
  than filling form fields or adding signatures, pyHanko's modification level).
- **Trust** apart from integrity: offices sign with certificates of Vietnamese CAs that our machines may not
  know, so a signature can be intact yet its chain unchecked. With no trust roots configured the answer is
  ``not_checked``; with roots it is ``trusted`` or ``untrusted``. Revocation is not fetched (offline).

An unsigned PDF is accepted: ``signed`` is False and ``flags`` says ``unsigned``, for the reviewer to see.
The result is JSON-serialisable (``to_json``/``from_json``) so a model can keep it beside the file.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation.generic_cms import extract_self_reported_ts
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from kstt import clock
from kstt.reports import pdf_hex

pdf_hex.install()  # pyHanko's hex strings (a signature's /Contents) read in one pass, not byte by byte
logger = logging.getLogger(__name__)
T = TypeVar("T")

#: The header every PDF starts with (ISO 32000-1 §7.5.2); sniffed, never taken from the file name.
PDF_MAGIC = b"%PDF-"


class DocumentProblem(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_PDF = "not_pdf"
    DAMAGED = "damaged"
    ENCRYPTED = "encrypted"
    NO_PAGES = "no_pages"


class DocumentError(ValueError):
    """A document refused as a whole: ``problem`` says why, ``str()`` is the message for the user."""

    def __init__(self, problem: DocumentProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


class Trust(models.TextChoices):
    TRUSTED = "trusted", _("Trusted")  # the chain validates against a configured root
    UNTRUSTED = "untrusted", _("Not trusted")  # roots are configured and the chain does not reach one
    NOT_CHECKED = "not_checked", _("Trust not checked")  # no roots configured: integrity only


class TimeSource(models.TextChoices):
    TIMESTAMP = "timestamp", _("Timestamp")  # an RFC 3161 timestamp embedded in the signature
    SIGNED_ATTRIBUTES = "signed_attributes", _("Signed by the signer")  # the signed signing-time attribute
    SIGNATURE_DICTIONARY = "signature_dictionary", _("Declared in the PDF")  # /M of the signature dictionary


class Flag(models.TextChoices):
    """What a reviewer should look at first; no flag means a signed, intact, unchanged document."""

    UNSIGNED = "unsigned", _("Not digitally signed")
    NOT_INTACT = "not_intact", _("Signature does not match the document")
    CHANGED_AFTER_SIGNING = "changed_after_signing", _("Changed after signing")
    UNTRUSTED = "untrusted", _("Signer's certificate not trusted")


#: Modification levels that leave a signed document as signed (pyHanko's ModificationLevel names):
#: nothing, long-term-validation data, and form filling (which includes adding further signatures).
UNCHANGED_LEVELS = frozenset({"NONE", "LTA_UPDATES", "FORM_FILLING"})


@dataclass(frozen=True)
class SignatureCheck:
    field_name: str
    signer_common_name: str
    signer_organisation: str
    issuer_common_name: str
    serial_number: str  # hexadecimal
    signing_time: datetime | None  # aware
    signing_time_source: TimeSource | None
    intact: bool  # the covered bytes match the signature and the signature itself verifies
    coverage: str  # pyHanko's SignatureCoverageLevel name: ENTIRE_FILE, ENTIRE_REVISION, ...
    modification_level: str | None  # pyHanko's ModificationLevel name; None when it could not be judged
    trust: Trust
    trust_problem: str = ""  # the AdES sub-indication when the chain did not validate
    error: str = ""  # the signature could not be read at all: why (for the log and the reviewer)

    @property
    def changed_after_signing(self) -> bool:
        """The file goes beyond what this signature covers, by more than form filling or signatures."""
        return self.modification_level not in UNCHANGED_LEVELS

    def to_json(self) -> dict[str, Any]:
        return {
            "field_name": self.field_name,
            "signer_common_name": self.signer_common_name,
            "signer_organisation": self.signer_organisation,
            "issuer_common_name": self.issuer_common_name,
            "serial_number": self.serial_number,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "signing_time_source": self.signing_time_source.value if self.signing_time_source else None,
            "intact": self.intact,
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "changed_after_signing": self.changed_after_signing,
            "trust": self.trust.value,
            "trust_problem": self.trust_problem,
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SignatureCheck:
        signing_time = data.get("signing_time")
        source = data.get("signing_time_source")
        return cls(
            field_name=data["field_name"],
            signer_common_name=data["signer_common_name"],
            signer_organisation=data["signer_organisation"],
            issuer_common_name=data["issuer_common_name"],
            serial_number=data["serial_number"],
            signing_time=datetime.fromisoformat(signing_time) if signing_time else None,
            signing_time_source=TimeSource(source) if source else None,
            intact=bool(data["intact"]),
            coverage=data["coverage"],
            modification_level=data.get("modification_level"),
            trust=Trust(data["trust"]),
            trust_problem=data.get("trust_problem", ""),
            error=data.get("error", ""),
        )


@dataclass(frozen=True)
class DocumentCheck:
    size: int  # bytes
    sha256: str
    page_count: int
    signatures: tuple[SignatureCheck, ...] = field(default=())

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def flags(self) -> tuple[Flag, ...]:
        if not self.signatures:
            return (Flag.UNSIGNED,)
        found = set()
        for signature in self.signatures:
            if not signature.intact:
                found.add(Flag.NOT_INTACT)
            if signature.changed_after_signing:
                found.add(Flag.CHANGED_AFTER_SIGNING)
            if signature.trust is Trust.UNTRUSTED:
                found.add(Flag.UNTRUSTED)
        return tuple(flag for flag in Flag if flag in found)

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "sha256": self.sha256,
            "page_count": self.page_count,
            "signed": self.signed,
            "flags": [flag.value for flag in self.flags],
            "signatures": [signature.to_json() for signature in self.signatures],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DocumentCheck:
        """The inverse of ``to_json``; ``signed`` and ``flags`` are derived again, never read back."""
        return cls(
            size=int(data["size"]),
            sha256=data["sha256"],
            page_count=int(data["page_count"]),
            signatures=tuple(SignatureCheck.from_json(item) for item in data.get("signatures", ())),
        )


def check_document(
    data: bytes,
    *,
    max_bytes: int,
    trust_roots: Sequence[bytes] = (),
    at: datetime | None = None,
) -> DocumentCheck:
    """Check an uploaded narrative document; raise ``DocumentError`` when it cannot be accepted.

    ``trust_roots`` are DER or PEM certificates; none means the chain is not checked. ``at`` is the
    instant the chain is judged at (certificate validity), used only with roots; default ``clock.now()``.
    """
    reader, page_count = open_pdf(data, max_bytes=max_bytes)
    signatures = _signatures(reader, trust_roots=trust_roots, at=at)
    return DocumentCheck(
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), page_count=page_count, signatures=signatures
    )


def open_pdf(data: bytes, *, max_bytes: int) -> tuple[Any, int]:
    """The structural check of an uploaded PDF, the narrative document's and an appeal file's alike: not
    empty, at most ``max_bytes``, the ``%PDF-`` header, a structure pyHanko parses, not encrypted, at least
    one page. pyHanko's reader and the page count, or ``DocumentError``."""
    size = len(data)
    if size == 0:
        raise DocumentError(DocumentProblem.EMPTY, gettext("The file is empty."))
    if size > max_bytes:
        raise DocumentError(
            DocumentProblem.TOO_LARGE,
            gettext("The file is %(size)s, larger than the limit of %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)},
        )
    if not data.startswith(PDF_MAGIC):
        raise DocumentError(DocumentProblem.NOT_PDF, gettext("The file is not a PDF document."))
    reader = _open(data)
    return reader, _page_count(reader)


def check_uploaded_document(data: bytes) -> DocumentCheck:
    """``check_document`` with the limits and trust roots of the settings, at the clock's instant."""
    return check_document(
        data,
        max_bytes=settings.KSTT_MAX_DOCUMENT_BYTES,
        trust_roots=load_trust_roots(settings.KSTT_DOCUMENT_TRUST_ROOTS),
        at=clock.now(),
    )


def load_trust_roots(paths: Iterable[str]) -> list[bytes]:
    """The bytes of each configured root certificate file (PEM or DER); a bad file is a configuration error."""
    roots = []
    for path in paths:
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
        except OSError as exc:
            raise ImproperlyConfigured(f"KSTT_DOCUMENT_TRUST_ROOTS: cannot read {path}: {exc.strerror}") from None
        _root_certificate(raw, origin=path)
        roots.append(raw)
    return roots


def _root_certificate(raw: bytes, *, origin: str) -> asn1_x509.Certificate:
    try:
        der = pem.unarmor(raw)[2] if pem.detect(raw) else raw
        certificate = asn1_x509.Certificate.load(der)
        certificate.subject.human_friendly  # noqa: B018 -- asn1crypto parses lazily: force it here
    except Exception:  # asn1crypto raises ValueError, TypeError... on garbage
        raise ImproperlyConfigured(
            f"KSTT_DOCUMENT_TRUST_ROOTS: {origin} is not a PEM or DER X.509 certificate"
        ) from None
    return certificate


def _damaged(cause: BaseException) -> DocumentError:
    logger.info("uploaded PDF refused as damaged: %r", cause)
    return DocumentError(DocumentProblem.DAMAGED, gettext("The PDF document is damaged and cannot be read."))


def _open(data: bytes) -> Any:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
    except Exception as exc:  # any parse failure of an untrusted file is "damaged", never a 500
        raise _damaged(exc) from None
    if encrypted:
        raise DocumentError(
            DocumentProblem.ENCRYPTED,
            gettext("The PDF document is protected by a password or encryption; upload a copy without protection."),
        )
    return reader


def _page_count(reader: Any) -> int:
    try:
        count = reader.root["/Pages"]["/Count"]
    except Exception as exc:  # a missing or broken page tree
        raise _damaged(exc) from None
    if not isinstance(count, int) or count < 1:
        raise DocumentError(DocumentProblem.NO_PAGES, gettext("The PDF document has no pages."))
    return int(count)


def _signatures(reader: Any, *, trust_roots: Sequence[bytes], at: datetime | None) -> tuple[SignatureCheck, ...]:
    """Every filled signature field, in signing order; one that cannot even be read is reported broken.

    Each field is opened on its own (pyHanko's ``embedded_regular_signatures`` gives up on the first
    unreadable one), so a garbled signature shows as not intact instead of refusing the document."""
    try:
        fields = [
            (str(name), value.get_object(), sig_field)
            for name, value, sig_field in enumerate_sig_fields(reader, filled_status=True)
        ]
    except Exception as exc:  # a broken form tree: the document cannot be judged
        raise _damaged(exc) from None
    context_args = _context_args(trust_roots, at=at) if fields else {}
    checks_trust = bool(trust_roots)
    readable: list[tuple[int, SignatureCheck]] = []
    broken: list[SignatureCheck] = []
    for name, sig_object, sig_field in fields:
        try:
            if sig_object.get("/Type", "/Sig") != "/Sig":
                continue  # a document timestamp (/DocTimeStamp), not a signature
            embedded = EmbeddedPdfSignature(reader, sig_field, name)
            revision = embedded.signed_revision
        except Exception as exc:  # the signature's CMS blob or byte range is unreadable
            broken.append(_broken_signature(name, exc, checks_trust=checks_trust))
            continue
        readable.append((revision, _check_signature(embedded, context_args=context_args, checks_trust=checks_trust)))
    readable.sort(key=lambda item: item[0])
    return tuple(check for _, check in readable) + tuple(broken)


def _context_args(trust_roots: Sequence[bytes], *, at: datetime | None) -> dict[str, Any]:
    """Arguments of pyHanko's ValidationContext: explicit roots (never the OS list), nothing fetched."""
    if not trust_roots:
        return {"trust_roots": [], "allow_fetching": False}
    roots = [_root_certificate(raw, origin=f"trust root {n}") for n, raw in enumerate(trust_roots, 1)]
    return {"trust_roots": roots, "allow_fetching": False, "moment": at or clock.now()}


def _check_signature(embedded: Any, *, context_args: dict[str, Any], checks_trust: bool) -> SignatureCheck:
    field_name = str(embedded.field_name or "")
    try:
        status = _validated(embedded, ValidationContext(**context_args))
        cert = status.signing_cert
        signing_time, source = _signing_time(embedded, status)
        if checks_trust:
            trust = Trust.TRUSTED if status.trusted else Trust.UNTRUSTED
            problem = None if status.trusted else status.trust_problem_indic
            trust_problem = str(getattr(problem, "name", problem or ""))
        else:
            trust, trust_problem = Trust.NOT_CHECKED, ""
        level = status.modification_level
        return SignatureCheck(
            field_name=field_name,
            signer_common_name=_name_part(cert.subject, "common_name"),
            signer_organisation=_name_part(cert.subject, "organization_name"),
            issuer_common_name=_name_part(cert.issuer, "common_name"),
            serial_number=format(cert.serial_number, "x"),
            signing_time=signing_time,
            signing_time_source=source,
            intact=bool(status.intact and status.valid),
            coverage=status.coverage.name if status.coverage is not None else "UNCLEAR",
            modification_level=level.name if level is not None else None,
            trust=trust,
            trust_problem=trust_problem,
        )
    except Exception as exc:  # a signature pyHanko cannot validate is reported broken, never a 500
        return _broken_signature(field_name, exc, checks_trust=checks_trust)


def _broken_signature(field_name: str, exc: Exception, *, checks_trust: bool) -> SignatureCheck:
    logger.info("signature %r of a narrative document could not be validated: %r", field_name, exc)
    return SignatureCheck(
        field_name=field_name,
        signer_common_name="",
        signer_organisation="",
        issuer_common_name="",
        serial_number="",
        signing_time=None,
        signing_time_source=None,
        intact=False,
        coverage="UNCLEAR",
        modification_level=None,
        trust=Trust.UNTRUSTED if checks_trust else Trust.NOT_CHECKED,
        error=f"{type(exc).__name__}: {exc}"[:500],
    )


#: This thread's event loop for pyHanko's validation, made on first use and kept (``_validated``).
_loops = threading.local()


def _validated(embedded: Any, context: ValidationContext) -> Any:
    """pyHanko's ``validate_pdf_signature`` (what its synchronous wrapper does: the validation, then the
    context's network sessions released; none is opened here, nothing is fetched), run on an event loop this
    thread keeps instead of a new one each time (``asyncio.run``). A new loop cost 0.45 ms of the 4.9 ms of CPU
    a form's signed PDF took to check (7 December 2026, 300 checks each way, three times; docs/it/load.md,
    the fourth round). Inside a running event loop (an async view, a Playwright session in the tests): in a
    thread of its own, on a new loop, as ``call_outside_event_loop``."""

    async def validate() -> Any:
        try:
            return await async_validate_pdf_signature(embedded, signer_validation_context=context)
        finally:
            await context.aclose()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        loop = getattr(_loops, "loop", None)
        if loop is None or loop.is_closed():
            loop = _loops.loop = asyncio.new_event_loop()
        return loop.run_until_complete(validate())
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, validate()).result()


def call_outside_event_loop(function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Call one of pyHanko's synchronous functions, which run ``asyncio.run()`` and so are refused inside a
    running event loop (an async view, a Playwright session in the tests): there, in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args, **kwargs).result()


def _signing_time(embedded: Any, status: Any) -> tuple[datetime | None, TimeSource | None]:
    """An intact embedded timestamp when there is one, else the signed signing-time attribute, else /M.

    The timestamp authority's trust is not required: the time is shown, the trust is the signer's."""
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is not None and timestamp.intact and timestamp.valid and timestamp.timestamp is not None:
        return timestamp.timestamp, TimeSource.TIMESTAMP
    signed = extract_self_reported_ts(embedded.signer_info)
    if signed is not None:
        return signed, TimeSource.SIGNED_ATTRIBUTES
    declared = embedded.self_reported_timestamp
    if declared is not None and declared.utcoffset() is not None:  # a /M without its offset says no instant
        return declared, TimeSource.SIGNATURE_DICTIONARY
    return None, None


def _name_part(name: Any, key: str) -> str:
    value = name.native.get(key, "")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)
