"""Whether the compiler puts runs in SIMD lanes by itself: a probe for the 3e7 target.

The per-round budget that 3e7 run-rounds/s on two cores leaves (82 ns a round played) is
less than the utility terms alone take on one core (``benchmarks/parts.py``). Only doing
several runs at once in the vector unit's lanes (4 in float64 with AVX2) could close that
gap. This script asks whether LLVM does so unprompted when the model's own scalar
functions are called in a loop over 8 runs whose fields lie side by side (field-major
arrays, ``V[field, lane]``: the layout a lane kernel would use, so that a field of
consecutive runs is one vector load). It compiles two such loops — ``power_lost`` (one
short formula) and ``utility_terms`` (every term of a decision) — and counts, in their
machine code, the float64 arithmetic instructions (add, sub, mul, div, min, max, fused
multiply-add) that work on packed vectors (``vmulpd`` …) and on single values (``vmulsd`` …).

The lane loops call the model's functions without reference counting (as the engine's run
loop does), so no counting call sits in them. Packed counts of 0 mean the functions, as
written, are compiled one run at a time, with numba's default flags and with fastmath: runs
in lanes would need the equations restructured (branch-free, over arrays of lanes).
Result: ``benchmarks/results/lanes.txt``; usage: ``python benchmarks/lanes.py``.
"""

from __future__ import annotations

import re
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


if __name__ == "__main__":
    main()
