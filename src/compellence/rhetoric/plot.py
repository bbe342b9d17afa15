"""Yearly series of one measure (pooled z with a bootstrap interval), nuclear talks marked."""

from __future__ import annotations

import numpy as np
import pandas as pd

from compellence.rhetoric.priors import leader_z

#: Periods of nuclear talks marked on the plots (shared/data/iran-timeline.md):
#: the EU-3 talks (Oct 2003 - Aug 2005) and the talks that led to the JCPOA (2013-2015).
TALKS = ((2003, 2005, "EU-3 talks"), (2013, 2015, "talks to the JCPOA"))


def yearly(speeches: pd.DataFrame, stats: pd.DataFrame, measure: str, boot: int = 500
           ) -> pd.DataFrame:
    """Per year: speeches, pooled z and its 95% interval (speeches resampled)."""
    rows = []
    for year, g in speeches.groupby("year"):
        if len(g) >= 2:
            z, lo, hi = leader_z(g, stats, measure, boot, seed=int(year))
        else:
            z, lo, hi = leader_z(g, stats, measure, 1)[0], np.nan, np.nan
        rows.append({"year": int(year), "speeches": len(g), "z": z, "lo": lo, "hi": hi})
    return pd.DataFrame(rows)


def yearly_figure(ys: pd.DataFrame, measure: str, speaker: str, passed: bool):
    """A matplotlib figure of the yearly series."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.6))
    for a, b, label in TALKS:
        ax.axvspan(a - 0.5, b + 0.5, color="0.9", zorder=0)
        ax.text((a + b) / 2, 1.0, label, transform=ax.get_xaxis_transform(), ha="center",
                va="bottom", fontsize=8)
    ax.fill_between(ys["year"], ys["lo"], ys["hi"], alpha=0.3, label="95% bootstrap interval")
    ax.plot(ys["year"], ys["z"], marker="o", label=f"{measure} (pooled z)")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("year")
    ax.set_ylabel("z vs UN General Debate speeches")
    note = "" if passed else " — did NOT pass validation"
    ax.set_title(f"{speaker}: {measure}{note}", fontsize=10, pad=16)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig
