"""Evidence: data base rates, backtest, calibrate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    _fail,
    app,
    err,
    out,
)
from compellence.scenario.loader import ScenarioError

data_app = typer.Typer(help="Real coercion data: loaders and base rates.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data", rich_help_panel="Evidence")

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
        guards.print_json(result)
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


@app.command(rich_help_panel="Evidence")
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
        guards.print_json({"episodes_file": source, "n_episodes": len(eps.episode),
                           "base_rate_source": "TIES" if ties else "leave-one-out frequencies",
                           "scores": bt.summary, "fitted": bt.fitted,
                           "episodes": bt.episodes, "caveat": caveat})
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


@app.command(rich_help_panel="Evidence")
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
        guards.print_json(dataclasses.asdict(cal))
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
