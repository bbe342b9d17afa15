"""Run a chunk of runs of a scenario on a backend, and evaluate single decisions.

Every backend runs the one model (:mod:`compellence.model.equations`): ``numba`` compiles
it for all CPU cores, ``python`` runs it uncompiled (the readable reference, slow), and
``cuda`` compiles it for an NVIDIA GPU (:mod:`compellence.engine.gpu`). Random numbers are
counter-based (:mod:`compellence.model.random`), so run r has the same numbers in any
chunk, on any backend, with any number of threads or workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from compellence.engine.spec import Spec, spec_of
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.model.layout import TRAJECTORY_VARS
from compellence.scenario.schema import INSTRUMENTS, Scenario

__all__ = ["TRAJECTORY_VARS", "ChunkResult", "Context", "decision_context", "one_thread",
           "simulate_chunk"]


@dataclass
class ChunkResult:
    """Per-run results for one chunk, plus sums for the utility-term summary."""

    columns: dict[str, np.ndarray]
    term_sums: np.ndarray            # (len(TERMS), 4): Σ over decisions of each term
    decisions: int                   # number of decisions summed (= rounds played)
    trajectories: dict[str, np.ndarray] | None = None   # var -> (horizon + 1, runs)
    alive: np.ndarray | None = None                      # (horizon + 1, runs) still in play
    record: list[dict] = field(default_factory=list)     # decisions of one recorded run
    term_rounds: np.ndarray | None = None   # (horizon, len(TERMS), 4) Σ per round
    decisions_by_round: np.ndarray | None = None         # (horizon,) decisions per round


@contextmanager
def one_thread() -> Iterator[None]:
    """Run the compiled kernel on one thread inside the block (for many small ensembles:
    the thread pool costs more than it saves). The numbers do not depend on it."""
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        yield
    finally:
        numba.set_num_threads(before)


def _kernel(backend: str):
    from compellence.engine.cpu import cpu_kernel, reference_kernel

    return cpu_kernel if backend == "numba" else reference_kernel


def simulate_chunk(sc: Scenario, seed: int, start: int, stop: int, *, trajectories: bool = False,
                   record_run: int | None = None, backend: str = "numba") -> ChunkResult:
    """Simulate the runs [start, stop) on ``numba``, ``python`` or ``cuda``; identical numbers
    for any chunking (float64 CPU backends bitwise, see tests/test_backends.py)."""
    if backend == "cuda":
        from compellence.engine.gpu import simulate_chunk_cuda

        if trajectories or record_run is not None:
            raise ValueError("the cuda backend records neither trajectories nor single runs; "
                             "use --backend numba")
        return simulate_chunk_cuda(sc, seed, start, stop)
    from compellence.engine.cpu import blocks

    spec = spec_of(sc)
    T = spec.horizon
    if record_run is not None:
        start, stop = record_run, record_run + 1
    n = stop - start
    nb = blocks(n)
    CI = np.zeros((n, lay.NCI), np.int64)
    CF = np.zeros((n, lay.NCF))
    TACC = np.zeros((nb, lay.NT, 4))
    traj = np.zeros((T + 1, n, lay.NTRAJ)) if trajectories else np.zeros((1, 1, lay.NTRAJ))
    alive = np.zeros((T + 1, n), np.bool_) if trajectories else np.zeros((1, 1), np.bool_)
    TRB = np.zeros((nb, T, lay.NT, 4)) if trajectories else np.zeros((1, 1, lay.NT, 4))
    DRB = np.zeros((nb, T)) if trajectories else np.zeros((1, 1))
    want_rec = record_run is not None
    rec = np.zeros((T, lay.NREC)) if want_rec else np.zeros((1, lay.NREC))
    rec_terms = np.zeros((T, lay.NT, 4)) if want_rec else np.zeros((1, lay.NT, 4))
    args = (start, seed, *spec.args(), CI, CF, TACC, trajectories, traj, alive, TRB, DRB,
            want_rec, rec, rec_terms)
    _kernel(backend)(*args)
    out = chunk_result(sc, CI, CF, TACC.sum(axis=0))
    if trajectories:
        out.trajectories = {v: traj[:, :, k].copy() for k, v in enumerate(TRAJECTORY_VARS)}
        out.alive = alive
        out.term_rounds = TRB.sum(axis=0)
        out.decisions_by_round = DRB.sum(axis=0)
    if want_rec:
        out.record = _records(int(CI[0, lay.PLAYED]), rec, rec_terms)
    return out


def chunk_result(sc: Scenario, CI: np.ndarray, CF: np.ndarray, term_sums: np.ndarray
                 ) -> ChunkResult:
    """The per-run columns (names and dtypes as every consumer expects) from kernel arrays."""
    c = {name: CI[:, k] for k, name in enumerate(lay.CI_FIELDS)}
    f = {name: CF[:, k] for k, name in enumerate(lay.CF_FIELDS)}
    cols: dict[str, np.ndarray] = {
        "outcome": c["outcome"].astype(np.int8), "rounds": c["rounds"].astype(np.int32),
        "leader_generation": c["leader_generation"].astype(np.int16),
        "martyred": c["martyred"].astype(bool),
        "killed_round": c["killed_round"].astype(np.int32),
        "legacy": f["legacy"].copy(), "legacy_if_capitulated": f["legacy_if_capitulated"].copy(),
        "escalations": c["escalations"].astype(np.int32),
        "deal_offers": c["deal_offers"].astype(np.int32),
        "deals_made": c["deals_made"].astype(np.int16),
        "deals_broken": c["deals_broken"].astype(np.int16),
        "coercer_started_war": c["coercer_started_war"].astype(bool),
        "successor_faction": c["successor_faction"].astype(np.int8),
        "deals_violated": c["deals_violated"].astype(np.int16),
        "final_selectorate": f["final_selectorate"].copy(),
    }
    if sc.coercer.learning.enabled:
        cols["switched_round"] = c["switched_round"].astype(np.int32)
        cols["belief_cost_benefit"] = f["belief_cost_benefit"].copy()
    for name in ("p_resist", "p_escalate", "p_deal", "p_capitulate"):
        cols[name] = f[name].copy()
    for key in lay.S_FIELDS[:lay.NFINAL]:
        cols[f"final_{key}"] = f[f"final_{key}"].copy()
    return ChunkResult(cols, np.asarray(term_sums, np.float64), int(c["rounds_played"].sum()))


def _records(played: int, rec: np.ndarray, rec_terms: np.ndarray) -> list[dict]:
    out = []
    for t in range(played):
        r = rec[t]
        if r[lay.REC_ACT] < 0:   # a round under a deal in force: no decision
            continue
        out.append({
            "round": t,
            "terms": {name: rec_terms[t, j].tolist() for j, name in enumerate(lay.TERMS)},
            "utility": rec_terms[t].sum(axis=0).tolist(),
            "probabilities": r[lay.REC_P:lay.REC_P + 4].tolist(),
            "action": int(r[lay.REC_ACT]), "deal_accepted": bool(r[lay.REC_ACC]),
            "war": bool(r[lay.REC_WAR]),
            "state": {name: float(r[lay.REC_S + k]) for k, name in enumerate(lay.S_FIELDS)},
            "pressure": {name: float(r[lay.REC_R + k]) for k, name in enumerate(lay.R_FIELDS)},
            "offer": {name: float(r[lay.REC_O + k]) for k, name in
                      enumerate(("demand", "relief", "face_saving"))},
            "identity_weight": float(r[lay.REC_WID]),
        })
    return out


# --- single decisions: for explain, the game, Fearon and the mechanism tests -----------------
@dataclass
class Context:
    """First-round decision inputs of n runs (rows), evaluated with the model's own functions."""

    V: np.ndarray   # (n, NVX) parameters, then memo slots (written by the model: keyed)
    S: np.ndarray   # (n, NS) state
    O: np.ndarray   # (n, NO) offer in force
    R: np.ndarray   # (n, NR) pressure
    M: np.ndarray   # (NM,) switches

    @property
    def n(self) -> int:
        return self.V.shape[0]

    def param(self, path: str) -> np.ndarray:
        """Per-run values of a parameter by its scenario path (e.g. ``leader.identity_weight``)."""
        return self.V[:, lay.V_FIELDS.index(path)]

    def switch(self, name: str) -> bool:
        """A mechanism switch by name (e.g. ``martyrdom``)."""
        return bool(self.M[lay.M_FIELDS.index(name)])

    def terms(self) -> dict[str, np.ndarray]:
        """Every named utility term for every action: {term: (n, 4)}."""
        U = np.zeros((self.n, lay.NT, 4))
        for i in range(self.n):
            eq.utility_terms(self.V[i], self.O[i], self.S[i], self.R[i], self.M, U[i])
        return {name: U[:, j, :] for j, name in enumerate(lay.TERMS)}

    def utility(self) -> np.ndarray:
        """Σ of the terms, (n, 4)."""
        return sum(self.terms().values())  # type: ignore[return-value]

    def probabilities(self) -> np.ndarray:
        """The logit choice probabilities, (n, 4)."""
        U = np.stack(list(self.terms().values()), axis=1)
        P = np.zeros((self.n, 4))
        for i in range(self.n):
            eq.logit_choice(self.V[i, lay.LAM], U[i], P[i], self.M[lay.W7])
        return P

    def geometry(self, i: int = 0) -> tuple[float, ...]:
        """(x_deal, x_cap, σ_deal, p_acc, deal touches core, capitulation touches core)."""
        return tuple(float(x) for x in eq.offer_geometry(self.V[i], self.O[i], self.S[i], self.R[i],
                                                           self.M))

    def coercer_payoffs(self, i: int = 0) -> np.ndarray:
        """The coercer's payoff of each leader answer in one exchange (the game's stage)."""
        g = eq.offer_geometry(self.V[i], self.O[i], self.S[i], self.R[i], self.M)
        return np.array(eq.coercer_payoffs(self.V[i], self.O[i], self.S[i], self.R[i], self.M,
                                           g))

    def war_probability(self, i: int = 0) -> float:
        """Chance that an escalation becomes war this round."""
        return float(eq.war_probability(self.V[i], self.S[i], self.R[i], self.M))

    def with_state(self, **values: float) -> Context:
        """The same context with some state variables set (names as layout.S_FIELDS)."""
        S = self.S.copy()
        for k, v in values.items():
            S[:, lay.S_FIELDS.index(k)] = v
        return Context(self.V, S, self.O, self.R, self.M)

    def with_pressure(self, **values: float) -> Context:
        """The same context with some pressure entries set (names as layout.R_FIELDS)."""
        R = self.R.copy()
        for k, v in values.items():
            R[:, lay.R_FIELDS.index(k)] = v
        return Context(self.V, self.S, self.O, R, self.M)


