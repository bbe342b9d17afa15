"""Bad input: one clear line naming the file, the field and what was expected; exit 2."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from compellence.cli import app

runner = CliRunner()


def _run(*args: str):
    result = runner.invoke(app, list(args))
    return result, result.output


@pytest.mark.parametrize(("text", "field", "expected"), [
    ('[leader]\nidentity_weigth = 1\n', "leader.identity_weigth", "did you mean 'identity_weight'"),
    ('[coercer]\ndemand = "high"\n', "coercer.demand", "expected a number"),
    ('[coercer]\ndemand = 1.5\n', "coercer.demand", "in [0, 1]"),
    ('[leader]\nprofile = "hawk"\n', "leader.profile", "identity-committed"),
    ('[coercer.pressure]\nsanctions = {dist = "uniform", low = 0.5, high = 2}\n',
     "coercer.pressure.sanctions", "leaves the range"),
    ('[coercer.pressure]\nsanctions = {dist = "unifrom", low = 0, high = 1}\n',
     "coercer.pressure.sanctions", "unknown distribution"),
    ('runs = 0\n', "runs", "greater than or equal to 1"),
    ('[coercer.pressure]\nsanctions = {schedule = [[3, 0.5], [1, 0.2]]}\n',
     "coercer.pressure.sanctions.schedule", "increasing"),
])
def test_bad_field_names_file_field_and_expectation(tmp_toml, text, field, expected):
    path = tmp_toml(text)
    result, out = _run("run", str(path), "--runs", "10")
    assert result.exit_code == 2
    assert str(path) in out and f"field '{field}'" in out and expected in out
    assert "Traceback" not in out


def test_malformed_toml(tmp_toml):
    path = tmp_toml('[leader\nidentity_weight = 1\n')
    result, out = _run("run", str(path))
    assert result.exit_code == 2
    assert str(path) in out and "malformed TOML" in out and "line 1" in out


def test_missing_file():
    result, out = _run("run", "no/such/file.toml")
    assert result.exit_code == 2
    assert "no/such/file.toml" in out and "no such file" in out


def test_unknown_builtin_suggests_the_nearest():
    result, out = _run("run", "iran-2025-surender")
    assert result.exit_code == 2
    assert "did you mean 'iran-2025-surrender'" in out


def test_bad_set_override():
    result, out = _run("run", "iran-2025-surrender", "--set", "coercer.demnd=0.3")
    assert result.exit_code == 2
    assert "coercer.demnd" in out and "did you mean 'demand'" in out
    result, out = _run("run", "iran-2025-surrender", "--set", "nonsense")
    assert result.exit_code == 2 and "FIELD=VALUE" in out


def test_bad_output_extension():
    result, out = _run("run", "iran-2025-surrender", "--runs", "10", "--out", "x.txt")
    assert result.exit_code == 2 and ".parquet or .csv" in out


def test_explain_round_out_of_range():
    result, out = _run("explain", "iran-2015-jcpoa", "--round", "500")
    assert result.exit_code == 2 and "--round 500" in out


def test_error_in_extended_parent_names_the_child(tmp_path):
    (tmp_path / "parent.toml").write_text('[coercer]\ndemand = 3\n')
    (tmp_path / "child.toml").write_text('extends = "parent.toml"\n')
    result, out = _run("run", str(tmp_path / "child.toml"))
    assert result.exit_code == 2 and "child.toml" in out and "coercer.demand" in out
