"""Intervals wherever a figure is used to decide: one module for every command and the report.

- :func:`share`: a share of ``k`` in ``n`` with a Wilson score interval (default; good
  coverage for small n and shares near 0 or 1) or the exact Clopper–Pearson interval.
- :func:`mean`: a mean with a normal (t) interval, or a percentile bootstrap.
- :func:`paired_difference`: the mean of ``a − b`` over paired observations (common random
  numbers: the same points, the same seeds), which is what strategy comparisons need.
- :func:`tie`: the rule every command uses to call a comparison: two figures whose
  difference's interval contains 0 are a *tie within Monte Carlo error*, never "best".
- :func:`leaders`: the best option by a criterion and every option tied with it, by a paired
  bootstrap over the shared points.

All intervals are 95% unless ``level`` says otherwise. Only numpy is needed at import
(scipy is imported inside the exact interval), so the command line stays fast to start.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

LEVEL = 0.95


def _z(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level {level}: expected a probability in (0, 1)")
    return NormalDist().inv_cdf(0.5 + level / 2)


@dataclass(frozen=True)
class Interval:
    """An estimate with its interval: ``low <= estimate <= high`` (NaN when n = 0)."""

    estimate: float
    low: float
    high: float
    n: int
    method: str
    level: float = LEVEL

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: estimate, [low, high], n, method, level."""
        return {"estimate": self.estimate, "ci": [self.low, self.high], "n": self.n,
                "method": self.method, "level": self.level}


def share(k: int, n: int, level: float = LEVEL, method: str = "wilson") -> Interval:
    """A share of ``k`` successes in ``n`` trials with a Wilson or Clopper–Pearson interval."""
    k, n = int(k), int(n)
    if n < 0 or not 0 <= k <= max(n, 0):
        raise ValueError(f"share: expected 0 <= k <= n, got k = {k}, n = {n}")
    if n == 0:
        nan = float("nan")
        return Interval(nan, nan, nan, 0, method, level)
    p = k / n
    if method == "wilson":
        z = _z(level)
        den = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / den
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        lo, hi = max(0.0, centre - half), min(1.0, centre + half)
        # exact at the edges (the closed form leaves ~1e-17 of rounding)
        lo = 0.0 if k == 0 else lo
        hi = 1.0 if k == n else hi
    elif method == "clopper-pearson":
        from scipy.stats import beta

        a = 1 - level
        lo = 0.0 if k == 0 else float(beta.ppf(a / 2, k, n - k + 1))
        hi = 1.0 if k == n else float(beta.ppf(1 - a / 2, k + 1, n - k))
    else:
        raise ValueError(f"share: method {method!r}: expected wilson or clopper-pearson")
    return Interval(p, lo, hi, n, method, level)


def share_of(p: float, n: int, level: float = LEVEL, method: str = "wilson") -> Interval:
    """The interval of a share ``p`` measured over ``n`` runs (k = round(p·n))."""
    return share(round(float(p) * int(n)), int(n), level, method)


def mean(values: Sequence[float] | np.ndarray, level: float = LEVEL, method: str = "normal",
         n_boot: int = 2000, seed: int = 0) -> Interval:
    """A mean with a normal-theory (z) interval or a percentile bootstrap."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        nan = float("nan")
        return Interval(nan, nan, nan, 0, method, level)
    m = float(x.mean())
    if n == 1:
        return Interval(m, m, m, 1, method, level)
    if method == "normal":
        half = _z(level) * float(x.std(ddof=1)) / math.sqrt(n)
        return Interval(m, m - half, m + half, n, method, level)
    if method == "bootstrap":
        rng = np.random.default_rng(seed)
        boots = x[rng.integers(0, n, size=(n_boot, n))].mean(axis=1)
        lo, hi = np.quantile(boots, [(1 - level) / 2, (1 + level) / 2])
        return Interval(m, float(min(lo, m)), float(max(hi, m)), n, method, level)
    raise ValueError(f"mean: method {method!r}: expected normal or bootstrap")


def paired_difference(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray,
                      level: float = LEVEL, method: str = "normal", seed: int = 0) -> Interval:
    """The mean of ``a − b`` over paired observations, with its interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired_difference: {a.shape} and {b.shape} observations do not pair")
    return mean(a - b, level, method, seed=seed)


