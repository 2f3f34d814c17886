"""KMeans clusters on RFM: deterministic, named from centroids, honest when data is too small."""
import numpy as np
import pandas as pd

from analysis_helpers import random_orders
from engine.analysis import clusters, customers
from engine.i18n import t


def _table(n=600, seed=0):
    return customers.customer_table(random_orders(n, seed=seed))


def _groups():
    """Three obvious groups: recent heavy buyers, old heavy buyers, old one-time buyers."""
    rng = np.random.default_rng(5)
    parts = [
        ("vip", 40, rng.integers(3, 20, 40), rng.integers(8, 12, 40), 200000),
        ("old", 40, rng.integers(300, 400, 40), rng.integers(8, 12, 40), 200000),
        ("one", 120, rng.integers(300, 500, 120), np.ones(120, int), 3000),
    ]
    frames = []
    for name, n, rec, freq, money in parts:
        frames.append(pd.DataFrame({"recency_days": rec, "frequency": freq,
                                    "monetary": money * rng.uniform(0.8, 1.2, n)},
                                   index=[f"{name}{i:03d}" for i in range(n)]))
    return pd.concat(frames)


def test_same_data_same_result():
    table = _table()
    a, b = clusters.fit_clusters(table), clusters.fit_clusters(table)
    assert a.ok and a.k == b.k
    pd.testing.assert_series_equal(a.labels, b.labels)
    pd.testing.assert_frame_equal(a.profile, b.profile)


def test_sizes_sum_to_customers_and_names_are_unique():
    table = _table()
    res = clusters.fit_clusters(table, k=6)
    assert res.k == 6 and res.k_chosen_by == "user"
    assert res.profile["size"].sum() == len(table)
    assert res.profile["name_ja"].is_unique and res.profile["name_en"].is_unique
    assert abs(res.profile["revenue_share"].sum() - 1) < 1e-9
    assert res.names("ja").index.equals(table.index)


def test_k_is_chosen_by_silhouette_within_bounds():
    res = clusters.fit_clusters(_table())
    assert res.k_chosen_by == "silhouette" and 3 <= res.k <= 8
    assert res.k == max(res.silhouette, key=lambda k: (res.silhouette[k], -k))


def test_clusters_are_numbered_by_monetary_median_descending():
    prof = clusters.fit_clusters(_table(), k=5).profile
    assert list(prof["cluster"]) == list(range(5))
    assert prof["monetary_median"].is_monotonic_decreasing


def test_obvious_groups_get_business_names():
    res = clusters.fit_clusters(_groups(), k=3)
    names = res.names("en")
    assert set(names[names.index.str.startswith("vip")]) == {"Champions"}
    assert set(names[names.index.str.startswith("old")]) == {"Dormant high-value"}
    one = set(names[names.index.str.startswith("one")])
    assert len(one) == 1 and one & {"Lapsed", "Fading"}


def test_too_few_customers_is_explained_not_raised():
    res = clusters.fit_clusters(_table(n=12))
    assert not res.ok and res.reason_key == "analysis.clusters.too_few"
    assert "12" in t(res.reason_key, "ja", **res.reason_params)


def test_everyone_bought_once_is_explained():
    table = _table(400)
    table = table.assign(frequency=1)
    res = clusters.fit_clusters(table)
    assert not res.ok and res.reason_key == "analysis.clusters.all_single"


def test_impossible_k_is_explained():
    res = clusters.fit_clusters(_table(), k=1)
    assert not res.ok and res.reason_key == "analysis.clusters.bad_k"


def test_a_repeated_name_gets_a_numbered_suffix():
    prof = clusters.fit_clusters(_table(), k=8).profile
    repeated = prof[prof["name_id"].duplicated()]
    assert len(repeated) >= 1                        # this data gives two clusters the same name
    for row in repeated.itertuples():
        first = prof[prof["name_id"] == row.name_id].iloc[0]
        assert row.name_ja.startswith(first["name_ja"] + " ") and row.name_ja[-1].isdigit()


