"""Altair charts of the app, sized to stay readable on a phone (labels in the user's language)."""
from __future__ import annotations

import altair as alt
import pandas as pd

LEVEL_COLORS = {"good": "#2E8B57", "caution": "#E6A23C", "poor": "#C0392B", "unknown": "#A0A0A0"}


def score_bars(rows: list[dict], *, area_title: str, score_title: str,
               level_title: str, font_size: int = 13) -> alt.Chart:
    """Horizontal bars of the six area scores, weakest at the top, coloured by level.

    rows: dicts with label, score (None when not judged), level, level_label.
    """
    frame = pd.DataFrame(rows)
    frame["value"] = frame["score"].fillna(0)
    frame["text"] = frame["score"].map(lambda s: "—" if pd.isna(s) else f"{s:.0f}")
    levels = [lvl for lvl in LEVEL_COLORS if lvl in set(frame["level"])]
    y = alt.Y("label:N", sort=list(frame["label"]), title=None,
              axis=alt.Axis(labelLimit=220 * font_size // 13, labelFontSize=font_size))
    base = alt.Chart(frame).encode(y=y)
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        x=alt.X("value:Q", scale=alt.Scale(domain=[0, 100]), title=score_title,
                  axis=alt.Axis(values=[0, 25, 50, 75, 100])),
        color=alt.Color("level:N", title=level_title,
                        scale=alt.Scale(domain=levels, range=[LEVEL_COLORS[l] for l in levels]),
                        legend=None),  # each area's card below names its level in words
        tooltip=[alt.Tooltip("label:N", title=area_title), alt.Tooltip("text:N", title=score_title),
                 alt.Tooltip("level_label:N", title=level_title)],
    )
    text = base.mark_text(align="left", dx=4, fontSize=font_size).encode(x="value:Q",
                                                                         text="text:N")
    return (bars + text).properties(height=alt.Step(34 * font_size // 13))


def histogram(values: pd.Series, title: str) -> alt.Chart:
    """Distribution of one per-customer figure in equal bins (recency in days)."""
    data = pd.DataFrame({"value": values.astype(float)})
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("value:Q", bin=alt.Bin(maxbins=30), title=title),
        y=alt.Y("count():Q", title=None)).properties(height=160)


def band_counts(values: pd.Series, edges: list[float], labels: list[str],
                title: str) -> alt.Chart:
    """Customers per band (1回, 2回, … 10回以上; <¥3,000, ¥3,000–…): skewed figures read in the
    owner's own units instead of on a log axis."""
    bands = pd.cut(values.astype(float), bins=edges, labels=labels, right=False)
    counts = bands.value_counts(sort=False).rename_axis("band").reset_index(name="customers")
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X("band:N", sort=labels, title=title,
                axis=alt.Axis(labelAngle=-45, labelOverlap=False, labelLimit=90)),
        y=alt.Y("customers:Q", title=None),
        tooltip=["band:N", alt.Tooltip("customers:Q", format=",")]).properties(height=160)


def bars(frame: pd.DataFrame, x: str, y: str, *, x_title: str, y_title: str,
         sort: list[str] | None = None, color: str = "#C0392B", fmt: str = ",.0f") -> alt.Chart:
    """Horizontal bars with the value written at the end (readable on a phone)."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{x}:N", sort=sort or list(frame[x]), title=None, axis=alt.Axis(labelLimit=200)))
    bar = base.mark_bar(color=color).encode(x=alt.X(f"{y}:Q", title=y_title),
                                            tooltip=[alt.Tooltip(f"{x}:N", title=x_title),
                                                     alt.Tooltip(f"{y}:Q", title=y_title,
                                                                 format=fmt)])
    text = base.mark_text(align="left", dx=3).encode(x=f"{y}:Q", text=alt.Text(f"{y}:Q",
                                                                                format=fmt))
    return (bar + text).properties(height=alt.Step(26))


def before_after(frame: pd.DataFrame, *, order: list[str], series: list[str], count_title: str,
                 segment_title: str, font_size: int = 13) -> alt.Chart:
    """Two bars per segment, side by side: the count before and after (long frame: segment,
    which, customers), each with its number written at its end."""
    colors = ["#A0A0A0", "#C0392B"]
    base = alt.Chart(frame).encode(
        y=alt.Y("segment:N", sort=order, title=None,
                axis=alt.Axis(labelLimit=240 * font_size // 13, labelFontSize=font_size)),
        yOffset=alt.YOffset("which:N", sort=series))
    bar = base.mark_bar().encode(
        x=alt.X("customers:Q", title=count_title, axis=alt.Axis(tickCount=4)),
        color=alt.Color("which:N", sort=series, title=None,
                        scale=alt.Scale(domain=series, range=colors),
                        legend=None),  # the page says which colour is which, above the chart
        tooltip=[alt.Tooltip("segment:N", title=segment_title), "which:N",
                 alt.Tooltip("customers:Q", title=count_title, format=",")])
    text = base.mark_text(align="left", dx=3, fontSize=font_size * 0.85).encode(
        x="customers:Q", text=alt.Text("customers:Q", format=","))
    return (bar + text).properties(height=len(order) * (2 * font_size + 14))


def cluster_scatter(frame: pd.DataFrame, *, recency_title: str, monetary_title: str,
                    cluster_title: str) -> alt.Chart:
    """Recency × monetary on log scales, one colour per cluster name."""
    return alt.Chart(frame).mark_circle(size=22, opacity=0.6).encode(
        x=alt.X("recency:Q", scale=alt.Scale(type="log"), title=recency_title,
                axis=alt.Axis(values=[1, 3, 10, 30, 100, 300, 1000], grid=False)),
        y=alt.Y("monetary:Q", scale=alt.Scale(type="log"), title=monetary_title,
                axis=alt.Axis(values=[1000, 3000, 10000, 30000, 100000, 300000, 1000000],
                              labelExpr="'¥' + format(datum.value, ',')", grid=False)),
        color=alt.Color("cluster:N", title=cluster_title, scale=alt.Scale(scheme="tableau10"),
                        legend=alt.Legend(orient="bottom")),
        tooltip=["cluster:N", alt.Tooltip("recency:Q", title=recency_title),
                 alt.Tooltip("monetary:Q", title=monetary_title, format=",.0f")],
    ).properties(height=360)


def stacked_months(frame: pd.DataFrame, *, month_title: str, customers_title: str,
                   kind_title: str, order: list[str]) -> alt.Chart:
    """Active customers per month split by kind (long frame: month, kind, customers)."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=month_title, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("customers:Q", title=customers_title, stack="zero"),
        color=alt.Color("kind:N", title=kind_title, sort=order,
                        scale=alt.Scale(domain=order,
                                        range=["#2E86C1", "#28B463", "#F5B041", "#CB4335"]),
                        legend=alt.Legend(orient="bottom")),
        order=alt.Order("kind_order:Q"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=month_title), "kind:N",
                 alt.Tooltip("customers:Q", title=customers_title, format=",")],
    ).properties(height=280)


def cohort_heatmap(frame: pd.DataFrame, *, cohort_title: str, months_title: str,
                   share_title: str) -> alt.Chart:
    """Retention share by first-order month (rows) and months since (columns)."""
    base = alt.Chart(frame).encode(
        x=alt.X("months:O", title=months_title),
        y=alt.Y("cohort:O", title=cohort_title))
    rect = base.mark_rect().encode(
        color=alt.Color("share:Q", title=share_title, scale=alt.Scale(scheme="reds"),
                        legend=alt.Legend(format=".0%", orient="bottom")),
        tooltip=["cohort:O", "months:O", alt.Tooltip("share:Q", format=".1%")])
    return rect.properties(height=alt.Step(14))
