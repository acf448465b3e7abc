"""Course ZIP uploads: hostile archives are refused before anything is written; real courses extract and parse."""

from __future__ import annotations

import functools
import io
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from elearn.content.tree import parse_content
from elearn.content.upload import UploadLimits, UploadRefused, check_zip, extract_course_zip

CONTENT = Path(__file__).resolve().parents[2] / "content"
COURSE = "pelayanan-publik-prima"
GIB = 1024**3
MIB = 1024**2


# --- building archives --------------------------------------------------------------------------


def zip_of(*entries: tuple[str | zipfile.ZipInfo, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A ZIP made by zipfile; duplicate names are written as given (zipfile only warns)."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(out, "w", compression) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return out.getvalue()


def info(name: str, mode: int) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name)
    entry.create_system = 3
    entry.external_attr = mode << 16
    return entry


@dataclass
class Raw:
    """One entry written byte by byte, for what zipfile refuses to write (or writes honestly)."""

    name: bytes
    payload: bytes = b"x"  # the bytes stored in the archive (already compressed when method is deflate)
    size: int | None = None  # declared uncompressed size; the payload's length when None
    crc: int = 0
    method: int = zipfile.ZIP_STORED
    flags: int = 0
    local_name: bytes | None = None
    offset: int | None = None  # central directory's idea of where the local header is
    write_local: bool = True


def raw_zip(*entries: Raw) -> bytes:
    """Local headers and data, then the central directory and the end record."""
    body, central = bytearray(), bytearray()
    for entry in entries:
        offset = len(body)
        size = len(entry.payload) if entry.size is None else entry.size
        local_name = entry.name if entry.local_name is None else entry.local_name
        if entry.write_local:
            body += struct.pack(
                "<4s2B4HL2L2H", b"PK\x03\x04", 20, 0, entry.flags, entry.method, 0, 0x21, entry.crc,
                len(entry.payload), size, len(local_name), 0,
            )  # fmt: skip
            body += local_name + entry.payload
        central += struct.pack(
            "<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 3, 20, 0, entry.flags, entry.method, 0, 0x21, entry.crc,
            len(entry.payload), size, len(entry.name), 0, 0, 0, 0, (stat.S_IFREG | 0o644) << 16,
            offset if entry.offset is None else entry.offset,
        )  # fmt: skip
        central += entry.name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), len(body), 0)
    return bytes(body + central + end)


def stored(name: bytes, content: bytes = b"isi") -> Raw:
    return Raw(name, content, crc=zlib.crc32(content))


