"""The ten-question diagnosis end to end: answers -> area scores, KPIs and the action plan.

`diagnose` is a pure function of the answers (same answers, same result); the UI and the
`diagnose` command both call it. The JSON shape of `Diagnosis.to_json` is a public contract.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.actions import PlannedAction, build_plan
from engine.kpis import compute_kpis, kpi_cards
from engine.questions import validate_answers
from engine.scoring import AreaResult, level_label, score_areas, weakest_first

__all__ = ["Diagnosis", "diagnose", "level_label"]


@dataclass(frozen=True)
class Diagnosis:
    """The result of one diagnosis, rendered in `lang`."""

    answers: dict[str, Any]  # canonical answers (every question id, None = unknown)
    areas: list[AreaResult]  # in scoring.toml order
    weakest: list[str]  # area ids, weakest first, unknown areas last
    kpis: dict[str, Any]
    actions: list[PlannedAction]
    lang: str = "ja"

    def area(self, area_id: str) -> AreaResult:
        return next(a for a in self.areas if a.id == area_id)

    def kpi_cards(self) -> list[dict[str, Any]]:
        return kpi_cards(self.kpis, self.lang)

    def to_json(self) -> dict[str, Any]:
        return {
            "areas": [a.to_json() for a in self.areas],
            "weakest": list(self.weakest),
            "kpis": dict(self.kpis),
            "actions": [a.to_json() for a in self.actions],
        }


def diagnose(answers: dict[str, Any], lang: str = "ja") -> Diagnosis:
    """Diagnose raw or canonical answers (validated here; AnswerError for invalid ones)."""
    canonical = validate_answers(answers)
    kpis = compute_kpis(canonical)
    areas = score_areas(canonical, kpis, lang)
    return Diagnosis(
        answers=canonical, areas=areas, weakest=weakest_first(areas), kpis=kpis,
        actions=build_plan(canonical, kpis, areas, lang), lang=lang,
    )
