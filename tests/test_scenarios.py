"""Scenario files: built-ins load, extends and profiles merge, distributions sample in range."""

from __future__ import annotations

import json

import numpy as np
import pytest

from compellence.engine.params import materialize
from compellence.scenario import ScenarioError, builtin_names, load_scenario
from compellence.scenario.profiles import COST_BENEFIT, PROFILES
from compellence.scenario.schema import Scenario

EXPECTED = {"iran-2025-surrender", "iran-2015-jcpoa", "iran-2018-max-pressure",
            "iran-1988-chalice", "iran-2026-succession"}


def test_builtins_present_and_valid():
    names = set(builtin_names())
    assert names >= EXPECTED
    for name in names:
        sc = load_scenario(name)
        assert sc.name == name
        assert sc.description.strip(), f"{name} must document its essay passage and facts"


def test_contrast_scenarios_use_cost_benefit_profile():
    for base in ("iran-2025-surrender", "iran-2015-jcpoa", "iran-2018-max-pressure"):
        sc = load_scenario(f"{base}-cost-benefit")
        orig = load_scenario(base)
        assert sc.leader.profile == "cost-benefit"
        assert sc.leader.identity_weight == COST_BENEFIT["identity_weight"]
        assert sc.coercer == orig.coercer and sc.regime == orig.regime and sc.seed == orig.seed


def test_extends_merges_tables_and_keeps_parent_values(tmp_toml):
    path = tmp_toml('extends = "iran-2025-surrender"\nname = "mine"\n[coercer]\ndemand = 0.4\n')
    sc = load_scenario(path)
    parent = load_scenario("iran-2025-surrender")
    assert sc.name == "mine" and sc.coercer.demand == 0.4
    assert sc.coercer.pressure == parent.coercer.pressure
    assert sc.leader == parent.leader


def test_profile_fills_leader_and_fields_override(tmp_toml):
    path = tmp_toml('[leader]\nprofile = "cost-benefit"\nmartyrdom_valuation = 0.2\n')
    sc = load_scenario(path)
    assert sc.leader.identity_weight == COST_BENEFIT["identity_weight"]
    assert sc.leader.martyrdom_valuation == 0.2


def test_new_profile_in_child_resets_parent_leader_overrides():
    sc = load_scenario("iran-1988-chalice", {"leader.profile": "cost-benefit"})
    assert sc.leader.heroic_flexibility == COST_BENEFIT["heroic_flexibility"]
    assert sc.leader.sacred_premium == COST_BENEFIT["sacred_premium"]


def test_relative_extends_resolves_against_the_file(tmp_path):
    (tmp_path / "base.toml").write_text('[coercer]\ndemand = 0.3\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "child.toml").write_text('extends = "../base.toml"\n[coercer]\nrelief = 0.7\n')
    sc = load_scenario(sub / "child.toml")
    assert (sc.coercer.demand, sc.coercer.relief) == (0.3, 0.7)


def test_extends_cycle_is_an_error(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(tmp_path / "a.toml")


@pytest.mark.parametrize("dist", [
    {"dist": "uniform", "low": 0.2, "high": 0.9},
    {"dist": "normal", "mean": 0.5, "sd": 0.4},
    {"dist": "beta", "a": 2, "b": 5},
    {"dist": "triangular", "low": 0.1, "mode": 0.3, "high": 0.8},
    {"dist": "choice", "values": [0.1, 0.5, 0.9], "weights": [1, 2, 1]},
])
def test_distributions_sample_per_run_within_range(dist):
    sc = load_scenario("iran-2025-surrender", {"leader.consistency_share": dist})
    values = materialize(sc, 7, 0, 5000).leader.consistency_share
    assert values.shape == (5000,)
    assert np.all((values >= 0) & (values <= 1))
    assert np.unique(values).size > 1
    if dist["dist"] == "choice":
        assert set(np.unique(values)) <= {0.1, 0.5, 0.9}
        assert abs(np.mean(values == 0.5) - 0.5) < 0.03
    if dist["dist"] == "uniform":
        assert values.min() >= 0.2 and values.max() <= 0.9
        assert abs(values.mean() - 0.55) < 0.01


def test_schedules_hold_levels_between_steps():
    sc = load_scenario("iran-2018-max-pressure")
    sched = sc.coercer.pressure.sanctions
    assert [sched.at(t) for t in (0, 2, 3, 5, 6, 30)] == [0.6, 0.6, 0.8, 0.8, 0.95, 0.95]


def test_json_schema_documents_units_ranges_and_mechanisms():
    schema = Scenario.model_json_schema()
    text = json.dumps(schema)
    leader = schema["$defs"]["Leader"]["properties"]
    assert leader["martyrdom_valuation"]["mechanism"] == "M7"
    assert leader["martyrdom_valuation"]["range"] == [-1, 1]
    assert "unit" in leader["identity_weight"]
    assert "M15" in text and "M1" in text


def test_profiles_differ_in_the_identity_parameters():
    ident, cb = PROFILES["identity-committed"], PROFILES["cost-benefit"]
    for key in ("identity_weight", "pain_valence", "martyrdom_valuation", "sacred_premium"):
        assert ident[key] != cb[key]
