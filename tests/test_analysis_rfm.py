"""RFM scores, segments and who moves when one threshold moves (seed 003)."""
import copy
import itertools

import pandas as pd
import pytest

from analysis_helpers import random_orders
from engine.analysis import cpm, customers, rfm
from engine.config import load
from engine.errors import KarteError
from engine.settings import FILES, Settings

TH = rfm.RFMThresholds(recency_days=(30, 90, 180, 365), frequency=(2, 3, 4, 6),
                       monetary=(5000, 10000, 30000, 100000))


def _table(rows):
    """rows: (customer, recency_days, frequency, monetary)"""
    return pd.DataFrame([r[1:] for r in rows], columns=["recency_days", "frequency", "monetary"],
                        index=pd.Index([r[0] for r in rows], name="customer_id"))


def test_ties_at_a_threshold_get_the_better_score():
    table = _table([("at", 30, 2, 5000), ("above", 31, 1, 4999), ("far", 366, 6, 100000),
                    ("edge4", 365, 5, 99999)])
    s = rfm.scores(table, TH)
    assert s.loc["at"].tolist() == [5, 2, 2]
    assert s.loc["above"].tolist() == [4, 1, 1]
    assert s.loc["far"].tolist() == [1, 5, 5]
    assert s.loc["edge4"].tolist() == [2, 4, 4]


def test_segments_follow_the_toml_rules_first_match():
    table = _table([("champ", 10, 6, 50000), ("new", 10, 1, 3000), ("risk", 400, 4, 20000),
                    ("lost", 400, 1, 1000)])
    seg = rfm.score(table, TH)["segment"]
    assert seg.to_dict() == {"champ": "champions", "new": "new", "risk": "at_risk",
                             "lost": "lost"}


def test_every_customer_gets_one_segment_and_counts_sum():
    table = customers.customer_table(random_orders(500, seed=3))
    scored = rfm.score(table)
    counts = rfm.segment_counts(scored)
    assert list(counts) == [r["id"] for r in load("segments")["rfm"]["segments"]]
    assert sum(counts.values()) == len(table)


def _settings_with(**rfm_changes) -> Settings:
    """The shipped settings with some keys of segments.toml [rfm] replaced."""
    base = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(base, name))) for name in FILES}
    parts["segments"]["rfm"].update(rfm_changes)
    return Settings(**parts)


def test_default_thresholds_say_where_they_come_from():
    table = customers.customer_table(random_orders(300, seed=1))
    th = rfm.default_thresholds(table)
    source = dict(th.source)
    assert source["frequency"] == "fixed"
    assert th.frequency == tuple(float(x) for x in load("segments")["rfm"]["fixed"]["frequency"])
    # Recency on a consultant's day cut points by default, whatever the shop's history
    assert source["recency_days"] == "fixed"
    assert th.recency_days == (30.0, 90.0, 180.0, 365.0)
    assert source["monetary"] == "quantile"
    assert th.monetary[1] == round(table["monetary"].quantile(0.4))


def test_recency_quantiles_are_an_option_in_the_settings():
    table = customers.customer_table(random_orders(300, seed=1))
    th = rfm.default_thresholds(table, settings=_settings_with(recency_method="quantile"))
    assert dict(th.source)["recency_days"] == "quantile"
    assert th.recency_days[1] == round(table["recency_days"].quantile(0.4))


def test_segment_definitions_hand_cases():
    # TH: R5 <=30, R4 <=90, R3 <=180, R2 <=365 days; F2 = 2 orders; M3 >= 10,000 yen
    table = _table([("new90", 90, 1, 3000),        # one order, 90 days: still 新規
                    ("first91", 91, 1, 3000),      # one order, 91 days: CPM 初回離脱 -> 離脱
                    ("first91rich", 91, 1, 12000),  # ... with mid spend -> 休眠
                    ("second", 150, 2, 8000),      # two orders within 180 days -> 育成中
                    ("second200", 200, 2, 3000),   # two orders, 200 days, small -> 離脱
                    ("loyal", 180, 3, 9000),       # three orders within 180 days
                    ("risk", 181, 3, 9000)])       # ... one day later
    seg = rfm.score(table, TH)["segment"].to_dict()
    assert seg == {"new90": "new", "first91": "lost", "first91rich": "hibernating",
                   "second": "promising", "second200": "lost", "loyal": "loyal",
                   "risk": "at_risk"}


def test_new_is_never_cpm_first_lapsed_even_with_a_wider_R4():
    # R4 widened to 120 days: a one-time buyer at 100 days is R4, but past CPM's 90-day window
    table = _table([("a", 100, 1, 3000), ("b", 90, 1, 3000)])
    seg = rfm.score(table, TH.with_cut("recency_days", 1, 120))["segment"]
    assert seg.to_dict() == {"a": "lost", "b": "new"}
    first_lapse = load("segments")["cpm"]["first_lapse_days"]
    new_rule = next(r for r in load("segments")["rfm"]["segments"] if r["id"] == "new")
    assert new_rule["recency_days_max"] == first_lapse


@pytest.mark.parametrize("method", ["fixed", "quantile"])
def test_no_customer_is_rfm_new_and_cpm_first_lapsed(method):
    table = customers.customer_table(random_orders(800, seed=5))
    seg = rfm.score(table, settings=_settings_with(recency_method=method))["segment"]
    lapsed = cpm.cpm_segments(table) == "first_lapsed"
    assert (seg == "new").any() and lapsed.any()
    assert not ((seg == "new") & lapsed).any()


