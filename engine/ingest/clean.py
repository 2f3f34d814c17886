"""Cleaning of text cells into numbers, dates and flags — vectorised, with row-wise fallbacks.

Amounts: NFKC (full-width digits), ¥ / 円 / commas / spaces removed, "(1,000)", "△1000" and
"▲1000" negative. Dates: the common formats in bulk with pandas, then the leftovers one unique
value at a time (2024年1月5日, 令和6年1月5日 / R6.1.5 / H31/4/30, Excel serial numbers). Values are
parsed once per distinct string (`pd.factorize`), which is what makes a million rows cheap.
A date outside the accepted range (engine/data/limits.toml [dates], 1900-01-01..2199-12-31) is
not a date (NaT): pandas cannot hold 9999/12/31 or 0001-01-01 in nanoseconds, and no order is
that old or that far ahead.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from engine.ingest.limits import Limits, default

JST = "Asia/Tokyo"
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
# serial numbers treated as Excel dates: 1954-10-03 .. 2119-01-08 (small integers are not dates)
EXCEL_SERIAL_RANGE = (20000.0, 80000.0)
ERAS = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019,
        "M": 1868, "T": 1912, "S": 1926, "H": 1989, "R": 2019}
COMMON_DATE_FORMATS = (
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    "%Y%m%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y.%m.%d", "%Y%m%d%H%M%S",
)
_TZ_SUFFIX = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_ERA = re.compile(r"^(明治|大正|昭和|平成|令和|[MTSHR])\.?\s*(元|\d{1,2})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*"
                  r"(\d{1,2})\s*日?(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$", re.I)
_KANJI_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?"
                         r"(?:\s*(\d{1,2})\s*[:時]\s*(\d{1,2})\s*分?(?:\s*(\d{1,2})\s*秒?)?)?$")
_AMOUNT_JUNK = r"[¥$€£\s,円]|JPY|YEN|(?i:yen)"


def _arrow_text(s: pd.Series) -> pa.Array:
    data = s.astype("str").array
    arr = data.__arrow_array__() if hasattr(data, "__arrow_array__") else pa.array(
        s.astype(object).where(s.notna(), "").tolist(), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks else pa.array([], type=pa.large_string())
    return pc.fill_null(arr, "")


def nfkc(s: pd.Series) -> pd.Series:
    """Unicode NFKC and outer whitespace stripped ("１，０００" -> "1,000", "㈱" -> "(株)")."""
    out = pc.utf8_trim_whitespace(pc.utf8_normalize(_arrow_text(s), form="NFKC"))
    return pd.Series(pd.array(out, dtype="str"), index=s.index)


def by_unique(s: pd.Series, parse: Callable[[pd.Series], pd.Series], distinct: bool = False) -> pd.Series:
    """`parse` applied to the distinct values of `s` only, broadcast back to every row.

    distinct=True: the caller knows the values are already distinct (dictionary values).
    """
    if distinct:
        return parse(s.reset_index(drop=True)).set_axis(s.index)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    parsed = parse(pd.Series(uniques, dtype="str"))
    values = parsed.to_numpy()
    out = values[np.where(codes < 0, 0, codes)] if len(values) else np.full(len(s), np.nan)
    result = pd.Series(out, index=s.index, dtype=parsed.dtype if len(values) else "float64")
    if (codes < 0).any():
        result[codes < 0] = pd.NA if result.dtype == object else np.nan
    return result


# ---------------------------------------------------------------- amounts
def _parse_amount_unique(s: pd.Series) -> pd.Series:
    text = nfkc(s)
    negative = text.str.match(r"^\(.*\)$") | text.str.startswith(("△", "▲"))
    text = text.str.replace(_AMOUNT_JUNK, "", regex=True).str.strip("()△▲")
    values = pd.to_numeric(text, errors="coerce").astype("float64")
    values[negative.to_numpy(dtype=bool)] = -values[negative.to_numpy(dtype=bool)]
    values[~np.isfinite(values.to_numpy())] = np.nan
    return values


def parse_amounts(s: pd.Series, invalid: Iterable[float] = (), *, distinct: bool = False) -> pd.Series:
    """Yen amounts as float; NaN where the cell is empty or not a number."""
    values = by_unique(s, _parse_amount_unique, distinct).astype("float64")
    for bad in invalid:                 # e.g. 楽天's -99999 = "no value"
        values[values == bad] = np.nan
    return values


# ---------------------------------------------------------------- dates
def _era_or_kanji(text: str) -> pd.Timestamp | None:
    m = _ERA.match(text)
    if m:
        era, year, month, day, hh, mm, ss = m.groups()
        base = ERAS.get(era) or ERAS.get(era.upper())
        y = base + (1 if year == "元" else int(year)) - 1
        return _timestamp(y, month, day, hh, mm, ss)
    m = _KANJI_DATE.match(text)
    if m:
        return _timestamp(*m.groups())
    return None


def _timestamp(y, month, day, hh=None, mm=None, ss=None) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(dt.datetime(int(y), int(month), int(day), int(hh or 0), int(mm or 0),
                                        int(ss or 0)))
    except (ValueError, OverflowError):
        return None


def _excel_serial(text: str) -> pd.Timestamp | None:
    try:
        value = float(text)
    except ValueError:
        return None
    lo, hi = EXCEL_SERIAL_RANGE
    if not (lo < value < hi):
        return None
    return (EXCEL_EPOCH + pd.to_timedelta(round(value * 86400), unit="s")).floor("s")


def _strptime(sub: pd.Series, fmt: str) -> pd.Series:
    """pyarrow's C++ strptime (fast), pandas' where arrow cannot take the format."""
    if "%f" in fmt:   # fractional seconds (EC-CUBE 2 on PostgreSQL): arrow has no %f
        return pd.to_datetime(sub, format=fmt, errors="coerce")
    try:
        parsed = pc.strptime(_arrow_text(sub), format=fmt, unit="s", error_is_null=True)
        out = pd.Series(parsed.to_numpy(zero_copy_only=False), index=sub.index)
        return pd.to_datetime(out, errors="coerce")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_datetime(sub, format=fmt, errors="coerce")


def date_range(limits: Limits | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """[first, end) of the dates accepted as order dates."""
    limits = limits or default()
    return (pd.Timestamp(limits.earliest_date),
            pd.Timestamp(limits.latest_date) + pd.Timedelta(days=1))


def _within(parsed: pd.Series, bounds: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    """True where a parsed (naive) date is in range; compared before any cast to nanoseconds."""
    lo, hi = bounds
    return parsed.notna() & (parsed >= lo) & (parsed < hi)


def _parse_dates_unique(s: pd.Series, formats: tuple[str, ...],
                        bounds: tuple[pd.Timestamp, pd.Timestamp]) -> pd.Series:
    text = nfkc(s)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text != ""
    has_tz = todo & text.str.contains(_TZ_SUFFIX, regex=True)
    if has_tz.any():  # ISO / Shopify offsets -> Japan time, naive
        sub = text[has_tz]
        for fmt in ("%Y-%m-%d %H:%M:%S %z", "ISO8601"):
            parsed = pd.to_datetime(sub, format=fmt, errors="coerce", utc=True)
            ok = parsed.notna()
            local = parsed[ok].dt.tz_convert(JST).dt.tz_localize(None)
            good = _within(local, bounds)
            out.loc[good[good].index] = local[good].astype("datetime64[ns]")
            sub = sub[~ok]
            if sub.empty:
                break
        todo &= out.isna()
    for fmt in (*formats, *COMMON_DATE_FORMATS):
        if not todo.any():
            break
        sub = text[todo]
        if "%z" in fmt:
            continue
        parsed = _strptime(sub, fmt)
        ok = parsed.notna()
        if ok.any():
            good = _within(parsed, bounds)
            out.loc[good[good].index] = parsed[good].astype("datetime64[ns]")
            todo &= out.isna()
    for idx in todo[todo].index:        # leftovers, one distinct value each
        value = text.at[idx]
        ts = _era_or_kanji(value) or _excel_serial(value)
        if ts is not None and bounds[0] <= ts < bounds[1]:
            out.at[idx] = ts
    return out


def parse_dates(s: pd.Series, formats: Iterable[str] = (), *, distinct: bool = False,
                limits: Limits | None = None) -> pd.Series:
    """Naive Japan-time timestamps (datetime64[ns]); NaT where the cell is not a date or is
    outside the accepted range (`date_range`)."""
    fmts = tuple(formats)
    bounds = date_range(limits)
    result = by_unique(s, lambda u: _parse_dates_unique(u, fmts, bounds), distinct)
    return pd.to_datetime(result, errors="coerce").astype("datetime64[ns]")


# ---------------------------------------------------------------- text tests
def fold_values(s: pd.Series, *, distinct: bool = False) -> pd.Series:
    """Status-like values compared loosely: NFKC, case-folded, stripped."""
    return by_unique(s, lambda u: nfkc(u).str.casefold(), distinct).astype("str")


def in_values(folded: pd.Series, values: Iterable[str]) -> np.ndarray:
    import unicodedata

    wanted = {unicodedata.normalize("NFKC", v).casefold().strip() for v in values}
    if not wanted:
        return np.zeros(len(folded), dtype=bool)
    return np.array(folded.isin(wanted).to_numpy(dtype=bool))  # writable copy (copy-on-write)


def matches_any(s: pd.Series, patterns: Iterable[str], *, full: bool = False,
                distinct: bool = False) -> np.ndarray:
    """True where the NFKC text matches one of the regular expressions (search, or fullmatch)."""
    pats = [p for p in patterns if p]
    if not pats:
        return np.zeros(len(s), dtype=bool)
    combined = "|".join(f"(?:{p})" for p in pats)
    if full:
        combined = f"^(?:{combined})$"

    def test(u: pd.Series) -> pd.Series:
        return nfkc(u).str.contains(combined, regex=True).astype(bool)

    return np.array(by_unique(s, test, distinct).fillna(False).to_numpy(dtype=bool))
