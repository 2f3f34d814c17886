"""The three built-in sample shops: seeded, realistic order exports generated on demand.

This module owns
* the simulation of a shop's customers and orders (vectorised numpy, fixed seed: the same call
  gives byte-identical output), with the shape real shops show — most customers buy once, F2
  conversion of 20–35 %, a loyal core, a 定期 subscription that loses most subscribers early,
  お中元 / お歳暮 peaks;
* the writers that put a simulated shop into a real export layout (Shopify orders export, UTF-8;
  EC-CUBE 4 受注CSV, CP932; 楽天 RMS 受注CSV, CP932) with each platform's quirks;
* the demo answers of the ten questions (`sample_answers`) and the optional customer file with
  relationship data (`customer_file`);
* a big generic line-item file for the benchmarks (`large_lineitem_csv`).

Every parameter (shop sizes, repeat behaviour, seasons, products, prices, headers) is in
`engine/data/samples.toml`. The buyers are made up: names from lists of common names, phones
090-0000-xxxx, e-mails on example.jp / example.com only.
"""
from __future__ import annotations

import copy
import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.config import load, localized
from engine.errors import KarteError

SHOPS: tuple[str, ...] = ("cosmetics", "food_gift", "apparel")

_K_MAX = 60                 # cap on orders per customer (keeps the loyal tail plausible)
_MIN_GAP_DAYS = 3.0         # nobody re-orders the same product line within a few days
_KIND_REGULAR, _KIND_TRIAL, _KIND_SUB = 0, 1, 2
_OK, _CANCELLED, _RETURNED = 0, 1, 2
_EMAIL_DOMAINS = np.array(["example.jp", "example.com"])


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------
def shop_label(shop_id: str, lang: str = "ja") -> str:
    """The shop's display name in `lang`."""
    return localized(_shop(shop_id), "label", lang)


def shop_description(shop_id: str, lang: str = "ja") -> str:
    """One paragraph on what the sample shop is and which export it comes as."""
    return localized(_shop(shop_id), "description", lang)


def generate(shop_id: str, seed: int = 0) -> tuple[bytes, str]:
    """The bytes of the sample shop's export file and its file name.

    Same `shop_id` and `seed` → byte-identical output. Well under a second per shop.
    """
    shop = _shop(shop_id)
    sim = _simulate(shop_id, shop, seed)
    fmt = shop["format"]
    # The writers draw their own details (e-mail spellings, masks) from a separate stream.
    values = _WRITERS[fmt](sim, shop, np.random.default_rng([seed, SHOPS.index(shop_id), 1]))
    return _to_bytes(_columns(fmt), values, fmt, shop["encoding"]), shop["file_name"]


def sample_answers(shop_id: str) -> dict[str, Any]:
    """Plausible answers of the shop's owner to the diagnosis questions (ids of questions.toml).

    Yen are ints, percents floats 0–100, counts ints, None = 「わからない」.
    """
    _shop(shop_id)
    answers = copy.deepcopy(load("samples")["answers"][shop_id])   # callers may edit theirs
    return {key: None if value == "unknown" else value      # TOML has no null
            for key, value in answers.items()}


def customer_file(shop_id: str = "cosmetics", seed: int = 0) -> tuple[bytes, str]:
    """The optional second upload: one row per customer with relationship data.

    Columns メールアドレス, 紹介数 (referrals), レビュー数 (reviews / UGC), アンケート回答
    (1 = answered the survey). UTF-8 with BOM, as Excel saves it. Only the cosmetics shop has one.
    """
    params = load("samples").get("customer_file", {}).get(shop_id)
    if params is None:
        raise KarteError("samples.error.no_customer_file", shop=shop_id)
    shop = _shop(shop_id)
    sim = _simulate(shop_id, shop, seed)
    rng = np.random.default_rng([seed, SHOPS.index(shop_id), 99])
    kept = sim.orders[sim.orders["status"] == _OK]
    n_orders = np.bincount(kept["cust"].to_numpy(), minlength=len(sim.customers))
    buyers = np.flatnonzero(n_orders > 0)
    extra = np.clip(n_orders[buyers] - 1, 0, 10) * params["per_order"]

    def counts(base: float, mean_if_any: float) -> np.ndarray:
        has = rng.random(len(buyers)) < np.clip(base + extra, 0, 0.9)
        return np.where(has, 1 + rng.poisson(mean_if_any, len(buyers)), 0)

    frame = pd.DataFrame({
        "メールアドレス": sim.customers["email"].to_numpy()[buyers],
        "紹介数": counts(params["referral_base"], 0.6),
        "レビュー数": counts(params["review_base"], 1.0),
        "アンケート回答": (rng.random(len(buyers)) < np.clip(params["survey_base"] + extra, 0, 0.9))
        .astype(int),
    })
    text = frame.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig"), params["file_name"]


