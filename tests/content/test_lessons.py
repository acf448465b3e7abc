"""Lesson files: defaults, rendering, sanitising, and media and lesson links."""

from __future__ import annotations

import hashlib
from pathlib import Path

from elearn.content.issues import IssueList
from elearn.content.lessons import BodyRenderer, CourseIndex, first_heading, reading_minutes
from elearn.content.specs import CourseSpec, LessonSpec, lesson_link_placeholder
from elearn.content.tree import parse_content

COURSE_MD = "---\ncode: PEL-01\ntitle: Pelayanan\njp: 4\ncompetency: teknis\n---\nDescription.\n"
LOGO = b"\x89PNG fake logo"
LOGO_VERSION = hashlib.sha256(LOGO).hexdigest()[:12]


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def parse_course(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[CourseSpec, list[str]]:
    tree = {"course.md": COURSE_MD, "media/logo.png": LOGO, **files}
    courses, issues = parse_content(write_tree(tmp_path / "pelayanan", tree), "content/pelayanan")
    assert len(courses) == 1
    return courses[0], [str(issue) for issue in issues]


def lessons_of(course: CourseSpec) -> list[LessonSpec]:
    return [item for module in course.modules for item in module.items if isinstance(item, LessonSpec)]


def render(
    markdown_text: str,
    *,
    index: CourseIndex | None = None,
    file_rel: str = "01-a/01-x.md",
    iframe_hosts: tuple[str, ...] = (),
) -> tuple[str, list[str]]:
    issues = IssueList("x.md")
    renderer = BodyRenderer(markdown_text, issues, index=index, file_rel=file_rel, iframe_hosts=iframe_hosts)
    html = renderer.render(markdown_text, 1)
    return html, [str(issue) for issue in issues.items]


INDEX = CourseIndex(
    code="PEL-01",
    media={"logo.png": "a" * 64, "docs/panduan lengkap.pdf": "b" * 64},
    lessons={"01-a/01-x.md": "a/x", "01-a/02-next.md": "a/next", "02-b/01-other.md": "kunci-lain"},
    quizzes=frozenset({"01-a/03-kuis.quiz.md"}),
)


def test_a_lesson_takes_its_title_from_front_matter_then_first_heading_then_slug(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-judul.md": "---\ntitle: Dari front matter\n---\n# Heading\n",
            "01-dasar/02-heading.md": "Intro\n\n# Dari heading {#anchor}\n\ntext\n",
            "01-dasar/03-tanpa-judul.md": "## Only level two\n",
        },
    )
    assert problems == []
    assert [lesson.title for lesson in lessons_of(course)] == ["Dari front matter", "Dari heading", "tanpa-judul"]


def test_first_heading_understands_setext_and_skips_code() -> None:
    assert first_heading("```\n# not a title\n```\nJudul\n=====\n") == "Judul"
    assert first_heading("no heading here\n") is None


def test_minutes_default_to_words_at_200_a_minute_rounded_up_and_at_least_one(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-short.md": "Tiga kata saja\n",
            "01-dasar/02-long.md": "kata " * 401,
            "01-dasar/03-set.md": "---\nminutes: 15\n---\nshort\n",
        },
    )
    assert problems == []
    assert [lesson.minutes for lesson in lessons_of(course)] == [1, 3, 15]
    assert reading_minutes("") == 1


def test_a_lesson_key_is_its_id_or_module_slug_and_slug(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-a.md": "---\nid: pengantar-asn\noptional: true\n---\nA\n",
            "01-dasar/02-b.md": "B\n",
        },
    )
    assert problems == []
    first, second = lessons_of(course)
    assert (first.key, first.slug, first.optional, first.position) == ("pengantar-asn", "a", True, 1)
    assert (second.key, second.slug, second.optional, second.position) == ("dasar/b", "b", False, 2)


