"""Small charts as inline SVG text, drawn in Python so a report opens without internet or JS.

Only what the report needs: horizontal bars (area scores, segment sizes) and a line chart
(scores over time). Every label is escaped; no `xmlns` URL is written (inline SVG in HTML5
does not need one, and the report promises no outside address but the call to action).
"""
from __future__ import annotations

import html
import math
import unicodedata
from typing import Sequence

FONT_PX = 12
PALETTE = ("#C0392B", "#2E86AB", "#27AE60", "#E67E22", "#8E44AD", "#16A085", "#7F8C8D")
LEVEL_COLOURS = {"good": "#27AE60", "caution": "#E67E22", "poor": "#C0392B"}


def text_width(text: str, font_px: float = FONT_PX) -> float:
    """Approximate rendered width: East Asian wide characters are one em, others ~0.6 em."""
    em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in text)
    return em * font_px


def _fit(text: str, max_px: float) -> str:
    """`text` cut with an ellipsis so that it fits in max_px."""
    if text_width(text) <= max_px:
        return text
    while text and text_width(text + "…") > max_px:
        text = text[:-1]
    return text + "…"


def _num(value: float, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def hbar(labels: Sequence[str], values: Sequence[float | None], *, max_value: float | None = None,
         colours: Sequence[str] | None = None, title: str = "", decimals: int = 0,
         width: int = 640, bar_px: int = 22) -> str:
    """A horizontal bar chart; `None` values draw no bar and show "–"."""
    labels = [str(x) for x in labels]
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    top = max_value if max_value is not None else (max(finite) if finite else 1.0)
    top = top if top and top > 0 else 1.0
    label_px = min(max((text_width(x) for x in labels), default=0) + 10, width * 0.4)
    value_px = text_width(_num(top, decimals)) + 12
    plot_px = max(width - label_px - value_px, 40)
    gap = 8
    head = 22 if title else 4
    height = head + len(labels) * (bar_px + gap) + 4
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px" '
             f'aria-label="{html.escape(title or "chart")}">']
    if title:
        parts.append(f'<text x="0" y="15" font-size="{FONT_PX + 1}" font-weight="bold">'
                     f'{html.escape(title)}</text>')
    for i, (label, value) in enumerate(zip(labels, values)):
        y = head + i * (bar_px + gap)
        colour = (colours[i] if colours and i < len(colours) else PALETTE[0])
        parts.append(f'<text x="{label_px - 6:.1f}" y="{y + bar_px * 0.7:.1f}" '
                     f'font-size="{FONT_PX}" text-anchor="end">'
                     f'{html.escape(_fit(label, label_px - 8))}</text>')
        parts.append(f'<rect x="{label_px:.1f}" y="{y}" width="{plot_px:.1f}" '
                     f'height="{bar_px}" fill="#F2F2F2"/>')
        ok = value is not None and math.isfinite(float(value))
        if ok:
            w = max(min(float(value) / top, 1.0), 0.0) * plot_px
            parts.append(f'<rect x="{label_px:.1f}" y="{y}" width="{w:.1f}" height="{bar_px}" '
                         f'fill="{html.escape(colour)}"/>')
        shown = _num(float(value), decimals) if ok else "–"
        parts.append(f'<text x="{label_px + plot_px + 6:.1f}" y="{y + bar_px * 0.7:.1f}" '
                     f'font-size="{FONT_PX}">{html.escape(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line(x_labels: Sequence[str], series: dict[str, Sequence[float | None]], *,
         y_max: float = 100.0, title: str = "", width: int = 640, height: int = 260) -> str:
    """A line chart of several series over the same x labels (e.g. area scores by date)."""
    x_labels = [str(x) for x in x_labels]
    left, right, top, bottom = 36, 200, 24 if title else 8, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(x_labels)

    def px(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v: float) -> float:
        return top + plot_h * (1 - max(min(v / y_max, 1.0), 0.0))

    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'style="max-width:{width}px" aria-label="{html.escape(title or "chart")}">']
    if title:
        parts.append(f'<text x="0" y="15" font-size="{FONT_PX + 1}" font-weight="bold">'
                     f'{html.escape(title)}</text>')
    for tick in range(0, 101, 25):
        v = y_max * tick / 100
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" '
                     f'y2="{py(v):.1f}" stroke="#DDD"/>')
        parts.append(f'<text x="{left - 4}" y="{py(v) + 4:.1f}" font-size="10" '
                     f'text-anchor="end">{v:g}</text>')
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{px(i):.1f}" y="{height - 8}" font-size="10" '
                     f'text-anchor="middle">{html.escape(_fit(label, 90))}</text>')
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [(px(i), py(float(v))) for i, v in enumerate(values)
                  if v is not None and math.isfinite(float(v))]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"/>')
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 * k + 8
        parts.append(f'<rect x="{left + plot_w + 10}" y="{ly - 8}" width="10" height="10" '
                     f'fill="{colour}"/>')
        parts.append(f'<text x="{left + plot_w + 24}" y="{ly + 1}" font-size="11">'
                     f'{html.escape(_fit(str(name), right - 28))}</text>')
    parts.append("</svg>")
    return "".join(parts)
