"""Benchmark certificate PDFs: render 200, sign 200, and print the cost per certificate.

Usage (from the repository root)::

    .venv/bin/python bench/certificates_pdf.py                 # a throw-away RSA-2048 key made here
    .venv/bin/python bench/certificates_pdf.py --count 500
    ELEARN_CERT_SIGNING_PASSPHRASE=... .venv/bin/python bench/certificates_pdf.py --p12 agency.p12

Everything runs in this process, timed with ``time.perf_counter()`` (wall) and
``time.process_time()`` (CPU). Rows: the first render (it registers the fonts), rendering
``--count`` varied certificates, loading the PKCS#12 file, signing each rendered PDF, and
rendering plus signing. The script validates one signed PDF with pyHanko and exits 1 when
that fails or a rendered PDF is not deterministic.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from benchlib import Report, load_average, machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding, pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from elearn.certificates.document import CertificateDocument
from elearn.certificates.pdf import render_certificate
from elearn.certificates.signing import Signer, load_signer, sign_pdf

NAMES = "Agus Budi Citra Dewi Eko Fitri Gita Hadi Indah Joko Kartika Made Nur Putu Rina Yohanes Zainal".split()
SURNAMES = "Saputra Wijaya Siregar Nasution Manuputty Rumbiak Wanggai Situmorang Harahap Kambu Mandowen".split()
TITLES = [
    "Literasi Digital untuk ASN",
    "Manajemen Risiko Sektor Publik",
    "Pelayanan Publik Berbasis Elektronik dan Keterbukaan Informasi",
    "Pelatihan Dasar CPNS Golongan III Angkatan XII: Aktualisasi Nilai Dasar ASN BerAKHLAK",
]
BASE = CertificateDocument(
    institution="Pemerintah Kota Sorong",
    name="",
    nip=None,
    unit="Pemerintah Kota Sorong/Dinas Kesehatan",
    position="Pranata Komputer Ahli Pertama",
    course_title="",
    course_code="LD-101",
    jp=24,
    completed_on=dt.date(2026, 11, 23),
    issued_on=dt.date(2026, 11, 24),
    number="",
    verify_url="",
    signatory_name="Dr. Yohanes Rumbiak, M.Si.",
    signatory_nip="197001011995031002",
    signatory_title="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    city="Sorong",
)


def documents(count: int) -> list[CertificateDocument]:
    """``count`` certificates with varied names, NIPs, titles and codes (same seed every run)."""
    rng = random.Random(2026)
    return [
        dataclasses.replace(
            BASE,
            name=f"{rng.choice(NAMES)} {rng.choice(NAMES)} {rng.choice(SURNAMES)}",
            nip=f"19{rng.randint(60, 99)}0{rng.randint(1, 9)}{rng.randint(10, 28)}20{rng.randint(10, 25)}011{i:03d}",
            course_title=rng.choice(TITLES),
            number=f"LD-101/2026/{i:06d}",
            verify_url=f"https://elearn.sorongkota.go.id/verify/{rng.getrandbits(60):015X}",
        )
        for i in range(count)
    ]


def throwaway_p12(directory: Path, passphrase: bytes) -> tuple[Path, x509.Certificate]:
    """A self-signed RSA-2048 signing certificate written as PKCS#12 (the kind a PSrE issues)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "elearn bench signer")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / "bench.p12"
    data = pkcs12.serialize_key_and_certificates(b"bench", key, certificate, None, BestAvailableEncryption(passphrase))
    path.write_bytes(data)
    return path, certificate


def timed(report: Report, label: str, count: int, work: Callable[[], object]) -> None:
    """Run ``work`` once; add a row with wall and CPU seconds and the milliseconds per certificate."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    each = "" if count == 1 else " per certificate"
    report.add(label, wall, f"{1000 * wall / count:.1f} ms{each} (CPU {1000 * cpu / count:.1f} ms)", cpu)


def check_signature(report: Report, signed: bytes, trusted: x509.Certificate | None) -> str:
    """Validate one signed PDF with pyHanko; a note for the table."""
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    roots = [asn1_x509.Certificate.load(trusted.public_bytes(Encoding.DER))] if trusted else []
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=roots))
    if not (status.intact and status.valid):
        report.problem(f"the signed PDF does not validate: {status.summary()}")
    trust = "trusted" if status.trusted else "not checked against a root"
    return f"intact and valid, {trust}"


def main() -> int:
    """Run the benchmark and print the table; 1 when a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200, help="certificates to render and sign (200)")
    parser.add_argument("--p12", help="a real PKCS#12 file; its passphrase in ELEARN_CERT_SIGNING_PASSPHRASE")
    args = parser.parse_args()
    report = Report(f"Certificate PDFs, {args.count} certificates ({machine()}, {load_average()})")
    docs = documents(args.count)
    timed(report, "first render (registers the fonts)", 1, lambda: render_certificate(docs[0]))
    pdfs: list[bytes] = []
    timed(report, f"render {args.count}", args.count, lambda: pdfs.extend(render_certificate(d) for d in docs))
    if render_certificate(docs[0]) != pdfs[0]:
        report.problem("rendering the same document twice gave different bytes")
    with tempfile.TemporaryDirectory() as temp:
        trusted: x509.Certificate | None = None
        if args.p12:
            path, passphrase = Path(args.p12), os.environ.get("ELEARN_CERT_SIGNING_PASSPHRASE", "").encode() or None
        else:
            passphrase = b"bench-passphrase"
            path, trusted = throwaway_p12(Path(temp), passphrase)
        holder: list[Signer] = []
        load = "load the PKCS#12 file (once per process, with a trial signature)"
        timed(report, load, 1, lambda: holder.append(load_signer(str(path), passphrase)))
    signer = holder[0]
    signed: list[bytes] = []
    count = args.count
    timed(report, f"sign {count} rendered PDFs", count, lambda: signed.extend(sign_pdf(p, signer) for p in pdfs))
    timed(report, f"render and sign {count}", count, lambda: [sign_pdf(render_certificate(d), signer) for d in docs])
    note = check_signature(report, signed[0], trusted)
    size = sum(map(len, pdfs)) / len(pdfs) / 1024
    signed_size = sum(map(len, signed)) / len(signed) / 1024
    report.add("size", "", f"{size:.0f} KiB unsigned, {signed_size:.0f} KiB signed; first signature {note}")
    report.print()
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
