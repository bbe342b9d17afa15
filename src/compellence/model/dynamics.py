"""Between-round dynamics of the regime's state: pure functions of arrays.

Each returns the next value of one state variable for every run; the engine
applies them only to runs still in play. All state variables live in [0, 1].
Coefficients are the ``[dynamics]`` table of the scenario (units and ranges in
:class:`compellence.scenario.schema.Dynamics`).
"""

from __future__ import annotations

import numpy as np

from compellence.model.core import Bundle
from compellence.model.utility import base_change_resisting

#: Standing with the base gained from the rally after a strike on the country (M2).
STRIKE_BASE_RALLY = 0.02


def economy_next(S: Bundle, R: Bundle, D: Bundle, strike: np.ndarray) -> np.ndarray:
    """Sanctions (isolation at a third of their weight) and strikes erode the economy;
    it recovers toward 1 in proportion to the absence of pressure."""
    decay = D.econ_sanctions * (R.sanctions + R.isolation / 3.0) + D.econ_strike * strike
    recovery = D.econ_recovery * (1.0 - S.economy) * (1.0 - R.P)
    return np.clip(S.economy - decay + recovery, 0.0, 1.0)


def unrest_next(S: Bundle, D: Bundle, strike: np.ndarray, economy: np.ndarray,
                shock: np.ndarray) -> np.ndarray:
    """Unrest follows economic hardship (1 − economy), jumps with an exogenous shock, and
    drops in the rally after a strike."""
    drift = D.unrest_rate * ((1.0 - economy) - S.unrest)
    jump = D.unrest_shock_size * shock - D.rally * strike
    return np.clip(S.unrest + drift + jump, 0.0, 1.0)


def base_next(L: Bundle, S: Bundle, R: Bundle, D: Bundle, M: Bundle,
              strike: np.ndarray) -> np.ndarray:
    """M2: while he resists, steadfastness under pressure raises his standing with the base
    (× pain valence) until economic collapse outweighs it; strikes rally the base."""
    change = base_change_resisting(L, S, R, D, M) + STRIKE_BASE_RALLY * strike
    return np.clip(S.base + change, 0.0, 1.0)


def renege(S: Bundle, D: Bundle) -> np.ndarray:
    """M11: the coercer reneges on a deal in force (at the start of a round, before the
    leader decides): a share trust_renege of trust is destroyed."""
    return S.trust * (1.0 - D.trust_renege)


def trust_next(S: Bundle, D: Bundle) -> np.ndarray:
    """M11: trust recovers slowly toward 1 between rounds."""
    return np.clip(S.trust + D.trust_recovery * (1.0 - S.trust), 0.0, 1.0)


def axis_next(S: Bundle, D: Bundle) -> np.ndarray:
    """M13: the regional network unravels at an exogenous rate."""
    return np.clip(S.axis * (1.0 - D.axis_decline), 0.0, 1.0)


def resolve_next(L: Bundle, S: Bundle, R: Bundle, M: Bundle) -> np.ndarray:
    """M2: pressure endured while resisting hardens resolve (it multiplies the identity cost)."""
    if not M.pressure_resolve:
        return S.resolve
    return np.clip(S.resolve + L.resolve_gain * R.P * (1.0 - S.resolve), 0.0, 1.0)


def program_next(S: Bundle, D: Bundle, strike: np.ndarray) -> np.ndarray:
    """The core program is damaged by strikes and rebuilt slowly (1% of the gap a round)."""
    return np.clip(S.program - D.program_strike * strike + 0.01 * (1.0 - S.program), 0.0, 1.0)
