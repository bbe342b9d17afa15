"""The command line: argument parsing and printing only (typer + rich).

Every command takes SCENARIO as a built-in name (``compellence scenarios``) or a
path to a TOML file. Bad input prints one line naming the file, the field and
what was expected, and exits with code 2.
"""

from __future__ import annotations

import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from compellence import __version__
from compellence.model.core import ACTIONS, TERMS
from compellence.scenario.loader import ScenarioError, builtin_names, load_raw, load_scenario

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


@app.command()
def run(scenario: ScenarioArg,
        runs: Annotated[int | None, typer.Option(min=1, help="Monte Carlo runs.")] = None,
        seed: Annotated[int | None, typer.Option(min=0, help="Seed (default: scenario's).")]
        = None,
        out_file: Annotated[Path | None, typer.Option("--out", help="Write per-run results "
                                                      "to .parquet or .csv.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
        chunk_size: Annotated[int, typer.Option(min=1, help="Runs per chunk (memory bound; "
                                                "never changes the numbers).")] = 65_536,
        traj_file: Annotated[Path | None, typer.Option(
            "--trajectories", help="Write per-round quantiles of the state to this .csv.")]
        = None,
        backend: Annotated[str, typer.Option(help="auto (compiled where possible), numpy "
                                             "or numba.")] = "auto",
        stream: Annotated[bool | None, typer.Option(
            "--stream/--no-stream", help="Keep only running totals (bounded memory); the "
                                         "default above 2,000,000 runs without --out.")]
        = None,
        sets: SetOpt = None) -> None:
    """Run an ensemble: outcome shares with 95% intervals and the terms behind the choices."""
    from compellence.engine import BACKENDS, simulate
    from compellence.engine.stream import simulate_stream

    if out_file is not None and out_file.suffix not in (".parquet", ".csv"):
        _fail(f"{out_file}: --out expects a .parquet or .csv file name")
    if traj_file is not None and traj_file.suffix != ".csv":
        _fail(f"{traj_file}: --trajectories expects a .csv file name")
    if backend not in BACKENDS:
        _fail(f"--backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    sc = _load(scenario, sets)
    n = runs or sc.runs
    want = traj_file is not None
    streaming = stream if stream is not None else (n > 2_000_000 and out_file is None
                                                   and not want)
    if streaming and (out_file is not None or want):
        _fail("--stream keeps no per-run table: drop --out and --trajectories")
    try:
        from compellence.engine import resolve_backend
        resolve_backend(sc, backend, want)
    except ValueError as exc:
        _fail(str(exc))
    if streaming:
        size = chunk_size if chunk_size != 65_536 else 262_144
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
                "{task.completed:,}/{task.total:,} runs"), TimeRemainingColumn(),
                console=err, transient=True, disable=as_json) as bar:
            task = bar.add_task(sc.name, total=n)
            res = simulate_stream(sc, n, seed, chunk_size=size, backend=backend,
                                  progress=lambda k: bar.advance(task, k))
    elif as_json or n <= chunk_size:
        res = simulate(sc, runs=n, seed=seed, chunk_size=chunk_size, trajectories=want,
                       backend=backend)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
                "{task.completed:,}/{task.total:,} runs"), TimeRemainingColumn(),
                console=err, transient=True) as bar:
            task = bar.add_task(sc.name, total=n)
            res = simulate(sc, runs=n, seed=seed, chunk_size=chunk_size, trajectories=want,
                           progress=lambda k: bar.advance(task, k), backend=backend)
    if out_file is not None:
        frame = res.runs.assign(outcome=res.runs["outcome"].astype(str))
        try:
            if out_file.suffix == ".csv":
                frame.to_csv(out_file, index=False)
            else:
                frame.to_parquet(out_file, index=False)
        except OSError as exc:
            _fail(f"{out_file}: cannot write: {exc}")
    if traj_file is not None:
        try:
            res.trajectory_frame().to_csv(traj_file, index=False)
        except OSError as exc:
            _fail(f"{traj_file}: cannot write: {exc}")
    if as_json:
        print(json.dumps(res.to_dict(), indent=2))
        return
    _print_run(sc, res, out_file)


