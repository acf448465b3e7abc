"""Lesson files, and the one way any content Markdown becomes HTML.

``BodyRenderer`` renders and sanitises Markdown, rewrites links to the
course's media (``/media/<CODE>/<path>?v=<hash>``) and to other lessons
(``lesson_link_placeholder``), and reports each broken link at the line of
the file where it is written (Python-Markdown knows no lines, so the
reference text is looked up in the source).
"""

from __future__ import annotations

import hashlib
import html
import math
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import quote, unquote, urlsplit

from elearn.content.frontmatter import FrontMatter, Key, Schema, decode_source, parse_front_matter
from elearn.content.issues import IssueList
from elearn.content.specs import LessonSpec, lesson_link_placeholder
from elearn.core.markup import RenderCache, active_render_cache, markdown_problem, markdown_to_safe_html

WORDS_PER_MINUTE = 200
LESSON_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}"

LESSON_SCHEMA: Schema = {
    "title": Key("string"),
    "id": Key("pattern", pattern=LESSON_ID_PATTERN, hint="letters, digits, '.', '_' or '-' (no spaces or '/')"),
    "minutes": Key("integer", minimum=1, maximum=1000),
    "optional": Key("boolean", default=False),
}

_ATX_HEADING = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}=+[ \t]*$")
_ATTR_LIST = re.compile(r"[ \t]*\{[^{}]*\}$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_SINGLE_PARAGRAPH = re.compile(r"<p>((?:(?!<p>).)*)</p>", re.S)


@dataclass(frozen=True)
class CourseIndex:
    """What links in a course may point at: its media files and lessons.

    ``media`` maps a path inside ``media/`` to the file's sha256; ``lessons``
    maps the course-relative path of a lesson file to its key; ``quizzes``
    holds the course-relative paths of quiz files (links to them are refused).
    """

    code: str
    media: Mapping[str, str] = field(default_factory=dict)
    lessons: Mapping[str, str] = field(default_factory=dict)
    quizzes: frozenset[str] = frozenset()

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything a link may resolve against (for cached renders)."""
        parts = [self.code, *sorted(f"m:{p}={h}" for p, h in self.media.items())]
        parts += sorted(f"l:{p}={k}" for p, k in self.lessons.items())
        parts += sorted(f"q:{p}" for p in self.quizzes)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class BodyRenderer:
    """Renders the Markdown of one file and reports its broken links.

    ``text`` is the file's text (its lines are searched for a broken link's
    line), starting at file line ``first_line``. Without an ``index`` links
    are kept as written and not checked.
    """

    def __init__(
        self,
        text: str,
        issues: IssueList,
        *,
        index: CourseIndex | None = None,
        file_rel: str = "",
        iframe_hosts: tuple[str, ...] = (),
        first_line: int = 1,
    ) -> None:
        self._lines = text.split("\n")
        self._issues = issues
        self._index = index
        self._file_rel = file_rel
        self._iframe_hosts = iframe_hosts
        self._first_line = first_line

    def render(self, markdown_text: str, line: int) -> str:
        """Sanitised HTML of ``markdown_text``, which starts at file line ``line``."""
        cache = active_render_cache()
        if cache is None or self._index is None:
            return self.render_uncached(markdown_text, line)
        key = self.cache_key(markdown_text)
        html = cache.get(key)
        if html is None:
            before = len(self._issues.items)
            html = self.render_uncached(markdown_text, line)
            if len(self._issues.items) == before:  # a render with problems is never reused
                cache.put(key, html)
        return html

    def cache_key(self, markdown_text: str) -> str:
        """The render cache key: the text, the links it may point at, where the file is, the hosts."""
        fingerprint = self._index.fingerprint if self._index is not None else ""
        context = f"index={fingerprint}\0file={self._file_rel}\0hosts={','.join(self._iframe_hosts)}"
        return RenderCache.key(markdown_text, context)

    def render_uncached(self, markdown_text: str, line: int) -> str:
        """Render without the cache (reports broken links)."""
        too_costly = markdown_problem(markdown_text)
        if too_costly is not None:
            self._issues.add(line + too_costly[0], too_costly[1])
            return ""
        problems: list[tuple[str, str]] = []
        index = self._index

        def rewrite(tag: str, attribute: str, url: str) -> str:
            new_url, problem = (url, None) if index is None else self._rewrite(index, url)
            if problem:
                problems.append((url, problem))
            return new_url

        try:
            result = markdown_to_safe_html(
                markdown_text,
                iframe_hosts=self._iframe_hosts,
                rewrite_url=rewrite if index is not None else None,
            )
        except RecursionError:  # Python-Markdown recurses once per nesting level
            self._issues.add(line, "Markdown nested too deeply to render (lists or quotes inside each other)")
            return ""
        for url, problem in problems:
            self._issues.add(self._find_line(url, line), problem)
        return result

    def render_inline(self, markdown_text: str, line: int) -> str:
        """Like ``render``, without the ``<p>`` around a single paragraph."""
        result = self.render(markdown_text, line).strip()
        match = _SINGLE_PARAGRAPH.fullmatch(result)
        return match.group(1) if match else result

    def _find_line(self, url: str, line: int) -> int:
        """The first line at or after ``line`` (else anywhere) that holds ``url``."""
        forms = {url, html.escape(url), html.escape(url, quote=False)}
        start = max(0, line - self._first_line)
        order = list(range(start, len(self._lines))) + list(range(0, start))
        for index in order:
            if any(form in self._lines[index] for form in forms):
                return index + self._first_line
        return line

    def _rewrite(self, index: CourseIndex, url: str) -> tuple[str, str | None]:
        """The final URL for a link, and a problem when it points at nothing."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return url, None
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return url, None
        path = unquote(parts.path)
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self._file_rel), path))
        media_path = _media_path(target, path)
        if media_path is not None:
            sha = index.media.get(media_path)
            if sha is None:
                return url, f"media file '{media_path}' not found in the course's media/ folder"
            code = quote(index.code)
            return f"/media/{code}/{quote(media_path)}?v={sha[:12]}{anchor}", None
        if target in index.lessons:
            return lesson_link_placeholder(index.lessons[target]) + anchor, None
        if target in index.quizzes:
            return url, f"link to quiz '{url}': links may point only at lessons and media files"
        if path.endswith(".md"):
            return url, f"link to missing lesson '{url}'"
        return url, f"link '{url}' points at no lesson and no file in media/"


