"""The game: agreement with Gambit, with the simulator, and with Fearon's closed forms."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from compellence.cli import app
from compellence.engine import explain_run, simulate
from compellence.game import gambit, solve
from compellence.game.belief import analyse_beliefs
from compellence.game.efg import to_efg
from compellence.game.fearon import complete_information_ultimatum, risk_return, settlement_range
from compellence.game.payoffs import type_scenario
from compellence.game.tree import GameTooLarge, build_game
from compellence.model import layout as lay
from compellence.model.core import ACTIONS
from compellence.scenario import load_scenario

FLAG = "iran-2025-surrender"


def _key(eq):
    return tuple(sorted(eq.items()))


def _random_overrides(rng: np.random.Generator) -> dict:
    """A random game within the declared ranges: leader parameters and a random menu."""
    over = {
        "leader.identity_weight": rng.uniform(0, 3), "leader.pain_valence": rng.uniform(-1, 1),
        "leader.martyrdom_valuation": rng.uniform(-1, 1),
        "leader.material_weight": rng.uniform(0, 3), "leader.survival_weight": rng.uniform(0, 3),
        "leader.sacred_premium": rng.uniform(0, 5), "leader.consistency_share": rng.uniform(),
        "leader.heroic_flexibility": rng.uniform(), "regime.trust": rng.uniform(),
        "regime.economy": rng.uniform(), "regime.unrest": rng.uniform(),
        "coercer.aims.war_cost": rng.uniform(0, 3),
        "coercer.aims.pressure_cost": rng.uniform(0, 0.05),
        "coercer.aims.core_value": rng.uniform(), "coercer.aims.belief_cost_benefit": rng.uniform(),
        "game.prior": None,
    }
    n_menu = int(rng.integers(2, 4))
    over["game.menu"] = [{"label": f"m{k}", "demand": float(rng.uniform()),
                          "relief": float(rng.uniform()), "face_saving": float(rng.uniform()),
                          "accepts_limited_deal": float(rng.uniform()),
                          "pressure": float(rng.uniform()),
                          "leader_threat": float(rng.uniform())} for k in range(n_menu)]
    w = rng.dirichlet([1, 1])
    over["game.prior"] = [float(w[0]), float(1 - w[0])]
    return over


@pytest.mark.parametrize("seed", range(20))
def test_generated_games_agree_with_gambit(seed):
    rng = np.random.default_rng(seed)
    tree = build_game(load_scenario(FLAG, _random_overrides(rng)))
    ours = {_key(e) for e in solve.pure_equilibria(tree)}
    theirs = {_key(e) for e in gambit.pure_equilibria(tree)}
    assert ours == theirs and ours
    for lam in (0.5, 4.0):
        q = solve.logit_qre(tree, lam).as_dict(tree)
        g = gambit.qre(tree, lam)
        diff = max(abs(q[k][a] - g[k][a]) for k in q for a in q[k])
        assert diff < 1e-6, (seed, lam, diff)


@pytest.mark.parametrize("stages", [2, 3])
def test_multistage_qre_agrees_with_gambit(stages):
    tree = build_game(load_scenario(FLAG), stages=stages)
    for lam in (1.0, 6.0):
        q = solve.logit_qre(tree, lam).as_dict(tree)
        g = gambit.qre(tree, lam)
        assert max(abs(q[k][a] - g[k][a]) for k in q for a in q[k]) < 1e-6


def test_backward_induction_matches_gambits_limiting_qre():
    for seed in range(5):
        tree = build_game(load_scenario(FLAG, _random_overrides(np.random.default_rng(100 + seed))))
        ours = solve.backward_induction(tree)
        lim = gambit.limiting_qre(tree)
        for key, action in ours.items():
            assert max(lim[key], key=lim[key].__getitem__) == action, (seed, key, lim[key])


def test_leader_logit_response_equals_the_simulators_choice():
    from compellence.game.payoffs import contexts

    sc = load_scenario(FLAG)
    tree = build_game(sc)
    lam = sc.leader.rationality
    q = solve.logit_qre(tree, lam).as_dict(tree)
    for item in sc.game.menu:
        sim_sc = type_scenario(sc, "identity-committed", item)
        situations = contexts(sim_sc)
        assert abs(sum(w for _, w, _ in situations) - 1.0) < 1e-12
        for case, _, ctx in situations:   # each situation: the simulator's own choice rule
            key = f"L|identity-committed|{item.label}" + (f"/{case}" if len(situations) > 1
                                                          else "")
            game_probs = [q[key].get(a, 0.0) for a in ACTIONS]
            assert np.allclose(game_probs, ctx.probabilities()[0], atol=1e-12, rtol=0)
        # and a simulated run's first decision, in a round without a strike, is the game's
        run = next(r for r in range(50)
                   if explain_run(sim_sc, r)[0]["pressure"]["struck"] == 0.0)
        first = explain_run(sim_sc, run)[0]
        assert np.allclose([q[f"L|identity-committed|{item.label}"].get(a, 0.0)
                            for a in ACTIONS], first["probabilities"], atol=1e-12, rtol=0)


def test_after_a_succession_nature_draws_the_successor_as_the_selectorate_does():
    from compellence.game.payoffs import stage_cases

    sc = load_scenario("iran-2026-succession")
    item = sc.game.menu[0]
    cases = stage_cases(sc, "identity-committed", item)
    assert [c[0] for c in cases] == [f"successor {f}" for f in lay.FACTIONS]
    assert sum(w for _, w, _ in cases) == pytest.approx(1.0)
    assert [round(w, 3) for _, w, _ in cases] == [0.534, 0.42, 0.047]  # docs/model.md
    # the pragmatist candidate concedes more readily than the hard-liners' (a softer type)
    hard, prag = cases[0][2], cases[2][2]
    assert prag.leader[3] - prag.leader[0] > hard.leader[3] - hard.leader[0]
    tree = build_game(sc)
    keys = {i.key for i in tree.infosets}
    assert "L|identity-committed|successor pragmatists/maximal" in keys
    assert "C|successor pragmatists" in keys          # the coercer sees who succeeded
    # drawn once: a two-stage game keeps the same successor in both stages
    two = {i.key for i in build_game(sc, stages=2).infosets}
    assert "L|identity-committed|successor pragmatists/maximal/resist/maximal" in two
    assert not any(k.count("successor") > 1 for k in two)
    q = solve.logit_qre(tree, 4.0).as_dict(tree)
    g = gambit.qre(tree, 4.0)
    assert max(abs(q[k][a] - g[k][a]) for k in q for a in q[k]) < 1e-6


def test_efg_export_reads_back_in_gambit():
    tree = build_game(load_scenario(FLAG), stages=2)
    text = to_efg(tree)
    assert text.startswith("EFG 2 R")
    game = gambit.load(tree)
    n_inf = sum(len(game.get_infosets(p)) for p in ("Coercer", "Leader"))
    assert n_inf == len(tree.infosets)


def test_fearon_complete_information():
    lo, hi = settlement_range(0.6, 0.1, 0.1)
    assert lo == pytest.approx(0.5, abs=1e-9) and hi == pytest.approx(0.7, abs=1e-9)
    assert complete_information_ultimatum(0.6, 0.1, 0.1).demand == pytest.approx(0.7, abs=1e-9)


def test_fearon_risk_return_trade_off():
    res = risk_return(0.5, 0.1, 0.3)
    assert res.demand == pytest.approx(0.6, abs=1e-6)
    assert res.p_war == pytest.approx(1 / 3, abs=1e-6)


def test_threshold_belief_separates_limited_from_maximal_demand():
    sc = load_scenario(FLAG)
    br = analyse_beliefs(sc, None)
    assert br.threshold is not None and 0.3 < br.threshold < 0.8
    assert br.grid[0][1] == "limited" and br.grid[-1][1] == "maximal"
    qre = analyse_beliefs(sc, 4.0)
    assert qre.threshold is not None and 0.3 < qre.threshold < 0.8


def test_pure_enumeration_refuses_a_game_too_large():
    tree = build_game(load_scenario(FLAG), stages=3)
    with pytest.raises(GameTooLarge, match="pure profiles"):
        solve.pure_equilibria(tree)
    r = CliRunner().invoke(app, ["game", FLAG, "--stages", "3"])
    assert r.exit_code == 2 and "fewer stages" in r.output and "pure profiles" in r.output
    # two stages: small enough to enumerate since W7 prunes the dominated answers
    r = CliRunner().invoke(app, ["game", FLAG, "--stages", "2", "--lambda", "2", "--json"])
    assert r.exit_code == 0 and isinstance(json.loads(r.output)["pure_equilibria"], list)


def test_missing_pygambit_gives_a_clear_message(monkeypatch):
    monkeypatch.setitem(sys.modules, "pygambit", None)
    with pytest.raises(gambit.MissingExtra, match=r"compellence\[game\]"):
        gambit.load(build_game(load_scenario(FLAG)))
    r = CliRunner().invoke(app, ["game", FLAG, "--check-gambit"])
    assert r.exit_code == 2 and "compellence[game]" in r.output


def test_game_cli_json():
    r = CliRunner().invoke(app, ["game", FLAG, "--json", "--check-gambit"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["gambit_check"]["pure_sets_equal"] is True
    assert data["gambit_check"]["qre_max_abs_diff"] < 1e-6
    assert 0 < data["beliefs"]["best_response"]["threshold"] < 1


def test_wrong_prior_escalates_into_what_the_essay_warns_of():
    """A coercer sure it faces a cost-benefit leader keeps the maximal demand and escalates:
    more war, collapse and a killed leader, fewer deals, than one that knows whom it faces."""
    wrong = simulate(load_scenario("iran-2025-bayesian-coercer"), runs=3000)
    right = simulate(load_scenario("iran-2025-bayesian-coercer",
                                   {"coercer.learning.prior_cost_benefit": 0.05}), runs=3000)
    bad = lambda r: r.share("war") + r.share("collapse")  # noqa: E731
    assert bad(wrong) > bad(right) + 0.05
    assert wrong.runs["martyred"].mean() > right.runs["martyred"].mean() + 0.05
    assert wrong.share("deal") < right.share("deal")
    sw = wrong.runs["switched_round"]
    assert (sw[sw >= 0] > 0).all() and (right.runs["switched_round"] == 0).mean() > 0.9
