"""Property tests: across the declared parameter ranges, probabilities are probabilities
and nothing is NaN or infinite."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from compellence.engine import simulate
from compellence.engine.simulate import decision_context
from compellence.scenario import load_scenario
from compellence.scenario.schema import Dynamics, Leader, Regime

FIELDS = [(cls, name, info.json_schema_extra["range"])
          for cls, prefix in ((Leader, "leader"), (Regime, "regime"), (Dynamics, "dynamics"))
          for name, info in cls.model_fields.items()
          if isinstance(info.json_schema_extra, dict) and "range" in info.json_schema_extra]
PREFIX = {Leader: "leader", Regime: "regime", Dynamics: "dynamics"}


@st.composite
def overrides(draw):
    out = {}
    for cls, name, (lo, hi) in FIELDS:
        if draw(st.booleans()):
            out[f"{PREFIX[cls]}.{name}"] = draw(st.floats(lo, hi, allow_nan=False))
    for key in ("demand", "relief", "face_saving", "accepts_limited_deal"):
        out[f"coercer.{key}"] = draw(st.floats(0, 1))
    for key in ("sanctions", "isolation", "military_threat", "strikes", "leader_threat"):
        out[f"coercer.pressure.{key}"] = draw(st.floats(0, 1))
    out["leader.profile"] = draw(st.sampled_from(["identity-committed", "cost-benefit",
                                                  "charismatic-founder"]))
    return out


@settings(max_examples=60, deadline=None)
@given(overrides())
def test_choice_probabilities_are_valid_everywhere(over):
    ctx = decision_context(load_scenario("iran-2025-surrender", over))
    for value in ctx.terms().values():
        assert np.all(np.isfinite(value))
    p = ctx.probabilities()
    assert np.all((p >= 0) & (p <= 1))
    assert np.allclose(p.sum(axis=1), 1.0)


@settings(max_examples=15, deadline=None)
@given(overrides(), st.integers(0, 2**32 - 1))
def test_engine_outputs_are_finite_and_shares_sum_to_one(over, seed):
    res = simulate(load_scenario("iran-2025-surrender", over), runs=64,
                   seed=seed)
    table = res.outcome_table()
    assert abs(table["share"].sum() - 1.0) < 1e-12
    numeric = res.runs.select_dtypes("number").drop(columns=["legacy",
                                                             "legacy_if_capitulated"])
    assert np.all(np.isfinite(numeric.to_numpy(float)))
    for col in ("p_resist", "p_escalate", "p_deal", "p_capitulate"):
        assert res.runs[col].between(0, 1).all()
    assert np.allclose(res.runs[["p_resist", "p_escalate", "p_deal", "p_capitulate"]]
                       .sum(axis=1), 1.0)


def test_extreme_rationality_is_stable():
    from compellence.model import equations as eq

    ctx = decision_context(load_scenario("iran-2025-surrender", {"leader.rationality": 20.0}))
    U = np.stack(list(ctx.terms().values()), axis=1)[0] * 1e3
    p = np.zeros(4)
    eq.logit_choice(20.0, U, p, True)
    assert np.all(np.isfinite(p)) and np.isclose(p.sum(), 1.0)
