"""Whether the compiler puts runs in SIMD lanes by itself: a probe for the 3e7 target.

The per-round budget that 3e7 run-rounds/s on two cores leaves (82 ns a round played) is less
than the model's terms, choice and dynamics take on one core (131 ns, ``benchmarks/parts.py``).
Only doing several runs at once in the vector unit's lanes (4 in float64 with AVX2) could
divide that. This script asks whether LLVM does so unprompted when the model's own scalar
functions are called in a loop over 8 runs whose fields lie side by side (field-major arrays,
``V[field, lane]``: the layout a lane kernel would use, so that a field of consecutive runs is
one vector load). It compiles two such loops — ``power_lost`` (one short formula) and
``utility_terms`` (every term of a decision) — and counts, in their machine code, the float64
arithmetic instructions (add, sub, mul, div, min, max, fused multiply-add) that work on packed
vectors (``vmulpd`` …) and on single values (``vmulsd`` …).

The lane loops call the model's functions without reference counting (as the engine's run loop
does), so no counting call sits in them. Packed counts of 0 mean the functions, as written, are
compiled one run at a time, with numba's default flags and with fastmath: runs in lanes would
need the equations restructured (branch-free, over arrays of lanes).

Second part (2026-12-07): what the equations need to go into lanes, measured on one term.
``survival_term``'s callees are written branch-free (each value computed, then selected by the
switch: ``believed_kill``, ``believed_collapse``, ``ouster_hazard``, ``survival_weight``; the
same numbers). A loop of ``survival_term`` over 64 runs side by side (a lane count known only
at run time, so that LLVM's loop vectorizer, not only its straight-line one, sees the loop) is
then timed in two fresh processes: with LLVM's limits on run-time overlap checks at their
defaults (the loop needs more checks than the default limit of 8, LLVM reports "too many memory
checks needed", and it stays scalar) and raised (``--time raised``, three LLVM options: it is
vectorized, four float64 lanes with AVX2). The limits are process-wide LLVM options, hence a
process each. The vectorized loop first checks at run time that the arrays it writes do not
overlap those it reads and runs the scalar loop when its conservative check fails, which
depends on where the arrays were allocated; so each process times several fresh allocations and
every one is reported. A SHA-256 of the results, the same for every allocation in a process
(else the script fails), shows that both processes give the same numbers bitwise.

Result: ``benchmarks/results/lanes.txt``; usage: ``python benchmarks/lanes.py``.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
import warnings

import numba
import numpy as np
from numba import njit

from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.model.random import jitable

#: Runs side by side in the probe: two AVX2 vectors of float64.
LANES = 8


@jitable
def _power_lost_lanes(VT, x, M, out):
    for lane in range(LANES):
        out[lane] = eq.power_lost(VT[:, lane], x[lane], M)


@jitable
def _utility_terms_lanes(VT, OT, ST, RT, M, UT, out):
    for lane in range(LANES):
        g = eq.utility_terms(VT[:, lane], OT[:, lane], ST[:, lane], RT[:, lane], M,
                             UT[:, :, lane])
        out[lane] = g[3]


@njit(error_model="numpy")
def lanes_power_lost(VT, x, M, out):
    """``power_lost`` for LANES runs, run l reading column l of the field-major arrays."""
    _power_lost_lanes(VT, x, M, out)


@njit(error_model="numpy")
def lanes_utility_terms(VT, OT, ST, RT, M, UT, out):
    """``utility_terms`` for LANES runs, each writing its terms into UT[:, :, lane]."""
    _utility_terms_lanes(VT, OT, ST, RT, M, UT, out)


#: x86 float64 arithmetic: add, sub, mul, div, min, max and the fused multiply-adds, on packed
#: vectors (``…pd``) or on single values (``…sd``).
_ARITH = r"\bv?(?:f(?:n)?m(?:add|sub)\d{{3}}|add|sub|mul|div|min|max){}\b"


def count(asm: str) -> tuple[int, int]:
    """(packed, scalar) float64 arithmetic instructions in x86 assembly."""
    return (len(re.findall(_ARITH.format("pd"), asm)), len(re.findall(_ARITH.format("sd"), asm)))


def main() -> None:
    warnings.simplefilter("ignore")
    rng = np.random.default_rng(0)
    M = np.ones(lay.NM, np.bool_)
    VT = rng.random((lay.NVX, LANES))
    args = {"power_lost": (VT, rng.random(LANES), M, np.empty(LANES)),
            "utility_terms": (VT, rng.random((lay.NO, LANES)), rng.random((lay.NS, LANES)),
                              rng.random((lay.NR, LANES)), M, np.empty((lay.NT, 4, LANES)),
                              np.empty(LANES))}
    probes = {"power_lost": lanes_power_lost, "utility_terms": lanes_utility_terms}
    print(f"the model's scalar functions in a loop over {LANES} runs (field-major arrays), "
          "float64 arithmetic instructions in the machine code:")
    for fast in (False, True):
        for name, fn in probes.items():
            # fastmath lets LLVM reorder floating point (never used by the engine: it would
            # break the bitwise identity with the reference); asked to see if it unlocks lanes
            fn = njit(error_model="numpy", fastmath=True)(fn.py_func) if fast else fn
            fn(*args[name])
            packed, scalar = count(fn.inspect_asm(fn.signatures[0]))
            label = f"{name}{' (fastmath)' if fast else ''}"
            print(f"  {label:25s} packed (vector) {packed:4d}   scalar {scalar:4d}")
    print(f"  vector maths library (SVML) available to numba: {numba.config.USING_SVML}")


#: Runs side by side in the timed loop (a run-time count: see the docstring).
TIMED_LANES = 64


@jitable
def _survival_lanes(VT, OT, ST, RT, M, G, f, p_war, out, n, lanes):
    for _ in range(n):
        for lane in range(lanes):
            g = (G[0, lane], G[1, lane], G[2, lane], G[3, lane], G[4, lane], G[5, lane])
            a, b, c, d = eq.survival_term(VT[:, lane], OT[:, lane], ST[:, lane], RT[:, lane], M,
                                          g, f[lane], p_war[lane])
            out[0, lane] += a
            out[1, lane] += b
            out[2, lane] += c
            out[3, lane] += d


@njit(error_model="numpy")
def lanes_survival(VT, OT, ST, RT, M, G, f, p_war, out, n, lanes):
    """``survival_term`` for ``lanes`` runs side by side, n times, summed into out."""
    _survival_lanes(VT, OT, ST, RT, M, G, f, p_war, out, n, lanes)


def time_survival(mode: str, trials: int = 6, n: int = 20_000) -> None:
    """Print the packed/scalar counts and the ns per run of the ``survival_term`` lane loop,
    for ``trials`` fresh allocations (run in a process of its own per ``mode``)."""
    if mode == "raised":
        import llvmlite.binding as llvm

        llvm.set_option("", "--runtime-memory-check-threshold=200")
        llvm.set_option("", "--vectorize-memory-check-threshold=1000")
        llvm.set_option("", "--memory-check-merge-threshold=1000")
    warnings.simplefilter("ignore")
    L = TIMED_LANES
    rng = np.random.default_rng(0)
    base = (rng.random((lay.NVX, L)), rng.random((lay.NO, L)), rng.random((lay.NS, L)),
            rng.random((lay.NR, L)), np.ones(lay.NM, np.bool_), rng.random((6, L)),
            rng.random(L) * 10, rng.random(L) * 0.1)
    lanes_survival(*base, np.zeros((4, L)), 1, L)
    packed, scalar = count(lanes_survival.inspect_asm(lanes_survival.signatures[0]))
    times, sums, keep = [], set(), []
    for _allocation in range(trials):
        keep.append(np.empty(int(rng.integers(1, 5000))))   # moves the next allocations
        args = tuple(a.copy() for a in base)
        out = np.zeros((4, L))
        best = float("inf")
        for _ in range(5):
            out[:] = 0.0
            t = time.perf_counter()
            lanes_survival(*args, out, n, L)
            best = min(best, time.perf_counter() - t)
        times.append(best / (n * L) * 1e9)
        sums.add(hashlib.sha256(out.tobytes()).hexdigest()[:16])
    if len(sums) != 1:
        raise SystemExit(f"{mode}: the allocations gave different results {sorted(sums)}")
    print(f"{mode} {packed} {scalar} {' '.join(f'{t:.2f}' for t in times)} {sums.pop()}")


def compare_survival() -> None:
    """The survival_term lane loop timed in two processes: LLVM's default limit and raised."""
    print(f"survival_term (branch-free callees) in a loop over {TIMED_LANES} runs side by side, "
          "ns per run, each of six fresh allocations (minimum of 5 repeats each):")
    sums = set()
    for mode in ("default", "raised"):
        out = subprocess.run([sys.executable, __file__, "--time", mode], check=True,
                             capture_output=True, text=True).stdout.split()
        packed, scalar, times, checksum = out[1], out[2], out[3:-1], out[-1]
        sums.add(checksum)
        label = {"default": "LLVM's default check limit", "raised": "check limit raised"}[mode]
        print(f"  {label:27s} packed {packed:>3s} scalar {scalar:>3s}  ns/run: "
              + " ".join(times))
    print(f"  the same results in both, bitwise (SHA-256 of the sums): "
          f"{'yes' if len(sums) == 1 else f'NO {sums}'}")
    if len(sums) != 1:
        raise SystemExit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--time":
        time_survival(sys.argv[2])
    else:
        main()
        compare_survival()
