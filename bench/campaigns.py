"""Campaign measurement on simulated shops with a known effect (issue 15): prints, per group size,
the planted vs recovered lift with its 95 % interval, the interval's coverage over repeated
simulations, and the false-positive rate (share of no-effect campaigns called a success).

    .venv/bin/python bench/campaigns.py [--reps 400]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.campaigns import measure  # noqa: E402
from tests.campaign_helpers import SECRET, plant, synthetic_campaign  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=400)
    args = parser.parse_args()
    print("one campaign per size (base response 5 %, control share 15 %):")
    print(f"{'target':>7} {'control':>7} {'planted':>8} {'measured':>9} {'95% interval':>18}  verdict")
    for n, lift in ((300, 0.10), (1000, 0.05), (3000, 0.03), (10000, 0.02), (30000, 0.01)):
        campaign, frame = synthetic_campaign(n, seed=n)
        r = measure(campaign, plant(frame, 0.05, lift, seed=n), secret=SECRET)
        print(f"{n:>7} {len(campaign.control):>7} {lift * 100:>7.1f}pt {r.lift * 100:>8.2f}pt "
              f"[{r.lift_low * 100:>6.2f}, {r.lift_high * 100:>6.2f}]pt  {r.verdict}")
    for n, lift in ((1000, 0.04), (3000, 0.02)):
        covered = found = 0
        for seed in range(args.reps):
            campaign, frame = synthetic_campaign(n, seed=seed, campaign_id=f"cov-{n}-{seed}")
            r = measure(campaign, plant(frame, 0.05, lift, seed=seed), secret=SECRET)
            covered += r.lift_low <= lift <= r.lift_high
            found += r.success
        print(f"coverage n={n} planted {lift * 100:.0f}pt: {covered / args.reps:.1%} of "
              f"{args.reps} intervals hold it; called a success {found / args.reps:.1%}")
    for n, base in ((300, 0.05), (1000, 0.06), (3000, 0.03)):
        wrong = worse = 0
        for seed in range(args.reps):
            campaign, frame = synthetic_campaign(n, seed=seed, campaign_id=f"null-{n}-{seed}")
            r = measure(campaign, plant(frame, base, 0.0, seed=seed), secret=SECRET)
            wrong += r.success
            worse += r.verdict == "worse"
        print(f"no effect n={n} base {base:.0%}: success {wrong}/{args.reps} = "
              f"{wrong / args.reps:.1%} (false positives), 'worse' {worse / args.reps:.1%}")


if __name__ == "__main__":
    main()
