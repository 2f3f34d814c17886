"""The HTML report: self-contained, printable on A4, and inert whatever the user typed."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from engine.report.html import fmt, render
from report_fixtures import FORMULA, XSS, hostile_input


class Collector(HTMLParser):
    """Every start tag with its attributes, and all text, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        else:
            self.text.append(data)


def parse(doc: str) -> Collector:
    c = Collector()
    c.feed(doc)
    c.close()
    return c


def test_injected_markup_is_text_not_tags() -> None:
    page = parse(render(hostile_input(), "ja"))
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names
    assert not any(k.startswith("on") for _, attrs in page.tags for k in attrs)
    text = "".join(page.text)
    assert XSS in text                      # shown to the reader, literally
    assert '"><img src=x onerror=alert(1)>' in text
    assert FORMULA in text


def test_no_outside_address_but_the_call_to_action() -> None:
    doc = render(hostile_input(), "en")
    page = parse(doc)
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links == ["https://example.jp/book?a=1&b=2"]
    assert 'href="https://example.jp/book?a=1&amp;b=2"' in doc   # escaped in the source
    assert [m.start() for m in re.finditer("http", doc)] == \
        [m.start() for m in re.finditer(re.escape("https://example.jp/book"), doc)]
    assert not any(tag in ("link", "img", "iframe", "object", "embed") for tag, _ in page.tags)
    assert "url(" not in page.style and "@import" not in page.style
    assert not any("src" in attrs for _, attrs in page.tags)


def test_the_call_to_action_link_needs_http() -> None:
    for bad in ("javascript:alert(1)", "data:text/html,x", "//evil.example", "ftp://x.jp/a",
                'https://x.jp/"onmouseover="alert(1)'):
        doc = render({"cta": {"text": "予約", "url": bad}}, "ja")
        page = parse(doc)
        assert [t for t, _ in page.tags if t == "a"] == []
        assert "予約" in "".join(page.text)
    assert "http" not in render({"client": "x"}, "ja")  # no CTA by default


def test_prints_on_a4_with_sections_on_their_own_pages() -> None:
    page = parse(render(hostile_input(), "ja"))
    style = re.sub(r"\s+", " ", page.style)
    assert re.search(r"@page \{ size: A4; margin: [^}]+\}", style)
    assert "@media print" in style
    assert re.search(r"section\.major \{ break-before: page", style)
    assert re.search(r"tr, [^{]*\{ break-inside: avoid", style)
    assert "thead { display: table-header-group; }" in style
    majors = [a.get("id") for t, a in page.tags if t == "section" and "major" in a.get("class", "")]
    assert majors == ["scores", "segments", "plan"]


def test_uses_a_japanese_system_font_stack_and_no_script() -> None:
    doc = render(hostile_input(), "ja")
    assert '"Hiragino Kaku Gothic ProN"' in doc and "Meiryo" in doc and "Noto Sans CJK JP" in doc
    assert "<script" not in doc
    assert '<html lang="ja">' in doc


def test_charts_are_inline_svg_with_one_bar_per_area() -> None:
    page = parse(render(hostile_input(), "ja"))
    assert sum(1 for t, _ in page.tags if t == "svg") >= 3   # scores, cpm, ranks, dormant
    first_svg = next(i for i, (t, _) in enumerate(page.tags) if t == "svg")
    rects = []
    for tag, attrs in page.tags[first_svg + 1:]:
        if tag == "svg":
            break
        if tag == "rect":
            rects.append(attrs)
    # two areas: a grey track and a coloured bar each
    assert len(rects) == 4
    tracks, bars = rects[0::2], rects[1::2]
    ratio = [float(b["width"]) / float(t["width"]) for b, t in zip(bars, tracks)]
    assert ratio == [pytest.approx(0.4, abs=1e-3), pytest.approx(0.8, abs=1e-3)]  # 40, 80 of 100


def test_sections_follow_the_input() -> None:
    only_answers = parse(render({"diagnosis": hostile_input()["diagnosis"]}, "en"))
    ids = [a.get("id") for t, a in only_answers.tags if t == "section"]
    assert ids == ["scores", "kpis", "plan"]
    empty = parse(render({}, "en"))
    assert [a.get("id") for t, a in empty.tags if t == "section"] == []


def test_steps_are_grouped_and_the_top_actions_marked() -> None:
    diagnosis = {"actions": [
        {"step": "C", "title": "c1", "top": False}, {"step": "A", "title": "a1", "top": True},
        {"step": "C", "title": "c2", "top": True}]}
    page = parse(render({"diagnosis": diagnosis}, "ja"))
    text = "".join(page.text)
    assert text.index("A リストのランク分けをする") < text.index("C 1オーダーあたりの単価を上げる")
    boxes = [a["class"] for t, a in page.tags if t == "div" and "action" in a.get("class", "")]
    assert boxes == ["action is-top", "action", "action is-top"]  # a1, then c1, c2


def test_the_report_speaks_the_chosen_language() -> None:
    inp = hostile_input()
    assert "診断レポート" in render(inp, "ja") and "diagnosis report" not in render(inp, "ja")
    assert "diagnosis report" in render(inp, "en")


def test_long_tables_are_cut_in_html_only_with_a_note() -> None:
    big = pd.DataFrame({"segment": [f"s{i}" for i in range(250)], "customers": range(250)})
    doc = render({"segments": {"big": big}}, "en")
    page = parse(doc)
    assert sum(1 for t, _ in page.tags if t == "tr") == 201  # header + 200
    assert "all 250 are in the Excel workbook" in "".join(page.text)


def test_numbers_are_written_for_people() -> None:
    assert fmt(1234567.0) == "1,234,567"
    assert fmt(0.125) == "0.12" or fmt(0.125) == "0.13"
    assert fmt(2.5) == "2.5"
    assert fmt(None) == "–" and fmt(float("nan")) == "–"
    assert fmt(pd.Timestamp("2026-01-02")) == "2026-01-02"


def test_scores_over_time_are_drawn_when_there_are_two_diagnoses() -> None:
    long = pd.DataFrame({"id": [1, 1, 2, 2],
                         "created_at": pd.to_datetime(["2026-01-05", "2026-01-05",
                                                       "2026-04-05", "2026-04-05"]),
                         "area": ["r", "a", "r", "a"], "label": ["リピート", "集客"] * 2,
                         "score": [30.0, 50.0, 45.0, 55.0]})
    page = parse(render({"history": long}, "ja"))
    assert [a.get("id") for t, a in page.tags if t == "section"] == ["history"]
    assert sum(1 for t, _ in page.tags if t == "polyline") == 2
    assert "2026-04-05" in "".join(page.text)
    history_rows = page.tags[[a.get("id") for _, a in page.tags].index("history"):]
    assert sum(1 for t, _ in history_rows if t == "tr") == 3  # header + one row per date
    single = parse(render({"history": long.iloc[:2]}, "ja"))
    assert [a.get("id") for t, a in single.tags if t == "section"] == []
