"""Global sensitivity of an outcome share to scenario parameters, with SALib.

Sobol (Saltelli sampling, ``SALib.analyze.sobol``): first-order (S1) and total
(ST) indices with 95% bootstrap confidence intervals. Morris
(``SALib.analyze.morris``): μ* (mean absolute elementary effect) and σ, a cheap
screening. The model output at each design point is an outcome share over that
point's runs, so it carries Monte Carlo noise of order sqrt(p(1−p)/runs); the
indices are meaningful only when that noise is small against the outcome's
spread across the design (see the closing note of the analysis issue).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from compellence.analysis.design import Design, problem
from compellence.analysis.store import AGGREGATES


def analyse(design: Design, table: pd.DataFrame, outcome: str, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices of ``outcome`` over the design, ranked (largest first)."""
    if outcome not in AGGREGATES:
        raise ValueError(f"unknown outcome '{outcome}'; expected one of {', '.join(AGGREGATES)}")
    table = table.sort_values("point")
    if len(table) != len(design.points):
        raise ValueError(f"only {len(table)} of {len(design.points)} design points are stored: "
                         "finish (resume) the sweep first")
    y = table[outcome].to_numpy(float)
    prob = problem(design)
    kind = design.spec["kind"]
    if kind == "sobol":
        from SALib.analyze import sobol
        res = sobol.analyze(prob, y, calc_second_order=True, seed=seed, print_to_console=False)
        frame = pd.DataFrame({"parameter": prob["names"], "S1": res["S1"],
                              "S1_conf": res["S1_conf"], "ST": res["ST"],
                              "ST_conf": res["ST_conf"]})
        return frame.sort_values("ST", ascending=False, ignore_index=True)
    if kind == "morris":
        from SALib.analyze import morris
        x = design.points.to_numpy(float)
        res = morris.analyze(prob, x, y, num_levels=4, seed=seed, print_to_console=False)
        frame = pd.DataFrame({"parameter": prob["names"], "mu_star": res["mu_star"],
                              "mu_star_conf": res["mu_star_conf"], "sigma": res["sigma"]})
        return frame.sort_values("mu_star", ascending=False, ignore_index=True)
    raise ValueError(f"a {kind} design has no sensitivity analysis; use --method sobol|morris")


#: Below this many Sobol base samples the indices are too noisy to rank (Saltelli et al.
#: 2010 use N in the thousands; SALib's bootstrap intervals at N = 64 are typically ±0.1–0.3).
MIN_SOBOL_N = 512
#: An index interval wider than this (half-width) cannot separate parameters.
MAX_HALF_WIDTH = 0.1


def warnings(indices: pd.DataFrame, n: int) -> list[str]:
    """Why these Sobol indices should not be read as a ranking (empty when they can be)."""
    if "ST" not in indices:
        return []
    out = []
    if n < MIN_SOBOL_N:
        out.append(f"N = {n} base samples is small (use --n {MIN_SOBOL_N} or more)")
    widest = float(np.nanmax(indices[["S1_conf", "ST_conf"]].to_numpy()))
    if widest > MAX_HALF_WIDTH:
        out.append(f"the widest 95% interval is ±{widest:.2f}")
    outside = indices[(indices["ST"] > 1) | (indices["S1"] < 0) | (indices["ST"] < 0)]
    if len(outside):
        out.append("indices outside [0, 1] (" + ", ".join(outside["parameter"]) + ") are "
                   "sampling error, not effects")
    return out


def draw(ax, indices: pd.DataFrame, outcome: str) -> None:
    """Draw the ranked indices on a matplotlib axis (shared with the report)."""
    y = np.arange(len(indices))[::-1]
    if "ST" in indices:
        ax.barh(y + 0.2, indices["ST"], 0.4, xerr=indices["ST_conf"], label="total (ST)")
        ax.barh(y - 0.2, indices["S1"], 0.4, xerr=indices["S1_conf"], label="first order (S1)")
        ax.set_xlabel("Sobol index (share of the outcome's variance)")
    else:
        ax.barh(y, indices["mu_star"], 0.6, xerr=indices["mu_star_conf"], label="μ*")
        ax.set_xlabel("Morris μ* (mean absolute elementary effect on the share)")
    ax.set_yticks(y, indices["parameter"])
    ax.set_title(f"What drives the {outcome} share")
    ax.legend(loc="lower right")


def plot(indices: pd.DataFrame, outcome: str, path: Path) -> None:
    """A ranked bar chart of the indices (PNG or SVG by the file's suffix)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 0.45 * len(indices) + 1.5))
    draw(ax, indices, outcome)
    fig.text(0.01, 0.01, "Conditional on the scenario's assumptions; not a forecast.",
             fontsize=7, color="gray")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
