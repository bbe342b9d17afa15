"""Experiments: sweep, results, sensitivity, discover, robust."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    ExpOpt,
    ParamOpt,
    ScenarioArg,
    SetOpt,
    _experiment_table,
    _fail,
    _load,
    _open_store,
    _params,
    app,
    err,
    out,
)
from compellence.scenario.loader import ScenarioError


def _interrupted(store, total: int, out_file: Path) -> None:
    """Report what an interrupted sweep kept (a half-written batch is rolled back)."""
    import contextlib

    with contextlib.suppress(Exception):
        store.con.execute("rollback")
    done = len(store.done_points(store.resolve(None)))
    err.print(f"interrupted: {done} of {total} points are stored in {out_file}; run the "
              "same command again to resume")
    raise typer.Exit(130)


def _run_design(sc, design, out_file: Path, runs: int, seed: int, workers: int,
                scheduler: str | None, store_runs: bool, batch: int):
    import duckdb

    from compellence.analysis.store import StoreError
    from compellence.analysis.sweep import SweepError, run_sweep

    store = _open_store(out_file)
    command = "compellence " + " ".join(sys.argv[1:])
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed:,}/{task.total:,} points"),
                      TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), console=err,
                      transient=True) as bar:
            task = bar.add_task(sc.name, total=len(design.points), rate="")
            started = time.perf_counter()
            seen = {"calls": 0, "computed": 0}

            def advance(k: int, total: int) -> None:
                # the first call reports the points already stored (a resumed sweep)
                bar.advance(task, k)
                seen["calls"] += 1
                if seen["calls"] > 1:
                    seen["computed"] += k
                    rate = seen["computed"] / max(time.perf_counter() - started, 1e-9)
                    bar.update(task, rate=f"{rate:,.1f} points/s")

            result = run_sweep(sc, design, store, runs, seed, workers=workers,
                               scheduler=scheduler, store_runs=store_runs, batch=batch,
                               command=command, progress=advance)
    except KeyboardInterrupt:
        _interrupted(store, len(design.points), out_file)
    except (SweepError, StoreError) as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        # Ctrl-C while DuckDB is busy arrives as DuckDB's own interrupt error
        if isinstance(exc, duckdb.InterruptException) or "KeyboardInterrupt" in str(exc):
            _interrupted(store, len(design.points), out_file)
        _fail(f"{out_file}: the results file is damaged or unreadable ({exc})")
    except RuntimeError as exc:
        # ... or, while DuckDB scans a pandas frame, as RuntimeError("Query interrupted")
        if "interrupted" not in str(exc).lower():
            raise
        _interrupted(store, len(design.points), out_file)
    finally:
        store.close()
    return result



@app.command(rich_help_panel="Experiments")
def sweep(scenario: ScenarioArg,
          params: ParamOpt = None,
          lhs_n: Annotated[int | None, typer.Option("--lhs", min=2, help="Latin hypercube "
                                                    "points.")] = None,
          sobol_n: Annotated[int | None, typer.Option("--sobol", min=2, help="Sobol base "
                                                      "samples (N·(2D+2) points).")] = None,
          runs: Annotated[int, typer.Option(min=1, help="Runs per design point.")] = 200,
          seed: Annotated[int | None, typer.Option(min=0)] = None,
          out_file: Annotated[Path, typer.Option("--out", help="DuckDB results file.")]
          = Path("results.duckdb"),
          workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = 1,
          scheduler: Annotated[str | None, typer.Option(help="dask.distributed scheduler "
                                                        "address (tcp://host:port).")] = None,
          store_runs: Annotated[bool, typer.Option(help="Also store per-run outcomes.")]
          = False,
          batch: Annotated[int, typer.Option(min=1, help="Design points per task.")] = 8,
          sets: SetOpt = None) -> None:
    """Run a design (grid, LHS or Sobol) and store it in DuckDB; resumes where it stopped."""
    from compellence.analysis import design as dz

    if lhs_n and sobol_n:
        _fail("choose one of --lhs and --sobol")
    sc = _load(scenario, sets)
    seed = sc.seed if seed is None else seed
    ranges = _params(params, grid=not (lhs_n or sobol_n))
    guards.output(out_file, (".duckdb", ".db"), "--out")
    if lhs_n:
        design = dz.lhs(ranges, lhs_n, seed)
    elif sobol_n:
        design = dz.sobol(ranges, sobol_n, seed)
    else:
        design = dz.grid(ranges)
    guards.estimate(len(design.points) * runs, sc.horizon, None, keeps_table=False)
    res = _run_design(sc, design, out_file, runs, seed, workers, scheduler, store_runs, batch)
    out.print(f"experiment {res.experiment}: {res.total:,} design points × {runs} runs "
              f"({res.computed:,} computed now) in {out_file}")
    out.print(f"Read them with `compellence results show {out_file}`.")


results_app = typer.Typer(help="Read stored sweep results.", no_args_is_help=True)
app.add_typer(results_app, name="results", rich_help_panel="Experiments")

@results_app.command("list")
def results_list(file: Annotated[Path, typer.Argument(help="DuckDB results file.")]) -> None:
    """The experiments in a results file."""
    store = _open_store(file, create=False)
    frame = store.experiments()
    table = Table(title=str(file))
    for col in ("id", "created", "scenario", "runs/point", "points", "done", "package",
                "model"):
        table.add_column(col)
    for r in frame.itertuples():
        table.add_row(r.id, str(r.created)[:19], r.scenario_name, str(r.runs_per_point),
                      str(r.n_points), str(r.done), r.package, str(r.model_version))
    out.print(table)


@results_app.command("show")
def results_show(file: Annotated[Path, typer.Argument(help="DuckDB results file.")],
                 experiment: ExpOpt = None,
                 limit: Annotated[int, typer.Option(min=1)] = 20) -> None:
    """Design points and their outcome shares."""
    store, exp, frame = _experiment_table(file, experiment)
    meta = store.meta(exp)
    out.print(f"experiment {exp}: {meta['scenario_name']}, {meta['design']['kind']} design, "
              f"{meta['runs_per_point']} runs per point, {len(frame)}/{meta['n_points']} "
              "points stored")
    out.print(frame.drop(columns=["seed"]).head(limit).round(4).to_string(index=False))
    out.print(f"[dim]{CAVEAT}[/]")


@results_app.command("export")
def results_export(file: Annotated[Path, typer.Argument(help="DuckDB results file.")],
                   output: Annotated[Path, typer.Option("-o", "--output",
                                                        help=".parquet or .csv")],
                   experiment: ExpOpt = None) -> None:
    """Export an experiment's design points and aggregates to Parquet or CSV."""
    guards.output(output, (".parquet", ".csv"), "--output")
    _, exp, frame = _experiment_table(file, experiment)
    guards.write_frame(frame, output)
    out.print(f"{len(frame)} design points of experiment {exp} written to {output}")


