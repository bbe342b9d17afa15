"""Commands that run the model: run, explain, claims, scenarios, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    ScenarioArg,
    SetOpt,
    _fail,
    _load,
    app,
    err,
    out,
)
from compellence.model.core import ACTIONS, TERMS
from compellence.scenario.loader import builtin_names, load_raw


@app.command(rich_help_panel="Run the model")
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

    guards.output(out_file, (".parquet", ".csv"), "--out")
    guards.output(traj_file, (".csv",), "--trajectories")
    guards.runs_cap(runs)
    if backend not in BACKENDS:
        _fail(f"--backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    sc = _load(scenario, sets)
    n = runs or sc.runs
    want = traj_file is not None
    streaming = stream if stream is not None else (n > 2_000_000 and out_file is None
                                                   and not want)
    if streaming and (out_file is not None or want):
        _fail("--stream keeps no per-run table: drop --out and --trajectories")
    guards.estimate(n, sc.horizon, out_file, keeps_table=not streaming)
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
        guards.write_frame(res.runs.assign(outcome=res.runs["outcome"].astype(str)), out_file)
    if traj_file is not None:
        try:
            res.trajectory_frame().to_csv(traj_file, index=False)
        except OSError as exc:
            _fail(f"{traj_file}: cannot write: {exc}")
    if as_json:
        guards.print_json(res.to_dict())
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


@app.command(rich_help_panel="Run the model")
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
        guards.print_json({"scenario": sc.name, "run": run_index, **dec})
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


@app.command(rich_help_panel="Run the model")
def claims(runs: Annotated[int, typer.Option(min=50, help="Runs per ensemble.")] = 2000,
           seed: Annotated[int | None, typer.Option(min=0, help="One seed for every "
                                                    "scenario (default: their own).")] = None,
           as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The nine claims of DESIGN.md: essay's profile vs contrast. Exit 0 only if all pass."""
    from compellence.analysis.claims import run_claims

    results = run_claims(runs, seed)
    ok = all(r.passed for r in results)
    if as_json:
        guards.print_json({"runs": runs, "all_passed": ok,
                           "claims": [r.to_dict() for r in results]})
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



@app.command(rich_help_panel="Run the model")
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


@app.command(rich_help_panel="Run the model")
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from compellence.scenario.schema import Scenario

    print(guards.dumps(Scenario.model_json_schema()))
