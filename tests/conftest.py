"""Shared fixtures: a real `streamlit run` server and Debian's Chromium for browser tests."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# In-process tests key name + phone hashes with a fixed secret instead of writing data/secret.key
# into the work tree; servers started here make their own in their data folder.
os.environ.setdefault("KARTE_SECRET", "test-installation-secret")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(data_dir: Path, extra_env: dict[str, str] | None = None):
    """A fresh app server (`make run`) on a free 127.0.0.1 port; yields its URL."""
    port = _free_port()
    env = {**os.environ, "KARTE_DATA_DIR": str(data_dir)}
    for name in ("KARTE_DATABASE_URL", "KARTE_CONSULTANT_PASSPHRASE",
                 "KARTE_CONSULTANT_PASSPHRASE_HASH", "KARTE_SECRET"):
        env.pop(name, None)
    env.update(extra_env or {})
    proc = subprocess.Popen(
        # as `make run` starts it (ui/serve.py: `streamlit run app.py` + the server-start work)
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    proc.kill()
                    raise RuntimeError("streamlit server did not start:\n"
                                       + proc.stdout.read().decode(errors="replace"))
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The shared server of the browser tests, stopped after the session."""
    with streamlit_server(tmp_path_factory.mktemp("karte-data")) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium, not a downloaded browser build."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900},
            "locale": "ja-JP", "accept_downloads": True}


@pytest.fixture
def fresh_app_url(tmp_path):
    """A server of its own for one test, for behaviour of a server's very first request."""
    with streamlit_server(tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def postgres_server_url():
    """A real PostgreSQL server for the session (skipped only when its binaries are absent)."""
    from pg_server import binaries, postgres_server

    if binaries() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed: "
                    "apt-get install postgresql, or run `make test` as root")
    with postgres_server() as url:
        yield url


@pytest.fixture
def postgres_url(postgres_server_url, request):
    """An empty database of its own for one test on the session's PostgreSQL server."""
    from pg_server import fresh_database

    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name)[:50].lower()
    return fresh_database(postgres_server_url, name)
