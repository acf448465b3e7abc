"""Markdown rendering and HTML sanitising (pure: no Flask).

Every piece of author HTML goes through ``sanitize`` after rendering,
because ``attr_list`` and raw HTML let an author write ``onclick=``.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import markdown
import nh3

#: Python-Markdown extensions of content-format.md section 3, plus task lists.
MARKDOWN_EXTENSIONS = [
    "tables",
    "fenced_code",
    "footnotes",
    "admonition",
    "attr_list",
    "toc",
    "pymdownx.tasklist",
]

_TAGS = set(nh3.ALLOWED_TAGS) | {"input", "label", "tfoot", "section", "iframe"}
_ATTRIBUTES: dict[str, set[str]] = copy.deepcopy(nh3.ALLOWED_ATTRIBUTES)
for _tag in ("div", "span", "p", "li", "ul", "ol", "table", "code", "pre", "section"):
    _ATTRIBUTES.setdefault(_tag, set()).add("class")
for _tag in ("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup", "div", "section"):
    _ATTRIBUTES.setdefault(_tag, set()).add("id")
_ATTRIBUTES.setdefault("a", set()).update({"title", "class"})
_ATTRIBUTES.setdefault("img", set()).update({"title", "loading"})
_ATTRIBUTES.setdefault("abbr", set()).add("title")
_ATTRIBUTES.setdefault("details", set()).add("open")
_ATTRIBUTES["input"] = {"type", "checked", "disabled"}
_ATTRIBUTES["iframe"] = {"src", "title", "width", "height", "allowfullscreen"}

UrlRewriter = Callable[[str, str, str], str | None]
"""``(tag, attribute, url) -> new url`` (or None to drop the attribute)."""


#: Bump when rendering or sanitising rules change: cached HTML of older rules is then ignored.
RENDERER_VERSION = "3"  # 3: images link to their full-size file

_local = threading.local()


def render_markdown(text: str) -> str:
    """Render Markdown to (unsanitised) HTML with the content extensions."""
    # Building a Markdown instance with its extensions costs more than a short
    # conversion, so each thread keeps one and resets it between documents.
    renderer: markdown.Markdown | None = getattr(_local, "markdown", None)
    if renderer is None:
        renderer = _local.markdown = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    try:
        html: str = renderer.reset().convert(text)
    except BaseException:
        _local.markdown = None  # a conversion cut short (e.g. RecursionError) may leave it half-way
        raise
    return html


#: How deeply lists and quotes may nest (Python-Markdown recurses once per level).
MAX_NESTING = 32
#: Python-Markdown's inline patterns rescan the rest of a paragraph for every unmatched ``[`` or ``<``
#: (quadratic): the sum over paragraphs of the squared count of such openers is kept under this budget
#: (about half a second of rendering on a slow core). Complete links and tags cost nothing.
MAX_OPENER_COST = 4_000_000
#: The same for emphasis markers (``*``, ``_``), whose rescans are much cheaper.
MAX_EMPHASIS_COST = 400_000_000

_NESTING_PREFIX = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
_COMPLETE_LINK = re.compile(r"!?\[[^\[\]\n]{0,1000}\]\([^()\n]{0,2000}\)|<[^<>\n]{0,2000}>")


def _depth(line: str) -> int:
    """Nesting a line opens: list markers and quote markers at its start, and indentation (4 columns a level)."""
    depth, position = 0, 0
    while True:
        match = _NESTING_PREFIX.match(line, position)
        if match is None or match.end() == position:
            break
        depth += 1
        position = match.end()
    indent = len(line) - len(line.lstrip(" \t"))
    columns = line[:indent].expandtabs(4).count(" ") if indent else 0
    return depth + columns // 4


def markdown_problem(text: str) -> tuple[int, str] | None:
    """Why ``text`` is too costly to render, as (0-based line, message), or None.

    Checked before rendering, in linear time, so a hostile file (a 1000-level
    list, ten thousand unmatched brackets) is refused instead of tying up a
    process for minutes.
    """
    openers = emphasis = 0
    opener_cost = emphasis_cost = 0
    block_start = 0
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if not line.strip():
            opener_cost += openers * openers
            emphasis_cost += emphasis * emphasis
            openers = emphasis = 0
            block_start = number + 1
            continue
        if _depth(line) > MAX_NESTING:
            return number, f"lists or quotes nested more than {MAX_NESTING} levels deep"
        stripped = _COMPLETE_LINK.sub("", line)
        openers += stripped.count("[") + stripped.count("<")
        emphasis += line.count("*") + line.count("_")
        if opener_cost + openers * openers > MAX_OPENER_COST:
            return block_start, "too many unmatched '[' or '<' in this paragraph to render: split it or escape them"
        if emphasis_cost + emphasis * emphasis > MAX_EMPHASIS_COST:
            return block_start, "too many '*' or '_' in this paragraph to render: split it or escape them"
    return None


class RenderCache:
    """Sanitised HTML by a key of everything it was rendered from.

    ``known`` holds renders kept from earlier successful loads; ``rendered``
    collects this run's new ones (to keep after a successful load); ``used``
    every key this run needed.
    """

    def __init__(self, known: Mapping[str, str] | None = None) -> None:
        self.known: dict[str, str] = dict(known or {})
        self.rendered: dict[str, str] = {}
        self.used: set[str] = set()
        #: renders under way elsewhere (futures whose result is the HTML, or None to render here)
        self.pending: dict[str, Future[str | None]] = {}

    @staticmethod
    def key(text: str, context: str) -> str:
        """The key of ``text`` rendered in ``context`` (what else the output depends on)."""
        return hashlib.sha256(f"{RENDERER_VERSION}\0{context}\0{text}".encode()).hexdigest()

    def get(self, key: str) -> str | None:
        """A render of ``key``, if known."""
        self.used.add(key)
        found = self.known.get(key)
        if found is None and key in self.pending:
            html = self.pending.pop(key).result()
            if html is not None:
                self.put(key, html)
        return found if found is not None else self.rendered.get(key)

    def has(self, key: str) -> bool:
        """Whether ``key`` is known, rendered or under way (without counting it as used)."""
        return key in self.known or key in self.rendered or key in self.pending

    def put(self, key: str, html: str) -> None:
        """Keep a new render (only renders without problems belong here)."""
        if key not in self.known:
            self.rendered[key] = html


_active_cache: ContextVar[RenderCache | None] = ContextVar("elearn_render_cache", default=None)


def active_render_cache() -> RenderCache | None:
    """The cache renders in this context use, if any."""
    return _active_cache.get()


@contextmanager
def using_render_cache(cache: RenderCache) -> Iterator[RenderCache]:
    """Let every render inside the block reuse and fill ``cache``."""
    token = _active_cache.set(cache)
    try:
        yield cache
    finally:
        _active_cache.reset(token)


#: What a browser reads differently from Python's URL parser: backslashes (``\\`` is ``/``),
#: user info (``a@host``), white space and control characters (dropped or cut at).
_URL_TRAPS = re.compile(r"[\\@\s\x00-\x1f\x7f]")


def host_allowed(url: str, hosts: Iterable[str]) -> bool:
    """Whether an iframe ``src`` is an ``https://`` URL on exactly one of ``hosts`` (default port,
    no user info), read as a browser reads it: anything ambiguous is refused."""
    if _URL_TRAPS.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() == "https" and parts.netloc.lower() in {host.lower() for host in hosts}


# nh3 converts its settings on every ``nh3.clean`` call; a prebuilt Cleaner is
# about twenty times faster on short fragments. Its attribute filter is fixed,
# so the per-call hosts and URL rewriter reach it through context variables.
_filter_hosts: ContextVar[tuple[str, ...]] = ContextVar("elearn_sanitize_hosts", default=())
_filter_rewrite: ContextVar[UrlRewriter | None] = ContextVar("elearn_sanitize_rewrite", default=None)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "iframe" and attribute == "src" and not host_allowed(value, _filter_hosts.get()):
        return None
    if tag == "input" and attribute == "type" and value != "checkbox":
        return None
    rewrite = _filter_rewrite.get()
    if rewrite is not None and attribute in ("href", "src"):
        return rewrite(tag, attribute, value)
    return value


@functools.cache
def _cleaner(with_iframes: bool) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_TAGS if with_iframes else _TAGS - {"iframe"},
        attributes=_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
        tag_attribute_values={"div": {"role": {"region"}, "tabindex": {"0"}}},
    )


def sanitize(
    html: str,
    *,
    iframe_hosts: Iterable[str] = (),
    rewrite_url: UrlRewriter | None = None,
) -> str:
    """Keep safe HTML only: no script, no ``on*=``, no ``javascript:``,
    iframes only from ``iframe_hosts`` (https). ``rewrite_url`` may change
    ``href``/``src`` values (media and lesson links)."""
    hosts = tuple(iframe_hosts)
    hosts_token, rewrite_token = _filter_hosts.set(hosts), _filter_rewrite.set(rewrite_url)
    try:
        cleaned: str = _cleaner(bool(hosts)).clean(html)
    finally:
        _filter_hosts.reset(hosts_token)
        _filter_rewrite.reset(rewrite_token)
    if hosts:
        # An iframe whose src was refused must not stay as an empty frame.
        cleaned = _SRCLESS_IFRAME.sub("", cleaned)
    # Only task-list checkboxes are kept: any other input would be a dead form field.
    cleaned = _NON_CHECKBOX_INPUT.sub("", cleaned)
    # A wide table scrolls inside its own box on a phone; keyboard users must reach that box.
    # (Already wrapped tables stay as they are, so sanitising twice changes nothing.)
    cleaned = _UNWRAPPED_TABLE.sub(rf"{TABLE_WRAP}\1</div>", cleaned)
    # A diagram can be opened full size: an image that is not a link already links to its own file.
    return link_images(cleaned)


_LINK_OR_IMAGE = re.compile(r"<a\b[^>]*>|</a>|<img\b[^>]*>", re.I)
_IMAGE_SRC = re.compile(r'\ssrc="([^"]*)"')
IMAGE_LINK_CLASS = "image-full"


def link_images(html: str) -> str:
    """Put a link to the image's own URL around every ``<img>`` that is not inside a link already
    (sanitised HTML: tags are well formed). Only same-site paths and http(s) URLs are linked; a
    second pass changes nothing."""
    parts: list[str] = []
    depth = position = 0
    for match in _LINK_OR_IMAGE.finditer(html):
        tag = match.group(0)
        lowered = tag[:4].lower()
        if lowered.startswith("</a"):
            depth = max(0, depth - 1)
        elif lowered.startswith("<a"):
            depth += 1
        elif depth == 0:
            src = _IMAGE_SRC.search(tag)
            url = src.group(1) if src else ""
            if url.startswith(("/", "http://", "https://")) and not url.startswith("//"):
                parts.append(html[position : match.start()])
                parts.append(f'<a class="{IMAGE_LINK_CLASS}" href="{url}" rel="noopener noreferrer">{tag}</a>')
                position = match.end()
    parts.append(html[position:])
    return "".join(parts)


_SRCLESS_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
TABLE_WRAP = '<div class="table-wrap" tabindex="0" role="region">'
_UNWRAPPED_TABLE = re.compile(r'(?<!tabindex="0" role="region">)(<table\b[^>]*>.*?</table>)', re.S)
_NON_CHECKBOX_INPUT = re.compile(r'<input(?![^>]*\stype="checkbox")[^>]*>')


def markdown_to_safe_html(
    text: str,
    *,
    iframe_hosts: Iterable[str] = (),
    rewrite_url: UrlRewriter | None = None,
) -> str:
    """Render Markdown and sanitise the result: the one way author text becomes HTML.

    Without ``rewrite_url`` the output depends on the text and hosts only, so an
    active ``RenderCache`` serves it; callers that rewrite links cache themselves.
    """
    cache = _active_cache.get()
    if cache is None or rewrite_url is not None:
        return sanitize(render_markdown(text), iframe_hosts=iframe_hosts, rewrite_url=rewrite_url)
    key = cache.key(text, "hosts=" + ",".join(iframe_hosts))
    html = cache.get(key)
    if html is None:
        html = sanitize(render_markdown(text), iframe_hosts=iframe_hosts)
        cache.put(key, html)
    return html
