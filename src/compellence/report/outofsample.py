"""The out-of-sample section of the report: the four-way score table, the reliability
diagram and the per-group table (demand type, regime type), as self-contained HTML."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from compellence.analysis.outofsample import FORECASTERS, OutOfSample
from compellence.evidence.icb import MAPPING_VERSION
from compellence.report import figures as fg
from compellence.report.html import CSS, _e, _table

LABELS = {"model": "model (rule)", "mixture": "model (mixture)",
          "cost_benefit": "cost-benefit", "base_rate": "base rate", "logit": "logit"}


def reliability_figure(res: OutOfSample) -> fg.Figure:
    """Observed frequency against forecast probability, pooled over rows and classes."""
    fig, ax = plt.subplots(figsize=(6.2, 5))
    ax.plot([0, 1], [0, 1], color="gray", lw=0.8, ls="--", label="perfectly calibrated")
    colours = (*fg.COLOURS, "#8c564b")
    for k, c in zip(FORECASTERS, colours, strict=True):
        r = res.reliability[res.reliability["forecaster"] == k]
        ax.plot(r["mean_forecast"], r["observed"], marker="o", color=c, label=LABELS[k])
    ax.set_xlabel("forecast probability of a class (bin mean)")
    ax.set_ylabel("observed frequency of that class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fg._finish(fig, f"Reliability, {res.split} split ({res.n_test_rows} held-out actors)")
    return fg.Figure(f"reliability-{res.split}", "Reliability diagram",
                     "Points on the diagonal: forecasts mean what they say; below it: "
                     "over-confident.", fig)


def section(results: list[OutOfSample], rows_coded: int, excluded: dict[str, int],
            command: str) -> str:
    """The HTML of the section (no <html> wrapper)."""
    parts = [f"<h2>Out of sample: ICB crisis actors (mapping {_e(MAPPING_VERSION)})</h2>",
             f"<p>{rows_coded} crisis-actor rows coded; excluded: "
             + _e("; ".join(f"{k}: {v}" for k, v in excluded.items())) + ".</p>",
             f"<p class='muted'>Command: <code>{_e(command)}</code></p>"]
    for res in results:
        table = pd.DataFrame({"metric": ["accuracy", "brier", "log_score"],
                              **{LABELS[k]: [res.scores[k][m] for m in
                                             ("accuracy", "brier", "log_score")]
                                 for k in FORECASTERS}})
        parts.append(f"<h3>{_e(res.split)} split: {res.n_test_rows} held-out actors in "
                     f"{res.n_test_crises} crises</h3>" + _table(table))
        f = reliability_figure(res)
        parts.append(f"<figure>{f.svg()}<figcaption class='caption'>{_e(f.caption)}"
                     "</figcaption></figure>")
        f.close()
        g = res.by_group[res.by_group["group_by"].isin(("demand_type", "regime_type"))]
        piv = g.pivot_table(index=["group_by", "group"], columns="forecaster",
                            values="log_score").reset_index()
        n = g.groupby(["group_by", "group"])["n"].first().reset_index()
        piv = n.merge(piv, on=["group_by", "group"])
        piv = piv.rename(columns=LABELS)
        parts.append("<p>Mean log score by group (lower is better):</p>" + _table(piv))
    parts.append("<p class='caveat'>Every figure is conditional on the coding rules "
                 "(docs/evidence.md); none is a forecast of real events. The "
                 "security-seeking profile does not exist yet: no column.</p>")
    return "\n".join(parts)


def write_section(path: str | Path, results: list[OutOfSample], rows_coded: int,
                  excluded: dict[str, int], command: str) -> None:
    """A standalone HTML page holding the section."""
    body = section(results, rows_coded, excluded, command)
    Path(path).write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>"
                          f"Out-of-sample backtest</title><style>{CSS}</style></head>"
                          f"<body>{body}</body></html>", "utf-8")
