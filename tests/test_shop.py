"""engine.shop.ShopAnalysis: one analysis per file and parameters, parts shared by siblings."""
from __future__ import annotations

from dataclasses import replace

import pytest

from engine import samples
from engine.economics import PlanAssumptions
from engine.ingest import ingest
from engine.shop import ShopAnalysis


@pytest.fixture(scope="module")
def cosmetics() -> ShopAnalysis:
    return ShopAnalysis(ingest(*samples.generate("cosmetics")))


def test_each_sibling_counts_its_own_dormant_customers(cosmetics):
    rich = cosmetics.with_params(assumptions=replace(PlanAssumptions.defaults(), gross_margin=0.9))
    poor = cosmetics.with_params(assumptions=replace(PlanAssumptions.defaults(), gross_margin=0.1))
    # asked in this order on purpose: a figure memoised for one must not answer for the other
    assert rich.figures()["dormant_high_value"] == rich.dormant.count
    assert poor.figures()["dormant_high_value"] == poor.dormant.count
    assert rich.dormant.count > poor.dormant.count  # a DM pays off on fewer customers at 10 %


def test_a_cut_point_move_rescores_rfm_and_refits_nothing(cosmetics):
    cosmetics.clusters, cosmetics.dormant  # fitted once here
    before = dict(cosmetics.fits)
    cuts = cosmetics.rfm_defaults
    moved = cosmetics.with_params(rfm=cuts.with_cut("monetary", 1, cuts.monetary[1] + 500))
    assert moved.customers is cosmetics.customers  # the same table, not a copy
    moved.clusters, moved.dormant, moved.figures()
    assert dict(cosmetics.fits) == before
    assert not moved.rfm_moves().empty or cuts.monetary[1] + 500 > cuts.monetary[2]
