"""Fuzz run of the reader over mutated real exports (not a test: prints figures).

    nice .venv/bin/python bench/fuzz.py [--inputs 10000] [--seed 0] [--jobs 2] [--timeout 10]
                                        [--minutes M] [--mem-cap-gb 6]

Inputs come from `tests/fuzz_inputs.mutate(seed + i)`: the first lines of real-looking exports
(Shopify, EC-CUBE, 楽天, UCI, their .xlsx versions) with byte flips, truncations, inserted
delimiters / quotes / newlines, huge fields, wide headers, out-of-range dates, and for workbooks
mutated XML inside the zip; about 4 % are the hostile reproducers of issues 13 / 16.
Each input is read by `engine.ingest.ingest` in a forked child (the parent has imported
everything once), so a hang is killed after --timeout seconds and each child's peak RSS is
measured by the kernel (wait4). The child's address space is capped (--mem-cap-gb) so a
memory bomb fails instead of taking the machine down; that failure counts as a crash.

Prints: inputs tried, outcomes (read / refused with the project's IngestError), crashes (any
other exception, by type and first seeds), hangs past the timeout, identity violations
(rows_in != kept + dropped), peak memory (largest child RSS above the parent's, and the largest
ratio of that to the input's size among refused inputs). Target: 0 crashes / 0 hangs / 0 violations.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import select
import signal
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.errors import IngestError  # noqa: E402
from engine.ingest import ingest  # noqa: E402
from tests.fuzz_inputs import corpus, mutate  # noqa: E402


def _child(data: bytes, name: str, write_fd: int, mem_cap: int) -> None:
    """Runs in the forked child: read the input, write one JSON line, exit without cleanup."""
    out: dict
    try:
        resource.setrlimit(resource.RLIMIT_AS, (mem_cap, mem_cap))
        try:
            book = ingest(data, name, salt=b"fuzz")
            r = book.report
            out = {"outcome": "read", "identity": r.rows_in == r.rows_kept + sum(r.rows_dropped.values()),
                   "rows_in": r.rows_in}
        except IngestError as exc:
            out = {"outcome": "refused", "key": exc.key}
        except BaseException as exc:  # everything else is what we are counting
            tb = traceback.extract_tb(exc.__traceback__)
            where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb)
                          if "/engine/" in f.filename), "?")
            out = {"outcome": "crash", "type": type(exc).__name__, "where": where,
                   "message": str(exc)[:120]}
        os.write(write_fd, json.dumps(out).encode() + b"\n")
    finally:
        os._exit(0)


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--minutes", type=float, default=None, help="stop starting new inputs after this")
    parser.add_argument("--mem-cap-gb", type=float, default=6.0)
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()
    corpus()                                   # build the base files once, before forking
    base_rss = _rss_mb()
    mem_cap = int(args.mem_cap_gb * (1 << 30))
    started = time.monotonic()
    running: dict[int, tuple[int, int, float, int, int]] = {}   # pid -> (fd, seed, t0, size, index)
    outcomes: Counter[str] = Counter()
    crashes: dict[str, list[int]] = {}
    hangs: list[int] = []
    violations: list[int] = []
    generator_errors: list[str] = []
    peak_mb, peak_seed, worst_ratio, worst_seed = 0.0, None, 0.0, None
    slowest, slowest_seed = 0.0, None
    tried = 0
    next_i = 0

    def finish(pid: int, status_text: bytes, rusage) -> None:
        nonlocal peak_mb, peak_seed, worst_ratio, worst_seed, slowest, slowest_seed
        fd, seed, t0, size, _ = running.pop(pid)
        os.close(fd)
        elapsed = time.monotonic() - t0
        if elapsed > slowest:
            slowest, slowest_seed = elapsed, seed
        used = max(0.0, rusage.ru_maxrss / 1024 - base_rss)
        if used > peak_mb:
            peak_mb, peak_seed = used, seed
        try:
            out = json.loads(status_text.decode().strip().splitlines()[-1])
        except (ValueError, IndexError):
            out = {"outcome": "crash", "type": "died", "where": "?", "message": "no result (killed?)"}
        outcomes[out["outcome"]] += 1
        if out["outcome"] == "crash":
            crashes.setdefault(f"{out['type']} at {out['where']}: {out['message'][:70]}", []).append(seed)
        elif out["outcome"] == "read" and not out["identity"]:
            violations.append(seed)
        elif out["outcome"] == "refused" and size:
            ratio = used * (1 << 20) / size
            if ratio > worst_ratio:
                worst_ratio, worst_seed = ratio, seed

    buffers: dict[int, bytes] = {}
    while True:
        out_of_time = args.minutes is not None and time.monotonic() - started > args.minutes * 60
        while len(running) < args.jobs and next_i < args.inputs and not out_of_time:
            seed = args.seed + next_i
            try:
                data, name = mutate(seed)
            except Exception as exc:  # the generator's own failure: not the reader's
                generator_errors.append(f"{seed}: {type(exc).__name__}")
                next_i += 1
                continue
            if next_i and next_i % 1000 == 0:
                print(f"... {next_i:,} inputs started, {sum(len(v) for v in crashes.values())} crashes, "
                      f"{len(hangs)} hangs, {len(violations)} violations, "
                      f"{(time.monotonic() - started) / 60:.1f} min", flush=True)
            read_fd, write_fd = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                _child(data, name, write_fd, mem_cap)
            os.close(write_fd)
            running[pid] = (read_fd, seed, time.monotonic(), len(data), next_i)
            buffers[pid] = b""
            next_i += 1
            tried += 1
        if not running:
            break
        fds = {v[0]: pid for pid, v in running.items()}
        ready, _, _ = select.select(list(fds), [], [], 0.2)
        for fd in ready:
            pid = fds[fd]
            chunk = os.read(fd, 65536)
            buffers[pid] += chunk
            if not chunk:            # EOF: the child has exited
                _, _, rusage = os.wait4(pid, 0)
                finish(pid, buffers.pop(pid), rusage)
        now = time.monotonic()
        for pid, (fd, seed, t0, _, _) in list(running.items()):
            if now - t0 > args.timeout:
                os.kill(pid, signal.SIGKILL)
                _, _, rusage = os.wait4(pid, 0)
                buffers.pop(pid, None)
                running.pop(pid)
                os.close(fd)
                hangs.append(seed)
                outcomes["hang"] += 1
    wall = time.monotonic() - started
    n_crash = sum(len(v) for v in crashes.values())
    print(f"inputs tried: {tried:,} (seeds {args.seed}..{args.seed + tried - 1}) in {wall / 60:.1f} min, "
          f"{args.jobs} jobs, timeout {args.timeout:g} s")
    print(f"read: {outcomes['read']:,}   refused (IngestError): {outcomes['refused']:,}")
    print(f"crashes: {n_crash}   hangs > {args.timeout:g} s: {len(hangs)}   identity violations: {len(violations)}")
    for what, seeds in sorted(crashes.items(), key=lambda kv: -len(kv[1])):
        print(f"  crash x{len(seeds)}: {what}  seeds {seeds[:5]}")
    if hangs:
        print(f"  hang seeds: {hangs[:10]}")
    if violations:
        print(f"  identity violation seeds: {violations[:10]}")
    if generator_errors:
        print(f"  inputs the generator could not build (skipped): {len(generator_errors)} {generator_errors[:5]}")
    print(f"peak memory of one input: {peak_mb:,.0f} MB above the parent's {base_rss:,.0f} MB (seed {peak_seed}); "
          f"slowest input {slowest:.1f} s (seed {slowest_seed})")
    print(f"refused inputs: worst peak / input size = {worst_ratio:,.1f}x (seed {worst_seed})")
    if args.json:
        print(json.dumps({"tried": tried, "crashes": n_crash, "hangs": len(hangs), "violations": len(violations),
                          "peak_mb": round(peak_mb), "refused_ratio": round(worst_ratio, 1)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
