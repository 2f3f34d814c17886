"""The consultant-editable settings of one run, loaded once at the entry point and passed in.

`Settings.load()` reads every rule file of `engine/data/` (segments, clv, plan, scoring,
questions, actions) in one go; the app's entry point, the command line and the benchmarks call
it once and hand the object to `engine.shop.ShopAnalysis`, which hands each analysis the part
it needs, the way scikit-learn estimators get their parameters in the constructor. Nothing
under a fit reads a TOML file itself.

`Settings.default()` is the process-wide instance of the files as shipped (read once); it is
what a caller that has no settings of its own (a test, a notebook) gets.
"""
from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from engine.config import DATA_DIR

FILES = ("segments", "clv", "plan", "scoring", "questions", "actions")


@dataclass(frozen=True, eq=False)
class Settings:
    """The parsed rule files; hashable by content, so a cache can key on it."""

    segments: Mapping[str, Any]
    clv: Mapping[str, Any]
    plan: Mapping[str, Any]
    scoring: Mapping[str, Any]
    questions: Mapping[str, Any]
    actions: Mapping[str, Any]
    digest: str = field(default="")

    def __post_init__(self) -> None:
        if not self.digest:
            text = json.dumps({name: getattr(self, name) for name in FILES}, sort_keys=True,
                              ensure_ascii=False, default=str)
            object.__setattr__(self, "digest",
                               hashlib.blake2b(text.encode(), digest_size=12).hexdigest())

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and other.digest == self.digest

    def __reduce__(self):  # st.cache_data hashes arguments by pickling: the digest is enough
        return (_from_digest_or_load, (self.digest, {n: dict(getattr(self, n)) for n in FILES}))

    @classmethod
    def load(cls, data_dir: Path | str = DATA_DIR) -> "Settings":
        """Read every rule file of `data_dir` (default: engine/data)."""
        parts = {}
        for name in FILES:
            with open(Path(data_dir) / f"{name}.toml", "rb") as fh:
                parts[name] = tomllib.load(fh)
        return cls(**parts)

    @staticmethod
    def default() -> "Settings":
        """The shipped files, read once per process."""
        return _default()


@lru_cache(maxsize=1)
def _default() -> Settings:
    return Settings.load()


def _from_digest_or_load(digest: str, parts: dict[str, Any]) -> Settings:
    return Settings(**parts, digest=digest)


def resolve(settings: Settings | None) -> Settings:
    """`settings`, or the shipped defaults when a caller passes none."""
    return settings if settings is not None else _default()
