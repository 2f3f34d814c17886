"""Checks that answers fit together (questions.toml [[consistency]]), before anyone reads
scores built on a typing slip such as an LTV of 1,200万 for a shop that sells 1,200万 a year."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from engine.i18n import t
from engine.kpis import format_value
from engine.settings import Settings, resolve


@dataclass(frozen=True)
class Inconsistency:
    id: str
    ratio: float
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "ratio": round(self.ratio, 3), "message": self.message}


def check_answers(answers: Mapping[str, Any], lang: str = "ja", *,
                  settings: Settings | None = None) -> list[Inconsistency]:
    """The consistency checks whose answers are all given and whose ratio is out of range
    (questions.toml [[consistency]] of `settings`, default the shipped file)."""
    found = []
    for rule in resolve(settings).questions.get("consistency", []):
        values = [answers.get(q) for q in (*rule["product"], rule["against"])]
        if any(v is None for v in values) or not values[-1]:
            continue
        product = math.prod(float(v) for v in values[:-1])
        ratio = product / float(values[-1])
        if rule["min_ratio"] <= ratio <= rule["max_ratio"]:
            continue
        found.append(Inconsistency(rule["id"], ratio, t(
            f"diagnosis.consistency.{rule['id']}", lang, product=format_value(product, "yen", lang),
            against=format_value(float(values[-1]), "yen", lang), ratio=f"{ratio:.1f}")))
    return found