def _print_run(sc, res, out_file: Path | None) -> None:
    out.print(f"[bold]{sc.name}[/] — {sc.title}")
    out.print(f"{res.n:,} runs, seed {res.seed}, horizon {sc.horizon} rounds of "
              f"{sc.round_months:g} month(s); leader profile: {sc.leader.profile}")
    table = Table(title="Outcomes at the horizon")
    for col in ("outcome", "share", "95% interval", "median rounds"):
        table.add_column(col, justify="left" if col == "outcome" else "right")
    for r in res.outcome_table().itertuples():
        med = "—" if r.median_rounds != r.median_rounds else f"{r.median_rounds:g}"
        table.add_row(r.outcome, f"{r.share:.4f}", f"[{r.ci_low:.4f}, {r.ci_high:.4f}]", med)
    out.print(table)
    ev = res.event_table()
    out.print(f"Leader killed in confrontation: {ev['leader_killed']:.3f} of runs; any "
              f"succession: {ev['succession']:.3f}; mean escalations per run: "
              f"{ev['mean_escalations']:.2f}")
    if hasattr(res, "runs") and "switched_round" in res.runs:
        sw = res.runs["switched_round"]
        med = f", median round {sw[sw >= 0].median():g}" if (sw >= 0).any() else ""
        out.print(f"Learning coercer: switched to the limited offer in {(sw >= 0).mean():.3f} "
                  f"of runs{med}")
    terms = res.term_means()
    tt = Table(title="Mean utility terms behind the leader's choices (per decision)")
    tt.add_column("term")
    for a in ACTIONS:
        tt.add_column(a, justify="right")
    tt.add_column("resist − capitulate", justify="right")
    for name in TERMS:
        row = terms.loc[name]
        tt.add_row(name, *(f"{row[a]:+.3f}" for a in ACTIONS),
                   f"{row['resist'] - row['capitulate']:+.3f}")
    out.print(tt)
    gaps = (terms["resist"] - terms["capitulate"]).sort_values(ascending=False)
    top = ", ".join(f"{k} ({v:+.2f})" for k, v in gaps.head(3).items() if v > 0)
    out.print(f"What keeps him from capitulating, largest first: {top or 'nothing'}")
    if out_file is not None:
        out.print(f"Per-run results written to {out_file}")
    if getattr(res, "trajectories", None) is not None:
        out.print("Per-round quantiles of the state written with --trajectories")
    out.print(f"[dim]{CAVEAT}[/]")


@app.command()
def explain(scenario: ScenarioArg,
            run_index: Annotated[int, typer.Option("--run", min=0, help="Run number.")] = 0,
            round_: Annotated[int | None, typer.Option("--round", min=0, help="Round (default: "
                                                       "the run's last decision).")] = None,
            seed: Annotated[int | None, typer.Option(min=0)] = None,
            as_json: Annotated[bool, typer.Option("--json")] = False,
            sets: SetOpt = None) -> None:
    """One decision of one run, decomposed term by term."""
    from compellence.engine import explain_run

    sc = _load(scenario, sets)
    if run_index >= sc.runs:
        _fail(f"--run {run_index}: the scenario has {sc.runs} runs (0..{sc.runs - 1})")
    record = explain_run(sc, run_index, seed)
    if round_ is None:
        dec = record[-1]
    else:
        match = [d for d in record if d["round"] == round_]
        if not match:
            last = record[-1]["round"]
            _fail(f"--round {round_}: run {run_index} made decisions in rounds 0..{last} only")
        dec = match[0]
    if as_json:
        print(json.dumps({"scenario": sc.name, "run": run_index, **dec}, indent=2))
        return
    act = ACTIONS[dec["action"]]
    out.print(f"[bold]{sc.name}[/], run {run_index}, round {dec['round']}: the leader chose "
              f"[bold]{act}[/]" + (" (accepted)" if act == "deal" and dec["deal_accepted"]
                                   else "") + (" → war" if dec["war"] else ""))
    st, pr = dec["state"], dec["pressure"]
    out.print("state: " + ", ".join(f"{k} {v:.2f}" for k, v in st.items()))
    out.print("pressure: " + ", ".join(f"{k} {v:.2f}" for k, v in pr.items()))
    table = Table(title="Utility by term and action")
    table.add_column("term")
    for a in ACTIONS:
        table.add_column(a, justify="right")
    for name in TERMS:
        table.add_row(name, *(f"{v:+.3f}" for v in dec["terms"][name]))
    table.add_row("[bold]total[/]", *(f"[bold]{v:+.3f}[/]" for v in dec["utility"]))
    table.add_row("probability", *(f"{v:.3f}" for v in dec["probabilities"]))
    out.print(table)
    out.print(f"[dim]{CAVEAT}[/]")