def tie(difference: Interval) -> bool:
    """The comparison rule: a difference whose interval contains 0 is a tie."""
    return difference.contains(0.0)


def shares_tie(k_a: int, n_a: int, k_b: int, n_b: int, level: float = LEVEL) -> bool:
    """Two independent shares tie when the normal interval of their difference contains 0."""
    pa, pb = k_a / n_a, k_b / n_b
    se = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    half = _z(level) * se
    return abs(pa - pb) <= half or pa == pb


def leaders(samples: Mapping[str, np.ndarray], statistic: Callable[[np.ndarray], float],
            higher_is_better: bool = True, level: float = LEVEL, n_boot: int = 1000,
            seed: int = 0) -> list[str]:
    """The best option by ``statistic`` over shared points, and every option tied with it.

    ``samples`` maps each option to its per-point values, the same points in the same order
    for all (common random numbers). The points are resampled together (a paired bootstrap);
    an option ties with the best when the interval of their statistic's difference contains
    0. The best comes first; a list longer than one is a tie, not a winner.
    """
    names = list(samples)
    if not names:
        return []
    data = np.vstack([np.asarray(samples[k], dtype=float) for k in names])
    sign = 1.0 if higher_is_better else -1.0
    point = np.array([statistic(row) for row in data]) * sign
    top = int(np.argmax(point))
    n = data.shape[1]
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    tied = [names[top]]
    for j, name in enumerate(names):
        if j == top:
            continue
        if np.array_equal(data[top], data[j]):
            tied.append(name)
            continue
        diffs = np.array([statistic(data[top, i]) - statistic(data[j, i]) for i in idx]) * sign
        lo, hi = np.quantile(diffs, [(1 - level) / 2, (1 + level) / 2])
        if lo <= 0.0 <= hi or point[top] == point[j]:
            tied.append(name)
    return tied


def describe_leaders(names: list[str]) -> str:
    """'A' for a winner, 'tie: A, B (within Monte Carlo error)' for a tie."""
    if len(names) == 1:
        return names[0]
    return "tie: " + ", ".join(names) + " (within Monte Carlo error)"


# An ensemble's figures (a compellence.engine.Results), as every command and the report
# print them.

def outcome_intervals(res: Any) -> list[Interval]:
    """Each outcome's share with its Wilson interval, in the order of ``outcome_table``."""
    return [share(r.runs, res.n) for r in res.outcome_rows()]


def event_intervals(res: Any) -> dict[str, Interval]:
    """Leader killed, any succession (shares) and mean escalations (a mean), with intervals;
    with a per-run table also who succeeded (F1, shares of the runs with a succession) and
    runs with a deal broken, by the leader (D1) or by either side.

    A streamed ensemble keeps no per-run table: its event shares come from its totals."""
    runs = getattr(res, "columns", None)        # per-run NumPy columns (engine Results)
    if runs is None:
        runs = getattr(res, "runs", None)
    if runs is None or not res.n:
        ev = res.event_table()
        n = res.n
        nan = float("nan")
        return {"leader_killed": share_of(ev["leader_killed"], n),
                "succession": share_of(ev["succession"], n),
                "mean_escalations": Interval(ev["mean_escalations"], nan, nan, n, "none")}
    n = res.n
    out = {"leader_killed": share(int(runs["martyred"].sum()), n),
           "succession": share(int((runs["leader_generation"] > 0).sum()), n),
           "mean_escalations": mean(np.asarray(runs["escalations"], float))}
    if "switched_round" in runs:
        out["switched"] = share(int((runs["switched_round"] >= 0).sum()), n)
    if "successor_faction" in runs:   # F1: who succeeded last, as a share of runs with one
        chosen = np.asarray(runs["successor_faction"])
        n_succ = int((chosen >= 0).sum())
        if n_succ:
            from compellence.model.layout import FACTIONS

            for k, name in enumerate(FACTIONS):
                out[f"successor_{name}"] = share(int((chosen == k).sum()), n_succ)
    if "deals_violated" in runs:      # D1: runs in which the leader broke a deal
        out["leader_broke_deal"] = share(int((runs["deals_violated"] > 0).sum()), n)
        out["deal_broken"] = share(int((runs["deals_broken"] > 0).sum()), n)
    return out
