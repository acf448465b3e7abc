"""A bar chart as inline SVG, drawn on the server: no chart framework, no script. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 24, 40
BAR = "#0b5e6b"
AXIS = "#55606a"
_SMALL = f'font-size="12" fill="{AXIS}"'


def _nice_top(value: int) -> int:
    """The smallest of 1, 2, 5 × 10^n at or above ``value`` (the y axis' top)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def bar_chart(bars: Sequence[tuple[str, int]], *, title: str, axis: str = "JP") -> Markup:
    """An accessible SVG bar chart of ``(label, count)`` pairs, scaled to fit any screen width;
    ``axis`` names what the labels measure."""
    top = _nice_top(max([count for _label, count in bars] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-title" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    for tick in (0, top // 2, top):
        y = TOP + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#cfd6dc"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" {_SMALL}>{tick}</text>')
    for index, (label, count) in enumerate(bars):
        height = plot_h * count / top
        x = LEFT + index * slot + slot * 0.15
        y = TOP + plot_h - height
        centre = LEFT + index * slot + slot / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{height:.1f}" fill="{BAR}">'
            f"<title>{escape(label)} {escape(axis)}: {count}</title></rect>"
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" fill="#1e1e1e">{count}</text>'
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="12" '
            f'fill="{AXIS}">{escape(label)}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" {_SMALL}>{escape(axis)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated text is escaped above
