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
The identity weight is refitted only for episodes whose leader is not coded
cost-benefit: a leader coded cost-benefit keeps his coded weight. A fit that lands
on the edge of its grid is reported in ``Backtest.warnings`` (the grid may be too
narrow). ``as_coded=True`` refits nothing: every episode runs exactly as written,
so its forecast equals a direct ``simulate`` of the episode's scenario.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from compellence.engine import simulate
from compellence.evidence.episodes import Episode, EpisodeSet, episode_scenario
from compellence.evidence.loaders import OutcomeShares
from compellence.model.core import OUTCOMES
from compellence.scenario.loader import ScenarioError

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


def _schema_range(dotted: str) -> tuple[float, float] | None:
    """The declared range of a scenario field by dotted path, if it has one."""
    from compellence.scenario.schema import Scenario

    cls: Any = Scenario
    parts = dotted.split(".")
    for part in parts[:-1]:
        field_ = cls.model_fields.get(part)
        if field_ is None:
            return None
        cls = field_.annotation
    field_ = getattr(cls, "model_fields", {}).get(parts[-1])
    extra = field_.json_schema_extra if field_ is not None else None
    return tuple(extra["range"]) if isinstance(extra, dict) and "range" in extra else None


def edge_warnings(grid: dict[str, tuple], fitted: dict[str, float], who: str) -> list[str]:
    """One line per fitted parameter that sits on the edge of its grid (saying so when
    that edge is also the bound of the parameter's declared range)."""
    out = []
    for key, values in grid.items():
        if len(values) > 1 and key in fitted and fitted[key] in (min(values), max(values)):
            side = "lower" if fitted[key] == min(values) else "upper"
            rng = _schema_range(key)
            bound = rng is not None and fitted[key] == (rng[0] if side == "lower" else rng[1])
            tail = ("; that is the bound of its declared range, so the data push past "
                    "what the parameter allows") if bound else \
                "; the best value may lie outside it"
            out.append(f"{who}: {key} = {fitted[key]} is at the {side} edge of its grid "
                       f"{list(values)}{tail}")
    return out


def select_episodes(eps: EpisodeSet, ids: list[str] | None, source: str) -> EpisodeSet:
    """The episodes named in ``ids`` (in the file's order); unknown ids are an error."""
    if not ids:
        return eps
    known = [e.id for e in eps.episode]
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise ScenarioError(source, "--select", f"no episode {', '.join(map(repr, unknown))} "
                            f"(episodes: {', '.join(known)})")
    kept = [e for e in eps.episode if e.id in ids]
    return eps.model_copy(update={"episode": kept})


@dataclass
class Backtest:
    """Per-episode forecasts and summary scores (in-sample and leave-one-out)."""

    name: str
    episodes: list[dict[str, Any]]
    summary: dict[str, dict[str, dict[str, float]]]   # {"in_sample"|"leave_one_out": {model: s}}
    fitted: dict[str, dict[str, float]]
    as_coded: bool = False
    seed: int | None = None
    warnings: list[str] = field(default_factory=list)


def run_backtest(eps: EpisodeSet, folder: Path | None, runs: int | None = None,
                 ties: OutcomeShares | None = None, *, as_coded: bool = False,
                 seed: int | None = None) -> Backtest:
    """Score the model, the cost-benefit baseline and the base rate on an episode set.

    ``seed`` (default: each scenario's own) seeds every ensemble; ``as_coded`` scores the
    episodes as written, without refitting."""
    runs = runs or eps.runs
    observed = [OUTCOMES.index(e.outcome) for e in eps.episode]
    n = len(eps.episode)
    if n < 2 and not as_coded:
        raise ScenarioError(eps.name, "episode", f"leave-one-out needs at least 2 episodes, "
                            f"got {n}; score a single episode as coded with --as-coded")
    coded_cb = [episode_scenario(e, folder).leader.profile == "cost-benefit"
                for e in eps.episode]

    def own(params: dict[str, float], k: int) -> dict[str, float]:
        """Grid values an episode takes: a leader coded cost-benefit keeps his weight."""
        if coded_cb[k]:
            return {p: v for p, v in params.items() if p != "leader.identity_weight"}
        return params

    def run_one(ep: Episode, over: dict[str, Any]) -> np.ndarray:
        res = simulate(episode_scenario(ep, folder, over), runs=runs, seed=seed)
        counts = res.runs["outcome"].value_counts().reindex(OUTCOMES, fill_value=0)
        return probabilities(counts.to_numpy(float))

    def forecasts(base: dict[str, Any], grid: list[dict[str, float]]) -> np.ndarray:
        out = np.empty((len(grid), n, len(OUTCOMES)))
        for g, params in enumerate(grid):
            for k, ep in enumerate(eps.episode):
                out[g, k] = run_one(ep, {**base, **own(params, k)})
        return out

    def logscores(fc: np.ndarray) -> np.ndarray:   # (grid, episodes)
        return -np.log(fc[:, np.arange(n), observed])

    m_grid = [{}] if as_coded else _grid(MODEL_GRID)
    c_grid = [{}] if as_coded else _grid(COST_BENEFIT_GRID)
    m_fc, c_fc = forecasts({}, m_grid), forecasts(COST_BENEFIT, c_grid)
    m_ls, c_ls = logscores(m_fc), logscores(c_fc)

    def base_rate(exclude: int | None) -> np.ndarray:
        if ties is not None:
            p = np.zeros(len(OUTCOMES))   # TIES has no war, collapse or removal class
            p[:3] = [ties.ongoing, ties.capitulation, ties.deal]
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
        mg = 0 if as_coded else int(np.argmin(m_ls[:, others].mean(axis=1)))
        cg = 0 if as_coded else int(np.argmin(c_ls[:, others].mean(axis=1)))
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
                     "model_fit": own(m_grid[mg], k), "cost_benefit_fit": c_grid[cg]})

    def mean(scores: list[dict[str, float]]) -> dict[str, float]:
        return {k: float(np.mean([s[k] for s in scores])) for k in scores[0]}

    summary = {"leave_one_out": {k: mean(v) for k, v in loo.items()},
               "in_sample": {k: mean(v) for k, v in ins.items()}}
    fitted = {"model": m_grid[m_best], "cost_benefit": c_grid[c_best]}
    warns: list[str] = []
    if not as_coded:
        warns = (edge_warnings(MODEL_GRID, fitted["model"], "model (fit on all episodes)")
                 + edge_warnings(COST_BENEFIT_GRID, fitted["cost_benefit"],
                                 "cost-benefit (fit on all episodes)"))
        if all(coded_cb):
            warns.append("every episode codes a cost-benefit leader: the model's identity "
                         "weight was not refitted")
    return Backtest(eps.name, rows, summary, fitted, as_coded, seed, warns)
