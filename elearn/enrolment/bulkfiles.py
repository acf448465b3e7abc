"""Turn an uploaded name file into numbered rows of cells: CSV/TXT as Excel writes it, or XLSX (pure).

The kind of file is told by its content, never by its name: a ZIP that holds a workbook is
XLSX, anything else must decode as text. Only rows holding something are returned, each with
its row number in the file (1-based, the header counts; a CSV record spanning lines is one row,
as Excel shows it). Every whole-file refusal is an ``UploadError`` with an Indonesian message.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Sequence

from openpyxl import load_workbook

__all__ = ["MAX_FILLED_ROWS", "MAX_UPLOAD_BYTES", "Row", "UploadError", "csv_rows", "file_rows", "xlsx_rows"]

Row = tuple[int, Sequence[object]]

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# Rows holding anything, header and a few title rows included; the name limit itself is the caller's.
MAX_FILLED_ROWS = 10_010
MAX_COLUMNS = 50  # columns read per row: the name column is always near the left
EXCEL_MAX_ROW = 1_048_576
SNIFF_ROWS = 100
# Sheet XML compresses about 9 times, so a real workbook of at most 2 MiB inflates to under
# 20 MiB; anything bigger is a ZIP bomb. zipfile never inflates an entry past its declared size
# (it stops there and fails the CRC check), so checking the declared sizes bounds what openpyxl
# reads. openpyxl parses about 2 MiB of XML a second: this limit is also a bound on CPU time.
MAX_XLSX_UNCOMPRESSED = 24 * 1024 * 1024
MAX_XLSX_PARTS = 1000
MAX_XLSX_RATIO = 100  # for parts over 1 MiB; real sheets compress about 5-15 times
_ENCRYPTED = 0x1

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and every password-protected workbook
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DELIMITERS = ("\t", ";", ",")  # by preference when as many rows split on each
_DECIMAL_COMMA_NUMBER = re.compile(r'\s*"?[+-]?\d+,\d+(?:[eE][+-]?\d+)?"?\s*')
_HEADER_WORDS = ("username", "nip", "nama pengguna", "nama_pengguna")

_SAVE_AGAIN = 'Simpan daftar dari Excel sebagai "CSV UTF-8" atau "Excel Workbook (.xlsx)", lalu unggah lagi.'
NOT_TEXT = f"Berkas ini bukan CSV, teks, atau Excel (.xlsx) dan tidak dapat dibaca. {_SAVE_AGAIN}"
XLS_OR_PROTECTED = (
    "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi. Buka di Excel, hapus kata sandinya "
    'bila ada, lalu simpan sebagai "Excel Workbook (.xlsx)" atau "CSV UTF-8" dan unggah lagi.'
)
NOT_XLSX = f"Berkas ini berbentuk ZIP tetapi bukan buku kerja Excel (.xlsx). {_SAVE_AGAIN}"
CORRUPT_XLSX = f"Berkas Excel ini rusak atau tidak lengkap sehingga tidak dapat dibaca. {_SAVE_AGAIN}"
XLSX_TOO_BIG = (
    "Isi berkas Excel ini jauh lebih besar daripada daftar nama mana pun, sehingga tidak dibaca. "
    "Salin kolom nama pengguna atau NIP ke buku kerja baru, simpan, lalu unggah lagi."
)
TOO_MANY_ROWS = "Berkas berisi lebih dari 10.000 baris. Bagi daftar menjadi beberapa berkas."


class UploadError(ValueError):
    """A whole file refused; ``message`` is Indonesian, user-facing, and says how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_rows(data: bytes) -> list[Row]:
    """The filled rows of an XLSX (ZIP content) or a CSV/TXT (anything else); raises ``UploadError``."""
    if data.startswith(_ZIP_MAGIC):
        return xlsx_rows(data)
    if data.startswith(_CFB_MAGIC):
        raise UploadError(XLS_OR_PROTECTED)
    return csv_rows(data)


def csv_rows(data: bytes) -> list[Row]:
    """The filled rows of a CSV in UTF-8 (BOM or not), UTF-16 with BOM, or Windows-1252; delimiter sniffed."""
    text = _decode(data)
    if _NOT_TEXT.search(text):
        raise UploadError(NOT_TEXT)
    delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _filled(enumerate(reader, start=1))
    except csv.Error as error:
        raise UploadError(f"Berkas CSV tidak dapat dibaca (baris {reader.line_num}). {_SAVE_AGAIN}") from error


