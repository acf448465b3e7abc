"""Build small course trees on disk for loader and learning-flow tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


def write(path: Path, text: str) -> Path:
    """Write dedented ``text`` to ``path`` (parents created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def course_md(code: str = "TST-1", **extra: str) -> str:
    """A ``course.md`` with the required keys; ``extra`` adds YAML lines."""
    lines = [
        "---",
        f"code: {code}",
        f"title: Kursus {code}",
        "summary: Ringkasan kursus uji",
        "jp: 4",
        "competency: teknis",
        *[f"{key}: {value}" for key, value in extra.items()],
        "---",
        f"Deskripsi kursus {code}.",
        "",
    ]
    return "\n".join(lines)


QUIZ = """\
---
title: Kuis modul
pass: 50
---
## Apa kepanjangan ASN? {id=q-asn}

- [x] Aparatur Sipil Negara
- [ ] Aparatur Sipil Nasional

## Berapa JP minimal setahun?

= 20
"""


def build_course(
    root: Path,
    code: str = "TST-1",
    *,
    modules: int = 2,
    lessons: int = 2,
    quiz: bool = True,
    folder: str | None = None,
    **course_keys: str,
) -> Path:
    """A course folder with ``modules`` modules of ``lessons`` lessons (and a quiz
    in the first module); returns the folder."""
    course = root / (folder or code.lower())
    write(course / "course.md", course_md(code, **course_keys))
    (course / "media").mkdir(parents=True, exist_ok=True)
    (course / "media" / "gambar.svg").write_bytes(SVG)
    for m in range(1, modules + 1):
        module = course / f"{m:02d}-modul-{m}"
        write(module / "module.md", f"---\ntitle: Modul {m}\n---\nPengantar modul {m}.\n")
        for n in range(1, lessons + 1):
            write(
                module / f"{n:02d}-pelajaran-{n}.md",
                f"# Pelajaran {m}.{n}\n\nIsi pelajaran {m}.{n} ![gambar](../media/gambar.svg)\n",
            )
        if quiz and m == 1:
            write(module / f"{lessons + 1:02d}-kuis.quiz.md", QUIZ)
    return course