@app.command()
def claims(runs: Annotated[int, typer.Option(min=50, help="Runs per ensemble.")] = 2000,
           seed: Annotated[int | None, typer.Option(min=0, help="One seed for every "
                                                    "scenario (default: their own).")] = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The nine claims of DESIGN.md: essay's profile vs contrast. Exit 0 only if all pass."""
    from compellence.analysis.claims import run_claims

    results = run_claims(runs, seed)
    ok = all(r.passed for r in results)
    if as_json:
        print(json.dumps({"runs": runs, "all_passed": ok,
                          "claims": [r.to_dict() for r in results]}, indent=2))
    else:
        table = Table(title=f"The essay's claims ({runs:,} runs per ensemble)", show_lines=True)
        for col in ("#", "claim", "quantity (threshold)", "essay's profile", "contrast",
                    "verdict"):
            table.add_column(col)
        for r in results:
            verdict = "[green]PASS[/]" if r.passed else "[red]FAIL[/]"
            table.add_row(str(r.number), r.claim, f"{r.quantity} ({r.threshold})",
                          f"{r.essay:.3f} {'holds' if r.essay_holds else 'fails'}\n"
                          f"[dim]{r.essay_label}[/]",
                          f"{r.contrast:.3f} {'holds' if r.contrast_holds else 'fails'}\n"
                          f"[dim]{r.contrast_label}[/]", verdict)
        out.print(table)
        for r in results:
            out.print(f"[dim]{r.number}. {r.detail}[/]", highlight=False)
        out.print(f"{sum(r.passed for r in results)}/9 claims hold for the essay's profile and "
                  "fail for their contrast. Thresholds: compellence/analysis/thresholds.py.")
        out.print(f"[dim]{CAVEAT}[/]")
    raise typer.Exit(0 if ok else 1)


@app.command()
def game(scenario: ScenarioArg,
         export: Annotated[Path | None, typer.Option(help="Write the game as Gambit .efg.")]
         = None,
         lam: Annotated[float | None, typer.Option(
             "--lambda", min=0.0, help="λ of the logit QRE (default: game.rationality)")]
         = None,
         qre_path_: Annotated[bool, typer.Option("--qre-path", help="Trace the QRE over λ.")]
         = False,
         prior: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="Prior that the "
                                                     "leader is cost-benefit.")] = None,
         stages: Annotated[int | None, typer.Option(min=1, max=3)] = None,
         check_gambit: Annotated[bool, typer.Option(help="Solve with pygambit too and "
                                                    "compare.")] = False,
         as_json: Annotated[bool, typer.Option("--json")] = False,
         sets: SetOpt = None) -> None:
    """Equilibria of the coercion game, the coercer's best demand and the threshold belief."""
    from compellence.game import solve
    from compellence.game.belief import analyse_beliefs, prior_for
    from compellence.game.efg import to_efg
    from compellence.game.tree import GameTooLarge, build_game

    sc = _load(scenario, sets)
    if stages is not None:
        sc.game.stages = stages
    pri = prior_for(sc, prior) if prior is not None else None
    tree = build_game(sc, prior=pri)
    size = tree.size()
    if size["nodes"] > 200_000:
        _fail(f"the game has {size['nodes']:,} nodes, too many to solve: use fewer stages or "
              "a coarser menu")
    if export is not None:
        export.write_text(to_efg(tree))
    lam_value = sc.game.rationality if lam is None else lam
    only_qre = lam is not None or qre_path_
    pure: list[dict[str, str]] | None = None
    try:
        pure = solve.pure_equilibria(tree)
    except GameTooLarge as exc:
        if not only_qre:
            _fail(f"{sc.name}: {exc}")
    qre = solve.logit_qre(tree, lam_value)
    path = solve.qre_path(tree, [0.5, 1, 2, 4, 8, 16, 32]) if qre_path_ else []
    spe = solve.backward_induction(tree) if sc.game.stages == 1 else None
    beliefs = {"best_response": analyse_beliefs(sc, None) if sc.game.stages == 1 else None,
               "qre": analyse_beliefs(sc, lam_value)} if "cost-benefit" in sc.game.types else {}
    check = _check_gambit(tree, pure, qre) if check_gambit else None
    data = {
        "scenario": sc.name, "size": size, "types": list(tree.types),
        "prior": list(tree.prior), "menu": list(tree.menu),
        "pure_equilibria": pure, "backward_induction": spe,
        "qre": {"lambda": lam_value, "behavior": qre.as_dict(tree)},
        "qre_path": [{"lambda": q.lam, "behavior": q.as_dict(tree)} for q in path],
        "beliefs": {k: None if v is None else {
            "maximal": v.maximal, "threshold": v.threshold,
            "grid": [{"prior_cost_benefit": p, "best": b, "values": vals}
                     for p, b, vals in v.grid]} for k, v in beliefs.items()},
        "gambit_check": check,
        "note": "conditional on the scenario's stated assumptions; not a forecast",
    }
    if as_json:
        print(json.dumps(data, indent=2))
        return
    _print_game(sc, tree, data, export)


