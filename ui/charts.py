"""Altair charts of the app, sized to stay readable on a phone (labels in the user's language)."""
from __future__ import annotations

import altair as alt
import pandas as pd

LEVEL_COLORS = {"good": "#2E8B57", "caution": "#E6A23C", "poor": "#C0392B", "unknown": "#A0A0A0"}


def score_bars(rows: list[dict], *, area_title: str, score_title: str,
               level_title: str) -> alt.Chart:
    """Horizontal bars of the six area scores, weakest at the top, coloured by level.

    rows: dicts with label, score (None when not judged), level, level_label.
    """
    frame = pd.DataFrame(rows)
    frame["value"] = frame["score"].fillna(0)
    frame["text"] = frame["score"].map(lambda s: "—" if pd.isna(s) else f"{s:.0f}")
    levels = [lvl for lvl in LEVEL_COLORS if lvl in set(frame["level"])]
    label_of = dict(zip(frame["level"], frame["level_label"]))
    y = alt.Y("label:N", sort=list(frame["label"]), title=None,
              axis=alt.Axis(labelLimit=220, labelFontSize=13))
    base = alt.Chart(frame).encode(y=y)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, 100]), title=score_title,
                  axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        color=alt.Color("level:N", title=level_title,
                        scale=alt.Scale(domain=levels, range=[LEVEL_COLORS[l] for l in levels]),
                        legend=alt.Legend(orient="bottom", labelExpr=_label_expr(label_of))),
        tooltip=[alt.Tooltip("label:N", title=area_title), alt.Tooltip("text:N", title=score_title),
                 alt.Tooltip("level_label:N", title=level_title)],
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(x="value:Q", text="text:N")
    return (bars + text).properties(height=alt.Step(34))


def _label_expr(mapping: dict[str, str]) -> str:
    parts = " : ".join(f"datum.label == {_js(k)} ? {_js(v)}" for k, v in mapping.items())
    return f"{parts} : datum.label" if parts else "datum.label"


def _js(text: str) -> str:
    return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"
