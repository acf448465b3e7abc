"""Read the names a coordinator typed or uploaded for bulk enrolment (pure: no Flask, no database).

Coordinators paste usernames or 18-digit NIPs, or upload the list they keep in Excel:
a CSV (any of Excel's flavours) or an XLSX workbook. Every reader returns a ``NameList``:
the distinct names in order, the repeats, and the rows refused with a message that says
what happened and how to fix it. A file that cannot be read at all raises ``UploadError``.

Numbers: Excel keeps 15 significant digits, so an 18-digit NIP typed into a cell that is
not formatted as Text loses its last digits (198703152010012003 becomes 1.98703E+17, or
198703152010012000). A numeric cell of more than 15 digits is therefore always refused,
even when its digits look intact: they cannot be told apart from rounded ones. Numbers of
up to 15 digits are exact and read as text (a username may be all digits). A CSV cell in
scientific notation (``1.98703E+17``, ``1,98703E+17``) is refused for the same reason.

Messages are Indonesian and user-facing; callers translate nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain, islice

from elearn.enrolment.bulkfiles import MAX_UPLOAD_BYTES, UploadError, file_rows

__all__ = [
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "NameEntry",
    "NameList",
    "NameProblem",
    "UploadError",
    "names_from_text",
    "names_from_upload",
]

MAX_ROWS = 10_000
EXACT_DIGITS = 15  # an Excel number holds at most 15 significant digits
HEADER_SEARCH_ROWS = 10  # a header may sit under a few title rows ("DAFTAR PESERTA ...")
# Header cells naming the column to read, by preference; compared lower-cased, spaces collapsed.
USERNAME_HEADERS = frozenset({"username", "user name", "nama pengguna"})
NIP_HEADERS = frozenset({"nip", "nip baru"})
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})

_TEXT_SEPARATORS = re.compile(r"[\r\n,;\t]+")
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_HEADER_PUNCTUATION = ".:*"
_RETYPE = "Format kolom NIP sebagai Teks di Excel lalu ketik ulang NIP-nya."


@dataclass(frozen=True)
class NameEntry:
    """A username or NIP and the row (file) or line (typed text) it came from, 1-based."""

    name: str
    line: int


@dataclass(frozen=True)
class NameProblem:
    """A refused row: its number and an Indonesian message saying what happened and how to fix it."""

    line: int
    message: str


@dataclass(frozen=True)
class NameList:
    """Distinct names in order of first appearance, later repeats, and refused rows."""

    entries: tuple[NameEntry, ...] = ()
    duplicates: tuple[NameEntry, ...] = ()
    problems: tuple[NameProblem, ...] = ()


def names_from_text(text: str) -> NameList:
    """Names typed in a text box, separated by new lines, commas, semicolons or tabs (line = text line)."""
    collector = _Collector(limit=None)
    for number, line in enumerate(text.splitlines(), start=1):
        for part in _TEXT_SEPARATORS.split(line):
            collector.add(number, part)
    return collector.result()


def names_from_upload(filename: str, data: bytes) -> NameList:
    """Names from an uploaded CSV/TXT or XLSX file, told apart by content (``filename`` only names it).

    The column is the one headed ``username``/``nama pengguna`` (else ``nip``) within the first
    rows; without such a header, the first used column of every row. Raises ``UploadError``
    for a file that cannot be read as a whole or holds more than ``MAX_ROWS`` names.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadError(f"Berkas {_shown_filename(filename)} lebih dari 2 MiB. Bagi daftar menjadi beberapa berkas.")
    return _names_from_rows(file_rows(data))


def _names_from_rows(rows: Iterable[tuple[int, Sequence[object]]]) -> NameList:
    """Find the header among the first non-blank rows, then read one column of every later row."""
    filled = ((number, row) for number, row in rows if not _is_blank_row(row))
    head = list(islice(filled, HEADER_SEARCH_ROWS))
    header_at, columns = _find_header(head)
    if header_at is None:
        body: Iterator[tuple[int, Sequence[object]]] = chain(head, filled)
        columns = (_first_used_column(head[0][1]),) if head else (0,)
    else:
        body = chain(head[header_at + 1 :], filled)
    collector = _Collector(limit=MAX_ROWS)
    for number, row in body:
        value = next((row[column] for column in columns if column < len(row) and not _is_blank(row[column])), None)
        collector.add(number, value)
    return collector.result()


