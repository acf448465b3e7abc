"""Author HTML is sanitised: nothing that runs, iframes only from the allow-list."""

from __future__ import annotations

import pytest

from elearn.core.markup import markdown_to_safe_html, sanitize


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<img src="x.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        "# Judul {onclick=alert(1)}",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<iframe src="https://evil.example/x"></iframe>',
        "<style>body{display:none}</style>",
        '<p style="position:fixed">x</p>',
        '<form action="https://evil.example"><input type="password" name="p"></form>',
    ],
)
def test_nothing_that_runs_or_overlays_survives(dangerous: str) -> None:
    html = markdown_to_safe_html(dangerous, iframe_hosts=("www.youtube-nocookie.com",))
    for marker in (
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "srcdoc",
        "evil.example",
        "<style",
        "style=",
        "<form",
    ):
        assert marker not in html
    assert 'type="password"' not in html


def test_safe_html_stays() -> None:
    html = markdown_to_safe_html(
        "<details><summary>Lihat</summary>isi</details>\n\n<abbr title='Aparatur Sipil Negara'>ASN</abbr>\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] selesai\n"
    )
    assert "<details><summary>Lihat</summary>" in html
    assert '<abbr title="Aparatur Sipil Negara">ASN</abbr>' in html
    assert "<table>" in html
    assert 'type="checkbox"' in html


def test_iframes_from_the_allow_list_stay_over_https_only() -> None:
    hosts = ("www.youtube-nocookie.com",)
    allowed = sanitize(
        '<iframe src="https://www.youtube-nocookie.com/embed/x" title="Video"></iframe>', iframe_hosts=hosts
    )
    assert 'src="https://www.youtube-nocookie.com/embed/x"' in allowed
    plain_http = sanitize('<iframe src="http://www.youtube-nocookie.com/embed/x"></iframe>', iframe_hosts=hosts)
    assert "<iframe" not in plain_http
    assert "<iframe" not in sanitize('<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>')


def test_tables_scroll_in_a_keyboard_reachable_box_and_sanitising_twice_changes_nothing() -> None:
    html = markdown_to_safe_html("| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert html.startswith('<div class="table-wrap" tabindex="0" role="region"><table>')
    assert html.endswith("</table></div>")
    assert sanitize(html) == html


def test_authors_cannot_set_other_roles_or_tab_stops() -> None:
    assert sanitize('<div role="button" tabindex="5">x</div>') == "<div>x</div>"
