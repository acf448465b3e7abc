"""The rendered certificate read back as a reader would: text with pypdf, pixels with pdfium, QR with zxing."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from elearn.certificates.document import CertificateDocument
from elearn.certificates.fitting import text_width
from elearn.certificates.fonts import BOLD, REGULAR
from elearn.certificates.pdf import BODY_WIDTH, render_certificate

MakeDocument = Callable[..., CertificateDocument]
A4_LANDSCAPE = (841.89, 595.28)
FRAME = 24  # the inner border's distance from the page edges
RENDER_SCALE = 2  # 144 dpi: a pixel is half a point

LONG_NAME = (
    "Raden Mas Muhammad Abdurrahman Wahyudi Kusumanegara Prawirodirdjo Hadiningrat Suryaatmadja "
    "Notonegoro Wiryawan Sastrowardoyo Mangkunegara Susilo, S.E."
)
LONG_TITLE = (
    "Pelatihan Kepemimpinan Administrator Angkatan XXVIII tentang Transformasi Digital Pelayanan Publik, "
    "Manajemen Risiko, Reformasi Birokrasi dan Penguatan Akuntabilitas Kinerja Instansi Pemerintah Daerah"
)


def page_text(pdf: bytes) -> str:
    """All text of the only page, white space collapsed to single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def render_page(pdf: bytes) -> pdfium.PdfPage:
    """The only page of ``pdf``, opened with pdfium."""
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1
    return document[0]


def test_every_field_reads_back_as_text(make_document: MakeDocument) -> None:
    doc = make_document()
    text = page_text(render_certificate(doc))
    for expected in (
        "Pemerintah Kota Sorong",
        "SERTIFIKAT",
        "Nomor: LD-101/2026/000123",
        "diberikan kepada",
        "Agus Siregar, S.Kom.",
        "NIP 198705232010011001",
        "Pranata Komputer Ahli Pertama",
        "Pemerintah Kota Sorong / Dinas Kesehatan",
        "telah menyelesaikan pelatihan",
        "Literasi Digital untuk ASN",
        "kode LD-101, sebanyak 24 JP (jam pelajaran)",
        "dan dinyatakan selesai pada tanggal 23 November 2026",
        "Sorong, 24 November 2026",
        "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "Dr. Yohanes Rumbiak, M.Si.",
        "NIP 197001011995031002",
        "https://elearn.sorongkota.go.id/verify/7KQ2M9XW4B",
    ):
        assert expected in text


def test_lines_without_a_value_are_left_out(make_document: MakeDocument) -> None:
    doc = make_document(nip=None, unit=None, position=None, signatory_nip=None, city=None)
    text = page_text(render_certificate(doc))
    assert "NIP" not in text
    assert "Dinas Kesehatan" not in text
    assert "Pranata Komputer" not in text
    assert "Sorong," not in text
    assert "24 November 2026" in text  # the issue date stands alone without a place


def test_the_page_is_a4_landscape(make_document: MakeDocument) -> None:
    box = PdfReader(io.BytesIO(render_certificate(make_document()))).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_LANDSCAPE, abs=0.01)


@pytest.mark.parametrize(
    "url",
    [
        "https://elearn.sorongkota.go.id/verify/7KQ2M9XW4B",
        "https://pelatihan.bkpsdm.papuabaratdaya.prov.go.id/elearn/verify/7KQ2M9XW4B7KQ2M9XW4B7KQ2M9XW4B?lang=id",
    ],
)
def test_the_qr_code_decodes_to_the_verify_url(make_document: MakeDocument, url: str) -> None:
    page = render_page(render_certificate(make_document(verify_url=url)))
    image = page.render(scale=RENDER_SCALE).to_pil()
    codes = zxingcpp.read_barcodes(image)
    assert [(code.format, code.text) for code in codes] == [(zxingcpp.BarcodeFormat.QRCode, url)]


def test_the_same_document_renders_to_the_same_bytes_dated_on_its_issue_day(make_document: MakeDocument) -> None:
    doc = make_document()
    pdf = render_certificate(doc)
    assert render_certificate(doc) == pdf
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.title == "Sertifikat LD-101/2026/000123"
    assert metadata.creation_date is not None
    assert metadata.creation_date.date() == doc.issued_on


def test_a_name_the_font_cannot_draw_renders_with_visible_stand_ins(make_document: MakeDocument) -> None:
    text = page_text(render_certificate(make_document(name="Muhammad \u1e62adiq \U0001f600")))
    assert "Muhammad Sadiq ?" in text


