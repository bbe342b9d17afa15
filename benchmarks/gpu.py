"""GPU benchmark (cuda backend): one prepared script for a lent GPU machine.

Prints the device, the flagship's run-rounds per second at 10^7 and 10^8 runs (streamed in
chunks, bounded memory), 10^9 runs streamed, and the floor: the same counter-based uniforms
drawn on the GPU for the same rounds, plus one pass over an eight-variable state.

Usage (on the GPU machine, numba with a CUDA toolkit): python benchmarks/gpu.py [CHUNK]
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
from numba import cuda

from compellence.engine.stream import simulate_stream
from compellence.model.random import round_uniforms
from compellence.scenario import load_scenario


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
    sc = load_scenario("iran-2025-surrender")
    T = sc.horizon
    chunk = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    simulate_stream(sc, 100_000, chunk_size=100_000, backend="cuda")   # compile
    out = {"device": cuda.get_current_device().name.decode(), "rounds": T, "chunk": chunk,
           "rows": []}
    for runs in (10_000_000, 100_000_000, 1_000_000_000):
        t = time.perf_counter()
        s = simulate_stream(sc, runs, chunk_size=chunk, backend="cuda")
        secs = time.perf_counter() - t
        played = s.decisions
        t = time.perf_counter()
        buf = cuda.device_array(chunk)
        for start in range(0, runs, chunk):
            n = min(chunk, runs - start)
            floor_kernel[-(-n // 128), 128](0, start, T, buf[:n])
        cuda.synchronize()
        fl = time.perf_counter() - t
        out["rows"].append({"runs": runs, "seconds": secs, "rr_per_s": runs * T / secs,
                            "played_per_s": played / secs, "floor_s": fl,
                            "over_floor": secs / fl, "deal_share": s.share("deal")})
        print(json.dumps(out["rows"][-1]), flush=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
