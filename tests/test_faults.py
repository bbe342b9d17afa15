"""Every command that writes a file checks its path and suffix before any work, and every
fault listed in issue 15 ends in one line and exit code 2, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compellence.analysis import sweep as sw
from compellence.cli import app, guards

FLAG = "iran-2025-surrender"
runner = CliRunner()


def _one_line_exit_2(args: list[str]) -> str:
    res = runner.invoke(app, args)
    text = res.output.strip()
    assert res.exit_code == 2, (args, res.exit_code, res.output[-2000:])
    assert "Traceback" not in res.output and len(text.splitlines()) == 1, res.output
    assert text.startswith("error:"), text
    return text


@pytest.fixture(scope="module")
def results_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "r.duckdb"
    res = runner.invoke(app, ["sweep", FLAG, "--lhs", "6", "--param",
                              "coercer.face_saving=0:1", "--runs", "40", "--out", str(path),
                              "--set", "horizon=6"])
    assert res.exit_code == 0, res.output
    return path


#: (command before the output option, the option, a good suffix): every command that
#: writes a file. ``{db}`` is the results file fixture.
WRITERS = [
    (["run", FLAG, "--runs", "50"], "--out", ".parquet"),
    (["run", FLAG, "--runs", "50"], "--trajectories", ".csv"),
    (["report", FLAG, "--runs", "50", "--no-claims"], "-o", ".html"),
    (["compare", FLAG, "limited-deal", "--runs", "50"], "--report", ".html"),
    (["results", "export", "{db}"], "-o", ".csv"),
    (["game", FLAG], "--export", ".efg"),
    (["discover", "{db}", "--threshold", "0.1"], "--plot", ".png"),
    (["sensitivity", FLAG, "--method", "morris", "--n", "2", "--runs", "20", "--param",
      "coercer.face_saving=0:1", "--param", "coercer.relief=0:1"], "--plot", ".png"),
    (["sweep", FLAG, "--lhs", "4", "--param", "coercer.face_saving=0:1", "--runs", "20"],
     "--out", ".duckdb"),
]
FAULTS = ["bad suffix", "no such folder", "a folder", "parent is a file"]


def _no_work(monkeypatch) -> None:
    """Make every computation the writing commands start fail loudly: a path check that
    comes first never reaches them."""
    import compellence.analysis.discovery as discovery
    import compellence.engine as engine
    import compellence.game.tree as tree

    def computed(*_a, **_k):
        raise AssertionError("computed before checking the output path")

    for module, name in ((engine, "simulate"), (sw, "run_sweep"), (tree, "build_game"),
                         (discovery, "discover")):
        monkeypatch.setattr(module, name, computed)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("cmd,opt,suffix", WRITERS,
                         ids=[f"{w[0][0]}{w[1]}" for w in WRITERS])
def test_every_output_option_is_checked_before_any_work(tmp_path, results_file, cmd, opt,
                                                        suffix, fault, monkeypatch):
    _no_work(monkeypatch)
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    target = {"bad suffix": tmp_path / "out.txt",
              "no such folder": tmp_path / "nope" / f"out{suffix}",
              "a folder": tmp_path / f"dir{suffix}",
              "parent is a file": tmp_path / "file" / f"out{suffix}"}[fault]
    if fault == "a folder":
        target.mkdir()
    args = [a.replace("{db}", str(results_file)) for a in cmd]
    # sensitivity's own results file must not be created either: nothing is computed
    side = tmp_path / "side.duckdb"
    if args[0] == "sensitivity":
        args += ["--out", str(side)]
    msg = _one_line_exit_2([*args, opt, str(target)])
    assert str(target) in msg
    assert not side.exists()


@pytest.mark.parametrize("cmd,opt,suffix", WRITERS,
                         ids=[f"{w[0][0]}{w[1]}" for w in WRITERS])
def test_the_no_work_guard_reaches_every_command(tmp_path, results_file, cmd, opt, suffix,
                                                 monkeypatch):
    """With a good output path the same commands do reach the patched computation (so the
    test above would see work done before a path check), except results export, which
    computes nothing."""
    _no_work(monkeypatch)
    args = [a.replace("{db}", str(results_file)) for a in cmd]
    if args[0] == "sensitivity":
        args += ["--out", str(tmp_path / "side.duckdb")]
    res = runner.invoke(app, [*args, opt, str(tmp_path / f"ok{suffix}")])
    if args[:2] == ["results", "export"]:
        assert res.exit_code == 0
    else:
        assert isinstance(res.exception, AssertionError), (args, res.output)
        assert "computed before" in str(res.exception)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert "not writable" in _one_line_exit_2(["run", FLAG, "--out",
                                                   str(folder / "x.csv")])
    finally:
        folder.chmod(0o755)


def test_run_dev_null_is_not_a_regular_file():
    assert "not a regular file" in _one_line_exit_2(["run", "/dev/null"])


def test_a_very_long_extends_chain(tmp_path):
    for k in range(2000):
        parent = f'extends = "s{k + 1}.toml"\n' if k < 1999 else f'extends = "{FLAG}"\n'
        (tmp_path / f"s{k}.toml").write_text(parent)
    assert "extends chain longer than" in _one_line_exit_2(["run", str(tmp_path / "s0.toml")])


def test_a_dotdot_cycle(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.toml").write_text('extends = "../a/../a/x.toml"\n')
    assert "cycle" in _one_line_exit_2(["run", str(tmp_path / "a" / "x.toml")])


def test_deep_nesting_in_a_file(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 800 + "]" * 800 + "\n")
    assert "nested more than" in _one_line_exit_2(["run", str(path)])


def test_a_corrupted_results_file(tmp_path, results_file):
    data = bytearray(results_file.read_bytes())
    for i in range(len(data) // 4, len(data) - 4096, 7):
        data[i] = 0xAB
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(bytes(data))
    for args in (["results", "show", str(bad)], ["results", "export", str(bad), "-o",
                                                  str(tmp_path / "x.csv")],
                 ["discover", str(bad)]):
        assert str(bad) in _one_line_exit_2(args)


def test_a_dead_dask_scheduler(tmp_path, monkeypatch):
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(sw, "DASK_TIMEOUT_S", 2)
    msg = _one_line_exit_2(["sweep", FLAG, "--lhs", "2", "--param", "coercer.relief=0:1",
                            "--runs", "10", "--out", str(tmp_path / "r.duckdb"),
                            "--scheduler", "tcp://127.0.0.1:9"])
    assert "cannot reach the dask scheduler" in msg


def test_a_pool_that_gives_up(tmp_path, monkeypatch):
    monkeypatch.setattr(sw, "MAX_POOL_RESTARTS", 0)
    monkeypatch.setenv(sw.KILL_POINT_ENV, "0")
    monkeypatch.setenv(sw.KILL_MARKER_ENV, str(tmp_path / "killed"))
    msg = _one_line_exit_2(["sweep", FLAG, "--lhs", "4", "--param", "coercer.relief=0:1",
                            "--runs", "10", "--workers", "2", "--batch", "1", "--out",
                            str(tmp_path / "r.duckdb"), "--set", "horizon=4"])
    assert "worker processes died" in msg and "resume" in msg


def test_runs_has_the_schema_cap():
    assert guards.MAX_RUNS == 1_000_000_000
    assert "at most 1,000,000,000" in _one_line_exit_2(["run", FLAG, "--runs",
                                                        "1000000000000"])


def test_out_refuses_a_table_that_cannot_fit(tmp_path):
    msg = _one_line_exit_2(["run", FLAG, "--runs", "1000000000", "--out",
                            str(tmp_path / "x.parquet")])
    assert "GB" in msg and "1,000,000,000 runs" in msg


def test_a_large_job_prints_an_estimate_first(capsys):
    guards.estimate(10**8, 24, None, keeps_table=False)
    text = capsys.readouterr().err
    assert "estimate: 100,000,000 runs × 24 rounds" in text and "min" in text
    guards.estimate(1000, 24, None, keeps_table=False)
    assert capsys.readouterr().err == ""

