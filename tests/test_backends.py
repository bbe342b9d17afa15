"""Backends: one model, compiled for every target.

- the compiled CPU kernel equals the uncompiled model (the Python reference) run for run,
  on every built-in with each mechanism off in turn;
- results are identical for 1, 2 and 4 threads and any chunk size;
- the CUDA kernel, run on numba's CUDA simulator, equals the reference in float64 and agrees
  within Monte Carlo error in float32;
- there is one definition: changing one formula in a copy of the package changes every
  backend's result, and nothing else needs editing;
- streaming equals the full table; the baselines (plain Python, Mesa) equal the engine.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from compellence.cli import app
from compellence.engine import resolve_backend, simulate
from compellence.engine.stream import simulate_stream
from compellence.model.layout import M_FIELDS, OUTCOMES
from compellence.model.random import philox4x32, philox4x32x2, round_uniforms, uniform4
from compellence.scenario import builtin_names, load_scenario

SRC = Path(__file__).resolve().parents[1] / "src"
CONTINUOUS = ("legacy", "legacy_if_capitulated", "belief_cost_benefit")


def _compare(a: pd.DataFrame, b: pd.DataFrame, tol: float = 1e-12) -> None:
    """Same outcome, rounds and events for every run; continuous values within tol."""
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        if col.startswith(("p_", "final_")) or col in CONTINUOUS:
            np.testing.assert_allclose(a[col], b[col], rtol=tol, atol=tol, err_msg=col)
        else:
            pd.testing.assert_series_equal(a[col], b[col])


#: Philox4x32-10 known-answer vectors (Random123's kat_vectors): counter, key → output.
KAT = [((0, 0, 0, 0, 0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
       ((0xFFFFFFFF,) * 6, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
       ((0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344, 0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1))]


def test_philox_matches_the_random123_known_answers():
    for args, expected in KAT:
        assert tuple(int(x) for x in philox4x32(*args)) == expected


def test_the_paired_philox_gives_each_block_as_a_single_call_does():
    """A round's two blocks are computed together (philox4x32x2): each block, in either
    place, gives the known answer for its counter whatever the other block's counter, and
    round_uniforms equals two calls of uniform4, compiled and not."""
    for (c0, c1, c2, c3, k0, k1), expected in KAT:
        other = (c3 + 12345) & 0xFFFFFFFF
        first = philox4x32x2(c0, c1, c2, c3, other, k0, k1)
        second = philox4x32x2(c0, c1, c2, other, c3, k0, k1)
        assert tuple(int(x) for x in first[:4]) == expected
        assert tuple(int(x) for x in second[4:]) == expected
        assert first[4:] == second[:4] == philox4x32(c0, c1, c2, other, k0, k1)
    from numba import njit

    fill = njit(round_uniforms)
    for seed, run, t in ((0, 0, 0), (7, 123_456_789_012, 23), (2**40 + 1, 2**33 + 5, 3)):
        expected = uniform4(seed, run, t, 0) + uniform4(seed, run, t, 1)
        for f in (round_uniforms, fill):
            u = np.empty(8)
            f(seed, run, t, u)
            assert tuple(u) == expected


@pytest.mark.parametrize("name", builtin_names())
def test_compiled_equals_the_reference_on_every_builtin(name):
    sc = load_scenario(name)
    _compare(simulate(sc, runs=300, backend="python").runs,
             simulate(sc, runs=300, backend="numba").runs)


@pytest.mark.parametrize("switch", M_FIELDS)
def test_compiled_equals_the_reference_with_each_mechanism_off(switch):
    for name in builtin_names():
        sc = load_scenario(name, {f"mechanisms.{switch}": False})
        _compare(simulate(sc, runs=24, backend="python").runs,
                 simulate(sc, runs=24, backend="numba").runs)


def test_trajectories_and_records_run_compiled_and_match_the_reference():
    sc = load_scenario("iran-2025-bayesian-coercer")
    a = simulate(sc, runs=80, backend="python", trajectories=True)
    b = simulate(sc, runs=80, backend="numba", trajectories=True)
    _compare(a.runs, b.runs)
    for var in a.trajectories:
        np.testing.assert_allclose(a.trajectories[var], b.trajectories[var], rtol=1e-12)
    np.testing.assert_array_equal(a.alive, b.alive)
    np.testing.assert_allclose(a.term_rounds, b.term_rounds, rtol=1e-12, atol=1e-12)


def test_any_chunk_size_gives_the_same_runs():
    over = {"leader.identity_weight": {"dist": "uniform", "low": 0.2, "high": 2.0},
            "leader.martyrdom_valuation": {"dist": "choice", "values": [-0.5, 0.6]},
            "coercer.pressure.sanctions": {"schedule": [[0, 0.3], [5, 0.9]]}}
    sc = load_scenario("iran-2025-surrender", over)
    whole = simulate(sc, runs=3000).runs
    for chunk in (1, 7, 1234):
        if chunk == 1:
            part = simulate(sc, runs=40, chunk_size=1).runs
            _compare(whole.iloc[:40].reset_index(drop=True), part, tol=0)
        else:
            _compare(whole, simulate(sc, runs=3000, chunk_size=chunk).runs, tol=0)


def test_identical_for_1_2_and_4_threads():
    code = ("import hashlib, numba, sys; from compellence.engine import simulate;"
            "from compellence.scenario import load_scenario;"
            "numba.set_num_threads(int(sys.argv[1]));"
            "r = simulate(load_scenario('iran-2026-succession'), runs=5000);"
            "print(hashlib.sha256(r.runs.to_csv().encode()).hexdigest())")
    env = {**os.environ, "NUMBA_NUM_THREADS": "4"}
    out = {k: subprocess.run([sys.executable, "-c", code, str(k)], env=env, check=True,
                             capture_output=True, text=True).stdout.strip() for k in (1, 2, 4)}
    assert len(set(out.values())) == 1, out


_CUDA_SIM = """
import json, sys
from compellence.engine import simulate
from compellence.scenario import load_scenario
out = {}
for name in sys.argv[2:]:
    r = simulate(load_scenario(name), runs=int(sys.argv[1]), backend="cuda")
    out[name] = {"csv": r.runs.to_json(double_precision=15), "shares": {o: r.share(o) for o in
                 ("ongoing", "capitulation", "deal", "war", "collapse")}}
