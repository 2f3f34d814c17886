"""Cold and warm waits in a real browser, from goto / click to idle (not a test: prints figures).

    .venv/bin/python bench/waits.py [--runs 1]

For each measured wait a fresh server is started (`python -m ui.serve` as `make run` does, or
`streamlit run app.py` with --plain) (cold: the server's first
request) and the same step is then repeated in a new browser session on that server (warm).
"Idle" is: the page's heading and its main chart are visible and Streamlit's running indicator
is gone. Also says whether Streamlit's raw page list (`app`, `analysis`, … as links) was ever
on screen during a deep link, and how long the first thing was visible after a click.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.i18n import t  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A fresh server; `ready_s` is how long it took to answer its health check."""

    def __init__(self, plain: bool = False) -> None:
        self.data = tempfile.TemporaryDirectory()
        self.port = free_port()
        env = {**os.environ, "KARTE_DATA_DIR": self.data.name}
        for name in ("KARTE_CONSULTANT_PASSPHRASE", "KARTE_CONSULTANT_PASSPHRASE_HASH",
                     "KARTE_DATABASE_URL"):
            env.pop(name, None)
        start = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *(["streamlit", "run", "app.py"] if plain else ["ui.serve"]),
             "--server.port", str(self.port), "--server.headless", "true"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.1)
        self.ready_s = time.monotonic() - start

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.data.cleanup()


def idle(page, heading: str, chart: bool = True, timeout: float = 90_000) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=heading)).to_be_visible(timeout=timeout)
    if chart:
        expect(page.locator("[data-testid=stVegaLiteChart]").first).to_be_visible(timeout=timeout)
    page.wait_for_timeout(150)
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0, timeout=timeout)


def watch_raw_list(page) -> list[bool]:
    """A flag set when Streamlit's own list of page files shows (a link named `app`)."""
    seen = [False]

    def check():
        try:
            if page.get_by_role("link", name="app", exact=True).count():
                seen[0] = True
        except Exception:  # page navigating
            pass
    return seen, check


def deep_link(browser, url: str, path: str, heading: str) -> tuple[float, bool, float]:
    """(seconds to idle, raw page list seen, seconds to the first heading)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    seen, check = watch_raw_list(page)
    start = time.monotonic()
    page.goto(f"{url}{path}", wait_until="commit")
    first = None
    deadline = start + 90
    while time.monotonic() < deadline:
        check()
        if page.get_by_role("heading", name=heading).count():
            first = time.monotonic() - start
            break
        page.wait_for_timeout(50)
    idle(page, heading)
    took = time.monotonic() - start
    check()
    context.close()
    return took, seen[0], first or took


def sample_button(browser, url: str) -> tuple[float, float]:
    """Home → 「サンプルデータで試す」 → the result page idle: (seconds, seconds until the
    running state that shows the app's progress bar, ui/browser.py, or a spinner)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ja-JP")
    page = context.new_page()
    page.goto(url)
    idle(page, t("ui.home.title", "ja"), chart=False)
    button = page.get_by_role("button", name=t("ui.home.sample_button", "ja"))
    start = time.monotonic()
    button.click()
    progress = None
    deadline = start + 90
    while time.monotonic() < deadline:
        if progress is None and (page.locator("[data-testid=stSpinner]").count()
                                 or page.locator("[data-testid=stProgress]").count()
                                 or page.locator("[data-test-script-state=running]").count()):
            progress = time.monotonic() - start
        if page.locator("[data-testid=stVegaLiteChart]").count():
            break
        page.wait_for_timeout(50)
    idle(page, t("ui.result.title", "ja"))
    took = time.monotonic() - start
    context.close()
    return took, progress if progress is not None else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--plain", action="store_true",
                        help="`streamlit run app.py` instead of `python -m ui.serve` (make run)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for _ in range(args.runs):
            for path, key in (("/live", "ui.live.title"), ("/analysis", "analysis.title")):
                server = Server(args.plain)
                try:
                    cold, raw, first = deep_link(browser, server.url, path, t(key, "ja"))
                    warm, raw_w, _ = deep_link(browser, server.url, path, t(key, "ja"))
                finally:
                    server.close()
                rows.append((f"{path} (deep link)", server.ready_s, cold, warm, first,
                             "yes" if raw or raw_w else "no"))
            server = Server(args.plain)
            try:
                cold, progress = sample_button(browser, server.url)
                warm, _ = sample_button(browser, server.url)
            finally:
                server.close()
            rows.append(("sample button → result", server.ready_s, cold, warm, progress, "-"))
        browser.close()
    print(f"{'wait':28} {'server up s':>11} {'cold s':>7} {'warm s':>7} {'first s':>8} raw list")
    for name, ready, cold, warm, first, raw in rows:
        print(f"{name:28} {ready:11.1f} {cold:7.1f} {warm:7.1f} {first:8.1f} {raw}")


if __name__ == "__main__":
    main()
