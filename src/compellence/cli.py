"""The command line: argument parsing and printing only (typer + rich).

Every command takes SCENARIO as a built-in name (``compellence scenarios``) or a
path to a TOML file. Bad input prints one line naming the file, the field and
what was expected, and exits with code 2.
"""

from __future__ import annotations

import json
import sys
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
        sets: SetOpt = None) -> None:
    """Run an ensemble: outcome shares with 95% intervals and the terms behind the choices."""
    from compellence.engine import simulate

    if out_file is not None and out_file.suffix not in (".parquet", ".csv"):
        _fail(f"{out_file}: --out expects a .parquet or .csv file name")
    if traj_file is not None and traj_file.suffix != ".csv":
        _fail(f"{traj_file}: --trajectories expects a .csv file name")
    sc = _load(scenario, sets)
    n = runs or sc.runs
    want = traj_file is not None
    if as_json or n <= chunk_size:
        res = simulate(sc, runs=n, seed=seed, chunk_size=chunk_size, trajectories=want)
    else:
        with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn(
                "{task.completed:,}/{task.total:,} runs"), TimeRemainingColumn(),
                console=err, transient=True) as bar:
            task = bar.add_task(sc.name, total=n)
            res = simulate(sc, runs=n, seed=seed, chunk_size=chunk_size, trajectories=want,
                           progress=lambda k: bar.advance(task, k))
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
    if "switched_round" in res.runs:
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
    if res.trajectories is not None:
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
