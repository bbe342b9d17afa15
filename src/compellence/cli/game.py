"""The game command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    from compellence.game import solve
    from compellence.game.belief import analyse_beliefs, prior_for
    from compellence.game.efg import to_efg
    from compellence.game.tree import GameTooLarge, build_game

    guards.output(export, (".efg",), "--export")
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
        try:
            export.write_text(to_efg(tree))
        except OSError as exc:
            _fail(f"{export}: cannot write: {exc}")
    lam_value = sc.game.rationality if lam is None else lam
    only_qre = lam is not None or qre_path_
    pure: list[dict[str, str]] | None = None
    try:
        pure = solve.pure_equilibria(tree)
    except GameTooLarge as exc:
        if not only_qre:
            _fail(f"{sc.name}: {exc}")
    with working(f"solving the game ({size['nodes']:,} nodes)...", disable=as_json):
        qre = solve.logit_qre(tree, lam_value)
        path = solve.qre_path(tree, [0.5, 1, 2, 4, 8, 16, 32]) if qre_path_ else []
        spe = solve.backward_induction(tree) if sc.game.stages == 1 else None
        beliefs = {"best_response": analyse_beliefs(sc, None) if sc.game.stages == 1 else None,
                   "qre": analyse_beliefs(sc, lam_value)} \
            if "cost-benefit" in sc.game.types else {}
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
        guards.print_json(data)
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
        try:
            g = gambit.qre(tree, qre.lam)
        except gambit.SolverShortfall as exc:
            result["qre_skipped"] = str(exc)
            return result
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
