"""Shared pieces of the command line: the typer app, consoles, option types, errors."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from compellence import __version__
from compellence.scenario.loader import ScenarioError, load_scenario

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="compellence: coercion against a leader whose refusal is identity. "
                       "Every figure is conditional on the scenario's stated assumptions; "
                       "none is a forecast of real events.")
out = Console()
err = Console(stderr=True)

CAVEAT = ("Conditional on the scenario's stated assumptions (see its description and "
          "docs/model.md); not a forecast of real events.")

ScenarioArg = Annotated[str, typer.Argument(help="A built-in scenario name or a TOML file.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a field, e.g. --set leader.identity_weight=0.3 (repeatable).")]


def _fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _parse_sets(sets: list[str] | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for item in sets or []:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--set {item!r}: expected FIELD=VALUE, e.g. coercer.demand=0.4")
        try:
            value = tomllib.loads(f"v = {raw}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw
        overrides[key.strip()] = value
    return overrides


def _load(scenario: str, sets: list[str] | None = None):
    try:
        return load_scenario(scenario, _parse_sets(sets))
    except ScenarioError as exc:
        _fail(str(exc))


def _version(value: bool) -> None:
    if value:
        out.print(f"compellence {__version__}")
        raise typer.Exit()


@app.callback()
def main(version: Annotated[bool, typer.Option("--version", callback=_version,
                                               is_eager=True, help="Print the version.")]
         = False) -> None:
    """compellence command line."""



ParamOpt = Annotated[list[str] | None, typer.Option(
    "--param", help="PATH=LO:HI:N for a grid, PATH=LO:HI for --lhs/--sobol (repeatable).")]


def _params(specs: list[str] | None, grid: bool):
    from compellence.analysis.design import DesignError, parse_param

    if not specs:
        _fail("give at least one --param PATH=LO:HI" + (":N" if grid else ""))
    try:
        return [parse_param(p, grid) for p in specs or []]
    except DesignError as exc:
        _fail(str(exc))
        raise


def _open_store(path: Path, create: bool = True):
    import duckdb

    from compellence.analysis.store import Store, StoreError

    try:
        return Store(path, create=create)
    except StoreError as exc:
        _fail(str(exc))
        raise
    except duckdb.Error as exc:
        _fail(f"{path}: the results file is damaged or unreadable ({exc})")
        raise


ExpOpt = Annotated[str | None, typer.Option("--experiment", help="Experiment id (prefix); "
                                            "default: the latest.")]


def _experiment_table(file: Path, experiment: str | None):
    import duckdb

    from compellence.analysis.store import StoreError

    store = _open_store(file, create=False)
    try:
        exp = store.resolve(experiment)
        return store, exp, store.table(exp)
    except StoreError as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"{file}: the results file is damaged or unreadable ({exc})")
    raise AssertionError("unreachable")
