"""The ten-question diagnosis end to end: answers -> area scores, KPIs and the action plan.

`diagnose` is a pure function of the answers (same answers, same result); the UI and the
`diagnose` command both call it. The JSON shape of `Diagnosis.to_json` is a public contract.

With order data (`data=`: an OrderBook or the dict of `engine.datacheck.data_kpis`), the figures
the file gives (Q1, Q7, Q8, Q9, last year's active customers) replace the answers in the scoring,
each area says whether any of its inputs came from the data (`source`), and the Diagnosis carries
the data KPIs and the answer-vs-data comparison. Without data the result is exactly as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping

from engine.actions import PlannedAction, build_plan
from engine.kpis import compute_kpis, kpi_cards
from engine.questions import validate_answers
from engine.scoring import AreaResult, area_specs, level_label, score_areas, weakest_first
from engine.settings import Settings

if TYPE_CHECKING:
    from engine.orderbook import OrderBook

__all__ = ["Diagnosis", "area_sources", "diagnose", "level_label"]


@dataclass(frozen=True)
class Diagnosis:
    """The result of one diagnosis, rendered in `lang`."""

    answers: dict[str, Any]  # canonical answers (every question id, None = unknown)
    areas: list[AreaResult]  # in scoring.toml order
    weakest: list[str]  # area ids, weakest first, unknown areas last
    kpis: dict[str, Any]
    actions: list[PlannedAction]
    lang: str = "ja"
    # With order data only (None without): see the module docstring.
    data_kpis: dict[str, Any] | None = None
    comparison: list[dict[str, Any]] | None = None
    sources: dict[str, str] | None = None     # area id -> "answer" | "data"
    from_data: tuple[str, ...] = ()           # question ids whose data value replaced the answer

    def area(self, area_id: str) -> AreaResult:
        return next(a for a in self.areas if a.id == area_id)

    def kpi_cards(self) -> list[dict[str, Any]]:
        return kpi_cards(self.kpis, self.lang)

    def source(self, area_id: str) -> str:
        """"data" when any input of the area came from the order data, else "answer"."""
        return (self.sources or {}).get(area_id, "answer")

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "areas": [a.to_json() for a in self.areas],
            "weakest": list(self.weakest),
            "kpis": dict(self.kpis),
            "actions": [a.to_json() for a in self.actions],
        }
        if self.data_kpis is not None:
            for area in out["areas"]:
                area["source"] = self.source(area["id"])
            out["data_kpis"] = dict(self.data_kpis)
            out["comparison"] = [dict(row) for row in self.comparison or []]
        return out


def area_sources(areas: list[AreaResult], from_data: tuple[str, ...], *,
                 settings: Settings | None = None) -> dict[str, str]:
    """Per area: "data" when an input question of one of its applied rules came from the data."""
    rules = {rule.id: rule for spec in area_specs(settings=settings) for rule in spec.rules}
    out = {}
    for area in areas:
        inputs = {q for res in area.rules for q in rules[res.id].inputs}
        out[area.id] = "data" if inputs & set(from_data) else "answer"
    return out


def diagnose(answers: dict[str, Any], lang: str = "ja",
             data: "OrderBook | Mapping[str, Any] | None" = None, *,
             settings: Settings | None = None) -> Diagnosis:
    """Diagnose raw or canonical answers (validated here; AnswerError for invalid ones).

    `data`: an OrderBook or a `engine.datacheck.data_kpis` dict; the data values then replace
    the answers they measure in the scoring (see the module docstring).
    """
    canonical = validate_answers(answers, settings=settings)
    if data is None:
        kpis = compute_kpis(canonical)
        areas = score_areas(canonical, kpis, lang, settings=settings)
        return Diagnosis(
            answers=canonical, areas=areas, weakest=weakest_first(areas), kpis=kpis,
            actions=build_plan(canonical, kpis, areas, lang, settings=settings), lang=lang,
        )
    from engine import datacheck  # only needed with order data

    figures = (dict(data) if isinstance(data, Mapping)
               else datacheck.data_kpis(data, settings=settings))
    scored, from_data = datacheck.apply_data(canonical, figures, settings=settings)
    kpis = compute_kpis(scored)
    areas = score_areas(scored, kpis, lang, settings=settings)
    return Diagnosis(
        answers=canonical, areas=areas, weakest=weakest_first(areas), kpis=kpis,
        actions=build_plan(scored, kpis, areas, lang, settings=settings), lang=lang,
        data_kpis=figures, comparison=datacheck.compare(canonical, figures, lang,
                                                        settings=settings),
        sources=area_sources(areas, from_data, settings=settings), from_data=from_data,
    )
