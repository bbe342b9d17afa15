"""No NaN or inf in, none out; strict JSON; sweeps that never mislabel results; provenance.

The property tests put a distribution on every numeric field (beta at its edges
included) and assert that every output is finite: the only undefined figures are the
per-run legacy columns in runs where no legacy was set (NaN there, null in JSON).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from compellence import provenance
from compellence.analysis import design as dz
from compellence.analysis.store import Store, experiment_id, points_digest
from compellence.analysis.sweep import SweepError, point_seed, run_sweep
from compellence.cli import app
from compellence.engine import simulate
from compellence.scenario.loader import ScenarioError, load_scenario

FLAG = "iran-2025-surrender"
FIELDS = dz.numeric_parameters()
runner = CliRunner()


def _takes_distribution(path: str) -> bool:
    lo, hi = FIELDS[path][:2]
    try:
        load_scenario(FLAG, {path: {"dist": "uniform", "low": lo, "high": hi}})
    except ScenarioError:
        return False  # a plain number only (the learning coercer's settings)
    return True


DIST_FIELDS = sorted(p for p in FIELDS if _takes_distribution(p))


def _strict(text: str) -> object:
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))


# ---- NaN and inf are refused wherever a number is read --------------------------------

@pytest.mark.parametrize("field,value", [
    ("leader.identity_weight", float("nan")),
    ("coercer.demand", float("inf")),
    ("dynamics.war_cost", float("-inf")),
    ("round_months", float("inf")),
    ("game.prior", [float("nan"), float("nan")]),
    ("game.menu", [{"label": "m", "demand": float("nan")}]),
    ("leader.martyrdom_valuation", {"dist": "uniform", "low": float("nan"), "high": 0.5}),
    ("leader.identity_weight", {"dist": "normal", "mean": 1.0, "sd": float("inf")}),
    ("coercer.relief", {"dist": "beta", "a": float("nan"), "b": 1.0}),
    ("coercer.face_saving", {"dist": "triangular", "low": 0, "mode": float("nan"),
                             "high": 1}),
    ("coercer.demand", {"dist": "choice", "values": [0.2, 0.8],
                        "weights": [float("nan"), 1.0]}),
    ("coercer.demand", {"dist": "choice", "values": [float("nan")]}),
    ("coercer.pressure.sanctions", {"schedule": [[0, float("nan")]]}),
    ("coercer.learning.prior_cost_benefit", float("nan")),
])
def test_nan_and_inf_are_refused_in_scenario_fields(field, value):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(FLAG, {field: value})
    assert field.split(".")[0] in str(exc.value) and "finite" in str(exc.value)


@pytest.mark.parametrize("args", [
    ["run", FLAG, "--set", "leader.identity_weight=nan"],
    ["run", FLAG, "--set", "coercer.demand=inf"],
    ["run", FLAG, "--set", "game.prior=[nan, nan]"],
    ["run", FLAG, "--set", 'coercer.relief={dist = "beta", a = nan, b = 1}'],
    ["game", FLAG, "--prior", "nan"],
    ["game", FLAG, "--lambda", "inf"],
    ["sweep", FLAG, "--param", "leader.identity_weight=nan:1:3", "--out", "/dev/null/x.db"],
    ["sweep", FLAG, "--param", "leader.identity_weight=0:inf:3", "--out", "/dev/null/x.db"],
])
def test_nan_on_the_command_line_is_one_line_and_exit_2(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    text = res.output.lower()
    assert "traceback" not in text
    assert any(w in text for w in ("finite", "range", "inverted", "less than")), res.output


# ---- no NaN or inf in any output ------------------------------------------------------

def _assert_finite_outputs(res) -> None:
    runs = res.runs
    for col in runs.select_dtypes("number").columns:
        values = runs[col].to_numpy(float)
        if col in ("legacy", "legacy_if_capitulated"):
            # a legacy is undefined (NaN, null in JSON) in runs where it was never set;
            # where set, it is an index in [0, 1]
            values = values[~np.isnan(values)]
            assert ((values >= 0) & (values <= 1)).all(), col
        else:
            bad = ~np.isfinite(values)
            assert not bad.any(), f"{col}: {int(bad.sum())} non-finite values"
    assert np.isfinite(res.term_means().to_numpy()).all()
    table = res.outcome_table()
    assert np.isfinite(table[["share", "ci_low", "ci_high"]].to_numpy()).all()
    json.dumps(res.to_dict(), allow_nan=False)  # strict JSON without any cleaning


def test_most_numeric_fields_take_distributions():
    assert len(DIST_FIELDS) >= 60 and all(not p.startswith("coercer.learning")
                                          for p in DIST_FIELDS)


@pytest.mark.parametrize("path", DIST_FIELDS)
def test_beta_at_its_edges_on_every_numeric_field(path):
    lo, hi = FIELDS[path][:2]
    sc = load_scenario(FLAG, {path: {"dist": "beta", "a": 0.01, "b": 0.01, "low": lo,
                                     "high": hi}, "horizon": 6})
    _assert_finite_outputs(simulate(sc, runs=200, seed=1))


def _dist(lo: float, hi: float):
    edge = st.sampled_from([1e-3, 0.01, 0.5, 1.0, 50.0, 1e3])
    inner = st.floats(lo, hi, allow_nan=False)
    return st.one_of(
        st.tuples(inner, inner).map(lambda t: {"dist": "uniform", "low": min(t),
                                               "high": max(t)}),
        st.tuples(edge, edge, st.booleans()).map(lambda t: {
            "dist": "beta", "a": t[0], "b": t[1], "low": lo,
            "high": hi if t[2] else lo + (hi - lo) / 2}),
        st.tuples(inner, st.floats(1e-6, 1e3)).map(lambda t: {"dist": "normal",
                                                             "mean": t[0], "sd": t[1]}),
        st.lists(inner, min_size=1, max_size=4).map(lambda v: {"dist": "choice",
                                                                "values": v}),
        st.just({"dist": "triangular", "low": lo, "mode": hi, "high": hi}),
    )


@st.composite
def _overrides(draw):
    names = draw(st.lists(st.sampled_from(DIST_FIELDS), min_size=1, max_size=4,
                          unique=True))
    return {p: draw(_dist(*FIELDS[p][:2])) for p in names}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(over=_overrides(), seed=st.integers(0, 2**32), name=st.sampled_from(
    ["iran-2025-surrender", "iran-2015-jcpoa", "iran-2026-succession",
     "iran-2025-bayesian-coercer"]))
def test_distributions_on_any_fields_give_finite_outputs(over, seed, name):
    sc = load_scenario(name, {**over, "horizon": 6})
    _assert_finite_outputs(simulate(sc, runs=150, seed=seed))


@pytest.mark.parametrize("args", [
    ["run", FLAG, "--runs", "300", "--json"],
    ["run", FLAG, "--runs", "300", "--json", "--set", "mechanisms.leader_profile=false"],
    ["explain", FLAG, "--json"],
    ["compare", FLAG, "limited-deal", "--runs", "200", "--json"],
])
def test_json_output_is_strict_and_stamped(args):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    data = _strict(res.stdout)
    assert data["provenance"]["model_version"] == provenance.MODEL_VERSION
    assert data["provenance"]["rng_scheme"] == provenance.RNG_SCHEME


def test_strict_json_turns_undefined_figures_into_null():
    from compellence.report.jsonout import dumps

    assert _strict(dumps({"a": float("nan"), "b": [np.float64("inf"), 1.5]})) == \
        {"a": None, "b": [None, 1.5]}


# ---- provenance on every output -------------------------------------------------------

def test_provenance_constants_live_in_one_place():
    s = provenance.stamp()
    assert s["package_version"] == provenance.PACKAGE_VERSION
    assert s["model_version"] == provenance.MODEL_VERSION
    assert s["rng_scheme"] == provenance.RNG_SCHEME
    assert all(isinstance(v, str) and v for v in s.values())


def test_parquet_and_report_are_stamped(tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "r.parquet"
    assert runner.invoke(app, ["run", FLAG, "--runs", "200", "--out", str(out)]).exit_code == 0
    meta = json.loads(pq.read_schema(out).metadata[b"compellence"])
    assert meta == provenance.stamp()
    from compellence.report.html import build_report

    sc = load_scenario(FLAG)
    html = build_report([sc], [simulate(sc, runs=100, trajectories=True)], [sc.name])
    assert provenance.RNG_SCHEME in html and f"model {provenance.MODEL_VERSION}" in html


@pytest.mark.parametrize("version,message", [(2, "written for scenario format 2"),
                                             ("one", "expected a positive integer"),
                                             (0, "expected a positive integer")])
def test_schema_version_of_a_scenario_file(tmp_toml, version, message):
    path = tmp_toml(f'extends = "{FLAG}"\nschema_version = {json.dumps(version)}\n')
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    assert "schema_version" in str(exc.value) and message in str(exc.value)
    assert load_scenario(tmp_toml(f'extends = "{FLAG}"\nschema_version = 1\n')).name


# ---- sweeps never mislabel results ----------------------------------------------------

def _grid():
    return dz.grid([dz.parse_param("leader.identity_weight=0.2:1.4:2", True),
                    dz.parse_param("coercer.face_saving=0:0.8:2", True)])


def _sweep(store, **kw):
    return run_sweep(load_scenario(FLAG, {"horizon": 6}), _grid(), store, runs=60, seed=5,
                     batch=2, **kw)


def test_experiment_id_covers_points_and_versions():
    d = _grid()
    seeds = [point_seed(5, k) for k in range(len(d.points))]
    base = experiment_id("{}", d.spec, 5, 60, points_digest(d.points, seeds))
    moved = d.points.copy()
    moved.iloc[1, 0] += 1e-12
    assert experiment_id("{}", d.spec, 5, 60, points_digest(moved, seeds)) != base
    assert experiment_id("{}", d.spec, 5, 60, points_digest(d.points, seeds[::-1])) != base
    other = {**provenance.stamp(), "model_version": "other"}
    assert experiment_id("{}", d.spec, 5, 60, points_digest(d.points, seeds), other) != base


def test_a_new_model_version_starts_a_new_experiment(tmp_path, monkeypatch):
    store = Store(tmp_path / "r.duckdb")
    first = _sweep(store)
    monkeypatch.setattr(provenance, "MODEL_VERSION", "next")
    second = _sweep(store)
    assert second.experiment != first.experiment and second.computed == second.total
    versions = set(store.experiments()["model_version"])
    assert versions == {"next", first_version()}


def first_version() -> str:
    import importlib

    return importlib.reload(provenance).MODEL_VERSION


def test_resume_refuses_a_stored_design_that_differs(tmp_path):
    store = Store(tmp_path / "r.duckdb")
    res = _sweep(store)
    store.con.execute("update points set params = ? where experiment = ? and point = 1",
                      [json.dumps({"leader.identity_weight": 0.7, "coercer.face_saving": 0.0}),
                       res.experiment])
    with pytest.raises(SweepError, match="differs from the stored one at point 1"):
        _sweep(store)
    store.con.execute("delete from points where experiment = ? and point = 3",
                      [res.experiment])
    with pytest.raises(SweepError, match="stores 3 design points"):
        _sweep(store)


def test_resume_refuses_to_mix_versions(tmp_path):
    store = Store(tmp_path / "r.duckdb")
    res = _sweep(store)
    store.con.execute("update experiments set rng_scheme = 'old' where id = ?",
                      [res.experiment])
    with pytest.raises(SweepError, match="rng_scheme 'old'"):
        _sweep(store)


def test_a_version_1_results_file_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    store = Store(path)
    res = _sweep(store)
    store.con.execute("alter table experiments drop column model_version")
    store.con.execute("alter table experiments drop column rng_scheme")
    store.con.execute("update meta set value = '1' where key = 'schema_version'")
    store.close()
    again = Store(path)
    assert again.provenance(res.experiment)["model_version"].startswith("unknown")
    assert len(again.table(res.experiment)) == 4
    with pytest.raises(SweepError, match="model_version"):
        _sweep(again)


def test_finite_values_are_what_the_store_keeps(tmp_path):
    store = Store(tmp_path / "r.duckdb")
    res = _sweep(store)
    table = store.table(res.experiment)
    assert all(math.isfinite(v) for v in table.select_dtypes("number").to_numpy().ravel())


def test_a_version_2_results_file_gains_the_coercer_outcomes(tmp_path):
    path = tmp_path / "v2.duckdb"
    store = Store(path)
    res = _sweep(store)
    for col in ("backed_down", "removed"):
        store.con.execute(f"alter table aggregates drop column {col}")
    store.con.execute("update meta set value = '2' where key = 'schema_version'")
    store.close()
    again = Store(path)
    table = again.table(res.experiment)
    assert {"backed_down", "removed"} <= set(table.columns)
    assert table["backed_down"].isna().all()      # old rows: the model had no such outcome
