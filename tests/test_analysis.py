"""Sweeps, storage, resumption, fan-out, sensitivity, discovery, robust strategies, EMA."""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest
from typer.testing import CliRunner

from compellence.analysis import design as dz
from compellence.analysis.robust import parse_types, robust
from compellence.analysis.sensitivity import analyse
from compellence.analysis.store import Store, StoreError
from compellence.analysis.sweep import KILL_MARKER_ENV, KILL_POINT_ENV, run_sweep
from compellence.cli import app
from compellence.scenario import load_scenario

FLAG = "iran-2025-surrender"
runner = CliRunner()


def _grid():
    return dz.grid([dz.parse_param("leader.identity_weight=0:1.5:4", True),
                    dz.parse_param("coercer.aims.core_value=0.2:1:3", True)])


def _sweep(path, **kw):
    store = Store(path)
    res = run_sweep(load_scenario(FLAG), _grid(), store, runs=120, seed=5, batch=2, **kw)
    table = store.table(res.experiment)
    store.close()
    return res, table


@pytest.mark.parametrize(("spec", "grid", "message"), [
    ("leader.identity_weigth=0:1:3", True, "did you mean 'leader.identity_weight'"),
    ("leader.identity_weight=1:0:3", True, "inverted"),
    ("leader.identity_weight=0:9:3", True, "leaves the declared range"),
    ("leader.identity_weight=0:1:1", True, "at least 2 levels"),
    ("leader.identity_weight=0:1", True, "LO:HI:N"),
    ("leader.identity_weight=a:b", False, "must be numbers"),
])
def test_bad_design_parameters(spec, grid, message):
    with pytest.raises(dz.DesignError, match=message):
        dz.parse_param(spec, grid)
    args = ["sweep", FLAG, "--param", spec, "--out", "/dev/null/x.duckdb"]
    if not grid:
        args += ["--lhs", "4"]
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and message.split("'")[0] in r.output


def test_sweep_identical_with_one_and_two_workers(tmp_path):
    _, one = _sweep(tmp_path / "a.duckdb")
    _, two = _sweep(tmp_path / "b.duckdb", workers=2)
    pd.testing.assert_frame_equal(one, two)
    assert len(one) == 12 and one["deal"].between(0, 1).all()


def test_interrupted_sweep_resumes_to_identical_results(tmp_path):
    _, full = _sweep(tmp_path / "full.duckdb")
    path = tmp_path / "part.duckdb"
    calls = {"n": 0}

    def stop_half_way(k, total):
        calls["n"] += k
        if 0 < calls["n"] < total and calls["n"] >= total // 2:
            raise KeyboardInterrupt

    store = Store(path)
    with pytest.raises(KeyboardInterrupt):
        run_sweep(load_scenario(FLAG), _grid(), store, runs=120, seed=5, batch=2,
                  progress=stop_half_way)
    exp = store.resolve(None)
    stored = len(store.done_points(exp))
    assert 0 < stored < 12
    store.close()
    res, resumed = _sweep(path)
    assert res.computed == 12 - stored
    pd.testing.assert_frame_equal(full, resumed)


def test_a_dead_worker_is_recomputed(tmp_path, monkeypatch):
    _, serial = _sweep(tmp_path / "serial.duckdb")
    monkeypatch.setenv(KILL_POINT_ENV, "5")
    monkeypatch.setenv(KILL_MARKER_ENV, str(tmp_path / "killed"))
    _, pooled = _sweep(tmp_path / "pooled.duckdb", workers=2)
    assert (tmp_path / "killed").exists()
    pd.testing.assert_frame_equal(serial, pooled)


def test_dask_one_and_two_workers_identical(tmp_path):
    from dask.distributed import LocalCluster

    tables = []
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster:
            _, t = _sweep(tmp_path / f"dask{n}.duckdb", scheduler=cluster.scheduler_address)
            tables.append(t)
    _, serial = _sweep(tmp_path / "serial.duckdb")
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], serial)


def test_bad_results_files(tmp_path):
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a readable DuckDB"):
        Store(junk)
    r = runner.invoke(app, ["results", "list", str(junk)])
    assert r.exit_code == 2 and "junk.duckdb" in r.output
    old = tmp_path / "old.duckdb"
    s = Store(old)
    s.con.execute("update meta set value = '0' where key = 'schema_version'")
    s.close()
    r = runner.invoke(app, ["results", "show", str(old)])
    assert r.exit_code == 2 and "schema version 0" in r.output
    r = runner.invoke(app, ["results", "show", str(tmp_path / "missing.duckdb")])
    assert r.exit_code == 2 and "no such results file" in r.output


