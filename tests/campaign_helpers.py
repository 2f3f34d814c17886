"""Simulated campaigns with a known effect, for the campaign tests and bench/campaigns.py.

* `synthetic_campaign(n, …)`: n made-up customers (segment, past spend) split by the engine into
  mailed / control, one order each before the campaign date;
* `plant(...)`: orders after the campaign date: each customer responds with probability `base`,
  a mailed customer with `base + lift` (the planted effect), one order of `order_value` yen;
* `later_shopify_export(raw, rows)`: the sample shop's Shopify export with extra orders appended
  in the same layout, i.e. the "newer export" an owner downloads weeks later.
"""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd

from engine.campaigns import Campaign, customer_hashes, key_fingerprint, split_groups

SECRET = b"campaign-test-secret"
DATE = pd.Timestamp("2026-01-10")


def synthetic_campaign(n: int, share: float = 0.15, seed: int = 0, margin: float = 0.5,
                       cost: float = 150.0, campaign_id: str | None = None):
    """(campaign, customers frame with id / segment / monetary / group)."""
    rng = np.random.default_rng(seed)
    ids = [f"cust{seed}-{i}" for i in range(n)]
    segments = rng.choice(["excellent_lapsed", "steady_lapsed", "trend_lapsed"], n,
                          p=[0.2, 0.5, 0.3])
    monetary = np.round(rng.lognormal(9.5, 0.8, n))
    cid = campaign_id or f"sim-{n}-{seed}"
    hashes = customer_hashes(ids, cid, SECRET)
    control = split_groups(hashes, segments, monetary, share, cid)
    h = np.asarray(hashes, dtype=object)
    campaign = Campaign(
        id=cid, source="plan", target="at_risk_loyal", layer=None, action="reactivate_lapsed",
        step="A", label_ja="テスト", label_en="test", where={}, channel="dm",
        cost_per_contact=cost, reach=1.0, date=DATE.date().isoformat(), window_days=90,
        gross_margin=margin, control_share=share, value="order", target_customers=n,
        mean_p_alive=None, estimate=None, assumptions={}, mailed=tuple(sorted(h[~control])),
        control=tuple(sorted(h[control])), key_fingerprint=key_fingerprint(SECRET))
    frame = pd.DataFrame({"customer_id": ids, "segment": segments, "monetary": monetary,
                          "group": np.where(control, "control", "mailed")})
    return campaign, frame


def plant(frame: pd.DataFrame, base: float, lift: float, seed: int,
          order_value: float = 6000.0, date: pd.Timestamp = DATE) -> pd.DataFrame:
    """An orders table (engine.orderbook columns): one order per customer before `date`, and
    after it one order per responder (base rate; + lift in the mailed group)."""
    rng = np.random.default_rng(10_000 + seed)
    n = len(frame)
    before = pd.DataFrame({"order_id": [f"o{i}" for i in range(n)],
                           "customer_id": frame["customer_id"].to_numpy(),
                           "order_date": date - pd.to_timedelta(rng.integers(20, 300, n), "D"),
                           "revenue": frame["monetary"].to_numpy(dtype=float),
                           "n_products": 1, "subscription": False})
    rate = np.where(frame["group"].to_numpy() == "mailed", base + lift, base)
    responds = rng.random(n) < rate
    k = int(responds.sum())
    after = pd.DataFrame({"order_id": [f"r{i}" for i in range(k)],
                          "customer_id": frame["customer_id"].to_numpy()[responds],
                          "order_date": date + pd.to_timedelta(rng.integers(0, 80, k), "D"),
                          "revenue": np.round(rng.gamma(4.0, order_value / 4.0, k)),
                          "n_products": 1, "subscription": False})
    return pd.concat([before, after], ignore_index=True)


def later_shopify_export(raw: bytes, rows: list[tuple[str, pd.Timestamp, int]]) -> bytes:
    """The Shopify export `raw` with one paid order per (e-mail, when, total) appended."""
    text = raw.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in reader:
        writer.writerow(row)
    for i, (email, when, total) in enumerate(rows):
        cells = dict.fromkeys(header, "")
        stamp = pd.Timestamp(when).strftime("%Y-%m-%d %H:%M:%S +0900")
        cells.update({"Name": f"#L{90000 + i}", "Email": email, "Financial Status": "paid",
                      "Paid at": stamp, "Fulfillment Status": "fulfilled", "Currency": "JPY",
                      "Subtotal": str(total), "Shipping": "0", "Taxes": "0",
                      "Total": str(total), "Created at": stamp, "Lineitem quantity": "1",
                      "Lineitem name": "リピート注文", "Lineitem price": str(total),
                      "Lineitem sku": "LATER-1", "Lineitem requires shipping": "true",
                      "Lineitem taxable": "true"})
        writer.writerow([cells[h] for h in header])
    return out.getvalue().encode("utf-8")


def planted_rows(split_customers: pd.DataFrame, base: float, lift: float, seed: int,
                 date: pd.Timestamp, order_value: int = 6000) -> list[tuple[str, pd.Timestamp, int]]:
    """Orders after `date` for a created campaign's target (customer ids = e-mails of the
    Shopify sample): base rate for everybody, + lift for the mailed group."""
    rng = np.random.default_rng(seed)
    groups = split_customers["group"].to_numpy()
    rate = np.where(groups == "mailed", base + lift, base)
    hit = rng.random(len(groups)) < rate
    ids = split_customers.index.astype(str).to_numpy()[hit]
    days = rng.integers(1, 60, len(ids))
    return [(cid, date + pd.Timedelta(days=int(d), hours=10), order_value)
            for cid, d in zip(ids, days)]
