"""Reproducibility: the same scenario and seed give identical numbers, whatever the chunking."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from compellence.engine import explain_run, simulate
from compellence.scenario import load_scenario

SC = "iran-2025-surrender"


def _frame(chunk, runs=9000, name=SC, **kw):
    return simulate(load_scenario(name, kw), runs=runs, chunk_size=chunk).runs


def test_same_seed_same_numbers():
    pd.testing.assert_frame_equal(_frame(65536), _frame(65536))


@pytest.mark.parametrize("chunk", [1, 777, 4096, 5000])
def test_identical_across_chunk_sizes(chunk):
    runs = 300 if chunk == 1 else 9000
    ref = _frame(65536, runs=runs)
    pd.testing.assert_frame_equal(ref, _frame(chunk, runs=runs))


def test_identical_across_chunks_with_distributions_and_succession():
    over = {"leader.identity_weight": {"dist": "uniform", "low": 0.5, "high": 1.5},
            "regime.economy": {"dist": "beta", "a": 2, "b": 2}}
    a = simulate(load_scenario("iran-2026-succession", over), runs=6000, chunk_size=6000).runs
    b = simulate(load_scenario("iran-2026-succession", over), runs=6000, chunk_size=1000).runs
    pd.testing.assert_frame_equal(a, b)


def test_other_seed_other_numbers():
    a = simulate(load_scenario(SC), runs=2000, seed=1).runs
    b = simulate(load_scenario(SC), runs=2000, seed=2).runs
    assert not a["outcome"].equals(b["outcome"])


def test_a_run_is_the_same_alone_or_in_the_ensemble():
    sc = load_scenario(SC)
    ens = simulate(sc, runs=50).runs
    for k in (0, 7, 49):
        record = explain_run(sc, k)
        last = record[-1]
        assert len(record) == min(ens.loc[k, "rounds"] + 1, sc.horizon) or \
            ens.loc[k, "outcome"] == "ongoing"
        if ens.loc[k, "outcome"] == "capitulation":
            assert last["action"] == 3
        if ens.loc[k, "outcome"] == "deal":
            assert last["action"] == 2 and last["deal_accepted"]


def test_adding_an_uncertain_parameter_leaves_other_streams_alone():
    """Each parameter has its own stream: sampling one does not shift another's draws."""
    from compellence.engine.params import materialize
    d = {"dist": "uniform", "low": 0, "high": 1}
    one = materialize(load_scenario(SC, {"regime.economy": d}), 5, 0, 100)
    two = materialize(load_scenario(SC, {"regime.economy": d, "regime.unrest": d}), 5, 0, 100)
    np.testing.assert_array_equal(one.regime.economy, two.regime.economy)
