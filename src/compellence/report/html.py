"""A self-contained HTML report: no CDN, no external file; figures are inline SVG.

Sections: the scenario and its assumptions; outcome probabilities with intervals;
the state over rounds (fan charts); when and how runs end; the decomposition of
the leader's decisions into utility terms over time; the claims table; and, given
a results database, the sensitivity ranking and the discovered box.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from compellence.engine.results import Results
from compellence.model.core import ACTIONS
from compellence.provenance import stamp
from compellence.report import figures as fg
from compellence.scenario.distributions import _Dist
from compellence.scenario.schema import Scenario

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1180px;margin:2em
auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;
margin-top:2em}table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}.caveat{background:#fff6e0;border-left:4px solid
#e0a000;padding:.6em 1em}.caption{color:#555;font-style:italic;margin-top:.2em}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#c62828;font-weight:bold}
figure{margin:1em 0}svg{max-width:100%;height:auto}.muted{color:#777;font-size:.9em}
pre{white-space:pre-wrap;background:#fafafa;padding:.6em;border:1px solid #eee}
.row{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}td.l,th.l{text-align:left}
"""

CAVEAT = ("Every figure in this report is conditional on the scenario's stated assumptions "
          "(below, and docs/model.md). It is not a forecast of real events.")


@dataclass
class Extra:
    """Optional sections from a results database."""

    sensitivity: pd.DataFrame | None = None
    sensitivity_outcome: str = "deal"
    box: Any = None
    box_outcome: str = "deal"
    experiment: str = ""


def _e(x: Any) -> str:
    return html.escape(str(x))


def _table(frame: pd.DataFrame, fmt: str = "{:.3f}") -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for rec in frame.itertuples(index=False):
        cells = "".join(f"<td>{_e(fmt.format(v) if isinstance(v, float) else v)}</td>"
                        for v in rec)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _value(v: Any) -> str:
    if isinstance(v, _Dist):
        return v.model_dump_json(by_alias=True)
    if hasattr(v, "schedule"):
        return "schedule " + ", ".join(f"r{r}: {lvl:g}" for r, lvl in v.schedule)
    return f"{v:g}" if isinstance(v, float) else str(v)


def assumptions(sc: Scenario) -> str:
    """The scenario's assumptions as HTML tables."""
    parts = [f"<pre>{_e(sc.description.strip())}</pre>"]
    leader = [(k, _value(getattr(sc.leader, k))) for k in type(sc.leader).model_fields]
    coercer = [(k, _value(getattr(sc.coercer, k))) for k in
               ("demand", "relief", "face_saving", "accepts_limited_deal", "renege_rounds")]
    coercer += [(f"pressure.{k}", _value(getattr(sc.coercer.pressure, k)))
                for k in type(sc.coercer.pressure).model_fields]
    if sc.coercer.adaptive.enabled:
        coercer.append(("adaptive", f"+{_value(sc.coercer.adaptive.step)} a round on "
                        + ", ".join(sc.coercer.adaptive.instruments)))
    regime = [(k, _value(getattr(sc.regime, k))) for k in type(sc.regime).model_fields]
    off = [k for k, v in sc.mechanisms.model_dump().items() if not v]
    cols = []
    for title, rows in (("Leader", leader), ("Coercer", coercer), ("Regime at round 0",
                                                                    regime)):
        cols.append(f"<div><h3>{title}</h3>" + _table(pd.DataFrame(rows, columns=[
            "field", "value"])) + "</div>")
    parts.append("<div class='row'>" + "".join(cols) + "</div>")
    parts.append("<p>Mechanisms switched off: " + (", ".join(off) if off else "none") +
                 ". Units, ranges and the mechanism behind every field: "
                 "<code>compellence schema</code>.</p>")
    return "".join(parts)


def _figure(f: fg.Figure) -> str:
    out = (f"<figure>{f.svg()}<figcaption class='caption'>{_e(f.caption)}</figcaption>"
           "</figure>")
    f.close()
    return out