@app.command(rich_help_panel="Experiments")
def sensitivity(scenario: ScenarioArg,
                params: ParamOpt = None,
                method: Annotated[str, typer.Option(help="sobol or morris")] = "sobol",
                outcome: Annotated[str, typer.Option(help="capitulation, deal, war, collapse, "
                                                     "ongoing, leader_killed, ...")]
                = "capitulation",
                n: Annotated[int, typer.Option(min=2, help="Base samples (Sobol) or "
                                               "trajectories (Morris).")] = 64,
                runs: Annotated[int, typer.Option(min=1)] = 200,
                seed: Annotated[int | None, typer.Option(min=0)] = None,
                out_file: Annotated[Path, typer.Option("--out")] = Path("results.duckdb"),
                plot: Annotated[Path | None, typer.Option(help="Write the ranking as .png or "
                                                          ".svg.")] = None,
                workers: Annotated[int, typer.Option(min=1)] = 1,
                scheduler: Annotated[str | None, typer.Option()] = None,
                batch: Annotated[int, typer.Option(min=1)] = 8,
                sets: SetOpt = None) -> None:
    """Sobol or Morris sensitivity of an outcome share (SALib), ranked and plotted."""
    from compellence.analysis import design as dz
    from compellence.analysis import sensitivity as sens
    from compellence.analysis.store import AGGREGATES

    if method not in ("sobol", "morris"):
        _fail(f"--method {method!r}: expected sobol or morris")
    if outcome not in AGGREGATES:
        _fail(f"--outcome {outcome!r}: expected one of {', '.join(AGGREGATES)}")
    guards.output(plot, (".png", ".svg"), "--plot")
    sc = _load(scenario, sets)
    seed = sc.seed if seed is None else seed
    ranges = _params(params, grid=False)
    guards.output(out_file, (".duckdb", ".db"), "--out")
    design = (dz.sobol if method == "sobol" else dz.morris)(ranges, n, seed)
    res = _run_design(sc, design, out_file, runs, seed, workers, scheduler, False, batch)
    store = _open_store(out_file)
    indices = sens.analyse(design, store.table(res.experiment), outcome, seed)
    table = Table(title=f"{method.title()} sensitivity of the {outcome} share "
                        f"({len(design.points):,} points × {runs} runs)")
    for col in indices.columns:
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in indices.itertuples(index=False):
        table.add_row(*(v if isinstance(v, str) else f"{v:.3f}" for v in row))
    out.print(table)
    if plot is not None:
        sens.plot(indices, outcome, plot)
        out.print(f"Plot written to {plot}")
    out.print(f"[dim]{CAVEAT}[/]")


