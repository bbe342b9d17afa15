"""Side by side: this engine against another checkout of compellence (e.g. the previous
engine), alternating runs in fresh processes on the same machine, to quote a ratio.

Usage: python benchmarks/compare_engines.py OTHER_SRC [--runs N] [--repeat K]
(OTHER_SRC: the other checkout's src/ folder). Prints seconds per ensemble of the
flagship for each, the medians and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

CODE = """
import time
from compellence.engine import simulate
from compellence.scenario import load_scenario
sc = load_scenario("iran-2025-surrender")
simulate(sc, runs=1000)
t = time.perf_counter(); simulate(sc, runs={runs}); print(time.perf_counter() - t)
"""


def timed(src: Path, runs: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(src)}
    out = subprocess.run([sys.executable, "-c", CODE.format(runs=runs)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("other", type=Path)
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    here = Path(__file__).resolve().parents[1] / "src"
    times: dict[str, list[float]] = {"this": [], "other": []}
    timed(here, 1000), timed(args.other, 1000)        # compile both caches first
    for _ in range(args.repeat):
        times["this"].append(timed(here, args.runs))
        times["other"].append(timed(args.other, args.runs))
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"{k:>5}: " + ", ".join(f"{s:.2f} s" for s in v) + f" (median {med[k]:.2f} s, "
              f"{args.runs * 24 / med[k]:.3g} run-rounds/s)")
    print(f"this / other time: {med['this'] / med['other']:.2f}")


if __name__ == "__main__":
    main()
