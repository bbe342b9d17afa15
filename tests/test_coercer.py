"""The coercer that decides (C1), the deal that lives, and succession's direction (M8):
each has a visible effect, and its switch or parameter removes or reverses it
(docs/model.md, "The coercer that decides", "A deal that lives", "Succession's direction")."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import context

from compellence.engine import simulate
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.scenario import load_scenario
from compellence.scenario.loader import ScenarioError

FLAG = "iran-2025-surrender"


def _values(ctx):
    V, O, S, R, M = ctx.V[0], ctx.O[0], ctx.S[0], ctx.R[0], ctx.M
    return (eq.coercer_keep_value(V, O, S, R, M), eq.concession_value(V, O, min(O[lay.DEM],
            O[lay.CORE])), eq.coercer_move(V, O, S, R, M))


def test_concession_value_puts_core_value_beyond_the_core():
    ctx = context(overrides={"coercer.aims.core_value": 0.9})
    V, O = ctx.V[0], ctx.O[0]
    assert eq.concession_value(V, O, 1.0) == pytest.approx(1.0)
    assert eq.concession_value(V, O, 0.5) == pytest.approx(0.1)    # up to the core: 1 − κ
    assert eq.concession_value(V, O, 0.75) == pytest.approx(0.1 + 0.45)
    # the value is of the programme conceded, not of the demand made: a limited demand met
    # in full is worth what it concedes
    spare = context(overrides={"coercer.demand": 0.4})
    assert eq.concession_value(spare.V[0], spare.O[0], 0.4) == pytest.approx(0.1 * 0.8)


def test_acceptance_follows_from_its_payoffs_not_a_coin():
    # the flagship's coercer (it wants the core, believes pressure works) refuses the deal
    keep, deal, move = _values(context())
    assert deal < keep and move == eq.KEEP
    assert context().geometry()[3] == 0.0
    # one that values what lies within the core, or doubts pressure works, accepts it
    for over in ({"coercer.aims.core_value": 0.3}, {"coercer.aims.belief_cost_benefit": 0.1}):
        assert context(overrides=over).geometry()[3] == 1.0
    # scripted (C1 off, or aims disabled): the fixed chance comes back
    for over in ({"mechanisms.coercer_decides": False}, {"coercer.aims.enabled": False}):
        assert context(overrides=over).geometry()[3] == pytest.approx(0.05)
    # in an ensemble: no deal where it refuses, deals where it accepts
    assert simulate(load_scenario(FLAG), 300).share("deal") == 0.0
    assert simulate(load_scenario(FLAG, {"coercer.aims.core_value": 0.3}), 300) \
        .share("deal") > 0.5


def test_it_backs_down_when_pressure_costs_more_than_the_audience_cost():
    costly = {"coercer.aims.pressure_cost": 0.2, "coercer.aims.belief_cost_benefit": 0.1,
              "coercer.aims.core_value": 1.0, "coercer.aims.removal_value": 0.0}
    assert _values(context(overrides=costly))[2] == eq.BACK_DOWN
    r = simulate(load_scenario(FLAG, costly), 300)
    assert r.share("backed_down") > 0.2     # the runs the leader has not ended in round 0
    assert simulate(load_scenario(FLAG, {**costly, "mechanisms.coercer_decides": False}),
                    300).share("backed_down") == 0.0


def test_it_starts_a_campaign_when_removal_is_worth_a_war():
    bold = {"coercer.aims.removal_value": 5.0, "coercer.aims.removal_chance": 0.5}
    ctx = context(overrides=bold)
    assert _values(ctx)[2] == eq.CAMPAIGN
    p = eq.removal_probability(ctx.V[0], ctx.S[0], ctx.M)   # 0.5 at round 0 (F1 moves it)
    r = simulate(load_scenario(FLAG, bold), 2000)
    removed, war = r.share("removed"), r.share("war")
    assert abs(removed / (removed + war) - p) < 0.05     # the campaign's own chance
    assert r.runs["coercer_started_war"].sum() > 0
    assert simulate(load_scenario(FLAG), 300).share("removed") == 0.0


def test_a_learning_coercer_settles_once_it_learns_whom_it_faces():
    wrong = simulate(load_scenario("iran-2025-bayesian-coercer"), 1000)
    assert wrong.share("deal") > 0.5
    first = wrong.runs.loc[wrong.runs["outcome"] == "deal", "rounds"]
    assert first.median() > 0        # not at round 0: only after the belief has fallen


def test_a_deal_lives_and_reneging_breaks_it():
    jcpoa = load_scenario("iran-2015-jcpoa")
    kept = simulate(jcpoa, 500)
    assert kept.share("deal") > 0.8 and kept.runs["deals_broken"].sum() == 0
    broken = simulate(load_scenario("iran-2015-jcpoa", {"coercer.renege_rounds": [6]}), 500)
    assert broken.runs["deals_broken"].mean() > 0.8       # every deal in force at 6 breaks
    assert broken.runs["deals_made"].max() >= 2           # and some are made again
    # reneging with no deal in force does nothing (M11 applies to a deal in force)
    early = simulate(load_scenario("iran-2015-jcpoa", {"coercer.renege_rounds": [0]}), 500)
    assert early.runs["deals_broken"].sum() == 0
    # a run can start under a deal: 2018 begins with the JCPOA in force, broken at round 0
    r = simulate(load_scenario("iran-2018-max-pressure"), 200)
    assert (r.runs["deals_broken"] == 1).all()


def test_deal_rounds_lift_the_pressure_and_the_economy_recovers():
    r = simulate(load_scenario("iran-2015-jcpoa"), 200, trajectories=True)
    held = (r.runs["outcome"] == "deal").to_numpy()
    econ = r.trajectories["economy"]
    assert np.mean(econ[-1, held]) > np.mean(econ[1, held])
    assert np.all(r.trajectories["pressure"][5, held] == 0.0)


def test_succession_effect_softens_or_hardens_the_successor():
    def successor(effect: float) -> tuple[float, float]:
        ctx = context("iran-2026-succession", {"dynamics.succession_effect": effect,
                                               "mechanisms.selectorate": False})
        V, S, O, M = ctx.V[0].copy(), ctx.S[0].copy(), ctx.O[0], ctx.M
        ci, cf = np.zeros(lay.NCI, np.int64), np.zeros(lay.NCF)
        eq.succeed(0, True, V, S, O, M, ci, cf, 0.5)
        return V[lay.WID], S[lay.CRED]
    soft, same, hard = successor(1.0), successor(0.0), successor(-1.0)
    assert soft[0] < same[0] < hard[0]            # identity weight: 0.4 < 1.0 < 1.6
    assert soft[1] > 0 and same[1] == 0 and hard[1] == 0
    assert hard[0] == pytest.approx(1.6) and soft[0] == pytest.approx(0.4)
    # in an ensemble the softened successor concedes more than the hardened one
    conceded = lambda r: r.share("deal") + r.share("capitulation")  # noqa: E731
    s = simulate(load_scenario("iran-2026-succession", {"dynamics.succession_effect": 1.0}),
                 1000)
    h = simulate(load_scenario("iran-2026-succession", {"dynamics.succession_effect": -1.0}),
                 1000)
    assert conceded(s) > conceded(h) + 0.02


def test_the_game_takes_its_coercer_payoffs_from_the_same_utility():
    from compellence.game.payoffs import stage_payoffs

    sc = load_scenario(FLAG)
    item = sc.game.menu[0]
    pay = stage_payoffs(sc, "identity-committed", item)
    cheap = load_scenario(FLAG, {"coercer.aims.pressure_cost": 0.0,
                                 "coercer.aims.threat_cost": 0.0})
    assert stage_payoffs(cheap, "identity-committed", item).coercer[0] == 0.0
    assert pay.coercer[0] < 0.0                     # keeping up pressure costs it
    assert pay.coercer[3] == pytest.approx(1.0)      # the whole demand: demand_value


def test_old_game_payoff_fields_name_their_new_place():
    with pytest.raises(ScenarioError, match=r"moved to coercer\.aims\.war_cost"):
        load_scenario(FLAG, {"game.war_value": -2.0})


def test_new_profiles_exist_and_differ_as_documented():
    from compellence.scenario.profiles import PROFILES

    p, inst = PROFILES["personalist"], PROFILES["institutional-successor"]
    assert p["survival_weight"] > PROFILES["cost-benefit"]["survival_weight"]
    assert inst["personal_rigidity_share"] == 0.0
    assert inst["identity_weight"] < PROFILES["identity-committed"]["identity_weight"]
    for name in ("personalist", "institutional-successor"):
        sc = load_scenario(FLAG, {"leader.profile": name})
        assert simulate(sc, 100).n == 100


def test_every_per_run_result_is_reset_between_runs():
    """simulate_run sets every integer result it reports (the CUDA driver's device memory is
    not zeroed): the compiled kernel on result rows pre-filled with garbage gives the same
    numbers as on zeros."""
    from compellence.engine.cpu import blocks, cpu_kernel
    from compellence.engine.spec import spec_of

    sc = load_scenario("iran-2015-jcpoa", {"coercer.renege_rounds": [6]})
    spec, n = spec_of(sc), 50

    def run(fill: int) -> np.ndarray:
        CI = np.full((n, lay.NCI), fill, np.int64)
        CF = np.zeros((n, lay.NCF))
        cpu_kernel(0, sc.seed, *spec.args(), CI, CF, np.zeros((blocks(n), lay.NT, 4)), False,
                   np.zeros((1, 1, lay.NTRAJ)), np.zeros((1, 1), np.bool_),
                   np.zeros((1, 1, lay.NT, 4)), np.zeros((1, 1)), False,
                   np.zeros((1, lay.NREC)), np.zeros((1, lay.NT, 4)))
        return CI

    assert np.array_equal(run(0), run(7))


def test_only_a_demand_on_the_programme_touches_its_level_and_deterrence():
    base = {"leader.profile": "cost-benefit"}
    territory = context(overrides={**base, "coercer.demand_type": "territory"})
    assert np.all(territory.terms()["security"] == 0)
    t_full = territory.with_state(program=1.0).terms()["sacred"][0, 3]
    t_gone = territory.with_state(program=0.0).terms()["sacred"][0, 3]
    assert t_full == t_gone                    # a struck reactor does not shrink a territory
    policy = context(overrides=base)
    assert policy.terms()["security"][0, 3] < 0


def test_a_deal_concedes_the_programme_and_it_is_not_rebuilt_under_the_deal():
    r = simulate(load_scenario("iran-2015-jcpoa"), 200, trajectories=True)
    held = (r.runs["outcome"] == "deal").to_numpy()
    prog = r.trajectories["program"]
    start = load_scenario("iran-2015-jcpoa").regime.core_program
    assert np.allclose(prog[-1, held], prog[2, held])      # capped where the deal left it
    assert np.all(prog[2, held] < start)                   # the deal conceded part of it


def test_the_leader_breaks_a_deal_that_no_longer_pays():
    # D1: the coercer lifts its pressure for good after six rounds; a deal that brings no
    # relief then only costs him the programme's deterrence and the hard-liners' support
    lifted = {f"coercer.pressure.{k}": {"schedule": [[0, v], [6, 0.0]]}
              for k, v in (("sanctions", 0.85), ("isolation", 0.6), ("military_threat", 0.3))}
    lifted["coercer.adaptive.enabled"] = False
    bare = simulate(load_scenario("iran-2015-jcpoa", {**lifted, "coercer.relief": 0.0}), 1000)
    assert bare.runs.deals_violated.mean() > 0.5
    assert bare.share("deal") < 0.1
    assert (bare.runs.deals_broken >= bare.runs.deals_violated).all()
    # the same deal with its relief (0.6) holds, and with D1 off the bare one holds too
    paid = simulate(load_scenario("iran-2015-jcpoa", lifted), 1000)
    assert paid.runs.deals_violated.sum() == 0 and paid.share("deal") > 0.8
    off = simulate(load_scenario("iran-2015-jcpoa", {**lifted, "coercer.relief": 0.0,
                                                     "mechanisms.deal_violation": False}), 1000)
    assert off.runs.deals_violated.sum() == 0 and off.share("deal") > 0.7
    # what breaking wins back moves the choice: with no deterrence to regain (W5 off) the
    # hard-liners' support (F1) still makes it pay; with neither, he keeps the deal
    bare = {**lifted, "coercer.relief": 0.0}
    f1_only = simulate(load_scenario("iran-2015-jcpoa", {**bare, "mechanisms.program_value":
                                                         False}), 1000)
    neither = simulate(load_scenario("iran-2015-jcpoa", {**bare, "mechanisms.program_value":
                                                         False, "mechanisms.selectorate":
                                                         False}), 1000)
    assert f1_only.runs.deals_violated.mean() > 0.5
    assert neither.runs.deals_violated.sum() == 0


def test_a_costly_coercer_backs_down():
    dear = {"coercer.aims.pressure_cost": 0.1, "coercer.aims.core_value": 1.0}
    r = simulate(load_scenario("iran-2018-max-pressure",
                               {**dear, "coercer.aims.belief_cost_benefit": 0.2}), 1000)
    assert r.share("backed_down") > 0.5
    assert simulate(load_scenario("iran-2018-max-pressure", dear), 1000).share(
        "backed_down") == 0.0
