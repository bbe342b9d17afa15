"""Experiments: sweep, results, sensitivity, discover, robust."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from compellence.cli import fmt, guards
from compellence.cli.common import (
    CAVEAT,
    ExpOpt,
    JsonOpt,
    ParamOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    _experiment_table,
    _fail,
    _load,
    _open_store,
    _params,
    app,
    bar,
    err,
    out,
)


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
          seed: SeedOpt = None,
          out_file: Annotated[Path, typer.Option("--out", help="DuckDB results file.")]
          = Path("results.duckdb"),
          workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")] = 1,
          scheduler: Annotated[str | None, typer.Option(help="dask.distributed scheduler "
                                                        "address (tcp://host:port).")] = None,
          store_runs: Annotated[bool, typer.Option(help="Also store per-run outcomes.")]
          = False,
          batch: Annotated[int, typer.Option(min=1, help="Design points per task.")] = 8,
          as_json: JsonOpt = False,
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
    if as_json:
        guards.print_json({"experiment": res.experiment, "points": res.total,
                          "computed_now": res.computed, "runs_per_point": runs,
                          "file": str(out_file)})
        return
    out.print(f"experiment {res.experiment}: {res.total:,} design points × {runs} runs "
              f"({res.computed:,} computed now) in {out_file}")
    out.print(f"Read them with `compellence results show {out_file}`.")


results_app = typer.Typer(help="Read stored sweep results.", no_args_is_help=True)
app.add_typer(results_app, name="results", rich_help_panel="Experiments")

DbArg = Annotated[Path, typer.Argument(metavar="FILE", help="DuckDB results file of a sweep.")]
OUTCOME_SHARES = ("ongoing", "capitulation", "deal", "war", "collapse", "backed_down", "removed",
                  "leader_killed")


@results_app.command("list")
def results_list(file: DbArg, as_json: JsonOpt = False) -> None:
    """The experiments in a results file."""
    store = _open_store(file, create=False)
    frame = store.experiments()
    cols = ["id", "created", "scenario_name", "runs_per_point", "n_points", "done", "package",
            "model_version"]
    if as_json:
        guards.print_json(frame[cols].astype({"created": str}).to_dict("records"))
        return
    table = fmt.table(str(file))
    for col in ("id", "created", "scenario", "runs/pt", "points", "done", "version",
                "model"):
        fmt.column(table, col, right=col in ("runs/pt", "points", "done"),
                   no_wrap=col != "scenario")
    for r in frame.itertuples():
        table.add_row(r.id[:8], str(r.created)[:16], r.scenario_name,
                      fmt.count(r.runs_per_point), fmt.count(r.n_points), fmt.count(r.done),
                      str(r.package).removeprefix("compellence "), str(r.model_version))
    out.print(table)


def point_intervals(frame, runs: int):
    """The 95% Wilson half-widths of each point's outcome shares (runs per point each)."""
    from compellence.analysis.intervals import share_of

    return {c: [share_of(v, runs) for v in frame[c]] for c in OUTCOME_SHARES if c in frame}


@results_app.command("show")
def results_show(file: DbArg,
                 experiment: ExpOpt = None,
                 limit: Annotated[int, typer.Option(min=1, help="Design points shown.")] = 20,
                 as_json: JsonOpt = False) -> None:
    """Design points and their outcome shares, with the Monte Carlo error of each point."""
    store, exp, frame = _experiment_table(file, experiment)
    meta = store.meta(exp)
    runs = int(meta["runs_per_point"])
    params = [p["path"] for p in meta["design"]["params"]]
    ivs = point_intervals(frame, runs)
    if as_json:
        rows = []
        for i, r in enumerate(frame.drop(columns=["seed"]).head(limit).to_dict("records")):
            r["ci95"] = {c: [v[i].low, v[i].high] for c, v in ivs.items()}
            rows.append(r)
        guards.print_json({"experiment": exp, "scenario": meta["scenario_name"],
                          "design": meta["design"]["kind"], "runs_per_point": runs,
                          "points": rows})
        return
    out.print(f"experiment {exp}: {meta['scenario_name']}, {meta['design']['kind']} design, "
              f"{runs} runs per point, {len(frame)}/{meta['n_points']} points stored")
    short = {p: f"x{k + 1}" for k, p in enumerate(params)}
    table = fmt.table(None)
    fmt.column(table, "#", right=True, no_wrap=True)
    for p in params:
        fmt.column(table, short[p], right=True, no_wrap=True)
    heads = {"ongoing": "ongo.", "capitulation": "capit.", "deal": "deal", "war": "war",
             "collapse": "coll.", "backed_down": "backed", "removed": "remov.",
             "leader_killed": "killed"}
    shown = [c for c in OUTCOME_SHARES if c in frame]
    for c in shown:
        fmt.column(table, heads[c], right=True, no_wrap=True)
    fmt.column(table, "±", right=True, no_wrap=True)
    for i, r in enumerate(frame.head(limit).itertuples(index=False)):
        row = r._asdict()
        widest = max(ivs[c][i].half_width for c in shown)
        table.add_row(str(row["point"]), *(f"{frame.iloc[i][p]:.3g}" for p in params),
                      *(fmt.num(row[c]) for c in shown), fmt.num(widest, 2))
    out.print(table)
    legend = ", ".join(f"{v} = {k}" for k, v in short.items())
    out.print("[dim]" + legend + "; ongo./capit./coll. = ongoing/"
              "capitulation/collapse shares; ± = the widest 95% Wilson half-width of the row's "
              f"shares ({runs} runs per point). Every column: --json or `results export`.[/]")
    if len(frame) > limit:
        out.print(f"[dim]{limit} of {len(frame)} points shown (--limit).[/]")
    out.print(f"[dim]{CAVEAT}[/]")


