"""Benchmark: a sweep's cost per design point, and where it goes.

For a small grid of the flagship it measures, separately: the bare ensemble per point
(``simulate`` + ``aggregate``, what a point must cost at least), building and validating
the point's scenario (``scenario_at``), and the whole sweep into a fresh DuckDB file with
1 and 2 local workers — so the gap between "points/s" in a sweep and the engine's speed
is measured, not guessed. Writes its figures, stamped with the machine and the date, to
``benchmarks/results/sweep-<date>.json`` (``--out`` to choose), and prints them.

Usage: python benchmarks/sweep.py [--points 24] [--runs 200] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from compellence.analysis import design as dz
from compellence.analysis.store import Store
from compellence.analysis.sweep import aggregate, point_seed, run_sweep, scenario_at
from compellence.engine import simulate
from compellence.scenario import load_scenario


def _grid(points: int) -> dz.Design:
    side = max(2, round(points ** 0.5))
    return dz.grid([dz.parse_param(f"leader.identity_weight=0.2:1.5:{side}", True),
                    dz.parse_param(f"coercer.demand=0.3:1:{max(2, points // side)}", True)])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=24)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    sc = load_scenario("iran-2025-surrender")
    design = _grid(args.points)
    n = len(design.points)
    raw = sc.model_dump(mode="json", by_alias=True, exclude={"extends"})
    simulate(sc, runs=args.runs)  # warm-up: imports and the compiled kernel
    rows = design.points.to_dict("records")

    t = time.perf_counter()
    scs = [scenario_at(raw, r) for r in rows]
    build = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for k, s in enumerate(scs):
        aggregate(simulate(s, runs=args.runs, seed=point_seed(sc.seed, k)))
    engine = (time.perf_counter() - t) / n

    sweeps = {}
    for w in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            store = Store(Path(tmp) / "b.duckdb")
            t = time.perf_counter()
            run_sweep(sc, design, store, args.runs, sc.seed, workers=w)
            sweeps[str(w)] = (time.perf_counter() - t) / n
            store.close()

    result = {
        "benchmark": "sweep cost per design point",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(),
                    "cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]},
        "points": n, "runs_per_point": args.runs,
        "seconds_per_point": {"build_scenario": build, "engine_and_aggregate": engine,
                              **{f"sweep_{w}_workers": v for w, v in sweeps.items()}},
        "points_per_second": {"engine_only": 1 / engine,
                              **{f"sweep_{w}_workers": 1 / v for w, v in sweeps.items()}},
    }
    out = args.out or Path(__file__).parent / "results" / f"sweep-{result['date'][:10]}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
