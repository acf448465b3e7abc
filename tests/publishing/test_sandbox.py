"""The checking child: the kernel stops it at its CPU and memory limits, the parent at its wall limit;
it answers with ``content check``'s issues, or with its renders."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from elearn.publishing.sandbox import ProcessLimits, SandboxFailed, check_in_child, display_name, run_limited
from tests.publishing.helpers import demo_course, zip_folder

LIMITED = "from elearn.publishing.sandbox import apply_limits\napply_limits()\n"


def python(code: str) -> list[str]:
    return [sys.executable, "-c", LIMITED + code]


def test_a_child_spinning_on_the_cpu_is_stopped_by_the_kernel() -> None:
    started = time.monotonic()
    with pytest.raises(SandboxFailed) as failed:
        run_limited(python("while True: pass"), b"", ProcessLimits(cpu_seconds=1, wall_seconds=30))
    assert failed.value.reason == "time"
    assert time.monotonic() - started < 10


def test_a_child_that_waits_is_stopped_at_the_wall_limit() -> None:
    with pytest.raises(SandboxFailed) as failed:
        run_limited(python("import time; time.sleep(60)"), b"", ProcessLimits(wall_seconds=1))
    assert failed.value.reason == "time"


def test_a_child_asking_for_too_much_memory_is_refused_it() -> None:
    with pytest.raises(SandboxFailed) as failed:
        run_limited(python("x = bytearray(2 * 1024**3)"), b"", ProcessLimits(memory_bytes=512 * 1024**2))
    assert failed.value.reason == "memory"


def test_a_child_failing_otherwise_is_a_crash() -> None:
    with pytest.raises(SandboxFailed) as failed:
        run_limited(python("raise SystemExit(5)"), b"")
    assert failed.value.reason == "crashed"


def test_a_child_may_not_write_a_file_larger_than_its_limit(tmp_path: Path) -> None:
    target = tmp_path / "besar.bin"
    code = f"open({str(target)!r}, 'wb').write(bytes(4 * 1024 * 1024))"
    with pytest.raises(SandboxFailed):
        run_limited(python(code), b"", ProcessLimits(file_bytes=1024 * 1024))
    assert target.stat().st_size <= 1024 * 1024


def test_the_child_answers_a_good_course_with_its_renders(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    outcome = check_in_child(zip_folder(demo_course(tmp_path)), work, filename="nilai-berakhlak.zip")
    assert outcome.refused is None and outcome.issues == []
    assert outcome.display_root == "nilai-berakhlak"
    assert len(outcome.renders) > 7


def test_the_child_answers_a_zip_without_a_course_with_the_refusal(tmp_path: Path) -> None:
    import io
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("a.txt", "x")
    work = tmp_path / "work"
    work.mkdir()
    outcome = check_in_child(data.getvalue(), work, filename="a.zip")
    assert outcome.refused is not None and "course.md" in outcome.refused


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("nilai-berakhlak.zip", "nilai-berakhlak"),
        ("C:\\Users\\Ani\\Kursus Baru (2).ZIP", "Kursus-Baru-2"),
        ("../../etc/passwd", "passwd"),
        ("....zip", "kursus"),
        ("", "kursus"),
    ],
)
def test_a_course_at_the_zip_root_is_named_after_a_plain_form_of_the_file_name(filename: str, shown: str) -> None:
    assert display_name(filename) == shown