def _check_gambit(tree, pure, qre) -> dict[str, Any]:
    from compellence.game import gambit

    try:
        result: dict[str, Any] = {}
        if pure is not None:
            key = lambda e: tuple(sorted(e.items()))  # noqa: E731
            theirs = gambit.pure_equilibria(tree)
            result["pure_sets_equal"] = set(map(key, pure)) == set(map(key, theirs))
        g = gambit.qre(tree, qre.lam)
        ours = qre.as_dict(tree)
        result["qre_max_abs_diff"] = max(abs(ours[k][a] - g[k][a]) for k in ours for a in ours[k])
        return result
    except gambit.MissingExtra as exc:
        _fail(str(exc))
        raise


def _print_game(sc, tree, data, export) -> None:
    size = data["size"]
    out.print(f"[bold]{sc.name}[/]: the coercion game, {sc.game.stages} stage(s); types "
              + ", ".join(f"{t} ({p:.2f})" for t, p in zip(tree.types, tree.prior, strict=True))
              + "; menu " + ", ".join(tree.menu))
    out.print(f"{size['nodes']} nodes, {size['terminals']} terminals, {size['infosets']} "
              f"information sets, {size['pure_profiles']:,} pure behavior profiles")
    if data["pure_equilibria"] is not None:
        eqs = data["pure_equilibria"]
        coercer_choices = sorted({e["C|"] for e in eqs})
        out.print(f"Pure agent Nash equilibria: {len(eqs)} (the coercer's first choice in them: "
                  f"{', '.join(coercer_choices)}); most differ only off the path of play")
    if data["backward_induction"]:
        bi = data["backward_induction"]
        out.print("Best responses (λ → ∞): coercer → [bold]" + bi["C|"] + "[/]; " +
                  "; ".join(f"{k.split('|')[1]} vs {k.split('|')[2]} → {v}"
                            for k, v in bi.items() if k.startswith("L|")))
    table = Table(title=f"Logit QRE at λ = {data['qre']['lambda']:g}")
    table.add_column("information set")
    table.add_column("behavior")
    for key, probs in data["qre"]["behavior"].items():
        table.add_row(key, ", ".join(f"{a} {p:.3f}" for a, p in probs.items()))
    out.print(table)
    for q in data["qre_path"]:
        root = q["behavior"]["C|"]
        out.print(f"  λ = {q['lambda']:>4g}: coercer " + ", ".join(f"{a} {p:.3f}"
                                                                for a, p in root.items()))
    for kind, b in data["beliefs"].items():
        if b is None:
            continue
        lam_text = f"QRE λ = {data['qre']['lambda']:g}"
        label = "best response" if kind == "best_response" else lam_text
        bt = Table(title=f"Coercer's best demand by prior that the leader is cost-benefit "
                         f"({label})")
        bt.add_column("prior")
        bt.add_column("best")
        for m in tree.menu:
            bt.add_column(f"E({m})", justify="right")
        for row in b["grid"][::2]:
            bt.add_row(f"{row['prior_cost_benefit']:.1f}", row["best"],
                       *(f"{row['values'][m]:+.3f}" for m in tree.menu))
        out.print(bt)
        thr = b["threshold"]
        text = ("never, on [0, 1]" if thr is None else f"{thr:.3f}")
        out.print(f"Threshold belief above which the maximal demand ('{b['maximal']}') pays "
                  f"({label}): [bold]{text}[/]")
    if data["gambit_check"]:
        out.print(f"Gambit check: {data['gambit_check']}")
    if export is not None:
        out.print(f"Game written to {export} (Gambit .efg)")
    out.print(f"[dim]{CAVEAT}[/]")


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
    from compellence.analysis.store import Store, StoreError

    try:
        return Store(path, create=create)
    except StoreError as exc:
        _fail(str(exc))
        raise


def _run_design(sc, design, out_file: Path, runs: int, seed: int, workers: int,
                scheduler: str | None, store_runs: bool, batch: int):
    from compellence.analysis.sweep import run_sweep

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
        done = len(store.done_points(store.resolve(None)))
        err.print(f"interrupted: {done} of {len(design.points)} points are stored in "
                  f"{out_file}; run the same command again to resume")
        raise typer.Exit(130) from None
    finally:
        store.close()
    return result


