"""Check a course ZIP uploaded from the browser, then extract it safely (pure: no Flask, no database).

``check_zip`` reads only the archive's bookkeeping (the end record, the central directory and
each entry's local header) and refuses anything hostile before a byte is written: path tricks,
links and devices, encryption, duplicates, bombs, and entries that overlap or disagree with
their local header. ``extract_course_zip`` then writes entry by entry into an empty folder,
creating files with ``O_EXCL | O_NOFOLLOW`` and counting the bytes really written, and leaves
the folder as it found it when anything goes wrong. Messages are Indonesian and user-facing.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

__all__ = ["DEFAULT_LIMITS", "UploadLimits", "UploadRefused", "check_zip", "extract_course_zip"]

MIB = 1024 * 1024
COURSE_FILE = "course.md"
JUNK_FOLDERS = frozenset({"__MACOSX"})
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_CHUNK = 64 * 1024
_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END64 = struct.Struct("<4sQ2H2L4Q")  # ZIP64 end of central directory record
_END64_LOCATOR_SIZE = 20
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header
_CENTRAL_ENTRY_BYTES = 46 + 1024  # fixed part, plus a generous allowance for extra fields and comments
_ENCRYPTED = 0x1 | 0x40  # traditional and strong encryption flags
_UTF8_NAME = 0x800
_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
_DRIVE = re.compile(r"[A-Za-z]:")
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
NOT_A_ZIP = "Berkas ini bukan ZIP yang utuh. Pilih folder kursus, buat ZIP-nya (Compress / Send to ZIP), lalu unggah."


@dataclass(frozen=True)
class UploadLimits:
    """What a course ZIP may hold; sizes in bytes, ``max_ratio`` checked for entries over ``ratio_floor``."""

    max_zip_bytes: int = 50 * MIB
    max_entries: int = 2000
    max_total_uncompressed: int = 200 * MIB
    max_file_uncompressed: int = 25 * MIB
    max_ratio: int = 200
    ratio_floor: int = 1 * MIB
    max_depth: int = 8
    max_name_length: int = 255


DEFAULT_LIMITS = UploadLimits()


class UploadRefused(ValueError):
    """A course ZIP refused; ``message`` is Indonesian, user-facing, and names the entry at fault."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_zip(data: bytes | BinaryIO, limits: UploadLimits = DEFAULT_LIMITS) -> list[zipfile.ZipInfo]:
    """Every entry of a ZIP that is safe to extract, in archive order; raises ``UploadRefused``."""
    with _checked_archive(data, limits) as (_archive, infos):
        return infos


def extract_course_zip(data: bytes | BinaryIO, target: Path, limits: UploadLimits = DEFAULT_LIMITS) -> Path:
    """Extract a checked course ZIP into ``target`` (absent or empty) and return the folder holding course.md.

    The course may be the archive's root or its single top-level folder; ``__MACOSX/`` and
    desktop junk are skipped. Raises ``UploadRefused``; on any failure ``target`` is left absent or empty.
    """
    with _checked_archive(data, limits) as (archive, infos):
        wanted = [info for info in infos if not _is_junk(info.orig_filename)]
        folder = _course_folder(wanted)
        created = _prepare_target(target)
        try:
            _write_entries(archive, wanted, target, limits)
        except BaseException:
            _undo(target, created)
            raise
    return target / folder if folder else target


# --- reading the archive's bookkeeping ----------------------------------------------------------


@contextmanager
def _checked_archive(
    data: bytes | BinaryIO, limits: UploadLimits
) -> Iterator[tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]]:
    stream, size = _seekable(data, limits)
    if size > limits.max_zip_bytes:
        limit = _mib(limits.max_zip_bytes)
        raise UploadRefused(f"Berkas ZIP lebih dari {limit}. Kecilkan gambar atau video di dalamnya.")
    _check_end_record(stream, size, limits)
    try:
        archive = zipfile.ZipFile(stream)
    except Exception as error:  # a mangled directory makes zipfile raise more than BadZipFile
        raise UploadRefused(NOT_A_ZIP) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise UploadRefused(_too_many(limits))
        _check_entries(infos, limits)
        _check_local_headers(stream, size, infos)
        yield archive, infos


