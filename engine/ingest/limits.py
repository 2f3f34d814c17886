"""The reader's limits as data: `engine/data/limits.toml`, loaded once, passed to the readers.

Owns the `Limits` values and the refusals they raise (`IngestError` with an `ingest.limit.*`
key and the figures the message needs). The readers call the `check_*` helpers at the point
where the work they protect would start, so a refused file costs little time and memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from engine.config import load
from engine.errors import IngestError

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_rows: int
    max_columns: int
    max_cells: int
    max_field_chars: int
    max_padding_cells: int
    max_sheets: int
    max_parts: int
    max_uncompressed_bytes: int
    max_compression_ratio: float
    ratio_checked_above_bytes: int
    max_row_number: int
    max_shared_strings: int
    max_shared_strings_bytes: int
    max_xml_depth: int
    max_small_part_bytes: int
    earliest_date: dt.date
    latest_date: dt.date

    # ------------------------------------------------------------ refusals
    def check_columns(self, columns: int) -> None:
        if columns > self.max_columns:
            raise IngestError("ingest.limit.columns", columns=f"{columns:,}", limit=f"{self.max_columns:,}")

    def check_rows(self, rows: int) -> None:
        if rows > self.max_rows:
            raise IngestError("ingest.limit.rows", rows=f"{rows:,}", limit=f"{self.max_rows:,}")

    def check_cells(self, rows: int, columns: int) -> None:
        self.check_rows(rows)
        if rows * columns > self.max_cells:
            raise IngestError("ingest.limit.cells", rows=f"{rows:,}", columns=f"{columns:,}",
                              cells=f"{rows * columns:,}", limit=f"{self.max_cells:,}")

    def field_too_long(self, line: int | str) -> IngestError:
        return IngestError("ingest.limit.field", line=line, limit=f"{self.max_field_chars:,}")

    def check_padding(self, made_up: int, size: int) -> None:
        """Cells made up by the reader (short rows, skipped rows) against the file's own size."""
        if made_up > max(self.max_padding_cells, size):
            raise IngestError("ingest.limit.padding", cells=f"{made_up:,}")


def from_table(table: dict) -> Limits:
    """`Limits` from the parsed TOML (tests pass smaller tables)."""
    t, x, d = table["table"], table["xlsx"], table["dates"]
    return Limits(
        max_rows=int(t["max_rows"]), max_columns=int(t["max_columns"]), max_cells=int(t["max_cells"]),
        max_field_chars=int(t["max_field_chars"]), max_padding_cells=int(t["max_padding_cells"]),
        max_sheets=int(x["max_sheets"]), max_parts=int(x["max_parts"]),
        max_uncompressed_bytes=int(x["max_uncompressed_mb"] * MB),
        max_compression_ratio=float(x["max_compression_ratio"]),
        ratio_checked_above_bytes=int(x["ratio_checked_above_mb"] * MB),
        max_row_number=int(x["max_row_number"]), max_shared_strings=int(x["max_shared_strings"]),
        max_shared_strings_bytes=int(x["max_shared_strings_mb"] * MB), max_xml_depth=int(x["max_xml_depth"]),
        max_small_part_bytes=int(x["max_small_part_mb"] * MB),
        earliest_date=d["earliest"], latest_date=d["latest"],
    )


@lru_cache(maxsize=1)
def default() -> Limits:
    """The limits of `engine/data/limits.toml` (read once per process)."""
    return from_table(load("limits"))
