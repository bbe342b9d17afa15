"""Usability edges (issue 16): a fast start, intervals where decisions are made, tables that
fit 80 columns, numbers for people, help for every option, inputs that are easy to find."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer.main
from typer.testing import CliRunner

from compellence.analysis import intervals as iv
from compellence.analysis.design import DesignError
from compellence.analysis.robust import parse_types
from compellence.cli import app, fmt
from compellence.engine.results import wilson as engine_wilson

runner = CliRunner()
NARROW = {"COLUMNS": "80"}
FLAG = "iran-2025-surrender"
HEAVY = ("scipy.stats", "pandas", "numba", "duckdb", "matplotlib")
DATA = Path("/work/shared/data/coercion")


def _invoke(args: list[str], code: int = 0) -> str:
    r = runner.invoke(app, args, env=NARROW)
    assert r.exit_code == code, r.output
    return r.output


def _fits(text: str) -> None:
    """Every line within 80 columns, nothing cut with '…', no nan or -0.000."""
    for line in text.splitlines():
        assert len(line) <= 80, line
    assert "…" not in text
    assert "nan" not in text.replace("nance", "")  # 'governance' etc. are words
    assert "-0.000" not in text and "+-" not in text


# --- a fast start ----------------------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_nothing_heavy(flag):
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules]))\n"
            f"sys.argv = ['compellence', {flag!r}]\n"
            "from compellence.cli import app\n"
            "app()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120, env={**__import__("os").environ, "COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    assert "HEAVY []" in r.stdout, r.stdout


# --- the interval module ---------------------------------------------------------------------

@pytest.mark.parametrize(("k", "n"), [(0, 10), (3, 10), (10, 10), (1, 1000), (512, 1000)])
def test_wilson_agrees_with_scipy(k, n):
    w = iv.share(k, n)
    lo, hi = engine_wilson(k, n)
    assert w.low == pytest.approx(lo, abs=1e-12) and w.high == pytest.approx(hi, abs=1e-12)
    cp = iv.share(k, n, method="clopper-pearson")
    assert 0 <= cp.low <= cp.estimate <= cp.high <= 1
    assert 0 <= w.low <= w.estimate <= w.high <= 1


def test_clopper_pearson_reference_value():
    cp = iv.share(3, 10, method="clopper-pearson")  # the textbook exact interval
    assert cp.low == pytest.approx(0.0667, abs=1e-4) and cp.high == pytest.approx(0.6525,
                                                                                 abs=1e-4)


def test_share_rejects_impossible_counts_and_handles_no_runs():
    with pytest.raises(ValueError, match="0 <= k <= n"):
        iv.share(5, 3)
    assert math.isnan(iv.share(0, 0).estimate)


def test_mean_interval_covers_and_the_bootstrap_agrees_with_the_normal():
    x = np.random.default_rng(1).normal(2.0, 1.0, 400)
    normal, boot = iv.mean(x), iv.mean(x, method="bootstrap", seed=3)
    assert normal.contains(2.0) or abs(normal.estimate - 2.0) < 0.2
    assert boot.low == pytest.approx(normal.low, abs=0.03)
    assert boot.high == pytest.approx(normal.high, abs=0.03)


def test_tie_rule():
    rng = np.random.default_rng(0)
    a = rng.normal(0.4, 0.05, 40)
    assert iv.tie(iv.paired_difference(a, a + rng.normal(0, 1e-3, 40)))
    assert not iv.tie(iv.paired_difference(a + 0.2, a))
    assert iv.leaders({"A": a, "B": a.copy()}, np.mean) == ["A", "B"]
    assert iv.leaders({"A": a, "B": a + 0.2}, np.mean) == ["B"]
    assert iv.leaders({"A": a, "B": a + 0.2}, np.max, higher_is_better=False) == ["A"]
    assert iv.shares_tie(398, 1000, 398, 1000) and not iv.shares_tie(100, 1000, 300, 1000)


# --- numbers for people ----------------------------------------------------------------------

def test_numbers_for_people():
    assert fmt.num(float("nan")) == "—" and fmt.num(None) == "—"
    assert fmt.num(-0.0001) == "0.000" and fmt.num(-0.0001, signed=True) == "+0.000"
    assert fmt.count(10.0) == "10" and fmt.count(1234) == "1,234"
    assert fmt.text_value({"a": 1.0, "b": True}) == "a 1.000, b yes"
    assert fmt.pct(0.366) == "36.6%"


# --- robust: weights and ties ----------------------------------------------------------------

def test_types_weights_must_sum_to_one():
    assert parse_types("identity-committed,cost-benefit") == {
        "identity-committed": 0.5, "cost-benefit": 0.5}
    assert parse_types("identity-committed:0.7,cost-benefit:0.3")["cost-benefit"] == 0.3
    for bad, msg in (("identity-committed:0.6,cost-benefit:0.5", "must sum to 1"),
                     ("identity-committed:0.6,cost-benefit", "every type"),
                     ("cost-benefit:1.5", r"\[0, 1\]")):
        with pytest.raises(DesignError, match=msg):
            parse_types(bad)
    out = _invoke(["robust", FLAG, "--types", "identity-committed:0.6,cost-benefit:0.5"], 2)
    assert "must sum to 1" in out and "1.1" in out


def test_robust_calls_a_tie_a_tie_and_fits_80_columns(tmp_path):
    from importlib import resources

    text = resources.files("compellence.scenario.strategies").joinpath(
        "limited-deal.toml").read_text("utf-8").replace('name = "limited-deal"',
                                                        'name = "limited-deal-copy"')
    copy = tmp_path / "limited-deal-copy.toml"
    copy.write_text(text)
    args = ["robust", FLAG, "--strategies", f"limited-deal,{copy}", "--samples", "4",
            "--runs", "40"]
    out = _invoke(args)
    _fits(out)
    assert "Best by mean value: tie: " in out and "limited-deal-copy" in out
    data = json.loads(_invoke([*args, "--json"]))
    assert sorted(data["best"]["mean_value"]) == ["limited-deal", "limited-deal-copy"]
    ci = data["strategies"][0]["intervals"]["mean_value"]["ci"]
    assert ci[0] <= data["strategies"][0]["mean_value"] <= ci[1]


# --- inputs easy to find ---------------------------------------------------------------------

def test_params_lists_every_numeric_parameter_with_unit_range_and_mechanism():
    from compellence.scenario.schema import Scenario

    data = json.loads(_invoke(["params", "--json"]))
    names = {p["name"] for p in data["parameters"]}
    assert {"leader.identity_weight", "coercer.pressure.leader_threat",
            "dynamics.war_cost"} <= names
    schema = json.dumps(Scenario.model_json_schema())
    for p in data["parameters"]:
        assert p["unit"] and p["mechanism"] and p["low"] < p["high"]
        assert p["name"].rsplit(".", 1)[-1] in schema
    out = _invoke(["params", "leader.identity"])
    _fits(out)
    assert "leader.identity_weight" in out and "M1" in out and "0–3" in out
    assert "error" in _invoke(["params", "nothing.here"], 2)


def test_scenarios_show_prints_a_loadable_file_and_strategies_are_listed():
    text = _invoke(["scenarios", "--show", "iran-2015-jcpoa"])
    assert tomllib.loads(text)["name"] == "iran-2015-jcpoa"
    assert "not a built-in scenario" in _invoke(["scenarios", "--show", "nope"], 2)
    _fits(_invoke(["scenarios"]))
    names = [s["name"] for s in json.loads(_invoke(["strategies", "--json"]))]
    assert {"limited-deal", "maximal-pressure"} <= set(names)
    out = _invoke(["strategies"])
    _fits(out)
    assert "[coercer]" in out  # rich markup must not eat it
    shown = tomllib.loads(_invoke(["strategies", "--show", "limited-deal"]))
    assert shown["coercer"]["demand"] == 0.4


def test_explain_says_how_the_run_ended(tmp_path):
    path = tmp_path / "runs.csv"
    _invoke(["run", FLAG, "--runs", "6", "--out", str(path)])
    frame = pd.read_csv(path)
    for k in (2, 5):
        dec = json.loads(_invoke(["explain", FLAG, "--run", str(k), "--json"]))
        assert dec["ending"]["outcome"] == frame.loc[k, "outcome"]
        assert dec["ending"]["rounds"] == frame.loc[k, "rounds"]
    out = _invoke(["explain", FLAG, "--run", "2"])
    _fits(out)
    assert f"How run 2 ended: {frame.loc[2, 'outcome']}" in out


def test_per_run_output_has_the_sampled_parameters(tmp_path):
    from compellence.cli.catalog import parameters

    path = tmp_path / "runs.parquet"
    _invoke(["run", "generic-sanctions", "--runs", "300", "--out", str(path)])
    frame = pd.read_parquet(path)
    ranges = {p.name: (p.low, p.high) for p in parameters()}
    sampled = [c for c in frame.columns if c in ranges]
    assert "leader.identity_weight" in sampled
    for c in sampled:
        lo, hi = ranges[c]
        assert frame[c].between(lo, hi).all() and frame[c].nunique() > 100


def test_compare_seed_set_what_differs_and_bs_own_description(tmp_path):
    report = tmp_path / "c.html"
    args = ["compare", FLAG, "limited-deal", "--runs", "200", "--seed", "7",
            "--set", "leader.identity_weight=0.5"]
    data = json.loads(_invoke([*args, "--json", "--report", str(report)]))
    fields = {d["field"] for d in data["what_differs"]}
    assert "coercer.demand" in fields and "leader.identity_weight" not in fields
    assert data["a"]["seed"] == data["b"]["seed"] == 7
    html = report.read_text()
    assert "Strategy &#x27;limited-deal&#x27;: A limited, face-saving deal" in html
    out = _invoke(args)
    _fits(out)
    assert "What differs" in out and "B − A" in out
    other = json.loads(_invoke(["compare", FLAG, "iran-2015-jcpoa", "--runs", "200", "--json",
                                "--seed", "8"]))
    assert other["a"]["seed"] == 8


# --- tables that fit, intervals in sweeps and sensitivity ------------------------------------

def test_run_and_results_show_fit_80_columns_with_intervals(tmp_path, monkeypatch):
    out = _invoke(["run", FLAG, "--runs", "300"])
    _fits(out)
    assert "Leader killed in confrontation: 0." in out and "[" in out.split("killed")[1]
    db = tmp_path / "r.duckdb"
    _invoke(["sweep", FLAG, "--param", "leader.martyrdom_valuation=-0.5:0.8:2",
             "--param", "coercer.demand=0.3:1:2", "--runs", "30", "--out", str(db)])
    out = _invoke(["results", "show", str(db)])
    _fits(out)
    assert "x1 = leader.martyrdom_valuation" in out and "±" in out
    data = json.loads(_invoke(["results", "show", str(db), "--json"]))
    p = data["points"][0]
    assert p["ci95"]["deal"][0] <= p["deal"] <= p["ci95"]["deal"][1]
    _fits(_invoke(["results", "list", str(db)]))
    # a PRIM run that restricts nothing is said in words, not printed as an empty table
    from compellence.analysis import discovery

    empty = discovery.Box(pd.DataFrame(columns=["low", "high"]), 1.0, 0.5, 1.0, 2,
                          pd.DataFrame())
    monkeypatch.setattr(discovery, "discover", lambda *a, **k: empty)
    out = _invoke(["discover", str(db), "--outcome", "deal", "--threshold", "0.5"])
    _fits(out)
    assert "PRIM found no box" in out and "┏" not in out
    assert json.loads(_invoke(["discover", str(db), "--json"]))["limits"] == {}


def test_sobol_warns_when_n_is_small(tmp_path):
    db = tmp_path / "s.duckdb"
    args = ["sensitivity", "iran-2015-jcpoa", "--param", "coercer.demand=0.2:1",
            "--param", "coercer.relief=0:1", "--n", "4", "--runs", "10", "--out", str(db)]
    out = _invoke(args)
    _fits(out)
    assert "Do not rank on these indices" in out and "N = 4" in out and "±" in out
    data = json.loads(_invoke([*args, "--json"]))
    assert data["warnings"] and {"S1", "S1_conf", "ST", "ST_conf"} <= set(data["indices"][0])


@pytest.mark.skipif(not (DATA / "TIESv4-1.xls").exists(), reason="needs the TIES data set")
def test_base_rates_have_intervals():
    data = json.loads(_invoke(["data", "baserates", "--ties", str(DATA / "TIESv4-1.xls"),
                               "--json"]))
    lo, hi = data["ci95"]["ties"]["acquiesced"]
    assert lo < data["ties"]["acquiesced"] < hi and hi - lo < 0.1
    assert "cases_coded" not in data["ci95"]["ties"]
    out = _invoke(["data", "baserates", "--ties", str(DATA / "TIESv4-1.xls")])
    _fits(out)
    assert "95% interval" in out


# --- help that helps -------------------------------------------------------------------------

def _commands(cmd, path=()):
    if hasattr(cmd, "commands"):
        for name, sub in cmd.commands.items():
            yield from _commands(sub, (*path, name))
    else:
        yield path, cmd


def test_every_option_has_help_and_json_is_everywhere():
    exempt_json = {("app",), ("schema",)}  # a server; JSON itself
    for path, cmd in _commands(typer.main.get_command(app)):
        assert cmd.help, path
        for p in cmd.params:
            assert (getattr(p, "help", None) or "").strip(), (path, p.opts)
        if path not in exempt_json:
            assert any("--json" in p.opts for p in cmd.params), path


def test_help_keeps_brackets_and_shows_no_type_hints_for_flags():
    out = _invoke(["robust", "--help"])
    assert "[coercer]" in out
    for args in (["--help"], ["run", "--help"], ["sweep", "--help"], ["compare", "--help"]):
        out = _invoke(args)
        assert "<bool>" not in out and "<list[str]>" not in out, args


# --- the two small bugs ----------------------------------------------------------------------

def test_fearon_settlement_range_caps_at_the_whole_good():
    from compellence.game.fearon import settlement_range

    lo, hi = settlement_range(0.8, 0.1, 0.3)
    assert lo == pytest.approx(0.7, abs=1e-9) and hi == 1.0
    lo, hi = settlement_range(0.05, 0.1, 0.1)
    assert lo == 0.0 and hi == pytest.approx(0.15, abs=1e-9)


def test_gambit_check_skips_rather_than_reporting_a_false_mismatch():
    pytest.importorskip("pygambit")
    data = json.loads(_invoke(["game", FLAG, "--prior", "0", "--check-gambit", "--json"]))
    check = data["gambit_check"]
    assert "qre_max_abs_diff" not in check and "λ = 0" in check["qre_skipped"]
    data = json.loads(_invoke(["game", FLAG, "--prior", "0.5", "--check-gambit", "--json"]))
    assert data["gambit_check"]["qre_max_abs_diff"] < 1e-6
