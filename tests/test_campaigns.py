"""engine.campaigns: a control group held back at random, reproducibly and balanced; the
campaign measured on a newer export recovers a planted effect within its stated interval and
does not call a campaign without effect a success."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine import samples
from engine.campaigns import (Campaign, apply_measured, bootstrap_mean_diff, create_campaign,
                              customer_hashes, measure, measured_responses, newcombe,
                              split_groups)
from engine.errors import KarteError
from engine.ingest import ingest_files
from engine.shop import ShopAnalysis
from tests.campaign_helpers import (DATE, SECRET, later_shopify_export, plant, planted_rows,
                                    synthetic_campaign)


# --- the split ---------------------------------------------------------------------------------

def test_the_split_is_reproducible_disjoint_and_complete() -> None:
    c1, f1 = synthetic_campaign(3000, share=0.15, seed=1, campaign_id="same-id")
    c2, f2 = synthetic_campaign(3000, share=0.15, seed=1, campaign_id="same-id")
    assert c1.mailed == c2.mailed and c1.control == c2.control
    assert not set(c1.mailed) & set(c1.control)
    assert len(set(c1.mailed) | set(c1.control)) == 3000
    assert len(c1.control) in (449, 450, 451)            # 15 % of 3000, rounded either way
    other, _ = synthetic_campaign(3000, share=0.15, seed=1, campaign_id="another-id")
    # another campaign id: other hashes, and another choice of customers
    assert (f1["group"] == "control").sum() == pytest.approx(450, abs=1)
    assert not set(other.control) & set(c1.control)


def test_the_split_does_not_depend_on_the_row_order() -> None:
    rng = np.random.default_rng(5)
    ids = [f"x{i}" for i in range(800)]
    seg = rng.choice(["a", "b"], 800)
    val = rng.lognormal(8, 1, 800)
    hashes = customer_hashes(ids, "order-test", SECRET)
    control = split_groups(hashes, seg, val, 0.2, "order-test")
    perm = rng.permutation(800)
    shuffled = split_groups([hashes[i] for i in perm], seg[perm], val[perm], 0.2, "order-test")
    assert set(np.asarray(hashes)[control]) == set(np.asarray(hashes)[perm][shuffled])


def test_the_groups_look_alike_on_what_the_target_was_chosen_by() -> None:
    campaign, frame = synthetic_campaign(5000, share=0.15, seed=2)
    control = frame["group"] == "control"
    # each segment holds back its 15 % (±1 customer, the stratified rounding)
    for _, part in frame.groupby("segment"):
        held = (part["group"] == "control").sum()
        assert abs(held - 0.15 * len(part)) <= 1.0 + 1e-9
    # each value quartile (computed here, independently of the split's own bands) too
    quartile = pd.qcut(frame["monetary"].rank(method="first"), 4, labels=False)
    for q in range(4):
        part = control[quartile == q]
        assert abs(part.mean() - 0.15) < 0.01
    # and the spend distributions agree: standardised mean difference and medians
    m, c = frame.loc[~control, "monetary"], frame.loc[control, "monetary"]
    pooled = np.sqrt((m.var() + c.var()) / 2)
    assert abs(m.mean() - c.mean()) / pooled < 0.05
    assert abs(np.log(m.median() / c.median())) < 0.05


def test_a_share_outside_the_stated_range_is_refused() -> None:
    raw, name = samples.generate("cosmetics")
    analysis = ShopAnalysis(ingest_files([(raw, name)]))
    with pytest.raises(KarteError) as exc:
        create_campaign(analysis, {}, target="f2_candidates", control_share=0.9, secret=SECRET)
    assert exc.value.key == "campaign.error.bad_share"


# --- the intervals -----------------------------------------------------------------------------

def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), Statistics in Medicine 17:873, table II, example (a): 56/70 vs 48/80,
    # method 10 (hybrid score): 0.0524 to 0.3339
    d, low, high = newcombe(56, 70, 48, 80)
    assert d == pytest.approx(56 / 70 - 48 / 80)
    assert low == pytest.approx(0.0524, abs=5e-4) and high == pytest.approx(0.3339, abs=5e-4)


def test_the_sparse_bootstrap_agrees_with_the_plain_one() -> None:
    rng = np.random.default_rng(3)
    a = np.zeros(400); a[:40] = rng.gamma(4, 1500, 40)
    b = np.zeros(300); b[:15] = rng.gamma(4, 1500, 15)
    low, high = bootstrap_mean_diff(a[a > 0], 400, b[b > 0], 300, resamples=4000, seed=1)
    plain = (rng.choice(a, (4000, 400)).mean(1) - rng.choice(b, (4000, 300)).mean(1))
    p_low, p_high = np.percentile(plain, [2.5, 97.5])
    assert low == pytest.approx(p_low, abs=40) and high == pytest.approx(p_high, abs=40)


# --- measuring --------------------------------------------------------------------------------

def _by_hand(frame: pd.DataFrame, orders: pd.DataFrame, margin: float = 0.5) -> dict:
    """The per-group figures in plain pandas: responders are customers with an order from the
    campaign date within 90 days."""
    window = orders[(orders["order_date"] >= DATE)
                    & (orders["order_date"] < DATE + pd.Timedelta(days=90))]
    per = window.groupby("customer_id")["revenue"].agg(["size", "sum"])
    out = {}
    for group, part in frame.groupby("group"):
        hit = per.reindex(part["customer_id"]).dropna()
        out[group] = {"size": len(part), "responders": len(hit), "orders": int(hit["size"].sum()),
                      "gp": hit["sum"].sum() * margin / len(part)}
    return out


def test_the_figures_of_each_group_match_a_hand_count() -> None:
    campaign, frame = synthetic_campaign(2000, seed=4)
    orders = plant(frame, base=0.04, lift=0.04, seed=4)
    result = measure(campaign, orders, secret=SECRET)
    hand = _by_hand(frame, orders)
    for group in ("mailed", "control"):
        g = result.groups[group]
        assert (g.size, g.responders, g.orders) == (hand[group]["size"], hand[group]["responders"],
                                                    hand[group]["orders"])
        assert g.gross_profit_per_customer == pytest.approx(hand[group]["gp"])
        assert g.matched == g.size and g.unmatched == 0
    m, c = result.groups["mailed"], result.groups["control"]
    assert result.lift == pytest.approx(m.responders / m.size - c.responders / c.size)
    assert result.contact_cost == m.size * 150
    assert result.incremental_profit == pytest.approx(
        (hand["mailed"]["gp"] - hand["control"]["gp"]) * m.size - m.size * 150)


def test_orders_before_the_campaign_date_or_after_the_window_do_not_count() -> None:
    campaign, frame = synthetic_campaign(600, seed=6)
    orders = plant(frame, base=0.0, lift=0.0, seed=6)
    first = frame["customer_id"].iloc[0]
    extra = pd.DataFrame({"order_id": ["early", "late"], "customer_id": [first, first],
                          "order_date": [DATE - pd.Timedelta(hours=1),
                                         DATE + pd.Timedelta(days=90)],
                          "revenue": [5000.0, 5000.0], "n_products": 1, "subscription": False})
    result = measure(campaign, pd.concat([orders, extra]), secret=SECRET)
    assert sum(g.responders for g in result.groups.values()) == 0


def test_a_customer_missing_from_the_newer_export_is_counted_as_unmatched() -> None:
    campaign, frame = synthetic_campaign(1000, seed=7)
    orders = plant(frame, base=0.05, lift=0.0, seed=7)
    gone = set(frame.loc[frame["group"] == "control", "customer_id"].iloc[:10])
    gone |= set(frame.loc[frame["group"] == "mailed", "customer_id"].iloc[:25])
    result = measure(campaign, orders[~orders["customer_id"].isin(gone)], secret=SECRET)
    assert result.groups["control"].unmatched == 10
    assert result.groups["mailed"].unmatched == 25
    assert result.groups["mailed"].size == (frame["group"] == "mailed").sum()  # still counted
    assert "campaign.notice.unmatched" in result.notices


def test_a_newer_export_under_another_secret_says_so() -> None:
    campaign, frame = synthetic_campaign(500, seed=8)
    result = measure(campaign, plant(frame, 0.05, 0.05, 8), secret=b"another installation")
    assert "campaign.notice.other_secret" in result.notices
    assert result.groups["mailed"].matched == 0


def test_groups_too_small_to_tell_are_said_so_even_with_a_large_difference() -> None:
    campaign, frame = synthetic_campaign(120, share=0.15, seed=9)
    result = measure(campaign, plant(frame, base=0.0, lift=0.5, seed=9), secret=SECRET)
    assert len(campaign.control) < 30
    assert result.verdict == "too_small" and not result.success
    assert "30" in result.sentence("ja")


@pytest.mark.parametrize("n, lift", [(500, 0.10), (2000, 0.05), (10000, 0.03)])
def test_a_planted_effect_is_recovered_within_the_stated_interval(n: int, lift: float) -> None:
    campaign, frame = synthetic_campaign(n, seed=n)
    result = measure(campaign, plant(frame, base=0.05, lift=lift, seed=n), secret=SECRET)
    assert result.lift_low <= lift <= result.lift_high
    assert result.verdict in ("worked", "unclear")       # never "worse", never "too small"
    if n >= 10000:   # 4.7 standard errors: found (power > 99 %); smaller sizes may miss it
        assert result.verdict == "worked"
    # the profit interval holds the planted gross profit per customer (lift × value × margin)
    planted_gp = lift * 6000 * 0.5
    assert result.gp_diff_low <= planted_gp <= result.gp_diff_high


def test_the_interval_covers_the_planted_effect_about_95_times_in_100() -> None:
    covered = 0
    reps = 100
    for seed in range(reps):
        campaign, frame = synthetic_campaign(1000, seed=seed, campaign_id=f"cov-{seed}")
        result = measure(campaign, plant(frame, base=0.05, lift=0.04, seed=seed), secret=SECRET)
        covered += result.lift_low <= 0.04 <= result.lift_high
    assert covered / reps >= 0.90


def test_a_campaign_without_effect_is_rarely_called_a_success() -> None:
    reps = 150
    successes = 0
    for seed in range(reps):
        campaign, frame = synthetic_campaign(1000, seed=seed, campaign_id=f"null-{seed}")
        result = measure(campaign, plant(frame, base=0.06, lift=0.0, seed=seed), secret=SECRET)
        successes += result.success
    assert successes / reps <= 0.05      # 2.5 % expected: one side of a 95 % interval


# --- on a real export ---------------------------------------------------------------------------

def test_a_campaign_on_the_sample_shop_is_measured_on_a_later_export() -> None:
    raw, name = samples.generate("cosmetics")
    analysis = ShopAnalysis(ingest_files([(raw, name)]))
    answers = samples.sample_answers("cosmetics")
    split = create_campaign(analysis, answers, target="f2_candidates", control_share=0.2,
                            secret=SECRET)
    campaign = split.campaign
    assert campaign.date == analysis.as_of.date().isoformat()
    assert len(campaign.mailed) == len(split.mailed_list(None))
    # no e-mail, no customer id in what is kept
    kept = str(campaign.to_json())
    assert "@" not in kept and not any(cid in kept for cid in split.customers.index[:50])
    date = pd.Timestamp(campaign.date)
    rows = planted_rows(split.customers, base=0.1, lift=0.3, seed=1, date=date)
    later = ingest_files([(later_shopify_export(raw, rows), "later_orders.csv")])
    result = measure(campaign, later, secret=SECRET)
    planted = pd.Series([r[0] for r in rows]).map(split.customers["group"]).value_counts()
    assert result.groups["mailed"].responders == planted.get("mailed", 0)
    assert result.groups["control"].responders == planted.get("control", 0)
    assert result.groups["mailed"].unmatched == 0


def test_a_measured_response_replaces_the_assumed_one_in_the_plan() -> None:
    raw, name = samples.generate("cosmetics")
    analysis = ShopAnalysis(ingest_files([(raw, name)]))
    answers = samples.sample_answers("cosmetics")
    campaign, frame = synthetic_campaign(3000, seed=11)
    campaign = Campaign.from_json({**campaign.to_json(), "target": "f2_candidates"})
    result = measure(campaign, plant(frame, base=0.05, lift=0.06, seed=11), secret=SECRET)
    measured = measured_responses([(campaign, result)])
    assert measured["f2_candidates"].campaign_id == campaign.id
    assert measured["f2_candidates"].response == pytest.approx(max(result.lift, 0))
    assumptions = apply_measured(analysis.for_answers(answers).assumptions, measured)
    row = next(r for r in analysis.plan(answers, assumptions) if r.id == "f2_candidates")
    assert row.estimate.incremental_rate == pytest.approx(result.lift)
    # a too-small campaign never replaces the assumption
    small, sframe = synthetic_campaign(100, seed=12)
    small_result = measure(small, plant(sframe, 0.05, 0.3, 12), secret=SECRET)
    assert measured_responses([(small, small_result)]) == {}


def test_a_dormant_layer_campaign_is_its_plan_target_and_reads_back_in_plan_terms() -> None:
    raw, name = samples.generate("cosmetics")
    analysis = ShopAnalysis(ingest_files([(raw, name)]))
    answers = samples.sample_answers("cosmetics")
    split = create_campaign(analysis, answers, layer="dm", secret=SECRET)
    campaign = split.campaign
    layer_ids = analysis.for_answers(answers).dormant.customers
    expected = set(layer_ids.loc[layer_ids["layer"] == "dm", "customer_id"].astype(str))
    assert set(split.customers.index) == expected          # exactly the layer's customers
    assert campaign.target == "dormant_dm" and campaign.source == "dormant"
    assert campaign.value == "winback" and 0 < campaign.mean_p_alive <= 1
    assert [s["segment"] for s in campaign.strata] == ["dm"]
    # a win-back response is a multiple of P(alive): the measured difference is divided by it
    from engine.campaigns import plan_response
    fake = measure(campaign, analysis.book, secret=SECRET)
    fake.lift, fake.verdict = 0.02, "worked"
    assert plan_response(campaign, fake) == pytest.approx(0.02 / campaign.mean_p_alive)
