"""Speed of the engine, measured side by side in one process, with ratios.

Prints, for the flagship scenario (24 rounds), on this machine's cores:
- run-rounds per second of the compiled kernel, counted as runs × horizon (as before) and
  as the rounds actually simulated for runs still in play, from 10^3 to 10^7 runs;
- the floor (benchmarks/floors.py): the engine's own counter-based uniforms for the same
  rounds plus one pass over the state, on all cores, and the engine's time over it;
- thread scaling (1 thread up to all cores; per core);
- scaling with the number of rounds (12, 24, 48);
- the baselines a user would write: the model uncompiled (plain Python) and in Mesa;
- start-up: a fresh process that loads the cached kernel and runs 1,000 runs.
Never a timed unit test: the figures are printed, not asserted. The output is stamped
with the machine and the date; `--json FILE` also writes it.

Usage: python benchmarks/run.py [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numba

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import run_mesa, run_plain_python
from floors import floor

from compellence.engine import simulate
from compellence.engine.stream import simulate_stream
from compellence.scenario import load_scenario

SCENARIO = "iran-2025-surrender"


def _timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def engine(sc, runs: int, backend: str = "numba"):
    """Seconds and rounds actually simulated (streamed above 10^6 runs)."""
    if runs > 1_000_000:
        secs, s = _timed(simulate_stream, sc, runs, backend=backend)
        return secs, s.decisions
    secs, r = _timed(simulate, sc, runs=runs, backend=backend)
    return secs, r.decisions


def played_rounds(sc, runs: int):
    """Per-run rounds in play (what the floor must draw), from one ensemble."""
    import numpy as np
    r = simulate(sc, runs=min(runs, 1_000_000))
    played = np.where(r.runs["outcome"] == "ongoing", sc.horizon, r.runs["rounds"] + 1)
    reps = -(-runs // played.size)
    return np.tile(np.asarray(played), reps)[:runs]


def startup() -> float:
    """Wall seconds of `compellence run … --runs 1000` in a fresh process (cache warm)."""
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "compellence.cli", "run", SCENARIO, "--runs", "1000"],
                   check=True, capture_output=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="reduced sizes (about a minute)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = ap.parse_args()
    sc = load_scenario(SCENARIO)
    T = sc.horizon
    sizes = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000,
                                                         10_000_000]
    simulate(sc, runs=100)                       # compile (or load the cache) first
    floor(played_rounds(sc, 100))
    rows = []
    for n in sizes:
        secs, played = engine(sc, n)
        rounds = played_rounds(sc, n)
        f, _ = _timed(floor, rounds)
        rows.append({"runs": n, "seconds": secs, "rr_per_s": n * T / secs,
                     "played_per_s": played / secs, "played_share": played / (n * T),
                     "floor_s": f, "over_floor": secs / f})
    cores = numba.config.NUMBA_NUM_THREADS
    threads = []
    n_thr = 100_000 if args.quick else 1_000_000
    for k in sorted({1, 2, cores} & set(range(1, cores + 1))):
        numba.set_num_threads(k)
        secs, _ = engine(sc, n_thr)
        threads.append({"threads": k, "rr_per_s": n_thr * T / secs,
                        "per_thread": n_thr * T / secs / k})
    numba.set_num_threads(cores)
    scaling = []
    n_scale = 20_000 if args.quick else 200_000
    for horizon in (12, 24, 48):
        secs, _ = engine(load_scenario(SCENARIO, {"horizon": horizon}), n_scale)
        scaling.append({"rounds": horizon, "runs": n_scale, "seconds": secs,
                        "rr_per_s": n_scale * horizon / secs})
    baselines = []
    for n in ([500] if args.quick else [2_000]):
        p_s, _ = _timed(run_plain_python, sc, n, 1)
        m_s, _ = _timed(run_mesa, sc, n, 1)
        e_s, _ = engine(sc, n)
        baselines.append({"runs": n, "plain_python_rr_per_s": n * T / p_s,
                          "mesa_rr_per_s": n * T / m_s, "engine_rr_per_s": n * T / e_s,
                          "engine_over_plain": p_s / e_s, "engine_over_mesa": m_s / e_s})
    result = {"scenario": SCENARIO, "rounds": T, "date": datetime.date.today().isoformat(),
              "machine": f"{platform.machine()} {platform.processor()}".strip(),
              "cores": os.cpu_count(), "numba_threads": cores, "engine": rows,
              "threads": threads, "scaling": scaling, "baselines": baselines,
              "startup_run_1000_s": startup()}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print(f"compellence benchmark: {SCENARIO}, {T} rounds, {result['machine']}, "
          f"{cores} threads, {result['date']}")
    print(f"{'runs':>11} {'run-rounds/s':>13} {'played/s':>10} {'played':>7} "
          f"{'engine/floor':>13}")
    for r in rows:
        print(f"{r['runs']:>11,} {r['rr_per_s']:>13.3g} {r['played_per_s']:>10.3g} "
              f"{r['played_share']:>7.2f} {r['over_floor']:>13.2f}")
    print("\nthreads (runs × horizon per second):")
    for t in threads:
        print(f"  {t['threads']:>2} threads: {t['rr_per_s']:.3g}/s, {t['per_thread']:.3g}/s per "
              f"thread ({t['rr_per_s'] / threads[0]['rr_per_s']:.2f}× one thread)")
    print("\nscaling with rounds:")
    for s in scaling:
        print(f"  {s['rounds']:>3} rounds × {s['runs']:,} runs: {s['seconds']:.3f} s, "
              f"{s['rr_per_s']:.3g} run-rounds/s")
    print("\nbaselines (the same model uncompiled, one run at a time):")
    for b in baselines:
        print(f"  {b['runs']:>7,} runs: plain Python {b['plain_python_rr_per_s']:.3g}/s, Mesa "
              f"{b['mesa_rr_per_s']:.3g}/s, engine {b['engine_rr_per_s']:.3g}/s → engine is "
              f"{b['engine_over_plain']:.0f}× plain Python and {b['engine_over_mesa']:.0f}× "
              "Mesa")
    print(f"\nstart-up: `compellence run {SCENARIO} --runs 1000` in a fresh process: "
          f"{result['startup_run_1000_s']:.2f} s")


if __name__ == "__main__":
    main()
