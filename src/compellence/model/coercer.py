"""The coercer's side: pressure index, economic pain and the adaptive rule (M14).

Pure functions of arrays. The weights below combine the five instruments into
the two quantities the leader feels; they are modelling choices, documented here.
"""

from __future__ import annotations

import numpy as np

#: Weights of the pressure index P ∈ [0, 1] (what the leader and his base see as
#: coercion, M2/M3/M12): sanctions and the military threat dominate, isolation
#: and the strike tempo add. They sum to 1 so P stays in [0, 1].
PRESSURE_WEIGHTS = {"sanctions": 0.35, "isolation": 0.15, "military_threat": 0.25, "strikes": 0.25}

#: Weights of per-round economic pain (material): sanctions bite hardest.
PAIN_WEIGHTS = {"sanctions": 0.6, "isolation": 0.2, "strikes": 0.2}


def pressure_index(s: np.ndarray, i: np.ndarray, m: np.ndarray, strikes: np.ndarray) -> np.ndarray:
    """P ∈ [0, 1]: the visible weight of coercion this round (a weighted mean of instruments)."""
    w = PRESSURE_WEIGHTS
    return (w["sanctions"] * s + w["isolation"] * i + w["military_threat"] * m
            + w["strikes"] * strikes)


def economic_pain(s: np.ndarray, i: np.ndarray, strikes: np.ndarray,
                  economy: np.ndarray) -> np.ndarray:
    """Per-round material pain in utility units: instrument pain × (1.5 − economy).

    The factor (1.5 − economy) makes the same sanctions hurt more in a weaker
    economy (range [0.5, 1.5]); this is what lets pressure 'work' on a
    cost-benefit leader as the economy declines.
    """
    w = PAIN_WEIGHTS
    return (w["sanctions"] * s + w["isolation"] * i + w["strikes"] * strikes) * (1.5 - economy)


def adapt(bump: dict[str, np.ndarray], instruments: list[str], step: np.ndarray,
          escalated: np.ndarray, retaliation_step: np.ndarray) -> None:
    """M14, 'escalate until they yield': add step to the listed instruments' bumps, and
    retaliation_step to the military threat's where the leader escalated. In place."""
    for name in instruments:
        bump[name] = bump[name] + step
    bump["military_threat"] = bump["military_threat"] + retaliation_step * escalated


def effective_level(base: np.ndarray, bump: np.ndarray, cap: np.ndarray,
                    adaptive: bool) -> np.ndarray:
    """Level in force: the scheduled base plus the adaptive bump, capped (never below base)."""
    ceiling = np.maximum(cap, base) if adaptive else 1.0
    return np.clip(base + bump, 0.0, ceiling)
