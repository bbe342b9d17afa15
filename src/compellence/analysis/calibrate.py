"""Calibration of a generic leader population to TIES by the simulated method of moments.

Moments: the TIES outcome shares in the model's classes — the target acquiesces
(→ capitulation), a negotiated settlement (→ deal), and the target holds out
(stalemate or the sender giving up → ongoing resistance, war or collapse at the
horizon). Two of the three are free, so two parameters are fitted:

- ``w``: the population's identity weights are uniform on [0, w] (how much pride
  targets of sanctions have, on the model's scale);
- ``m``: their material weight (how much economic pain moves them).

The population is ``generic-sanctions`` (cost-benefit targets facing demands of
every size and sanctions of every strength), with rationality fixed at 10. The
objective is Σ_j (sim_j − data_j)² / (data_j(1 − data_j)/N + sim_j(1 − sim_j)/R),
minimised with Nelder–Mead from the best point of a coarse grid; the simulations
use common random numbers (a fixed seed), so the objective is smooth in θ. The
uncertainty of θ comes from a case bootstrap of TIES (refits on resampled data
moments). The J statistic (the objective at θ̂) measures misfit: with 2 moments and
2 parameters it should be near 0 if the model can reproduce the data at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from compellence.engine import simulate
from compellence.evidence.loaders import TIES_ACQUIESCE, TIES_SETTLE
from compellence.scenario.loader import load_scenario

SCENARIO = "generic-sanctions"
BOUNDS = {"w": (0.05, 3.0), "m": (0.05, 3.0)}
FIXED = {"leader.rationality": 10.0}
MOMENTS = ("acquiesce", "settle", "hold_out")


def data_moments(ties: pd.DataFrame, rng: np.random.Generator | None = None
                 ) -> tuple[np.ndarray, int]:
    """(acquiesce, settle, hold out) shares of the coded TIES cases (resampled with rng)."""
    fo = ties["finaloutcome"].dropna().astype(int).to_numpy()
    if rng is not None:
        fo = rng.choice(fo, size=fo.size, replace=True)
    acq = np.isin(fo, TIES_ACQUIESCE).mean()
    settle = np.isin(fo, TIES_SETTLE).mean()
    return np.array([acq, settle, 1 - acq - settle]), int(fo.size)


def overrides(theta: np.ndarray) -> dict[str, Any]:
    w, m = theta
    return {**FIXED, "leader.identity_weight": {"dist": "uniform", "low": 0.0, "high": float(w)},
            "leader.material_weight": float(m)}


def simulated_moments(theta: np.ndarray, runs: int, seed: int) -> np.ndarray:
    """The model's (acquiesce, settle, hold out) shares at θ."""
    res = simulate(load_scenario(SCENARIO, overrides(theta)), runs=runs, seed=seed)
    cap, deal = res.share("capitulation"), res.share("deal")
    return np.array([cap, deal, 1 - cap - deal])


def _objective(theta: np.ndarray, data: np.ndarray, n_data: int, runs: int, seed: int) -> float:
    lo = np.array([b[0] for b in BOUNDS.values()])
    hi = np.array([b[1] for b in BOUNDS.values()])
    if np.any(theta < lo) or np.any(theta > hi):
        return 1e6 + float(np.sum(np.maximum(lo - theta, 0) + np.maximum(theta - hi, 0)))
    sim = simulated_moments(theta, runs, seed)
    var = data * (1 - data) / n_data + np.maximum(sim * (1 - sim), 1e-4) / runs
    return float(np.sum((sim[:2] - data[:2]) ** 2 / var[:2]))


def _fit(data: np.ndarray, n_data: int, runs: int, seed: int,
         start: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    if start is None:
        grid = [np.array([w, m]) for w in np.linspace(0.25, 3.0, 6)
                for m in (0.1, 0.3, 0.6, 1.0, 2.0)]
        start = min(grid, key=lambda t: _objective(t, data, n_data, runs, seed))
    res = minimize(_objective, start, args=(data, n_data, runs, seed), method="Nelder-Mead",
                   options={"xatol": 1e-3, "fatol": 1e-3, "maxiter": 200})
    return res.x, float(res.fun)


@dataclass
class Calibration:
    """Fitted parameters with bootstrap uncertainty, the fit, and the essay's profile."""

    theta: dict[str, float]
    se: dict[str, float]
    ci95: dict[str, tuple[float, float]]
    data: dict[str, float]
    simulated: dict[str, float]
    j_statistic: float
    n_cases: int
    runs: int
    bootstrap: int
    at_bound: dict[str, bool]
    essay_profile: dict[str, Any]


def calibrate(ties: pd.DataFrame, runs: int = 4000, bootstrap: int = 20,
              seed: int = 19452005) -> Calibration:
    """Fit (w, m) to TIES; bootstrap the cases for uncertainty; place the essay's leader."""
    data, n = data_moments(ties)
    theta, j = _fit(data, n, runs, seed)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(bootstrap):
        d_b, _ = data_moments(ties, rng)
        boots.append(_fit(d_b, n, runs, seed, start=theta)[0])
    boots_arr = np.array(boots) if boots else np.empty((0, 2))
    names = list(BOUNDS)
    sim = simulated_moments(theta, runs, seed)
    # Where the essay's identity-committed leader sits: his identity weight's percentile in
    # the fitted population, and the same sanctions episodes faced by him.
    essay = load_scenario(SCENARIO, {**FIXED, "leader.profile": "identity-committed",
                                     "leader.rationality": 10.0})
    e_res = simulate(essay, runs=runs, seed=seed)
    w_hat = float(theta[0])
    essay_weight = 1.0
    percentile = min(essay_weight / w_hat, 1.0) if w_hat > 0 else 1.0
    return Calibration(
        theta=dict(zip(names, map(float, theta), strict=True)),
        se=dict(zip(names, map(float, boots_arr.std(axis=0, ddof=1))
                    if len(boots) > 1 else [float("nan")] * 2, strict=True)),
        ci95={k: (float(np.percentile(boots_arr[:, i], 2.5)),
                  float(np.percentile(boots_arr[:, i], 97.5))) if len(boots) else
              (float("nan"), float("nan")) for i, k in enumerate(names)},
        data=dict(zip(MOMENTS, map(float, data), strict=True)),
        simulated=dict(zip(MOMENTS, map(float, sim), strict=True)),
        j_statistic=j, n_cases=n, runs=runs, bootstrap=bootstrap,
        at_bound={k: bool(min(abs(theta[i] - BOUNDS[k][0]), abs(theta[i] - BOUNDS[k][1]))
                          < 0.02 * (BOUNDS[k][1] - BOUNDS[k][0])) for i, k in enumerate(names)},
        essay_profile={
            "identity_weight": essay_weight,
            "population_share_below_his_identity_weight": percentile,
            "material_weight": 0.5,
            "outcomes_in_generic_sanctions": {
                "acquiesce": e_res.share("capitulation"), "settle": e_res.share("deal"),
                "hold_out": 1 - e_res.share("capitulation") - e_res.share("deal")},
        },
    )