def test_used_cuts_are_the_ones_the_rules_read():
    assert rfm.used_cuts() == {"recency_days": (1, 2), "frequency": (0, 1, 2),
                               "monetary": (1,)}


def _grid() -> pd.DataFrame:
    """Every combination of values on both sides of every cut point of TH."""
    r = [10, 30, 31, 60, 90, 91, 120, 180, 181, 300, 365, 366, 900]
    f = [1, 2, 3, 4, 5, 6, 7]
    m = [1000, 4999, 5000, 9999, 10000, 29999, 30000, 99999, 100000, 200000]
    rows = [(f"c{i}", *v) for i, v in enumerate(itertools.product(r, f, m))]
    return _table(rows)


def test_every_shown_cut_moves_somebody_and_a_hidden_one_nobody():
    table = _grid()
    base = rfm.score(table, TH)
    used = rfm.used_cuts()
    for dim in rfm.DIMENSIONS:
        for pos in range(4):
            cuts = getattr(TH, dim)
            lo = cuts[pos - 1] if pos else 0
            moved = TH.with_cut(dim, pos, (lo + cuts[pos]) / 2 if dim != "frequency"
                                else max(lo, cuts[pos] - 1))
            n = len(rfm.segment_changes(base, rfm.score(table, moved)))
            assert (n > 0) == (pos in used[dim]), (dim, pos, n)


def test_cut_labels_read_the_right_way():
    assert rfm.cut_label("recency_days", 0, 30) == "R5→R4: ≤30日"
    assert rfm.cut_label("recency_days", 3, 365) == "R2→R1: ≤365日"
    assert rfm.cut_label("frequency", 0, 2) == "F1→F2: ≥2回"
    assert rfm.cut_label("monetary", 1, 3740, "en") == "M2→M3: ≥¥3,740"
    assert rfm.cut_label("recency_days", 1, lang="ja") == "R4→R3: 何日以内"


def test_complete_cuts_keeps_hidden_cuts_in_order():
    assert rfm.complete_cuts((30, 90, 180, 365), {1: 60, 2: 200}) == (30, 60, 200, 365)
    # R4→R3 moved below the hidden R5→R4 cut: the hidden one follows, nobody else moves
    assert rfm.complete_cuts((30, 90, 180, 365), {1: 20, 2: 180}) == (20, 20, 180, 365)
    assert rfm.complete_cuts((30, 90, 180, 365), {1: 90, 2: 400}) == (30, 90, 400, 400)


def test_definitions_note_names_the_days():
    note = rfm.definitions_note(TH, "ja")
    assert "R5は最終購入から30日以内" in note and "90日以内の方" in note


def test_moving_one_threshold_lists_exactly_the_border_customers():
    table = _table([("a", 170, 3, 20000), ("b", 200, 3, 20000), ("c", 250, 3, 20000),
                    ("d", 10, 1, 1000)])
    before = rfm.score(table, TH)
    after = rfm.score(table, TH.with_cut("recency_days", 2, 210))   # R3 now up to 210 days
    changes = rfm.segment_changes(before, after)
    # b: R2 F3 (at_risk) -> R3 F3 (loyal); a was already R3, c stays R2, d is far away.
    assert list(changes.index) == ["b"]
    assert changes.loc["b", ["from_segment", "to_segment"]].tolist() == ["at_risk", "loyal"]
    assert (changes.loc["b", "R_old"], changes.loc["b", "R_new"]) == (2, 3)
    matrix = rfm.change_matrix(changes)
    assert matrix.loc["at_risk", "loyal"] == 1 and int(matrix.to_numpy().sum()) == 1


def test_no_move_no_change():
    table = _table([("a", 29, 4, 50000)])
    s = rfm.score(table, TH)
    assert rfm.segment_changes(s, s).empty


def test_thresholds_must_be_four_and_ascending():
    with pytest.raises(KarteError) as err:
        TH.with_cut("monetary", 0, 200000)
    assert err.value.key == "analysis.error.thresholds_order"
    with pytest.raises(KarteError):
        rfm.RFMThresholds((1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 4))


def test_scorer_is_deterministic_and_fit_transform_equals_score():
    table = customers.customer_table(random_orders(400, seed=2))
    a = rfm.RFMScorer().fit_transform(table)
    b = rfm.score(table, rfm.default_thresholds(table))
    pd.testing.assert_frame_equal(a, b)


def test_a_threshold_message_names_the_dimension_in_the_readers_language():
    with pytest.raises(KarteError) as err:
        rfm.RFMThresholds((30, 90, 180, 365), (4, 3, 2, 1), (1, 2, 3, 4))
    assert "購入回数" in err.value.message("ja") and "frequency" not in err.value.message("ja")
    assert "Orders" in err.value.message("en")


def test_slider_steps_go_by_the_week_then_the_month_and_keep_the_files_own_cuts():
    days = rfm.cut_steps("recency_days", (30, 90, 180, 365))
    assert days[:6] == [7, 14, 21, 30, 60, 90] and days[-1] == 720   # twice 365, on a month
    months = [d for d in days[3:] if d != 365]     # 365: the file's own cut, kept as it is
    assert all(b - a == 30 for a, b in zip(months, months[1:])) and 365 in days
    yen = rfm.cut_steps("monetary", (3_740, 7_432, 12_000, 25_000))
    assert {3_740, 7_432} <= set(yen) and yen[-1] == 50_000
    assert [v for v in yen if v % 1_000] == [3_740, 7_432]   # the rest on ¥1,000 steps
    assert rfm.cut_steps("frequency", (2, 3, 4, 6)) == list(range(1, 13))
