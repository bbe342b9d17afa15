"""Static figures of an ensemble (matplotlib): each with a title, labelled axes with units,
and a one-line caption saying what to read in it.

Every function takes one or more :class:`~compellence.engine.results.Results` (run with
``trajectories=True`` where trajectories are drawn) and returns a :class:`Figure`.
Several results are drawn side by side in one colour each (comparison).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from compellence.engine.results import Results
from compellence.model.core import OUTCOMES, TERMS

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
OUTCOME_COLOURS = {"ongoing": "#7f7f7f", "capitulation": "#d62728", "deal": "#2ca02c",
                   "war": "#000000", "collapse": "#ff7f0e", "backed_down": "#17becf",
                   "removed": "#8c564b"}
STATE_LABELS = {"economy": "economy (index, 1 = unsanctioned)",
                "unrest": "unrest (index)", "base": "standing with the base (index)",
                "trust": "trust in the coercer (index)",
                "program": "core program (index)",
                "adaptation": "sanctions' bite adapted away (share)",
                "resolve": "resolve (index)"}
FOOTER = "Conditional on the scenario's stated assumptions; not a forecast."


@dataclass
class Figure:
    """A rendered figure with its title and caption."""

    key: str
    title: str
    caption: str
    fig: matplotlib.figure.Figure

    def svg(self) -> str:
        buf = io.StringIO()
        self.fig.savefig(buf, format="svg", bbox_inches="tight")
        text = buf.getvalue()
        return text[text.index("<svg"):]

    def save(self, path) -> None:
        self.fig.savefig(path, bbox_inches="tight", dpi=130)

    def close(self) -> None:
        plt.close(self.fig)


def _finish(fig, title: str) -> None:
    fig.suptitle(title, fontsize=12)
    fig.text(0.01, 0.005, FOOTER, fontsize=7, color="gray")
    fig.tight_layout(rect=(0, 0.03, 1, 0.97))


def outcome_bars(results: list[Results], labels: list[str]) -> Figure:
    """Outcome shares at the horizon with 95% Wilson intervals."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.8 / len(results)
    x = np.arange(len(OUTCOMES))
    for k, (res, label) in enumerate(zip(results, labels, strict=True)):
        t = res.outcome_table()
        err = np.vstack([t["share"] - t["ci_low"], t["ci_high"] - t["share"]])
        colour = ([OUTCOME_COLOURS[o] for o in OUTCOMES] if len(results) == 1
                  else COLOURS[k % len(COLOURS)])
        ax.bar(x + (k - (len(results) - 1) / 2) * width, t["share"], width, yerr=err,
               capsize=3, color=colour, label=label)
    ax.set_xticks(x, OUTCOMES)
    ax.set_ylabel("share of runs (with 95% interval)")
    ax.set_xlabel("outcome at the horizon")
    ax.set_ylim(0, 1)
    ax.legend()
    title = "How the runs end"
    _finish(fig, title)
    lead = results[0].outcome_table().set_index("outcome")["share"]
    caption = (f"Read the capitulation bar: capitulation ends {lead['capitulation']:.1%} of runs "
               f"for {labels[0]}, a deal {lead['deal']:.1%}; the rest resist, fight or "
               "collapse.")
    return Figure("outcomes", title, caption, fig)


def fan_charts(results: list[Results], labels: list[str]) -> Figure:
    """Median, 25–75% and 5–95% bands of the state over rounds, among runs in play."""
    names = list(STATE_LABELS)
    fig, axes = plt.subplots(1, len(names), figsize=(2.6 * len(names), 3.4), sharex=True)
    for k, (res, label) in enumerate(zip(results, labels, strict=True)):
        frame = res.trajectory_frame()
        colour = COLOURS[k % len(COLOURS)]
        for ax, var in zip(axes, names, strict=True):
            f = frame[frame["variable"] == var]
            ax.fill_between(f["round"], f["q05"], f["q95"], color=colour, alpha=0.12)
            ax.fill_between(f["round"], f["q25"], f["q75"], color=colour, alpha=0.25)
            ax.plot(f["round"], f["median"], color=colour, label=label)
            ax.set_title(STATE_LABELS[var], fontsize=9)
            ax.set_ylim(0, 1)
            ax.set_xlabel("round (months)")
    axes[0].set_ylabel("value among runs still in play")
    axes[0].legend(fontsize=8)
    title = "The state over time (median, 50% and 90% bands)"
    _finish(fig, title)
    f = results[0].trajectory_frame()
    base = f[f["variable"] == "base"].set_index("round")["median"]
    econ = f[f["variable"] == "economy"].set_index("round")["median"]
    caption = (f"Read economy against base: for {labels[0]} the median economy goes "
               f"{econ.iloc[0]:.2f} → {econ.iloc[-1]:.2f} while standing with the base goes "
               f"{base.iloc[0]:.2f} → {base.iloc[-1]:.2f} among runs still resisting.")
    return Figure("state", title, caption, fig)


