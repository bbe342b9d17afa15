"""The cuda backend on a real GPU (skipped where there is none: CI and this project's
machines have no GPU; numba's CUDA simulator is covered in test_backends.py).

Run on a lent GPU machine by ``tools/device_check.sh``. What it checks, on three built-ins
beside the CPU kernel with the same seed: in float64, the same outcome and rounds for
every run but a few (the GPU's ``exp`` and fused multiply-adds may differ from the CPU's in
the last bits, which can move a run whose uniform lies within that of a threshold), and
continuous values within 1e-6 for the runs whose outcome agrees; in float32, outcome
shares within Monte Carlo error. ``COMPELLENCE_GPU_TEST_SIM=1`` with a few runs
(``COMPELLENCE_GPU_TEST_RUNS``) runs the same checks on numba's CUDA simulator, to try the
script before a GPU is lent.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from compellence.engine import simulate
from compellence.engine.stream import Summary, simulate_stream
from compellence.model.layout import OUTCOMES
from compellence.scenario import load_scenario

NAMES = ["iran-2025-surrender", "iran-2015-jcpoa", "iran-2018-max-pressure"]
#: Runs per scenario: 10^5 (float64) and 2×10^5 (float32) take seconds on a GPU.
RUNS = int(os.environ.get("COMPELLENCE_GPU_TEST_RUNS", "100000"))


def _gpu() -> bool:
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1" and \
            os.environ.get("COMPELLENCE_GPU_TEST_SIM") != "1":
        return False
    try:
        from numba import cuda

        return bool(cuda.is_available())
    except Exception:
        return False


pytestmark = pytest.mark.skipif(not _gpu(), reason="needs an NVIDIA GPU (not the simulator)")


@pytest.mark.parametrize("name", NAMES)
def test_float64_on_the_gpu_matches_the_cpu_run_for_run(name, monkeypatch):
    monkeypatch.setenv("COMPELLENCE_CUDA_FLOAT32", "0")
    sc = load_scenario(name)
    n = RUNS
    gpu = simulate(sc, runs=n, backend="cuda", chunk_size=50_000).runs
    cpu = simulate(sc, runs=n, backend="numba").runs
    same = np.ones(n, bool)   # the same path: outcome, rounds, successions, escalations
    for col in ("outcome", "rounds", "leader_generation", "martyred", "escalations"):
        same &= gpu[col].to_numpy() == cpu[col].to_numpy()
    print(f"{name}: {same.mean():.6f} of {n:,} runs with the same outcome, rounds, "
          "successions and escalations")
    assert same.mean() >= 1 - 1e-3, same.mean()
    for col in ("p_resist", "p_deal", "final_economy", "final_base"):
        np.testing.assert_allclose(gpu[col].to_numpy()[same], cpu[col].to_numpy()[same],
                                   rtol=1e-6, atol=1e-9, err_msg=f"{name}: {col}")


def test_float32_on_the_gpu_agrees_within_monte_carlo_error(monkeypatch):
    """Same random numbers, narrower arithmetic: shares within Monte Carlo error, and run
    for run mostly the same outcome (a threshold within float32's rounding of a uniform
    moves a run)."""
    monkeypatch.setenv("COMPELLENCE_CUDA_FLOAT32", "1")
    n = 2 * RUNS
    for name in NAMES:
        sc = load_scenario(name)
        gpu = simulate(sc, runs=n, backend="cuda", chunk_size=100_000)
        cpu = simulate(sc, runs=n, backend="numba")
        paired = (gpu.columns["outcome"] == cpu.columns["outcome"]).mean()
        print(f"{name}: {paired:.5f} of {n:,} runs with the same outcome in float32")
        assert paired >= 0.95, (name, paired)
        for outcome in OUTCOMES:
            p, q = gpu.share(outcome), cpu.share(outcome)
            se = math.sqrt(max(q * (1 - q), 1e-4) / n)
            print(f"{name} {outcome}: gpu {p:.5f} cpu {q:.5f}")
            assert abs(p - q) < 4 * math.sqrt(2) * se, (name, outcome, p, q)


def test_a_streamed_ensemble_is_reduced_on_the_gpu_to_its_columns_totals(monkeypatch):
    """simulate_stream on the GPU (reduced there, gpu.stream_chunk_cuda) gives exactly the
    totals of the same runs' columns brought to the host (both on the GPU, same numbers)."""
    monkeypatch.setenv("COMPELLENCE_CUDA_FLOAT32", "0")
    sc = load_scenario("iran-2026-succession")
    n = 3 * RUNS + 17
    streamed = simulate_stream(sc, n, chunk_size=RUNS, backend="cuda")
    full = simulate(sc, runs=n, backend="cuda", chunk_size=RUNS)
    ref = Summary(sc.name, sc.seed, sc.horizon,
                  rounds_hist=np.zeros((len(OUTCOMES), sc.horizon + 1), np.int64))
    ref.add(full.columns, full.term_sums, full.decisions)
    np.testing.assert_array_equal(streamed.rounds_hist, ref.rounds_hist)
    assert (streamed.n, streamed.martyred, streamed.succession, streamed.escalations,
            streamed.decisions) == (ref.n, ref.martyred, ref.succession, ref.escalations,
                                    ref.decisions)
    np.testing.assert_allclose(streamed.term_sums, ref.term_sums, rtol=1e-9)
