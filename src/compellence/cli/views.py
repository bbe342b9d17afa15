"""Views: report, compare and the interactive page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    ExpOpt,
    ScenarioArg,
    SetOpt,
    _experiment_table,
    _fail,
    _load,
    app,
    err,
    out,
)
from compellence.scenario.loader import ScenarioError


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


@app.command(rich_help_panel="Reports and the page")
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
           threshold: Annotated[float, typer.Option(min=0.0, max=1.0,
                                                    callback=guards.finite)] = 0.5,
           fmt: Annotated[str | None, typer.Option("--format", help="Also write the figures "
                                                   "as png or svg files.")] = None,
           with_claims: Annotated[bool, typer.Option("--claims/--no-claims")] = True,
           claims_runs: Annotated[int, typer.Option(min=50)] = 1000,
           sets: SetOpt = None) -> None:
    """A self-contained HTML report (opens offline): assumptions, outcomes, trajectories,
    the terms behind the decisions, the claims."""
    from compellence.engine import simulate
    from compellence.report.html import build_report

    guards.output(output, (".html",), "--output")
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


@app.command(rich_help_panel="Reports and the page")
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

    guards.output(report_file, (".html",), "--report")
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
        guards.print_json({"a": ra.to_dict(), "b": rb.to_dict()})
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
        try:
            report_file.write_text(build_report([sa, sb], [ra, rb], labels), encoding="utf-8")
        except OSError as exc:
            _fail(f"{report_file}: cannot write: {exc}")
        if not as_json:
            out.print(f"Comparison report written to {report_file}")


@app.command("app", rich_help_panel="Reports and the page")
def app_command(port: Annotated[int, typer.Option(min=1, max=65535)] = 8050,
                host: Annotated[str, typer.Option(help="Interface to listen on.")]
                = "127.0.0.1",
                allowed_host: Annotated[list[str] | None, typer.Option(
                    "--allowed-host", help="A Host name the page answers to (repeatable); "
                    "required when --host is not a loopback address.")] = None) -> None:
    """Serve the interactive page on http://HOST:PORT (Ctrl-C stops it)."""
    from compellence.app.server import allowed_hosts, serve

    if not allowed_hosts(host, allowed_host or ()):
        _fail(f"--host {host}: binding beyond localhost needs --allowed-host NAME (the name "
              "browsers use to reach this machine); see docs/report.md on the page's security")
    out.print(f"compellence app on http://{host}:{port}  (Ctrl-C to stop)")
    serve(host, port, allowed_host or ())
