"""Hostile uploads through a real server (not a test: prints figures).

    nice .venv/bin/python bench/hostile.py [--only NAME ...] [--timeout 120]

Starts `streamlit run app.py` on a free 127.0.0.1 port (as the browser tests do), drives Debian's
Chromium with Playwright, and uploads each reproducer of issues 13 / 16 (`tests/fuzz_inputs.hostile`:
row-number bomb, a cell in column XFD, a 10,000-comma header, 20 million shared strings, a zip
bomb, a field over 131,072 characters) through the upload widget of the data page (/data), each in
a fresh browser session. For each file it prints its size, the server's peak RSS while handling
it (sampled every 20 ms from /proc, and above the server's RSS before the upload), the time from
choosing the file to the message on the page, and the message (an error box or the summary),
flagging a traceback if one shows.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, streamlit_server  # noqa: E402
from tests.fuzz_inputs import hostile  # noqa: E402


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """Peak RSS of one process, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.running = pid, 0.0, True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.02)

    def stop(self) -> float:
        self.running = False
        self.thread.join()
        return self.peak


def server_pid(port: int) -> int:
    """The pid of the streamlit process listening on `port` (found through /proc/net/tcp)."""
    import os

    inode = None
    with open("/proc/net/tcp") as fh:
        for line in fh.readlines()[1:]:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) == port and parts[3] == "0A":
                inode = parts[9]
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return int(pid)
        except OSError:
            continue
    raise RuntimeError("server process not found")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    t0 = time.perf_counter()
    files = {k: v for k, v in hostile().items() if not args.only or k in args.only}
    print(f"built {len(files)} hostile files in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp, streamlit_server(Path(tmp)) as url:
        pid = server_pid(int(url.rsplit(":", 1)[1]))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"{'file':<20} {'size':>10} {'peak RSS':>10} {'+ over base':>11} {'time':>7}  message")
            for name, (data, filename) in files.items():
                path = Path(tmp) / filename
                path.write_bytes(data)
                context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(f"{url}/data")
                uploader = page.locator("[data-testid=stFileUploader] input[type=file]")
                uploader.wait_for(state="attached", timeout=60000)
                page.wait_for_timeout(500)
                base = rss_mb(pid)
                sampler = Sampler(pid)
                start = time.perf_counter()
                uploader.set_input_files(str(path))
                outcome = page.locator("[data-testid=stAlertContentError], [data-testid=stException], "
                                       "[data-testid=stAlertContentSuccess], [data-testid=stMetric]").first
                try:
                    outcome.wait_for(state="visible", timeout=args.timeout * 1000)
                    elapsed = time.perf_counter() - start
                    page.wait_for_timeout(300)
                    trace = page.locator("[data-testid=stException]").count() > 0
                    text = outcome.inner_text().replace("\n", " ")
                except Exception:
                    elapsed, trace, text = time.perf_counter() - start, False, f"(no message within {args.timeout:g} s)"
                peak = sampler.stop()
                flag = "TRACEBACK " if trace else ""
                print(f"{name:<20} {len(data) / 1e6:>8.2f}MB {peak:>8.0f}MB {peak - base:>9.0f}MB "
                      f"{elapsed:>6.1f}s  {flag}{text[:110]}", flush=True)
                context.close()
                path.unlink()
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
