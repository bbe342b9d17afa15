"""Backtest: the model's predicted outcome distribution for each episode against the
observed class, beside two baselines run the same way.

- **model**: the episode's scenario as written (the essay's mechanisms on);
- **cost-benefit**: the same engine with the leader-profile mechanism (M4) off, so
  every identity-specific parameter takes the cost-benefit value;
- **base rate**: the frequencies of the observed classes among the *other* episodes
  (leave-one-out, add-½ smoothing over the five classes), or, with ``ties``,
  the TIES outcome shares in the model's classes.

Scores (``score``): accuracy (the most likely class is the observed one), the
Brier score Σ_k (p_k − y_k)² over the five classes (0 best, 2 worst), and the log
score −ln p(observed) (0 best). A share from n runs becomes a probability with
add-½ smoothing, (k + ½)/(n + 5/2), so no class is impossible.

Leave-one-out: each model has free parameters fitted by minimising the mean log
score on the other episodes over a small grid (the model: the leader's identity
weight and rationality; the cost-benefit baseline: its rationality), and is scored
on the held-out episode with them. In-sample scores use the fit on all episodes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from compellence.engine import simulate
from compellence.evidence.episodes import EpisodeSet, episode_scenario
from compellence.evidence.loaders import OutcomeShares
from compellence.model.core import OUTCOMES

#: The grids searched when fitting (documented choices: a factor of about two each side
#: of the profiles' values).
MODEL_GRID = {"leader.identity_weight": (0.25, 0.5, 1.0, 1.5, 2.0),
              "leader.rationality": (2.0, 4.0, 8.0)}
COST_BENEFIT_GRID = {"leader.rationality": (2.0, 4.0, 8.0)}
COST_BENEFIT = {"mechanisms.leader_profile": False}


def probabilities(counts: np.ndarray) -> np.ndarray:
    """Add-½ smoothed class probabilities from counts over the five outcomes."""
    return (counts + 0.5) / (counts.sum() + 0.5 * len(counts))


def score(p: np.ndarray, observed: int) -> dict[str, float]:
    """Accuracy, Brier and log score of one forecast."""
    y = np.zeros(len(p))
    y[observed] = 1.0
    return {"accuracy": float(np.argmax(p) == observed), "brier": float(((p - y) ** 2).sum()),
            "log_score": float(-np.log(p[observed]))}


def _grid(spec: dict[str, tuple]) -> list[dict[str, float]]:
    keys = list(spec)
    return [dict(zip(keys, vals, strict=True)) for vals in itertools.product(*spec.values())]


@dataclass
class Backtest:
    """Per-episode forecasts and summary scores (in-sample and leave-one-out)."""

    name: str
    episodes: list[dict[str, Any]]
    summary: dict[str, dict[str, dict[str, float]]]   # {"in_sample"|"leave_one_out": {model: s}}
    fitted: dict[str, dict[str, float]]


def run_backtest(eps: EpisodeSet, folder: Path | None, runs: int | None = None,
                 ties: OutcomeShares | None = None) -> Backtest:
    """Score the model, the cost-benefit baseline and the base rate on an episode set."""
    runs = runs or eps.runs
    observed = [OUTCOMES.index(e.outcome) for e in eps.episode]
    n = len(eps.episode)

    def forecasts(base: dict[str, Any], grid: list[dict[str, float]]) -> np.ndarray:
        out = np.empty((len(grid), n, len(OUTCOMES)))
        for g, params in enumerate(grid):
            for k, ep in enumerate(eps.episode):
                res = simulate(episode_scenario(ep, folder, {**base, **params}), runs=runs)
                counts = res.runs["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
                out[g, k] = probabilities(counts.to_numpy(float))
        return out

    def logscores(fc: np.ndarray) -> np.ndarray:   # (grid, episodes)
        return -np.log(fc[:, np.arange(n), observed])

    m_grid, c_grid = _grid(MODEL_GRID), _grid(COST_BENEFIT_GRID)
    m_fc, c_fc = forecasts({}, m_grid), forecasts(COST_BENEFIT, c_grid)
    m_ls, c_ls = logscores(m_fc), logscores(c_fc)

    def base_rate(exclude: int | None) -> np.ndarray:
        if ties is not None:
            p = np.array([ties.ongoing, ties.capitulation, ties.deal, 0.0, 0.0])
            p = p + 0.005
            return p / p.sum()
        counts = np.zeros(len(OUTCOMES))
        for k, o in enumerate(observed):
            if k != exclude:
                counts[o] += 1
        return probabilities(counts)

    rows = []
    loo: dict[str, list[dict[str, float]]] = {"model": [], "cost_benefit": [], "base_rate": []}
    ins: dict[str, list[dict[str, float]]] = {"model": [], "cost_benefit": [], "base_rate": []}
    m_best = int(np.argmin(m_ls.mean(axis=1)))
    c_best = int(np.argmin(c_ls.mean(axis=1)))
    for k, ep in enumerate(eps.episode):
        others = [j for j in range(n) if j != k]
        mg = int(np.argmin(m_ls[:, others].mean(axis=1)))
        cg = int(np.argmin(c_ls[:, others].mean(axis=1)))
        f_loo = {"model": m_fc[mg, k], "cost_benefit": c_fc[cg, k], "base_rate": base_rate(k)}
        f_in = {"model": m_fc[m_best, k], "cost_benefit": c_fc[c_best, k],
                "base_rate": base_rate(None)}
        for key in loo:
            loo[key].append(score(f_loo[key], observed[k]))
            ins[key].append(score(f_in[key], observed[k]))
        rows.append({"id": ep.id, "when": ep.when, "observed": ep.outcome,
                     "model": dict(zip(OUTCOMES, map(float, f_loo["model"]), strict=True)),
                     "cost_benefit": dict(zip(OUTCOMES, map(float, f_loo["cost_benefit"]),
                                              strict=True)),
                     "base_rate": dict(zip(OUTCOMES, map(float, f_loo["base_rate"]),
                                           strict=True)),
                     "model_fit": m_grid[mg], "cost_benefit_fit": c_grid[cg]})

    def mean(scores: list[dict[str, float]]) -> dict[str, float]:
        return {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}

    summary = {"leave_one_out": {k: mean(v) for k, v in loo.items()},
               "in_sample": {k: mean(v) for k, v in ins.items()}}
    return Backtest(eps.name, rows, summary, {"model": m_grid[m_best],
                                              "cost_benefit": c_grid[c_best]})