def _media_path(target: str, path: str) -> str | None:
    """The path inside media/ a link means: ``../media/x`` or ``media/x``."""
    if target.startswith("media/"):
        return target[len("media/") :]
    written = posixpath.normpath(path)
    if written.startswith("media/"):
        return written[len("media/") :]
    return None


@dataclass(frozen=True)
class LessonSource:
    """A lesson file read, with its front matter checked, before links are resolved."""

    data: bytes
    text: str
    front: FrontMatter
    rel: str  # course-relative path, forward slashes
    module_slug: str
    slug: str

    @property
    def key(self) -> str:
        """The lesson's identity in its course: its ``id``, else ``<module-slug>/<slug>``."""
        return self.front.text("id") or f"{self.module_slug}/{self.slug}"


def read_lesson(data: bytes, issues: IssueList, *, rel: str, module_slug: str, slug: str) -> LessonSource | None:
    """Decode a lesson file and check its front matter; None when it is not UTF-8."""
    text = decode_source(data, issues)
    if text is None:
        return None
    front = parse_front_matter(text, LESSON_SCHEMA, issues)
    return LessonSource(data=data, text=text, front=front, rel=rel, module_slug=module_slug, slug=slug)


def build_lesson(
    source: LessonSource,
    issues: IssueList,
    *,
    position: int,
    index: CourseIndex,
    iframe_hosts: tuple[str, ...] = (),
) -> LessonSpec:
    """Render a lesson's body and fill in the defaults of its front matter."""
    front = source.front
    html_text = render_body(source.text, front, issues, index=index, file_rel=source.rel, iframe_hosts=iframe_hosts)
    title = front.text("title") or first_heading(front.body) or source.slug
    # The page shows the title as its <h1>: a body opening with the same heading would say it twice.
    html_text = without_leading_title(html_text, title)
    digest = hashlib.sha256(source.data + b"\0" + html_text.encode()).hexdigest()
    return LessonSpec(
        key=source.key,
        slug=source.slug,
        title=title,
        minutes=front.integer("minutes") or reading_minutes(front.body),
        optional=front.flag("optional"),
        position=position,
        html=html_text,
        source_hash=digest,
        path=issues.path,
    )


def render_body(
    text: str,
    front: FrontMatter,
    issues: IssueList,
    *,
    index: CourseIndex,
    file_rel: str,
    iframe_hosts: tuple[str, ...] = (),
) -> str:
    """Render the body of a file (lesson, course description, module intro)."""
    renderer = BodyRenderer(text, issues, index=index, file_rel=file_rel, iframe_hosts=iframe_hosts)
    return renderer.render(front.body, front.body_line)


_LEADING_H1 = re.compile(r"\s*<h1\b[^>]*>(.*?)</h1>\s*", re.S)


def without_leading_title(html_text: str, title: str) -> str:
    """``html_text`` without its opening ``<h1>`` when that heading is ``title`` (the page's own heading)."""
    match = _LEADING_H1.match(html_text)
    if match is None:
        return html_text
    heading = html.unescape(re.sub(r"<[^>]*>", "", match.group(1))).strip()
    return html_text[match.end() :] if heading == title.strip() else html_text


def reading_minutes(body: str) -> int:
    """Reading time at 200 words a minute, rounded up, at least 1."""
    return max(1, math.ceil(len(body.split()) / WORDS_PER_MINUTE))


def first_heading(body: str) -> str | None:
    """The text of the first level-1 heading (``# x`` or ``x`` over ``===``), outside code."""
    fence: str | None = None
    lines = body.split("\n")
    for number, line in enumerate(lines):
        fence = next_fence(fence, line)
        if fence is not None or _FENCE.match(line):
            continue
        match = _ATX_HEADING.match(line)
        below = lines[number + 1] if number + 1 < len(lines) else ""
        if match is None and line.strip() and _SETEXT_UNDERLINE.match(below):
            match = re.match(r"^\s*(.*?)\s*$", line)
        if match is not None:
            title = _ATTR_LIST.sub("", match.group(1)).strip()
            if title:
                return title
    return None


def next_fence(fence: str | None, line: str) -> str | None:
    """The open code fence after ``line`` (``fence`` is the one open before it)."""
    if fence is None:
        match = _FENCE.match(line)
        return match.group(1) if match else None
    closing = re.match(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line)
    return None if closing else fence