def _find_header(rows: Sequence[tuple[int, Sequence[object]]]) -> tuple[int | None, tuple[int, ...]]:
    """The index of the header row and its name columns (username first, then NIP), if any."""
    for index, (_number, row) in enumerate(rows):
        labels = [_header_label(cell) for cell in row]
        usernames = [column for column, label in enumerate(labels) if label in USERNAME_HEADERS]
        nips = [column for column, label in enumerate(labels) if label in NIP_HEADERS]
        if usernames or nips:
            return index, tuple(usernames[:1] + nips[:1])
    return None, ()


def _header_label(cell: object) -> str:
    if not isinstance(cell, str):
        return ""
    return " ".join(cell.replace("_", " ").split()).strip(_HEADER_PUNCTUATION).strip().lower()


def _first_used_column(row: Sequence[object]) -> int:
    return next((column for column, cell in enumerate(row) if not _is_blank(cell)), 0)


def _is_blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not _clean(cell))


def _is_blank_row(row: Sequence[object]) -> bool:
    return all(_is_blank(cell) for cell in row)


def _clean(text: str) -> str:
    """Trim (non-breaking spaces and zero-width characters too); a NIP loses its inner spaces."""
    text = text.translate(_INVISIBLE).strip()
    squeezed = "".join(text.split())
    # A leading apostrophe is how people force Excel to keep a number as text.
    digits = squeezed[1:] if squeezed.startswith("'") else squeezed
    if digits.isascii() and digits.isdigit():
        return digits
    return text


@dataclass
class _Collector:
    """Accumulates entries, repeats and problems; counts names against an optional limit."""

    limit: int | None
    entries: list[NameEntry] = field(default_factory=list)
    duplicates: list[NameEntry] = field(default_factory=list)
    problems: list[NameProblem] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    count: int = 0

    def add(self, line: int, value: object) -> None:
        """Take one cell: skip it when empty, else record a name, a repeat or a problem."""
        if _is_blank(value):
            return
        self.count += 1
        if self.limit is not None and self.count > self.limit:
            limit = f"{self.limit:,}".replace(",", ".")
            raise UploadError(f"Berkas berisi lebih dari {limit} nama. Bagi daftar menjadi beberapa berkas.")
        name, problem = _name_of(value)
        if problem is not None:
            self.problems.append(NameProblem(line, f"Baris {line}: {problem}"))
            return
        entry = NameEntry(name, line)
        key = name.lower()
        if key in self.seen:
            self.duplicates.append(entry)
        else:
            self.seen.add(key)
            self.entries.append(entry)

    def result(self) -> NameList:
        """The collected list, frozen."""
        return NameList(tuple(self.entries), tuple(self.duplicates), tuple(self.problems))


def _name_of(value: object) -> tuple[str, str | None]:
    """The name a non-empty cell holds, or the reason (without the row prefix) it is refused."""
    if isinstance(value, bool):
        return "", f"sel berisi nilai logika ({str(value).upper()}), bukan nama pengguna atau NIP."
    if isinstance(value, int | float):
        return _number_name(value)
    if isinstance(value, datetime | date | time | timedelta):
        return "", (
            f"sel berisi tanggal atau waktu ({value}), bukan nama pengguna atau NIP. "
            "Format kolom sebagai Teks di Excel lalu ketik ulang isinya."
        )
    if not isinstance(value, str):
        return "", "isi sel tidak dapat dibaca sebagai nama pengguna atau NIP."
    name = _clean(value)
    if name in EXCEL_ERRORS:
        return "", f"sel berisi galat Excel ({name}), bukan nama pengguna atau NIP. Perbaiki rumus atau isinya."
    if _SCIENTIFIC.fullmatch(name):
        return "", _digits_lost(name)
    return name, None


def _number_name(value: int | float) -> tuple[str, str | None]:
    """Accept a number only when it is an exact integer of at most 15 digits (Excel's precision)."""
    if isinstance(value, float) and not value.is_integer():
        return "", f"sel berisi angka pecahan ({value:g}), bukan nama pengguna atau NIP."
    if abs(value) >= 10**EXACT_DIGITS:
        return "", _digits_lost(f"{float(value):.5E}")
    return str(int(value)), None


def _digits_lost(shown: str) -> str:
    return f"NIP tersimpan sebagai angka ({shown}) sehingga digitnya hilang. {_RETYPE}"


def _shown_filename(filename: str) -> str:
    """The base name, printable characters only and shortened, for messages."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(char for char in base if char.isprintable())[:80]
    return f'"{printable}"' if printable else "ini"
