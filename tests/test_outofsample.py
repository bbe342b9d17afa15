"""Out-of-sample backtest on coded ICB rows: scores, splits by crisis, baselines, storage."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import need_data
from typer.testing import CliRunner

from compellence.analysis import outofsample as oos
from compellence.cli import app
from compellence.evidence import icb
from compellence.evidence import loaders as ld

runner = CliRunner()


def test_fold_floor_and_scores():
    # ongoing + war + collapse + backed_down, capitulation + removed, deal
    assert list(oos.fold(np.array([1, 2, 3, 4, 5.0, 6, 7]))) == [16, 9, 3]
    p = oos.floor(np.array([[1.0, 0.0, 0.0]]))
    assert p.min() >= oos.FLOOR * 0.99 and p.sum() == pytest.approx(1.0)
    s = oos.scores(np.array([[1.0, 0, 0], [0, 0, 1.0]]), np.array([0, 2]))
    assert s == {"accuracy": 1.0, "brier": 0.0, "log_score": 0.0}
    flat = oos.scores(np.full((2, 3), 1 / 3), np.array([0, 1]))
    assert flat["log_score"] == pytest.approx(np.log(3))
    rel = oos.reliability(np.full((4, 3), 1 / 3), np.array([0, 1, 2, 0]))
    assert rel["n"].sum() == 12 and rel["observed"].iloc[0] == pytest.approx(4 / 12)


@pytest.fixture(scope="module")
def small():
    """A small slice of the coded ICB rows, with tiny grids, so the test is cheap."""
    rows = icb.code_icb(ld.load_icb(need_data("icb2v14.csv")),
                        ld.load_archigos(need_data("archigos_v4.1.csv"))).rows
    rows = rows[rows["trigger_class"].isin(("non-military", "economic"))
                & (rows["violence"] == 1)]
    mp = pytest.MonkeyPatch()
    mp.setattr(oos, "MODEL_GRID", {"leader.identity_weight": (0.5, 1.0),
                                   "leader.rationality": (2.0,)})
    mp.setattr(oos, "COST_BENEFIT_GRID", {"leader.rationality": (1.0, 2.0)})
    mp.setattr(oos, "LOGIT_CS", (0.01, 0.1, 1.0))
    results, eng = oos.run_out_of_sample(rows, ("time", "region"), runs=60)
    yield rows.reset_index(drop=True), results, eng
    mp.undo()


def test_splits_are_by_crisis_and_cover_the_held_out_rows(small):
    rows, (time, region), eng = small
    (fold,) = time.folds
    assert (rows.iloc[fold.train]["year"] < 1990).all()
    assert (rows.iloc[fold.test]["year"] >= 1990).all()
    assert not set(rows.iloc[fold.train]["crisno"]) & set(rows.iloc[fold.test]["crisno"])
    assert region.n_test_rows == len(rows)   # every row is held out once
    for f in region.folds:
        assert not set(rows.iloc[f.train]["crisno"]) & set(rows.iloc[f.test]["crisno"])
    # one simulation per distinct configuration, profile and grid point, not per row
    assert len(eng.cache) < len(rows)


def test_every_forecaster_gives_proper_probabilities(small):
    _, (time, _), _ = small
    assert set(time.scores) == set(oos.FORECASTERS)
    for k, p in time.folds[0].forecasts.items():
        assert p.shape == (time.n_test_rows, 3), k
        np.testing.assert_allclose(p.sum(axis=1), 1.0)
        assert p.min() >= oos.FLOOR * 0.99
    fitted = time.folds[0].fitted
    assert fitted["logit_C"] > 0 and fitted["model"]["leader.rationality"] == 2.0
    assert set(fitted["security_seeking"]) == {"leader.rationality"}   # the rival: no identity
    base = time.folds[0].forecasts["base_rate"]
    assert np.allclose(base, base[0])   # the base rate is one forecast for every row


def test_a_cost_benefit_leader_keeps_his_identity_weight(small):
    rows, _, eng = small
    config = rows["config"].iloc[0]
    a = eng.shares(config, "cost-benefit", {"leader.rationality": 2.0,
                                            "leader.identity_weight": 2.0})
    b = eng.shares(config, "cost-benefit", {"leader.rationality": 2.0})
    assert a is b   # the refit's identity weight is not applied to him: one simulation
    s = eng.shares(config, "security-seeking", {"leader.rationality": 2.0,
                                                "leader.identity_weight": 2.0})
    assert s is eng.shares(config, "security-seeking", {"leader.rationality": 2.0})
    c = eng.shares(config, "identity-committed", {"leader.rationality": 2.0,
                                                  "leader.identity_weight": 2.0})
    assert np.isclose(c.sum(), 1.0) and np.isclose(a.sum(), 1.0)


def test_results_stored_in_duckdb_and_the_report_section(small, tmp_path):
    from compellence.analysis.oos_store import read_scores, write_results
    from compellence.analysis.store import StoreError
    from compellence.report.outofsample import section, section_from_store

    rows, results, eng = small
    db = tmp_path / "oos.duckdb"
    run_id = write_results(db, results, eng, len(rows), {"T1": 3}, "compellence test")
    assert write_results(db, results, eng, len(rows), {"T1": 3}, "again") == run_id
    stored = read_scores(db)
    assert len(stored) == 2 * len(oos.FORECASTERS)   # rerun replaced, not duplicated
    got = stored[(stored["split"] == "time") & (stored["forecaster"] == "logit")].iloc[0]
    assert got["log_score"] == pytest.approx(results[0].scores["logit"]["log_score"])
    html = section(results, len(rows), {"T1": 3}, "compellence test")
    assert "<svg" in html and "Reliability" in html and "demand_type" in html
    stored_html = section_from_store(db)   # what `compellence report --oos` shows
    assert stored_html.count("<svg") == 2 and "again" in stored_html
    with pytest.raises(StoreError, match="no such results file"):
        section_from_store(tmp_path / "missing.duckdb")
    page = tmp_path / "report.html"
    r = runner.invoke(app, ["report", "generic-crisis", "-o", str(page), "--runs", "100",
                            "--no-claims", "--oos", str(db)])
    assert r.exit_code == 0, r.output
    assert "Out of sample: ICB crisis actors" in page.read_text("utf-8")
    r = runner.invoke(app, ["report", "generic-crisis", "-o", str(page), "--runs", "100",
                            "--no-claims", "--oos", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 2 and "none.duckdb" in r.output


def test_cli_rejects_a_bad_split():
    r = runner.invoke(app, ["backtest", "--icb", str(need_data("icb2v14.csv")),
                            "--split", "decade"])
    assert r.exit_code == 2 and "--split" in r.output
