"""Customer lists to act on: any segment, cluster or rank, ready for CSV / Excel download.

`customer_list` joins the customer table with the labels computed elsewhere (RFM scores and
segment, CPM segment, rank, cluster), filters to a selection and gives readable columns. Pass the
result to `engine.exporting.csv_bytes` / `xlsx_bytes`, which neutralise formula-like cells.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from engine.analysis import cpm, ranks, rfm
from engine.i18n import t

LIST_COLUMNS = ("customer_id", "recency_days", "frequency", "monetary", "last_order",
                "R", "F", "M", "segment", "cpm", "rank", "cluster")


def _labellers(lang: str) -> dict[str, Mapping[str, str]]:
    return {"segment": rfm.segment_labels(lang), "cpm": cpm.segment_labels(lang),
            "rank": ranks.rank_labels(lang)}


def customer_list(table: pd.DataFrame, scores: pd.DataFrame | Mapping[str, pd.Series],
                  selection: Mapping[str, Any] | None = None, lang: str | None = None
                  ) -> pd.DataFrame:
    """The customers of `selection`, one row each, sorted by customer_id.

    `scores`: a DataFrame or {column: Series} indexed by customer_id with any of R, F, M,
    segment, cpm, rank, cluster. `selection`: {column: value or list of values} on those columns
    (ids, e.g. {"segment": "at_risk"} or {"cluster": [0, 1]}); None = everybody.
    `lang`: None keeps ids and column names (for scripts); "ja"/"en" gives labels and headers
    from the message catalogue (for people opening the file in Excel).
    """
    extra = pd.DataFrame(dict(scores)) if not isinstance(scores, pd.DataFrame) else scores
    frame = table[["recency_days", "frequency", "monetary", "last_order"]].join(extra, how="left")
    for column, wanted in (selection or {}).items():
        values = list(wanted) if isinstance(wanted, (list, tuple, set)) else [wanted]
        frame = frame[frame[column].isin(values)]
    frame = frame.sort_index(kind="stable").reset_index()
    frame["last_order"] = frame["last_order"].dt.date
    frame = frame[[c for c in LIST_COLUMNS if c in frame.columns]]
    if lang is None:
        return frame
    for column, labels in _labellers(lang).items():
        if column in frame:
            frame[column] = frame[column].map(lambda v, m=labels: m.get(v, v))
    return frame.rename(columns={c: t(f"analysis.columns.{c}", lang) for c in frame.columns})