@results_app.command("export")
def results_export(file: DbArg,
                   output: Annotated[Path, typer.Option("-o", "--output",
                                                        help="A .parquet or .csv file.")],
                   experiment: ExpOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Export an experiment's design points and aggregates to Parquet or CSV."""
    guards.output(output, (".parquet", ".csv"), "--output")
    _, exp, frame = _experiment_table(file, experiment)
    guards.write_frame(frame, output)
    if as_json:
        guards.print_json({"experiment": exp, "points": len(frame), "output": str(output)})
        return
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
                runs: Annotated[int, typer.Option(min=1, help="Runs per design point.")]
                = 200,
                seed: SeedOpt = None,
                out_file: Annotated[Path, typer.Option("--out", help="DuckDB results file "
                                                       "(the design is stored and resumes).")]
                = Path("results.duckdb"),
                plot: Annotated[Path | None, typer.Option(help="Write the ranking as .png or "
                                                          ".svg.")] = None,
                workers: Annotated[int, typer.Option(min=1, help="Local worker processes.")]
                = 1,
                scheduler: Annotated[str | None, typer.Option(
                    help="dask.distributed scheduler address (tcp://host:port).")] = None,
                batch: Annotated[int, typer.Option(min=1, help="Design points per task.")]
                = 8,
                as_json: JsonOpt = False,
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
    from compellence.cli import fmt

    indices = sens.analyse(design, store.table(res.experiment), outcome, seed)
    table = fmt.table(f"{method.title()} sensitivity of the {outcome} share "
                      f"({len(design.points):,} points × {runs} runs)")
    fmt.column(table, "parameter")
    pairs = (("S1", "S1_conf"), ("ST", "ST_conf")) if method == "sobol" else \
        (("mu_star", "mu_star_conf"),)
    for name, _ in pairs:
        fmt.column(table, f"{name} ± 95%", right=True, no_wrap=True)
    if method == "morris":
        fmt.column(table, "sigma", right=True, no_wrap=True)
    for row in indices.to_dict("records"):
        cells = [f"{fmt.num(row[a])} ±{fmt.num(row[b])}" for a, b in pairs]
        if method == "morris":
            cells.append(fmt.num(row["sigma"]))
        table.add_row(str(row["parameter"]), *cells)
    problems = sens.warnings(indices, n)
    if as_json:
        guards.print_json({"method": method, "outcome": outcome, "n": n, "runs": runs,
                          "points": len(design.points), "experiment": res.experiment,
                          "indices": indices.to_dict("records"), "warnings": problems})
        return
    out.print(table)
    if problems:
        out.print("[yellow]Do not rank on these indices: " + "; ".join(problems) + ".[/]")
    if plot is not None:
        sens.plot(indices, outcome, plot)
        out.print(f"Plot written to {plot}")
    out.print(f"[dim]{CAVEAT}[/]")


@app.command(rich_help_panel="Experiments")
def discover(file: Annotated[Path, typer.Argument(
                 metavar="FILE", help="DuckDB results file of a sweep.")],
             outcome: Annotated[str, typer.Option(help="Outcome share to explain.")] = "deal",
             threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="A point is a "
                                                      "case when its share >= this.",
                                                      callback=guards.finite)] = 0.5,
             experiment: ExpOpt = None,
             plot: Annotated[Path | None, typer.Option(help="Peeling trajectory .png/.svg")]
             = None,
             as_json: JsonOpt = False) -> None:
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
    if as_json:
        guards.print_json({"experiment": exp, "outcome": outcome, "threshold": threshold,
                          "cases": box.cases, "points": len(frame), "coverage": box.coverage,
                          "density": box.density, "mass": box.mass,
                          "limits": {str(k): {"low": float(r["low"]), "high": float(r["high"])}
                                     for k, r in box.limits.iterrows()}})
        return
    out.print(f"PRIM on experiment {exp}: {box.cases} of {len(frame)} points have "
              f"{outcome} >= {threshold}")
    if not len(box.limits):
        out.print(f"PRIM found no box: no range of {', '.join(params)} concentrates the "
                  f"'{outcome}' cases better than the whole design (density "
                  f"{box.density:.2f} everywhere). Try another threshold or more points.")
        out.print(f"[dim]{CAVEAT}[/]")
        return
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
               "--over", metavar="PATH=LO:HI",
               help="Uncertain leader parameter PATH=LO:HI (repeatable).")] = None,
           types: Annotated[str, typer.Option(help="Type mixture, e.g. "
                                              "identity-committed:0.5,cost-benefit:0.5")]
           = "identity-committed:0.5,cost-benefit:0.5",
           samples: Annotated[int, typer.Option(min=2, help="Uncertainty points.")] = 40,
           runs: Annotated[int, typer.Option(min=1, help="Runs per point and strategy.")]
           = 300,
           seed: SeedOpt = None,
           satisfice: Annotated[float, typer.Option(help="Value a point must reach.",
                                                    callback=guards.finite)] = 0.3,
           as_json: JsonOpt = False,
           sets: SetOpt = None) -> None:
    """Which coercer strategy holds up when the leader's type is uncertain."""
    from compellence.analysis import robust as rb
    from compellence.analysis.design import DesignError, parse_param
    from compellence.scenario.loader import ScenarioError

    sc = _load(scenario, sets)
    try:
        ranges = [parse_param(p, grid=False) for p in over or []]
        mix = rb.parse_types(types)
        names = [s.strip() for s in strategies.split(",") if s.strip()]
        with bar(samples * len(names), "points", sc.name, disable=as_json) as progress:
            task = progress.add_task(sc.name, total=samples * len(names))
            res = rb.robust(sc, names, ranges, mix, samples, runs,
                            sc.seed if seed is None else seed, satisfice,
                            progress=lambda k: progress.advance(task, k))
    except (DesignError, ScenarioError) as exc:
        _fail(str(exc))
        raise
    used_seed = sc.seed if seed is None else seed
    best = rb.best_by(res, satisfice, used_seed)
    if as_json:
        ivs = rb.intervals(res, satisfice)
        rows = [{**r, "intervals": ivs[r["strategy"]]} for r in res.table.to_dict("records")]
        guards.print_json({"types": mix, "values": res.values, "satisfice": satisfice,
                          "strategies": rows, "best": best,
                          "tie_rule": "a strategy ties with the best when the 95% paired "
                                      "bootstrap interval of their difference contains 0"})
        return
    _print_robust(res, best, mix, samples, runs, satisfice)