def xlsx_rows(data: bytes) -> list[Row]:
    """The filled rows of the first worksheet of an XLSX (cached values, not formulas); raises ``UploadError``."""
    _check_xlsx_archive(data)
    # openpyxl warns about parts it drops (data validation, drawings): harmless to reading values.
    # catch_warnings is process-wide, which suits the one-request-per-process sync workers.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            try:
                sheets = workbook.worksheets
                if not sheets:
                    raise UploadError(f"Berkas Excel ini tidak berisi lembar kerja. {_SAVE_AGAIN}")
                rows = sheets[0].iter_rows(max_row=EXCEL_MAX_ROW, max_col=MAX_COLUMNS, values_only=True)
                return _filled(enumerate(rows, start=1))
            finally:
                workbook.close()
        except UploadError:
            raise
        except Exception as error:  # a malformed workbook makes openpyxl raise almost anything
            raise UploadError(CORRUPT_XLSX) from error


def _decode(data: bytes) -> str:
    """UTF-16 when it has a BOM (Excel's "Unicode Text"), else UTF-8 (BOM or not), else Windows-1252."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined: Latin-1 maps them to control characters,
        # which the caller refuses as not text.
        return data.decode("latin-1")


def _sniff(text: str) -> str:
    """Tab, semicolon (Indonesian-locale Excel) or comma: a known header decides, else the most rows split."""
    lines = [line for line in _first_lines(text, SNIFF_ROWS) if line.strip()]
    for delimiter in _DELIMITERS:
        for line in lines[:10]:
            cells = [" ".join(cell.split()).strip('"').lower() for cell in line.split(delimiter)]
            if len(cells) > 1 and any(cell in _HEADER_WORDS for cell in cells):
                return delimiter
    counts = {delimiter: sum(1 for line in lines if _splits(line, delimiter)) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: (counts[delimiter], -_DELIMITERS.index(delimiter)))
    # With one column the choice only matters for "1,98703E+17": a comma must not split it.
    return best if counts[best] else ";"


def _first_lines(text: str, count: int) -> list[str]:
    """The first ``count`` lines of ``text`` without splitting all of it."""
    lines: list[str] = []
    start = 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        lines.append(text[start:end].rstrip("\r"))
        start = end + 1
    return lines


def _splits(line: str, delimiter: str) -> bool:
    if delimiter not in line:
        return False
    # A lone number written with a decimal comma is one cell, not two.
    return not (delimiter == "," and _DECIMAL_COMMA_NUMBER.fullmatch(line))


def _filled(rows: Iterable[tuple[int, Sequence[object]]]) -> list[Row]:
    """Rows holding anything but blanks, at most ``MAX_FILLED_ROWS`` of them."""
    filled: list[Row] = []
    for number, row in rows:
        # any() first: the blank rows openpyxl fills in for gaps are all None and cost nothing here.
        if any(row) and any(cell is not None and not (isinstance(cell, str) and not cell.strip()) for cell in row):
            if len(filled) == MAX_FILLED_ROWS:
                raise UploadError(TOO_MANY_ROWS)
            filled.append((number, tuple(row)))
    return filled


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse a ZIP that is not a workbook, is encrypted, or would inflate far beyond any name list."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as error:  # zipfile raises more than BadZipFile on a mangled directory
        raise UploadError(CORRUPT_XLSX) from error
    names = {info.filename for info in infos}
    if "mimetype" in names and "content.xml" in names:
        raise UploadError(f"Berkas OpenDocument (.ods) belum dapat dibaca. {_SAVE_AGAIN}")
    if "[Content_Types].xml" not in names or not any(name.startswith("xl/") for name in names):
        raise UploadError(NOT_XLSX)
    if "xl/workbook.bin" in names:
        raise UploadError(f"Berkas Excel biner (.xlsb) belum dapat dibaca. {_SAVE_AGAIN}")
    if any(info.flag_bits & _ENCRYPTED for info in infos):
        raise UploadError(XLS_OR_PROTECTED)
    too_compressed = any(
        info.file_size > 1024 * 1024 and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1) for info in infos
    )
    if len(infos) > MAX_XLSX_PARTS or sum(info.file_size for info in infos) > MAX_XLSX_UNCOMPRESSED or too_compressed:
        raise UploadError(XLSX_TOO_BIG)