@app.command()
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
    if lhs_n:
        design = dz.lhs(ranges, lhs_n, seed)
    elif sobol_n:
        design = dz.sobol(ranges, sobol_n, seed)
    else:
        design = dz.grid(ranges)
    res = _run_design(sc, design, out_file, runs, seed, workers, scheduler, store_runs, batch)
    out.print(f"experiment {res.experiment}: {res.total:,} design points × {runs} runs "
              f"({res.computed:,} computed now) in {out_file}")
    out.print(f"Read them with `compellence results show {out_file}`.")


results_app = typer.Typer(help="Read stored sweep results.", no_args_is_help=True)
app.add_typer(results_app, name="results")

ExpOpt = Annotated[str | None, typer.Option("--experiment", help="Experiment id (prefix); "
                                            "default: the latest.")]


@results_app.command("list")
def results_list(file: Annotated[Path, typer.Argument(help="DuckDB results file.")]) -> None:
    """The experiments in a results file."""
    store = _open_store(file, create=False)
    frame = store.experiments()
    table = Table(title=str(file))
    for col in ("id", "created", "scenario", "runs/point", "points", "done", "package"):
        table.add_column(col)
    for r in frame.itertuples():
        table.add_row(r.id, str(r.created)[:19], r.scenario_name, str(r.runs_per_point),
                      str(r.n_points), str(r.done), r.package)
    out.print(table)


def _experiment_table(file: Path, experiment: str | None):
    from compellence.analysis.store import StoreError

    store = _open_store(file, create=False)
    try:
        exp = store.resolve(experiment)
    except StoreError as exc:
        _fail(str(exc))
    return store, exp, store.table(exp)


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
    if output.suffix not in (".parquet", ".csv"):
        _fail(f"{output}: expected a .parquet or .csv file name")
    _, exp, frame = _experiment_table(file, experiment)
    if output.suffix == ".csv":
        frame.to_csv(output, index=False)
    else:
        frame.to_parquet(output, index=False)
    out.print(f"{len(frame)} design points of experiment {exp} written to {output}")


@app.command()
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
    if plot is not None and plot.suffix not in (".png", ".svg"):
        _fail(f"{plot}: --plot expects a .png or .svg file name")
    sc = _load(scenario, sets)
    seed = sc.seed if seed is None else seed
    ranges = _params(params, grid=False)
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


@app.command()
def discover(file: Annotated[Path, typer.Argument(help="DuckDB results file of a sweep.")],
             outcome: Annotated[str, typer.Option(help="Outcome share to explain.")] = "deal",
             threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="A point is a "
                                                      "case when its share >= this.")] = 0.5,
             experiment: ExpOpt = None,
             plot: Annotated[Path | None, typer.Option(help="Peeling trajectory .png/.svg")]
             = None) -> None:
    """Scenario discovery (PRIM): the parameter ranges where an outcome is likely."""
    from compellence.analysis.discovery import discover as prim_discover
    from compellence.analysis.discovery import plot_trajectory
    from compellence.analysis.store import AGGREGATES

    if outcome not in AGGREGATES:
        _fail(f"--outcome {outcome!r}: expected one of {', '.join(AGGREGATES)}")
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


@app.command()
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
           satisfice: Annotated[float, typer.Option(help="Value a point must reach.")] = 0.3,
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
        print(json.dumps({"types": mix, "values": res.values, "satisfice": satisfice,
                          "strategies": res.table.to_dict("records")}, indent=2))
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


data_app = typer.Typer(help="Real coercion data: loaders and base rates.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")

PathOpt = Annotated[Path | None, typer.Option()]


