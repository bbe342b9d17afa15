"""Evidence: loaders reproduce the published figures, episodes, backtest, calibration."""

from __future__ import annotations

import json

import pytest
from helpers import need_data
from typer.testing import CliRunner

from compellence.analysis.backtest import run_backtest, score
from compellence.cli import app
from compellence.evidence import loaders as ld
from compellence.evidence.episodes import load_episodes
from compellence.model.layout import OUTCOMES
from compellence.scenario import ScenarioError

runner = CliRunner()


def test_ties_reproduces_the_readme_figures():
    r = ld.ties_rates(ld.load_ties(need_data("TIESv4-1.xls")))
    assert r["cases_coded"] == 1024
    assert r["acquiesced_or_settled"] == pytest.approx(0.562, abs=0.001)
    assert r["acquiesced"] == pytest.approx(0.375, abs=0.001)
    assert r["threat_stage_cases"] == 473
    assert r["threat_stage_acquiesced"] == pytest.approx(0.427, abs=0.001)
    assert r["imposed_cases"] == 551
    assert r["imposed_acquiesced"] == pytest.approx(0.330, abs=0.001)
    assert r["imposed_sender_gave_up"] == pytest.approx(0.301, abs=0.001)
    assert r["iran_as_target"] == 9


def test_gsdb_reproduces_the_readme_figures():
    r = ld.gsdb_rates(ld.load_gsdb(need_data("GSDB_V3.csv")))
    assert r["episodes_concluded"] == 1162
    assert r["success_total"] == pytest.approx(0.453, abs=0.001)
    assert r["success_total_or_part"] == pytest.approx(0.632, abs=0.001)
    assert r["negotiated"] == pytest.approx(0.076, abs=0.001)
    assert r["failed"] == pytest.approx(0.293, abs=0.001)


def test_icb_reproduces_the_readme_figures():
    r = ld.icb_rates(ld.load_icb(need_data("icb2v14.csv")))
    assert r["actors"] == 1077
    for key, value in (("victory", 0.348), ("compromise", 0.222), ("stalemate", 0.223),
                       ("defeat", 0.195)):
        assert r[key] == pytest.approx(value, abs=0.001)


def test_archigos_reproduces_the_readme_figures():
    r = ld.archigos_rates(ld.load_archigos(need_data("archigos_v4.1.csv")))
    for key, value in (("exit_regular", 0.708), ("exit_irregular", 0.185),
                       ("exit_natural_death", 0.062), ("exit_foreign", 0.022),
                       ("irregular_killed", 0.190), ("irregular_exiled", 0.425),
                       ("irregular_imprisoned", 0.185), ("regular_ok", 0.932)):
        assert r[key] == pytest.approx(value, abs=0.001), key
    # the default believed base rate of collapse (M6) comes from this figure
    assert r["removed_per_year"] == pytest.approx(0.05, abs=0.005)


def test_wrong_files_get_clear_errors(tmp_path):
    with pytest.raises(ld.DataError, match="no such file"):
        ld.load_ties(tmp_path / "nope.xls")
    bad = tmp_path / "gsdb.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(ld.DataError, match="missing column"):
        ld.load_gsdb(bad)
    r = runner.invoke(app, ["data", "baserates", "--gsdb", str(bad)])
    assert r.exit_code == 2 and "gsdb.csv" in r.output and "case_id" in r.output
    junk = tmp_path / "ties.xls"
    junk.write_text("not excel")
    r = runner.invoke(app, ["data", "baserates", "--ties", str(junk)])
    assert r.exit_code == 2 and "cannot read" in r.output


def test_baserates_cli_json():
    path = need_data("TIESv4-1.xls")
    r = runner.invoke(app, ["data", "baserates", "--ties", str(path), "--json"])
    assert r.exit_code == 0
    assert json.loads(r.output)["ties"]["cases_coded"] == 1024


def test_shipped_iran_episodes():
    eps, _, _ = load_episodes()
    assert len(eps.episode) == 6
    assert {e.outcome for e in eps.episode} == {"capitulation", "deal", "ongoing"}
    assert all(e.sources and e.coding for e in eps.episode)