def test_lesson_front_matter_errors_name_the_key_and_line(tmp_path: Path) -> None:
    _, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-a.md": "---\nid: has space\nminutes: 0\noptinal: true\n---\nA\n",
        },
    )
    assert problems == [
        "content/pelayanan/01-dasar/01-a.md:2: 'id' must be letters, digits, '.', '_' or '-' (no spaces or '/') "
        "(got 'has space')",
        "content/pelayanan/01-dasar/01-a.md:3: 'minutes' must be from 1 to 1000 (got 0)",
        "content/pelayanan/01-dasar/01-a.md:4: unknown key 'optinal' (did you mean 'optional'?)",
    ]


def test_media_links_in_markdown_and_raw_html_become_versioned_media_urls(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "media/docs/guide.pdf": b"%PDF",
            "01-dasar/01-a.md": (
                "![logo](../media/logo.png) ![same](media/logo.png)\n\n"
                '<img src="../media/logo.png"> <a href="media/docs/guide.pdf#page=2">guide</a>\n'
            ),
        },
    )
    assert problems == []
    html = lessons_of(course)[0].html
    assert html.count(f'src="/media/PEL-01/logo.png?v={LOGO_VERSION}"') == 3
    pdf_version = hashlib.sha256(b"%PDF").hexdigest()[:12]
    assert f'href="/media/PEL-01/docs/guide.pdf?v={pdf_version}#page=2"' in html
    assert {media.path for media in course.media} == {"logo.png", "docs/guide.pdf"}
    assert {media.content_type for media in course.media} == {"image/png", "application/pdf"}


def test_media_names_with_spaces_are_found_and_quoted() -> None:
    html, problems = render("[p](../media/docs/panduan%20lengkap.pdf)", index=INDEX)
    assert problems == []
    assert 'href="/media/PEL-01/docs/panduan%20lengkap.pdf?v=bbbbbbbbbbbb"' in html


def test_a_missing_media_file_is_an_error_at_the_line_that_links_it(tmp_path: Path) -> None:
    _, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-a.md": (
                "---\ntitle: A\n---\nfine\n\ntext ![x](../media/nope.png)\n\n<img src='media/gone.jpg'>\n"
            ),
        },
    )
    assert problems == [
        "content/pelayanan/01-dasar/01-a.md:6: media file 'nope.png' not found in the course's media/ folder",
        "content/pelayanan/01-dasar/01-a.md:8: media file 'gone.jpg' not found in the course's media/ folder",
    ]


def test_links_between_lessons_become_placeholders_with_their_anchor(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-a.md": "[next](02-b.md) [far](../02-lanjut/01-c.md#bagian-2) [web](https://bkn.go.id/x)\n",
            "01-dasar/02-b.md": "B\n",
            "02-lanjut/01-c.md": "---\nid: kunci-c\n---\nC\n",
        },
    )
    assert problems == []
    html = lessons_of(course)[0].html
    assert f'href="{lesson_link_placeholder("dasar/b")}"' in html
    assert f'href="{lesson_link_placeholder("kunci-c")}#bagian-2"' in html
    assert 'href="https://bkn.go.id/x"' in html


def test_a_link_to_a_missing_lesson_is_an_error_at_its_line(tmp_path: Path) -> None:
    _, problems = parse_course(
        tmp_path,
        {
            "01-dasar/01-a.md": "# A\n\nsee [b](02-b.md)\n\nand [c](../09-none/01-c.md)\n",
        },
    )
    assert problems == [
        "content/pelayanan/01-dasar/01-a.md:3: link to missing lesson '02-b.md'",
        "content/pelayanan/01-dasar/01-a.md:5: link to missing lesson '../09-none/01-c.md'",
    ]


def test_links_to_quizzes_and_to_stray_relative_files_are_refused() -> None:
    _, problems = render("[q](03-kuis.quiz.md)\n\n[f](handout.pdf)\n", index=INDEX)
    assert problems == [
        "x.md:1: link to quiz '03-kuis.quiz.md': links may point only at lessons and media files",
        "x.md:3: link 'handout.pdf' points at no lesson and no file in media/",
    ]


