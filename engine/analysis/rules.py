"""First-match rule lists from `engine/data/segments.toml`, evaluated vectorised.

A rule is a TOML table with an `id` and conditions `<column>_<op> = value` (op: min, max, under,
over). Keys that are not conditions (id, label_*, note, requires, ...) are ignored. The last rule
of a list normally has no condition, so everybody gets a label.
"""
from __future__ import annotations

import operator
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from engine.config import localized

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "min": operator.ge, "max": operator.le, "under": operator.lt, "over": operator.gt,
}
_NOT_CONDITIONS = {"id", "note", "requires"}


def conditions(rule: Mapping[str, Any]) -> list[tuple[str, str, float]]:
    """(column, op, value) for each condition key of `rule`."""
    out = []
    for key, value in rule.items():
        if key in _NOT_CONDITIONS or key.startswith(("label", "lapsed_label")):
            continue
        column, _, op = key.rpartition("_")
        if op not in _OPS or not column:
            raise ValueError(f"rule {rule.get('id')!r}: cannot read condition {key!r}")
        out.append((column, op, value))
    return out


def match(frame: pd.DataFrame, rules: Iterable[Mapping[str, Any]], default: str) -> np.ndarray:
    """The id of the first rule each row of `frame` satisfies (`default` when none does)."""
    rules = list(rules)
    choices, ids = [], []
    for rule in rules:
        mask = np.ones(len(frame), dtype=bool)
        for column, op, value in conditions(rule):
            mask &= np.asarray(_OPS[op](frame[column].to_numpy(), value), dtype=bool)
        choices.append(mask)
        ids.append(rule["id"])
    if not choices:
        return np.full(len(frame), default, dtype=object)
    return np.select(choices, np.array(ids, dtype=object), default=default)


def labels(rules: Iterable[Mapping[str, Any]], lang: str, field: str = "label") -> dict[str, str]:
    """{rule id: label in `lang`} in rule order."""
    return {rule["id"]: localized(rule, field, lang) for rule in rules}
