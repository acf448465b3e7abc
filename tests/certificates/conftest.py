"""Fixtures for certificate tests: a sample document and a throw-away PKI made fresh for each run.

No key is ever committed: the CA and the signer's key are generated here and written only
into pytest's temporary directory.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    KeySerializationEncryption,
    NoEncryption,
    pkcs12,
)
from cryptography.x509.oid import NameOID

from elearn.certificates.document import CertificateDocument

SAMPLE = CertificateDocument(
    institution="Pemerintah Kota Sorong",
    name="Agus Siregar, S.Kom.",
    nip="198705232010011001",
    unit="Pemerintah Kota Sorong/Dinas Kesehatan",
    position="Pranata Komputer Ahli Pertama",
    course_title="Literasi Digital untuk ASN",
    course_code="LD-101",
    jp=24,
    completed_on=dt.date(2026, 11, 23),
    issued_on=dt.date(2026, 11, 24),
    number="LD-101/2026/000123",
    verify_url="https://elearn.sorongkota.go.id/verify/7KQ2M9XW4B",
    signatory_name="Dr. Yohanes Rumbiak, M.Si.",
    signatory_nip="197001011995031002",
    signatory_title="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    city="Sorong",
)

PASSPHRASE = b"rahasia-uji-sertifikat"
SIGNER_CN = "Badan Kepegawaian Kota Sorong (uji)"


@pytest.fixture
def make_document() -> Callable[..., CertificateDocument]:
    """Build a certificate document: the sample with the given fields changed."""

    def make(**changes: Any) -> CertificateDocument:
        return dataclasses.replace(SAMPLE, **changes)

    return make


@dataclass(frozen=True)
class Pki:
    """A throw-away CA, a signer key, and a way to write PKCS#12 files for certificates it issues."""

    ca_key: ec.EllipticCurvePrivateKey
    ca_cert: x509.Certificate
    signer_key: rsa.RSAPrivateKey
    directory: Path

    def issue_p12(
        self,
        name: str = "signer.p12",
        *,
        common_name: str = SIGNER_CN,
        passphrase: bytes | None = PASSPHRASE,
        valid_from: dt.datetime | None = None,
        valid_until: dt.datetime | None = None,
        key: CertificateIssuerPrivateKeyTypes | None = None,
    ) -> Path:
        """Issue a signing certificate (for the RSA signer key unless ``key`` is given); write it as PKCS#12."""
        now = dt.datetime.now(dt.UTC)
        key = key or self.signer_key
        certificate = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemerintah Kota Sorong"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(valid_from or now - dt.timedelta(days=1))
            .not_valid_after(valid_until or now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        encryption: KeySerializationEncryption = BestAvailableEncryption(passphrase) if passphrase else NoEncryption()
        chain = [self.ca_cert]
        data = pkcs12.serialize_key_and_certificates(b"signer", key, certificate, chain, encryption)
        path = self.directory / name
        path.write_bytes(data)
        return path


def _key_usage(**granted: bool) -> x509.KeyUsage:
    """A KeyUsage extension with only the named usages set."""
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
             "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{name: granted.get(name, False) for name in names})


def make_root(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A self-signed CA key and certificate valid from two days ago for sixty days."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=2))
        .not_valid_after(now + dt.timedelta(days=60))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA made for this test run and an RSA signer key (generated once per session: it takes a moment)."""
    ca_key, ca_cert = make_root("elearn Test Root CA")
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Pki(ca_key, ca_cert, signer_key, tmp_path_factory.mktemp("pki"))