print(json.dumps(out))
"""


def _cuda_sim(runs: int, names: list[str], float32: bool) -> dict:
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1",
           "COMPELLENCE_CUDA_FLOAT32": "1" if float32 else "0"}
    res = subprocess.run([sys.executable, "-c", _CUDA_SIM, str(runs), *names], env=env,
                         check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_cuda_kernel_on_the_simulator_equals_the_reference_in_float64():
    got = _cuda_sim(60, ["iran-2026-succession"], float32=False)["iran-2026-succession"]
    gpu = pd.read_json(__import__("io").StringIO(got["csv"]))
    ref = simulate(load_scenario("iran-2026-succession"), runs=60, backend="python").runs
    for col in ("rounds", "leader_generation", "escalations", "deal_offers"):
        np.testing.assert_array_equal(gpu[col].to_numpy(), ref[col].to_numpy())
    np.testing.assert_allclose(gpu["p_deal"].to_numpy(), ref["p_deal"].to_numpy(),
                               rtol=1e-12, atol=1e-14)


def test_cuda_kernel_in_float32_agrees_within_monte_carlo_error():
    names = ["iran-2025-surrender", "iran-2015-jcpoa", "iran-2018-max-pressure"]
    n = 300
    got = _cuda_sim(n, names, float32=True)
    for name in names:
        ref = simulate(load_scenario(name), runs=20_000)
        for outcome, p in got[name]["shares"].items():
            q = ref.share(outcome)
            se = math.sqrt(max(q * (1 - q), 1e-3) / n)
            assert abs(p - q) < 4 * se, (name, outcome, p, q)


_CUDA_STREAM = """
import json, sys
from compellence.engine.stream import simulate_stream
from compellence.scenario import load_scenario
s = simulate_stream(load_scenario(sys.argv[1]), int(sys.argv[2]), chunk_size=140, backend="cuda")
print(json.dumps({"hist": s.rounds_hist.tolist(), "counts": [s.n, s.martyred, s.succession,
                  s.escalations, s.decisions], "terms": s.term_sums.tolist()}))
