"""The episode backtest's fixes: nested overrides merge, --as-coded, --select, --seed,
grid-edge warnings and a clear message for a one-episode set."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from compellence.analysis.backtest import (
    COST_BENEFIT,
    edge_warnings,
    probabilities,
    run_backtest,
    select_episodes,
)
from compellence.cli import app
from compellence.engine import simulate
from compellence.evidence.episodes import Episode, episode_scenario, load_episodes
from compellence.model.core import OUTCOMES
from compellence.scenario import ScenarioError
from compellence.scenario.loader import load_scenario

runner = CliRunner()
BASE = "iran-2025-surrender"


def _ep(over: dict) -> Episode:
    return Episode(id="x", scenario=BASE, set=over, outcome="ongoing", coding="c",
                   sources=["s"])


def test_nested_coercer_table_merges_instead_of_replacing():
    coded = load_scenario(BASE)
    sc = episode_scenario(_ep({"coercer": {"demand": 0.4}}), None)
    assert sc.coercer.demand == 0.4
    # the rest of the coercer section survives (the bug: sanctions 0.9 -> 0.5, adaptive off)
    assert sc.coercer.pressure.sanctions == coded.coercer.pressure.sanctions == 0.9
    assert sc.coercer.adaptive.enabled and sc.coercer.accepts_limited_deal == 0.05


def test_nested_pressure_table_merges():
    sc = episode_scenario(_ep({"coercer": {"pressure": {"strikes": 0.0}}}), None)
    assert sc.coercer.pressure.strikes == 0.0
    assert sc.coercer.pressure.leader_threat == 0.7 and sc.coercer.pressure.sanctions == 0.9
    assert sc.coercer.demand == 1.0


def test_nested_regime_dynamics_mechanisms_tables_merge():
    sc = episode_scenario(_ep({"regime": {"trust": 0.9},
                               "dynamics": {"war_rate": 0.2},
                               "mechanisms": {"martyrdom": False}}), None)
    coded = load_scenario(BASE)
    assert sc.regime.trust == 0.9 and sc.regime.axis == coded.regime.axis == 0.3
    assert sc.dynamics.war_rate == 0.2
    assert sc.dynamics.war_cost == coded.dynamics.war_cost
    assert not sc.mechanisms.martyrdom and sc.mechanisms.sacred_core


def test_nested_leader_table_merges_and_a_profile_replaces_the_leader():
    sc = episode_scenario(_ep({"leader": {"rationality": 7.0}}), None)
    assert sc.leader.rationality == 7.0 and sc.leader.profile == "identity-committed"
    assert sc.leader.sacred_premium == load_scenario(BASE).leader.sacred_premium
    cb = episode_scenario(_ep({"leader": {"profile": "cost-benefit", "rationality": 7.0}}),
                          None)
    assert cb.leader.profile == "cost-benefit" and cb.leader.rationality == 7.0
    assert cb.leader.sacred_premium == 0.0


def test_dotted_table_value_merges_and_leaves_replace():
    sc = episode_scenario(_ep({"coercer.pressure": {"isolation": 0.1},
                               "coercer.demand": 0.6,
                               "coercer.pressure.sanctions": {"dist": "uniform", "low": 0.1,
                                                              "high": 0.2}}), None)
    assert sc.coercer.pressure.isolation == 0.1 and sc.coercer.pressure.military_threat == 0.8
    assert sc.coercer.demand == 0.6
    assert sc.coercer.pressure.sanctions.support() == (0.1, 0.2)


def test_the_shipped_episodes_still_load_as_before():
    eps, folder, _ = load_episodes()
    for ep in eps.episode:
        sc = episode_scenario(ep, folder)
        direct = load_scenario(ep.scenario, {**ep.set, "horizon": ep.horizon})
        assert sc.model_dump() == direct.model_dump(), ep.id


def test_as_coded_equals_a_direct_run_of_the_same_scenarios():
    eps, folder, source = load_episodes()
    eps = select_episodes(eps, ["2003-suspension", "2025-june"], source)
    bt = run_backtest(eps, folder, runs=200, as_coded=True, seed=11)
    assert [r["id"] for r in bt.episodes] == ["2003-suspension", "2025-june"]
    for row, ep in zip(bt.episodes, eps.episode, strict=True):
        for key, over in (("model", {}), ("cost_benefit", COST_BENEFIT)):
            res = simulate(episode_scenario(ep, folder, over), runs=200, seed=11)
            counts = res.runs["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
            expected = probabilities(counts.to_numpy(float))
            np.testing.assert_allclose([row[key][o] for o in OUTCOMES], expected)
    assert bt.fitted == {"model": {}, "cost_benefit": {}} and not bt.warnings


def test_seed_is_used_and_reproducible():
    eps, folder, source = load_episodes()
    eps = select_episodes(eps, ["2003-suspension"], source)
    a = run_backtest(eps, folder, runs=100, as_coded=True, seed=1).episodes[0]["model"]
    b = run_backtest(eps, folder, runs=100, as_coded=True, seed=1).episodes[0]["model"]
    assert a == b
    assert run_backtest(eps, folder, runs=100, as_coded=True, seed=1).seed == 1


def test_one_episode_set_gets_a_clear_message_not_numpy_warnings():
    r = runner.invoke(app, ["backtest", "--select", "2025-june", "--runs", "50"])
    assert r.exit_code == 2
    assert "at least 2 episodes" in r.output and "--as-coded" in r.output
    assert "RuntimeWarning" not in r.output
    r = runner.invoke(app, ["backtest", "--select", "2025-june", "--runs", "50",
                            "--as-coded", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["n_episodes"] == 1 and data["as_coded"]


def test_select_unknown_episode_is_an_error():
    r = runner.invoke(app, ["backtest", "--select", "1988-ceasefire,nope"])
    assert r.exit_code == 2 and "nope" in r.output and "2025-june" in r.output
    eps, _, source = load_episodes()
    with pytest.raises(ScenarioError, match="--select"):
        select_episodes(eps, ["nope"], source)


def test_edge_warnings():
    grid = {"a": (1.0, 2.0, 3.0), "b": (5.0,)}
    assert edge_warnings(grid, {"a": 2.0, "b": 5.0}, "m") == []
    (w,) = edge_warnings(grid, {"a": 3.0, "b": 5.0}, "m")
    assert "upper edge" in w and "a = 3.0" in w
    assert "lower edge" in edge_warnings(grid, {"a": 1.0}, "m")[0]
    # at the declared range's bound (identity weight in [0, 3]) the warning says so
    (w,) = edge_warnings({"leader.identity_weight": (1.0, 3.0)},
                         {"leader.identity_weight": 3.0}, "m")
    assert "bound of its declared range" in w
    (w,) = edge_warnings({"leader.identity_weight": (1.0, 2.0)},
                         {"leader.identity_weight": 2.0}, "m")
    assert "may lie outside" in w


def test_refit_keeps_the_identity_weight_of_a_leader_coded_cost_benefit(tmp_path):
    (tmp_path / "eps.toml").write_text('''
name = "cb"
runs = 50
[[episode]]
id = "a"
scenario = "iran-2025-surrender-cost-benefit"
horizon = 2
outcome = "capitulation"
coding = "c"
sources = ["s"]
[[episode]]
id = "b"
scenario = "iran-2025-surrender-cost-benefit"
horizon = 3
outcome = "ongoing"
coding = "c"
sources = ["s"]
''')
    eps, folder, _ = load_episodes(tmp_path / "eps.toml")
    bt = run_backtest(eps, folder, runs=50, seed=3)
    assert any("not refitted" in w for w in bt.warnings)
    assert all("leader.identity_weight" not in r["model_fit"] for r in bt.episodes)
