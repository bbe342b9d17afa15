"""The NumPy reference engine: the round loop over arrays with one row per run.

Order within a round (documented because it shapes the numbers):
1. scheduled events (a leader killed at this round → succession, M8);
2. the coercer's pressure (schedule + adaptive bump, M14) and a possible strike;
3. the leader's decision: logit choice over the summed utility terms;
4. its consequence: capitulation ends the run; a deal ends it if the coercer
   accepts; an escalation becomes war with the war probability;
5. for runs still in play: the leader may be killed (threat to his life) or die
   naturally (→ succession); the state moves on (dynamics); the regime may
   collapse (true hazard);
6. the adaptive coercer raises pressure for the next round.
No Python loop over runs: every step is an array operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from compellence.engine.params import RunParams, materialize, preset_leader
from compellence.engine.rng import RoundStreams, U
from compellence.model import dynamics as dyn
from compellence.model.coercer import adapt, effective_level, pressure_index
from compellence.model.core import (
    CAPITULATE,
    CAPITULATION,
    COLLAPSE,
    DEAL,
    DEAL_OUTCOME,
    ESCALATE,
    TERMS,
    WAR,
    Bundle,
)
from compellence.model.succession import (
    capitulation_legacy,
    martyr_legacy,
    ordinary_legacy,
    successor,
)
from compellence.model.utility import (
    choice_probabilities,
    collapse_hazard,
    decision_terms,
    offer_geometry,
    war_probability,
)
from compellence.scenario.schema import INSTRUMENTS, Scenario

#: State variables recorded in trajectories, in this order.
TRAJECTORY_VARS = ("economy", "unrest", "base", "trust", "program", "axis", "resolve", "pressure",
                   "leader_threat")


@dataclass
class ChunkResult:
    """Per-run results for one chunk, plus sums for the utility-term summary."""

    columns: dict[str, np.ndarray]
    term_sums: np.ndarray            # (len(TERMS), 4): Σ over decisions of each term
    decisions: int                   # number of decisions summed
    trajectories: dict[str, np.ndarray] | None = None   # var -> (horizon + 1, runs)
    alive: np.ndarray | None = None                      # (horizon + 1, runs) still in play
    record: list[dict] = field(default_factory=list)     # decisions of one recorded run
    term_rounds: np.ndarray | None = None   # (horizon, len(TERMS), 4) Σ per round
    decisions_by_round: np.ndarray | None = None         # (horizon,) decisions per round


def initial_state(p: RunParams) -> Bundle:
    """State at round 0 from the scenario's [regime] table."""
    r = p.regime
    n = p.n
    return Bundle(economy=r.economy.copy(), unrest=r.unrest.copy(), base=r.base_standing.copy(),
                  program=r.core_program.copy(), axis=r.axis.copy(), trust=r.trust.copy(),
                  resolve=np.zeros(n), credit=np.zeros(n))


def round_pressure(p: RunParams, t: int, bump: dict[str, np.ndarray] | None = None,
                   listed: set[str] | frozenset[str] = frozenset()) -> Bundle:
    """The instruments in force at round t (schedule + adaptive bump) and the index P."""
    zero = np.zeros(p.n)
    R = Bundle({k: effective_level(p.pressure_base(k, t), zero if bump is None else bump[k],
                                   p.adaptive.cap, k in listed) for k in INSTRUMENTS})
    R.P = pressure_index(R.sanctions, R.isolation, R.military_threat, R.strikes)
    return R


def decision_context(sc: Scenario, runs: int = 1, seed: int | None = None,
                     t: int = 0) -> tuple[Bundle, Bundle, Bundle, Bundle, Bundle, Bundle]:
    """(L, O, S, R, D, M) for a first decision at round t from the initial state, with no
    adaptive escalation yet: the inputs of :func:`decision_terms` for tests, explain, game."""
    p = materialize(sc, sc.seed if seed is None else seed, 0, runs)
    return p.leader, p.offer, initial_state(p), round_pressure(p, t), p.dynamics, p.mechanisms


def _succeed(L: Bundle, S: Bundle, O: Bundle, D: Bundle, M: Bundle, who: np.ndarray,
             martyred: np.ndarray, cols: dict[str, np.ndarray], t: int) -> Bundle:
    """Apply succession (M8) to the rows in ``who``; record the first leader's legacy."""
    if not who.any():
        return L
    legacy = np.where(martyred, martyr_legacy(L, S, D, M), ordinary_legacy(S))
    first = who & (cols["leader_generation"] == 0)
    cols["legacy"] = np.where(first, legacy, cols["legacy"])
    cols["legacy_if_capitulated"] = np.where(first, capitulation_legacy(S, O),
                                             cols["legacy_if_capitulated"])
    cols["killed_round"] = np.where(first & martyred, t, cols["killed_round"])
    cols["leader_generation"] = cols["leader_generation"] + who
    cols["martyred"] = cols["martyred"] | (who & martyred)
    new = successor(L, legacy, martyred, M)
    credit = new.pop("credit")
    S.credit = np.where(who, credit, S.credit)
    if M.sanctified_succession:
        S.unrest = np.where(who & martyred, np.clip(S.unrest - D.martyr_rally, 0, 1), S.unrest)
    return Bundle({k: np.where(who, new[k], L[k]) for k in L})


