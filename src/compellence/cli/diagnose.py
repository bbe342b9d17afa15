"""The health check of a scenario: ``compellence diagnose`` (analysis/diagnostics.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from compellence.cli import fmt
from compellence.cli.common import (
    CAVEAT,
    JsonOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    _fail,
    _load,
    app,
    out,
    working,
)


@app.command(rich_help_panel="Run the model")
def diagnose(scenario: ScenarioArg,
             runs: Annotated[int, typer.Option(min=1, help="Monte Carlo runs per ensemble.")]
             = 2000,
             seed: SeedOpt = None,
             sample: Annotated[int, typer.Option(
                 min=1, help="Runs whose every decision is checked for dominated actions.")]
             = 200,
             horizons: Annotated[str, typer.Option(
                 help="Pain horizons (rounds) of the default sweep, comma-separated.")]
             = "1.5,3,6,12",
             vary: Annotated[list[str] | None, typer.Option(
                 "--vary", metavar="PATH=V1,V2,...",
                 help="Sweep any numeric parameter instead of the default sweeps, e.g. "
                      "--vary dynamics.pain_horizon=1.5,3,6,12 (repeatable).")] = None,
             checkpoints: Annotated[str, typer.Option(
                 help="Rounds at which the share still in play is read; the long runs go "
                      "to the last.")] = "24,96,240",
             as_json: JsonOpt = False,
             sets: SetOpt = None) -> None:
    """The modeller's health check: states pinned at a bound, standoffs that cannot last,
    war at zero pressure, dominated choices, and refusal across the pain horizon."""
    from compellence.analysis import diagnostics as dg
    from compellence.cli import guards
    from compellence.scenario.loader import ScenarioError

    guards.runs_cap(runs)
    sc = _load(scenario, sets)
    try:
        rounds = dg.parse_checkpoints(checkpoints)
        _, hz = dg.parse_vary(f"dynamics.pain_horizon={horizons}", "--horizons")
        todo = [dg.parse_vary(v) for v in vary] if vary else dg.default_sweeps(hz)
    except dg.DiagnosticsError as exc:
        _fail(str(exc))
        raise
    try:
        with working(f"diagnosing {sc.name}", disable=as_json):
            d = dg.diagnose(sc, runs, seed, sample=sample, checkpoints=rounds, sweeps=todo)
    except (ScenarioError, dg.DiagnosticsError) as exc:
        _fail(str(exc))
        raise
    if as_json:
        guards.print_json(d.to_dict())
        return
    _print(sc, d)


def _judge(key: str, verdict) -> None:
    """The measure's verdict here, then what would be worrying in general."""
    from compellence.analysis.diagnostics import WORRY

    style = "bold red" if verdict.worrying else "green"
    out.print(f"[{style}]Here: {verdict.text}.[/]")
    out.print(f"[dim]{WORRY[key]}[/]")


def _print(sc, d) -> None:
    from compellence.analysis.intervals import Interval
    from compellence.model.layout import OUTCOMES

    out.print(f"[bold]{sc.name}[/] — health check: {d.runs:,} runs, seed {d.seed}, "
              f"horizon {d.horizon} rounds")
    p = d.pinned
    out.print(f"[bold]1. Pinned states[/]: share of runs with the variable within "
              f"{p.tolerance:g} of 0 or 1 for ≥ {p.rounds} consecutive rounds in play")
    tab = fmt.table()
    for col in ("variable", "kind", "share", "95% interval", "at 0", "at 1"):
        fmt.column(tab, col, right=col not in ("variable", "kind"))
    for r in p.table.itertuples():
        tab.add_row(r.variable, r.kind, fmt.num(r.share), fmt.interval((r.ci_low, r.ci_high)),
                    fmt.num(r.at_0), fmt.num(r.at_1))
    out.print(tab)
    out.print(f"Any state pinned (instruments not counted): {fmt.with_interval(p.any_state)}"
              f" of runs; {p.long_runs:,} of {p.runs:,} runs were in play ≥ {p.rounds} "
              "rounds.")
    _judge("pinned", p.verdict())

    s = d.persistence
    out.print(f"[bold]2. Standoff persistence[/]: share of runs still in play, simulated to "
              f"round {s.horizon}")
    tab = fmt.table()
    for col in ("after round", "share", "95% interval"):
        fmt.column(tab, col, right=True)
    for r in s.ongoing.itertuples():
        tab.add_row(fmt.count(r.round), fmt.num(r.share), fmt.interval((r.ci_low, r.ci_high)))
    out.print(tab)
    out.print(f"How runs end by round {s.horizon}: " + "; ".join(
        f"{r.outcome} {fmt.num(r.share)}" for r in s.outcomes.itertuples()))
    _judge("persistence", s.verdict())

    w = d.war
    out.print(f"[bold]3. War at zero pressure[/] (every instrument 0, no adaptive coercer), "
              f"over {w.horizon} rounds: {fmt.with_interval(w.war)} of runs; runs with any "
              f"escalation: {fmt.with_interval(w.escalated)}.")
    if w.kept_events:
        out.print("Scheduled events kept: " + "; ".join(w.kept_events) + ".")
    _judge("war", w.verdict())

    m = d.dominance
    out.print(f"[bold]4. Dominated choices[/] (worse than another action in every term): "
              f"{m.decisions:,} decisions in {m.runs:,} runs, {m.with_dominated:,} "
              f"({fmt.pct(m.with_dominated / max(m.decisions, 1))}) with a dominated action.")
    if m.with_dominated:
        tab = fmt.table()
        for col in ("action", "dominated at", "chosen", "expected by the logit"):
            fmt.column(tab, col, right=col != "action")
        for r in m.by_action.itertuples():
            tab.add_row(r.action, fmt.count(r.dominated), fmt.count(r.chosen),
                        fmt.num(r.expected, 1))
        out.print(tab)
        obs: Interval = m.observed
        out.print(f"Chosen when dominated: {fmt.with_interval(obs)}; the logit choice "
                  f"implies {fmt.num(m.implied)} (95% band {fmt.interval(m.band)}). A "
                  f"dominated action had probability > 5% at "
                  f"{fmt.pct(m.notable / max(m.decisions, 1))} of all decisions.")
    _judge("dominance", m.verdict())

    for sw in d.sweeps:
        out.print(f"[bold]5. Outcome shares as {sw.path} varies[/] (same seed at each value)")
        tab = fmt.table()
        shown = [o for o in OUTCOMES if o != "capitulation"]
        for col in ("value", "capitulation", "95% interval", *shown):
            fmt.column(tab, col, right=True)
        for r in sw.table.to_dict(orient="records"):
            tab.add_row(f"{r['value']:g}",
                        fmt.num(r["capitulation"]),
                        fmt.interval((r["capitulation_low"], r["capitulation_high"])),
                        *(fmt.num(r[o]) for o in shown))
        out.print(tab)
        _judge("sweep", sw.verdict())
    out.print(f"[dim]{CAVEAT}[/]")
