"""Shared pieces of the command line: the typer app, consoles, option types, errors."""

from __future__ import annotations

import atexit
import gc
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from compellence import __version__


@cache
def _freeze_at_exit() -> None:
    """Have the interpreter's exit skip its last garbage collection over what was loaded.

    Python's shutdown runs the cyclic garbage collector over every object still alive;
    after the compiled kernel is loaded that is ~1.4e5 (numba's and pydantic's registries),
    and 586 of the 797 ``perf`` samples (0.40 s) after the last line of a `compellence run
    … --runs 1000` were in the collector (``benchmarks/results/startup.txt``). ``gc.freeze``
    at exit (an atexit handler, so only when the process really ends) moves them out of its
    reach; they are still freed by reference counting. What a command writes is complete
    when it returns (files written and closed, DuckDB stores committed), so nothing waits
    on a finaliser of an object in a reference cycle."""
    atexit.register(gc.freeze)


class _App(typer.Typer):
    """The typer app, with two more rules for the console script: a feature whose optional
    dependency is missing prints one line naming the extra to install (exit code 2), and
    the interpreter's exit skips a last garbage collection (:func:`_freeze_at_exit`)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from compellence.extras import MissingExtra

        _freeze_at_exit()
        try:
            return super().__call__(*args, **kwargs)
        except MissingExtra as exc:
            err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False,
                      soft_wrap=True)
            raise SystemExit(2) from None


app = _App(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
           help="compellence: coercion against a leader whose refusal is identity. "
                "Every figure is conditional on the scenario's stated assumptions; "
                "none is a forecast of real events.")
out = Console()
err = Console(stderr=True)

CAVEAT = ("Conditional on the scenario's stated assumptions (see its description and "
          "docs/model.md); not a forecast of real events.")

ScenarioArg = Annotated[str, typer.Argument(metavar="SCENARIO", help="A built-in scenario name "
                                            "(compellence scenarios) or a TOML file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
SeedOpt = Annotated[int | None, typer.Option(
    min=0, help="Seed for the random numbers (default: the scenario's own).")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", metavar="FIELD=VALUE",
    help="Override a field, e.g. --set leader.identity_weight=0.3 (repeatable).")]


@contextmanager
def working(text: str, disable: bool = False) -> Iterator[None]:
    """A transient spinner with elapsed time on stderr, for work that takes seconds
    (never on stdout, so --json output stays clean)."""
    if disable:
        yield
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        bar.add_task(text, total=None)
        yield


def bar(total: int, unit: str, label: str, disable: bool = False):
    """A transient progress bar on stderr counting ``unit`` up to ``total``."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn(label), BarColumn(),
                    TextColumn(f"{{task.completed:,}}/{{task.total:,}} {unit}"),
                    TimeRemainingColumn(), console=err, transient=True, disable=disable)


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
    """The validated scenario, or a one-line error and exit code 2."""
    from compellence.scenario.loader import ScenarioError, load_scenario

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
    "--param", metavar="PATH=LO:HI[:N]",
    help="PATH=LO:HI:N for a grid, PATH=LO:HI for --lhs/--sobol (repeatable).")]


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
