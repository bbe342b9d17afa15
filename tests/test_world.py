"""The world's mechanisms (W1–W7, demand types, exit, the threat's unit): each has a visible
effect, and switching it off removes it (docs/model.md, "The world's switches").

Unit-level checks call the model's functions on the flagship's first decision; the
dynamics are checked by stepping ``advance_state`` or by small ensembles.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import context, probabilities, terms

from compellence.engine import simulate
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.model.core import CAPITULATE, DEAL, ESCALATE, RESIST
from compellence.scenario import load_scenario
from compellence.scenario.demands import STAKES
from compellence.scenario.loader import ScenarioError

CAP, RES, DL, ESC = CAPITULATE, RESIST, DEAL, ESCALATE


def _step(ctx, rounds: int, strike: float = 0.0, shock: float = 0.0) -> np.ndarray:
    """The state of run 0 after ``rounds`` calls of advance_state at fixed pressure."""
    S = ctx.S[0].copy()
    for _ in range(rounds):
        eq.advance_state(ctx.V[0], S, ctx.R[0], ctx.M, strike, shock)
    return S


def test_w1_flows_are_discounted_over_the_horizon():
    ctx = context()
    F = eq.flow_weight(ctx.V[0], ctx.M)
    assert pytest.approx((1 - 0.98 ** 24) / 0.02) == F
    off = context(time_discount=False)
    assert eq.flow_weight(off.V[0], off.M) == 24.0
    # every flow scales by the same weight: pain, validation and martyrdom
    on_t, off_t = terms(), terms(time_discount=False)
    for name in ("material", "pain_valence", "martyrdom"):
        assert on_t[name][RES] / off_t[name][RES] == pytest.approx(F / 24.0)
    # stocks do not: the identity cost of capitulating is the same
    assert on_t["identity"][CAP] == pytest.approx(off_t["identity"][CAP])
    # a longer horizon weighs more pain, but no more than 1/r
    long = context(overrides={"dynamics.pain_horizon": 240})
    assert F < eq.flow_weight(long.V[0], long.M) < 1 / 0.02


def test_flow_weights_are_kept_per_run_and_recomputed_when_their_inputs_change():
    """The memo slots (layout.MEMO_FIELDS) hold the flow weight with the inputs it came from:
    a changed horizon or rate, or a switched-off W1, gives the weight of the new inputs,
    never a stale one."""
    ctx = context()
    V, M = ctx.V[0].copy(), ctx.M.copy()
    assert np.isnan(V[lay.MEMO_F])                        # emptied when sampled
    first = eq.flow_weight(V, M)
    assert V[lay.MEMO_F] == first == eq.discounted_rounds(V[lay.PH], V[lay.PDISC])
    V[lay.PH] = 6.0
    assert eq.flow_weight(V, M) == eq.discounted_rounds(6.0, V[lay.PDISC]) != first
    M[lay.W1] = False
    assert eq.flow_weight(V, M) == 6.0
    M[lay.W1] = True
    assert eq.coercer_flow_weight(V, M) == eq.discounted_rounds(V[lay.CHOR], V[lay.CDISC])
    V[lay.CDISC] = 0.0
    assert eq.coercer_flow_weight(V, M) == V[lay.CHOR]


def test_w2_the_economy_adapts_to_sanctions():
    on = _step(context(), 36)
    off = _step(context(economic_adaptation=False), 36)
    assert on[lay.ADAPT] > 0.3 and off[lay.ADAPT] == 0.0
    assert on[lay.ECON] > off[lay.ECON] + 0.02
    ctx = context()
    adapted = ctx.with_state(adaptation=0.5)
    assert eq.economic_pain(adapted.R[0], adapted.S[0], adapted.M) < \
        eq.economic_pain(ctx.R[0], ctx.S[0], ctx.M)


def test_w2_a_sanctioned_economy_settles_above_zero():
    ctx = context(economic_adaptation=False)
    S = _step(ctx, 240)
    assert 0.05 < S[lay.ECON] < 0.45   # depressed, not pinned at 0


def test_w3_repression_holds_unrest_down_at_a_cost_in_base_standing():
    on = _step(context(), 12)
    off = _step(context(repression=False), 12)
    assert on[lay.UNR] < off[lay.UNR] - 0.01
    no_cost = _step(context(overrides={"dynamics.repression_cost": 0.0}), 12)
    assert on[lay.BASE] < no_cost[lay.BASE]


def test_w4_base_standing_is_pulled_back_toward_its_start():
    hard = {"dynamics.base_econ_loss": 0.5, "regime.economy": 0.05}
    on = _step(context(overrides=hard), 60)
    off = _step(context(overrides=hard, base_reversion=False), 60)
    assert on[lay.BASE] > off[lay.BASE] + 0.05
    assert on[lay.BASE] > 0.02      # not pinned at the bound


def test_w5_the_programme_level_scales_the_sacred_cost_and_carries_deterrence():
    ctx = context()
    full, half, gone = (ctx.with_state(program=x).terms() for x in (1.0, 0.5, 0.0))
    assert half["sacred"][0, CAP] == pytest.approx(0.5 * full["sacred"][0, CAP])
    assert gone["sacred"][0, CAP] == 0.0
    assert full["security"][0, CAP] < half["security"][0, CAP] < 0
    assert gone["security"][0, CAP] == 0.0
    off = context(program_value=False)
    assert np.all(off.terms()["security"] == 0)
    assert off.with_state(program=0.0).terms()["sacred"][0, CAP] == \
        pytest.approx(off.terms()["sacred"][0, CAP])


def test_w5_every_profile_weighs_deterrence_through_its_survival_weight():
    sec = {p: terms(overrides={"leader.profile": p})["security"][CAP]
           for p in ("identity-committed", "cost-benefit", "security-seeking")}
    assert sec["security-seeking"] < sec["cost-benefit"] < sec["identity-committed"] < 0


def test_w5_strikes_degrade_the_programme_and_it_is_rebuilt():
    ctx = context()
    struck = _step(ctx, 1, strike=1.0)
    assert struck[lay.PROG] < ctx.S[0, lay.PROG]
    rebuilt = _step(ctx.with_state(program=0.2).with_pressure(strikes=0.0), 24)
    assert rebuilt[lay.PROG] > 0.2


def test_w6_war_needs_a_trigger():
    calm = {f"coercer.pressure.{k}": 0.0 for k in
            ("sanctions", "isolation", "military_threat", "strikes", "leader_threat")}
    calm.update({"coercer.adaptive.enabled": False, "leader.rationality": 0.0,
                 "regime.economy": 0.8})
    on = simulate(load_scenario("iran-2025-surrender", calm), 500)
    off = simulate(load_scenario("iran-2025-surrender",
                                 {**calm, "mechanisms.war_trigger": False}), 500)
    assert on.share("war") == 0.0
    assert off.share("war") > 0.005   # random choice ends most runs in capitulation first
    ctx = context(overrides={"coercer.pressure.military_threat": 0.2, "regime.economy": 0.8})
    assert ctx.war_probability() == 0.0
    assert ctx.with_pressure(struck=1.0).war_probability() > 0.0
    assert ctx.with_pressure(military_threat=0.8).war_probability() > 0.0
    assert ctx.with_state(economy=0.1).war_probability() > 0.0   # below desperation (0.15)
    assert ctx.with_state(economy=0.2).war_probability() == 0.0


def test_w6_no_rally_and_a_cost_for_an_escalation_with_nothing_to_answer():
    quiet = {"coercer.pressure.military_threat": 0.2, "coercer.pressure.strikes": 0.0,
             "regime.economy": 0.8}
    t = terms(overrides=quiet)
    assert t["legitimacy"][ESC] == pytest.approx(t["legitimacy"][RES])
    assert t["material"][ESC] < t["material"][RES]
    assert probabilities(overrides=quiet)[ESC] == 0.0   # dominated by resisting (W7)


def test_w7_dominated_helper():
    U = np.zeros((lay.NT, 4))
    U[0] = [0.0, 0.0, -1.0, -1.0]     # deal and capitulation worse in one term
    U[1] = [0.0, 0.0, 0.0, 0.0]
    tol = eq.DOMINANCE_TOL
    assert not eq.dominated(U, RES, tol) and not eq.dominated(U, ESC, tol)   # a tie: none
    assert eq.dominated(U, DL, tol) and eq.dominated(U, CAP, tol)
    U[1, CAP] = 0.5                    # better in one term: not dominated
    assert not eq.dominated(U, CAP, tol)
    P = np.zeros(4)
    eq.logit_choice(4.0, U, P, True)
    assert P[DL] == 0.0 and P[CAP] > 0 and P.sum() == pytest.approx(1.0)
    eq.logit_choice(4.0, U, P, False)
    assert P[DL] > 0.0


def test_w7_jcpoa_never_picks_a_capitulation_the_deal_dominates():
    on = probabilities("iran-2015-jcpoa")
    off = probabilities("iran-2015-jcpoa", undominated_choice=False)
    assert on[CAP] == 0.0
    assert off[CAP] > 0.01
    # the observed rate in an ensemble is the implied one: zero
    r = simulate(load_scenario("iran-2015-jcpoa"), 300)
    assert r.share("capitulation") == 0.0


def test_threat_counted_once_as_a_probability_and_martyrdom_uses_the_same_one():
    no_collapse = {"dynamics.collapse_base": 0.0, "dynamics.collapse_unrest": 0.0}
    ctx = context(overrides=no_collapse)
    V, R, M = ctx.V[0], ctx.R[0], ctx.M
    p = eq.believed_kill(V, R, M)
    assert p == pytest.approx(V[lay.AR] * R[lay.THR])
    F, Pi, ws, mu = eq.flow_weight(V, M), V[lay.PVAL], V[lay.SW], V[lay.MU]
    t = ctx.terms()
    assert t["survival"][0, RES] == pytest.approx(-ws * Pi * p * F)
    assert t["martyrdom"][0, RES] == pytest.approx(mu * Pi * p * F)
    # the believed chance (M6): a leader who overrates the threat fears (and values) more
    scared = context(overrides={**no_collapse, "leader.threat_perception": 2.0}).terms()
    assert scared["survival"][0, RES] == pytest.approx(2 * t["survival"][0, RES])
    naive = context(overrides={**no_collapse, "leader.threat_perception": 2.0},
                    believed_collapse=False).terms()
    assert naive["survival"][0, RES] == pytest.approx(t["survival"][0, RES])


def test_demand_types_set_their_stakes_and_a_file_may_override_them():
    sc = load_scenario("iran-2025-surrender", {"coercer.demand_type": "political_system"})
    assert sc.coercer.power_stake == STAKES["political_system"]["power_stake"]
    assert sc.coercer.identity_stake == STAKES["political_system"]["identity_stake"]
    sc = load_scenario("iran-2025-surrender", {"coercer.demand_type": "influence",
                                               "coercer.sacred_stake": 0.9})
    assert sc.coercer.sacred_stake == 0.9
    assert sc.coercer.identity_stake == STAKES["influence"]["identity_stake"]
    with pytest.raises(ScenarioError, match="demand_type"):
        load_scenario("iran-2025-surrender", {"coercer.demand_type": "regime"})


def test_leaving_power_is_costly_and_an_exit_makes_it_less_so():
    cb = {"leader.profile": "cost-benefit"}
    policy = terms(overrides=cb)["survival"][CAP]
    system = terms(overrides={**cb, "coercer.demand_type": "political_system"})["survival"][CAP]
    exit_ = terms(overrides={**cb, "coercer.demand_type": "political_system",
                             "coercer.exit_offer": 0.6})["survival"][CAP]
    assert system < exit_ < policy < 0
    # identity stakes: conceding influence costs less of the self than the programme
    infl = terms(overrides={"coercer.demand_type": "influence"})["identity"][CAP]
    assert terms()["identity"][CAP] < infl < 0


def test_resolve_tracks_pressure_and_relaxes_without_it():
    ctx = context()
    hard = _step(ctx, 60)
    assert hard[lay.RES] == pytest.approx(ctx.R[0, lay.PIDX], abs=0.02)
    relaxed = _step(ctx.with_state(resolve=0.9).with_pressure(P=0.0), 60)
    assert relaxed[lay.RES] < 0.1
