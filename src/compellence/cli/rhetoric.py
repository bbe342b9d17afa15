"""Rhetoric: load, score, profile and plot speeches (docs/rhetoric.md)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from compellence.cli.common import JsonOpt, _fail, app, out

rhetoric_app = typer.Typer(help="The leader's own words: an open, rule-based reading of "
                                "speeches, validated before it is used (docs/rhetoric.md).",
                           no_args_is_help=True)
app.add_typer(rhetoric_app, name="rhetoric", rich_help_panel="Evidence")

CAVEAT = ("Features of public, translated, strategic rhetoric, scored by rule; not a "
          "measurement of beliefs or of a mind.")
ScoresOpt = Annotated[Path, typer.Option("--scores", help="Scores file written by "
                                         "`compellence rhetoric score`.")]
MinWords = Annotated[int, typer.Option(min=1, help="Skip speeches shorter than this.")]


def _corpus(path: Path, min_words: int):
    from compellence.rhetoric.corpus import CorpusError, load_corpus

    try:
        return load_corpus(path, min_words)
    except CorpusError as exc:
        _fail(str(exc))
        raise


def _scores(path: Path):
    from compellence.rhetoric.store import StoreError, read

    try:
        return read(path)
    except StoreError as exc:
        _fail(str(exc))
        raise


@rhetoric_app.command("load")
def load(path: Annotated[Path, typer.Argument(help="A folder of speeches.")],
         min_words: MinWords = 200,
         out_file: Annotated[Path | None, typer.Option("--out", help="Write the metadata "
                                                       "(no texts) to .parquet")] = None,
         as_json: JsonOpt = False) -> None:
    """Read a corpus folder and summarise it (texts stay where they are)."""
    c = _corpus(path, min_words)
    m = c.meta
    if as_json:
        if out_file:
            m.to_parquet(out_file, index=False)
        print(json.dumps({"path": str(path), "format": c.kind, "speeches": len(m),
                          "skipped_short": c.skipped_short, "words": int(m["n_words"].sum()),
                          "years": [int(m["year"].min()), int(m["year"].max())],
                          "speakers": int(m["speaker"].nunique()), "notes": list(c.notes),
                          "out": str(out_file) if out_file else None}, indent=2))
        return
    t = Table(title=f"{path} ({c.kind} format)")
    t.add_column("figure")
    t.add_column("value", justify="right")
    for k, v in (("speeches kept", len(m)), (f"skipped (< {min_words} words)", c.skipped_short),
                 ("words", int(m["n_words"].sum())),
                 ("years", f"{m['year'].min()}-{m['year'].max()}"),
                 ("speakers", m["speaker"].nunique())):
        t.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    out.print(t)
    for note in c.notes:
        out.print(f"[dim]{note}[/]")
    if out_file:
        m.to_parquet(out_file, index=False)
        out.print(f"metadata -> {out_file}")


@rhetoric_app.command("score")
def score(path: Annotated[Path, typer.Argument(help="The target corpus folder.")],
          reference: Annotated[Path, typer.Option(help="The UN General Debate folder: the "
                                                  "reference every z-score is against.")],
          leaders: Annotated[Path | None, typer.Option(help="Profiler Plus tables "
                                                       "(shared/data/leaders) for the rank "
                                                       "correlations.")] = None,
          out_file: Annotated[Path, typer.Option("--out", help="DuckDB file for the scores.")]
          = Path("rhetoric.duckdb"),
          min_words: MinWords = 200,
          max_reference: Annotated[int | None, typer.Option(
              min=10, help="Subsample the reference deterministically to this many "
                           "speeches (default: all).")] = None,
          as_json: JsonOpt = False) -> None:
    """Score a corpus and the reference with the same code, validate, store in DuckDB."""
    from compellence.rhetoric import lexicon, store
    from compellence.rhetoric.corpus import CorpusError
    from compellence.rhetoric.score import score_both, subsample
    from compellence.rhetoric.validation import claimed, validate

    target = _corpus(path, min_words)
    ref = subsample(_corpus(reference, min_words), max_reference)
    if ref.kind != "ungdc":
        _fail(f"{reference}: path: expected the UN General Debate layout "
              "(ISO_session_year.txt with Speakers_by_session.xlsx)")
    total = len(target.meta) + len(ref.meta)
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=out,
                  transient=True, disable=as_json) as bar:
        task = bar.add_task("scoring speeches", total=total)
        t, r, stats = score_both(target, ref, lambda: bar.advance(task))
    roots = {target.root.name: target.root, ref.root.name: ref.root}
    try:
        table = validate(t, r, leaders, roots)
    except CorpusError as exc:
        _fail(str(exc))
    t["corpus"], r["corpus"] = "target", "reference"
    import pandas as pd

    meta = {"target": str(target.root), "reference": str(ref.root),
            "lexicon_version": lexicon.VERSION, "min_words": str(min_words),
            "reference_notes": "; ".join(ref.notes), "target_kind": target.kind,
            "leaders": str(leaders or "")}
    store.write(out_file, pd.concat([t, r], ignore_index=True), stats, table, meta)
    ok = [m for m, v in claimed(table).items() if v]
    if as_json:
        rows = json.loads(table.to_json(orient="records"))
        print(json.dumps({"validation": rows, "claimed": ok, "target_speeches": len(t),
                          "reference_speeches": len(r), "out": str(out_file),
                          "note": CAVEAT}, indent=2))
        return
    _print_validation(table)
    out.print(f"claimed (every test passed): {', '.join(ok) or 'none'}")
    out.print(f"{len(t)} target and {len(r)} reference speeches -> {out_file}")
    for note in ref.notes:
        out.print(f"[dim]reference: {note}[/]")
    out.print(f"[dim]{CAVEAT}[/]")


def _fmt(x: float) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:+.3f}"


def _print_validation(table) -> None:
    t = Table(title="Validation (pass rules in rhetoric/rules.py, fixed before computing)")
    for c in ("test", "n", "expected", "estimate", "95% interval", "result"):
        t.add_column(c)
    for _, r in table.iterrows():
        ci = f"[{_fmt(r['lo'])}, {_fmt(r['hi'])}]" if _fmt(r["lo"]) else ""
        t.add_row(r["test"], str(r["n"]), r["expected"], _fmt(r["estimate"]), ci,
                  "[green]passed[/]" if r["passed"] else "[red]failed[/]")
    out.print(t)


@rhetoric_app.command("profile")
def profile(scores: ScoresOpt = Path("rhetoric.duckdb"),
            scenario: Annotated[str, typer.Option(help="Built-in the priors extend.")]
            = "iran-2025-surrender",
            speaker: Annotated[str, typer.Option(help="Speaker key (letters, lower case) "
                                                 "in the target corpus.")] = "khamenei",
            years: Annotated[str | None, typer.Option(help="FROM:TO, inclusive.")] = None,
            out_file: Annotated[Path, typer.Option("--out", help="Scenario file to write.")]
            = Path("rhetoric-priors.toml"),
            runs: Annotated[int, typer.Option(min=0, help="Runs per variant of the "
                                              "sensitivity check (0: skip).")] = 1000,
            seed: Annotated[int, typer.Option(help="Seed of the sensitivity runs.")] = 17,
            as_json: JsonOpt = False) -> None:
    """Implied priors for the leader's parameters, next to the hand-set values; writes a
    scenario file that extends SCENARIO, and a small sensitivity run."""
    from compellence.rhetoric.priors import MAPPINGS, leader_priors, scenario_toml
    from compellence.rhetoric.validation import claimed
    from compellence.scenario.loader import ScenarioError, load_scenario

    db = _scores(scores)
    sp = db["speeches"]
    sel = sp[(sp["corpus"] == "target") & sp["speaker_key"].str.contains(speaker, regex=False)]
    if years:
        try:
            y0, y1 = (int(v) for v in years.split(":"))
        except ValueError:
            _fail(f"--years {years!r}: expected FROM:TO, e.g. 2013:2016")
        sel = sel[sel["year"].between(y0, y1)]
    if len(sel) < 2:
        _fail(f"{scores}: speaker: fewer than 2 target speeches match {speaker!r}"
              + (f" in {years}" if years else ""))
    try:
        base = load_scenario(scenario)
    except ScenarioError as exc:
        _fail(str(exc))
    ok = claimed(db["validation"])
    priors = leader_priors(sel, db["reference_stats"], ok)
    got = {p.mapping.param: p for p in priors}
    t = Table(title=f"Implied priors for {speaker} ({len(sel)} speeches) over {scenario}")
    for c in ("parameter", "hand-set", "measure", "z [95%]", "implied mode", "95% interval"):
        t.add_column(c)
    for m in MAPPINGS:
        sec, fld = m.param.split(".")
        hand = getattr(getattr(base, sec), fld)
        hand_s = f"{hand:.2f}" if isinstance(hand, float) else str(hand)
        p = got.get(m.param)
        if p is None:
            t.add_row(m.param, hand_s, m.measure, "failed validation", "(hand-set kept)", "")
            continue
        lo, hi = p.interval()
        t.add_row(m.param, hand_s, m.measure, f"{p.z:+.2f} [{p.z_lo:+.2f}, {p.z_hi:+.2f}]",
                  f"{p.mode:.2f}", f"[{lo:.2f}, {hi:.2f}]")
    if not as_json:
        out.print(t)
    prov = [f"source: {db['meta'].set_index('key').at['target', 'value']}, speaker {speaker}"
            f"{', years ' + years if years else ''}, {len(sel)} speeches; scores {scores}"]
    out_file.write_text(scenario_toml(scenario, f"{scenario}-rhetoric", priors, prov),
                        encoding="utf-8")
    sens = None
    if runs and priors:
        from compellence.rhetoric.sensitivity import sensitivity

        sens = sensitivity(scenario, out_file, priors, runs, seed)
    if as_json:
        print(json.dumps({"scenario": str(out_file), "extends": scenario, "speeches": len(sel),
                          "priors": [{"parameter": p.mapping.param, "measure": p.mapping.measure,
                                      "z": p.z, "z_interval": [p.z_lo, p.z_hi],
                                      "mode": p.mode, "interval": list(p.interval())}
                                     for p in priors],
                          "sensitivity": None if sens is None else
                          json.loads(sens.to_json(orient="records")), "note": CAVEAT},
                         indent=2, default=float))
        return
    out.print(f"scenario -> {out_file} (extends {scenario})")
    if sens is not None:
        s = sens
        st = Table(title=f"Sensitivity: outcome shares, {runs} runs each, seed {seed}")
        st.add_column("variant")
        for o in s.columns[1:]:
            st.add_column(o, justify="right")
        for _, r in s.iterrows():
            st.add_row(r["variant"], *(f"{100 * r[o]:.1f}%" for o in s.columns[1:]))
        out.print(st)
    out.print(f"[dim]{CAVEAT} Priors are conditional on the mapping in rhetoric/priors.py; "
              "not a forecast of real events.[/]")


@rhetoric_app.command("plot")
def plot(scores: ScoresOpt = Path("rhetoric.duckdb"),
         measure: Annotated[str, typer.Option(help="A measure (see docs/rhetoric.md).")]
         = "martyrdom",
         speaker: Annotated[str, typer.Option(help="Speaker key in the target corpus.")]
         = "khamenei",
         out_file: Annotated[Path, typer.Option("-o", "--out", help="Figure file (.png).")]
         = Path("rhetoric.png"),
         html_file: Annotated[Path | None, typer.Option(
             "--html", help="Also write the report section (every claimed measure and the "
                            "validation table) as a page.")] = None,
         as_json: JsonOpt = False) -> None:
    """The speaker's yearly z-score on one measure, with 95% bootstrap intervals."""
    from compellence.rhetoric.measures import MEASURES
    from compellence.rhetoric.plot import yearly, yearly_figure

    if measure not in MEASURES:
        _fail(f"--measure {measure!r}: expected one of {', '.join(MEASURES)}")
    db = _scores(scores)
    sp = db["speeches"]
    sel = sp[(sp["corpus"] == "target") & sp["speaker_key"].str.contains(speaker, regex=False)]
    if sel.empty:
        _fail(f"{scores}: speaker: no target speech matches {speaker!r}")
    ys = yearly(sel, db["reference_stats"], measure)
    passed = bool(db["validation"].query("measure == @measure")["passed"].all()) and \
        measure in set(db["validation"]["measure"])
    yearly_figure(ys, measure, speaker, passed).savefig(out_file, dpi=120)
    if as_json:
        print(json.dumps({"measure": measure, "validated": passed, "figure": str(out_file),
                          "years": json.loads(ys.to_json(orient="records"))}, indent=2))
    else:
        out.print(f"{measure}: {len(ys)} years -> {out_file}"
                    + ("" if passed else " [yellow](this measure did not pass validation)[/]"))
    if html_file:
        from compellence.report.rhetoric import rhetoric_section, standalone

        html_file.write_text(standalone(rhetoric_section(db, speaker), f"rhetoric: {speaker}"),
                             encoding="utf-8")
        out.print(f"report section -> {html_file}")
