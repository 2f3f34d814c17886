"""N browser sessions against one server (not a test: prints figures).

    .venv/bin/python bench/load.py [--sessions 20]

Starts `streamlit run app.py` on a free 127.0.0.1 port with a consultant passphrase (a seminar
server) and a fresh data folder, then drives N Chromium sessions at once (one browser, one
context each). Each session uploads its own order file (a sample shop's, renamed with the
session's marker), reads the data page, opens the analysis page, saves its diagnosis under
its own client name, and opens the history page as a visitor. Checked per session: its own
figures and names are shown, no other session's marker appears anywhere (a cross-session
leak), the history page lists nothing but its own diagnosis. Prints the server's peak
memory, memory after the sessions closed (released or held), errors and leaks.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import samples  # noqa: E402
from engine.i18n import t  # noqa: E402
from engine.ingest import ingest  # noqa: E402

PASSPHRASE = "bench passphrase for the load run"
WAIT_AFTER_S = 200


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler(threading.Thread):
    """The server's resident memory every 0.2 s; `peak` is the highest seen."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return
            time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def session(browser, url: str, i: int, files: list[tuple[bytes, str]], markers: list[str],
                  expected: list[int]) -> dict:
    """One visitor's path through the app; what went wrong, and any other session's marker."""
    from playwright.async_api import expect

    mine, result = markers[i], {"errors": [], "leaks": set()}
    context = await browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(240000)  # 20 sessions on 2 cores: pages take their time
    page = await context.new_page()

    async def idle() -> None:
        await page.wait_for_timeout(300)
        await expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0,
                                                                               timeout=120000)

    async def leaks(where: str) -> None:
        text = await page.content()
        for j, other in enumerate(markers):
            if j != i and other in text:
                result["leaks"].add(f"{where}: {other}")

    try:
        data, name = files[i]
        await page.goto(f"{url}/data", timeout=120000)
        await page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(
            {"name": name, "mimeType": "text/csv", "buffer": data}, timeout=180000)
        loaded = page.get_by_text(t("ui.data.loaded", "ja", name=name).split("「")[0],
                                  exact=False).first
        await expect(loaded).to_be_visible(timeout=180000)
        await idle()
        orders = f"{expected[i]:,}件"
        await expect(page.get_by_text(orders, exact=True)).to_be_visible(timeout=240000)
        await leaks("data")
        await page.locator("[data-testid=stSidebarNavLink][href$='/analysis']").click()
        await expect(page.get_by_role("heading", name=t("analysis.title", "ja"))).to_be_visible(
            timeout=180000)
        await idle()
        await leaks("analysis")
        # A diagnosis saved under the session's own client name (the sample's answers).
        await page.goto(url, timeout=120000)
        await page.get_by_role("button", name=t("ui.home.sample_button", "ja")).click()
        await expect(page.get_by_role("heading", name=t("ui.result.title", "ja"))).to_be_visible(
            timeout=180000)
        await idle()
        field = page.locator(".st-key-save_client input")
        await field.fill(mine)
        await field.press("Tab")
        await idle()
        await page.locator(".st-key-save_consent").get_by_text(t("history.consent", "ja")).click()
        await idle()
        await page.get_by_role("button", name=t("history.save", "ja")).click()
        await idle()
        await expect(page.locator("[data-testid=stCode]").first).to_be_visible(timeout=60000)
        # The sidebar link: a new page load would be a new session, without its saves.
        await page.locator("[data-testid=stSidebarNavLink][href$='/history']").click()
        await idle()
        await leaks("history")
        if mine not in await page.content():
            result["errors"].append(f"session {i}: its own diagnosis is not on its history page")
    except Exception as exc:  # noqa: BLE001 - counted and printed
        result["errors"].append(f"session {i}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()
    return result


async def drive(url: str, n: int, files, markers, expected) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=["--no-sandbox", "--disable-gpu",
                                                "--disable-dev-shm-usage"])
        results = await asyncio.gather(*(session(browser, url, i, files, markers, expected)
                                         for i in range(n)))
        await browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    args = parser.parse_args()
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("bench/load.py needs the test tools (playwright): make test installs them")
        return 0
    if not Path("/usr/bin/chromium").exists():
        print("bench/load.py needs Debian's Chromium at /usr/bin/chromium")
        return 0

    n = args.sessions
    markers = [f"LOADMARK{i:03d}x" for i in range(n)]
    files, expected = [], []
    for i in range(n):
        data, name = samples.generate(samples.SHOPS[i % len(samples.SHOPS)])
        files.append((data, f"{markers[i]}_{name}"))
        expected.append(ingest(data, name).summary()["orders"])

    data_dir = Path(tempfile.mkdtemp(prefix="karte-load-"))
    port = free_port()
    env = {**os.environ, "KARTE_DATA_DIR": str(data_dir),
           "KARTE_CONSULTANT_PASSPHRASE": PASSPHRASE}
    env.pop("KARTE_DATABASE_URL", None)
    log = open(data_dir / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py",
                               "--server.port", str(port), "--server.address", "127.0.0.1"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        idle_mb = rss_mb(server.pid)
        sampler = Sampler(server.pid)
        sampler.start()
        start = time.perf_counter()
        results = asyncio.run(drive(url, n, files, markers, expected))
        wall = time.perf_counter() - start
        sampler.stop.set()
        closed_mb = rss_mb(server.pid)
        # A closed tab's session is dropped 120 s later (server.disconnectedSessionTTL); the
        # app hands freed memory back once a minute (ui/memory.py).
        time.sleep(WAIT_AFTER_S)
        later_mb = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    errors = [e for r in results for e in r["errors"]]
    leaks = sorted({leak for r in results for leak in r["leaks"]})
    from engine.store import Store

    db = Store(f"sqlite:///{data_dir / 'karte.sqlite'}")
    saved = {s.client for s in db.list()}
    db.close()
    log_text = (data_dir / "server.log").read_text(errors="replace")
    print(f"sessions                  {n}")
    print(f"wall time                 {wall:.1f} s")
    print(f"server memory idle        {idle_mb:.0f} MB")
    print(f"server memory peak        {sampler.peak:.0f} MB")
    print(f"after sessions closed     {closed_mb:.0f} MB ({WAIT_AFTER_S} s later: {later_mb:.0f} MB)")
    print(f"diagnoses saved           {len(saved & set(markers))} of {n}")
    print(f"errors                    {len(errors)}")
    for e in errors[:10]:
        print(f"  {e}")
    print(f"cross-session leaks       {len(leaks)}")
    for leak in leaks[:10]:
        print(f"  {leak}")
    print(f"server log tracebacks     {log_text.count('Traceback')}")
    shutil.rmtree(data_dir, ignore_errors=True)
    return 1 if errors or leaks else 0


if __name__ == "__main__":
    raise SystemExit(main())
