"""Results of an ensemble: the per-run columns and summaries built from them.

The per-run results are kept as NumPy columns; the pandas table (:attr:`Results.runs`) and
the summary tables are built when first asked for, so a command that only prints a summary
never imports pandas (about 0.4 s of start-up, benchmarks/results/startup.txt).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from compellence.engine.simulate import TRAJECTORY_VARS
from compellence.model.core import ACTIONS, OUTCOMES, TERMS

if TYPE_CHECKING:
    import pandas as pd


def wilson(k: int, n: int) -> tuple[float, float]:
    """95% Wilson score interval for k successes in n trials (the shared interval module)."""
    from compellence.analysis.intervals import share

    ci = share(k, n)
    return ci.low, ci.high


class OutcomeRow(NamedTuple):
    """One outcome's share of the runs, its 95% Wilson interval, count and median rounds."""

    outcome: str
    share: float
    ci_low: float
    ci_high: float
    runs: int
    median_rounds: float


def outcome_frame(rows: list[OutcomeRow]) -> pd.DataFrame:
    """The outcome rows as a table (the columns of ``outcome_table``)."""
    import pandas as pd

    return pd.DataFrame([r._asdict() for r in rows])


def terms_table(means: np.ndarray) -> pd.DataFrame:
    """Terms × actions means as a table."""
    import pandas as pd

    return pd.DataFrame(means, index=list(TERMS), columns=list(ACTIONS))


@dataclass
class Results:
    """An ensemble's per-run outcomes, the mean utility terms, and optional trajectories.

    ``columns`` holds one NumPy array per per-run field (``outcome`` as codes into
    OUTCOMES); :attr:`runs` is the same as a pandas table with a ``run`` number and the
    outcome by name."""

    scenario_name: str
    seed: int
    horizon: int
    columns: dict[str, np.ndarray]
    term_sums: np.ndarray
    decisions: int
    trajectories: dict[str, np.ndarray] | None = None
    alive: np.ndarray | None = None
    term_rounds: np.ndarray | None = None        # (horizon, terms, 4) sums per round
    decisions_by_round: np.ndarray | None = None  # (horizon,) decisions per round
    _frame: pd.DataFrame | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.columns["outcome"])

    @property
    def runs(self) -> pd.DataFrame:
        """The per-run table: a ``run`` number, then every column, the outcome by name. Built
        on first use; the columns then read the table's memory (read-only views), so the
        runs are held once."""
        if self._frame is None:
            import pandas as pd

            frame = pd.DataFrame(self.columns)
            frame.insert(0, "run", np.arange(self.n))
            frame["outcome"] = pd.Categorical.from_codes(frame["outcome"].astype(int),
                                                         categories=list(OUTCOMES))
            self.columns = {k: (v if k == "outcome" else frame[k].to_numpy())
                            for k, v in self.columns.items()}
            self._frame = frame
        return self._frame

    def share(self, outcome: str) -> float:
        """Share of runs that ended in ``outcome`` (a name in OUTCOMES)."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}; expected one of "
                             f"{', '.join(OUTCOMES)}")
        return float((self.columns["outcome"] == OUTCOMES.index(outcome)).mean())

    def outcome_rows(self) -> list[OutcomeRow]:
        """Outcome shares with 95% Wilson intervals and median rounds to the outcome."""
        codes = self.columns["outcome"]
        rows = []
        for code, name in enumerate(OUTCOMES):
            mask = codes == code
            k = int(mask.sum())
            lo, hi = wilson(k, self.n)
            med = float(np.median(self.columns["rounds"][mask] + 1)) if k and name != \
                "ongoing" else float("nan")
            rows.append(OutcomeRow(name, k / self.n, lo, hi, k, med))
        return rows

    def outcome_table(self) -> pd.DataFrame:
        """:meth:`outcome_rows` as a table."""
        return outcome_frame(self.outcome_rows())

    def event_table(self) -> dict[str, float]:
        """Shares of runs with a leader killed in confrontation, or any succession."""
        c = self.columns
        return {
            "leader_killed": float(c["martyred"].mean()),
            "succession": float((c["leader_generation"] > 0).mean()),
            "mean_escalations": float(c["escalations"].mean()),
        }

    def term_array(self) -> np.ndarray:
        """Mean value of each utility term (rows, TERMS) for each action (columns, ACTIONS),
        over all decisions made."""
        return self.term_sums / max(self.decisions, 1)

    def term_means(self) -> pd.DataFrame:
        """:meth:`term_array` as a table."""
        return terms_table(self.term_array())

    def drivers(self) -> pd.DataFrame:
        """Which terms separate resisting from capitulating and from a deal (mean gaps)."""
        import pandas as pd

        t = self.term_means()
        return pd.DataFrame({"resist_minus_capitulate": t["resist"] - t["capitulate"],
                             "resist_minus_deal": t["resist"] - t["deal"]})

    def trajectory_frame(self) -> pd.DataFrame:
        """Per-round quantiles (5, 25, 50, 75, 95%) of each state variable over runs in play."""
        import pandas as pd

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
        import pandas as pd

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
        import pandas as pd

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
                for r in self.outcome_rows()
            },
            "events": self.event_table(),
            "term_means": self.term_means().to_dict(),
            "note": "conditional on the scenario's stated assumptions; not a forecast",
        }