def sample_params(spec: Spec, seed: int, start: int, stop: int) -> np.ndarray:
    """The sampled parameter rows V of runs [start, stop), exactly as the kernel samples them."""
    from compellence.engine.cpu import sample_kernel

    V = np.zeros((stop - start, lay.NVX))
    sample_kernel(start, seed, spec.kind, spec.const, spec.table, spec.key, V)
    return V


def decision_context(sc: Scenario, runs: int = 1, seed: int | None = None,
                     t: int = 0, events: bool = False, successor: int | None = None
                     ) -> Context:
    """Decision inputs for a first decision at round t from the initial state, with no adaptive
    escalation yet (for tests, the game and Fearon's bargaining model). With ``events`` the
    round's scheduled events apply first, as in the simulator (a leader killed → succession,
    with each run's own succession draw or, given ``successor``, that faction's candidate;
    reneging on a deal in force)."""
    spec = spec_of(sc)
    seed = sc.seed if seed is None else seed
    V = sample_params(spec, seed, 0, runs)
    S = np.zeros((runs, lay.NS))
    O = np.zeros((runs, lay.NO))
    R = np.zeros((runs, lay.NR))
    bump = np.zeros(5)
    tt = min(t, spec.horizon)
    for i in range(runs):
        eq.initial_state(V[i], S[i])
        if spec.LRN[lay.LRN_ON] > 0.5:
            S[i, lay.CBEL] = spec.LRN[lay.LRN_PRIOR]
        eq.offer_in_force(V[i], spec.LRN, spec.LRN[lay.LRN_PRIOR], O[i])
        if events and tt < spec.horizon:
            killed = spec.kill_round == tt
            u = (-(successor + 1.0) if successor is not None
                 else eq.succession_uniform(seed, i, tt))
            eq.scheduled_events(tt, killed, bool(spec.renege[tt]), V[i], S[i], O[i], spec.M,
                                np.zeros(lay.NCI, np.int64), np.zeros(lay.NCF), u)
        eq.round_pressure(V[i], tt, spec.sched, spec.is_sched, spec.listed, bump, R[i])
    return Context(V, S, O, R, spec.M)


assert lay.R_FIELDS[:5] == INSTRUMENTS