@functools.cache
def gib_of_zeros() -> tuple[bytes, int]:
    """A real deflate stream of 1 GiB of zeros (about 1 MB) and its CRC, built in well under a second.

    After a full flush deflate starts afresh, so every further MiB of zeros compresses to the same bytes.
    """
    mib = bytes(MIB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = first + again * (GIB // MIB - 2) + compressor.compress(mib) + compressor.flush()
    crc = 0
    for _ in range(GIB // MIB):
        crc = zlib.crc32(mib, crc)
    return stream, crc


def deflated(content: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(content) + compressor.flush()


def course_zip(prefix: str = f"{COURSE}/", *, junk: bool = False, extra: dict[str, bytes] | None = None) -> bytes:
    """A real course from content/ zipped as right-click "compress" makes it (``prefix`` "" for no folder)."""
    source = CONTENT / COURSE
    entries: list[tuple[str | zipfile.ZipInfo, bytes]] = []
    if prefix:
        entries.append((info(prefix, stat.S_IFDIR | 0o755), b""))
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source).as_posix()
        if path.is_dir():
            entries.append((info(f"{prefix}{relative}/", stat.S_IFDIR | 0o755), b""))
        else:
            entries.append((f"{prefix}{relative}", path.read_bytes()))
    if junk:
        entries += [
            ("__MACOSX/", b""),
            (f"__MACOSX/{prefix}._course.md", b"\0\5\x16\7 apple double"),
            (f"{prefix}.DS_Store", b"\0\0\0\1Bud1"),
            (f"{prefix}media/Thumbs.db", b"thumbs"),
        ]
    entries += list((extra or {}).items())
    return zip_of(*entries)


# --- hostile archives ---------------------------------------------------------------------------

SYMLINK = zip_of((info("kursus/course.md", 0o120777), b"/etc/passwd"))
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "symlink": (lambda: SYMLINK, 'Berkas "kursus/course.md" ditolak: berupa tautan simbolik (symlink).'),
    "fifo": (lambda: zip_of((info("pipa", stat.S_IFIFO | 0o644), b"")), 'Berkas "pipa" ditolak: bukan berkas biasa.'),
    "dotdot": (lambda: zip_of(("course.md", b"x"), ("../evil", b"x")), 'Berkas "../evil" ditolak: jalurnya memuat ..'),
    "dotdot-inside": (
        lambda: zip_of(("a/../../evil.md", b"x")),
        'Berkas "a/../../evil.md" ditolak: jalurnya memuat ..',
    ),
    "absolute": (lambda: zip_of(("/etc/x", b"x")), 'Berkas "/etc/x" ditolak: jalurnya mutlak'),
    "drive-letter": (lambda: zip_of(("C:/x", b"x")), 'Berkas "C:/x" ditolak: jalurnya diawali huruf drive'),
    "drive-backslash": (lambda: zip_of(("C:\\x", b"x")), 'Berkas "C:\\x" ditolak: namanya memakai garis miring'),
    "backslash": (lambda: zip_of(("kursus\\..\\..\\x", b"x")), 'Berkas "kursus\\..\\..\\x" ditolak: namanya memakai'),
    "nul": (
        lambda: raw_zip(stored(b"course.md\0.png")),
        'Berkas "course.md\\x00.png" ditolak: namanya memuat karakter',
    ),
    "newline": (lambda: zip_of(("a\nb.md", b"x")), 'Berkas "a\\x0ab.md" ditolak: namanya memuat karakter kendali'),
    "bidi-override": (lambda: zip_of(("gpj.\u202emd", b"x")), 'Berkas "gpj.\\u202emd" ditolak: namanya memuat'),
    "duplicate": (
        lambda: zip_of(("course.md", b"a"), ("course.md", b"b")),
        'Berkas "course.md" ditolak: namanya sama dengan "course.md"',
    ),
    "case-duplicate": (
        lambda: zip_of(("Media/a.svg", b"a"), ("media/A.svg", b"b")),
        'Berkas "media/A.svg" ditolak: namanya sama dengan "Media/a.svg"',
    ),
    "unicode-duplicate": (
        lambda: zip_of(("caf\u00e9.md", b"a"), ("cafe\u0301.md", b"b")),
        'Berkas "cafe\u0301.md" ditolak: namanya sama dengan "caf\u00e9.md"',
    ),
    "file-and-folder": (
        lambda: zip_of(("modul", b"a"), ("modul/01-a.md", b"b")),
        'Berkas "modul" ditolak: namanya juga dipakai sebagai nama folder.',
    ),
    "empty-component": (lambda: zip_of(("a//b.md", b"x")), 'Berkas "a//b.md" ditolak: jalurnya memuat bagian kosong'),
    "too-deep": (lambda: zip_of(("1/2/3/4/5/6/7/8/9.md", b"x")), 'Berkas "1/2/3/4/5/6/7/8/9.md" ditolak: letaknya'),
    "long-name": (lambda: zip_of(("a" * 256, b"x")), f'Berkas "{"a" * 120}…" ditolak: namanya lebih dari 255'),
    "encrypted-flag": (
        lambda: raw_zip(Raw(b"course.md", b"x", flags=0x1)),
        'Berkas "course.md" ditolak: berkasnya dienkripsi',
    ),
    "unknown-method": (
        lambda: raw_zip(Raw(b"course.md", b"x", method=99)),
        'Berkas "course.md" ditolak: dipadatkan dengan metode yang tidak didukung',
    ),
    "local-name-differs": (
        lambda: raw_zip(stored(b"course.md"), Raw(b"media/a.svg", b"x", local_name=b"../../a.sh")),
        'Berkas "media/a.svg" ditolak: nama di kepala berkasnya berbeda ("../../a.sh").',
    ),
    "overlapping-entries": (
        # The second entry's header and data sit inside the first entry's data: one copy, two entries.
        lambda: raw_zip(
            stored(b"course.md", raw_zip(stored(b"lesson.md"))[: 30 + len(b"lesson.md") + len(b"isi")]),
            Raw(b"lesson.md", b"isi", crc=zlib.crc32(b"isi"), offset=30 + len(b"course.md"), write_local=False),
        ),
        'Berkas "lesson.md" ditolak: datanya bertumpuk dengan "course.md"',
    ),
    "gib-of-zeros-declared": (
        lambda: raw_zip(
            Raw(b"kursus/media/video.mp4", gib_of_zeros()[0], GIB, gib_of_zeros()[1], zipfile.ZIP_DEFLATED)
        ),
        'Berkas "kursus/media/video.mp4" ditolak: ukurannya setelah dibuka melebihi 25 MiB.',
    ),
    "ratio-bomb": (
        lambda: zip_of(("media/nol.svg", bytes(2 * MIB))),
        'Berkas "media/nol.svg" ditolak: rasio pemadatannya mencurigakan',
    ),
    "total-too-big": (
        # Each entry declares 20 MiB from 110 KiB (a ratio under 200); eleven of them pass 200 MiB.
        lambda: raw_zip(*(Raw(f"media/{n}.bin".encode(), bytes(110 * 1024), 20 * MIB, method=8) for n in range(11))),
        "ditolak: ukuran seluruh isi ZIP setelah dibuka melebihi 200 MiB.",
    ),
    "stored-size-mismatch": (
        lambda: raw_zip(Raw(b"course.md", b"x" * 10, size=5)),
        'Berkas "course.md" ditolak: ukurannya di dalam ZIP tidak konsisten.',
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_zip_is_refused_naming_the_entry_and_nothing_is_written(kind: str, tmp_path: Path) -> None:
    build, expected = HOSTILE[kind]
    data = build()
    with pytest.raises(UploadRefused) as checked:
        check_zip(data)
    assert expected in checked.value.message
    target = tmp_path / "upload"
    with pytest.raises(UploadRefused) as extracted:
        extract_course_zip(data, target)
    assert extracted.value.message == checked.value.message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_3000_entries_are_refused_from_the_end_record_before_the_directory_is_read(tmp_path: Path) -> None:
    data = zip_of(*((f"media/{number}.svg", b"") for number in range(3000)))
    with pytest.raises(UploadRefused, match="lebih dari 2000 berkas"):
        check_zip(data)
    # An end record that understates the count does not help: what zipfile then parses is counted.
    end = data.rfind(b"PK\x05\x06")
    understated = data[: end + 8] + struct.pack("<2H", 10, 10) + data[end + 12 :]
    with pytest.raises(UploadRefused, match="lebih dari 2000 berkas"):
        check_zip(understated)
    target = tmp_path / "empty"
    target.mkdir()
    with pytest.raises(UploadRefused):
        extract_course_zip(data, target)
    assert list(target.iterdir()) == []


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(100), id="png"),
        pytest.param(b"PK\x05\x06" + bytes(10), id="truncated-end-record"),
        pytest.param(zip_of(("course.md", b"x" * 100))[:-30], id="truncated-zip"),
    ],
)
def test_what_is_not_a_whole_zip_is_refused(data: bytes) -> None:
    with pytest.raises(UploadRefused, match="bukan ZIP yang utuh"):
        check_zip(data)


def test_a_zip_over_the_size_limit_is_refused_before_reading_it() -> None:
    with pytest.raises(UploadRefused, match="^Berkas ZIP lebih dari"):
        check_zip(course_zip(), UploadLimits(max_zip_bytes=1048))


def test_a_bomb_whose_declared_size_lies_is_refused_while_streaming_and_what_was_written_is_removed(
    tmp_path: Path,
) -> None:
    zeros = bytes(30 * MIB)
    liar = Raw(b"kursus/media/b.svg", deflated(zeros), size=1000, crc=zlib.crc32(zeros), method=8)
    data = raw_zip(stored(b"kursus/course.md", b"---\ncode: X\n---\n"), liar)
    assert [entry.file_size for entry in check_zip(data)] == [16, 1000]  # the directory looks harmless
    target = tmp_path / "upload"
    target.mkdir()
    with pytest.raises(UploadRefused) as refused:
        extract_course_zip(data, target)
    assert refused.value.message == 'Berkas "kursus/media/b.svg" ditolak: isinya rusak sehingga tidak dapat dibuka.'
    assert list(target.iterdir()) == []


def test_a_corrupt_entry_is_refused_while_streaming_and_the_target_left_empty(tmp_path: Path) -> None:
    data = raw_zip(stored(b"course.md", b"---\n"), Raw(b"01-a.md", b"not deflate", size=50, method=8))
    target = tmp_path / "upload"
    with pytest.raises(UploadRefused, match='Berkas "01-a.md" ditolak: isinya rusak'):
        extract_course_zip(data, target)
    assert not target.exists()


def test_a_file_stream_is_checked_like_bytes() -> None:
    assert len(check_zip(io.BytesIO(course_zip()))) == len(check_zip(course_zip()))
    with pytest.raises(UploadRefused, match="symlink"):
        check_zip(io.BytesIO(SYMLINK))


# --- courses ------------------------------------------------------------------------------------


def files_under(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("prefix", [f"{COURSE}/", ""], ids=["top-level-folder", "course-at-root"])
def test_a_real_course_extracts_without_junk_and_parses_without_issues(prefix: str, tmp_path: Path) -> None:
    target = tmp_path / "upload"
    folder = extract_course_zip(course_zip(prefix, junk=True), target)
    assert folder == (target / COURSE if prefix else target)
    assert files_under(folder) == files_under(CONTENT / COURSE)
    if prefix:
        assert list(target.iterdir()) == [folder]  # no __MACOSX beside it
    courses, issues = parse_content(folder, "unggahan")
    assert issues == []
    assert [course.code for course in courses] == [parse_content(CONTENT / COURSE, "content")[0][0].code]


def test_extracted_files_and_folders_get_plain_permissions_whatever_the_zip_says(tmp_path: Path) -> None:
    data = zip_of(("course.md", b"---\n"), (info("tool.sh", stat.S_IFREG | 0o4777), b"#!/bin/sh\n"))
    folder = extract_course_zip(data, tmp_path / "upload")
    mode = (folder / "tool.sh").stat().st_mode
    assert not mode & (stat.S_ISUID | stat.S_IXUSR | stat.S_IWOTH)


def test_a_zip_without_course_md_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused, match="tidak berisi course.md"):
        extract_course_zip(zip_of(("kursus/01-a/01-a.md", b"x"), ("__MACOSX/course.md", b"x")), tmp_path / "u")
    assert not (tmp_path / "u").exists()


def test_a_zip_of_several_courses_is_refused(tmp_path: Path) -> None:
    data = zip_of(("a/course.md", b"x"), ("b/course.md", b"x"))
    with pytest.raises(UploadRefused, match=r'lebih dari satu course.md \("a/course.md", "b/course.md"\)'):
        extract_course_zip(data, tmp_path / "u")


def test_course_md_deeper_than_one_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadRefused, match='course.md ada di "a/b/course.md"'):
        extract_course_zip(zip_of(("a/b/course.md", b"x")), tmp_path / "u")


