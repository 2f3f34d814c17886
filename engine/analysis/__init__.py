"""Customer analysis on an `OrderBook`: per-customer table, RFM, KMeans clusters, CPM segments,
membership ranks, retention metrics and downloadable lists.

Every public function takes plain DataFrames and parameters (no OrderBook, no hidden state), so
the UI can cache each step separately and a threshold move re-computes only what depends on it.
Rules and thresholds live in `engine/data/segments.toml`.
"""