def test_long_values_are_all_on_the_page_without_overlapping(make_document: MakeDocument) -> None:
    assert len(LONG_NAME) == 150
    assert len(LONG_TITLE) == 200
    doc = make_document(
        institution="Badan Pengembangan Sumber Daya Manusia Provinsi Papua Barat Daya dan Pemerintah Kota Sorong",
        name=LONG_NAME,
        unit="Pemerintah Kota Sorong/Dinas Kesehatan/Bidang Pencegahan dan Pengendalian Penyakit/"
        "Seksi Surveilans dan Imunisasi/Kelompok Kerja Imunisasi Dasar Lengkap",
        position="Pranata Komputer Ahli Pertama pada Subbagian Umum, Kepegawaian, Perencanaan Program dan Keuangan",
        course_title=LONG_TITLE,
        signatory_name="Dr. Ir. H. Yohanes Rumbiak Wanma Kambuaya Sesa Mandacan Waromi, S.T., M.Si., M.Kom.",
        signatory_title="Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Sorong "
        "Provinsi Papua Barat Daya",
    )
    pdf = render_certificate(doc)
    text = page_text(pdf)
    for value in (doc.institution, doc.name, doc.position, doc.course_title, doc.signatory_name, doc.signatory_title):
        assert value in text
    assert doc.unit is not None
    assert " / ".join(doc.unit.split("/")) in text
    assert_layout_is_clean(render_page(pdf))


def test_short_values_are_laid_out_cleanly_too(make_document: MakeDocument) -> None:
    doc = make_document(name="Ani", institution="BKPSDM", course_title="K3", position=None, unit=None)
    assert_layout_is_clean(render_page(render_certificate(doc)))


def assert_layout_is_clean(page: pdfium.PdfPage) -> None:
    """Every text line lies inside the frame, and no line touches another line or the QR code."""
    width, height = page.get_size()
    text_page = page.get_textpage()
    boxes = [text_page.get_rect(index) for index in range(text_page.count_rects())]
    assert len(boxes) >= 15
    for left, bottom, right, top in boxes:
        assert FRAME < left < right < width - FRAME
        assert FRAME < bottom < top < height - FRAME
    for first, second in itertools.combinations(boxes, 2):
        assert not overlap(first, second), (first, second)
    codes = zxingcpp.read_barcodes(page.render(scale=RENDER_SCALE).to_pil())
    assert len(codes) == 1
    position = codes[0].position
    corners = [position.top_left, position.top_right, position.bottom_right, position.bottom_left]
    qr_box = (
        min(p.x for p in corners) / RENDER_SCALE,
        height - max(p.y for p in corners) / RENDER_SCALE,
        max(p.x for p in corners) / RENDER_SCALE,
        height - min(p.y for p in corners) / RENDER_SCALE,
    )
    assert not any(overlap(box, qr_box) for box in boxes)


def overlap(first: tuple[float, ...], second: tuple[float, ...]) -> bool:
    """Whether two (left, bottom, right, top) boxes share any area."""
    return first[0] < second[2] and second[0] < first[2] and first[1] < second[3] and second[1] < first[3]


def wraps_at_full_size(font: str, size: float, width: float = BODY_WIDTH) -> str:
    """Words just too wide to shrink onto one line, so they wrap onto two lines at ``size``."""
    words = "Pengembangan Kompetensi Aparatur Sipil Negara Daerah Provinsi Papua Barat Daya".split()
    text = ""
    for word in itertools.cycle(words):
        text = f"{text} {word}".strip()
        if text_width(text, font, size) > 1.25 * width:
            return text
    raise AssertionError  # pragma: no cover (the cycle never ends without returning)


def test_the_tallest_possible_certificate_still_has_no_overlaps(make_document: MakeDocument) -> None:
    doc = make_document(
        institution=wraps_at_full_size(BOLD, 15),
        name=wraps_at_full_size(BOLD, 26),
        position=wraps_at_full_size(REGULAR, 12),
        unit=wraps_at_full_size(REGULAR, 12),
        course_title=wraps_at_full_size(BOLD, 19),
        signatory_name=wraps_at_full_size(BOLD, 11.5, 250),
        signatory_title=wraps_at_full_size(REGULAR, 11, 250),
    )
    pdf = render_certificate(doc)
    text = page_text(pdf)
    for value in (doc.institution, doc.name, doc.position, doc.unit, doc.course_title, doc.signatory_title):
        assert value in text
    assert_layout_is_clean(render_page(pdf))


def test_threads_rendering_at_once_get_the_same_bytes(make_document: MakeDocument) -> None:
    docs = [make_document(name=f"Peserta Nomor {index}", number=f"LD-101/2026/{index:06d}") for index in range(8)]
    expected = [render_certificate(doc) for doc in docs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        rendered = list(pool.map(render_certificate, docs * 3))
    assert rendered == expected * 3