def large_lineitem_csv(n_rows: int, n_customers: int, years: int = 3, seed: int = 0,
                       encoding: str = "cp932") -> bytes:
    """A big generic line-item CSV for the benchmarks (not a platform layout).

    Header: 注文番号, 会員ID, 受注日, 商品名, 数量, 金額 — one row per line item, 金額 = the line's
    amount (quantity × unit price, tax included), so order totals are the sum of the lines;
    受注日 as `2025/03/14 20:15:07`; orders numbered in date order over `years` years ending
    2026-10-31; text fields quoted. Customers' order counts are skewed (most buy once or twice,
    a few many times). Written in pieces with pyarrow, so memory stays near twice the size of
    the result; 1,000,000 rows (about 56 MB) take 1–2 s.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if n_rows <= 0 or n_customers <= 0:
        raise ValueError("n_rows and n_customers must be positive")
    rng = np.random.default_rng([seed, 7])
    # Lines per order: 1 + Poisson(0.5) (at most 6), so about n_rows / 1.5 orders.
    sizes = np.empty(0, dtype=np.int64)
    while sizes.sum() < n_rows:
        more = 1 + np.minimum(rng.poisson(0.5, int(n_rows / 1.5) + 16), 5)
        sizes = np.concatenate([sizes, more])
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, n_rows))
    sizes = sizes[: last + 1]
    sizes[-1] -= int(ends[last] - n_rows)
    ends = np.cumsum(sizes)
    n_orders = len(sizes)
    # Customers: a heavy-tailed propensity, so a few order often and most rarely.
    cdf = np.cumsum(rng.lognormal(0.0, 1.3, n_customers))
    order_cust = np.minimum(np.searchsorted(cdf / cdf[-1], rng.random(n_orders)), n_customers - 1)
    end = np.datetime64("2026-10-31T23:59:59", "s")
    span = int(years * 365.25 * 86400)
    when = np.sort(end - rng.integers(0, span, n_orders).astype("timedelta64[s]"))
    catalogue = _generic_catalogue()
    base = rng.integers(0, len(catalogue), n_orders, dtype=np.int16)
    names = pa.array([c[0] for c in catalogue])
    prices = np.array([c[1] for c in catalogue], dtype=np.int64)
    text_out = encoding.replace("-", "").replace("_", "").lower() not in ("utf8", "utf8sig")

    # One growing buffer: BytesIO hands its buffer out without a copy, unlike b"".join(parts).
    result = io.BytesIO()
    if encoding.lower().replace("_", "-") == "utf-8-sig":
        result.write(b"\xef\xbb\xbf")
    chunk = 250_000                 # rows per piece: bounds the text held at once
    for start in range(0, n_rows, chunk):
        stop = min(start + chunk, n_rows)
        rows = np.arange(start, stop)
        order_of_row = np.searchsorted(ends, rows, side="right")
        first, final = int(order_of_row[0]), int(order_of_row[-1]) + 1
        # cast + replace is many times faster than pc.strftime: "2024-01-05 09:03:00" -> "/"
        dates = pc.replace_substring(pa.array(when[first:final]).cast(pa.string()), "-", "/")
        # An order's lines are distinct products (no exact duplicate rows): base + line number.
        line_no = rows - (ends[order_of_row] - sizes[order_of_row])
        product = (base[order_of_row] + line_no) % len(catalogue)
        qty = 1 + (rng.random(stop - start) < 0.1).astype(np.int64)
        table = pa.table({
            "注文番号": pa.array(100000 + order_of_row),
            "会員ID": pa.array(10001 + order_cust[order_of_row]),
            "受注日": dates.take(pa.array(order_of_row - first)),
            "商品名": names.take(pa.array(product)),
            "数量": pa.array(qty),
            "金額": pa.array(prices[product] * qty),
        })
        out = io.BytesIO()
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=start == 0))
        raw = out.getvalue()
        result.write(raw.decode("utf-8").encode(encoding) if text_out else raw)
        del raw, out, table
    return result.getvalue()


# --------------------------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------------------------
def _shop(shop_id: str) -> dict[str, Any]:
    if shop_id not in SHOPS:
        raise KarteError("samples.error.unknown_shop", shop=shop_id, shops=", ".join(SHOPS))
    return load("samples")["shops"][shop_id]


@dataclass(frozen=True)
class _Sim:
    """A simulated shop in canonical form, before any export layout.

    customers: one row per customer (names, kana, romaji e-mail, phone, place, member flag).
    orders:    one row per order, sorted by time: cust, when (datetime64[s]), kind, delivery,
               status, subtotal, discount, shipping, fee, total.
    lines:     one row per product line: order (row of `orders`), product, qty, price.
    """

    customers: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame
    products: list[dict[str, Any]]


@dataclass(frozen=True)
class _Calendar:
    """Calendar days with a seasonal intensity; "seasonal time" runs faster in peak months."""

    start: np.datetime64
    intensity: np.ndarray      # per day, mean 1
    cum: np.ndarray            # seasonal time at the end of each day

    @classmethod
    def build(cls, start: str, end: str, season: list[float]) -> "_Calendar":
        first = np.datetime64(start, "D")
        days = np.arange(first, np.datetime64(end, "D") + 1)
        month = days.astype("datetime64[M]").astype(int) % 12
        intensity = np.asarray(season, dtype=float)[month]
        intensity /= intensity.mean()
        return cls(first, intensity, np.cumsum(intensity))

    @property
    def days(self) -> int:
        return len(self.intensity)

    def day_of(self, u: np.ndarray) -> np.ndarray:
        return np.minimum(np.searchsorted(self.cum, u, side="right"), self.days - 1)

    def time_of(self, day: np.ndarray, frac: np.ndarray) -> np.ndarray:
        return self.cum[day] - self.intensity[day] * (1.0 - frac)


def _simulate(shop_id: str, shop: dict[str, Any], seed: int) -> _Sim:
    data = load("samples")
    rng = np.random.default_rng([seed, SHOPS.index(shop_id)])
    cal = _Calendar.build(shop["start"], shop["end"], shop["season"])
    n = int(shop["n_customers"])
    customers = _make_customers(n, data, shop, rng)

    # First orders: more customers later (growth) and in peak months (season).
    ramp = 1.0 + (shop["growth"] - 1.0) * np.arange(cal.days) / max(cal.days - 1, 1)
    weight = np.cumsum(cal.intensity * ramp)
    first_day = np.minimum(np.searchsorted(weight / weight[-1], rng.random(n)), cal.days - 1)
    first_u = cal.time_of(first_day, rng.random(n))

    parts: list[tuple[np.ndarray, ...]] = []      # (customer, day, kind, delivery number)

    def add(who: np.ndarray, day: np.ndarray, kind: int,
            number: np.ndarray | None = None) -> None:
        parts.append((who, day, np.full(len(who), kind),
                      np.zeros(len(who), dtype=int) if number is None else number))

    sub = shop.get("subscription")
    direct = np.arange(n)
    if sub:
        # The funnel: a trial order, then the subscription, or (rarely) other products later.
        trial = rng.random(n) < sub["trial_share"]
        subscribes = trial & (rng.random(n) < sub["subscribe_share"])
        t_idx = np.flatnonzero(trial)
        add(t_idx, first_day[t_idx], _KIND_TRIAL)
        s_idx = np.flatnonzero(subscribes)
        owner, number, day = _deliveries(first_day[s_idx], sub, cal.days, rng)
        add(s_idx[owner], day, _KIND_SUB, number)
        lapsed = np.flatnonzero(trial & ~subscribes)
        owner, seq, u = _repeat_orders(first_u[lapsed], sub["p_second_trial"], shop, rng)
        later = (seq > 0) & (u < cal.cum[-1])
        add(lapsed[owner[later]], cal.day_of(u[later]), _KIND_REGULAR)
        direct = np.flatnonzero(~trial)
    owner, seq, u = _repeat_orders(first_u[direct], shop["p_second"], shop, rng)
    inside = u < cal.cum[-1]            # later orders fall after the export was taken
    add(direct[owner[inside]], cal.day_of(u[inside]), _KIND_REGULAR)

    cust, day, kind, delivery = (np.concatenate(col) for col in zip(*parts))
    hours = np.asarray(data["hour_weights"], dtype=float)
    hour = rng.choice(24, size=len(cust), p=hours / hours.sum())
    sec = hour * 3600 + rng.integers(0, 3600, len(cust))
    when = (cal.start + day.astype("timedelta64[D]")).astype("datetime64[s]") \
        + sec.astype("timedelta64[s]")
    order = np.lexsort((cust, when))            # by time; ties by customer: deterministic
    orders = pd.DataFrame({"cust": cust[order], "when": when[order], "kind": kind[order],
                           "delivery": delivery[order]})
    m = len(orders)
    r = rng.random(m)
    status = np.full(m, _OK)
    status[r < shop["cancel_share"]] = _CANCELLED
    status[(r >= shop["cancel_share"])
           & (r < shop["cancel_share"] + shop["return_share"])] = _RETURNED
    orders["status"] = status

    products = shop["products"]
    lines = _make_lines(orders, products, shop, sub, rng)
    _price_orders(orders, lines, shop, rng)
    return _Sim(customers, orders, lines, products)


def _repeat_orders(first_u: np.ndarray, p_second: float, shop: dict[str, Any],
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every order of customers starting at seasonal times `first_u` (their first included).

    Returns (owner = index into first_u, seq = 0 for the first order, seasonal time u).
    """
    n = len(first_u)
    repeats = rng.random(n) < p_second
    loyal = rng.random(n) < shop["loyal_share"]
    keep = np.where(loyal, shop["continue_loyal"], shop["continue_regular"])
    further = np.minimum(rng.geometric(1.0 - keep), _K_MAX - 1)
    k = 1 + np.where(repeats, further, 0)
    # Loyal customers come back sooner; everyone has an own rhythm around the shop's gap.
    mean_gap = shop["gap_days"] * np.exp(rng.normal(0.0, shop["gap_sigma"], n)) \
        * np.where(loyal, 0.75, 1.0)
    owner = np.repeat(np.arange(n), k)
    starts = np.cumsum(k) - k
    seq = np.arange(len(owner)) - starts[owner]
    shape = shop["gap_shape"]
    gaps = rng.gamma(shape, 1.0, len(owner)) * mean_gap[owner] / shape + _MIN_GAP_DAYS
    gaps[seq == 0] = 0.0
    cs = np.cumsum(gaps)
    u = first_u[owner] + cs - cs[starts[owner]]
    return owner, seq, u


