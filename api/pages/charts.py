"""Small server-side SVG charts: horizontal bars and a histogram, no JavaScript needed.

Drawn on a narrow canvas (420 units) with large type, so that scaled to a 390 px phone the labels stay
about 11 px tall; on a desktop they scale up instead."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

_BAR = "#b45309"
_HIST = "#1d5fa8"
_TEXT = "#1d2430"
_MUTED = "#5d6776"


def hbar_chart(rows: Sequence[tuple[str, float, str]], *, title: str, width: int = 420) -> Markup:
    """One bar per row: (label, value, text shown after the bar)."""
    label_w, bar_h, gap = 150, 24, 8
    height = max(1, len(rows)) * (bar_h + gap) + gap
    top = max((value for _, value, _ in rows), default=0) or 1
    span = width - label_w - 105  # room for "12 (345 phút)" after the longest bar
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="14">',
             f"<title>{escape(title)}</title>"]
    for i, (label, value, text) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = round(span * value / top)
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" fill="{_TEXT}">'
                     f"<title>{escape(label)}</title>{escape(short)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h}" rx="3" fill="{_BAR}"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 17}" fill="{_MUTED}">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(labels: Sequence[str], counts: Sequence[int], *, title: str, width: int = 420,
              height: int = 230, mark: str | None = None) -> Markup:
    """Vertical bars over labelled bins; every sixth label is written; bins after `mark` are drawn in the late colour."""
    left, bottom, top_pad = 34, 36, 14
    n = max(1, len(counts))
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    step = plot_w / n
    top = max(counts, default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(title)}" font-family="system-ui, sans-serif" font-size="13">',
             f"<title>{escape(title)}</title>",
             f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}" stroke="#c5ccd6"/>',
             f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end" fill="{_MUTED}">{top}</text>',
             f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" fill="{_MUTED}">0</text>']
    for i, (label, count) in enumerate(zip(labels, counts, strict=False)):
        h = plot_h * count / top
        x = left + i * step
        late = mark is not None and (label.startswith("≥") or (label[:1].isdigit() and label > mark))
        colour = _BAR if late else _HIST
        parts.append(f'<rect x="{x + 1:.1f}" y="{top_pad + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {count}</title></rect>')
        if (i % 6 == 0 and i < n - 3) or i == n - 1:
            # The last label ends at the right edge instead of being centred past it.
            at, anchor = (width - 2, "end") if i == n - 1 else (x + step / 2, "middle")
            parts.append(f'<text x="{at:.1f}" y="{top_pad + plot_h + 16}" text-anchor="{anchor}" '
                         f'fill="{_MUTED}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