def _seekable(data: bytes | BinaryIO, limits: UploadLimits) -> tuple[BinaryIO, int]:
    """A seekable stream over the upload and its size (a stream that cannot seek is read, up to the limit)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return io.BytesIO(data), len(data)
    try:
        size = data.seek(0, os.SEEK_END)
        data.seek(0)
        return data, size
    except (OSError, ValueError, AttributeError):
        copy = data.read(limits.max_zip_bytes + 1)
        return io.BytesIO(copy), len(copy)


def _check_end_record(stream: BinaryIO, size: int, limits: UploadLimits) -> None:
    """Bound the central directory before zipfile builds an object per entry (a million would fit in 50 MiB)."""
    # The same search zipfile makes: the last signature within the last 64 KiB plus the record.
    window = min(size, _END.size + 65536)
    stream.seek(size - window)
    tail = stream.read(window)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _END.size:
        raise UploadRefused(NOT_A_ZIP)
    entries, directory_size = _END.unpack_from(tail, at)[4:6]
    z64_at = size - window + at - _END64_LOCATOR_SIZE - _END64.size
    locator = tail[at - _END64_LOCATOR_SIZE : at - _END64_LOCATOR_SIZE + 4] if at >= _END64_LOCATOR_SIZE else b""
    if locator == b"PK\x06\x07" and z64_at >= 0:
        # Like zipfile, read the ZIP64 record just before its locator.
        stream.seek(z64_at)
        record = stream.read(_END64.size)
        if len(record) == _END64.size and record[:4] == b"PK\x06\x06":
            entries, directory_size = _END64.unpack(record)[7:9]
    if entries > limits.max_entries or directory_size > limits.max_entries * _CENTRAL_ENTRY_BYTES:
        raise UploadRefused(_too_many(limits))


def _check_entries(infos: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    """Names, kinds and sizes of every entry, then duplicates and the running total."""
    seen: dict[str, str] = {}
    folders: set[str] = set()
    total = 0
    for info in infos:
        name = info.orig_filename
        problem = _name_problem(info, limits) or _kind_problem(info) or _size_problem(info, limits)
        if problem:
            raise _refused(name, problem)
        key = _folded(name.rstrip("/"))
        if key in seen:
            raise _refused(name, f"namanya sama dengan {_shown(seen[key])} (huruf besar dan kecil dianggap sama).")
        seen[key] = name
        parts = key.split("/")
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
        total += info.file_size
        if total > limits.max_total_uncompressed:
            limit = _mib(limits.max_total_uncompressed)
            raise _refused(name, f"ukuran seluruh isi ZIP setelah dibuka melebihi {limit}.")
    for key, name in seen.items():
        if key in folders and not name.endswith("/"):
            raise _refused(name, "namanya juga dipakai sebagai nama folder.")


def _name_problem(info: zipfile.ZipInfo, limits: UploadLimits) -> str | None:
    """Why an entry's path is unsafe or unusable, if it is."""
    name = info.orig_filename
    if any(unicodedata.category(char) in _HIDDEN_CATEGORIES for char in name) or name != info.filename:
        return "namanya memuat karakter kendali atau tak terlihat."
    if "\\" in name:
        return "namanya memakai garis miring terbalik (\\); jalur di dalam ZIP memakai /."
    if name.startswith("/"):
        return "jalurnya mutlak (diawali /)."
    if _DRIVE.match(name):
        return "jalurnya diawali huruf drive Windows."
    if ":" in name:
        return "namanya memuat titik dua (:)."
    parts = name.removesuffix("/").split("/")
    if ".." in parts:
        return "jalurnya memuat .. sehingga keluar dari folder kursus."
    if "" in parts or "." in parts:
        return "jalurnya memuat bagian kosong atau '.'."
    if len(name) > limits.max_name_length or any(len(part.encode()) > 255 for part in parts):
        return f"namanya lebih dari {limits.max_name_length} karakter."
    if len(parts) > limits.max_depth:
        return f"letaknya lebih dari {limits.max_depth} tingkat folder."
    return None


def _kind_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not a plain file or folder we can read, if it is not."""
    if info.flag_bits & _ENCRYPTED:
        return "berkasnya dienkripsi (dilindungi kata sandi)."
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        return "berupa tautan simbolik (symlink)."
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "bukan berkas biasa."
    is_folder = info.orig_filename.endswith("/")
    if (kind == stat.S_IFDIR and not is_folder) or (is_folder and info.file_size):
        return "tidak jelas berkas atau folder."
    if info.compress_type not in _METHODS:
        return "dipadatkan dengan metode yang tidak didukung; buat ulang ZIP-nya dengan ZIP biasa."
    return None


def _size_problem(info: zipfile.ZipInfo, limits: UploadLimits) -> str | None:
    """Why an entry's declared sizes are refused, if they are."""
    if info.file_size > limits.max_file_uncompressed:
        return f"ukurannya setelah dibuka melebihi {_mib(limits.max_file_uncompressed)}."
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        return "ukurannya di dalam ZIP tidak konsisten."
    if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        return f"rasio pemadatannya mencurigakan ({ratio}:1), seperti bom ZIP."
    return None


def _check_local_headers(stream: BinaryIO, size: int, infos: list[zipfile.ZipInfo]) -> None:
    """Each local header matches its directory entry, and no entry's bytes overlap another's."""
    end_of_previous, previous = 0, ""
    for info in sorted(infos, key=lambda info: info.header_offset):
        name = info.orig_filename
        stream.seek(info.header_offset)
        header = stream.read(_LOCAL.size)
        if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
            raise _refused(name, "kepala berkasnya di dalam ZIP tidak ditemukan.")
        fields = _LOCAL.unpack(header)
        flags, name_length, extra_length = fields[3], fields[10], fields[11]
        raw = stream.read(name_length)
        local_name = raw.decode("utf-8" if flags & _UTF8_NAME else "cp437", errors="replace")
        if local_name != name:
            raise _refused(name, f"nama di kepala berkasnya berbeda ({_shown(local_name)}).")
        if flags & _ENCRYPTED:
            raise _refused(name, "berkasnya dienkripsi (dilindungi kata sandi).")
        if info.header_offset < end_of_previous:
            raise _refused(name, f"datanya bertumpuk dengan {_shown(previous)}, ciri ZIP rekayasa.")
        end_of_previous = info.header_offset + _LOCAL.size + name_length + extra_length + info.compress_size
        previous = name
        if end_of_previous > size:
            raise _refused(name, "datanya terpotong; ZIP tidak utuh.")