def _claims_html(claims: list[Any]) -> str:
    rows = []
    for r in claims:
        verdict = "<span class='pass'>PASS</span>" if r.passed else \
            "<span class='fail'>FAIL</span>"
        rows.append(f"<tr><td>{r.number}</td><td class='l'>{_e(r.claim)}<div class='muted'>"
                    f"{_e(r.detail)}</div></td><td class='l'>{_e(r.quantity)} "
                    f"({_e(r.threshold)})</td>"
                    f"<td>{r.essay:.3f} ({'holds' if r.essay_holds else 'fails'})</td>"
                    f"<td>{r.contrast:.3f} ({'holds' if r.contrast_holds else 'fails'})</td>"
                    f"<td>{verdict}</td></tr>")
    return ("<table><tr><th>#</th><th class='l'>claim</th><th class='l'>quantity "
            "(threshold)</th><th>essay's "
            "profile</th><th>contrast</th><th>verdict</th></tr>" + "".join(rows) +
            "</table><p class='caption'>Read the verdicts: a claim passes only if it holds "
            "for the essay's profile and fails for its contrast.</p>")


def build_report(scenarios: list[Scenario], results: list[Results], labels: list[str],
                 claims: list[Any] | None = None, extra: Extra | None = None,
                 figure_dir: Path | None = None, figure_format: str = "png") -> str:
    """The report as one HTML string (and, with figure_dir, the figures as files)."""
    sc, res = scenarios[0], results[0]
    figs = [fg.outcome_bars(results, labels), fg.fan_charts(results, labels),
            fg.outcome_curves(results, labels), fg.term_decomposition(results, labels)]
    if extra is not None and extra.sensitivity is not None:
        figs.append(fg.sensitivity_figure(extra.sensitivity, extra.sensitivity_outcome))
    if figure_dir is not None:
        figure_dir.mkdir(parents=True, exist_ok=True)
        for f in figs:
            f.save(figure_dir / f"{f.key}.{figure_format}")
    by_key = {f.key: f for f in figs}
    prov = stamp()
    title = " vs ".join(labels) if len(labels) > 1 else f"{sc.name}: {sc.title}"
    body = [f"<h1>{_e(title)}</h1>",
            f"<p class='muted' id='provenance'>compellence {prov['package_version']} (model "
            f"{prov['model_version']}, random numbers {prov['rng_scheme']}), "
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; " +
            "; ".join(f"{_e(lab)}: {r.n:,} runs, seed {r.seed}, horizon {r.horizon} rounds"
                      for lab, r in zip(labels, results, strict=True)) + "</p>",
            f"<p class='caveat'>{CAVEAT}</p>"]
    for s, lab in zip(scenarios, labels, strict=True):
        body.append(f"<h2>Scenario and assumptions: {_e(lab)}</h2>" + assumptions(s))
    outcome_tables = []
    for r, lab in zip(results, labels, strict=True):
        t = r.outcome_table()[["outcome", "share", "ci_low", "ci_high", "median_rounds"]]
        ev = r.event_table()
        outcome_tables.append(f"<h3>{_e(lab)}</h3>" + _table(t) +
                              f"<p>Leader killed in confrontation in {ev['leader_killed']:.1%}"
                              f" of runs; a succession in {ev['succession']:.1%}.</p>")
    body.append("<h2>Outcome probabilities</h2>" + "".join(outcome_tables) +
                _figure(by_key["outcomes"]))
    body.append("<h2>The state over time</h2>" + _figure(by_key["state"]))
    body.append("<h2>When and how runs end</h2>" + _figure(by_key["timeline"]))
    terms = res.term_means().reset_index().rename(columns={"index": "term"})
    body.append("<h2>Why the leader decides as he does</h2>" + _figure(by_key["terms"]) +
                f"<h3>Mean utility terms per decision ({_e(labels[0])})</h3>" +
                _table(terms[["term", *ACTIONS]]) +
                "<p class='caption'>Read a row: what that term adds to each action; the "
                "leader chooses by logit over the sum of the rows (docs/model.md).</p>")
    if claims:
        body.append("<h2>The essay's claims</h2>" + _claims_html(claims))
    if extra is not None and extra.sensitivity is not None:
        body.append(f"<h2>Sensitivity (experiment {_e(extra.experiment)})</h2>" +
                    _table(extra.sensitivity) + _figure(by_key["sensitivity"]))
    if extra is not None and extra.box is not None:
        b = extra.box
        lim = b.limits.reset_index().rename(columns={"index": "parameter"})
        body.append(f"<h2>Where '{_e(extra.box_outcome)}' is likely (PRIM)</h2>" +
                    _table(lim) + f"<p class='caption'>Read the box: inside these ranges "
                    f"{b.density:.0%} of design points reach the threshold, covering "
                    f"{b.coverage:.0%} of all such points.</p>")
    body.append(f"<p class='caveat'>{CAVEAT}</p>")
    for f in figs:
        f.close()
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>")
