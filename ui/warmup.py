"""Server start: the sample shops and their analyses built once, in the background.

A demo starts on a sample shop (the home page's button, /live, /analysis before any upload),
and the first visitor of a fresh server would otherwise wait for the imports, the three sample
files, their reading and every model fit. `start()` (from `ui.serve` as the server starts, and
from app.py for a plain `streamlit run app.py`) runs that work once per process in a daemon
thread, through the same caches the pages read (`ui.data`, `ui.analysis`), so a session that
arrives meanwhile waits for the part it needs instead of computing it a second time
(`engine.shop` computes each part once under a lock).
"""
from __future__ import annotations

import logging
import threading
import time

_started = threading.Event()
done = threading.Event()
LOG = logging.getLogger(__name__)


def start() -> None:
    """Start the warm-up thread, once per process."""
    from streamlit import config

    if _started.is_set() or config.get_option("global.appTest"):
        return   # AppTest: page tests compute what they read, nothing in the background
    _started.set()
    threading.Thread(target=_run, name="karte-warmup", daemon=True).start()


def _runtime_ready(timeout: float = 60.0) -> bool:
    """Streamlit's caches of data need its runtime: wait until the server made it."""
    from streamlit import runtime

    deadline = time.monotonic() + timeout
    while not runtime.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _run() -> None:
    # Quiet: this thread has no session, and says so at every cache call otherwise.
    ctx_log = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    cache_log = logging.getLogger("streamlit.runtime.caching.cache_data_api")
    saved = ctx_log.level, cache_log.level
    ctx_log.setLevel(logging.ERROR)
    cache_log.setLevel(logging.ERROR)
    try:
        # What every page imports, then each sample shop's figures.
        import altair  # noqa: F401
        import ui.customer_views  # noqa: F401
        import ui.live_views  # noqa: F401
        import ui.plan_views  # noqa: F401
        import ui.result_views  # noqa: F401
        import ui.saving  # noqa: F401

        if not _runtime_ready():
            return
        from engine import samples

        for shop in samples.SHOPS:
            warm_shop(shop)
    except Exception:  # a warm-up failure must never stop the server: the pages compute later
        LOG.warning("warm-up stopped early", exc_info=False)
    finally:
        ctx_log.setLevel(saved[0])
        cache_log.setLevel(saved[1])
        done.set()


def warm_shop(shop: str) -> None:
    """Read the sample `shop` and compute what its first screens show, for the owner's sample
    answers (the home page's button) and for no answers yet (a deep link to /live)."""
    from engine import samples
    from engine.shop import AnalysisParams
    from ui import analysis as cached
    from ui import data

    book, key = data.sample_book(shop)
    base = cached.base(book, key)
    session = base.with_params(**{name: getattr(AnalysisParams(), name)
                                  for name in ("as_of", "rfm", "cpm", "k", "relationship")})
    for answers in (samples.sample_answers(shop), {}):
        analysis = session.with_params(assumptions=cached.plan_assumptions_for(answers))
        analysis.customers, analysis.rfm, analysis.cpm, analysis.ranks  # noqa: B018
        analysis.clusters, analysis.retention, analysis.dormant  # noqa: B018
        analysis.figures()
        for lang in ("ja", "en"):
            analysis.plan(answers, None, lang)
