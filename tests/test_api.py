"""The public Python API (issue 18): its surface, its docstring examples, its tables, its
files and figures, the CLI as a shell over it, and the example notebooks."""

from __future__ import annotations

import doctest
import json
import runpy
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from typer.testing import CliRunner

import compellence as c
from compellence import api, extras
from compellence.cli import app
from compellence.report.jsonout import finite

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("[0-9]*.py"))
FLAG = "iran-2025-surrender"
runner = CliRunner()

#: The public surface. Changing it is an API change: update this list, the CHANGELOG and
#: docs/api.md together.
PUBLIC = ["BacktestResult", "Claims", "Decision", "GameAnalysis", "MissingExtra", "Results",
          "ScenarioError", "Sweep", "__version__", "backtest", "claims", "explain", "game",
          "load", "run", "run_outcomes", "scenarios", "sweep"]


@pytest.fixture(scope="module")
def solved() -> api.GameAnalysis:
    """The flagship's game, solved once for the tests below (a solve takes seconds)."""
    return c.game(FLAG)


def test_the_public_surface_is_pinned(solved):
    assert sorted(c.__all__) == sorted(PUBLIC)
    for name in PUBLIC:
        assert getattr(c, name) is not None, name
    with pytest.raises(AttributeError, match="no attribute 'simulate'"):
        c.simulate  # noqa: B018
    # compellence.game is the subpackage and the API's game() at once: neither shadows the
    # other, whichever is imported first
    import compellence.game.tree as tree

    assert callable(c.game) and tree.build_game
    assert isinstance(solved, api.GameAnalysis)


def test_every_public_function_and_class_has_a_docstring_with_an_example():
    for name in PUBLIC:
        obj = getattr(c, name)
        if name == "game":
            obj = api.game
        if name == "__version__" or isinstance(obj, type):
            if isinstance(obj, type):
                assert (obj.__doc__ or "").strip(), name
            continue
        assert ">>>" in (obj.__doc__ or ""), f"{name} has no example in its docstring"


