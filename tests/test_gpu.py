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
from compellence.scenario import load_scenario

NAMES = ["iran-2025-surrender", "iran-2015-jcpoa", "iran-2018-max-pressure"]
OUTCOMES = ("ongoing", "capitulation", "deal", "war", "collapse")
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
    same = (gpu["outcome"].to_numpy() == cpu["outcome"].to_numpy()) & (
        gpu["rounds"].to_numpy() == cpu["rounds"].to_numpy())
    print(f"{name}: {same.mean():.6f} of {n:,} runs with the same outcome and rounds")
    assert same.mean() >= 1 - 1e-3, same.mean()
    for col in ("p_resist", "p_deal", "final_economy", "final_base"):
        np.testing.assert_allclose(gpu[col].to_numpy()[same], cpu[col].to_numpy()[same],
                                   rtol=1e-6, atol=1e-9, err_msg=f"{name}: {col}")


def test_float32_on_the_gpu_agrees_within_monte_carlo_error(monkeypatch):
    monkeypatch.setenv("COMPELLENCE_CUDA_FLOAT32", "1")
    n = 2 * RUNS
    for name in NAMES:
        sc = load_scenario(name)
        gpu = simulate(sc, runs=n, backend="cuda", chunk_size=100_000)
        cpu = simulate(sc, runs=n, backend="numba")
        for outcome in OUTCOMES:
            p, q = gpu.share(outcome), cpu.share(outcome)
            se = math.sqrt(max(q * (1 - q), 1e-4) / n)
            print(f"{name} {outcome}: gpu {p:.5f} cpu {q:.5f}")
            assert abs(p - q) < 4 * math.sqrt(2) * se, (name, outcome, p, q)
