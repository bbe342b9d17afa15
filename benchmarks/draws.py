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
def param_loop(n, seed):
    """n parameter uniforms (eight parameter keys in turn)."""
    acc = 0.0
    for i in range(n):
        acc += rnd.param_uniform(seed, i, 12345 + (i & 7))
    return acc


@njit(error_model="numpy")
def round_loop(n, seed):
    """n rounds' eight draws (runs of 24 rounds in turn)."""
    u = np.empty(8)
    acc = 0.0
    for i in range(n):
        rnd.round_uniforms(seed, i // 24, i % 24, u)
        acc += u[0] + u[3] + u[7]
    return acc


def best(f, args, n: int, repeat: int = 5) -> float:
    """Minimum seconds per iteration of ``f(n, *args)`` over the repeats (after a first call
    that compiles it)."""
    f(10, *args)
    seconds = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        f(n, *args)
        seconds = min(seconds, time.perf_counter() - t)
    return seconds / n


def main() -> None:
    warnings.simplefilter("ignore")
    n = 4_000_000
    print(f"param_uniform {best(param_loop, (7,), n) * 1e9:.1f} ns, "
          f"round_uniforms {best(round_loop, (7,), n) * 1e9:.1f} ns")


if __name__ == "__main__":
    main()
