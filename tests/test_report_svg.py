"""The inline SVG charts: proportional bars, escaped labels, no outside reference."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from engine.report import svg


def _tags(doc: str) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            out.append((tag, dict(attrs)))

    P().feed(doc)
    return out


def test_bars_are_proportional_to_the_maximum() -> None:
    doc = svg.hbar(["a", "b", "c"], [10, 5, None], max_value=20)
    rects = [a for t, a in _tags(doc) if t == "rect"]
    # a: track + bar, b: track + bar, c: track only
    assert len(rects) == 5
    track = float(rects[0]["width"])
    assert float(rects[1]["width"]) == round(track / 2, 1)
    assert float(rects[3]["width"]) == round(track / 4, 1)
    assert "–" in doc  # the missing value is shown as missing, not as zero


def test_values_beyond_the_scale_are_clipped() -> None:
    rects = [a for t, a in _tags(svg.hbar(["x", "y"], [150, -5], max_value=100)) if t == "rect"]
    assert float(rects[1]["width"]) == float(rects[0]["width"])
    assert float(rects[3]["width"]) == 0


def test_labels_are_escaped_and_no_namespace_url_is_written() -> None:
    doc = svg.hbar(["<script>x</script>"], [1], title='"><b>')
    assert "<script>" not in doc and "&lt;script&gt;" in doc
    assert "http" not in doc
    assert [t for t, _ in _tags(doc)] == ["svg", "text", "text", "rect", "rect", "text"]


def test_long_japanese_labels_are_cut_to_fit() -> None:
    label = "とても長いセグメントの名前" * 5
    assert svg.text_width("あいう") == 3 * svg.FONT_PX
    assert svg.text_width("abc") == 3 * 0.6 * svg.FONT_PX
    doc = svg.hbar([label], [1], width=300)
    shown = re.search(r'text-anchor="end">([^<]*)<', doc).group(1)
    assert shown.endswith("…") and svg.text_width(shown) <= 300 * 0.4


def test_line_chart_draws_one_polyline_per_series() -> None:
    doc = svg.line(["2026-01", "2026-04", "2026-07"],
                   {"リピート": [30, 45, 60], "集客": [50, None, 55]}, title="推移")
    tags = _tags(doc)
    assert sum(1 for t, _ in tags if t == "polyline") == 2
    assert sum(1 for t, _ in tags if t == "circle") == 5
    assert "http" not in doc