def test_results_cli_and_export(tmp_path):
    path = tmp_path / "r.duckdb"
    r = runner.invoke(app, ["sweep", FLAG, "--param", "coercer.demand=0.3:1:3", "--runs", "50",
                            "--out", str(path)])
    assert r.exit_code == 0, r.output
    assert "3 design points" in r.output
    r = runner.invoke(app, ["results", "list", str(path)], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and FLAG in r.output
    r = runner.invoke(app, ["results", "show", str(path)], env={"COLUMNS": "250"})
    assert r.exit_code == 0 and "coercer.demand" in r.output
    out = tmp_path / "r.parquet"
    r = runner.invoke(app, ["results", "export", str(path), "-o", str(out)])
    assert r.exit_code == 0
    frame = pd.read_parquet(out)
    assert len(frame) == 3 and {"coercer.demand", "deal", "capitulation"} <= set(frame.columns)
    r = runner.invoke(app, ["sweep", FLAG, "--param", "coercer.demand=0.3:1:3", "--runs", "50",
                            "--out", str(path)])
    assert "0 computed now" in r.output   # the same command finds its experiment: done


def test_sobol_ranks_the_parameter_that_matters(tmp_path):
    params = [dz.parse_param("coercer.aims.core_value=0.2:1", False),
              dz.parse_param("dynamics.natural_death=0:0.002", False)]
    design = dz.sobol(params, 32, seed=3)
    store = Store(tmp_path / "s.duckdb")
    res = run_sweep(load_scenario(FLAG), design, store, runs=150, seed=3)
    idx = analyse(design, store.table(res.experiment), "deal")
    assert idx.loc[0, "parameter"] == "coercer.aims.core_value"
    assert idx.loc[0, "ST"] > 0.5 > idx.loc[1, "ST"]


def test_sensitivity_cli_with_plot(tmp_path):
    png = tmp_path / "sens.png"
    r = runner.invoke(app, ["sensitivity", FLAG, "--method", "morris", "--outcome", "deal",
                            "--param", "coercer.aims.core_value=0.2:1",
                            "--param", "dynamics.natural_death=0:0.002", "--n", "6",
                            "--runs", "80", "--out", str(tmp_path / "m.duckdb"), "--plot",
                            str(png)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "mu_star" in r.output and png.stat().st_size > 1000


def test_discovery_finds_where_deals_are_likely(tmp_path):
    path = tmp_path / "d.duckdb"
    r = runner.invoke(app, ["sweep", FLAG, "--param", "coercer.aims.core_value=0.2:1",
                            "--param", "leader.identity_weight=0.2:1.5", "--lhs", "60",
                            "--runs", "100", "--out", str(path)])
    assert r.exit_code == 0, r.output
    png = tmp_path / "prim.png"
    r = runner.invoke(app, ["discover", str(path), "--outcome", "deal", "--threshold", "0.5",
                            "--plot", str(png)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "coercer.aims.core_value" in r.output and png.exists()
    r = runner.invoke(app, ["discover", str(path), "--outcome", "war", "--threshold", "1.0"])
    assert r.exit_code == 2 and "nothing to discover" in r.output


def test_robust_worked_example_and_its_reversal():
    sc = load_scenario(FLAG)
    over = [dz.parse_param("leader.martyrdom_valuation=-0.6:0.8", False)]
    strategies = ["maximal-pressure", "limited-deal"]
    mixed = robust(sc, strategies, over, parse_types("identity-committed:0.5,cost-benefit:0.5"),
                   samples=16, runs=150, seed=2).table.set_index("strategy")
    assert mixed.loc["limited-deal", "worst_case"] > mixed.loc["maximal-pressure", "worst_case"]
    # (max regret no longer separates them at 16 points: a deal in force can still end in
    # collapse, issue 12; docs/analysis.md quotes the figures at 40 points)
    assert mixed.loc["limited-deal", "satisficing"] > mixed.loc["maximal-pressure",
                                                                "satisficing"]
    sure = robust(sc, strategies, over, parse_types("cost-benefit:1"), samples=16, runs=150,
                  seed=2).table.set_index("strategy")
    assert sure.loc["maximal-pressure", "mean_value"] > sure.loc["limited-deal", "mean_value"]
    assert sure.loc["maximal-pressure", "max_regret"] < sure.loc["limited-deal", "max_regret"]


def test_robust_cli_json():
    r = runner.invoke(app, ["robust", FLAG, "--samples", "4", "--runs", "50", "--json",
                            "--over", "leader.martyrdom_valuation=-0.5:0.5"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert {s["strategy"] for s in data["strategies"]} == {"maximal-pressure", "limited-deal"}
    r = runner.invoke(app, ["robust", FLAG, "--strategies", "nope"])
    assert r.exit_code == 2 and "not a built-in strategy" in r.output
    r = runner.invoke(app, ["robust", FLAG, "--types", "hawk:1"])
    assert r.exit_code == 2 and "unknown profile" in r.output


def test_ema_workbench_runs_the_model():
    ema = pytest.importorskip("ema_workbench")
    from compellence.connectors.ema import ema_model

    model = ema_model(load_scenario(FLAG), {"leader.identity_weight": (0.2, 1.5)},
                      levers={"coercer.demand": (0.3, 1.0)}, runs=60)
    with ema.SequentialEvaluator(model) as ev:
        experiments, outcomes = ev.perform_experiments(scenarios=3, policies=2)
    assert len(experiments) == 6
    assert all(((v >= 0) & (v <= 1)).all() for v in outcomes.values())
    assert os.environ.get(KILL_POINT_ENV) is None