def test_external_mail_and_anchor_links_stay_as_written() -> None:
    html, problems = render("[a](http://x.org) [b](mailto:a@b.id) [c](#top) [d](/catalogue)", index=INDEX)
    assert problems == []
    for href in ("http://x.org", "mailto:a@b.id", "#top", "/catalogue"):
        assert f'href="{href}"' in html


def test_sanitising_removes_script_handlers_and_javascript_urls() -> None:
    html, _ = render(
        '<script>alert(1)</script>\n\n<a href="javascript:alert(2)" onclick="x()">a</a>\n\n'
        '[b](javascript:alert(3)){: onclick="y()" }\n',
        index=INDEX,
    )
    assert "<script" not in html
    assert "alert" not in html
    assert "onclick" not in html
    assert "javascript:" not in html


def test_sanitising_keeps_details_abbr_and_tables() -> None:
    html, _ = render(
        '<details><summary>Lihat</summary>isi</details>\n\n<abbr title="Aparatur Sipil Negara">ASN</abbr>\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<details><summary>Lihat</summary>isi</details>" in html
    assert '<abbr title="Aparatur Sipil Negara">ASN</abbr>' in html
    assert "<table>" in html
    assert "<td>1</td>" in html


def test_iframes_stay_only_from_allowed_hosts() -> None:
    text = '<iframe src="https://www.youtube.com/embed/x"></iframe>\n\n<iframe src="https://evil.example/x"></iframe>\n'
    allowed, _ = render(text, iframe_hosts=("www.youtube.com",))
    assert 'src="https://www.youtube.com/embed/x"' in allowed
    assert "evil.example" not in allowed
    refused, _ = render(text)
    assert "<iframe" not in refused


def test_course_description_and_module_intro_render_links_the_same_way(tmp_path: Path) -> None:
    course, problems = parse_course(
        tmp_path,
        {
            "course.md": COURSE_MD + "\n![logo](media/logo.png) [mulai](01-dasar/01-a.md)\n",
            "01-dasar/module.md": "---\ntitle: Dasar\n---\n![logo](../media/logo.png) [a](01-a.md) [x](nope.md)\n",
            "01-dasar/01-a.md": "A\n",
        },
    )
    assert problems == ["content/pelayanan/01-dasar/module.md:4: link to missing lesson 'nope.md'"]
    assert f"/media/PEL-01/logo.png?v={LOGO_VERSION}" in course.description_html
    assert lesson_link_placeholder("dasar/a") in course.description_html
    assert f"/media/PEL-01/logo.png?v={LOGO_VERSION}" in course.modules[0].intro_html
    assert lesson_link_placeholder("dasar/a") in course.modules[0].intro_html


def test_the_source_hash_is_stable_and_follows_the_media_it_links(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"01-dasar/01-a.md": "![l](../media/logo.png)\n", "01-dasar/02-b.md": "B\n"}
    first, _ = parse_course(tmp_path, files)
    again, _ = parse_course(tmp_path, files)
    changed, _ = parse_course(tmp_path, {**files, "media/logo.png": b"new logo"})
    hashes = [[lesson.source_hash for lesson in lessons_of(course)] for course in (first, again, changed)]
    assert hashes[0] == hashes[1]
    assert hashes[2][0] != hashes[0][0]
    assert hashes[2][1] == hashes[0][1]


def test_a_lesson_not_in_utf8_is_reported_once_on_line_one(tmp_path: Path) -> None:
    _, problems = parse_course(tmp_path, {"01-dasar/01-a.md": b"ok\nbad \xff byte\n"})
    assert problems == [
        "content/pelayanan/01-dasar/01-a.md:1: file is not valid UTF-8 (first invalid byte on line 2); save it as UTF-8"
    ]


def test_markdown_nested_too_deeply_is_refused_at_its_line_before_rendering() -> None:
    html, problems = render("text\n\n" + "- " * 3000 + "x\n")
    assert html == ""
    assert problems == ["x.md:3: lists or quotes nested more than 32 levels deep"]