@data_app.command("baserates")
def data_baserates(ties: PathOpt = None, gsdb: PathOpt = None, icb: PathOpt = None,
                   archigos: PathOpt = None,
                   as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Outcome shares of TIES, GSDB, ICB and Archigos (your own copies, by path)."""
    from compellence.evidence import loaders as ld

    if not any((ties, gsdb, icb, archigos)):
        _fail("give at least one of --ties, --gsdb, --icb, --archigos (paths to your copies; "
              "docs/evidence.md says where to obtain them)")
    result: dict[str, dict[str, float]] = {}
    try:
        if ties:
            result["ties"] = ld.ties_rates(ld.load_ties(ties))
        if gsdb:
            result["gsdb"] = ld.gsdb_rates(ld.load_gsdb(gsdb))
        if icb:
            result["icb"] = ld.icb_rates(ld.load_icb(icb))
        if archigos:
            result["archigos"] = ld.archigos_rates(ld.load_archigos(archigos))
    except ld.DataError as exc:
        _fail(str(exc))
    if as_json:
        print(json.dumps(result, indent=2))
        return
    for name, rates in result.items():
        table = Table(title=name.upper())
        table.add_column("figure")
        table.add_column("value", justify="right")
        for k, v in rates.items():
            table.add_row(k, f"{v:,}" if isinstance(v, int) else
                          (f"{100 * v:.1f}%" if 0 <= v <= 1 else f"{v:.3f}"))
        out.print(table)
    out.print("[dim]Shares depend on how each data set codes success; compare like with "
              "like.[/]")


@app.command()
def backtest(episodes: Annotated[str | None, typer.Argument(
                 help="Episode file (default: the shipped Iran episodes).")] = None,
             runs: Annotated[int | None, typer.Option(min=10)] = None,
             ties: Annotated[Path | None, typer.Option(help="Use TIES shares as the base "
                                                       "rate instead of leave-one-out.")]
             = None,
             as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The model vs the base rate vs the cost-benefit model on observed episodes."""
    from compellence.analysis.backtest import run_backtest
    from compellence.evidence import loaders as ld
    from compellence.evidence.episodes import load_episodes

    try:
        eps, folder, source = load_episodes(episodes)
        shares = ld.ties_outcome_shares(ld.load_ties(ties)) if ties else None
        bt = run_backtest(eps, folder, runs, shares)
    except (ScenarioError, ld.DataError) as exc:
        _fail(str(exc))
        raise
    caveat = (f"{len(eps.episode)} episodes: far too few to estimate or validate anything. "
              "Outcome classes are coding choices (see each episode's note). A good score here "
              "is consistency with a handful of cases, not a forecast.")
    if as_json:
        print(json.dumps({"episodes_file": source, "n_episodes": len(eps.episode),
                          "base_rate_source": "TIES" if ties else "leave-one-out frequencies",
                          "scores": bt.summary, "fitted": bt.fitted,
                          "episodes": bt.episodes, "caveat": caveat}, indent=2))
        return
    table = Table(title=f"Backtest on {source}: probability given to the observed outcome "
                        "(leave-one-out)")
    for col in ("episode", "when", "observed", "model", "cost-benefit", "base rate",
                "model's most likely"):
        table.add_column(col, justify="left" if col in ("episode", "when", "observed",
                                                        "model's most likely") else "right")
    for r in bt.episodes:
        o = r["observed"]
        top = max(r["model"], key=r["model"].__getitem__)
        table.add_row(r["id"], r["when"], o, f"{r['model'][o]:.3f}",
                      f"{r['cost_benefit'][o]:.3f}", f"{r['base_rate'][o]:.3f}", top)
    out.print(table)
    st = Table(title="Scores (accuracy ↑, Brier ↓, log score ↓)")
    for col in ("", "model", "cost-benefit", "base rate"):
        st.add_column(col, justify="left" if not col else "right")
    for kind in ("leave_one_out", "in_sample"):
        sc = bt.summary[kind]
        for metric in ("accuracy", "brier", "log_score"):
            st.add_row(f"{kind.replace('_', '-')} {metric}",
                       *(f"{sc[m][metric]:.3f}" for m in ("model", "cost_benefit",
                                                          "base_rate")))
    out.print(st)
    out.print(f"Fitted on all episodes: model {bt.fitted['model']}; cost-benefit "
              f"{bt.fitted['cost_benefit']}")
    out.print(f"[yellow]{caveat}[/]")


@app.command()
def calibrate(ties: Annotated[Path, typer.Option(help="Your copy of TIESv4-1.xls.")],
              runs: Annotated[int, typer.Option(min=100)] = 4000,
              bootstrap: Annotated[int, typer.Option(min=0)] = 20,
              as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Fit a generic leader population to TIES (simulated method of moments)."""
    import dataclasses

    from compellence.analysis.calibrate import calibrate as fit
    from compellence.evidence import loaders as ld

    try:
        frame = ld.load_ties(ties)
    except ld.DataError as exc:
        _fail(str(exc))
        raise
    with err.status("fitting (simulated method of moments, then a case bootstrap)..."):
        cal = fit(frame, runs, bootstrap)
    if as_json:
        print(json.dumps(dataclasses.asdict(cal), indent=2))
        return
    table = Table(title=f"Calibration to TIES ({cal.n_cases:,} coded cases; {cal.runs:,} runs "
                        f"per evaluation; {cal.bootstrap} bootstrap refits)")
    for col in ("parameter", "estimate", "bootstrap s.e.", "95% interval", "at bound"):
        table.add_column(col)
    labels = {"w": "identity weight upper bound w (population ~ U[0, w])",
              "m": "material weight m"}
    for k, v in cal.theta.items():
        lo, hi = cal.ci95[k]
        table.add_row(labels[k], f"{v:.3f}", f"{cal.se[k]:.3f}", f"[{lo:.3f}, {hi:.3f}]",
                      "yes" if cal.at_bound[k] else "no")
    out.print(table)
    ft = Table(title=f"Fit (J = {cal.j_statistic:.3f})")
    for col in ("moment", "TIES", "model"):
        ft.add_column(col)
    for k in cal.data:
        ft.add_row(k, f"{cal.data[k]:.3f}", f"{cal.simulated[k]:.3f}")
    out.print(ft)
    e = cal.essay_profile
    o = e["outcomes_in_generic_sanctions"]
    out.print(f"The essay's identity-committed leader in the same sanctions episodes: acquiesces "
              f"{o['acquiesce']:.3f}, settles {o['settle']:.3f}, holds out {o['hold_out']:.3f} "
              f"(population: {cal.simulated['acquiesce']:.3f} / {cal.simulated['settle']:.3f} / "
              f"{cal.simulated['hold_out']:.3f}); "
              f"{e['population_share_below_his_identity_weight']:.0%} of the fitted population "
              "has a lower identity weight, but none has his sacred premium or authority "
              "multiplier.")
    out.print(f"[dim]{CAVEAT}[/]")


def _results_extra(file: Path, experiment: str | None, outcome: str, threshold: float):
    from compellence.analysis.design import Design
    from compellence.analysis.discovery import discover as prim_discover
    from compellence.analysis.sensitivity import analyse
    from compellence.report.html import Extra

    store, exp, frame = _experiment_table(file, experiment)
    meta = store.meta(exp)
    extra = Extra(experiment=exp, sensitivity_outcome=outcome, box_outcome=outcome)
    spec = meta["design"]
    params = [p["path"] for p in spec["params"]]
    if spec["kind"] in ("sobol", "morris") and len(frame) == meta["n_points"]:
        points = frame.sort_values("point")[params].reset_index(drop=True)
        extra.sensitivity = analyse(Design(points, spec), frame, outcome)
    try:
        extra.box = prim_discover(frame, params, outcome, threshold)
    except (ValueError, ImportError) as exc:
        err.print(f"[dim]no PRIM box in the report: {escape(str(exc))}[/]")
    return extra


@app.command()
def report(scenario: ScenarioArg,
           output: Annotated[Path, typer.Option("-o", "--output", help="The .html file.")]
           = Path("report.html"),
           runs: Annotated[int, typer.Option(min=10)] = 5000,
           seed: Annotated[int | None, typer.Option(min=0)] = None,
           results_db: Annotated[Path | None, typer.Option("--results", help="A sweep's "
                                                           "DuckDB file for sensitivity and "
                                                           "discovery sections.")] = None,
           experiment: ExpOpt = None,
           outcome: Annotated[str, typer.Option(help="Outcome for the results sections.")]
           = "deal",
           threshold: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.5,
           fmt: Annotated[str | None, typer.Option("--format", help="Also write the figures "
                                                   "as png or svg files.")] = None,
           with_claims: Annotated[bool, typer.Option("--claims/--no-claims")] = True,
           claims_runs: Annotated[int, typer.Option(min=50)] = 1000,
           sets: SetOpt = None) -> None:
    """A self-contained HTML report (opens offline): assumptions, outcomes, trajectories,
    the terms behind the decisions, the claims."""
    from compellence.engine import simulate
    from compellence.report.html import build_report

    if output.suffix != ".html":
        _fail(f"{output}: the report is an .html file")
    if fmt not in (None, "png", "svg"):
        _fail(f"--format {fmt!r}: expected png or svg")
    sc = _load(scenario, sets)
    with err.status(f"simulating {runs:,} runs of {sc.name}..."):
        res = simulate(sc, runs=runs, seed=seed, trajectories=True)
    claims_rows = None
    if with_claims:
        from compellence.analysis.claims import run_claims
        with err.status("checking the claims..."):
            claims_rows = run_claims(claims_runs)
    extra = _results_extra(results_db, experiment, outcome, threshold) if results_db else None
    fig_dir = output.with_name(output.stem + "_figures") if fmt else None
    text = build_report([sc], [res], [sc.name], claims_rows, extra, fig_dir, fmt or "png")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc}")
    out.print(f"Report written to {output} ({len(text) / 1e6:.1f} MB, self-contained)")
    if fig_dir:
        out.print(f"Figures written to {fig_dir}/ as {fmt}")


def _scenario_or_strategy(base, ref: str):
    """A second scenario to compare: a scenario, or a strategy applied to the first."""
    from compellence.analysis.robust import apply_strategy, is_strategy

    return apply_strategy(base, ref) if is_strategy(ref) else _load(ref)


@app.command()
def compare(a: Annotated[str, typer.Argument(help="A scenario.")],
            b: Annotated[str, typer.Argument(help="A scenario, or a strategy (built-in "
                                             "name or file) applied to A.")],
            runs: Annotated[int, typer.Option(min=10)] = 5000,
            report_file: Annotated[Path | None, typer.Option("--report", help="Also write an "
                                                             "HTML comparison report.")]
            = None,
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Two scenarios or two strategies side by side: outcomes and trajectories."""
    from compellence.engine import simulate
    from compellence.report.html import build_report

    sa = _load(a)
    try:
        sb = _scenario_or_strategy(sa, b)
    except ScenarioError as exc:
        _fail(str(exc))
        raise
    ra = simulate(sa, runs=runs, trajectories=True)
    rb = simulate(sb, runs=runs, trajectories=True)
    labels = [sa.name, sb.name]
    if as_json:
        print(json.dumps({"a": ra.to_dict(), "b": rb.to_dict()}, indent=2))
    else:
        table = Table(title=f"{labels[0]}  vs  {labels[1]}  ({runs:,} runs each)")
        table.add_column("outcome")
        for lab in labels:
            table.add_column(lab, justify="right")
        table.add_column("difference", justify="right")
        ta, tb = ra.outcome_table(), rb.outcome_table()
        for (_, x), (_, y) in zip(ta.iterrows(), tb.iterrows(), strict=True):
            table.add_row(x["outcome"], f"{x['share']:.3f} [{x['ci_low']:.3f}, "
                          f"{x['ci_high']:.3f}]", f"{y['share']:.3f} [{y['ci_low']:.3f}, "
                          f"{y['ci_high']:.3f}]", f"{y['share'] - x['share']:+.3f}")
        out.print(table)
        tt = Table(title="Median state among runs in play (round 0 → 6 → 12 → horizon)")
        tt.add_column("variable")
        for lab in labels:
            tt.add_column(lab)
        fa, fb = ra.trajectory_frame(), rb.trajectory_frame()
        for var in ("economy", "unrest", "base", "trust", "program"):
            cells = []
            for f, r in ((fa, ra), (fb, rb)):
                med = f[f["variable"] == var].set_index("round")["median"]
                pts = [t for t in (0, 6, 12, r.horizon) if t in med.index]
                cells.append(" → ".join(f"{med[t]:.2f}" for t in pts))
            tt.add_row(var, *cells)
        out.print(tt)
        out.print(f"[dim]{CAVEAT}[/]")
    if report_file is not None:
        report_file.write_text(build_report([sa, sb], [ra, rb], labels), encoding="utf-8")
        if not as_json:
            out.print(f"Comparison report written to {report_file}")


@app.command("app")
def app_command(port: Annotated[int, typer.Option(min=1, max=65535)] = 8050,
                host: Annotated[str, typer.Option(help="Interface to listen on.")]
                = "127.0.0.1") -> None:
    """Serve the interactive page on http://HOST:PORT (Ctrl-C stops it)."""
    from compellence.app.server import serve

    out.print(f"compellence app on http://{host}:{port}  (Ctrl-C to stop)")
    serve(host, port)


@app.command()
def scenarios() -> None:
    """List the built-in scenarios."""
    table = Table(title="Built-in scenarios")
    table.add_column("name")
    table.add_column("title")
    for name in builtin_names():
        data, _ = load_raw(name)
        table.add_row(name, str(data.get("title", "")))
    out.print(table)
    out.print("Run one with `compellence run NAME`; copy one (files in the package's "
              "scenario/builtin/) and edit it, or write `extends = \"NAME\"` in your own file.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from compellence.scenario.schema import Scenario

    print(json.dumps(Scenario.model_json_schema(), indent=2))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