def outcome_curves(results: list[Results], labels: list[str]) -> Figure:
    """Cumulative share of runs ended in each outcome, by round."""
    fig, axes = plt.subplots(1, len(results), figsize=(max(8.0, 6.5 * len(results)), 3.6),
                             squeeze=False)
    for ax, res, label in zip(axes[0], results, labels, strict=True):
        c = res.outcome_curves()
        ax.stackplot(c["round"], *[c[o] for o in OUTCOMES[1:]], c["in_play"],
                     labels=[*OUTCOMES[1:], "still resisting"],
                     colors=[OUTCOME_COLOURS[o] for o in OUTCOMES[1:]] + ["#dddddd"])
        ax.set_xlabel("round (months)")
        ax.set_ylabel("share of runs")
        ax.set_ylim(0, 1)
        ax.set_title(label, fontsize=10)
    axes[0][0].legend(loc="lower left", fontsize=7)
    title = "When the runs end, and how"
    _finish(fig, title)
    c = results[0].outcome_curves()
    half = c[c["in_play"] <= 0.5]["round"]
    when = f"half the runs have ended by round {int(half.iloc[0])}" if len(half) else \
        f"{c['in_play'].iloc[-1]:.0%} of runs are still resisting at the horizon"
    caption = f"Read the grey area: for {labels[0]}, {when}."
    return Figure("timeline", title, caption, fig)


def term_decomposition(results: list[Results], labels: list[str]) -> Figure:
    """Per round, each utility term's contribution to resisting rather than capitulating."""
    fig, axes = plt.subplots(1, len(results), figsize=(max(9.0, 6.5 * len(results)), 3.8),
                             squeeze=False, sharey=True)
    cmap = plt.get_cmap("tab10")
    for ax, res, label in zip(axes[0], results, labels, strict=True):
        tf = res.term_frame()
        for j, term in enumerate(TERMS):
            f = tf[tf["term"] == term]
            ax.plot(f["round"], f["resist"] - f["capitulate"], color=cmap(j), label=term)
        ax.axhline(0, color="gray", lw=0.8)
        ax.set_xlabel("round (months)")
        ax.set_ylabel("utility of resisting minus capitulating")
        ax.set_title(label, fontsize=10)
    axes[0][-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    title = "Why he resists: each term's pull toward resisting (above 0) or conceding"
    _finish(fig, title)
    gaps = (results[0].term_means()["resist"] - results[0].term_means()["capitulate"])
    top = gaps.sort_values(ascending=False)
    caption = (f"Read the highest lines: for {labels[0]} the '{top.index[0]}' and "
               f"'{top.index[1]}' terms keep him from capitulating; '{gaps.idxmin()}' "
               "pulls the other way.")
    return Figure("terms", title, caption, fig)


def sensitivity_figure(indices: pd.DataFrame, outcome: str) -> Figure:
    """Ranked Sobol (or Morris) indices from a stored sensitivity experiment."""
    from compellence.analysis.sensitivity import draw

    fig, ax = plt.subplots(figsize=(7, 0.45 * len(indices) + 1.5))
    draw(ax, indices, outcome)
    title = f"Which assumptions move the {outcome} share"
    _finish(fig, title)
    caption = (f"Read the top bar: '{indices.iloc[0]['parameter']}' explains most of the "
               f"variation of the {outcome} share over the stored design.")
    return Figure("sensitivity", title, caption, fig)


def claims_holding_figure(cmap) -> Figure:
    """Per claim, the share of the mapped parameter space where the essay's figure holds,
    and the share where it sits at a floor (from a ``ClaimMap``)."""
    regs = cmap.regions
    x = np.arange(len(regs))
    fig, ax = plt.subplots(figsize=(8, 3.6))
    ax.bar(x - 0.2, [r.holding_share for r in regs], 0.4, color="#2ca02c", label="holds")
    ax.bar(x + 0.2, [r.floor_share for r in regs], 0.4, color="#bbbbbb",
           label="essay figure at a floor")
    ax.axhline(0.25, color="#c62828", lw=0.8, ls="--", label="a sliver (< 25%)")
    ax.set_xticks(x, [f"claim {r.number}" for r in regs])
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of map points")
    ax.set_xlabel(f"{len(cmap.points)} Latin-hypercube points × {cmap.runs} runs")
    ax.legend(fontsize=8, loc="upper right")
    title = "Where the essay's claims hold in the plausible parameter space"
    _finish(fig, title)
    best = max(regs, key=lambda r: r.holding_share)
    worst = min(regs, key=lambda r: r.holding_share)
    caption = (f"Read the green bars: claim {best.number} holds in {best.holding_share:.0%} of "
               f"the mapped space, claim {worst.number} in {worst.holding_share:.0%}; grey is "
               "where the essay's figure cannot move (0 or 1).")
    return Figure("claims_map", title, caption, fig)


def claims_box_figure(cmap, ranges: dict[str, tuple[float, float, str]]) -> Figure:
    """The PRIM box of where each claim breaks, each restricted parameter drawn as its
    range scaled to the mapped range (0 = its low end, 1 = its high end)."""
    rows = [(r.number, k, v["low"], v["high"]) for r in cmap.regions for k, v in
            r.main_limits().iterrows()]
    fig, ax = plt.subplots(figsize=(8, 0.32 * max(len(rows), 3) + 1.4))
    for i, (num, k, lo, hi) in enumerate(rows):
        a, b = ranges[k][0], ranges[k][1]
        ax.plot([(lo - a) / (b - a), (hi - a) / (b - a)], [i, i], lw=6,
                color=COLOURS[num % len(COLOURS)], solid_capstyle="butt")
    ax.set_yticks(range(len(rows)), [f"claim {n}: {k}" for n, k, _, _ in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("restricted range, scaled to the mapped range of each parameter")
    title = "Where each claim breaks (PRIM boxes)"
    _finish(fig, title)
    caption = ("Read a bar: inside that range of the parameter (with the claim's other bars) "
               "the claim mostly fails; claims with no bar break nowhere or everywhere."
               if rows else "No claim has a box narrower than the whole mapped space.")
    return Figure("claims_boxes", title, caption, fig)