"""


def test_a_streamed_ensemble_on_the_gpu_is_reduced_there_to_the_cpus_totals():
    """simulate_stream on the cuda backend reduces each chunk on the device (a histogram of
    outcome × rounds and four counts, per block in shared memory, then across blocks); on
    the simulator its totals equal the CPU's (chunks of 140 runs: two blocks, then one)."""
    from compellence.engine.stream import simulate_stream

    name, n = "iran-2026-succession", 150
    env = {**os.environ, "NUMBA_ENABLE_CUDASIM": "1", "COMPELLENCE_CUDA_FLOAT32": "0"}
    res = subprocess.run([sys.executable, "-c", _CUDA_STREAM, name, str(n)], env=env,
                         check=True, capture_output=True, text=True)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    cpu = simulate_stream(load_scenario(name), n, chunk_size=140, backend="numba")
    np.testing.assert_array_equal(np.array(got["hist"]), cpu.rounds_hist)
    assert got["counts"] == [cpu.n, cpu.martyred, cpu.succession, cpu.escalations,
                             cpu.decisions]
    assert cpu.martyred > 0 and cpu.escalations > 0   # the counts can differ from zero
    np.testing.assert_allclose(np.array(got["terms"]), cpu.term_sums, rtol=1e-12, atol=1e-12)


_CHANGED = """
import json
from compellence.engine import simulate
from compellence.scenario import load_scenario
sc = load_scenario("iran-2025-surrender")
print(json.dumps({b: simulate(sc, runs=400, backend=b).runs["rounds"].tolist()
                  for b in ("numba", "python", "cuda")}))
"""


def test_one_definition_changing_a_formula_changes_every_backend(tmp_path):
    """Copy the package, change the collapse hazard in model/equations.py only, and every
    backend's numbers change (so no backend has a copy of the equation)."""
    pkg = tmp_path / "src"
    shutil.copytree(SRC / "compellence", pkg / "compellence",
                    ignore=shutil.ignore_patterns("__pycache__"))
    eq = pkg / "compellence" / "model" / "equations.py"
    text = eq.read_text()
    old = "return V[CB] + V[CU] * (S[UNR] * S[UNR])"
    assert text.count(old) == 1
    eq.write_text(text.replace(old, "return V[CB] + 4.0 * V[CU] * (S[UNR] * S[UNR])"))
    env = {**os.environ, "PYTHONPATH": str(pkg), "NUMBA_ENABLE_CUDASIM": "1",
           "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    res = subprocess.run([sys.executable, "-c", _CHANGED], env=env, check=True,
                         capture_output=True, text=True, cwd=tmp_path)
    changed = json.loads(res.stdout.strip().splitlines()[-1])
    original = simulate(load_scenario("iran-2025-surrender"), runs=400).runs["rounds"].tolist()
    for backend, rounds in changed.items():
        assert rounds != original, f"{backend} did not see the changed formula"
    assert changed["numba"] == changed["python"] == changed["cuda"]


def test_backend_choice_and_errors():
    assert resolve_backend(load_scenario("iran-2025-surrender"), "auto") == "numba"
    assert resolve_backend(load_scenario("iran-2025-bayesian-coercer"), "auto", True) == "numba"
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


def test_hand_written_baselines_equal_the_engine():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from baselines import run_mesa, run_plain_python

    pytest.importorskip("mesa")
    sc = load_scenario("iran-2025-surrender")
    ref = simulate(sc, runs=300, seed=3)
    expected = {o: ref.share(o) for o in OUTCOMES}
    assert run_plain_python(sc, 300, seed=3) == expected
    assert run_mesa(sc, 300, seed=3) == expected


def test_parameters_are_sampled_as_their_inverse_cdf():
    """The kernel's sampling equals the distribution's exact inverse CDF at the parameter's
    own uniform: exactly for a discrete choice (rare weights included), within the quantile
    table's error for a continuous one."""
    import zlib

    from compellence.engine.params import materialize
    from compellence.model.random import param_uniform
    from compellence.scenario.distributions import Beta, Choice

    choice = {"dist": "choice", "values": [-0.5, 0.1, 0.6], "weights": [0.9989, 0.001, 0.0001]}
    beta = {"dist": "beta", "a": 2.0, "b": 5.0, "low": 0.0, "high": 1.0}
    sc = load_scenario("iran-2025-surrender", {"leader.martyrdom_valuation": choice,
                                                "regime.trust": beta})
    n, seed = 20_000, 4
    p = materialize(sc, seed, 0, n)
    for path, dist, got, tol in (
            ("leader.martyrdom_valuation", Choice(**choice), p.leader["martyrdom_valuation"], 0),
            ("regime.trust", Beta(**beta), p.regime["trust"], 5e-4)):
        key = zlib.crc32(path.encode())
        u = np.array([param_uniform(seed, r, key) for r in range(n)])
        np.testing.assert_allclose(got, dist.ppf(u), atol=tol, rtol=0, err_msg=path)
    assert (p.leader["martyrdom_valuation"] == 0.6).sum() >= 1   # the 1-in-10,000 value occurs