#: Short column headers for the robust tables (printed as a legend under them).
ROBUST_ABBREV = {"capitulation": "capit.", "leader_killed": "killed", "mean_value": "mean",
                 "worst_case": "worst", "mean_regret": "regret", "max_regret": "max reg.",
                 "satisficing": "satisf."}


def _print_robust(res, best, mix, samples, runs, satisfice) -> None:
    from compellence.analysis.intervals import describe_leaders
    from compellence.cli import fmt

    mix_text = ", ".join(f"{k} {v:g}" for k, v in mix.items())
    groups = (("Outcome shares (mean over points)",
               ["capitulation", "deal", "war", "collapse", "ongoing", "leader_killed"]),
              ("The coercer's value: decision criteria",
               ["mean_value", "worst_case", "mean_regret", "max_regret", "satisficing"]))
    out.print(f"Coercer strategies over {samples} leader-uncertainty points × {runs} runs; "
              f"types {mix_text}")
    for title, cols in groups:
        table = fmt.table(title)
        fmt.column(table, "strategy", min_width=12)
        for c in cols:
            fmt.column(table, ROBUST_ABBREV.get(c, c), right=True, no_wrap=True)
        for row in res.table[["strategy", *cols]].itertuples(index=False):
            table.add_row(str(row[0]), *(fmt.num(v) for v in row[1:]))
        out.print(table)
    out.print("[dim]capit. capitulation, killed leader killed, mean/worst value over points, "
              "regret = best strategy's value at a point − this one's, satisf. = share of "
              f"points with value ≥ {fmt.num(satisfice, 2)}[/]")
    labels = {"mean_value": "mean value", "worst_case": "worst case",
              "max_regret": "max regret", "satisficing": "satisficing"}
    for crit, names in best.items():
        out.print(f"Best by {labels[crit]}: {describe_leaders(names)}")
    values = ", ".join(f"{k} {v:+g}" for k, v in res.values.items())
    out.print(f"Values: {values} (value = concession × conceded share + weighted costs); a "
              "tie is a difference whose 95% paired bootstrap interval over the points "
              "contains 0")
    out.print(f"[dim]{CAVEAT}[/]")
