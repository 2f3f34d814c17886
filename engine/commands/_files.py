"""The order files of a command line: `FILE [FILE ...]` read as one `OrderBook`.

Several files of one shop (overlapping monthly downloads, a Yahoo order file and its item file)
are combined by `engine.ingest.ingest_files`; an unreadable path is a user error, not a trace.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from engine.errors import IngestError
from engine.orderbook import OrderBook


def read_orders(paths: str | Path | Sequence[str | Path], *, format: str | None = None,
                sheet: str | None = None) -> OrderBook:
    """One `OrderBook` from one or several order files."""
    from engine.ingest import ingest_files   # the reader is imported only by commands that read

    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = []
    for path in map(Path, paths):
        try:
            files.append((path.read_bytes(), path.name))
        except OSError as exc:
            raise IngestError("ingest.error.unreadable") from exc
    return ingest_files(files, format=format, sheet=sheet)
