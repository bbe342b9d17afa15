"""The game command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    JsonOpt,
    ScenarioArg,
    SetOpt,
    _fail,
    _load,
    app,
    out,
    working,
)


@app.command(rich_help_panel="Game theory")
def game(scenario: ScenarioArg,
         export: Annotated[Path | None, typer.Option(help="Write the game as Gambit .efg.")]
         = None,
         lam: Annotated[float | None, typer.Option(
             "--lambda", min=0.0, help="λ of the logit QRE (default: game.rationality)",
             callback=guards.finite)]
         = None,
         qre_path_: Annotated[bool, typer.Option("--qre-path", help="Trace the QRE over λ.")]
         = False,
         prior: Annotated[float | None, typer.Option(min=0.0, max=1.0, help="Prior that the "
                                                     "leader is cost-benefit.",
                                                     callback=guards.finite)] = None,
         stages: Annotated[int | None, typer.Option(min=1, max=3, help="Rounds of demand "
                                                    "and answer (default: game.stages).")]
         = None,
         check_gambit: Annotated[bool, typer.Option(help="Solve with pygambit too and "
                                                    "compare.")] = False,
         as_json: JsonOpt = False,
         sets: SetOpt = None) -> None:
    """Equilibria of the coercion game, the coercer's best demand and the threshold belief."""
    from compellence import api
    from compellence.game.gambit import MissingExtra

    guards.output(export, (".efg",), "--export")
    sc = _load(scenario, sets)
    try:
        with working("solving the game...", disable=as_json):
            analysis = api.game(sc, lam=lam, prior=prior, stages=stages, qre_path=qre_path_,
                                check_gambit=check_gambit, export=export)
    except (ValueError, MissingExtra) as exc:
        _fail(str(exc))
        raise
    except OSError as exc:
        _fail(f"{export}: cannot write: {exc}")
        raise
    sc, tree, data = analysis.scenario, analysis.tree, analysis.data
    if as_json:
        guards.print_json(data)
        return
    _print_game(sc, tree, data, export)


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
    check = data["gambit_check"]
    if check:
        parts = []
        if "pure_sets_equal" in check:
            parts.append("the same pure equilibria" if check["pure_sets_equal"] else
                         "[red]different pure equilibria[/]")
        if "qre_max_abs_diff" in check:
            parts.append(f"QRE behavior agrees to {check['qre_max_abs_diff']:.1e} (largest "
                         "absolute difference)")
        if "qre_skipped" in check:
            parts.append(escape(check["qre_skipped"]))
        out.print("Gambit check: " + "; ".join(parts))
    if export is not None:
        out.print(f"Game written to {export} (Gambit .efg)")
    out.print(f"[dim]{CAVEAT}[/]")
