"""PAdES signing with a PKCS#12 key from a throw-away CA, checked with pyHanko's validator and pdfium."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext

from elearn.certificates.document import CertificateDocument
from elearn.certificates.pdf import render_certificate
from elearn.certificates.signing import Signer, SigningError, load_signer, outside_event_loop, sign_pdf

from .conftest import PASSPHRASE, SIGNER_CN, Pki, make_root

MakeDocument = Callable[..., CertificateDocument]


def validate(pdf: bytes, trusted: x509.Certificate) -> PdfSignatureStatus:
    """pyHanko's verdict on the only signature of ``pdf``, trusting ``trusted`` as the root."""
    reader = PdfFileReader(io.BytesIO(pdf))
    assert len(reader.embedded_signatures) == 1
    root = asn1_x509.Certificate.load(trusted.public_bytes(Encoding.DER))
    context = ValidationContext(trust_roots=[root])
    return outside_event_loop(lambda: validate_pdf_signature(reader.embedded_signatures[0], context))


@pytest.fixture(scope="module")
def signer(pki: Pki) -> Signer:
    """The signer loaded from a PKCS#12 file with a passphrase."""
    return load_signer(str(pki.issue_p12()), PASSPHRASE)


def test_a_signed_certificate_is_intact_valid_trusted_and_names_the_signer(
    pki: Pki, signer: Signer, make_document: MakeDocument
) -> None:
    signed = sign_pdf(render_certificate(make_document()), signer, location="Sorong")
    status = validate(signed, pki.ca_cert)
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.bottom_line
    assert status.md_algorithm == "sha256"
    assert status.signing_cert.subject.native["common_name"] == SIGNER_CN
    assert signer.common_name == SIGNER_CN
    signature = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0].sig_object
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES, not the older PKCS#7 kind
    assert signature["/Reason"] == "Sertifikat elearn"
    assert signature["/Location"] == "Sorong"


@pytest.mark.parametrize(
    "make_key",
    [lambda: ec.generate_private_key(ec.SECP256R1()), ed25519.Ed25519PrivateKey.generate],
    ids=["ecdsa-p256", "ed25519"],
)
def test_keys_other_than_rsa_sign_valid_certificates_too(
    pki: Pki, make_document: MakeDocument, make_key: Callable[[], CertificateIssuerPrivateKeyTypes]
) -> None:
    signer = load_signer(str(pki.issue_p12("other-key.p12", key=make_key())), PASSPHRASE)
    status = validate(sign_pdf(render_certificate(make_document()), signer), pki.ca_cert)
    assert status.bottom_line


def test_a_pdf_reader_sees_the_signature_and_the_page(signer: Signer, make_document: MakeDocument) -> None:
    signed = sign_pdf(render_certificate(make_document()), signer)
    document = pdfium.PdfDocument(signed)
    assert pdfium_c.FPDF_GetSignatureCount(document.raw) == 1
    assert "Agus Siregar" in document[0].get_textpage().get_text_range()


def test_a_signature_from_an_untrusted_root_is_intact_but_not_trusted(
    signer: Signer, make_document: MakeDocument
) -> None:
    signed = sign_pdf(render_certificate(make_document()), signer)
    _key, stranger = make_root("Some Other Root CA")
    status = validate(signed, stranger)
    assert status.intact
    assert not status.trusted
    assert not status.bottom_line


def test_one_changed_byte_breaks_the_signature(pki: Pki, signer: Signer, make_document: MakeDocument) -> None:
    signed = sign_pdf(render_certificate(make_document()), signer)
    assert signed.count(b"LD-101/2026/000123") == 1  # the title in the document information
    tampered = signed.replace(b"LD-101/2026/000123", b"LD-101/2026/000124")
    status = validate(tampered, pki.ca_cert)
    assert not status.intact
    assert not status.bottom_line


@pytest.mark.parametrize("passphrase", [b"salah", None])
def test_a_wrong_or_missing_passphrase_is_refused_clearly(pki: Pki, passphrase: bytes | None) -> None:
    path = pki.issue_p12("passphrase.p12")
    with pytest.raises(SigningError, match="the passphrase is wrong or missing"):
        load_signer(str(path), passphrase)


def test_a_file_without_a_passphrase_loads_without_one(pki: Pki) -> None:
    path = pki.issue_p12("open.p12", passphrase=None)
    assert load_signer(str(path), None).common_name == SIGNER_CN


def test_a_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match=r"Cannot read the signing certificate file .*missing\.p12: No such file"):
        load_signer(str(tmp_path / "missing.p12"), PASSPHRASE)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        b"%PDF-1.4 not a key",
        b"\x30\x03\x02\x01\x05",  # DER, but a bare INTEGER
    ],
)
def test_a_file_that_is_not_pkcs12_is_refused_clearly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "wrong.p12"
    path.write_bytes(content)
    with pytest.raises(SigningError, match=r"is not a PKCS#12 file"):
        load_signer(str(path), PASSPHRASE)


def test_a_pkcs12_file_without_a_key_is_refused(pki: Pki, tmp_path: Path) -> None:
    path = tmp_path / "no-key.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"ca", None, pki.ca_cert, None, BestAvailableEncryption(PASSPHRASE))
    )
    with pytest.raises(SigningError, match="holds no private key with its certificate"):
        load_signer(str(path), PASSPHRASE)


def test_an_expired_certificate_is_refused(pki: Pki) -> None:
    now = dt.datetime.now(dt.UTC)
    path = pki.issue_p12("expired.p12", valid_from=now - dt.timedelta(days=40), valid_until=now - dt.timedelta(days=1))
    with pytest.raises(SigningError, match="expired on"):
        load_signer(str(path), PASSPHRASE)


def test_signing_bytes_that_are_not_a_pdf_is_refused(signer: Signer) -> None:
    with pytest.raises(SigningError, match="Cannot sign the PDF"):
        sign_pdf(b"not a pdf at all", signer)
