"""Driver of the compiled backend: pack a chunk's arrays, run the numba kernel round by
round with the reference's random numbers, unpack a :class:`ChunkResult`.
"""

from __future__ import annotations

import numpy as np

from compellence.engine import kernel as kn
from compellence.engine.params import materialize
from compellence.engine.rng import RoundStreams
from compellence.engine.simulate import ChunkResult
from compellence.model.core import TERMS
from compellence.scenario.schema import INSTRUMENTS, Scenario, Schedule


def supports(sc: Scenario, trajectories: bool = False, record_run: int | None = None) -> bool:
    """Can the compiled kernel run this request (else the NumPy reference does)?"""
    return (kn.HAVE_NUMBA and not sc.coercer.learning.enabled and not trajectories
            and record_run is None)


class Packed:
    """A chunk's parameters and state as the kernel's row-per-run arrays."""

    def __init__(self, sc: Scenario, seed: int, start: int, stop: int) -> None:
        p = materialize(sc, seed, start, stop)
        n, T = p.n, sc.horizon
        self.n, self.T = n, T
        self.L = np.ascontiguousarray(np.column_stack([p.leader[f] for f in kn.L_FIELDS]),
                                      dtype=np.float64)
        self.D = np.ascontiguousarray(np.column_stack([p.dynamics[f] for f in kn.D_FIELDS]),
                                      dtype=np.float64)
        self.O = np.ascontiguousarray(np.column_stack([p.offer[f] for f in kn.O_FIELDS]),
                                      dtype=np.float64)
        r = p.regime
        self.S = np.ascontiguousarray(np.column_stack([r.economy, r.unrest, r.base_standing,
                                                       r.core_program, r.axis, r.trust,
                                                       np.zeros(n), np.zeros(n)]))
        self.M = np.array([bool(p.mechanisms[f]) for f in kn.M_FIELDS], dtype=np.bool_)
        A = p.adaptive
        adaptive_on = bool(A.enabled and p.mechanisms.adaptive_coercer)
        self.lev_const = np.zeros((n, 5))
        self.lev_sched = np.zeros((5, max(T, 1)))
        self.is_sched = np.zeros(5, np.bool_)
        for k, name in enumerate(INSTRUMENTS):
            value = p.pressure[name]
            if isinstance(value, Schedule):
                self.is_sched[k] = True
                self.lev_sched[k] = [value.at(t) for t in range(max(T, 1))]
            else:
                self.lev_const[:, k] = value
        self.listed = np.array([adaptive_on and name in A.instruments for name in INSTRUMENTS],
                               dtype=np.bool_)
        self.step = np.ascontiguousarray(A.step if adaptive_on else np.zeros(n), dtype=float)
        self.ret_step = np.ascontiguousarray(A.retaliation_step if adaptive_on else
                                             np.zeros(n), dtype=float)
        self.cap = np.ascontiguousarray(A.cap, dtype=np.float64)
        self.bump = np.zeros((n, 5))
        self.ci = np.zeros((n, len(kn.C_INT)), np.int64)
        self.ci[:, kn.ROUNDS] = T
        self.ci[:, kn.KROUND] = -1
        self.cf = np.full((n, len(kn.C_FLT)), np.nan)
        self.prob_sum = np.zeros((n, 4))
        self.term_acc = np.zeros((-(-n // kn.BLOCK_RUNS), len(TERMS), 4))
        self.active = np.ones(n, np.bool_)
        self.kill_round = sc.events.leader_killed_round
        self.renege = set(sc.coercer.renege_rounds)

    def args(self, t: int, u: np.ndarray) -> tuple:
        """The kernel's arguments for round t with draws u."""
        return (t, u, self.L, self.S, self.O, self.D, self.M, self.lev_const, self.lev_sched,
                self.is_sched, self.listed, self.cap, self.bump, self.step, self.ret_step,
                self.kill_round == t, t in self.renege, self.active, self.ci, self.cf,
                self.prob_sum, self.term_acc)

    def result(self) -> ChunkResult:
        """Unpack into the reference's per-run columns."""
        ci = self.ci
        return chunk_result(self.T, ci[:, kn.OUT], ci[:, kn.ROUNDS], ci[:, kn.GEN],
                            ci[:, kn.MART], ci[:, kn.KROUND], self.cf[:, kn.LEG],
                            self.cf[:, kn.LEGCAP], ci[:, kn.ESCS], ci[:, kn.DOFF],
                            self.prob_sum, self.S, self.term_acc.sum(axis=0))


def chunk_result(T: int, outcome, rounds, generation, martyred, killed_round, legacy,
                 legacy_cap, escalations, deal_offers, prob_sum, S, term_sums) -> ChunkResult:
    """The reference's per-run columns (dtypes included) from a kernel's arrays, with the
    state in the kernel's column order (shared by the numba and JAX backends)."""
    outcome = np.asarray(outcome).astype(np.int8)
    rounds = np.asarray(rounds).astype(np.int32)
    made = np.maximum(np.where(outcome == 0, T, rounds + 1), 1)
    S = np.asarray(S, dtype=np.float64)
    prob_sum = np.asarray(prob_sum, dtype=np.float64)
    cols: dict[str, np.ndarray] = {
        "outcome": outcome, "rounds": rounds,
        "leader_generation": np.asarray(generation).astype(np.int16),
        "martyred": np.asarray(martyred).astype(bool),
        "killed_round": np.asarray(killed_round).astype(np.int32),
        "legacy": np.array(legacy, dtype=np.float64),
        "legacy_if_capitulated": np.array(legacy_cap, dtype=np.float64),
        "escalations": np.asarray(escalations).astype(np.int32),
        "deal_offers": np.asarray(deal_offers).astype(np.int32),
    }
    for j, name in enumerate(("resist", "escalate", "deal", "capitulate")):
        cols[f"p_{name}"] = prob_sum[:, j] / made
    for key, row in (("economy", kn.ECON), ("unrest", kn.UNR), ("base", kn.BASE),
                     ("trust", kn.TRUST), ("program", kn.PROG), ("axis", kn.AXIS),
                     ("resolve", kn.RES)):
        cols[f"final_{key}"] = S[:, row].copy()
    decisions = int(np.minimum(np.where(outcome == 0, T, rounds + 1), T).sum())
    return ChunkResult(cols, np.asarray(term_sums, dtype=np.float64), decisions)


def simulate_chunk_fast(sc: Scenario, seed: int, start: int, stop: int) -> ChunkResult:
    """The runs [start, stop) on the compiled kernel (same numbers as the reference)."""
    pk = Packed(sc, seed, start, stop)
    streams = RoundStreams(seed, start, stop)
    for t in range(pk.T):
        kn.round_kernel(*pk.args(t, np.ascontiguousarray(streams.draw())))
    return pk.result()
