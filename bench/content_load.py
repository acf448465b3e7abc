"""Benchmark ``elearn content load`` / ``check`` on a generated tree of 50 courses x 40 lessons.

Usage (from the repository root)::

    .venv/bin/python bench/content_load.py                      # SQLite in a temp dir
    .venv/bin/python bench/content_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/elearn_bench
    .venv/bin/python bench/content_load.py --profile            # also cProfile the unchanged reload

Measures, with ``time.perf_counter()`` around subprocess runs of the real CLI:
CLI start-up (``elearn content --help``), the first load, unchanged reloads
(the summary must be ``0 created, 0 updated, N unchanged, 0 archived``), a
reload after editing one lesson (``0 created, 1 updated, ...``) and
``elearn content check``. Then, in-process, splits parsing
(``parse_content``) from writing (``sync_courses``). The PostgreSQL database
must exist and be empty; the script runs ``elearn db upgrade`` itself.
Exits 1 when a command failed or printed an unexpected summary.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchlib import (
    Report,
    check_ok,
    cli_env,
    describe_database,
    expect_line,
    load_average,
    machine,
    median,
    run_cli,
)

TARGET_FIRST_LOAD = 10.0
TARGET_UNCHANGED = 2.0

WORDS = """
aparatur sipil negara pelayanan publik masyarakat kinerja pegawai instansi pemerintah daerah
pusat kebijakan pelaksanaan pengawasan akuntabilitas transparansi integritas kompetensi
pengembangan pelatihan pembelajaran evaluasi laporan anggaran perencanaan program kegiatan
sasaran indikator capaian target standar prosedur operasional layanan pengaduan warga
digital data informasi sistem elektronik aplikasi keamanan privasi arsip dokumen surat
koordinasi kolaborasi komunikasi tim unit bidang seksi kepala dinas badan kantor wilayah
kabupaten kota provinsi kecamatan kelurahan desa penduduk kesehatan pendidikan perizinan
yang dan untuk dengan dalam pada oleh dari ke agar serta atau tetapi karena sehingga
setiap semua beberapa berbagai tersebut adalah merupakan menjadi dapat harus perlu akan
meningkatkan menyusun melaksanakan memastikan mengelola menerapkan memantau menilai
memperbaiki menyampaikan mendokumentasikan mengukur membandingkan menetapkan menyepakati
secara berkala tepat waktu efektif efisien terukur terbuka jujur cermat bertanggung jawab
""".split()

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60" viewBox="0 0 120 60">'
    '<rect width="120" height="60" fill="#e8eef7"/><text x="10" y="35" font-size="12">{label}</text></svg>'
)


def sentence(rng: random.Random, low: int = 8, high: int = 16) -> str:
    """One Indonesian-looking sentence."""
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int) -> str:
    """A paragraph wrapped at about 78 characters."""
    text = " ".join(sentence(rng) for _ in range(sentences))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


def table(rng: random.Random) -> str:
    """A small three-row Markdown table."""
    rows = [f"| {i} | {' '.join(rng.choices(WORDS, k=2))} | {' '.join(rng.choices(WORDS, k=3))} |" for i in (1, 2, 3)]
    return "| Tahap | Penanggung jawab | Keluaran |\n|---|---|---|\n" + "\n".join(rows)


def lesson_text(rng: random.Random, course: int, m: int, n: int, previous: str | None, media: str) -> str:
    """A ~300-word lesson: front matter, heading, paragraphs, list, table, image, link back."""
    front = ["---", f"title: Pelajaran {m}.{n} kursus {course}"]
    if n % 2 == 0:
        front.append(f"id: k{course:02d}-m{m}-l{n:02d}")
    front.append("---")
    parts = [
        "\n".join(front),
        f"# Pelajaran {m}.{n}: {sentence(rng, 3, 5)[:-1]}",
        paragraph(rng, 6),
        f"![Diagram modul {m}](../media/{media})",
        f"## Langkah {m}.{n}",
        "\n".join(f"- {sentence(rng, 5, 9)}" for _ in range(4)),
        table(rng),
        paragraph(rng, 6),
    ]
    if previous is not None:
        parts.append(f"Ulangi juga [pelajaran sebelumnya]({previous}) sebelum melanjutkan.")
    parts.append(paragraph(rng, 4))
    return "\n\n".join(parts) + "\n"


def quiz_text(rng: random.Random, course: int, m: int) -> str:
    """Five questions of mixed types, in the Markdown quiz syntax (content-format.md section 4)."""
    tag = f"k{course:02d}m{m}"
    w = rng.choice
    questions = [
        f"## Apa tujuan utama {w(WORDS)} {w(WORDS)} pada modul {m}? {{id=q-{tag}-tujuan}}\n\n"
        f"- [x] {sentence(rng, 4, 7)}\n  > Tepat.\n- [ ] {sentence(rng, 4, 7)}\n- [ ] {sentence(rng, 4, 7)}",
        f"## Laporan {w(WORDS)} disusun secara berkala (kursus {course}, modul {m}).\n\n"
        "- [x] Benar\n- [ ] Salah\n\n> Laporan berkala adalah bagian dari akuntabilitas.",
        f"## Manakah yang termasuk langkah {w(WORDS)} pada modul {m}? {{points=2}}\n\n"
        f"- [x] {sentence(rng, 3, 6)}\n- [x] {sentence(rng, 3, 6)}\n- [ ] {sentence(rng, 3, 6)}\n"
        f"- [ ] {sentence(rng, 3, 6)}",
        f"## Berapa JP minimal yang harus dicapai ASN setiap tahun (modul {m})? {{id=q-{tag}-jp}}\n\n= 20",
        f"## Singkatan dari ASN adalah (modul {m}, kursus {course})\n\n= Aparatur Sipil Negara\n= ASN",
        f"## Pasangkan istilah berikut (modul {m}). {{points=3}}\n\n"
        "- BKN -> Manajemen kepegawaian\n- LAN -> Pengembangan kompetensi\n"
        "- KemenPANRB -> Kebijakan reformasi birokrasi",
        f"## Uraikan penerapan modul {m} di unit kerja Anda. {{type=essay points=5}}",
    ]
    # Five of the seven kinds, always including single choice and true/false.
    chosen = questions[:2] + rng.sample(questions[2:], 3)
    front = f"---\ntitle: Kuis modul {m}\npass: 70\nattempts: 3\n---\n\n{paragraph(rng, 1)}\n\n"
    return front + "\n\n".join(chosen) + "\n"


def generate(root: Path, courses: int, modules: int, lessons: int, seed: int) -> tuple[int, Path]:
    """Write the tree under ``root``; returns (number of counted items, one lesson file to edit)."""
    rng = random.Random(seed)
    items = 0
    edit_target: Path | None = None
    for c in range(1, courses + 1):
        folder = root / f"kursus-{c:02d}"
        (folder / "media").mkdir(parents=True)
        for m in range(1, modules + 1):
            (folder / "media" / f"diagram-{m}.svg").write_text(SVG.format(label=f"Modul {m}"), encoding="utf-8")
        (folder / "course.md").write_text(
            f"---\ncode: BENCH-{c:03d}\ntitle: Kursus Uji Beban {c}\nsummary: {sentence(rng, 6, 10)}\n"
            f"jp: {rng.randint(2, 12)}\ncompetency: {rng.choice(['teknis', 'manajerial', 'sosial-kultural'])}\n"
            f"tags: [uji, beban, kursus-{c}]\n---\n\n{paragraph(rng, 4)}\n",
            encoding="utf-8",
        )
        items += 1
        previous: str | None = None
        for m in range(1, modules + 1):
            module = folder / f"{m:02d}-modul-{m}"
            module.mkdir()
            (module / "module.md").write_text(f"---\ntitle: Modul {m}\n---\n\n{paragraph(rng, 2)}\n", encoding="utf-8")
            items += 1
            for n in range(1, lessons + 1):
                name = f"{n:02d}-pelajaran-{n}.md"
                path = module / name
                path.write_text(lesson_text(rng, c, m, n, previous, f"diagram-{m}.svg"), encoding="utf-8")
                previous = f"../{module.name}/{name}"
                items += 1
                if c == (courses + 1) // 2 and m == 1 and n == lessons // 2:
                    edit_target = path
            quiz = quiz_text(rng, c, m)
            (module / f"{lessons + 1:02d}-kuis-modul-{m}.quiz.md").write_text(quiz, encoding="utf-8")
            items += 1 + quiz.count("\n## ")
    assert edit_target is not None
    return items, edit_target


def profile_unchanged(directory: Path, env: dict[str, str], cwd: Path, out: Path, top: int) -> str:
    """cProfile one unchanged ``elearn content load`` run; the top entries by cumulative and own time."""
    prof = out / "unchanged_reload.prof"
    profiler = [sys.executable, "-m", "cProfile", "-o", str(prof)]
    run = run_cli(["content", "load", str(directory)], env, cwd, prefix=profiler)
    if run.returncode != 0:
        return f"profiled run failed: {run.stderr.strip()[-500:]}"
    buffer = io.StringIO()
    stats = pstats.Stats(str(prof), stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    buffer.write("\n--- by own time (tottime) ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return f"profile written to {prof} ({run.seconds:.2f} s wall under cProfile)\n{buffer.getvalue()}"


def in_process(directory: Path, database_url: str, report: Report, stage: str) -> None:
    """Time create_app, parse_content and sync_courses in this process; the write is rolled back.

    ``stage`` is "empty" (before the CLI loads: a first-load sync) or "loaded" (an unchanged sync).
    Figures: wall seconds, and this process's CPU seconds.
    """
    os.environ["ELEARN_DATABASE_URL"] = database_url
    os.environ.setdefault("ELEARN_SECRET_KEY", "bench-only-secret-key")
    wall, cpu = time.perf_counter(), time.process_time()
    from elearn import create_app
    from elearn.content.prerender import prerendering
    from elearn.content.renders import known_renders
    from elearn.content.sync import Tally, sync_courses
    from elearn.content.tree import parse_content
    from elearn.core.markup import using_render_cache
    from elearn.extensions import db

    app = create_app()
    if stage == "empty":
        note = "fixed cost of every CLI run (first import in this process)"
        spent = (time.perf_counter() - wall, time.process_time() - cpu)
        report.add("in-process: import elearn + create_app", spent[0], note, spent[1])
    with app.app_context():
        # As the CLI does: kept renders from the database, lesson bodies on every core.
        wall, cpu = time.perf_counter(), time.process_time()
        with using_render_cache(known_renders()), prerendering():
            courses, issues = parse_content(directory, str(directory))
        parsed = (time.perf_counter() - wall, time.process_time() - cpu)
        if issues:
            report.problem(f"in-process parse: {len(issues)} issue(s), first: {issues[0]}")
            return
        wall, cpu = time.perf_counter(), time.process_time()
        reports = sync_courses(courses)
        synced = (time.perf_counter() - wall, time.process_time() - cpu)
        total = Tally()
        for one in reports:
            total += one.tally
        db.session.rollback()
        db.session.remove()
    label = "first load" if stage == "empty" else "unchanged"
    note = f"{len(courses)} courses, with the render cache and worker processes (CPU s: main process only)"
    report.add(f"in-process: parse_content ({label})", parsed[0], note, parsed[1])
    report.add(f"in-process: sync_courses ({label}, flush, rolled back)", synced[0], f"`{total.line()}`", synced[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL", help="also run against this (empty, existing) PostgreSQL database")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite run")
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--lessons", type=int, default=10, help="lessons per module")
    parser.add_argument("--repeat", type=int, default=3, help="unchanged reloads to time (median reported)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--profile", action="store_true", help="cProfile an unchanged reload even when on target")
    parser.add_argument("--top", type=int, default=30, help="profile entries to print")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (tree, SQLite file, profile)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="elearn-bench-content-"))
    tree = work / "content"
    tree.mkdir()
    start = time.perf_counter()
    items, edit_target = generate(tree, args.courses, args.modules, args.lessons, args.seed)
    generated = time.perf_counter() - start
    files = [p for p in tree.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    lesson_files = [p for p in files if p.name[0].isdigit() and not p.name.endswith(".quiz.md")]
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in lesson_files)
    print(f"machine: {machine()}")
    print(
        f"tree: {tree}: {args.courses} courses x {args.modules} modules x {args.lessons} lessons + 1 quiz per module;"
        f" {len(files)} files, {size / 1e6:.1f} MB, {words / len(lesson_files):.0f} words per lesson,"
        f" {items} counted items;"
        f" generated in {generated:.2f} s",
        flush=True,
    )

    targets: list[str] = []
    if not args.no_sqlite:
        targets.append(f"sqlite:///{work / 'bench.db'}")
    if args.postgres:
        targets.append(args.postgres)
    failed = False
    for url in targets:
        failed |= bench_database(url, tree, edit_target, items, work, args)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def bench_database(url: str, tree: Path, edit_target: Path, items: int, work: Path, args: argparse.Namespace) -> bool:
    """Run the whole sequence against one database; whether anything went wrong."""
    name = describe_database(url)
    report = Report(f"content load: {name}, {args.courses} courses, {items} items ({machine()}, {load_average()})")
    env = cli_env(url)
    load = ["content", "load", str(tree)]
    unchanged_line = f"0 created, 0 updated, {items} unchanged, 0 archived"
    one_updated_line = f"0 created, 1 updated, {items - 1} unchanged, 0 archived"
    print(f"\n== {name} ==", flush=True)

    upgrade = run_cli(["db", "upgrade"], env, work)
    if not check_ok(report, upgrade, "elearn db upgrade"):
        report.print()
        return True
    report.add_run("elearn db upgrade (fresh database)", upgrade)
    startup = run_cli(["content", "--help"], env, work)
    check_ok(report, startup, "elearn content --help")
    report.add_run("CLI start-up (elearn content --help)", startup, "import + create_app, no work")

    in_process(tree, url, report, "empty")

    first = run_cli(load, env, work)
    created_line = f"{items} created, 0 updated, 0 unchanged, 0 archived"
    if check_ok(report, first, "first load"):
        expect_line(report, "first load summary", first.last_line(), created_line)
    verdict = "OK" if first.seconds < TARGET_FIRST_LOAD else "MISSED"
    report.add_run("(a) first load", first, f"target < {TARGET_FIRST_LOAD:.0f} s: {verdict}; `{first.last_line()}`")

    runs = []
    for i in range(args.repeat):
        again = run_cli(load, env, work)
        if check_ok(report, again, f"unchanged reload #{i + 1}"):
            expect_line(report, f"unchanged reload #{i + 1} summary", again.last_line(), unchanged_line)
        runs.append(again)
    unchanged = median([r.seconds for r in runs])
    verdict = "OK" if unchanged < TARGET_UNCHANGED else "MISSED"
    shown = ", ".join(f"{r.seconds:.2f}" for r in runs)
    note = f"target < {TARGET_UNCHANGED:.0f} s: {verdict}; runs {shown}; `{runs[-1].last_line()}`"
    report.add(f"(b) unchanged reload (median of {args.repeat})", unchanged, note, median([r.cpu for r in runs]))

    in_process(tree, url, report, "loaded")

    original = edit_target.read_text(encoding="utf-8")
    extra = "\nParagraf tambahan untuk menguji muat ulang setelah satu pelajaran diubah.\n"
    edit_target.write_text(original + extra, encoding="utf-8")
    try:
        edited = run_cli(load, env, work)
        if check_ok(report, edited, "reload after one edit"):
            expect_line(report, "reload after one edit summary", edited.last_line(), one_updated_line)
        report.add_run("(c) reload after editing one lesson", edited, f"`{edited.last_line()}`")
        after = run_cli(load, env, work)
        if check_ok(report, after, "unchanged reload after the edit"):
            expect_line(report, "unchanged reload after the edit summary", after.last_line(), unchanged_line)
    finally:
        edit_target.write_text(original, encoding="utf-8")
    restored = run_cli(load, env, work)  # back to the generated tree (not reported)
    if check_ok(report, restored, "reload after undoing the edit"):
        expect_line(report, "reload after undoing the edit summary", restored.last_line(), one_updated_line)

    check = run_cli(["content", "check", str(tree)], env, work)
    if check_ok(report, check, "content check"):
        expect_line(report, "content check output", check.last_line(), f"{args.courses} course(s) OK")
    report.add_run("(d) elearn content check", check, f"`{check.last_line()}`")
    report.print()

    if args.profile or unchanged >= TARGET_UNCHANGED:
        # The database holds the generated tree again, so this run is an unchanged reload too.
        profile_dir = work / name.lower()
        profile_dir.mkdir(exist_ok=True)
        print(f"#### cProfile of an unchanged reload ({name})\n")
        print(profile_unchanged(tree, env, work, profile_dir, args.top))
    return bool(report.problems)


if __name__ == "__main__":
    sys.exit(main())
