"""Timing of the CLV models: fitting BG/NBD + Gamma-Gamma for 100,000 customers (target ≤ 5 s).

Prints our time and, when `lifetimes` can be installed in a throw-away venv under /tmp, the time
of the same fit there and the ratio. Run: `.venv/bin/python bench/clv.py [n_customers]`.
Set KARTE_LIFETIMES_PYTHON to a python that has lifetimes to skip the install.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.clv import BetaGeoModel, GammaGammaModel, customer_summary  # noqa: E402
from engine.clv.simulate import simulate_orders  # noqa: E402

TARGET_S = 5.0
VENV = Path(tempfile.gettempdir()) / "karte-lifetimes-venv"
LIFETIMES_SCRIPT = """
import json, sys, time
import numpy as np
from lifetimes import BetaGeoFitter, GammaGammaFitter
d = np.load(sys.argv[1])
t0 = time.perf_counter()
bg = BetaGeoFitter().fit(d["x"], d["t_x"], d["T"])
rep = d["x"] > 0
gg = GammaGammaFitter().fit(d["x"][rep], d["m"][rep])
print(json.dumps({"seconds": time.perf_counter() - t0, "bgnbd": bg.params_.to_dict(),
                  "gamma_gamma": gg.params_.to_dict()}))
"""


def lifetimes_python() -> tuple[str | None, str]:
    """A python with lifetimes, installing it into a /tmp venv if needed; or None and why."""
    given = os.environ.get("KARTE_LIFETIMES_PYTHON")
    if given:
        return given, "KARTE_LIFETIMES_PYTHON"
    python = VENV / "bin" / "python"
    if not python.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True,
                           capture_output=True, timeout=120)
        except (subprocess.SubprocessError, OSError) as exc:
            return None, f"could not create a venv: {exc}"
    probe = subprocess.run([str(python), "-c", "import lifetimes"], capture_output=True)
    if probe.returncode != 0:
        try:
            done = subprocess.run([str(python), "-m", "pip", "install", "-q", "lifetimes"],
                                  capture_output=True, text=True, timeout=600)
        except subprocess.TimeoutExpired:
            return None, "pip install lifetimes timed out"
        if done.returncode != 0:
            return None, "pip install lifetimes failed: " + done.stderr.strip()[-300:]
    return str(python), str(VENV)


def main(n_customers: int = 100_000) -> int:
    t0 = time.perf_counter()
    orders = simulate_orders(n_customers, r=0.9, alpha=40.0, a=1.5, b=4.0, p=6.0, q=4.0,
                             v=2500.0, days=730, seed=2026)
    t_sim = time.perf_counter() - t0
    t0 = time.perf_counter()
    tb = customer_summary(orders, time_unit="W").table
    t_sum = time.perf_counter() - t0
    x, t_x, big_t, m = (tb[c].to_numpy(float) for c in ("frequency", "recency", "T", "monetary"))

    t0 = time.perf_counter()
    bg = BetaGeoModel().fit(x, t_x, big_t)
    gg = GammaGammaModel().fit(x, m)
    t_fit = time.perf_counter() - t0
    print(f"customers {n_customers:,}  orders {len(orders):,}  repeat {(x > 0).sum():,}")
    print(f"simulate {t_sim:.2f} s  summary {t_sum:.2f} s")
    print(f"fit BG/NBD + Gamma-Gamma: {t_fit:.2f} s  (target <= {TARGET_S:.0f} s: "
          f"{'OK' if t_fit <= TARGET_S else 'TOO SLOW'})  converged "
          f"{bg.converged_ and gg.converged_}")
    print("  BG/NBD", {k: round(v, 4) for k, v in bg.params_.items()},
          " Gamma-Gamma", {k: round(v, 4) for k, v in gg.params_.items()})

    python, where = lifetimes_python()
    if python is None:
        print(f"lifetimes: not timed ({where})")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "summary.npz"
        np.savez(data, x=x, t_x=t_x, T=big_t, m=m)
        # One BLAS thread there too, as our fit uses: the comparison is of the fits alone.
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        run = subprocess.run([python, "-c", LIFETIMES_SCRIPT, str(data)], capture_output=True,
                             text=True, timeout=1800, env=env)
    if run.returncode != 0:
        print("lifetimes: installed but the fit failed: " + run.stderr.strip()[-300:])
        return 0
    other = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"lifetimes (venv {where}): {other['seconds']:.2f} s  ratio lifetimes/ours "
          f"{other['seconds'] / t_fit:.1f}x")
    print("  BG/NBD", {k: round(v, 4) for k, v in other["bgnbd"].items()},
          " Gamma-Gamma", {k: round(v, 4) for k, v in other["gamma_gamma"].items()})
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