# --- choosing and writing the course ------------------------------------------------------------


def _is_junk(name: str) -> bool:
    parts = name.rstrip("/").split("/")
    return parts[0] in JUNK_FOLDERS or parts[-1] in JUNK_FILES or parts[-1].startswith("._")


def _course_folder(infos: list[zipfile.ZipInfo]) -> str:
    """The folder holding course.md: the root ("") or the single top-level folder."""
    courses = [info.orig_filename for info in infos if info.orig_filename.rsplit("/", 1)[-1] == COURSE_FILE]
    if not courses:
        raise UploadRefused("ZIP ini tidak berisi course.md. Buat ZIP dari folder kursus yang memuat course.md.")
    if len(courses) > 1:
        shown = ", ".join(_shown(name) for name in courses[:3])
        raise UploadRefused(f"ZIP ini berisi lebih dari satu course.md ({shown}). Unggah satu kursus per ZIP.")
    parts = courses[0].split("/")
    if len(parts) > 2:
        raise UploadRefused(f"course.md ada di {_shown(courses[0])}; ia harus di akar ZIP atau di satu folder teratas.")
    folder = parts[0] if len(parts) == 2 else ""
    for info in infos:
        if folder and info.orig_filename.split("/", 1)[0] != folder:
            raise _refused(info.orig_filename, f"letaknya di luar folder kursus {_shown(folder)}.")
    return folder


def _prepare_target(target: Path) -> bool:
    """Create ``target`` (True) or accept it empty (False); anything else is the caller's mistake."""
    try:
        target.mkdir(mode=0o755)
        return True
    except FileExistsError:
        if target.is_symlink() or not target.is_dir() or any(target.iterdir()):
            raise FileExistsError(f"{target} is not an empty folder") from None
        return False


def _write_entries(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], target: Path, limits: UploadLimits) -> None:
    budget = limits.max_total_uncompressed
    for info in infos:
        parts = info.orig_filename.rstrip("/").split("/")
        if info.orig_filename.endswith("/"):
            _make_folders(target, parts)
            continue
        _make_folders(target, parts[:-1])
        budget -= _write_file(archive, info, target.joinpath(*parts), min(budget, limits.max_file_uncompressed))


def _make_folders(target: Path, parts: list[str]) -> None:
    """Create each folder of ``parts`` under ``target``, refusing to pass through anything but a folder."""
    folder = target
    for part in parts:
        folder = folder / part
        try:
            folder.mkdir(mode=0o755)
        except FileExistsError:
            if not stat.S_ISDIR(os.lstat(folder).st_mode):
                raise _refused("/".join(parts), "bertabrakan dengan berkas lain.") from None


def _write_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, allowance: int) -> int:
    """Stream one entry into a new file, stopping at its declared size or ``allowance``; bytes written."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    written = 0
    with os.fdopen(os.open(path, flags, 0o644), "wb") as out:
        try:
            with archive.open(info) as source:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    # The declared sizes were checked, but only the bytes that come out are real.
                    if written > info.file_size or written > allowance:
                        raise _refused(info.orig_filename, "isinya lebih besar daripada yang tercatat di ZIP.")
                    out.write(chunk)
        except UploadRefused:
            raise
        except Exception as error:  # bad CRC, corrupt deflate data, truncated archive
            raise _refused(info.orig_filename, "isinya rusak sehingga tidak dapat dibuka.") from error
    return written


def _undo(target: Path, created: bool) -> None:
    """Leave ``target`` as it was: removed when we created it, else emptied."""
    if created:
        shutil.rmtree(target, ignore_errors=True)
        return
    for child in target.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


# --- messages -----------------------------------------------------------------------------------


def _refused(name: str, reason: str) -> UploadRefused:
    return UploadRefused(f"Berkas {_shown(name)} ditolak: {reason}")


def _shown(name: str) -> str:
    """The name quoted, with invisible characters written as escapes and long names shortened."""
    escaped = "".join(_escaped(char) for char in name)
    return f'"{escaped[:120]}…"' if len(escaped) > 120 else f'"{escaped}"'


def _escaped(char: str) -> str:
    if unicodedata.category(char) not in _HIDDEN_CATEGORIES:
        return char
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def _folded(name: str) -> str:
    """A name as case-insensitive, normalising file systems see it (macOS decomposes accents)."""
    return unicodedata.normalize("NFC", name).casefold()


def _mib(size: int) -> str:
    return f"{size / MIB:g} MiB"


def _too_many(limits: UploadLimits) -> str:
    return f"ZIP ini berisi lebih dari {limits.max_entries} berkas. Pisahkan kursus atau kurangi berkas media."
