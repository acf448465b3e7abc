"""Reading a content tree as hostile input: plain folders and regular files only.

A content folder (a git checkout, an uploaded ZIP) may hold symbolic links to
server files (``/proc/self/environ``, the database, ``.env``), FIFOs that
block a reader forever, devices, or huge files. Nothing here follows a link
or opens anything but a regular file, and every read is bounded; each refusal
is an ``Issue`` at line 1 of the entry, before any byte of it is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from elearn.content.issues import Issue, IssueList

#: A lesson, quiz, bank, course.md or module.md: far above any real text, far below a trap.
MAX_TEXT_BYTES = 1024 * 1024
#: One media file (images, PDFs, short audio); videos belong on a video host (iframe allow-list).
MAX_MEDIA_BYTES = 25 * 1024 * 1024
#: Every media file of one course together.
MAX_COURSE_MEDIA_BYTES = 200 * 1024 * 1024
#: Folders below a course's media/ folder.
MAX_MEDIA_DEPTH = 8

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def ignored(name: str) -> bool:
    """Names starting with ``.`` or ``_`` are drafts (content-format.md section 1)."""
    return name.startswith((".", "_"))


def _kind(path: Path) -> str:
    """``dir``, ``file``, ``link`` or ``other``, without following a link."""
    mode = path.lstat().st_mode
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


def refusal(kind: str) -> str | None:
    """Why an entry of this kind is refused (None: it is a plain folder or file)."""
    if kind == "link":
        return "symbolic link refused: content must be plain files and folders inside the course folder"
    if kind == "other":
        return "not a regular file (a device, pipe or socket): content must be plain files"
    return None


def listing(folder: Path, display: str, issues: list[Issue]) -> list[Path]:
    """The plain folders and regular files of ``folder`` that are not ignored, by name.

    Links and special files are reported and left out (ignored names are never
    read, so they are not looked at); an unreadable folder is reported.
    """
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        issues.append(Issue(display, 1, f"cannot read folder: {error.strerror or error}"))
        return []
    entries: list[Path] = []
    for name in names:
        if ignored(name):
            continue
        path = folder / name
        try:
            problem = refusal(_kind(path))
        except OSError as error:  # vanished while listed
            issues.append(Issue(os.path.join(display, name), 1, f"cannot read: {error.strerror or error}"))
            continue
        if problem is not None:
            issues.append(Issue(os.path.join(display, name), 1, problem))
        else:
            entries.append(path)
    return entries


def plain_file_exists(path: Path) -> bool:
    """Whether something (a file, or a link to refuse later) is at ``path``, without following links."""
    return os.path.lexists(path)


def read_bounded(path: Path, issues: IssueList, limit: int) -> bytes | None:
    """The bytes of a regular file of at most ``limit`` bytes, or None after reporting why not.

    The file is opened without following a link and checked with ``fstat`` on the
    open descriptor, so a link or FIFO swapped in after the listing is refused too.
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:
            issues.add(1, refusal("link") or "")
        else:
            issues.add(1, f"cannot read file: {error.strerror or error}")
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            issues.add(1, refusal("other") or "")
            return None
        if info.st_size > limit:
            issues.add(1, f"file is {_size(info.st_size)}, over the limit of {_size(limit)}")
            return None
        data = _read_at_most(fd, limit + 1)
    except OSError as error:
        issues.add(1, f"cannot read file: {error.strerror or error}")
        return None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew while being read
        issues.add(1, f"file is over the limit of {_size(limit)}")
        return None
    return data


def _read_at_most(fd: int, limit: int) -> bytes:
    os.set_blocking(fd, True)
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1024 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def walk_files(folder: Path, display: str, issues: list[Issue], depth: int = 0) -> list[tuple[str, Path, str]]:
    """Every regular file below ``folder`` as (path inside it with ``/``, path, display), links refused."""
    if depth > MAX_MEDIA_DEPTH:
        issues.append(Issue(display, 1, f"folders nested more than {MAX_MEDIA_DEPTH} levels deep"))
        return []
    found: list[tuple[str, Path, str]] = []
    for path in listing(folder, display, issues):
        shown = os.path.join(display, path.name)
        if path.is_dir():
            found.extend((f"{path.name}/{inside}", p, s) for inside, p, s in walk_files(path, shown, issues, depth + 1))
        else:
            found.append((path.name, path, shown))
    return found


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n} bytes"