def simulate_chunk(sc: Scenario, seed: int, start: int, stop: int, *,
                   trajectories: bool = False, record_run: int | None = None) -> ChunkResult:
    """Simulate the runs [start, stop) of a scenario; identical for any chunking."""
    p = materialize(sc, seed, start, stop)
    n, T = p.n, sc.horizon
    L, O, D, M, A = p.leader, p.offer, p.dynamics, p.mechanisms, p.adaptive
    S = initial_state(p)
    streams = RoundStreams(seed, start, stop)
    cols: dict[str, np.ndarray] = {
        "outcome": np.zeros(n, np.int8), "rounds": np.full(n, T, np.int32),
        "leader_generation": np.zeros(n, np.int16), "martyred": np.zeros(n, bool),
        "killed_round": np.full(n, -1, np.int32), "legacy": np.full(n, np.nan),
        "legacy_if_capitulated": np.full(n, np.nan), "escalations": np.zeros(n, np.int32),
        "deal_offers": np.zeros(n, np.int32),
    }
    prob_sum = np.zeros((n, 4))
    term_sums = np.zeros((len(TERMS), 4))
    decisions = 0
    bump = {k: np.zeros(n) for k in INSTRUMENTS}
    adaptive_on = bool(A.enabled and M.adaptive_coercer)
    listed = set(A.instruments) if adaptive_on else set()
    active = np.ones(n, bool)
    traj = {v: np.empty((T + 1, n)) for v in TRAJECTORY_VARS} if trajectories else None
    alive = np.ones((T + 1, n), bool) if trajectories else None
    record: list[dict] = []
    term_rounds = np.zeros((T, len(TERMS), 4)) if trajectories else None
    decisions_by_round = np.zeros(T) if trajectories else None
    rec = None if record_run is None else record_run - start

    learn = sc.coercer.learning
    if learn.enabled:
        hyp = {h: preset_leader(h, n) for h in ("identity-committed", "cost-benefit")}
        for h in hyp.values():
            h.rationality = np.full(n, learn.hypothesis_rationality)
        belief = np.full(n, learn.prior_cost_benefit)
        cols["switched_round"] = np.full(n, -1, np.int32)
    O_max = O
    for t in range(T):
        u = streams.draw()
        if learn.enabled:
            O, limited = _learning_offer(O_max, belief, learn)
            cols["switched_round"] = np.where(limited & (cols["switched_round"] < 0) & active,
                                              t, cols["switched_round"])
        if sc.events.leader_killed_round == t:
            L = _succeed(L, S, O, D, M, active.copy(), active.copy(), cols, t)
        if t in sc.coercer.renege_rounds:
            S.trust = np.where(active, dyn.renege(S, D), S.trust)
        R = round_pressure(p, t, bump, listed)
        if traj is not None:
            _snapshot(traj, t, S, R)
        strike = (u[:, U["strike"]] < R.strikes).astype(float)
        shock = (u[:, U["shock"]] < D.unrest_shock_rate).astype(float)

        terms = decision_terms(L, O, S, R, D, M)
        utility = sum(terms.values())
        prob = choice_probabilities(utility, L.rationality)
        action = (u[:, U["choice"]][:, None] > np.cumsum(prob, axis=1)[:, :-1]).sum(axis=1)
        G = offer_geometry(L, O, S, M)
        accepted = (action == DEAL) & (u[:, U["accept"]] < G.p_acc)
        war = (action == ESCALATE) & (u[:, U["war"]] < war_probability(R, D))

        k = int(active.sum())
        if k:
            decisions += k
            for j, name in enumerate(TERMS):
                total = terms[name][active].sum(axis=0)
                term_sums[j] += total
                if term_rounds is not None:
                    term_rounds[t, j] = total
            if decisions_by_round is not None:
                decisions_by_round[t] = k
            prob_sum[active] += prob[active]
        if learn.enabled:
            belief = np.where(active, _update_belief(belief, hyp, action, O, S, R, D, M), belief)
        if rec is not None and active[rec]:
            record.append(_record(t, rec, terms, utility, prob, action, accepted, war, S, R, L))

        ended = active & ((action == CAPITULATE) | accepted | war)
        outcome = np.where(action == CAPITULATE, CAPITULATION,
                           np.where(accepted, DEAL_OUTCOME, WAR)).astype(np.int8)
        cols["outcome"] = np.where(ended, outcome, cols["outcome"])
        cols["rounds"] = np.where(ended, t, cols["rounds"])
        cols["escalations"] += active & (action == ESCALATE)
        cols["deal_offers"] += active & (action == DEAL)
        first_cap = ended & (action == CAPITULATE) & (cols["leader_generation"] == 0)
        cols["legacy"] = np.where(first_cap, capitulation_legacy(S, O), cols["legacy"])
        still = active & ~ended

        killed = still & (u[:, U["kill"]] < D.assassination_rate * R.leader_threat)
        natural = still & ~killed & (u[:, U["natural"]] < D.natural_death)
        L = _succeed(L, S, O, D, M, killed | natural, killed, cols, t)

        econ = dyn.economy_next(S, R, D, strike)
        nxt = Bundle(
            economy=econ, unrest=dyn.unrest_next(S, D, strike, econ, shock),
            base=dyn.base_next(L, S, R, D, M, strike), trust=dyn.trust_next(S, D),
            axis=dyn.axis_next(S, D), resolve=dyn.resolve_next(L, S, R, M),
            program=dyn.program_next(S, D, strike), credit=S.credit,
        )
        for key, value in nxt.items():
            S[key] = np.where(still, value, S[key])
        collapse = still & (u[:, U["collapse"]] < collapse_hazard(S, D))
        cols["outcome"] = np.where(collapse, COLLAPSE, cols["outcome"]).astype(np.int8)
        cols["rounds"] = np.where(collapse, t, cols["rounds"])
        active = still & ~collapse
        if alive is not None:
            alive[t + 1] = active
        if adaptive_on:
            adapt(bump, sorted(listed), A.step, (action == ESCALATE) & active,
                  A.retaliation_step)
    if traj is not None:
        _snapshot(traj, T, S, round_pressure(p, T, bump, listed))

    if learn.enabled:
        cols["belief_cost_benefit"] = belief
    made = np.maximum(np.where(cols["outcome"] == 0, T, cols["rounds"] + 1), 1)
    for j, name in enumerate(("resist", "escalate", "deal", "capitulate")):
        cols[f"p_{name}"] = prob_sum[:, j] / made
    for key in ("economy", "unrest", "base", "trust", "program", "axis", "resolve"):
        cols[f"final_{key}"] = S[key]
    return ChunkResult(cols, term_sums, decisions, traj, alive, record, term_rounds,
                       decisions_by_round)


