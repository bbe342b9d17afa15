"""A scenario as an EMA Workbench model (optional extra: ``pip install 'compellence[ema]'``).

One EMA experiment runs a whole vectorised ensemble (``runs`` runs) and returns its
outcome shares, so EMA's per-call overhead (about ten times a plain loop per call)
is paid once per experiment, not once per run. Uncertainties and levers are
scenario parameters by dotted path (``leader.identity_weight``); EMA sees them with
dots replaced by ``__``. Each experiment's seed is derived from its parameter
values, so the same experiment gives the same numbers in any EMA evaluator.
"""

from __future__ import annotations

import warnings
import zlib
from typing import Any

from compellence.analysis.design import numeric_parameters
from compellence.analysis.store import AGGREGATES
from compellence.analysis.sweep import aggregate, point_seed, scenario_at
from compellence.engine import simulate
from compellence.scenario.schema import Scenario


def _ema() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import ema_workbench
        except ImportError:
            raise ImportError("EMA Workbench is not installed: pip install "
                              "'compellence[ema]'") from None
    return ema_workbench


def ema_name(path: str) -> str:
    return path.replace(".", "__")


def ema_model(sc: Scenario, uncertainties: dict[str, tuple[float, float]],
              levers: dict[str, tuple[float, float]] | None = None,
              outcomes: tuple[str, ...] = ("capitulation", "deal", "war", "collapse"),
              runs: int = 200, seed: int | None = None) -> Any:
    """An ``ema_workbench.Model`` that runs the scenario's ensemble per experiment."""
    ema = _ema()
    known = numeric_parameters()
    for path in [*uncertainties, *(levers or {})]:
        if path not in known:
            raise ValueError(f"'{path}' is not a numeric scenario parameter")
    for o in outcomes:
        if o not in AGGREGATES:
            raise ValueError(f"unknown outcome '{o}'; expected one of {', '.join(AGGREGATES)}")
    raw = sc.model_dump(mode="json", by_alias=True, exclude={"extends"})
    base_seed = sc.seed if seed is None else seed
    paths = {ema_name(p): p for p in [*uncertainties, *(levers or {})]}

    def run(**kwargs: float) -> dict[str, float]:
        params = {paths[k]: float(v) for k, v in kwargs.items() if k in paths}
        key = zlib.crc32(repr(sorted(params.items())).encode())
        res = simulate(scenario_at(raw, params), runs=runs, seed=point_seed(base_seed, key))
        agg = aggregate(res)
        return {o: agg[o] for o in outcomes}

    name = "".join(ch for ch in sc.name.title() if ch.isalnum()) or "Compellence"
    model = ema.Model(name, function=run)
    model.uncertainties = [ema.RealParameter(ema_name(p), lo, hi)
                           for p, (lo, hi) in uncertainties.items()]
    model.levers = [ema.RealParameter(ema_name(p), lo, hi)
                    for p, (lo, hi) in (levers or {}).items()]
    model.outcomes = [ema.ScalarOutcome(o) for o in outcomes]
    return model
