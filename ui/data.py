"""The order data of the session: an upload or a built-in sample shop, read once and cached.

The upload stays in memory (session state) and is never written to disk. The file's digest,
computed once on upload, keys every cache, so a rerun never hashes the file again.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import streamlit as st

from engine import samples
from engine.ingest import Inspection, ingest, ingest_files, inspect
from engine.orderbook import OrderBook

MAX_UPLOAD_BYTES = 2000 * 1024 * 1024  # keep in step with server.maxUploadSize


@dataclass(frozen=True)
class Source:
    """Where the session's orders come from and how to read them (hashable: a cache key)."""

    kind: str                 # "upload" | "sample"
    name: str                 # file name, or sample shop id
    digest: str
    format: str | None = None
    sheet: str | None = None
    mapping: tuple[tuple[str, str], ...] = field(default=())
    files: tuple[str, ...] = field(default=())   # upload names when several files were given


def mappings_dir() -> Path:
    root = Path(__file__).resolve().parent.parent
    return Path(os.environ.get("KARTE_DATA_DIR") or root / "data") / "mappings"


def session_salt() -> bytes:
    """The secret of customer keys made from name + phone: the installation's (engine/secret.py),
    so the same file gives the same keys in every session and a downloaded list still matches."""
    from engine.ingest.keys import run_salt

    return run_salt()


def _salt(src: Source | None) -> bytes:
    """The salt of the customer keys of `src`: a sample shop's made-up buyers get none, so one
    read of each sample (warmed at server start, ui.warmup) serves every session."""
    return b"" if src is not None and src.kind == "sample" else session_salt()


def source() -> Source | None:
    return st.session_state.get("source")


def file_bytes() -> bytes | None:
    return st.session_state.get("source_bytes")


def use_upload(data: bytes, filename: str) -> None:
    use_uploads([(data, filename)])


def use_uploads(files: list[tuple[bytes, str]]) -> None:
    """One or several files of one shop; the first is what the mapping step previews."""
    if not files:
        return
    h = hashlib.blake2b(digest_size=16)
    for data, name in files:
        h.update(hashlib.blake2b(data, digest_size=16).digest() + name.encode("utf-8"))
    digest = h.hexdigest()
    current = source()
    if current and current.kind == "upload" and current.digest == digest:
        return
    st.session_state.source_bytes = files[0][0]
    st.session_state.source_extra = list(files[1:])
    st.session_state.source = Source("upload", " + ".join(n for _, n in files), digest,
                                     files=tuple(n for _, n in files))


def use_sample(shop_id: str) -> None:
    src, data = sample_source(shop_id)
    st.session_state.source_bytes = data
    st.session_state.source_extra = []
    st.session_state.source = src
    st.session_state.sample_shop = shop_id


def use_sample_shop(shop_id: str) -> None:
    """A sample shop's orders and its owner's answers replace the session's (demo start)."""
    from ui.state import answers

    use_sample(shop_id)
    answers().clear()
    answers().update(samples.sample_answers(shop_id))
    for key in [k for k in st.session_state if str(k).startswith(("w_", "u_"))]:
        del st.session_state[key]  # the form shows the sample's answers, not old typing
    st.session_state.raw_inputs = {}
    st.session_state.unknowns = {}


def update_source(**changes) -> None:
    current = source()
    if current is not None:
        st.session_state.source = Source(**{**current.__dict__, **changes})


def clear() -> None:
    for key in ("source", "source_bytes", "source_extra", "sample_shop"):
        st.session_state.pop(key, None)


@st.cache_data(max_entries=3, show_spinner=False)
def _sample_file(shop_id: str) -> tuple[bytes, str]:
    return samples.generate(shop_id)


# Large and read-only: one shared object per file instead of a pickled copy per call.
@st.cache_resource(max_entries=4, ttl="1h", show_spinner=False)  # see ui.analysis.TTL
def _read(src: Source, salt: bytes, _data: bytes,
          _progress: Callable[[str, float], None] | None = None,
          _extra: tuple[tuple[bytes, str], ...] = ()) -> OrderBook:
    options = dict(format=src.format, sheet=src.sheet, mapping=dict(src.mapping) or None,
                   salt=salt, max_bytes=MAX_UPLOAD_BYTES, progress=_progress)
    if _extra:   # several files of one shop: the digest in `src` covers all of them
        return ingest_files([(_data, src.files[0]), *_extra], **options)
    return ingest(_data, src.name, **options)


def book(progress: Callable[[str, float], None] | None = None) -> OrderBook | None:
    """The session's OrderBook (None without data). Raises IngestError for unusable files."""
    src, data = source(), file_bytes()
    if src is None or data is None:
        return None
    extra = tuple(st.session_state.get("source_extra") or ())
    return _read(src, _salt(src), data, progress, extra)


def book_key() -> tuple:
    """A small hashable stand-in for the current book, for caching analyses."""
    return (source(), _salt(source()))


def book_or_sample(shop_id: str = "cosmetics") -> tuple[OrderBook, tuple, bool]:
    """(book, cache key, is_sample): the session's data, else a sample shop shown for a look.

    The sample is not made the session's data, so the diagnosis is never compared with it.
    """
    current = book()
    if current is not None:
        return current, book_key(), False
    src, data = sample_source(shop_id)
    return _read(src, b"", data), (src, b""), True


def sample_source(shop_id: str) -> tuple[Source, bytes]:
    """The Source of a sample shop and its file's bytes (what `use_sample` puts in the session)."""
    data, filename = _sample_file(shop_id)
    return Source("sample", filename, f"sample:{shop_id}"), data


def sample_book(shop_id: str) -> tuple[OrderBook, tuple]:
    """A sample shop's OrderBook and cache key, the same objects a session using it reads."""
    src, data = sample_source(shop_id)
    return _read(src, b"", data), (src, b"")


@st.cache_data(max_entries=4, show_spinner=False)
def inspection(digest: str, name: str, sheet: str | None, _data: bytes) -> Inspection:
    # several files: the mapping is chosen on the first, and applies to each
    return inspect(_data, name.split(" + ")[0], sheet=sheet, max_bytes=MAX_UPLOAD_BYTES)