@app.command(rich_help_panel="Experiments")
def discover(file: Annotated[Path, typer.Argument(help="DuckDB results file of a sweep.")],
             outcome: Annotated[str, typer.Option(help="Outcome share to explain.")] = "deal",
             threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="A point is a "
                                                      "case when its share >= this.",
                                                      callback=guards.finite)] = 0.5,
             experiment: ExpOpt = None,
             plot: Annotated[Path | None, typer.Option(help="Peeling trajectory .png/.svg")]
             = None) -> None:
    """Scenario discovery (PRIM): the parameter ranges where an outcome is likely."""
    from compellence.analysis.discovery import discover as prim_discover
    from compellence.analysis.discovery import plot_trajectory
    from compellence.analysis.store import AGGREGATES

    if outcome not in AGGREGATES:
        _fail(f"--outcome {outcome!r}: expected one of {', '.join(AGGREGATES)}")
    guards.output(plot, (".png", ".svg"), "--plot")
    store, exp, frame = _experiment_table(file, experiment)
    params = [p["path"] for p in store.meta(exp)["design"]["params"]]
    try:
        box = prim_discover(frame, params, outcome, threshold)
    except (ValueError, ImportError) as exc:
        _fail(f"{file}: {exc}")
        raise
    out.print(f"PRIM on experiment {exp}: {box.cases} of {len(frame)} points have "
              f"{outcome} >= {threshold}")
    table = Table(title=f"Where '{outcome}' is likely (coverage {box.coverage:.2f}, density "
                        f"{box.density:.2f}, mass {box.mass:.2f})")
    table.add_column("parameter")
    table.add_column("low", justify="right")
    table.add_column("high", justify="right")
    for name, row in box.limits.iterrows():
        table.add_row(str(name), f"{row['low']:.3f}", f"{row['high']:.3f}")
    out.print(table)
    if plot is not None:
        plot_trajectory(box, outcome, plot)
        out.print(f"Peeling trajectory written to {plot}")
    out.print(f"[dim]{CAVEAT}[/]")


@app.command(rich_help_panel="Experiments")
def robust(scenario: ScenarioArg,
           strategies: Annotated[str, typer.Option(help="Comma-separated strategy names or "
                                                   "TOML files with a [coercer] table.")]
           = "maximal-pressure,limited-deal",
           over: Annotated[list[str] | None, typer.Option(
               "--over", help="Uncertain leader parameter PATH=LO:HI (repeatable).")] = None,
           types: Annotated[str, typer.Option(help="Type mixture, e.g. "
                                              "identity-committed:0.5,cost-benefit:0.5")]
           = "identity-committed:0.5,cost-benefit:0.5",
           samples: Annotated[int, typer.Option(min=2, help="Uncertainty points.")] = 40,
           runs: Annotated[int, typer.Option(min=1, help="Runs per point and strategy.")]
           = 300,
           seed: Annotated[int | None, typer.Option(min=0)] = None,
           satisfice: Annotated[float, typer.Option(help="Value a point must reach.",
                                                    callback=guards.finite)] = 0.3,
           as_json: Annotated[bool, typer.Option("--json")] = False,
           sets: SetOpt = None) -> None:
    """Which coercer strategy holds up when the leader's type is uncertain."""
    from compellence.analysis import robust as rb
    from compellence.analysis.design import DesignError, parse_param

    sc = _load(scenario, sets)
    try:
        ranges = [parse_param(p, grid=False) for p in over or []]
        mix = rb.parse_types(types)
        res = rb.robust(sc, [s.strip() for s in strategies.split(",") if s.strip()], ranges,
                        mix, samples, runs, sc.seed if seed is None else seed, satisfice)
    except (DesignError, ScenarioError) as exc:
        _fail(str(exc))
        raise
    if as_json:
        guards.print_json({"types": mix, "values": res.values, "satisfice": satisfice,
                           "strategies": res.table.to_dict("records")})
        return
    table = Table(title=f"Coercer strategies over {samples} leader-uncertainty points × {runs} "
                        f"runs (types {types})")
    cols = ["strategy", "capitulation", "deal", "war", "collapse", "ongoing",
            "leader_killed", "mean_value", "worst_case", "mean_regret", "max_regret",
            "satisficing"]
    for c in cols:
        table.add_column(c.replace("_", " "), justify="left" if c == "strategy" else "right")
    for row in res.table[cols].itertuples(index=False):
        table.add_row(row[0], *(f"{v:.3f}" for v in row[1:]))
    out.print(table)
    best = {c: res.table.loc[res.table[c].idxmax() if c in ("mean_value", "worst_case",
                                                             "satisficing") else
                             res.table[c].idxmin(), "strategy"]
            for c in ("mean_value", "worst_case", "max_regret", "satisficing")}
    out.print("Best by mean value: {mean_value}; by worst case: {worst_case}; by max regret: "
              "{max_regret}; by satisficing: {satisficing}".format(**best))
    out.print(f"Values: {res.values} (value = concession × conceded share + costs); "
              f"satisficing = share of points with value >= {satisfice}")
    out.print(f"[dim]{CAVEAT}[/]")