def _learning_offer(O: Bundle, belief: np.ndarray, learn) -> tuple[Bundle, np.ndarray]:
    """The Bayesian coercer's offer: maximal while it believes the leader cost-benefit
    (belief >= threshold), the limited offer below it."""
    limited = belief < learn.threshold
    offer = Bundle(O)
    offer.demand = np.where(limited, learn.limited_demand, O.demand)
    offer.relief = np.where(limited, learn.limited_relief, O.relief)
    offer.face_saving = np.where(limited, learn.limited_face_saving, O.face_saving)
    return offer, limited


def _update_belief(belief: np.ndarray, hyp: dict[str, Bundle], action: np.ndarray, O: Bundle,
                   S: Bundle, R: Bundle, D: Bundle, M: Bundle) -> np.ndarray:
    """Bayes' rule on the leader's observed action, with each hypothesised type's logit
    choice probabilities at the same state and offer (the model's own terms)."""
    rows = np.arange(action.size)
    like = {}
    for name, Lh in hyp.items():
        u = sum(decision_terms(Lh, O, S, R, D, M).values())
        like[name] = choice_probabilities(u, Lh.rationality)[rows, action]
    num = belief * like["cost-benefit"]
    den = num + (1.0 - belief) * like["identity-committed"]
    return np.where(den > 0, num / np.maximum(den, 1e-300), belief)


def _snapshot(traj: dict[str, np.ndarray], t: int, S: Bundle, R: Bundle) -> None:
    for key in ("economy", "unrest", "base", "trust", "program", "axis", "resolve"):
        traj[key][t] = S[key]
    traj["pressure"][t] = R.P
    traj["leader_threat"][t] = R.leader_threat


def _record(t: int, i: int, terms: dict[str, np.ndarray], utility: np.ndarray, prob: np.ndarray,
            action: np.ndarray, accepted: np.ndarray, war: np.ndarray, S: Bundle, R: Bundle,
            L: Bundle) -> dict:
    return {
        "round": t,
        "terms": {name: terms[name][i].tolist() for name in TERMS},
        "utility": utility[i].tolist(),
        "probabilities": prob[i].tolist(),
        "action": int(action[i]),
        "deal_accepted": bool(accepted[i]),
        "war": bool(war[i]),
        "state": {k: float(S[k][i]) for k in ("economy", "unrest", "base", "trust", "axis",
                                              "resolve", "program", "credit")},
        "pressure": {k: float(R[k][i]) for k in (*INSTRUMENTS, "P")},
        "identity_weight": float(L.identity_weight[i]),
    }
