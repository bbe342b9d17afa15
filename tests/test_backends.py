"""Backends: the compiled kernel equals the NumPy reference; streaming equals the full
table; the hand-written baselines agree with the engine within Monte Carlo error."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from compellence.cli import app
from compellence.engine import resolve_backend, simulate
from compellence.engine.kernel import available
from compellence.engine.stream import simulate_stream
from compellence.scenario import builtin_names, load_scenario

pytestmark = pytest.mark.skipif(not available(), reason="numba is not installed")
NON_LEARNING = [n for n in builtin_names() if n != "iran-2025-bayesian-coercer"]


def _compare(a: pd.DataFrame, b: pd.DataFrame) -> None:
    for col in a.columns:
        if col.startswith("p_"):
            # NumPy's vectorised exp and the C library's may differ in the last bit
            np.testing.assert_allclose(a[col], b[col], rtol=1e-12, atol=1e-15)
        else:
            pd.testing.assert_series_equal(a[col], b[col])


@pytest.mark.parametrize("name", NON_LEARNING)
def test_compiled_equals_reference(name):
    sc = load_scenario(name)
    ref = simulate(sc, runs=3000, backend="numpy").runs
    fast = simulate(sc, runs=3000, backend="numba").runs
    _compare(ref, fast)


@pytest.mark.parametrize("switch", ["identity_cost", "sanctified_succession", "trust",
                                    "believed_collapse", "survival_discount", "pressure_resolve",
                                    "coercion_visibility", "exogenous_decline", "martyrdom",
                                    "pain_valence", "sacred_core", "heroic_flexibility",
                                    "consistency_authority", "leader_profile",
                                    "adaptive_coercer"])
def test_compiled_equals_reference_with_each_mechanism_off(switch):
    sc = load_scenario("iran-2026-succession", {f"mechanisms.{switch}": False,
                                                "coercer.renege_rounds": [2]})
    _compare(simulate(sc, runs=1500, backend="numpy").runs,
             simulate(sc, runs=1500, backend="numba").runs)


def test_compiled_with_distributions_and_chunks():
    over = {"leader.identity_weight": {"dist": "uniform", "low": 0.2, "high": 2.0},
            "coercer.pressure.sanctions": {"schedule": [[0, 0.3], [5, 0.9]]}}
    sc = load_scenario("iran-2025-surrender", over)
    ref = simulate(sc, runs=5000, backend="numpy").runs
    _compare(ref, simulate(sc, runs=5000, backend="numba", chunk_size=1234).runs)


def test_auto_picks_the_compiled_backend_and_falls_back():
    assert resolve_backend(load_scenario("iran-2025-surrender"), "auto") == "numba"
    learning = load_scenario("iran-2025-bayesian-coercer")
    assert resolve_backend(learning, "auto") == "numpy"
    assert resolve_backend(load_scenario("iran-2025-surrender"), "auto", True) == "numpy"
    with pytest.raises(ValueError, match="numba backend"):
        resolve_backend(learning, "numba")
    r = CliRunner().invoke(app, ["run", "iran-2025-bayesian-coercer", "--backend", "numba"])
    assert r.exit_code == 2 and "numba backend" in r.output
    r = CliRunner().invoke(app, ["run", "iran-2025-surrender", "--backend", "gpu"])
    assert r.exit_code == 2 and "expected one of" in r.output


def test_streaming_equals_the_full_table():
    sc = load_scenario("iran-2018-max-pressure")
    full = simulate(sc, runs=20_000)
    streamed = simulate_stream(sc, 20_000, chunk_size=3_000)
    pd.testing.assert_frame_equal(full.outcome_table(), streamed.outcome_table())
    assert full.event_table() == pytest.approx(streamed.event_table(), rel=1e-12)
    np.testing.assert_allclose(full.term_means(), streamed.term_means(), rtol=1e-9)
    r = CliRunner().invoke(app, ["run", "iran-2018-max-pressure", "--runs", "5000", "--stream",
                                 "--json"])
    assert r.exit_code == 0, r.output
    assert '"runs": 5000' in r.output


def test_hand_written_baselines_agree_with_the_engine():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from baselines import run_mesa, run_plain_python

    pytest.importorskip("mesa")
    sc = load_scenario("iran-2025-surrender")
    ref = simulate(sc, runs=40_000)
    n = 2500
    for shares in (run_plain_python(sc, n, seed=3), run_mesa(sc, n, seed=4)):
        for outcome, p in shares.items():
            q = ref.share(outcome)
            se = math.sqrt(max(q * (1 - q), 1e-4) / n)
            assert abs(p - q) < 4 * se + 0.003, (outcome, p, q)


def test_jax_backend_agrees_within_monte_carlo_error():
    pytest.importorskip("jax")
    n = 20_000
    for name in ("iran-2025-surrender", "iran-2026-succession", "iran-2018-max-pressure"):
        sc = load_scenario(name)
        a = simulate(sc, runs=n, backend="jax")
        b = simulate(sc, runs=n, backend="numba")
        for outcome in ("ongoing", "capitulation", "deal", "war", "collapse"):
            p, q = a.share(outcome), b.share(outcome)
            se = math.sqrt(max(q * (1 - q), 1e-4) * 2 / n)
            assert abs(p - q) < 4 * se, (name, outcome, p, q)
        ka, kb = a.event_table()["leader_killed"], b.event_table()["leader_killed"]
        assert abs(ka - kb) < 4 * math.sqrt(max(kb * (1 - kb), 1e-4) * 2 / n)
