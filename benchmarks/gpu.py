"""GPU benchmark (cuda backend): one prepared script for a lent GPU machine.

Prints the device, the flagship's run-rounds per second at 10^7, 10^8 and 10^9 runs,
streamed in chunks (each reduced on the GPU to the summary's totals, so memory is bounded
by the chunk), and the floor: the same counter-based uniforms drawn on the GPU for the
same rounds, plus one pass over an eight-variable state. A size whose time, projected
from the one before, would end past ``--budget`` seconds is reported as skipped, so the
script ends inside a lease (``tools/device_check.sh`` runs it there). Precision is the
backend's: float64, or float32 with ``COMPELLENCE_CUDA_FLOAT32=1``.

Usage (on the GPU machine, numba with a CUDA toolkit):
    python benchmarks/gpu.py [--chunk N] [--sizes 1e7,1e8,1e9] [--budget S] [--json FILE]
With ``NUMBA_ENABLE_CUDASIM=1`` and small ``--sizes`` it runs on numba's simulator (a
try of the script, not a figure).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
from numba import cuda

from compellence.engine.stream import simulate_stream
from compellence.model.layout import OUTCOMES
from compellence.model.random import round_uniforms
from compellence.scenario import load_scenario

#: When the script started (after its imports, a second or two): ``--budget`` counts from here,
#: the compiles included.
STARTED = time.perf_counter()


@cuda.jit
def floor_kernel(seed, start, T, out):
    i = cuda.grid(1)
    if i >= out.shape[0]:
        return
    u = cuda.local.array(8, np.float64)
    s = 0.0
    for t in range(T):
        round_uniforms(seed, start + i, t, u)
        for k in range(8):
            s += u[k]
    out[i] = s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunk", type=int, default=10_000_000)
    ap.add_argument("--sizes", default="1e7,1e8,1e9")
    ap.add_argument("--budget", type=float, default=300.0,
                    help="seconds from the script's start (its compiles included) "
                         "for everything; a size projected past it is skipped")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    sc = load_scenario("iran-2025-surrender")
    T = sc.horizon
    chunk = args.chunk
    sizes = [int(float(x)) for x in args.sizes.split(",")]
    t0 = time.perf_counter()
    simulate_stream(sc, min(sizes[0], 100_000), chunk_size=100_000, backend="cuda")  # compile
    warm = cuda.device_array(128)
    floor_kernel[1, 128](0, 0, T, warm)   # and the floor's kernel, so no size times a compile
    cuda.synchronize()
    compile_s = time.perf_counter() - t0
    out = {"device": _device_name(), "rounds": T, "chunk": chunk,
           "precision": "float32" if os.environ.get("COMPELLENCE_CUDA_FLOAT32") == "1"
           else "float64", "compile_s": compile_s, "rows": []}
    print(json.dumps({k: v for k, v in out.items() if k != "rows"}), flush=True)
    _save(args.json, out)   # the device and the compile, even if no size finishes
    per_run = None
    for runs in sizes:
        left = args.budget - (time.perf_counter() - STARTED)
        if per_run is not None and per_run * runs > left:
            row = {"runs": runs, "skipped": f"projected {per_run * runs:.0f} s, {left:.0f} s "
                   "of the budget left"}
            out["rows"].append(row)
            print(json.dumps(row), flush=True)
            _save(args.json, out)
            continue
        t = time.perf_counter()
        s = simulate_stream(sc, runs, chunk_size=chunk, backend="cuda")
        secs = time.perf_counter() - t
        played = s.decisions
        t = time.perf_counter()
        buf = cuda.device_array(min(chunk, runs))
        for start in range(0, runs, chunk):
            n = min(chunk, runs - start)
            floor_kernel[-(-n // 128), 128](0, start, T, buf[:n])
        cuda.synchronize()
        fl = time.perf_counter() - t
        per_run = (secs + fl) / runs
        row = {"runs": runs, "seconds": secs, "rr_per_s": runs * T / secs,
               "played_per_s": played / secs, "floor_s": fl, "over_floor": secs / fl,
               "shares": {o: s.share(o) for o in OUTCOMES}}
        out["rows"].append(row)
        print(json.dumps(row), flush=True)
        _save(args.json, out)   # after each size: a step stopped at its limit keeps the rows
    print(json.dumps(out, indent=2))


def _save(path: str | None, out: dict) -> None:
    if path:
        Path(path).write_text(json.dumps(out, indent=2))


def _device_name() -> str:
    """The GPU's name (numba's CUDA simulator has none)."""
    if not hasattr(cuda, "get_current_device"):
        return "numba's CUDA simulator"
    name = cuda.get_current_device().name
    return name.decode() if isinstance(name, bytes) else str(name)


if __name__ == "__main__":
    main()
