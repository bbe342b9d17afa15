"""Views: report, compare and the interactive page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from compellence.cli import guards
from compellence.cli.common import (
    CAVEAT,
    ExpOpt,
    JsonOpt,
    ScenarioArg,
    SeedOpt,
    SetOpt,
    _experiment_table,
    _fail,
    _load,
    app,
    err,
    out,
    working,
)


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
           runs: Annotated[int, typer.Option(min=10, help="Monte Carlo runs.")] = 5000,
           seed: SeedOpt = None,
           results_db: Annotated[Path | None, typer.Option("--results", help="A sweep's "
                                                           "DuckDB file for sensitivity and "
                                                           "discovery sections.")] = None,
           experiment: ExpOpt = None,
           outcome: Annotated[str, typer.Option(help="Outcome for the results sections.")]
           = "deal",
           threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="PRIM: a point "
                                                    "is a case when its share >= this.",
                                                    callback=guards.finite)]
           = 0.5,
           fmt: Annotated[str | None, typer.Option("--format", help="Also write the figures "
                                                   "as png or svg files.")] = None,
           with_claims: Annotated[bool, typer.Option("--claims/--no-claims",
                                                     help="Include the nine claims.")] = True,
           claims_runs: Annotated[int, typer.Option(min=50, help="Runs per ensemble of the "
                                                    "claims.")] = 1000,
           claims_map: Annotated[int, typer.Option(
               min=0, help="Latin-hypercube points of the claims' holding map (0: none)")]
           = 16,
           oos: Annotated[Path | None, typer.Option(
               "--oos", help="A DuckDB file of `backtest --icb --store`: adds the "
                             "out-of-sample section.")] = None,
           rhetoric: Annotated[Path | None, typer.Option(
               "--rhetoric", help="A scores file of `compellence rhetoric score`: adds the "
                                  "leader's-words section (claimed measures by year).")]
           = None,
           speaker: Annotated[str, typer.Option(
               help="With --rhetoric: the speaker key in the target corpus.")] = "khamenei",
           as_json: JsonOpt = False,
           sets: SetOpt = None) -> None:
    """A self-contained HTML report (opens offline): assumptions, outcomes, trajectories,
    the terms behind the decisions, the claims."""
    from compellence.engine import simulate
    from compellence.report.html import build_report

    guards.output(output, (".html",), "--output")
    if fmt not in (None, "png", "svg"):
        _fail(f"--format {fmt!r}: expected png or svg")
    sc = _load(scenario, sets)
    with working(f"simulating {runs:,} runs of {sc.name}...", disable=as_json):
        res = simulate(sc, runs=runs, seed=seed, trajectories=True)
    claims_rows = None
    if with_claims:
        from compellence.analysis.claims import run_claims
        with working("checking the claims...", disable=as_json):
            claims_rows = run_claims(claims_runs)
    cmap = None
    if with_claims and claims_map:
        from compellence.analysis.claims_map import compute_map
        with working("mapping where the claims hold...", disable=as_json):
            cmap = compute_map(max(claims_map, 8))
    extra = _results_extra(results_db, experiment, outcome, threshold) if results_db else None
    if oos is not None:
        from compellence.analysis.store import StoreError
        from compellence.report.html import Extra
        from compellence.report.outofsample import section_from_store
        try:
            section = section_from_store(oos)
        except StoreError as exc:
            _fail(str(exc))
            raise
        extra = extra or Extra()
        extra.out_of_sample = section
    if rhetoric is not None:
        from compellence.report.html import Extra
        from compellence.report.rhetoric import rhetoric_section
        from compellence.rhetoric.store import StoreError as RhetoricStoreError
        from compellence.rhetoric.store import read

        try:
            tables = read(rhetoric)
        except RhetoricStoreError as exc:
            _fail(str(exc))
            raise
        extra = extra or Extra()
        extra.rhetoric = rhetoric_section(tables, speaker)
    fig_dir = output.with_name(output.stem + "_figures") if fmt else None
    text = build_report([sc], [res], [sc.name], claims_rows, extra, fig_dir, fmt or "png",
                        claims_map=cmap)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(f"{output}: cannot write: {exc}")
    if as_json:
        guards.print_json({"report": str(output), "bytes": len(text.encode()),
                          "figures": str(fig_dir) if fig_dir else None})
        return
    out.print(f"Report written to {output} ({len(text) / 1e6:.1f} MB, self-contained)")
    if fig_dir:
        out.print(f"Figures written to {fig_dir}/ as {fmt}")


def _scenario_or_strategy(base, ref: str, sets: list[str] | None):
    """A second scenario to compare: a scenario, or a strategy applied to the first."""
    from compellence.analysis.robust import apply_strategy, is_strategy

    return apply_strategy(base, ref) if is_strategy(ref) else _load(ref, sets)


def _flat(data, prefix: str = "") -> dict[str, object]:
    """A scenario dump as {dotted path: value} (distributions and schedules kept whole)."""
    flat: dict[str, object] = {}
    for k, v in data.items():
        if isinstance(v, dict) and "dist" not in v and "schedule" not in v:
            flat.update(_flat(v, f"{prefix}{k}."))
        else:
            flat[prefix + k] = v
    return flat


def _short(v) -> str:
    """A field value in a few characters: 0.4, uniform(-0.5, 0.8), schedule 0:0.5 6:0.9."""
    from compellence.cli import fmt

    if isinstance(v, dict) and "dist" in v:
        args = ", ".join(f"{x:g}" if isinstance(x, float | int) else str(x)
                         for k, x in v.items() if k != "dist")
        return f"{v['dist']}({args})"
    if isinstance(v, dict) and "schedule" in v:
        return "schedule " + " ".join(f"{r}:{lvl:g}" for r, lvl in v["schedule"])
    if isinstance(v, float):
        return f"{v:g}"
    return fmt.text_value(v) if v is not None else "—"


def what_differs(sa, sb) -> list[tuple[str, str, str]]:
    """Every field whose value differs between two scenarios: (path, A's, B's)."""
    skip = {"name", "title", "description", "extends"}
    fa = _flat(sa.model_dump(mode="json", by_alias=True))
    fb = _flat(sb.model_dump(mode="json", by_alias=True))
    return [(k, _short(fa.get(k)), _short(fb.get(k))) for k in sorted(set(fa) | set(fb))
            if k.split(".")[0] not in skip and fa.get(k) != fb.get(k)]


@app.command(rich_help_panel="Reports and the page")
def compare(a: Annotated[str, typer.Argument(metavar="A", help="A scenario.")],
            b: Annotated[str, typer.Argument(
                metavar="B", help="A scenario, or a strategy (built-in name or file) applied "
                                  "to A.")],
            runs: Annotated[int, typer.Option(min=10, help="Runs of each scenario.")] = 5000,
            seed: SeedOpt = None,
            report_file: Annotated[Path | None, typer.Option("--report", help="Also write an "
                                                             "HTML comparison report.")]
            = None,
            as_json: JsonOpt = False,
            sets: Annotated[list[str] | None, typer.Option(
                "--set", metavar="FIELD=VALUE",
                help="Override a field of both A and B (a strategy replaces only the "
                     "coercer), e.g. --set leader.identity_weight=0.3 (repeatable).")]
            = None) -> None:
    """Two scenarios or two strategies side by side: what differs, outcomes, trajectories."""
    from compellence.analysis.intervals import outcome_intervals, shares_tie
    from compellence.cli import fmt
    from compellence.engine import simulate
    from compellence.report.html import build_report
    from compellence.scenario.loader import ScenarioError

    guards.output(report_file, (".html",), "--report")
    sa = _load(a, sets)
    try:
        sb = _scenario_or_strategy(sa, b, sets)
    except ScenarioError as exc:
        _fail(str(exc))
        raise
    with working(f"simulating {runs:,} runs of each...", disable=as_json):
        ra = simulate(sa, runs=runs, seed=seed, trajectories=True)
        rb = simulate(sb, runs=runs, seed=seed, trajectories=True)
    labels = [sa.name, sb.name]
    diffs = what_differs(sa, sb)
    ia, ib = outcome_intervals(ra), outcome_intervals(rb)
    names = list(ra.outcome_table()["outcome"])
    if as_json:
        guards.print_json({"a": ra.to_dict(), "b": rb.to_dict(),
                          "what_differs": [{"field": f, "a": x, "b": y} for f, x, y in diffs],
                          "differences": {
                              o: {"b_minus_a": y.estimate - x.estimate,
                                  "tie": shares_tie(round(x.estimate * x.n), x.n,
                                                    round(y.estimate * y.n), y.n)}
                              for o, x, y in zip(names, ia, ib, strict=True)}})
    else:
        out.print(f"A = {escape(labels[0])}\nB = {escape(labels[1])}")
        dt = fmt.table(f"What differs ({len(diffs)} fields)")
        fmt.column(dt, "field")
        fmt.column(dt, "A")
        fmt.column(dt, "B")
        for row in diffs[:40]:
            dt.add_row(*(escape(c) for c in row))
        out.print(dt if diffs else "Nothing differs but the names: the same scenario.")
        if len(diffs) > 40:
            out.print(f"[dim]{len(diffs) - 40} more: --json[/]")
        table = fmt.table(f"Outcomes at the horizon ({runs:,} runs each, seed "
                          f"{ra.seed}/{rb.seed})")
        fmt.column(table, "outcome")
        fmt.column(table, "A", right=True, no_wrap=True)
        fmt.column(table, "B", right=True, no_wrap=True)
        fmt.column(table, "B − A", right=True, no_wrap=True)
        for o, x, y in zip(names, ia, ib, strict=True):
            tie = shares_tie(round(x.estimate * x.n), x.n, round(y.estimate * y.n), y.n)
            diff = fmt.num(y.estimate - x.estimate, signed=True) + (" (tie)" if tie else "")
            table.add_row(o, fmt.with_interval(x), fmt.with_interval(y), diff)
        out.print(table)
        out.print("[dim]Shares with 95% Wilson intervals; (tie) = the difference is within "
                  "Monte Carlo error (its 95% interval contains 0).[/]")
        tt = fmt.table("Median state among runs in play (round 0 → 6 → 12 → horizon)")
        fmt.column(tt, "variable")
        fmt.column(tt, "A", no_wrap=True)
        fmt.column(tt, "B", no_wrap=True)
        fa, fb = ra.trajectory_frame(), rb.trajectory_frame()
        for var in ("economy", "unrest", "base", "trust", "program", "adaptation", "resolve"):
            cells = []
            for f, r in ((fa, ra), (fb, rb)):
                med = f[f["variable"] == var].set_index("round")["median"]
                pts = [t for t in (0, 6, 12, r.horizon) if t in med.index]
                cells.append("→".join(f"{med[t]:.2f}" for t in pts))
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
def app_command(port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen "
                                                  "on.")] = 8050,
                host: Annotated[str, typer.Option(help="Interface to listen on.")]
                = "127.0.0.1",
                allowed_host: Annotated[list[str] | None, typer.Option(
                    "--allowed-host", help="A Host name the page answers to (repeatable); "
                    "required when --host is not a loopback address.")] = None) -> None:
    """Serve the interactive page on http://HOST:PORT (Ctrl-C stops it)."""
    from compellence.extras import MissingExtra, require

    try:
        for module in ("fastapi", "uvicorn", "plotly"):
            require(module, "compellence app")
    except MissingExtra as exc:
        _fail(str(exc))
    from compellence.app.server import allowed_hosts, serve

    if not allowed_hosts(host, allowed_host or ()):
        _fail(f"--host {host}: binding beyond localhost needs --allowed-host NAME (the name "
              "browsers use to reach this machine); see docs/report.md on the page's security")
    out.print(f"compellence app on http://{host}:{port}  (Ctrl-C to stop)")
    serve(host, port, allowed_host or ())