@pytest.mark.parametrize("module", [api, extras])
def test_docstring_examples_run(module):
    """Every example in the API's docstrings runs (none skipped)."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_import_compellence_imports_nothing_heavy():
    code = ("import sys, compellence\n"
            "print([m for m in ('pandas', 'numba', 'scipy', 'matplotlib', 'duckdb') "
            "if m in sys.modules])\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    assert c.__version__ == version("compellence")
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{c.__version__}"' in text


@pytest.fixture(scope="module")
def flagship() -> api.Results:
    return c.run(FLAG, runs=800, seed=3)


def test_tables_are_tidy_with_intervals(flagship):
    out = flagship.outcomes
    assert list(out["outcome"]) == list(c.run_outcomes())
    assert out["runs"].sum() == 800
    assert ((out["ci_low"] <= out["share"]) & (out["share"] <= out["ci_high"])).all()
    ev = flagship.events.set_index("event")
    assert {"leader_killed", "succession", "mean_escalations"} <= set(ev.index)
    assert (ev["ci_low"] <= ev["estimate"]).all() and (ev["estimate"] <= ev["ci_high"]).all()
    terms = flagship.terms
    assert list(terms.columns) == ["term", "action", "mean"]
    assert len(terms) == terms["term"].nunique() * 4
    assert len(flagship.runs) == 800
    # the same figures the engine reports
    assert flagship.share("deal") == pytest.approx(out.set_index("outcome").loc["deal", "share"])


def test_same_seed_same_numbers_and_overrides_change_them(flagship):
    again = c.run(FLAG, runs=800, seed=3)
    pd.testing.assert_frame_equal(again.outcomes, flagship.outcomes)
    low = c.run(c.load(FLAG, **{"leader.identity_weight": 0.0}), runs=800, seed=3)
    assert not low.outcomes.equals(flagship.outcomes)


def test_load_takes_dotted_keywords_a_set_dict_and_a_scenario():
    a = c.load(FLAG, **{"leader.identity_weight": 0.4})
    b = c.load(FLAG, set={"leader.identity_weight": 0.4})
    d = c.load(FLAG, leader__identity_weight=0.4)
    assert a.leader.identity_weight == b.leader.identity_weight == d.leader.identity_weight
    assert c.load(a, leader__rationality=2.0).leader.identity_weight == 0.4
    with pytest.raises(c.ScenarioError, match=r"leader\.no_such_field"):
        c.load(FLAG, **{"leader.no_such_field": 1})
    with pytest.raises(c.ScenarioError, match="no-such-scenario"):
        c.load("no-such-scenario")


def test_files_round_trip(flagship, tmp_path):
    flagship.to_parquet(tmp_path / "r.parquet")
    flagship.to_csv(tmp_path / "r.csv")
    back = pd.read_parquet(tmp_path / "r.parquet")
    import pyarrow.parquet as pq

    from compellence.provenance import stamp

    meta = pq.read_schema(tmp_path / "r.parquet").metadata[b"compellence"]
    assert json.loads(meta) == stamp() == flagship.to_dict()["provenance"]
    csv = pd.read_csv(tmp_path / "r.csv")
    assert len(back) == len(csv) == 800
    assert list(back["outcome"]) == list(flagship.runs["outcome"].astype(str))
    assert set(flagship.parameters.columns) <= set(back.columns)
    generic = c.run("generic-sanctions", runs=200, seed=1)  # samples its leader
    generic.to_parquet(tmp_path / "g.parquet")
    drawn = pd.read_parquet(tmp_path / "g.parquet")
    assert "leader.identity_weight" in generic.parameters.columns
    assert drawn["leader.identity_weight"].nunique() > 100
    assert len(generic.per_run(parameters=False).columns) < len(drawn.columns)


def test_html_and_figures(flagship):
    from matplotlib.figure import Figure

    page = flagship._repr_html_()
    assert "<table>" in page and "<svg" in page and "not a forecast" in page
    for o in c.run_outcomes():
        assert f"<td>{o}</td>" in page
    with pytest.raises(ValueError, match="trajectories=True"):
        flagship.plot_terms()
    by_round = c.run(FLAG, runs=100, seed=1, trajectories=True)
    for fig in (flagship.plot_outcomes(), flagship.plot_curves(), by_round.plot_terms()):
        assert isinstance(fig, Figure) and fig.axes


def test_trajectories_need_asking_for(flagship):
    with pytest.raises(ValueError, match="trajectories=True"):
        flagship.trajectories  # noqa: B018
    r = c.run(FLAG, runs=50, seed=1, trajectories=True)
    assert {"variable", "round", "median"} <= set(r.trajectories.columns)


def test_explain_rejects_a_round_the_run_did_not_reach():
    d = c.explain(FLAG, run=2)
    assert d.terms.loc["total"].tolist() == pytest.approx(list(d.record["utility"]))
    with pytest.raises(ValueError, match="made decisions in rounds 0"):
        c.explain(FLAG, run=2, round=10_000)


def test_claims_subset_and_changed_assumptions():
    base = c.claims(runs=200, seed=1, numbers=[1])
    changed = c.claims(runs=200, seed=1, numbers=[1], set={"leader.identity_weight": 0.25})
    assert list(base.verdicts) == [1] and changed.changes == {"leader.identity_weight": 0.25}
    # the changed assumption reaches the arms: the essay's figure moves
    assert changed.table.loc[0, "essay"] != base.table.loc[0, "essay"]
    with pytest.raises(ValueError, match="claims \\[42\\]"):
        c.claims(runs=200, numbers=[42])


def test_sweep_plot_and_errors(tmp_path):
    from matplotlib.figure import Figure

    s = c.sweep(FLAG, {"leader.identity_weight": (0.0, 1.0, 3)}, runs=60, seed=2,
                store=tmp_path / "s.duckdb")
    assert len(s.table) == 3 and isinstance(s.plot(), Figure)
    long = s.outcomes
    assert ((long["ci_low"] <= long["share"]) & (long["share"] <= long["ci_high"])).all()
    again = c.sweep(FLAG, {"leader.identity_weight": (0.0, 1.0, 3)}, runs=60, seed=2,
                    store=tmp_path / "s.duckdb")  # resumed: nothing recomputed
    pd.testing.assert_frame_equal(again.table, s.table)
    with pytest.raises(ValueError, match="needs n"):
        c.sweep(FLAG, {"leader.identity_weight": (0.0, 1.0)}, method="lhs")
    with pytest.raises(ValueError, match="not a numeric scenario parameter"):
        c.sweep(FLAG, {"leader.identity_wieght": (0.0, 1.0, 3)})
    with pytest.raises(ValueError, match="no sensitivity analysis"):
        s.sensitivity("deal")


def test_game_and_backtest_tables(solved):
    g = solved
    assert (g.qre.groupby("infoset")["probability"].sum() - 1).abs().max() < 1e-9
    b = c.backtest(runs=40, seed=1, as_coded=True, select=["2013-jcpoa"])
    assert b.episodes["id"].tolist() == ["2013-jcpoa"]
    assert set(b.scores["model"]) == {"model", "cost_benefit", "base_rate"}


def test_cli_run_explain_claims_print_what_the_api_returns(solved):
    r = runner.invoke(app, ["run", FLAG, "--runs", "300", "--seed", "4", "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output) == finite(c.run(FLAG, runs=300, seed=4).to_dict())
    r = runner.invoke(app, ["explain", FLAG, "--run", "1", "--json"])
    assert json.loads(r.output) == finite(c.explain(FLAG, run=1).to_dict())
    r = runner.invoke(app, ["game", FLAG, "--json"])
    assert json.loads(r.output) == finite(solved.to_dict())
    r = runner.invoke(app, ["explain", FLAG, "--run", "1", "--round", "9999"])
    assert r.exit_code == 2 and "--round 9999: run 1 made decisions" in r.output
    r = runner.invoke(app, ["claims", "--runs", "100", "--seed", "1", "--json"])
    assert json.loads(r.output)["verdicts"] == {str(k): v for k, v in
                                                c.claims(runs=100, seed=1).verdicts.items()}


def test_a_missing_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(extras.EXTRA_OF, "no_such_page_module", "app")
    with pytest.raises(c.MissingExtra, match=r"^the page needs no_such_page_module, which is "
                       r"not installed: pip install 'compellence\[app\]'$"):
        extras.require("no_such_page_module", "the page")
    with pytest.raises(ImportError, match=r"compellence\[all\]"):
        extras.require("no_such_module_at_all", "this")


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_run(path, tmp_path, monkeypatch):
    """Each example notebook (Jupytext percent format) runs top to bottom, its own checks
    included; never skipped."""
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(path), run_name="__main__")
    plt.close("all")


def test_there_are_examples():
    assert len(EXAMPLES) >= 3
