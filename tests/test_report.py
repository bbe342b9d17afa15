"""Reports and comparisons as a user makes them."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from compellence.cli import app

runner = CliRunner()


def test_report_is_self_contained_and_complete(tmp_path):
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "iran-2025-surrender", "-o", str(out), "--runs", "800",
                            "--claims-runs", "200", "--format", "png"])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    for section in ("Scenario and assumptions", "Outcome probabilities", "The state over time",
                    "When and how runs end", "Why the leader decides", "The essay's claims",
                    "not a forecast"):
        assert section in text, section
    assert text.count("<svg") >= 4 and text.count("class='caption'") >= 4
    # opens offline: nothing is fetched from elsewhere
    assert not re.search(r"""(src|href)=["']https?://""", text)
    assert "<script" not in text
    figs = tmp_path / "r_figures"
    assert {p.name for p in figs.iterdir()} >= {"outcomes.png", "state.png", "timeline.png",
                                                "terms.png"}


def test_report_with_a_results_database(tmp_path):
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["sensitivity", "iran-2025-surrender", "--method", "morris",
                            "--outcome", "deal", "--param", "coercer.aims.core_value=0.2:1",
                            "--param", "leader.identity_weight=0.2:1.5", "--n", "8", "--runs",
                            "60", "--out", str(db)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "r.html"
    r = runner.invoke(app, ["report", "iran-2025-surrender", "-o", str(out), "--runs", "300",
                            "--no-claims", "--results", str(db), "--threshold", "0.4"])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "Sensitivity (experiment" in text and "coercer.aims.core_value" in text
    assert "(PRIM)" in text


def test_compare_scenario_with_a_strategy(tmp_path):
    rep = tmp_path / "c.html"
    r = runner.invoke(app, ["compare", "iran-2025-surrender", "limited-deal", "--runs", "600",
                            "--report", str(rep)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "iran-2025-surrender + limited-deal" in r.output and "difference" in r.output
    assert "vs" in rep.read_text()
    r = runner.invoke(app, ["compare", "iran-2015-jcpoa", "iran-2015-jcpoa-cost-benefit",
                            "--runs", "300", "--json"])
    assert r.exit_code == 0 and '"a"' in r.output


def test_report_bad_arguments():
    r = runner.invoke(app, ["report", "iran-2025-surrender", "-o", "r.pdf"])
    assert r.exit_code == 2 and ".html" in r.output
    r = runner.invoke(app, ["compare", "iran-2025-surrender", "nope-nope"])
    assert r.exit_code == 2
