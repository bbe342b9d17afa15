"""GPU benchmark (JAX backend): run-rounds per second at 10^7 and 10^8 runs, one prepared
script for a lent GPU machine. Prints the device, the figures and the floor (drawing the
same uniforms with jax.random), side by side in one process.

Usage (on the GPU machine): pip install -e ".[gpu]" "jax[cuda12]"; python benchmarks/gpu.py
"""

from __future__ import annotations

import json
import sys
import time

import jax
import jax.numpy as jnp

from compellence.engine.stream import simulate_stream
from compellence.scenario import load_scenario


def main() -> None:
    sc = load_scenario("iran-2025-surrender")
    rounds = sc.horizon
    chunk = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    simulate_stream(sc, 100_000, chunk_size=100_000, backend="jax")   # compile
    out = {"device": str(jax.devices()[0]), "rounds": rounds, "chunk": chunk, "rows": []}
    for runs in (10_000_000, 100_000_000):
        t = time.perf_counter()
        s = simulate_stream(sc, runs, chunk_size=chunk, backend="jax")
        secs = time.perf_counter() - t
        key = jax.random.key(0)
        t = time.perf_counter()
        for start in range(0, runs, chunk):
            n = min(chunk, runs - start)
            for r in range(rounds):
                jax.random.uniform(jax.random.fold_in(key, r), (n, 8),
                                   dtype=jnp.float32).block_until_ready()
        floor = time.perf_counter() - t
        out["rows"].append({"runs": runs, "seconds": secs, "rr_per_s": runs * rounds / secs,
                            "floor_s": floor, "over_floor": secs / floor,
                            "deal_share": s.share("deal")})
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
