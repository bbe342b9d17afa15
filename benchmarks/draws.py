"""The counter-based draws alone: one parameter's uniform and one round's eight, in a
compiled loop of 4×10^6 calls on one thread, minimum of 5 (noise on a shared machine only
adds time). Run it under two checkouts alternately to compare them:

    PYTHONPATH=OTHER/src python benchmarks/draws.py; python benchmarks/draws.py

(``benchmarks/results/philox-pair.txt``: a round's two Philox blocks in one call against
two calls.)
"""

from __future__ import annotations

import time
import warnings

import numpy as np
from numba import njit

from compellence.model import random as rnd


@njit(error_model="numpy")
def _param(n, seed):
    acc = 0.0
    for i in range(n):
        acc += rnd.param_uniform(seed, i, 12345 + (i & 7))
    return acc


@njit(error_model="numpy")
def _round(n, seed):
    u = np.empty(8)
    acc = 0.0
    for i in range(n):
        rnd.round_uniforms(seed, i // 24, i % 24, u)
        acc += u[0] + u[3] + u[7]
    return acc


def main() -> None:
    warnings.simplefilter("ignore")
    _param(100, 7)
    _round(100, 7)
    n = 4_000_000
    best_p = best_u = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        _param(n, 7)
        best_p = min(best_p, time.perf_counter() - t)
        t = time.perf_counter()
        _round(n, 7)
        best_u = min(best_u, time.perf_counter() - t)
    print(f"param_uniform {best_p / n * 1e9:.1f} ns, round_uniforms {best_u / n * 1e9:.1f} ns")


if __name__ == "__main__":
    main()
