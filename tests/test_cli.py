"""The command line as a user runs it."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from compellence import __version__
from compellence.cli import app

runner = CliRunner()


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and __version__ in r.output


def test_run_prints_outcomes_terms_and_caveat():
    r = runner.invoke(app, ["run", "iran-2025-surrender", "--runs", "500"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    for word in ("capitulation", "deal", "95% interval", "identity", "sacred", "not a forecast"):
        assert word in r.output


def test_run_summary_does_not_import_pandas():
    """`compellence run` printing a summary keeps its per-run results as NumPy columns: pandas
    (about 0.4 s of start-up) is imported only for a table that is asked for (--out, the
    API's DataFrames). A fresh process, so no earlier test has imported it."""
    import subprocess
    import sys

    code = ("import sys\nfrom compellence.cli import app\n"
            "sys.argv = ['compellence', 'run', 'iran-2025-surrender', '--runs', '300']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print('PANDAS', 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "Outcomes at the horizon" in out
    assert out.strip().splitlines()[-1] == "PANDAS False"


def test_the_console_script_exits_without_collecting_what_it_loaded(tmp_path):
    """The console entry freezes the garbage collector's objects at exit, after the command
    (the kernel and its registries loaded: well over 5e4 objects), so the interpreter's
    shutdown does not traverse them (about 0.3 s of start-up, benchmarks/results/startup.txt);
    what the command wrote is complete."""
    import subprocess
    import sys

    out_file = tmp_path / "runs.parquet"
    code = ("import atexit, gc, sys\nfrom compellence.cli import app\n"
            "atexit.register(lambda: print('FROZEN', gc.get_freeze_count() > 50_000))\n"
            f"sys.argv = ['compellence', 'run', 'iran-2015-jcpoa', '--runs', '300', "
            f"'--out', {str(out_file)!r}]\n"
            "app()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "FROZEN True"
    frame = pd.read_parquet(out_file)
    assert len(frame) == 300 and frame["run"].tolist() == list(range(300))


def test_run_json_matches_the_engine():
    r = runner.invoke(app, ["run", "iran-2015-jcpoa", "--runs", "400", "--json"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert data["runs"] == 400
    shares = [v["share"] for v in data["outcomes"].values()]
    assert abs(sum(shares) - 1) < 1e-9
    lo, hi = data["outcomes"]["deal"]["ci95"]
    assert lo <= data["outcomes"]["deal"]["share"] <= hi
    assert set(data["term_means"]) == {"resist", "escalate", "deal", "capitulate"}


def test_run_writes_parquet_and_csv(tmp_path):
    for suffix in (".parquet", ".csv"):
        path = tmp_path / f"out{suffix}"
        r = runner.invoke(app, ["run", "iran-2015-jcpoa", "--runs", "300", "--out", str(path)])
        assert r.exit_code == 0, r.output
        frame = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path)
        assert len(frame) == 300 and {"run", "outcome", "rounds"} <= set(frame.columns)


def test_run_with_set_override_changes_the_result():
    base = json.loads(runner.invoke(app, ["run", "iran-2015-jcpoa", "--runs", "500",
                                          "--json"]).output)
    hard = json.loads(runner.invoke(app, ["run", "iran-2015-jcpoa", "--runs", "500", "--json",
                                          "--set", "coercer.demand=1.0",
                                          "--set", "coercer.aims.core_value=1.0"]).output)
    assert hard["outcomes"]["deal"]["share"] < base["outcomes"]["deal"]["share"]


def test_explain_decomposes_one_decision():
    r = runner.invoke(app, ["explain", "iran-2025-surrender", "--run", "3", "--round", "0",
                            "--json"])
    assert r.exit_code == 0, r.output
    dec = json.loads(r.output)
    total = [sum(dec["terms"][t][a] for t in dec["terms"]) for a in range(4)]
    assert total == __import__("pytest").approx(dec["utility"])
    assert abs(sum(dec["probabilities"]) - 1) < 1e-9
    r = runner.invoke(app, ["explain", "iran-2025-surrender"], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "probability" in r.output


def test_claims_json_and_exit_code():
    """Exit 0 when every claim is computed and reported, whatever the verdicts;
    --require-hold exits 1 unless every claim holds."""
    r = runner.invoke(app, ["claims", "--runs", "200", "--seed", "5", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data["claims"]) == 9
    assert all({"essay", "contrast", "rival", "threshold", "runs", "quantity", "passage",
                "verdict", "attribution"} <= set(c) for c in data["claims"])
    assert data["all_hold"] == all(c["verdict"] == "holds" for c in data["claims"])
    r2 = runner.invoke(app, ["claims", "--runs", "200", "--seed", "5", "--require-hold"],
                       env={"COLUMNS": "200"})
    assert r2.exit_code == (0 if data["all_hold"] else 1)
    assert "verdict" in r2.output


def test_scenarios_and_schema():
    r = runner.invoke(app, ["scenarios"], env={"COLUMNS": "200"})
    assert r.exit_code == 0 and "iran-2025-surrender" in r.output
    r = runner.invoke(app, ["schema"])
    assert r.exit_code == 0 and "Leader" in json.loads(r.output)["$defs"]


def test_run_writes_trajectory_quantiles(tmp_path):
    path = tmp_path / "traj.csv"
    r = runner.invoke(app, ["run", "iran-2018-max-pressure", "--runs", "300",
                            "--trajectories", str(path)])
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(path)
    assert {"variable", "round", "median", "q05", "q95"} <= set(frame.columns)
    assert frame["round"].max() == 24
