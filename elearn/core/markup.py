"""Markdown rendering and HTML sanitising (pure: no Flask).

Every piece of author HTML goes through ``sanitize`` after rendering,
because ``attr_list`` and raw HTML let an author write ``onclick=``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
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


def render_markdown(text: str) -> str:
    """Render Markdown to (unsanitised) HTML with the content extensions."""
    html: str = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return html


def _host_allowed(url: str, hosts: Iterable[str]) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and parts.hostname is not None and parts.hostname in set(hosts)


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

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "iframe" and attribute == "src" and not _host_allowed(value, hosts):
            return None
        if tag == "input" and attribute == "type" and value != "checkbox":
            return None
        if rewrite_url is not None and attribute in ("href", "src"):
            return rewrite_url(tag, attribute, value)
        return value

    tags = _TAGS if hosts else _TAGS - {"iframe"}
    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes=_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    if hosts:
        # An iframe whose src was refused must not stay as an empty frame.
        cleaned = _SRCLESS_IFRAME.sub("", cleaned)
    # Only task-list checkboxes are kept: any other input would be a dead form field.
    return _NON_CHECKBOX_INPUT.sub("", cleaned)


_SRCLESS_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.S)
_NON_CHECKBOX_INPUT = re.compile(r'<input(?![^>]*\stype="checkbox")[^>]*>')


def markdown_to_safe_html(
    text: str,
    *,
    iframe_hosts: Iterable[str] = (),
    rewrite_url: UrlRewriter | None = None,
) -> str:
    """Render Markdown and sanitise the result: the one way author text becomes HTML."""
    return sanitize(render_markdown(text), iframe_hosts=iframe_hosts, rewrite_url=rewrite_url)
