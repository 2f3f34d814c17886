"""Figures of the customer definitions on the three sample shops (issue 10 items 1, 2, 7).

Prints, per sample shop: customers, the 優良休眠客 list (count and share of customers), the RFM
segment counts, RFM 新規 customers who are also CPM 初回離脱, and the cluster names with sizes,
plus whether the clusters survive a permutation of the customers with relabelled ids.
Run: .venv/bin/python bench/definitions.py
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from engine import samples  # noqa: E402
from engine.analysis import clusters, cpm, customers, rfm  # noqa: E402
from engine.dormant import dormant_high_value  # noqa: E402
from engine.ingest import ingest  # noqa: E402


def _permuted_names(table, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    perm = table.iloc[rng.permutation(len(table))].copy()
    perm.index = [f"x{i:06d}" for i in range(len(perm))]
    res = clusters.fit_clusters(perm)
    if not res.ok:
        return []
    return [f"{r.name_ja}:{r.size}" for r in res.profile.itertuples()]


def main() -> int:
    for shop in samples.SHOPS:
        data, name = samples.generate(shop)
        book = ingest(data, name)
        as_of = customers.default_as_of(book.orders)
        table = customers.customer_table(book.orders, as_of, book.lines)
        scored = rfm.score(table)
        seg = cpm.cpm_segments(table)
        dormant = dormant_high_value(customers.known_orders(book.orders, as_of), as_of)
        res = clusters.fit_clusters(table)
        n = len(table)
        both = int(((scored["segment"] == "new") & (seg == "first_lapsed")).sum())
        print(f"== {shop}: {n} customers, file {name}")
        print(f"  dormant list (all rows) {len(dormant.customers)} ({len(dormant.customers) / n:.1%}),"
              f" worth acting (not let_go) {dormant.count} ({dormant.count / n:.1%}),"
              f" layers {dormant.to_dict()['layers']}")
        print(f"  rfm {rfm.segment_counts(scored)}")
        print(f"  rfm thresholds {rfm.default_thresholds(table).as_dict()}")
        print(f"  rfm 新規 ∧ cpm 初回離脱: {both}")
        names = [f"{r.name_ja}:{r.size}" for r in res.profile.itertuples()] if res.ok else []
        print(f"  clusters k={res.k} {names}")
        print(f"  permuted+relabelled   {_permuted_names(table)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