def test_score_rules():
    import numpy as np
    perfect = score(np.array([0, 1.0, 0, 0, 0]), 1)
    assert perfect == {"accuracy": 1.0, "brier": 0.0, "log_score": 0.0}
    flat = score(np.full(5, 0.2), 0)
    assert flat["brier"] == pytest.approx(0.8) and flat["log_score"] == pytest.approx(1.609, 1e-3)


def test_backtest_prints_model_base_rate_and_cost_benefit():
    r = runner.invoke(app, ["backtest", "--runs", "200", "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    for kind in ("leave_one_out", "in_sample"):
        assert set(data["scores"][kind]) == {"model", "base_rate", "cost_benefit"}
        for m in data["scores"][kind].values():
            assert {"brier", "log_score", "accuracy"} <= set(m)
    assert "too few" in data["caveat"]
    # the identity model beats the cost-benefit model on Iran's record (log score)
    loo = data["scores"]["leave_one_out"]
    assert loo["model"]["log_score"] < loo["cost_benefit"]["log_score"]


def test_a_users_own_episode_file(tmp_path):
    (tmp_path / "mycase.toml").write_text(
        'extends = "generic-sanctions"\nname = "mycase"\n[leader]\nprofile = "cost-benefit"\n')
    (tmp_path / "eps.toml").write_text('''
name = "elsewhere"
runs = 200
[[episode]]
id = "a"
scenario = "mycase.toml"
horizon = 12
outcome = "capitulation"
coding = "gave in"
sources = ["a newspaper"]
[[episode]]
id = "b"
scenario = "mycase.toml"
outcome = "deal"
coding = "settled"
sources = ["another"]
[episode.set]
"coercer.demand" = 0.3
''')
    r = runner.invoke(app, ["backtest", str(tmp_path / "eps.toml"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["n_episodes"] == 2
    (tmp_path / "bad.toml").write_text('name = "x"\n[[episode]]\nid = "a"\nscenario = "s"\n'
                                       'outcome = "victory"\ncoding = "c"\nsources = ["s"]\n')
    r = runner.invoke(app, ["backtest", str(tmp_path / "bad.toml")])
    assert r.exit_code == 2 and "episode.0.outcome" in r.output
    with pytest.raises(ScenarioError):
        load_episodes(tmp_path / "missing.toml")


def test_backtest_with_ties_base_rate():
    eps, folder, _ = load_episodes()
    shares = ld.ties_outcome_shares(ld.load_ties(need_data("TIESv4-1.xls")))
    bt = run_backtest(eps, folder, runs=100, ties=shares)
    first = bt.episodes[0]["base_rate"]
    assert first["capitulation"] == pytest.approx((0.375 + 0.005) / (1 + 0.005 * len(OUTCOMES)),
                                                  abs=0.002)


def test_calibration_fits_ties():
    from compellence.analysis.calibrate import calibrate
    cal = calibrate(ld.load_ties(need_data("TIESv4-1.xls")), runs=600, bootstrap=2)
    # acquiescence is fitted; settlements are overshot since flows are weighed over the
    # horizon (issue 11: 0.24 against TIES' 0.19 at 600 runs, the pride bound w = 3 binding;
    # the coin acceptance of core-keeping deals, issue 12, drives them): a looser check.
    assert cal.simulated["acquiesce"] == pytest.approx(cal.data["acquiesce"], abs=0.05)
    assert cal.simulated["settle"] == pytest.approx(cal.data["settle"], abs=0.1)
    assert cal.essay_profile["outcomes_in_generic_sanctions"]["acquiesce"] < \
        cal.simulated["acquiesce"] / 3


def test_episode_files_carry_a_schema_version(tmp_path):
    """An episode file may say its format, like a scenario file; a newer one is refused."""
    from compellence.evidence.episodes import load_episodes
    from compellence.scenario.loader import ScenarioError

    body = ('name = "x"\n[[episode]]\nid = "a"\nscenario = "iran-2015-jcpoa"\n'
            'outcome = "deal"\ncoding = "a test episode"\nsources = ["none"]\n')
    ok = tmp_path / "ok.toml"
    ok.write_text("schema_version = 1\n" + body)
    eps, _, _ = load_episodes(ok)
    assert eps.schema_version == 1 and eps.episode[0].id == "a"
    new = tmp_path / "new.toml"
    new.write_text("schema_version = 99\n" + body)
    with pytest.raises(ScenarioError, match=r"schema_version.*upgrade compellence"):
        load_episodes(new)
