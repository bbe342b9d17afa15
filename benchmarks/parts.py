"""Where a round's time goes: each part of the per-round path timed alone, on one thread.

Each part is the model's own function (``model/equations.py``, ``model/random.py``) called in
a compiled loop on the flagship's parameters and starting state, with one input nudged each
iteration so that the compiler cannot hoist the work out of the loop:

- ``sample_params``: a run's parameters (once per run, not per round; the flagship samples
  none, so this is the cost of filling them in from constants);
- ``round_uniforms``: the eight counter-based draws of a round (what the floor draws);
- ``utility_terms``: the nine terms for the four actions;
- ``logit_choice``: the W7 dominance test and the logit over them;
- ``advance_state`` + ``collapse_hazard`` + ``coercer_move``: the dynamics, the hazard and
  the deciding coercer's move after a decision.

It then times the whole kernel on one thread (``simulate_chunk``, which includes allocating
the chunk's arrays and building its result columns) and reports its time per round played
(rounds under a deal in force count as played: they draw and advance the state, but make
no decision), beside the sum of the parts. A part timed alone sees nearly the same state
every iteration, so its branches are predicted better than in a run, while each loop adds
a store and an addition of its own: the sum is roughly a lower bound, and what the whole
costs beyond it is the rest of ``simulate_run`` (the bookkeeping of a round, the events,
the branches a real run mispredicts), the chunk's allocation and memory. The minimum of the
repeats is quoted (noise on a shared machine only adds time).

Usage: python benchmarks/parts.py [--repeat K]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numba
import numpy as np
from draws import best, round_loop  # the draws' own benchmark, beside this script
from numba import njit

from compellence.engine.simulate import simulate_chunk, spec_of
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.model.random import jitable
from compellence.scenario import load_scenario


# _sample (and draws.round_loop) stay plain @njit loops: they call no function that numba
# inlines at its IR level, so no reference counting enters their loops (a jitable version of
# each timed the same).
@njit(error_model="numpy")
def _sample(n, seed, kind, const, table, key):
    V = np.empty(lay.NVX)
    acc = 0.0
    for i in range(n):
        eq.sample_params(seed, i, kind, const, table, key, V)
        acc += V[3]
    return acc


@njit(error_model="numpy")
def _state(seed, kind, const, table, key, sched, is_sched, listed, LRN):
    """The flagship's round-3 context of run 0: parameters, state, offer and pressure."""
    V = np.empty(lay.NVX)
    S = np.empty(lay.NS)
    O = np.empty(lay.NO)
    R = np.empty(lay.NR)
    eq.sample_params(seed, 0, kind, const, table, key, V)
    eq.initial_state(V, S)
    eq.offer_in_force(V, LRN, LRN[lay.LRN_PRIOR], O)
    eq.round_pressure(V, 3, sched, is_sched, listed, np.zeros(5), R)
    return V, S, O, R


# Each timed loop is a jitable function (compiled without reference counting, as the
# kernel's run loop is: cpu.run_blocks), called from a thin njit wrapper that allocates its
# scratch arrays. Inlined into a function that counts references, numba would increment
# and decrement every array each inlined call is passed, which the kernel never does
# (the loops here were written that way until 2026-12-07, and overstated utility_terms
# and logit_choice).
@jitable
def _terms_loop(n, V, S, O, R, M, U):
    econ = S[lay.ECON]
    acc = 0.0
    for i in range(n):
        S[lay.ECON] = econ + 1e-9 * (i & 1023)
        g = eq.utility_terms(V, O, S, R, M, U)
        acc += U[2, 1] + g[3]
    return acc


@njit(error_model="numpy")
def _terms(n, V, S, O, R, M):
    return _terms_loop(n, V, S, O, R, M, np.empty((lay.NT, 4)))


@jitable
def _choice_loop(n, V, S, O, R, M, U, P):
    eq.utility_terms(V, O, S, R, M, U)
    u00 = U[0, 0]
    acc = 0.0
    for i in range(n):
        U[0, 0] = u00 + 1e-9 * (i & 1023)
        eq.logit_choice(V[lay.LAM], U, P, M[lay.W7])
        acc += P[1]
    return acc


@njit(error_model="numpy")
def _choice(n, V, S, O, R, M):
    return _choice_loop(n, V, S, O, R, M, np.empty((lay.NT, 4)), np.empty(4))


@jitable
def _dynamics_loop(n, V, S, O, R, M, S0):
    acc = 0.0
    for i in range(n):
        if i % 24 == 0:
            for k in range(S0.shape[0]):
                S[k] = S0[k]
        eq.advance_state(V, S, R, M, 0.0, 0.0)
        acc += eq.collapse_hazard(V, S, M)
        acc += eq.coercer_move(V, O, S, R, M)
    return acc


@njit(error_model="numpy")
def _dynamics(n, V, S, O, R, M, S0):
    return _dynamics_loop(n, V, S, O, R, M, S0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    numba.set_num_threads(1)
    sc = load_scenario("iran-2025-surrender")
    spec = spec_of(sc)
    (T, kind, const, table, key, sched, is_sched, listed, M, _kill, _renege, LRN,
     _HYP) = spec.args()
    seed = sc.seed
    ctx = _state(seed, kind, const, table, key, sched, is_sched, listed, LRN)

    def fresh():   # each part mutates the state it is given: a copy each
        return tuple(a.copy() for a in ctx)

    per_run = best(_sample, (seed, kind, const, table, key), 100_000, args.repeat)
    rows = [("round_uniforms (8 draws)", best(round_loop, (seed,), 2_000_000, args.repeat)),
            ("utility_terms", best(_terms, (*fresh(), M), 1_000_000, args.repeat)),
            ("logit_choice (dominance + logit)",
             best(_choice, (*fresh(), M), 1_000_000, args.repeat)),
            ("advance_state + collapse_hazard + coercer_move",
             best(_dynamics, (*fresh(), M, ctx[1].copy()), 1_000_000, args.repeat))]
    simulate_chunk(sc, seed, 0, 5000)
    n = 200_000
    whole = float("inf")
    for _ in range(args.repeat):
        t = time.perf_counter()
        r = simulate_chunk(sc, seed, 0, n)
        whole = min(whole, time.perf_counter() - t)
    played = r.decisions / n
    per_round = whole / r.decisions
    parts = sum(s for _, s in rows) + per_run / played
    print(f"flagship, one thread, minimum of {args.repeat}; ns per round played "
          f"({played:.1f} rounds played per run of {T})")
    label = "sample_params (per run ÷ rounds; no sampled ones)"
    print(f"  {label:48s} {per_run / played * 1e9:6.1f}")
    for name, s in rows:
        print(f"  {name:48s} {s * 1e9:6.1f}")
    print(f"  {'sum of the parts':48s} {parts * 1e9:6.1f}")
    print(f"  {'the whole kernel (simulate_chunk, 2e5 runs)':48s} {per_round * 1e9:6.1f}  "
          f"({n * T / whole:.3g} run-rounds/s counted as runs × {T})")
    print(f"  {'the rest (simulate_run, the chunk, memory)':48s} {(per_round - parts) * 1e9:6.1f}")


if __name__ == "__main__":
    main()
