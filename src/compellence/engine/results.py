"""Results of an ensemble: the per-run table and summaries built from it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from compellence.engine.simulate import TRAJECTORY_VARS
from compellence.model.core import ACTIONS, OUTCOMES, TERMS


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n trials (the shared interval module)."""
    from compellence.analysis.intervals import share

    ci = share(k, n)
    return ci.low, ci.high


@dataclass
class Results:
    """An ensemble's per-run outcomes, the mean utility terms, and optional trajectories."""

    scenario_name: str
    seed: int
    horizon: int
    runs: pd.DataFrame
    term_sums: np.ndarray
    decisions: int
    trajectories: dict[str, np.ndarray] | None = None
    alive: np.ndarray | None = None
    term_rounds: np.ndarray | None = None        # (horizon, terms, 4) sums per round
    decisions_by_round: np.ndarray | None = None  # (horizon,) decisions per round

    @property
    def n(self) -> int:
        return len(self.runs)

    def share(self, outcome: str) -> float:
        """Share of runs that ended in ``outcome`` (a name in OUTCOMES)."""
        return float((self.runs["outcome"] == outcome).mean())

    def outcome_table(self) -> pd.DataFrame:
        """Outcome shares with 95% Wilson intervals and median rounds to the outcome."""
        rows = []
        for name in OUTCOMES:
            mask = self.runs["outcome"] == name
            k = int(mask.sum())
            lo, hi = wilson(k, self.n)
            med = float(np.median(self.runs.loc[mask, "rounds"] + 1)) if k and name != \
                "ongoing" else float("nan")
            rows.append({"outcome": name, "share": k / self.n, "ci_low": lo, "ci_high": hi,
                         "runs": k, "median_rounds": med})
        return pd.DataFrame(rows)

    def event_table(self) -> dict[str, float]:
        """Shares of runs with a leader killed in confrontation, or any succession."""
        return {
            "leader_killed": float(self.runs["martyred"].mean()),
            "succession": float((self.runs["leader_generation"] > 0).mean()),
            "mean_escalations": float(self.runs["escalations"].mean()),
        }

    def term_means(self) -> pd.DataFrame:
        """Mean value of each utility term for each action, over all decisions made."""
        means = self.term_sums / max(self.decisions, 1)
        return pd.DataFrame(means, index=list(TERMS), columns=list(ACTIONS))

    def drivers(self) -> pd.DataFrame:
        """Which terms separate resisting from capitulating and from a deal (mean gaps)."""
        t = self.term_means()
        return pd.DataFrame({"resist_minus_capitulate": t["resist"] - t["capitulate"],
                             "resist_minus_deal": t["resist"] - t["deal"]})

    def trajectory_frame(self) -> pd.DataFrame:
        """Per-round quantiles (5, 25, 50, 75, 95%) of each state variable over runs in play."""
        if self.trajectories is None or self.alive is None:
            raise ValueError("run with trajectories=True to get trajectories")
        rows = []
        for var in TRAJECTORY_VARS:
            arr = self.trajectories[var]
            for t in range(arr.shape[0]):
                vals = arr[t][self.alive[t]]
                if vals.size == 0:
                    continue
                q = np.quantile(vals, [0.05, 0.25, 0.5, 0.75, 0.95])
                rows.append({"variable": var, "round": t, "in_play": int(vals.size),
                             "q05": q[0], "q25": q[1], "median": q[2], "q75": q[3],
                             "q95": q[4], "mean": float(vals.mean())})
        return pd.DataFrame(rows)

    def term_frame(self) -> pd.DataFrame:
        """Per-round mean of each term for each action (runs with trajectories only)."""
        if self.term_rounds is None or self.decisions_by_round is None:
            raise ValueError("run with trajectories=True to get per-round terms")
        rows = []
        for t in range(self.term_rounds.shape[0]):
            k = self.decisions_by_round[t]
            if k == 0:
                continue
            for j, term in enumerate(TERMS):
                rows.append({"round": t, "term": term, "decisions": int(k),
                             **{a: self.term_rounds[t, j, i] / k
                                for i, a in enumerate(ACTIONS)}})
        return pd.DataFrame(rows)

    def outcome_curves(self) -> pd.DataFrame:
        """Share of all runs that have ended in each outcome by the end of each round."""
        r = self.runs
        rows = []
        for t in range(self.horizon):
            row = {"round": t}
            for o in OUTCOMES[1:]:
                row[o] = float(((r["outcome"] == o) & (r["rounds"] <= t)).mean())
            row["in_play"] = 1.0 - sum(row[o] for o in OUTCOMES[1:])
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (what `compellence run --json` prints)."""
        return {
            "scenario": self.scenario_name,
            "runs": self.n,
            "seed": self.seed,
            "horizon": self.horizon,
            "outcomes": {
                r.outcome: {"share": r.share, "ci95": [r.ci_low, r.ci_high],
                            "median_rounds": None if np.isnan(r.median_rounds) else
                            r.median_rounds}
                for r in self.outcome_table().itertuples()
            },
            "events": self.event_table(),
            "term_means": self.term_means().to_dict(),
            "note": "conditional on the scenario's stated assumptions; not a forecast",
        }