def test_scatter_points_are_bounded_and_named():
    table = _table()
    res = clusters.fit_clusters(table, k=4)
    points = clusters.scatter_frame(table, res, "ja", max_points=100)
    assert len(points) == 100 and points["customer_id"].is_unique
    assert set(points["name"]) <= set(res.profile["name_ja"])
    assert len(clusters.scatter_frame(table, res, "ja")) == len(table)


def _permute_and_relabel(table, seed=1):
    """The same customers in another order under other ids (as another session's salt gives)."""
    rng = np.random.default_rng(seed)
    perm = table.iloc[rng.permutation(len(table))]
    new_ids = {old: f"z{i:05d}" for i, old in enumerate(perm.index)}
    return perm.set_axis([new_ids[i] for i in perm.index]), new_ids


def test_row_order_and_ids_do_not_change_the_clusters():
    for table in (_table(900, seed=4), _groups()):
        a = clusters.fit_clusters(table)
        other, new_ids = _permute_and_relabel(table)
        b = clusters.fit_clusters(other)
        assert a.k == b.k
        pd.testing.assert_frame_equal(a.profile, b.profile)
        # each customer in the same numbered, same named cluster
        assert (a.labels.rename(index=new_ids).reindex(b.labels.index) == b.labels).all()


def test_rank_flags_hand_case():
    flags = clusters.rank_flags(r_z=[-1.0, -0.9, 0.2, 1.0], m_z=[1.0, 0.6, -0.4, 0.45],
                                margin=0.5)
    # high value: m_z >= 1.0 - 0.5 and >= -0.4 + 0.5; 0.45 misses by a hair, and says so
    assert flags["high_value"].tolist() == [1, 1, 0, 0]
    assert flags["recent"].tolist() == [1, 1, 0, 0]    # r_z <= -0.5 and <= 0.5
    assert flags["old"].tolist() == [0, 0, 0, 1]       # r_z >= 0.5 and >= -0.5


def test_clusters_close_to_each_other_are_neither_high_nor_recent():
    flags = clusters.rank_flags(r_z=[0.1, -0.1, 0.05], m_z=[0.02, -0.02, 0.0], margin=0.5)
    assert flags.to_numpy().sum() == 0


def test_zero_spend_customers_join_a_cluster_and_change_nothing():
    groups = _groups()
    zeros = pd.DataFrame({"recency_days": np.arange(10, 50), "frequency": 1,
                          "monetary": 0.0}, index=[f"zero{i:03d}" for i in range(40)])
    without = clusters.fit_clusters(groups, k=3)
    with_zero = clusters.fit_clusters(pd.concat([groups, zeros]), k=3)
    assert with_zero.k == 3 and with_zero.profile["size"].sum() == len(groups) + 40
    # the spenders are clustered exactly as without the zero-spend customers ...
    assert (with_zero.labels.loc[groups.index] == without.labels).all()
    # ... and no cluster is made of zero-spend customers only
    spenders_per_cluster = with_zero.labels.loc[groups.index].value_counts()
    assert set(with_zero.labels.loc[zeros.index]) <= set(spenders_per_cluster.index)


def test_kmeans_uses_the_configured_starts():
    res = clusters.fit_clusters(_table(), k=4)
    from engine.config import load
    assert res.n_init == load("segments")["clusters"]["n_init"] >= 10


def test_a_very_large_table_refines_on_a_stated_sample_and_labels_everyone():
    import copy

    from engine.settings import FILES, Settings

    base = Settings.default()
    parts = {name: copy.deepcopy(dict(getattr(base, name))) for name in FILES}
    parts["segments"]["clusters"]["final_fit_sample"] = 200
    small = Settings(**parts)
    table = _table(900)
    res = clusters.fit_clusters(table, settings=small)
    assert res.ok and res.fitted_on == 200
    assert len(res.labels) == len(table) and res.labels.notna().all()
    assert res.labels.equals(clusters.fit_clusters(table, settings=small).labels), "same file, same output"
    assert clusters.fit_clusters(table).fitted_on == len(table[table["monetary"] > 0])
