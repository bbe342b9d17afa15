"""Scenario discovery with PRIM (EMA Workbench's implementation): the parameter ranges in
which an outcome is likely.

The case of interest is a design point whose outcome share is at least
``threshold``; PRIM peels the parameter space toward boxes of high density (share
of points in the box that are cases) while keeping coverage (share of all cases
inside the box). We report the box PRIM selects on its peeling trajectory and the
trajectory itself (coverage against density, as a plot).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass
class Box:
    """A PRIM box: its limits, coverage, density and the peeling trajectory."""

    limits: pd.DataFrame          # rows: parameters; columns: low, high (restricted only)
    coverage: float
    density: float
    mass: float
    cases: int
    trajectory: pd.DataFrame


def discover(table: pd.DataFrame, params: list[str], outcome: str, threshold: float,
             peel_alpha: float = 0.05, mass_min: float = 0.05) -> Box:
    """PRIM on the design points: cases are points with ``outcome`` share >= threshold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from ema_workbench.analysis import prim
        except ImportError:
            raise ImportError("scenario discovery uses EMA Workbench's PRIM: "
                              "pip install 'compellence[ema]'") from None

    x = table[params].reset_index(drop=True)
    y = (table[outcome] >= threshold).to_numpy()
    if y.sum() == 0:
        raise ValueError(f"no design point has {outcome} >= {threshold}: nothing to discover")
    if y.all():
        raise ValueError(f"every design point has {outcome} >= {threshold}: the whole space "
                         "is the box")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(x, y, threshold=0.5, peel_alpha=peel_alpha, mass_min=mass_min)
        box = p.find_box()
    lims = box.box_lim.T
    lims.columns = ["low", "high"]
    full = x.agg(["min", "max"]).T
    restricted = lims[(lims["low"] > full["min"] + 1e-12) | (lims["high"] < full["max"] - 1e-12)]
    return Box(restricted, float(box.coverage), float(box.density), float(box.mass),
               int(y.sum()), box.peeling_trajectory.copy())


def plot_trajectory(box: Box, outcome: str, path: Path) -> None:
    """Coverage and density along the peeling trajectory, coloured by restricted dims."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = box.trajectory
    fig, ax = plt.subplots(figsize=(6, 4.5))
    sc = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap="viridis")
    fig.colorbar(sc, ax=ax, label="restricted dimensions")
    ax.scatter([box.coverage], [box.density], s=160, facecolors="none", edgecolors="red",
               label="selected box")
    ax.set_xlabel("coverage (share of all cases inside the box)")
    ax.set_ylabel("density (share of the box's points that are cases)")
    ax.set_title(f"PRIM peeling trajectory: where '{outcome}' is likely")
    ax.legend(loc="lower left")
    fig.text(0.01, 0.01, "Conditional on the scenario's assumptions; not a forecast.",
             fontsize=7, color="gray")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
