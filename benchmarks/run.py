"""Speed of the engine, measured side by side in one process, with ratios.

Prints, for the flagship scenario (24 rounds):
- run-rounds per second of the engine's NumPy reference and compiled (numba) backends
  from 10^3 to 10^7 runs, with peak traced memory (tracemalloc);
- the floor: the time to draw the random numbers a run-round needs (the same
  generator and count as the engine) plus one pass over the run's state, and the
  compiled engine's time as a multiple of it;
- scaling with the number of rounds (12, 24, 48);
- the baselines a user would write: plain Python and Mesa (benchmarks/baselines.py),
  with the engine's speed-up over each at 10^4 and 10^5 runs.
Never a timed unit test: the figures are printed, not asserted.

Usage: python benchmarks/run.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import run_mesa, run_plain_python

from compellence.engine import simulate
from compellence.engine.kernel import available
from compellence.engine.rng import RoundStreams
from compellence.engine.stream import simulate_stream
from compellence.scenario import load_scenario

SCENARIO = "iran-2025-surrender"


def _timed(fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def engine(sc, runs: int, backend: str) -> tuple[float, float]:
    """Seconds and peak traced MB for an ensemble (streamed above 10^6 runs)."""
    tracemalloc.start()
    if runs > 1_000_000:
        secs, _ = _timed(simulate_stream, sc, runs, backend=backend)
    else:
        secs, _ = _timed(simulate, sc, runs=runs, backend=backend)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return secs, peak / 1e6


def floor(runs: int, rounds: int, chunk: int = 262_144) -> float:
    """Draw every round's uniforms exactly as the engine does, and pass once over an
    8-variable state per run (read and write), chunk by chunk."""
    t = time.perf_counter()
    for start in range(0, runs, chunk):
        stop = min(runs, start + chunk)
        state = np.zeros((stop - start, 8))
        streams = RoundStreams(0, start, stop)
        for _ in range(rounds):
            u = np.ascontiguousarray(streams.draw())
            state += u
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="reduced sizes (a few minutes)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sc = load_scenario(SCENARIO)
    rounds = sc.horizon
    sizes = [1_000, 10_000, 100_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000,
                                                         10_000_000]
    numpy_max = 100_000 if args.quick else 1_000_000
    compiled = available()
    if compiled:
        simulate(sc, runs=100, backend="numba")          # compile (or load the cache) first
    rows = []
    for n in sizes:
        rr = n * rounds
        row = {"runs": n, "run_rounds": rr}
        if n <= numpy_max:
            secs, mb = engine(sc, n, "numpy")
            row.update(numpy_s=secs, numpy_rr_per_s=rr / secs, numpy_peak_mb=mb)
        if compiled:
            secs, mb = engine(sc, n, "numba")
            row.update(numba_s=secs, numba_rr_per_s=rr / secs, numba_peak_mb=mb)
        f = floor(n, rounds)
        row.update(floor_s=f, floor_rr_per_s=rr / f)
        if compiled:
            row["numba_over_floor"] = row["numba_s"] / f
        rows.append(row)
    scaling = []
    n_scale = 20_000 if args.quick else 100_000
    for horizon in (12, 24, 48):
        sh = load_scenario(SCENARIO, {"horizon": horizon})
        secs, _ = engine(sh, n_scale, "numba" if compiled else "numpy")
        scaling.append({"rounds": horizon, "runs": n_scale, "seconds": secs,
                        "rr_per_s": n_scale * horizon / secs})
    baselines = []
    for n in ([1_000, 10_000] if args.quick else [10_000, 100_000]):
        rr = n * rounds
        p_s, _ = _timed(run_plain_python, sc, n, 1)
        m_s, _ = _timed(run_mesa, sc, n, 1)
        e_s, _ = engine(sc, n, "numba" if compiled else "numpy")
        baselines.append({"runs": n, "plain_python_rr_per_s": rr / p_s,
                          "mesa_rr_per_s": rr / m_s, "engine_rr_per_s": rr / e_s,
                          "engine_over_plain": p_s / e_s, "engine_over_mesa": m_s / e_s})
    result = {"scenario": SCENARIO, "rounds": rounds, "machine": platform.processor() or
              platform.machine(), "compiled_available": compiled, "engine": rows,
              "scaling": scaling, "baselines": baselines}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"compellence benchmark: {SCENARIO}, {rounds} rounds; run-rounds per second")
    print(f"{'runs':>11} {'numpy':>12} {'compiled':>12} {'floor':>12} {'compiled/floor':>15} "
          f"{'peak MB (compiled)':>19}")
    for r in rows:
        print(f"{r['runs']:>11,} {r.get('numpy_rr_per_s', float('nan')):>12.3g} "
              f"{r.get('numba_rr_per_s', float('nan')):>12.3g} {r['floor_rr_per_s']:>12.3g} "
              f"{r.get('numba_over_floor', float('nan')):>15.2f} "
              f"{r.get('numba_peak_mb', float('nan')):>19.1f}")
    print("\nscaling with rounds (should be linear):")
    for s in scaling:
        print(f"  {s['rounds']:>3} rounds × {s['runs']:,} runs: {s['seconds']:.3f} s, "
              f"{s['rr_per_s']:.3g} run-rounds/s")
    print("\nbaselines (the same equations, one run at a time):")
    for b in baselines:
        print(f"  {b['runs']:>7,} runs: plain Python {b['plain_python_rr_per_s']:.3g}/s, Mesa "
              f"{b['mesa_rr_per_s']:.3g}/s, engine {b['engine_rr_per_s']:.3g}/s → engine is "
              f"{b['engine_over_plain']:.0f}× plain Python and {b['engine_over_mesa']:.0f}× "
              "Mesa")


if __name__ == "__main__":
    main()
