"""Evidence: data base rates, backtest, calibrate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from compellence.cli import fmt, guards
from compellence.cli.common import (
    CAVEAT,
    JsonOpt,
    _fail,
    app,
    err,
    out,
    working,
)

data_app = typer.Typer(help="Real coercion data: loaders and base rates.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data", rich_help_panel="Evidence")

def _path_opt(what: str):
    return Annotated[Path | None, typer.Option(help=f"Your copy of {what} (not shipped; "
                                               "docs/evidence.md says where to get it).")]


@data_app.command("baserates")
def data_baserates(ties: _path_opt("TIES v4.1, TIESv4-1.xls") = None,
                   gsdb: _path_opt("the Global Sanctions Data Base, GSDB_V3.csv") = None,
                   icb: _path_opt("ICB actor-level data, icb2v14.csv") = None,
                   archigos: _path_opt("Archigos 4.1, archigos_v4.1.csv") = None,
                   as_json: JsonOpt = False) -> None:
    """Outcome shares of TIES, GSDB, ICB and Archigos (your own copies, by path)."""
    from compellence.evidence import loaders as ld

    if not any((ties, gsdb, icb, archigos)):
        _fail("give at least one of --ties, --gsdb, --icb, --archigos (paths to your copies; "
              "docs/evidence.md says where to obtain them)")
    result: dict[str, dict[str, float]] = {}
    try:
        with working("reading the data sets...", disable=as_json):
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
    from compellence.analysis.intervals import share_of

    cis = {name: {k: share_of(v, n) for k, v in rates.items()
                  if (n := ld.share_denominator(name, k, rates))}
           for name, rates in result.items()}
    if as_json:
        guards.print_json({**result, "ci95": {name: {k: [i.low, i.high] for k, i in c.items()}
                                             for name, c in cis.items()}})
        return
    for name, rates in result.items():
        table = fmt.table(name.upper())
        fmt.column(table, "figure")
        fmt.column(table, "value", right=True)
        fmt.column(table, "95% interval (Wilson)", right=True)
        for k, v in rates.items():
            ci = cis[name].get(k)
            table.add_row(k, fmt.count(v) if isinstance(v, int) else
                          (fmt.pct(v) if ci is not None else fmt.num(v)),
                          f"[{fmt.pct(ci.low)}, {fmt.pct(ci.high)}]" if ci else "")
        out.print(table)
    out.print("[dim]Shares depend on how each data set codes success; compare like with "
              "like.[/]")


@data_app.command("episodes")
def data_episodes(icb: Annotated[Path, typer.Option(help="Your copy of icb2v14.csv.")],
                  archigos: Annotated[Path | None, typer.Option(
                      help="Your copy of archigos_v4.1.csv (leader entry, rule R3).")] = None,
                  output: Annotated[Path | None, typer.Option(
                      "--output", "-o", help="Write the episode file (TOML) here.")] = None,
                  as_json: JsonOpt = False) -> None:
    """Code ICB crisis actors as episodes (mapping rules in docs/evidence.md)."""
    from compellence.evidence import icb as icbmap
    from compellence.evidence import loaders as ld

    try:
        coded = icbmap.code_icb(ld.load_icb(icb),
                                ld.load_archigos(archigos) if archigos else None)
    except ld.DataError as exc:
        _fail(str(exc))
        raise
    rows, excluded = coded.rows, coded.excluded
    if output:
        output.write_text(icbmap.episodes_toml(rows), "utf-8")
    summary = {"mapping": icbmap.MAPPING_VERSION, "rows_read": len(rows) + len(excluded),
               "episodes": len(rows), "crises": int(rows["crisno"].nunique()),
               "excluded": excluded["rule"].value_counts().to_dict(),
               "outcomes": rows["outcome"].value_counts().to_dict(),
               "profiles": rows["profile"].value_counts().to_dict(),
               "demand_types": rows["demand_type"].value_counts().to_dict(),
               "configurations": int(rows["config"].nunique())}
    if as_json:
        guards.print_json(summary)
        return
    table = Table(title=f"ICB episodes, mapping {icbmap.MAPPING_VERSION}")
    table.add_column("figure")
    table.add_column("value")
    for k, v in summary.items():
        table.add_row(k, ", ".join(f"{a}: {b}" for a, b in v.items())
                      if isinstance(v, dict) else str(v))
    out.print(table)
    if output:
        out.print(f"wrote {len(rows)} episodes to {output}")


@app.command(rich_help_panel="Evidence")
def backtest(episodes: Annotated[str | None, typer.Argument(
                 help="Episode file (default: the shipped Iran episodes).")] = None,
             runs: Annotated[int | None, typer.Option(min=10, help="Runs per episode "
                                                      "(default: each scenario's).")] = None,
             ties: Annotated[Path | None, typer.Option(help="Use TIES shares as the base "
                                                       "rate instead of leave-one-out.")]
             = None,
             as_coded: Annotated[bool, typer.Option(
                 "--as-coded", help="Score the episodes as written: no refit.")] = False,
             select: Annotated[list[str] | None, typer.Option(
                 help="Episode id to score (repeat it, or give ids separated by commas).")]
             = None,
             seed: Annotated[int | None, typer.Option(
                 help="Seed of every ensemble (default: each scenario's own).")] = None,
             icb: Annotated[Path | None, typer.Option(
                 help="Your copy of icb2v14.csv: score coded ICB crisis actors out of "
                      "sample instead of an episode file.")] = None,
             archigos: Annotated[Path | None, typer.Option(
                 help="With --icb: your copy of archigos_v4.1.csv (leader entry).")] = None,
             split: Annotated[str, typer.Option(
                 help="With --icb: time, region or both.")] = "time",
             store: Annotated[Path | None, typer.Option(
                 help="With --icb: write the results to this DuckDB file.")] = None,
             html: Annotated[Path | None, typer.Option(
                 help="With --icb: write an HTML report section here.")] = None,
             as_json: JsonOpt = False) -> None:
    """The model vs the base rate vs the cost-benefit model on observed episodes."""
    if icb is not None:
        _icb_backtest(icb, archigos, split, seed, store, html, as_json)
        return
    from compellence.analysis.backtest import run_backtest, select_episodes
    from compellence.evidence import loaders as ld
    from compellence.evidence.episodes import load_episodes
    from compellence.scenario.loader import ScenarioError

    ids = [i.strip() for s in (select or []) for i in s.split(",") if i.strip()]
    try:
        eps, folder, source = load_episodes(episodes)
        eps = select_episodes(eps, ids, source)
        shares = ld.ties_outcome_shares(ld.load_ties(ties)) if ties else None
        how = "as coded" if as_coded else "leave-one-out"
        with working(f"backtesting {len(eps.episode)} episodes ({how})...",
                     disable=as_json):
            bt = run_backtest(eps, folder, runs, shares, as_coded=as_coded, seed=seed)
    except (ScenarioError, ld.DataError) as exc:
        _fail(str(exc))
        raise
    caveat = (f"{len(eps.episode)} episodes: far too few to estimate or validate anything. "
              "Outcome classes are coding choices (see each episode's note). A good score here "
              "is consistency with a handful of cases, not a forecast.")
    if as_json:
        guards.print_json({"episodes_file": source, "n_episodes": len(eps.episode),
                          "base_rate_source": "TIES" if ties else "leave-one-out frequencies",
                          "as_coded": bt.as_coded, "seed": bt.seed,
                          "scores": bt.summary, "fitted": bt.fitted, "warnings": bt.warnings,
                          "episodes": bt.episodes, "caveat": caveat})
        return
    how = "as coded, no refit" if as_coded else "leave-one-out"
    table = Table(title=f"Backtest on {source}: probability given to the observed outcome "
                        f"({how})")
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
    if not as_coded:
        out.print(f"Fitted on all episodes: model {bt.fitted['model']}; cost-benefit "
                  f"{bt.fitted['cost_benefit']}")
    for w in bt.warnings:
        err.print(f"[yellow]warning:[/] {w}")
    out.print(f"[yellow]{caveat}[/]")




def _icb_backtest(icb: Path, archigos: Path | None, split: str, seed: int | None,
                  store: Path | None, html: Path | None, as_json: bool) -> None:
    """``backtest --icb``: the time and/or region split on coded ICB crisis actors."""
    import sys

    from compellence.analysis import outofsample as oos
    from compellence.evidence import icb as icbmap
    from compellence.evidence import loaders as ld

    splits = {"time": ("time",), "region": ("region",), "both": ("time", "region")}.get(split)
    if splits is None:
        _fail(f"--split: expected time, region or both, got {split!r}")
        raise SystemExit(2)
    try:
        coded = icbmap.code_icb(ld.load_icb(icb),
                                ld.load_archigos(archigos) if archigos else None)
    except ld.DataError as exc:
        _fail(str(exc))
        raise
    excluded = coded.excluded["rule"].value_counts().to_dict()
    with working(f"simulating each coded configuration ({oos.RUNS} runs) and fitting...",
                 disable=as_json):
        results, eng = oos.run_out_of_sample(coded.rows, splits,
                                             oos.SEED if seed is None else seed)
    command = "compellence " + " ".join(sys.argv[1:])
    if store:
        from compellence.analysis.oos_store import write_results
        write_results(store, results, eng, len(coded.rows), excluded, command)
    if html:
        from compellence.report.outofsample import write_section
        write_section(html, results, len(coded.rows), excluded, command)
    if as_json:
        guards.print_json(oos.summary_json(results, len(coded.rows), excluded, eng))
        return
    out.print(f"ICB mapping {icbmap.MAPPING_VERSION}: {len(coded.rows)} crisis-actor rows in "
              f"{coded.rows['crisno'].nunique()} crises coded; {len(coded.excluded)} rows "
              "excluded (" + "; ".join(f"{k}: {v}" for k, v in excluded.items()) + ")")
    if archigos is None:
        out.print("[yellow]no --archigos: every leader's entry is unknown, so rule R3 codes "
                  "all of them cost-benefit[/]")
    for res in results:
        t = Table(title=f"{res.split} split: {res.n_test_rows} held-out crisis actors in "
                        f"{res.n_test_crises} crises (trained on "
                        f"{', '.join(map(str, res.n_train_crises))} crises); "
                        "accuracy ↑, Brier ↓, log score ↓")
        t.add_column("")
        for k in oos.FORECASTERS:
            t.add_column(oos.LABELS[k], justify="right")
        for metric in ("accuracy", "brier", "log_score"):
            t.add_row(metric, *(f"{res.scores[k][metric]:.3f}" for k in oos.FORECASTERS))
        out.print(t)
        for by in ("demand_type", "regime_type"):
            g = res.by_group[res.by_group["group_by"] == by]
            piv = g.pivot(index="group", columns="forecaster", values="log_score")
            n = g.groupby("group")["n"].first()
            gt = Table(title=f"{res.split} split, log score by {by.replace('_', ' ')} "
                             "(model minus other: < 0 the model is better)")
            others = ("base_rate", "cost_benefit", "security_seeking", "logit", "mixture")
            for col in ("group", "n", "model", *(f"- {oos.LABELS[k]}" for k in others)):
                gt.add_column(col, justify="left" if col == "group" else "right")
            for grp in piv.index:
                m = piv.loc[grp, "model"]
                gt.add_row(str(grp), str(int(n[grp])), f"{m:.3f}",
                           *(f"{m - piv.loc[grp, k]:+.3f}" for k in others))
            out.print(gt)
        fits = "; ".join(f"{f.name}: model {f.fitted['model']}, cost-benefit "
                         f"{f.fitted['cost_benefit']}, security-seeking "
                         f"{f.fitted['security_seeking']}, logit C {f.fitted['logit_C']:.3g}"
                         for f in res.folds[:3])
        out.print(f"[dim]fitted on the training crises: {fits}"
                  f"{' ...' if len(res.folds) > 3 else ''}[/]")
        for w in res.warnings:
            err.print(f"[yellow]warning:[/] {w}")
    out.print(f"[dim]{len(eng.cache)} simulations of {oos.RUNS} runs (seed {eng.seed}); log "
              f"scores floored at p = {oos.FLOOR:.5f}. Each figure is conditional on the "
              "coding rules of docs/evidence.md; it is not a forecast.[/]")


def _no_nan(value):
    """JSON has no NaN: a figure that was not computed (no bootstrap) is null."""
    if isinstance(value, dict):
        return {k: _no_nan(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_no_nan(v) for v in value]
    return None if isinstance(value, float) and value != value else value


@app.command(rich_help_panel="Evidence")
def calibrate(ties: Annotated[Path, typer.Option(help="Your copy of TIESv4-1.xls.")],
              runs: Annotated[int, typer.Option(min=100, help="Runs per evaluation of the "
                                                "moments.")] = 4000,
              bootstrap: Annotated[int, typer.Option(min=0, help="Case-bootstrap refits for "
                                                     "the standard errors (0: none).")] = 20,
              as_json: JsonOpt = False) -> None:
    """Fit a generic leader population to TIES (simulated method of moments)."""
    import dataclasses

    from compellence.analysis.calibrate import calibrate as fit
    from compellence.evidence import loaders as ld

    try:
        frame = ld.load_ties(ties)
    except ld.DataError as exc:
        _fail(str(exc))
        raise
    with working("fitting (simulated method of moments, then a case bootstrap)...",
                 disable=as_json):
        cal = fit(frame, runs, bootstrap)
    if as_json:
        guards.print_json(_no_nan(dataclasses.asdict(cal)))
        return
    table = Table(title=f"Calibration to TIES ({cal.n_cases:,} coded cases; {cal.runs:,} runs "
                        f"per evaluation; {cal.bootstrap} bootstrap refits)")
    for col in ("parameter", "estimate", "bootstrap s.e.", "95% interval", "at bound"):
        table.add_column(col)
    labels = {"w": "identity weight upper bound w (population ~ U[0, w])",
              "m": "material weight m"}
    for k, v in cal.theta.items():
        lo, hi = cal.ci95[k]
        table.add_row(labels[k], fmt.num(v), fmt.num(cal.se[k]), fmt.interval((lo, hi)),
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
