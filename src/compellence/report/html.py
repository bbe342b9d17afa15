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

from compellence.analysis.intervals import event_intervals, outcome_intervals
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
    out_of_sample: str = ""   # HTML of report.outofsample's section, if any
    rhetoric: str = ""        # HTML of report.rhetoric's section, if any


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


def _fig_html(f: Any) -> str:
    if f is None:
        return "n/a"
    floor = " <b>at floor</b>" if f.at_floor else ""
    return (f"{f.value:+.3f}<br><span class='muted'>[{f.low:+.3f}, {f.high:+.3f}] "
            f"{_e(f.state)}{floor}</span>")


def _claims_html(claims: list[Any], cmap: Any = None) -> str:
    regions = {r.number: r for r in cmap.regions} if cmap is not None else {}
    rows = []
    for r in claims:
        cls = "pass" if r.verdict == "holds" else "fail"
        verdict = f"<span class='{cls}'>{_e(r.verdict)}</span>"
        if r.attribution != "attributable":
            verdict += f"<div class='muted'>{_e(r.attribution)}</div>"
        share = (f"{regions[r.number].holding_share:.0%}" if r.number in regions else "—")
        note = f" {r.essay.note}" if r.essay.note else ""
        rows.append(f"<tr><td>{r.number}</td><td class='l'>{_e(r.claim)}<div class='muted'>"
                    f"“{_e(r.passage)}”</div></td><td class='l'>{_e(r.quantity)} "
                    f"({_e(r.threshold)})<div class='muted'>{_e(note)}</div></td>"
                    f"<td>{_fig_html(r.essay)}</td>"
                    f"<td>{_fig_html(r.contrast)}<div class='muted'>"
                    f"{_e(r.contrast_label)}</div></td><td>{_fig_html(r.rival)}</td>"
                    f"<td>{_fig_html(r.without)}<div class='muted'>{_e(r.mechanism)} off"
                    f"</div></td><td>{verdict}</td><td>{share}</td></tr>")
    return ("<table><tr><th>#</th><th class='l'>claim and the essay's words</th>"
            "<th class='l'>quantity (needs)</th><th>essay's profile</th><th>one-factor "
            "contrast</th><th>security rival</th><th>mechanism off</th><th>verdict</th>"
            "<th>holds in map</th></tr>" + "".join(rows) +
            "</table><p class='caption'>Read the verdicts: a claim holds only if the essay's "
            "95% interval clears the minimal effect stated in advance (analysis/thresholds.py"
            "), the one-factor contrast's interval lies on the other side and the "
            "security-seeking rival (it keeps the programme for its deterrent value) "
            "does not satisfy it; figures at 0 or 1 on both sides are 'untestable here'. "
            "Reasons for each contrast: docs/claims.md.</p>")


def build_report(scenarios: list[Scenario], results: list[Results], labels: list[str],
                 claims: list[Any] | None = None, extra: Extra | None = None,
                 figure_dir: Path | None = None, figure_format: str = "png",
                 claims_map: Any = None) -> str:
    """The report as one HTML string (and, with figure_dir, the figures as files)."""
    sc, res = scenarios[0], results[0]
    figs = [fg.outcome_bars(results, labels), fg.fan_charts(results, labels),
            fg.outcome_curves(results, labels), fg.term_decomposition(results, labels)]
    if extra is not None and extra.sensitivity is not None:
        figs.append(fg.sensitivity_figure(extra.sensitivity, extra.sensitivity_outcome))
    if claims_map is not None:
        from compellence.analysis.thresholds import MAP_RANGES
        figs += [fg.claims_holding_figure(claims_map),
                 fg.claims_box_figure(claims_map, MAP_RANGES)]
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
        t = r.outcome_table()[["outcome", "share", "median_rounds"]]
        ivs = outcome_intervals(r)
        t.insert(2, "ci_low", [i.low for i in ivs])
        t.insert(3, "ci_high", [i.high for i in ivs])
        ev = event_intervals(r)
        k, s = ev["leader_killed"], ev["succession"]
        outcome_tables.append(f"<h3>{_e(lab)}</h3>" + _table(t) +
                              f"<p>Leader killed in confrontation in {k.estimate:.1%} of runs "
                              f"(95% interval {k.low:.1%}–{k.high:.1%}); a succession in "
                              f"{s.estimate:.1%} ({s.low:.1%}–{s.high:.1%}).</p>")
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
        body.append("<h2>The essay's claims</h2>" + _claims_html(claims, claims_map))
        if claims_map is not None:
            body.append(f"<h3>Where each claim holds ({len(claims_map.points)} "
                        f"Latin-hypercube points × {claims_map.runs} runs)</h3>" +
                        _figure(by_key["claims_map"]) + _figure(by_key["claims_boxes"]))
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
    if extra is not None and extra.out_of_sample:
        body.append(extra.out_of_sample)
    if extra is not None and extra.rhetoric:
        body.append(extra.rhetoric)
    body.append(f"<p class='caveat'>{CAVEAT}</p>")
    for f in figs:
        f.close()
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
            + "".join(body) + "</body></html>")
