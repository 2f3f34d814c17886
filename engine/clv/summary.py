"""Per-customer frequency / recency / T / monetary from the `orders` table, as the models need.

Follows the literature (Fader, Hardie & Lee 2005, CDNOW): purchases on the same calendar day are
one transaction (their values summed); frequency counts repeat transactions (the first is not
counted), recency is the time from the first to the last transaction and T the time from the
first transaction to the calibration end, both in the chosen time unit (days or weeks, as
fractions: weeks are days / 7). Monetary is the mean value of the repeat transactions, as the
published Gamma-Gamma estimates use.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.errors import KarteError
from engine.settings import Settings, resolve

TIME_UNITS = ("D", "W")


@dataclass(frozen=True)
class CustomerSummary:
    """The model inputs for each customer, plus what was used to build them.

    `table` is indexed by customer_id with columns frequency, recency, T, monetary (model
    inputs), and orders, total_value, first_date, last_date (for lists shown to people).
    """

    table: pd.DataFrame
    time_unit: str                 # "D" or "W"
    calibration_end: pd.Timestamp  # last day included
    history_days: int              # first order of any customer to calibration end
    days_per_unit: float = 7.0     # days in one time unit (clv.toml [time_unit])
    days_per_month: float = 30.4375

    @property
    def n_customers(self) -> int:
        return len(self.table)

    @property
    def n_repeat(self) -> int:
        return int((self.table["frequency"] > 0).sum())


def choose_time_unit(history_days: int, *, settings: Settings | None = None) -> str:
    """Days for a short history, weeks otherwise (threshold in clv.toml [time_unit])."""
    limit = resolve(settings).clv["time_unit"]["weeks_from_history_days"]
    return "D" if history_days < limit else "W"


def customer_summary(orders: pd.DataFrame, *, calibration_end: object = None,
                     time_unit: str = "auto", settings: Settings | None = None
                     ) -> CustomerSummary:
    """Summarise `orders` (customer_id, order_date, revenue) up to `calibration_end`.

    calibration_end: a date (inclusive); default the last order date. Orders after it are
    ignored. time_unit: "D", "W" or "auto" (see `choose_time_unit`).
    Orders without a customer are left out: they cannot repeat.
    """
    if time_unit not in (*TIME_UNITS, "auto"):
        raise KarteError("clv.error.time_unit", unit=time_unit)
    frame = orders.loc[orders["customer_id"].notna(), ["customer_id", "order_date", "revenue"]]
    day = pd.to_datetime(frame["order_date"]).dt.normalize()
    if calibration_end is None:
        if day.empty:
            raise KarteError("clv.unavailable.no_customers")
        end = day.max()
    else:
        try:
            end = pd.Timestamp(calibration_end).normalize()
        except (TypeError, ValueError) as exc:
            raise KarteError("clv.error.calibration_end", value=str(calibration_end)) from exc
    keep = (day <= end).to_numpy()
    tx = pd.DataFrame({"customer_id": frame["customer_id"].to_numpy()[keep],
                       "day": day.to_numpy()[keep],
                       "revenue": frame["revenue"].to_numpy(dtype=float)[keep],
                       "orders": 1})
    if tx.empty:
        raise KarteError("clv.unavailable.no_customers")

    # One transaction per customer and day (the literature's convention).
    daily = (tx.groupby(["customer_id", "day"], sort=True)
               .agg(revenue=("revenue", "sum"), orders=("orders", "sum"))
               .reset_index())
    per = daily.groupby("customer_id", sort=True)
    first_date = per["day"].min()
    last_date = per["day"].max()
    n_days = per["day"].size()
    total_value = per["revenue"].sum()
    first_value = per["revenue"].first()   # daily is sorted by day within customer
    n_orders = per["orders"].sum()

    history_days = int((end - first_date.min()).days)
    units = resolve(settings).clv["time_unit"]
    unit = choose_time_unit(history_days, settings=settings) if time_unit == "auto" else time_unit
    unit_days = float(units["days_per_unit"][unit])

    frequency = (n_days - 1).astype(np.int64)
    repeat_value = total_value - first_value
    monetary = np.where(frequency > 0, repeat_value / np.maximum(frequency, 1), 0.0)
    table = pd.DataFrame({
        "frequency": frequency,
        "recency": (last_date - first_date).dt.days / unit_days,
        "T": (end - first_date).dt.days / unit_days,
        "monetary": monetary,
        "orders": n_orders.astype(np.int64),
        "total_value": total_value,
        "first_date": first_date,
        "last_date": last_date,
    })
    table.index.name = "customer_id"
    return CustomerSummary(table=table, time_unit=unit, calibration_end=end,
                           history_days=history_days, days_per_unit=unit_days,
                           days_per_month=float(units["days_per_month"]))