def _deliveries(first_day: np.ndarray, sub: dict[str, Any], n_days: int,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subscription deliveries: (owner, delivery number 1.., calendar day), inside the history."""
    n = len(first_day)
    n_max = n_days // sub["interval_days"] + 2
    keep = np.asarray(sub["keep"], dtype=float)
    keep = np.concatenate([keep, np.full(max(n_max - len(keep), 0), keep[-1])])[: n_max - 1]
    survival = np.concatenate([[1.0], np.cumprod(keep)])   # P(at least j+1 deliveries)
    count = 1 + (rng.random(n)[:, None] < survival[None, 1:]).sum(axis=1)
    owner = np.repeat(np.arange(n), count)
    number = np.arange(len(owner)) - (np.cumsum(count) - count)[owner] + 1
    jitter = rng.integers(-sub["interval_jitter"], sub["interval_jitter"] + 1, len(owner))
    day = first_day[owner] + sub["first_delivery_days"] + (number - 1) * sub["interval_days"] \
        + jitter
    inside = day < n_days
    return owner[inside], number[inside], day[inside]


def _make_customers(n: int, data: dict[str, Any], shop: dict[str, Any],
                    rng: np.random.Generator) -> pd.DataFrame:
    surnames = np.array(data["surnames"], dtype=object)
    given = np.array(data["given_names"], dtype=object)
    places = np.array(data["places"], dtype=object)
    s = rng.integers(0, len(surnames), n)
    g = rng.integers(0, len(given), n)
    p = rng.integers(0, len(places), n)
    phone = rng.permutation(10000)[:n]              # unique: 090-0000-xxxx, clearly fake
    number = rng.permutation(np.arange(100, 100 + 20 * n))[:n]
    domain = _EMAIL_DOMAINS[rng.integers(0, len(_EMAIL_DOMAINS), n)]
    romaji_g = given[g, 2].astype(str)
    romaji_s = surnames[s, 2].astype(str)
    email = pd.Series(romaji_g).str.cat([pd.Series(["."] * n), pd.Series(romaji_s),
                                         pd.Series(number.astype(str)), pd.Series(["@"] * n),
                                         pd.Series(domain)])
    member = rng.random(n) >= shop.get("guest_share", 0.0)
    return pd.DataFrame({
        "sei": surnames[s, 0], "mei": given[g, 0], "sei_kana": surnames[s, 1],
        "mei_kana": given[g, 1], "email": email.to_numpy(dtype=object),
        "phone": [f"{x:04d}" for x in phone], "pref": places[p, 0], "city": places[p, 1],
        "pref_iso": places[p, 2],
        "zip": [f"{a:03d}-{b:04d}" for a, b in zip(rng.integers(100, 990, n),
                                                   rng.integers(0, 10000, n))],
        "street": [f"{a}-{b}-{c}" for a, b, c in zip(rng.integers(1, 9, n),
                                                     rng.integers(1, 30, n),
                                                     rng.integers(1, 20, n))],
        "member_id": np.where(member, np.arange(1, n + 1), 0),
    })


def _make_lines(orders: pd.DataFrame, products: list[dict[str, Any]], shop: dict[str, Any],
                sub: dict[str, Any] | None, rng: np.random.Generator) -> pd.DataFrame:
    """Product lines: regular orders get 1–4 distinct products (a popular one first, then its
    neighbours in the catalogue, the natural cross-sells); trial orders the trial set;
    subscription deliveries the subscription product, sometimes with one add-on."""
    skus = [p["sku"] for p in products]
    weights = np.array([p["weight"] for p in products], dtype=float)
    pool = np.flatnonzero(weights > 0)
    kind = orders["kind"].to_numpy()
    m = len(orders)
    n_lines = np.where(kind == _KIND_REGULAR, 1 + np.minimum(rng.poisson(shop["lines_mean"], m), 3),
                       1 + ((kind == _KIND_SUB) & (rng.random(m) < 0.1)))
    owner = np.repeat(np.arange(m), n_lines)
    seq = np.arange(len(owner)) - (np.cumsum(n_lines) - n_lines)[owner]
    first = rng.choice(len(pool), size=m, p=weights[pool] / weights[pool].sum())
    product = pool[(first[owner] + seq) % len(pool)]
    if sub:
        lead = kind[owner]
        product = np.where((seq == 0) & (lead == _KIND_TRIAL), skus.index(sub["trial_product"]),
                           product)
        product = np.where((seq == 0) & (lead == _KIND_SUB),
                           skus.index(sub["subscription_product"]), product)
        # An add-on line of a delivery is any regular product, drawn afresh.
        product = np.where((seq == 1) & (lead == _KIND_SUB), pool[first[owner]], product)
    qty = np.where(kind[owner] == _KIND_REGULAR,
                   1 + (rng.random(len(owner)) < shop["qty2_share"]), 1)
    price = np.array([p["price"] for p in products], dtype=np.int64)[product]
    return pd.DataFrame({"order": owner, "seq": seq, "product": product, "qty": qty,
                         "price": price})


def _price_orders(orders: pd.DataFrame, lines: pd.DataFrame, shop: dict[str, Any],
                  rng: np.random.Generator) -> None:
    m = len(orders)
    goods = np.bincount(lines["order"], weights=lines["price"] * lines["qty"],
                        minlength=m).astype(np.int64)
    kind = orders["kind"].to_numpy()
    # Trial sets and subscription deliveries ship free, as such offers usually do.
    free = (goods >= shop["free_shipping_from"]) | (kind != _KIND_REGULAR)
    shipping = np.where(free, 0, shop["shipping_fee"])
    cod = rng.random(m) < shop.get("cod_share", 0.0)
    fee = np.where(cod, shop.get("cod_fee", 0), 0)
    # A welcome coupon on some first regular orders (Shopify shop only: its export has the field).
    first_order = ~orders.duplicated("cust").to_numpy()
    coupon = shop["format"] == "shopify"
    discount = np.where(coupon & first_order & (kind == _KIND_REGULAR) & (goods > 2000)
                        & (rng.random(m) < 0.2), 500, 0)
    orders["subtotal"] = goods - discount
    orders["discount"] = discount
    orders["shipping"] = shipping
    orders["fee"] = fee
    orders["total"] = goods - discount + shipping + fee
    orders["cod"] = cod


# --------------------------------------------------------------------------------------------
# Writers: simulated shop → platform layout (a DataFrame of strings with the real header)
# --------------------------------------------------------------------------------------------
def _columns(fmt: str) -> list[str]:
    return list(load("samples")["formats"][fmt]["columns"])


def _fmt_dt(values: np.ndarray, pattern: str) -> np.ndarray:
    return pd.DatetimeIndex(values).strftime(pattern).to_numpy(dtype=object)


def _blank_frame(n: int, columns: list[str]) -> dict[str, Any]:
    return {c: np.full(n, "", dtype=object) for c in dict.fromkeys(columns)}


def _ints(values: np.ndarray) -> np.ndarray:
    return np.asarray(values).astype(np.int64).astype(str).astype(object)


def _frame(cols: dict[str, Any], columns: list[str]) -> list[list[Any]]:
    """The columns in header order as lists; a header used twice (EC-CUBE 送料) repeats."""
    return [np.asarray(cols[c], dtype=object).tolist() for c in columns]


def _write_shopify(sim: _Sim, shop: dict[str, Any],
                   rng: np.random.Generator) -> list[list[Any]]:
    orders, lines, cust = sim.orders, sim.lines, sim.customers
    columns = _columns("shopify")
    o = lines["order"].to_numpy()
    first = (lines["seq"] == 0).to_numpy()
    c = orders["cust"].to_numpy()[o]
    status = orders["status"].to_numpy()[o]
    when = orders["when"].to_numpy()[o]
    kind = orders["kind"].to_numpy()[o]
    n = len(lines)
    cols = _blank_frame(n, columns)

    def head(values: Any) -> np.ndarray:      # order-level values only on an order's first line
        return np.where(first, values, "")

    name = ("#" + pd.Series(1001 + o).astype(str)).to_numpy(dtype=object)
    # The same customer sometimes types the e-mail with capitals: one customer, two spellings.
    email = cust["email"].to_numpy(dtype=object)[c]
    order_variant = rng.random(len(orders)) < shop["email_case_share"]
    variant = order_variant[o]
    email = np.where(variant, pd.Series(email).str.title().to_numpy(dtype=object), email)
    created = _fmt_dt(when, "%Y-%m-%d %H:%M:%S +0900")
    end = np.datetime64(shop["end"], "D").astype("datetime64[s]")
    recent = when > end - np.timedelta64(2, "D")
    fulfilled = _fmt_dt(when + np.timedelta64(1, "D") + np.timedelta64(3, "h"),
                        "%Y-%m-%d %H:%M:%S +0900")
    fin = np.select([status == _CANCELLED, status == _RETURNED], ["voided", "refunded"], "paid")
    ful = np.where((status == _CANCELLED) | recent, "unfulfilled", "fulfilled")
    total = orders["total"].to_numpy()[o]
    products = sim.products
    cols["Name"] = name
    cols["Email"] = email
    cols["Financial Status"] = head(fin)
    cols["Paid at"] = head(np.where(status == _CANCELLED, "", created))
    cols["Fulfillment Status"] = head(ful)
    cols["Fulfilled at"] = head(np.where(ful == "fulfilled", fulfilled, ""))
    cols["Accepts Marketing"] = head(np.where(c % 3 == 0, "no", "yes"))
    cols["Currency"] = head("JPY")
    cols["Subtotal"] = head(_ints(orders["subtotal"].to_numpy()[o]))
    cols["Shipping"] = head(_ints(orders["shipping"].to_numpy()[o]))
    cols["Taxes"] = head(_ints(np.floor(total * 10 / 110)))
    cols["Total"] = head(_ints(total))
    disc = orders["discount"].to_numpy()[o]
    cols["Discount Code"] = head(np.where(disc > 0, "WELCOME500", ""))
    cols["Discount Amount"] = head(_ints(disc))
    cols["Shipping Method"] = head(np.where(orders["shipping"].to_numpy()[o] > 0,
                                            "通常配送", "送料無料"))
    cols["Created at"] = created          # repeated on every line, as Shopify does
    cols["Lineitem quantity"] = _ints(lines["qty"])
    cols["Lineitem name"] = np.array([p["name"] for p in products], dtype=object)[lines["product"]]
    cols["Lineitem price"] = _ints(lines["price"])
    cols["Lineitem compare at price"] = np.full(n, "", dtype=object)
    cols["Lineitem sku"] = np.array([p["sku"] for p in products], dtype=object)[lines["product"]]
    cols["Lineitem requires shipping"] = np.full(n, "true", dtype=object)
    cols["Lineitem taxable"] = np.full(n, "true", dtype=object)
    cols["Lineitem fulfillment status"] = np.where(ful == "fulfilled", "fulfilled", "pending")
    full_name = (cust["sei"] + " " + cust["mei"]).to_numpy(dtype=object)[c]
    street = (cust["city"] + cust["street"]).to_numpy(dtype=object)[c]
    for side in ("Billing", "Shipping"):
        cols[f"{side} Name"] = head(full_name)
        cols[f"{side} Street"] = head(street)
        cols[f"{side} Address1"] = head(street)
        cols[f"{side} City"] = head(cust["city"].to_numpy(dtype=object)[c])
        cols[f"{side} Zip"] = head(cust["zip"].to_numpy(dtype=object)[c])
        cols[f"{side} Province"] = head(cust["pref_iso"].to_numpy(dtype=object)[c])
        cols[f"{side} Country"] = head("JP")
        cols[f"{side} Phone"] = head(("090-0000-" + cust["phone"]).to_numpy(dtype=object)[c])
        cols[f"{side} Province Name"] = head(cust["pref"].to_numpy(dtype=object)[c])
    cols["Cancelled at"] = head(np.where(status == _CANCELLED, fulfilled, ""))
    cols["Payment Method"] = head("Shopify Payments")
    cols["Refunded Amount"] = head(_ints(np.where(status == _RETURNED, total, 0)))
    cols["Vendor"] = np.full(n, "MINAMO SKIN", dtype=object)
    cols["Outstanding Balance"] = head("0")
    cols["Id"] = head(_ints(5_100_000_000_000 + o * 7 + 3))
    tags = np.select([kind == _KIND_SUB, kind == _KIND_TRIAL],
                     ["Subscription Recurring Order, 定期便", "Subscription First Order, トライアル"],
                     "")
    cols["Tags"] = head(tags)
    cols["Risk Level"] = head("Low")
    cols["Source"] = head(np.where(kind == _KIND_SUB, "subscription_contract", "web"))
    cols["Lineitem discount"] = np.full(n, "0", dtype=object)
    cols["Tax 1 Name"] = head("消費税 10%")
    cols["Tax 1 Value"] = cols["Taxes"]
    cols["Payment ID"] = head(np.array([f"c{x}.1" for x in 24_000_000_000 + o * 13], dtype=object))
    return _frame(cols, columns)


_ECUBE_STATUS = {_OK: (5, "発送済み"), _CANCELLED: (3, "注文取消し"), _RETURNED: (9, "返品")}


def _write_ecube(sim: _Sim, shop: dict[str, Any],
                 rng: np.random.Generator) -> list[list[Any]]:
    """EC-CUBE 4: items are 商品 lines plus one 送料 and one 手数料 line per order (0 yen when
    free), order columns on every row, 価格 without tax (EC-CUBE keeps price and tax apart)."""
    orders, lines, cust = sim.orders, sim.lines, sim.customers
    columns = _columns("ecube")
    m = len(orders)
    products = sim.products
    rate = np.array([p.get("tax_rate", shop.get("tax_rate", 10)) for p in products])
    base_rate = 10
    # Item rows: the product lines, then 送料 (type 2) and 手数料 (type 3) per order.
    p_order = lines["order"].to_numpy()
    p_prod = lines["product"].to_numpy()
    items = pd.DataFrame({
        "order": np.concatenate([p_order, np.arange(m), np.arange(m)]),
        "type": np.concatenate([np.ones(len(lines), int), np.full(m, 2), np.full(m, 3)]),
        "product": np.concatenate([p_prod, np.full(m, -1), np.full(m, -1)]),
        "qty": np.concatenate([lines["qty"].to_numpy(), np.ones(m, int), np.ones(m, int)]),
        "gross": np.concatenate([lines["price"].to_numpy(), orders["shipping"].to_numpy(),
                                 orders["fee"].to_numpy()]),
    })
    items = items.sort_values(["order", "type"], kind="mergesort").reset_index(drop=True)
    o = items["order"].to_numpy()
    typ = items["type"].to_numpy()
    prod = items["product"].to_numpy()
    is_goods = typ == 1
    tax_rate = np.where(is_goods, rate[np.maximum(prod, 0)], base_rate)
    net = np.rint(items["gross"].to_numpy() * 100 / (100 + tax_rate)).astype(np.int64)
    n = len(items)
    cols = _blank_frame(n, columns)
    c = orders["cust"].to_numpy()[o]
    status = orders["status"].to_numpy()[o]
    when = orders["when"].to_numpy()[o]
    cod = orders["cod"].to_numpy()[o]
    member = cust["member_id"].to_numpy()[c]
    order_id = 1 + o
    cols["注文ID"] = _ints(order_id)
    cols["注文番号"] = _ints(order_id)
    cols["会員ID"] = np.where(member > 0, _ints(member), "")
    cols["お名前(姓)"] = cust["sei"].to_numpy(dtype=object)[c]
    cols["お名前(名)"] = cust["mei"].to_numpy(dtype=object)[c]
    cols["お名前(セイ)"] = cust["sei_kana"].to_numpy(dtype=object)[c]
    cols["お名前(メイ)"] = cust["mei_kana"].to_numpy(dtype=object)[c]
    corporate = (c % 97) < round(97 * shop.get("corporate_share", 0))
    company = np.where(c % 2 == 0, "㈱", "有限会社") + cust["sei_kana"].to_numpy(dtype=object)[c] \
        + "商事"
    cols["会社名"] = np.where(corporate, company, "")
    cols["郵便番号"] = cust["zip"].str.replace("-", "").to_numpy(dtype=object)[c]
    pref_id = cust["pref_iso"].str[3:].astype(int).to_numpy()[c]
    cols["都道府県(ID)"] = _ints(pref_id)
    cols["都道府県(名称)"] = cust["pref"].to_numpy(dtype=object)[c]
    cols["住所1"] = cust["city"].to_numpy(dtype=object)[c]
    cols["住所2"] = np.where(corporate, cust["street"].to_numpy(dtype=object)[c] + " ①号館",
                           cust["street"].to_numpy(dtype=object)[c])
    cols["メールアドレス"] = cust["email"].to_numpy(dtype=object)[c]
    cols["TEL"] = ("0900000" + cust["phone"]).to_numpy(dtype=object)[c]
    goods = orders["subtotal"].to_numpy() + orders["discount"].to_numpy()
    total = orders["total"].to_numpy()
    order_tax = np.bincount(items["order"], weights=items["gross"] * items["qty"]
                            - net * items["qty"].to_numpy(), minlength=m)
    cols["小計"] = _ints(goods[o])
    cols["値引き"] = np.full(n, "0", dtype=object)
    cols["送料"] = _ints(orders["shipping"].to_numpy()[o])
    cols["税金"] = _ints(np.rint(order_tax)[o])
    cols["合計"] = _ints(total[o])
    cols["支払合計"] = _ints(total[o])
    st = np.array([_ECUBE_STATUS[s] for s in (_OK, _CANCELLED, _RETURNED)], dtype=object)
    cols["対応状況(ID)"] = _ints(st[status, 0].astype(int))
    cols["対応状況(名称)"] = st[status, 1]
    cols["支払方法(ID)"] = np.where(cod, "1", "4")
    cols["支払方法(名称)"] = np.where(cod, "代金引換", "クレジットカード")
    cols["受注日"] = _fmt_dt(when, "%Y-%m-%d %H:%M:%S")
    paid = np.where(status == _CANCELLED, "", _fmt_dt(
        when + np.where(cod, np.timedelta64(3, "D"), np.timedelta64(0, "D")), "%Y-%m-%d %H:%M:%S"))
    cols["入金日"] = paid
    cols["注文詳細ID"] = _ints(np.arange(1, n + 1))
    cols["商品ID"] = np.where(is_goods, _ints(prod + 1), "")
    cols["商品規格ID"] = np.where(is_goods, _ints(prod * 3 + 1), "")
    names = np.array([p["name"] for p in products], dtype=object)[np.maximum(prod, 0)]
    skus = np.array([p["sku"] for p in products], dtype=object)[np.maximum(prod, 0)]
    cols["商品名"] = np.select([typ == 2, typ == 3], ["送料", "手数料"], names)
    cols["商品コード"] = np.where(is_goods, skus, "")
    cols["価格"] = _ints(net)
    cols["個数"] = _ints(items["qty"])
    cols["税率"] = _ints(tax_rate)
    cols["税率ルール(ID)"] = np.full(n, "1", dtype=object)
    cols["明細区分(ID)"] = _ints(typ)
    cols["明細区分(名称)"] = np.select([typ == 2, typ == 3], ["送料", "手数料"], "商品")
    cols["出荷ID"] = _ints(order_id)
    # Gifts go to someone else: the recipient is another made-up person.
    other = (c * 7 + 13) % len(cust)
    for src, dst in (("sei", "配送先_お名前(姓)"), ("mei", "配送先_お名前(名)"),
                     ("sei_kana", "配送先_お名前(セイ)"), ("mei_kana", "配送先_お名前(メイ)"),
                     ("pref", "配送先_都道府県(名称)"), ("city", "配送先_住所1"),
                     ("street", "配送先_住所2")):
        cols[dst] = cust[src].to_numpy(dtype=object)[other]
    cols["配送先_郵便番号"] = cust["zip"].str.replace("-", "").to_numpy(dtype=object)[other]
    cols["配送先_都道府県(ID)"] = _ints(cust["pref_iso"].str[3:].astype(int).to_numpy()[other])
    cols["配送先_TEL"] = ("0900000" + cust["phone"]).to_numpy(dtype=object)[other]
    cols["配送業者(ID)"] = np.full(n, "1", dtype=object)
    cols["配送業者(名称)"] = np.full(n, "宅配便", dtype=object)
    cols["発送日"] = np.where(status == _OK, _fmt_dt(when + np.timedelta64(2, "D"),
                                                   "%Y-%m-%d %H:%M:%S"), "")
    cols["出荷伝票番号"] = np.where(status == _OK, _ints(900000000000 + order_id), "")
    # The second 送料 column (per shipping) carries the same fee: one shipping per order here.
    return _frame(cols, columns)


_RMS_STATUS = {_OK: "発送済", _CANCELLED: "キャンセル確定", _RETURNED: "キャンセル確定"}


def _write_rakuten(sim: _Sim, shop: dict[str, Any],
                   rng: np.random.Generator) -> list[list[Any]]:
    """楽天 RMS: one row per item, order totals on every row, e-mail masked per order."""
    orders, lines, cust = sim.orders, sim.lines, sim.customers
    columns = _columns("rakuten_rms")
    o = lines["order"].to_numpy()
    c = orders["cust"].to_numpy()[o]
    status = orders["status"].to_numpy()[o]
    when = orders["when"].to_numpy()[o]
    n = len(lines)
    m = len(orders)
    cols = _blank_frame(n, columns)
    order_no = np.char.add(np.char.add("999999-", pd.DatetimeIndex(orders["when"])
                                       .strftime("%Y%m%d").to_numpy(dtype=str)),
                           np.char.add("-", np.char.zfill((1000000000 + np.arange(m) * 37)
                                                          .astype(str), 10)))
    mask = np.array([f"{x:016x}" for x in rng.integers(0, 2**62, m)], dtype=object)
    products = sim.products
    goods = (orders["subtotal"] + orders["discount"]).to_numpy()
    total = orders["total"].to_numpy()
    cols["注文番号"] = order_no.astype(object)[o]
    cols["ステータス"] = np.array([_RMS_STATUS[s] for s in range(3)], dtype=object)[status]
    cols["注文日時"] = _fmt_dt(when, "%Y-%m-%d %H:%M:%S")
    cols["注文日"] = _fmt_dt(when, "%Y-%m-%d")
    cols["注文時間"] = _fmt_dt(when, "%H:%M:%S")
    cols["支払方法名"] = np.full(n, "クレジットカード", dtype=object)
    cols["配送方法"] = np.full(n, "宅配便", dtype=object)
    cols["注文種別"] = np.full(n, "通常購入", dtype=object)
    cols["楽天会員フラグ"] = np.full(n, "1", dtype=object)
    cols["商品合計金額"] = _ints(goods[o])
    cols["消費税合計"] = _ints(np.floor(total * 10 / 110)[o])
    cols["送料合計"] = _ints(orders["shipping"].to_numpy()[o])
    cols["代引料合計"] = np.full(n, "0", dtype=object)
    cols["請求金額"] = _ints(total[o])
    cols["合計金額"] = _ints(total[o])
    cols["ポイント利用額"] = np.full(n, "0", dtype=object)
    cols["クーポン利用総額"] = np.full(n, "0", dtype=object)
    zip_ = cust["zip"].to_numpy(dtype=object)[c]
    cols["注文者郵便番号1"] = np.array([z[:3] for z in zip_], dtype=object)
    cols["注文者郵便番号2"] = np.array([z[4:] for z in zip_], dtype=object)
    for side in ("注文者", "送付先"):
        cols[f"{side}住所：都道府県"] = cust["pref"].to_numpy(dtype=object)[c]
        cols[f"{side}住所：郡市区"] = cust["city"].to_numpy(dtype=object)[c]
        cols[f"{side}住所：それ以降の住所"] = cust["street"].to_numpy(dtype=object)[c]
        cols[f"{side}姓"] = cust["sei"].to_numpy(dtype=object)[c]
        cols[f"{side}名"] = cust["mei"].to_numpy(dtype=object)[c]
        cols[f"{side}姓カナ"] = cust["sei_kana"].to_numpy(dtype=object)[c]
        cols[f"{side}名カナ"] = cust["mei_kana"].to_numpy(dtype=object)[c]
        cols[f"{side}電話番号1"] = np.full(n, "090", dtype=object)
        cols[f"{side}電話番号2"] = np.full(n, "0000", dtype=object)
        cols[f"{side}電話番号3"] = cust["phone"].to_numpy(dtype=object)[c]
    cols["送付先郵便番号1"] = cols["注文者郵便番号1"]
    cols["送付先郵便番号2"] = cols["注文者郵便番号2"]
    # Masked per order: the same buyer gets a new address every time (hence name + phone key).
    cols["注文者メールアドレス"] = mask[o] + "@pc.fw.example.jp"
    cols["注文者性別"] = np.full(n, "女", dtype=object)
    cols["送付先ID"] = _ints(3000000 + o)
    cols["送付先送料"] = cols["送料合計"]
    cols["送付先代引料"] = cols["代引料合計"]
    cols["送付先消費税合計"] = cols["消費税合計"]
    cols["送付先商品合計金額"] = cols["商品合計金額"]
    cols["送付先合計金額"] = cols["合計金額"]
    cols["商品明細ID"] = _ints(np.arange(1, n + 1) + 50000000)
    cols["商品名"] = np.array([p["name"] for p in products], dtype=object)[lines["product"]]
    cols["商品ID"] = _ints(10000000 + lines["product"].to_numpy())
    cols["商品番号"] = np.array([p["sku"] for p in products], dtype=object)[lines["product"]]
    cols["商品管理番号"] = np.array([p["sku"].lower() for p in products],
                              dtype=object)[lines["product"]]
    cols["単価"] = _ints(lines["price"])
    cols["個数"] = _ints(lines["qty"])
    cols["送料込別"] = np.full(n, "0", dtype=object)
    cols["税込別"] = np.full(n, "1", dtype=object)
    cols["代引手数料込別"] = np.full(n, "0", dtype=object)
    colours = np.array(["ネイビー", "ブラック", "アイボリー", "ベージュ", "グレー"], dtype=object)
    sizes = np.array(["S", "M", "L"], dtype=object)
    pick = rng.integers(0, 15, n)
    cols["項目・選択肢"] = "カラー:" + colours[pick % 5] + " サイズ:" + sizes[pick // 5]
    cols["ポイント倍率"] = np.full(n, "1", dtype=object)
    return _frame(cols, columns)


_WRITERS = {"shopify": _write_shopify, "ecube": _write_ecube, "rakuten_rms": _write_rakuten}
# Line endings and quoting as each platform writes them.
_CSV_STYLE = {"shopify": ("\n", 0), "ecube": ("\r\n", 0), "rakuten_rms": ("\r\n", 1)}


def _to_bytes(columns: list[str], values: list[list[Any]], fmt: str, encoding: str) -> bytes:
    # The csv module on plain lists: several times faster than building a DataFrame for to_csv.
    terminator, quoting = _CSV_STYLE[fmt]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=terminator, quoting=quoting)
    writer.writerow(columns)
    writer.writerows(zip(*values))
    return buf.getvalue().encode(encoding)


def _generic_catalogue() -> list[tuple[str, int]]:
    """Fifty made-up products with prices for the generic benchmark file."""
    kinds = ["化粧水", "美容液", "クリーム", "洗顔料", "シャンプー", "コーヒー豆", "緑茶", "焼き菓子",
             "Tシャツ", "靴下"]
    sizes = ["S", "M", "L", "セット", "お徳用"]
    return [(f"{k} {s}", 980 + 370 * ((i * 7 + j * 3) % 20))
            for i, k in enumerate(kinds) for j, s in enumerate(sizes)]
