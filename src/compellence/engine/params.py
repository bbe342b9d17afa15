"""Turn a validated scenario into per-run parameter arrays for a range of runs.

Numbers become constant arrays; distributions are sampled by inverse CDF from
the parameter's own stream (:func:`compellence.engine.rng.param_uniforms`) and
clipped to the declared range; schedules stay schedules (the same for every run)
and are read round by round.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from compellence.engine.rng import param_uniforms
from compellence.model.core import Bundle
from compellence.scenario.distributions import _Dist
from compellence.scenario.profiles import COST_BENEFIT, IDENTITY_SPECIFIC
from compellence.scenario.schema import INSTRUMENTS, Scenario, Schedule


def _value(model: BaseModel, name: str, path: str, seed: int, start: int, stop: int) -> Any:
    value = getattr(model, name)
    n = stop - start
    if isinstance(value, _Dist):
        lo, hi = type(model).model_fields[name].json_schema_extra["range"]  # type: ignore[index]
        return np.clip(value.ppf(param_uniforms(seed, path, start, stop)), lo, hi)
    if isinstance(value, bool | Schedule | list | str) or value is None:
        return value
    return np.full(n, float(value))


def _section(model: BaseModel, prefix: str, seed: int, start: int, stop: int) -> Bundle:
    return Bundle({name: _value(model, name, f"{prefix}.{name}", seed, start, stop)
                   for name in type(model).model_fields
                   if not isinstance(getattr(model, name), BaseModel) or
                   isinstance(getattr(model, name), _Dist | Schedule)})


@dataclass
class RunParams:
    """Everything the engine needs for the runs [start, stop) of one scenario."""

    leader: Bundle
    offer: Bundle
    regime: Bundle
    dynamics: Bundle
    mechanisms: Bundle
    pressure: Bundle
    adaptive: Bundle
    n: int

    def pressure_base(self, name: str, t: int) -> np.ndarray:
        """Scheduled or fixed level of an instrument at round t, per run."""
        value = self.pressure[name]
        if isinstance(value, Schedule):
            return np.full(self.n, value.at(t))
        return value


def preset_leader(profile: str, n: int) -> Bundle:
    """Per-run arrays of a profile preset's leader parameters (a hypothesised type)."""
    from compellence.scenario.profiles import PROFILES
    return Bundle({k: np.full(n, float(v)) for k, v in PROFILES[profile].items()})


def materialize(sc: Scenario, seed: int, start: int, stop: int) -> RunParams:
    """Per-run arrays of every numeric parameter for the runs [start, stop)."""
    leader = _section(sc.leader, "leader", seed, start, stop)
    leader.pop("profile")
    mechanisms = Bundle(sc.mechanisms.model_dump())
    if not mechanisms.leader_profile:  # M4 off: the identity-specific parameters vanish
        n = stop - start
        for key in IDENTITY_SPECIFIC:
            leader[key] = np.full(n, float(COST_BENEFIT[key]))
    coercer = sc.coercer
    offer = Bundle({k: _value(coercer, k, f"coercer.{k}", seed, start, stop)
                    for k in ("demand", "relief", "face_saving", "accepts_limited_deal")})
    regime = _section(sc.regime, "regime", seed, start, stop)
    offer.core_threshold = regime.core_threshold
    pressure = _section(coercer.pressure, "coercer.pressure", seed, start, stop)
    adaptive = _section(coercer.adaptive, "coercer.adaptive", seed, start, stop)
    return RunParams(
        leader=leader, offer=offer, regime=regime,
        dynamics=_section(sc.dynamics, "dynamics", seed, start, stop),
        mechanisms=mechanisms, pressure=pressure, adaptive=adaptive, n=stop - start,
    )


__all__ = ["INSTRUMENTS", "RunParams", "materialize"]
