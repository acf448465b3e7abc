"""Sign a certificate PDF with the issuing agency's key: a PAdES baseline (B-B) signature by pyHanko.

The key and its certificate come from a PKCS#12 file (``.p12``/``.pfx``), the form in which
an Indonesian PSrE (e.g. BSrE) hands out a signing certificate. :func:`load_signer` reads it
once; callers keep the returned :class:`Signer` for the life of the process. The signature is
invisible (no stamp on the page): a PDF reader shows who signed and that the file is intact.

No timestamp authority is used (none is reachable from here), so the signing time is the one
the server claims. pyHanko can add an RFC 3161 timestamp (PAdES B-T) by passing a
``HTTPTimeStamper`` to ``signers.sign_pdf``, once the agency has a TSA to use.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from asn1crypto import parser as asn1_parser
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko_certvalidator.util import get_pyca_cryptography_hash
from reportlab.pdfgen.canvas import Canvas

__all__ = ["Signer", "SigningError", "load_signer", "sign_pdf"]


class SigningError(Exception):
    """The signing key could not be loaded or a PDF could not be signed; the message says why."""


@dataclass(frozen=True)
class Signer:
    """A loaded signing key with its certificate; build one with :func:`load_signer` and reuse it."""

    simple_signer: signers.SimpleSigner
    common_name: str
    not_valid_after: datetime.datetime
    bytes_reserved: int | None = None  # room for the signature container, measured once at load


def load_signer(p12_path: str, passphrase: bytes | None) -> Signer:
    """Load the key and certificate chain of a PKCS#12 file; raise SigningError saying what is wrong."""
    try:
        data = Path(p12_path).read_bytes()
    except OSError as error:
        raise SigningError(f"Cannot read the signing certificate file {p12_path}: {error.strerror}") from error
    if not _is_pkcs12(data):
        raise SigningError(f"{p12_path} is not a PKCS#12 file (.p12/.pfx with a key and its certificate)")
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise SigningError(f"Cannot open {p12_path}: the passphrase is wrong or missing") from error
    if key is None or certificate is None:
        raise SigningError(f"{p12_path} holds no private key with its certificate")
    _check_validity(p12_path, certificate)
    try:
        loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase)
        signer = Signer(_KeptKeySigner(loaded, key), _common_name(certificate), certificate.not_valid_after_utc)
        # One trial signature proves the key works and measures the room a signature takes, which
        # spares pyHanko a dummy signature (as costly as a real one) before every real one.
        trial = PdfFileReader(io.BytesIO(sign_pdf(_blank_pdf(), signer))).embedded_signatures[0]
    except (ValueError, TypeError, SigningError) as error:
        raise SigningError(f"Cannot sign with the key in {p12_path}: {error}") from error
    # The container is written as hex into space reserved ahead; pyHanko's own estimate adds half again.
    _class, _method, _tag, header, contents, _trailer = asn1_parser.parse(trial.pkcs7_content)
    size = len(header) + len(contents)
    return dataclasses.replace(signer, bytes_reserved=2 * size + 2 * (size // 2))


T = TypeVar("T")


def outside_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` where ``asyncio.run`` is allowed: pyHanko's synchronous API starts an event
    loop, which fails in a thread that already runs one (an async server, Playwright in tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_pdf(pdf: bytes, signer: Signer, *, reason: str = "Sertifikat elearn", location: str | None = None) -> bytes:
    """Return ``pdf`` with an invisible PAdES baseline signature by ``signer`` appended."""
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature",
        # No md_algorithm: pyHanko picks SHA-256, or what the key demands (SHA-512 for Ed25519).
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        reserved = signer.bytes_reserved
        signed = outside_event_loop(
            lambda: signers.sign_pdf(writer, metadata, signer=signer.simple_signer, bytes_reserved=reserved)
        )
    except (PdfError, PyHankoSigningError) as error:
        raise SigningError(f"Cannot sign the PDF: {error}") from error
    return bytes(signed.getvalue())


class _KeptKeySigner(signers.SimpleSigner):  # type: ignore[misc,unused-ignore]  # pyHanko ships no types
    """pyHanko's SimpleSigner, but with the private key parsed once.

    SimpleSigner parses its key again for every signature, and OpenSSL checks an RSA key on
    each parse: about 50 ms, most of the cost of a signature. RSA PKCS#1 v1.5 and ECDSA (what
    PSrE certificates use) sign with the kept key; anything else takes pyHanko's own path.
    """

    def __init__(self, loaded: signers.SimpleSigner, key: PrivateKeyTypes) -> None:
        super().__init__(
            signing_cert=loaded.signing_cert,
            signing_key=loaded.signing_key,
            cert_registry=loaded.cert_registry,
            signature_mechanism=loaded.signature_mechanism,
        )
        self._key = key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        """Sign ``data`` with the kept key."""
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        digest = get_pyca_cryptography_hash(digest_algorithm)
        if mechanism == "rsassa_pkcs1v15" and isinstance(self._key, RSAPrivateKey):
            return self._key.sign(data, PKCS1v15(), digest)
        if mechanism == "ecdsa" and isinstance(self._key, EllipticCurvePrivateKey):
            return self._key.sign(data, ECDSA(digest))
        return bytes(super().sign_raw(data, digest_algorithm))


def _blank_pdf() -> bytes:
    """A one-page empty PDF to try a signer on."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _is_pkcs12(data: bytes) -> bool:
    """Whether ``data`` parses as a PKCS#12 structure (before any passphrase is tried)."""
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return bool(pfx["version"].native == "v3" and pfx["auth_safe"]["content_type"].native == "data")
    except (ValueError, TypeError, KeyError):
        return False


def _check_validity(p12_path: str, certificate: x509.Certificate) -> None:
    """Refuse a certificate that is expired or not yet valid: its signatures would never validate."""
    now = datetime.datetime.now(datetime.UTC)
    if now > certificate.not_valid_after_utc:
        raise SigningError(f"The certificate in {p12_path} expired on {certificate.not_valid_after_utc:%Y-%m-%d}")
    if now < certificate.not_valid_before_utc:
        raise SigningError(
            f"The certificate in {p12_path} is not valid before {certificate.not_valid_before_utc:%Y-%m-%d}"
        )


def _common_name(certificate: x509.Certificate) -> str:
    """The certificate subject's common name (its whole subject when it has none)."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        value = names[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return certificate.subject.rfc4514_string()
