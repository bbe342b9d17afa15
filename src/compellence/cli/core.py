"""Commands that run the model: run, explain, claims, scenarios, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from compellence.cli import fmt, guards
from compellence.cli.common import (
    CAVEAT,
    JsonOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    _fail,
    _load,
    app,
    err,
    out,
    working,
)
from compellence.model.core import ACTIONS, TERMS


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
        backend: Annotated[str, typer.Option(help="auto or numba (the compiled CPU kernel), "
                                             "python (the model uncompiled: slow, for "
                                             "checking), cuda (an NVIDIA GPU).")] = "auto",
        stream: Annotated[bool | None, typer.Option(
            "--stream/--no-stream", help="Keep only running totals (bounded memory); the "
                                         "default above 2,000,000 runs without --out.",
            show_default=False)]
        = None,
        sets: SetOpt = None) -> None:
    """Run an ensemble: outcome shares with 95% intervals and the terms behind the choices."""
    from compellence import api
    from compellence.engine import BACKENDS
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
        if as_json:
            from compellence.analysis.intervals import event_intervals

            data = res.to_dict()
            data["events"] = {k: v.to_dict() for k, v in event_intervals(res).items()}
            guards.print_json(data)
            return
        _print_run(sc, res, None)
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
            "{task.completed:,}/{task.total:,} runs"), TimeRemainingColumn(),
            console=err, transient=True, disable=as_json or n <= chunk_size) as bar:
        task = bar.add_task(sc.name, total=n)
        result = api.run(sc, runs=n, seed=seed, chunk_size=chunk_size, trajectories=want,
                         progress=lambda k: bar.advance(task, k), backend=backend)
    if out_file is not None:
        guards.write_frame(result.per_run(), out_file)
    if traj_file is not None:
        try:
            result.trajectories.to_csv(traj_file, index=False)
        except OSError as exc:
            _fail(f"{traj_file}: cannot write: {exc}")
    if as_json:
        guards.print_json(result.to_dict())
        return
    _print_run(sc, result.raw, out_file, traj_file)


def _print_run(sc, res, out_file: Path | None, traj_file: Path | None = None) -> None:
    out.print(f"[bold]{sc.name}[/] — {sc.title}")
    out.print(f"{res.n:,} runs, seed {res.seed}, horizon {sc.horizon} rounds of "
              f"{sc.round_months:g} month(s); leader profile: {sc.leader.profile}")
    from compellence.analysis.intervals import event_intervals, outcome_intervals

    table = fmt.table("Outcomes at the horizon")
    for col in ("outcome", "share", "95% interval", "median rounds"):
        fmt.column(table, col, right=col != "outcome")
    for r, iv in zip(res.outcome_rows(), outcome_intervals(res), strict=True):
        table.add_row(r.outcome, fmt.num(iv.estimate, 4), fmt.interval(iv, 4),
                      fmt.num(r.median_rounds, 1).removesuffix(".0"))
    out.print(table)
    ev = event_intervals(res)
    out.print("Leader killed in confrontation: " + fmt.with_interval(ev["leader_killed"])
              + " of runs; any succession: " + fmt.with_interval(ev["succession"])
              + "; mean escalations per run: " + fmt.with_interval(ev["mean_escalations"], 2))
    succ = [(k.removeprefix("successor_"), v) for k, v in ev.items()
            if k.startswith("successor_")]
    if succ:
        out.print("Successor chosen by the selectorate (share of runs with a succession, by "
                  "the last one): "
                  + "; ".join(f"{name} {fmt.with_interval(v)}" for name, v in succ))
    if "deal_broken" in ev and ev["deal_broken"].estimate > 0:
        out.print("A deal broken: " + fmt.with_interval(ev["deal_broken"]) + " of runs; by "
                  "the leader: " + fmt.with_interval(ev["leader_broke_deal"]))
    if "switched" in ev:
        sw = np.asarray(res.columns["switched_round"])
        med = f", median round {np.median(sw[sw >= 0]):g}" if (sw >= 0).any() else ""
        out.print("Learning coercer: switched to the limited offer in "
                  f"{fmt.with_interval(ev['switched'])} of runs{med}")
    terms = res.term_array()                       # TERMS × ACTIONS
    resist, capit = ACTIONS.index("resist"), ACTIONS.index("capitulate")
    gap = {name: float(terms[j, resist] - terms[j, capit]) for j, name in enumerate(TERMS)}
    tt = fmt.table("Mean utility terms behind the leader's choices (per decision)")
    fmt.column(tt, "term")
    for a in ACTIONS:
        fmt.column(tt, a, right=True)
    fmt.column(tt, "resist − capit.", right=True)
    for j, name in enumerate(TERMS):
        tt.add_row(name, *(fmt.num(v, signed=True) for v in terms[j]),
                   fmt.num(gap[name], signed=True))
    out.print(tt)
    # largest first, ties in term order, a NaN (no decision measured it) last
    ranked = sorted(gap.items(), key=lambda kv: -np.inf if np.isnan(kv[1]) else kv[1],
                    reverse=True)[:3]
    top = ", ".join(f"{k} ({v:+.2f})" for k, v in ranked if v > 0)
    out.print(f"What keeps him from capitulating, largest first: {top or 'nothing'}")
    if out_file is not None:
        out.print(f"Per-run results written to {out_file} (with a column for each sampled "
                  "parameter)")
    if traj_file is not None:
        out.print(f"Per-round quantiles of the state written to {traj_file}")
    out.print(f"[dim]{CAVEAT}[/]")


@app.command(rich_help_panel="Run the model")
def explain(scenario: ScenarioArg,
            run_index: Annotated[int, typer.Option("--run", min=0, help="Run number.")] = 0,
            round_: Annotated[int | None, typer.Option("--round", min=0, help="Round (default: "
                                                       "the run's last decision).")] = None,
            seed: SeedOpt = None,
            as_json: JsonOpt = False,
            sets: SetOpt = None) -> None:
    """One decision of one run, decomposed term by term, and how the run ended."""
    from compellence import api

    sc = _load(scenario, sets)
    if run_index >= sc.runs:
        _fail(f"--run {run_index}: the scenario has {sc.runs} runs (0..{sc.runs - 1})")
    try:
        decision = api.explain(sc, run_index, round_, seed)
    except ValueError as exc:
        _fail(f"--{exc}")
        raise
    dec, ending = decision.record, decision.ending
    if as_json:
        guards.print_json(decision.to_dict())
        return
    act = ACTIONS[dec["action"]]
    out.print(f"[bold]{sc.name}[/], run {run_index}, round {dec['round']}: the leader chose "
              f"[bold]{act}[/]" + (" (accepted)" if act == "deal" and dec["deal_accepted"]
                                   else "") + (" → war" if dec["war"] else ""))
    st, pr = dec["state"], dec["pressure"]
    out.print("state: " + ", ".join(f"{k} {fmt.num(v, 2)}" for k, v in st.items()))
    out.print("pressure: " + ", ".join(f"{k} {fmt.num(v, 2)}" for k, v in pr.items()))
    table = Table(title="Utility by term and action")
    table.add_column("term")
    for a in ACTIONS:
        table.add_column(a, justify="right")
    for name in TERMS:
        table.add_row(name, *(fmt.num(v, signed=True) for v in dec["terms"][name]))
    table.add_row("[bold]total[/]", *(f"[bold]{fmt.num(v, signed=True)}[/]"
                                      for v in dec["utility"]))
    table.add_row("probability", *(fmt.num(v) for v in dec["probabilities"]))
    out.print(table)
    out.print(f"How run {run_index} ended: [bold]{ending['outcome']}[/] {ending['text']}")
    out.print(f"[dim]{CAVEAT}[/]")


def _fig(f, floor_mark: bool = True) -> str:
    """One figure for the terminal: value, interval, judgement, floor."""
    if f is None:
        return "[dim]n/a[/]"
    state = {"holds": "satisfies", "contradicts": "contradicts"}.get(f.state, "inconclusive")
    floor = " [yellow]at floor[/]" if f.at_floor and floor_mark else ""
    return f"{f.text()}\n{state}{floor}"


_VERDICT_STYLE = {"holds": "green", "fails": "red", "does not discriminate": "yellow",
                  "untestable here": "magenta"}


@app.command(rich_help_panel="Run the model")
def claims(runs: Annotated[int | None, typer.Option(min=50, help="Runs per ensemble "
                                                    "(default 10,000).")] = None,
           seed: Annotated[int | None, typer.Option(min=0, help="One seed for every "
                                                    "scenario (default: their own).")] = None,
           as_json: JsonOpt = False,
           require_hold: Annotated[bool, typer.Option(
               "--require-hold", help="Exit 1 unless every claim holds.")] = False,
           with_map: Annotated[bool, typer.Option(
               "--map", help="Also map where each claim holds over the essay profile's "
               "uncertain parameters (Latin hypercube, PRIM).")] = False,
           points: Annotated[int | None, typer.Option(min=8, help="Map points (default 64)."
                                                      )] = None,
           map_runs: Annotated[int | None, typer.Option(min=50, help="Runs per ensemble in "
                                                        "the map (default 200).")] = None,
           map_out: Annotated[Path | None, typer.Option(
               "--out", help="DuckDB file for the map (default: in memory); the same "
               "command resumes it.")] = None) -> None:
    """The nine claims of docs/design.md, each against a one-factor contrast (and, for the
    refusal claims, the security-seeking rival), with 95% intervals and floors. Exit 0
    when every claim is computed and reported; --require-hold exits 1 unless all hold."""
    import sys

    from compellence import api
    from compellence.analysis import thresholds as th

    n = runs or th.DEFAULT_RUNS
    with working(f"measuring the nine claims ({n:,} runs per ensemble)...",
                 disable=as_json):
        results = api.claims(n, seed).results
    cmap = None
    if with_map:
        from compellence.analysis.claims_map import compute_map
        with working("mapping where each claim holds...", disable=as_json):
            cmap = compute_map(points or th.MAP_POINTS, map_runs or th.MAP_RUNS,
                               out=str(map_out) if map_out else ":memory:",
                               command=" ".join(sys.argv))
    regions = {r.number: r for r in cmap.regions} if cmap else {}
    all_hold = all(r.holds for r in results)
    if as_json:
        rows = []
        for r in results:
            row = r.to_dict()
            if r.number in regions:
                row["map"] = regions[r.number].to_dict()
            rows.append(row)
        guards.print_json({"runs": n, "all_hold": all_hold,
                           "verdicts": {str(r.number): r.verdict for r in results},
                           "claims": rows, "map": cmap.to_dict() if cmap else None})
    else:
        _print_claims(results, regions, n, cmap)
    raise typer.Exit(1 if require_hold and not all_hold else 0)


#: Terminal width from which the claims are one wide table (narrower: a table per claim).
CLAIMS_WIDE = 160


def _print_claims(results, regions, n, cmap) -> None:
    """The claims table for the terminal."""
    from compellence.analysis import thresholds as th

    title = (f"The essay's claims ({n:,} runs per ensemble; paired arms, 95% "
             "intervals)")
    rows = []
    for r in results:
        v = _VERDICT_STYLE.get(r.verdict, "white")
        verdict = f"[{v}]{r.verdict}[/]"
        if r.attribution != "attributable":
            verdict += f"\n[yellow]{r.attribution}[/]"
        if r.number in regions:
            reg = regions[r.number]
            verdict += f"\nholds in {reg.holding_share:.0%} of the map"
            if reg.sliver():
                verdict += " [red](a sliver)[/]"
        rows.append((str(r.number), f"{r.claim}\n[dim]“{r.passage}”[/]",
                     f"{r.quantity} ({r.threshold})", _fig(r.essay),
                     _fig(r.contrast) + f"\n[dim]{r.contrast_label}[/]",
                     _fig(r.rival), _fig(r.without) + f"\n[dim]{r.mechanism} off[/]",
                     verdict))
    cols = ("#", "claim, and the essay's words it tests", "quantity (needs)", "essay's "
            "profile", "one-factor contrast", "security rival", "mechanism off", "verdict")
    if out.width >= CLAIMS_WIDE:
        table = Table(title=title, show_lines=True)
        for col in cols:
            table.add_column(col)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:  # a narrow terminal: one small two-column table per claim, nothing cut off
        out.print(f"[bold]{title}[/]")
        for row in rows:
            t = Table(show_header=False, show_lines=True, title=f"claim {row[0]}")
            t.add_column("", style="bold", no_wrap=True)
            t.add_column("")
            for label, cell in zip(("claim", "quantity", "essay", "contrast", "rival",
                                    "mech. off", "verdict"), row[1:], strict=True):
                t.add_row(label, cell)
            out.print(t)
    for r in results:
        shares = ", ".join(f"{k} {v:.3f}" for k, v in r.essay.shares.items())
        note = f"; {r.essay.note}" if r.essay.note else ""
        window = "inside" if r.in_window else "OUTSIDE"
        out.print(f"[dim]{r.number}. essay: {shares}{note} (reference share {window} "
                  f"[{th.WINDOW[0]}, {th.WINDOW[1]}], where a share can move)[/]",
                  highlight=False)
    counts: dict[str, int] = {}
    for r in results:
        key = r.verdict if r.attribution == "attributable" else f"{r.verdict} ({r.attribution})"
        counts[key] = counts.get(key, 0) + 1
    out.print("Verdicts: " + ", ".join(f"{k} {v}" for k, v in counts.items()) +
              ". Baselines, contrasts and minimal effects: compellence/analysis/thresholds.py;"
              " reasons: docs/claims.md.")
    if cmap is not None:
        _print_map(cmap)
    out.print(f"[dim]{CAVEAT}[/]")


def _print_map(cmap) -> None:
    t = Table(title=f"Where each claim holds ({len(cmap.points)} Latin-hypercube points x "
              f"{cmap.runs} runs; experiment {cmap.experiment})")
    for col in ("#", "holds in", "essay figure at a floor", "where it breaks (PRIM box)"):
        t.add_column(col)
    for reg in cmap.regions:
        main = reg.main_limits()
        if reg.box is None:
            where = reg.note
        elif main.empty:
            where = "no box clearly narrower than the whole space"
        else:
            where = "; ".join(f"{k} {v['low']:.2f}–{v['high']:.2f}"
                              for k, v in main.iterrows())
            where += f" (density {reg.box.density:.0%}, coverage {reg.box.coverage:.0%})"
        t.add_row(str(reg.number), f"{reg.holding_share:.0%}", f"{reg.floor_share:.0%}",
                  where)
    out.print(t)


@app.command(rich_help_panel="Inputs")
def scenarios(show: Annotated[str | None, typer.Option(
                  "--show", help="Print this built-in scenario's TOML file.")] = None,
              as_json: JsonOpt = False) -> None:
    """List the built-in scenarios, or print one (--show NAME)."""
    from compellence.cli.catalog import scenario_text
    from compellence.scenario.loader import builtin_names, load_raw

    names = builtin_names()
    if show is not None:
        if show not in names:
            _fail(f"--show {show!r}: not a built-in scenario (expected one of "
                  f"{', '.join(names)})")
        text = scenario_text(show)
        if as_json:
            guards.print_json({"name": show, "toml": text})
        else:
            print(text, end="" if text.endswith("\n") else "\n")
        return
    rows = [{"name": n, "title": str(load_raw(n)[0].get("title", ""))} for n in names]
    if as_json:
        guards.print_json(rows)
        return
    table = fmt.table("Built-in scenarios")
    fmt.column(table, "name", no_wrap=True)
    fmt.column(table, "title")
    for r in rows:
        table.add_row(r["name"], r["title"])
    out.print(table)
    out.print("Print one with `compellence scenarios --show NAME`; run it with `compellence "
              "run NAME`; write `extends = \"NAME\"` in your own file to start from it. The "
              "facts they cite: docs/iran-timeline.md.")


@app.command(rich_help_panel="Inputs")
def strategies(show: Annotated[str | None, typer.Option(
                   "--show", help="Print this strategy's TOML file.")] = None,
               as_json: JsonOpt = False) -> None:
    """List the built-in coercer strategies (for robust and compare)."""
    from compellence.cli.catalog import strategies as catalog

    rows = catalog()
    if show is not None:
        match = [r for r in rows if r["name"] == show]
        if not match:
            _fail(f"--show {show!r}: not a built-in strategy (expected one of "
                  f"{', '.join(r['name'] for r in rows)})")
        if as_json:
            guards.print_json({k: match[0][k] for k in ("name", "toml")})
        else:
            print(match[0]["toml"], end="")
        return
    if as_json:
        guards.print_json([{k: r[k] for k in ("name", "description", "coercer")} for r in rows])
        return
    table = fmt.table("Built-in coercer strategies")
    fmt.column(table, "name", no_wrap=True)
    fmt.column(table, "what it does")
    for r in rows:
        table.add_row(r["name"], " ".join(r["description"].split()))
    out.print(table)
    out.print("Use them with `compellence robust SCENARIO --strategies A,B` or `compellence "
              "compare SCENARIO STRATEGY`; print one with `--show NAME`; a TOML file with a "
              "\\[coercer] table is a strategy too.")


@app.command(rich_help_panel="Inputs")
def params(prefix: Annotated[str | None, typer.Argument(
               help="Only parameters whose name starts with this, e.g. leader or "
                    "coercer.pressure.")] = None,
           as_json: JsonOpt = False) -> None:
    """Every numeric scenario parameter: name, unit, range, default and mechanism."""
    from compellence.cli.catalog import mechanism_switches, parameters

    rows = [p for p in parameters() if prefix is None or p.name.startswith(prefix)]
    if not rows:
        _fail(f"{prefix!r}: no parameter name starts with it (try leader, coercer, regime, "
              "dynamics)")
    if as_json:
        guards.print_json({"parameters": [p.to_dict() for p in rows],
                          "mechanisms": [{"name": n, "default": d, "doc": t}
                                         for n, d, t in mechanism_switches()]})
        return
    detail = len(rows) <= 12
    table = fmt.table("Scenario parameters (a number, or a distribution; see `compellence "
                      "schema`)")
    fmt.column(table, "parameter · unit")
    fmt.column(table, "range", right=True, no_wrap=True)
    fmt.column(table, "default", right=True, no_wrap=True)
    fmt.column(table, "mech.", no_wrap=True)
    for p in rows:
        cell = f"{p.name}\n[dim]{p.unit}[/]" + (f"\n[dim]{p.doc}[/]" if detail else "")
        table.add_row(cell, f"{p.low:g}–{p.high:g}",
                      fmt.text_value(p.default) if not isinstance(p.default, float)
                      else f"{p.default:g}", p.mechanism)
    out.print(table)
    out.print("Leader defaults are the identity-committed profile's (leader.profile presets "
              "others). Mechanisms M1–M15: docs/design.md; off-switches in \\[mechanisms]. "
              + ("" if detail else "Give a prefix (e.g. `compellence params leader.m`) for "
                 "each parameter's description."))


@app.command(rich_help_panel="Inputs")
def schema() -> None:
    """Print the JSON Schema of scenario files."""
    from compellence.scenario.schema import Scenario

    print(guards.dumps(Scenario.model_json_schema()))