def test_a_file_beside_the_course_folder_is_refused_by_name(tmp_path: Path) -> None:
    data = course_zip(extra={"catatan.txt": b"x"})
    with pytest.raises(UploadRefused, match=f'Berkas "catatan.txt" ditolak: letaknya di luar folder kursus "{COURSE}"'):
        extract_course_zip(data, tmp_path / "u")


def test_the_target_must_be_absent_or_empty(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("x")
    with pytest.raises(FileExistsError):
        extract_course_zip(course_zip(), tmp_path)
    assert [path.name for path in tmp_path.iterdir()] == ["kept.txt"]


class Unseekable(io.RawIOBase):
    """A write-only stream without seek, so zipfile writes data descriptors as streaming zippers do."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: bytes) -> int:  # type: ignore[override]
        self.data += chunk
        return len(chunk)


def test_a_streamed_zip_with_data_descriptors_and_windows_attributes_extracts(tmp_path: Path) -> None:
    sink = Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in [("kursus/course.md", b"---\ncode: X\n---\n"), ("kursus/01-a/01-a.md", b"# A\n")]:
            entry = zipfile.ZipInfo(name)
            entry.create_system, entry.external_attr = 0, 0x20  # MS-DOS "archive" attribute, no Unix mode
            archive.writestr(entry, content)
    data = bytes(sink.data)
    assert all(entry.flag_bits & 0x08 for entry in check_zip(data))
    folder = extract_course_zip(data, tmp_path / "u")
    assert (folder / "01-a" / "01-a.md").read_bytes() == b"# A\n"


def zip64_ended(data: bytes, entries: int) -> bytes:
    """``data`` with a ZIP64 end record and locator claiming ``entries`` (the plain end record says 1)."""
    end = data.rfind(b"PK\x05\x06")
    directory_size, directory_offset = struct.unpack_from("<2L", data, end + 12)
    record = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, directory_size, directory_offset
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    end_record = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, directory_size, directory_offset, 0)
    return data[:end] + record + locator + end_record


def test_a_zip64_end_record_is_read_and_one_claiming_a_billion_entries_is_refused() -> None:
    data = zip_of(("course.md", b"x"))
    assert [entry.filename for entry in check_zip(zip64_ended(data, 1))] == ["course.md"]
    with pytest.raises(UploadRefused, match="lebih dari 2000 berkas"):
        check_zip(zip64_ended(data, 10**9))
