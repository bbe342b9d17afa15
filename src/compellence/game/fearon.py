"""Published results as oracles: Fearon's (1995) bargaining model as a special case of
the engine's utility terms.

Fearon, J. D. (1995), "Rationalist Explanations for War", *International
Organization* 49(3): 379–414. A and B divide a good of size 1; war gives A the
whole with probability p and costs A c_A and B c_B. B accepts a demand x (A's
share) iff 1 − x ≥ 1 − p − c_B. Closed forms used as tests:

- complete information: the settlements both prefer to war are [p − c_A, p + c_B];
  A's take-it-or-leave-it demand is p + c_B (p = 0.6, c = 0.1: [0.5, 0.7], 0.7);
- the risk–return trade-off (private costs): with c_B uniform on [0, c̄], A chooses x
  to maximise x·P(accept) + (p − c_A)·P(war); for p = 0.5, c_A = 0.1, c̄ = 0.3 the
  optimum is x = 0.6 with P(war) = 1/3.

Here B is the model's *leader*, its utilities computed by
:func:`compellence.model.equations.utility_terms` with every mechanism that the
bargaining model lacks switched off, so that: capitulating (accepting x) is worth
−x (the identity term with w_id = 1, no authority, visibility, resolve, face-saving
or sacred premium), and escalating (war) is worth −(p + c_B) (the material term with
no pressure, war for sure, war_cost = p + c_B, no cost of an escalation short of war;
war needs no trigger and the programme has no deterrent value: W6 and W5 off). A is the
coercer, with the game's payoffs: concession_value · x for acceptance and war_value =
p − c_A for war.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from compellence.engine.simulate import decision_context
from compellence.model.core import CAPITULATE, ESCALATE
from compellence.scenario.loader import load_scenario

_OFF = ("consistency_authority", "coercion_visibility", "pressure_resolve", "sacred_core",
        "trust", "exogenous_decline", "martyrdom", "pain_valence", "heroic_flexibility",
        "adaptive_coercer", "war_trigger", "program_value")


def bargaining_overrides(x: float, p: float, c_b: float) -> dict[str, Any]:
    """Scenario overrides that reduce the leader's utility to Fearon's B facing demand x."""
    over: dict[str, Any] = {f"mechanisms.{m}": False for m in _OFF}
    over.update({
        "leader.profile": "identity-committed",
        "leader.identity_weight": 1.0, "leader.material_weight": 1.0,
        "leader.survival_weight": 0.0, "leader.legitimacy_weight": 0.0,
        "leader.future_demand_weight": 0.0,
        "coercer.demand": x, "coercer.relief": 0.0, "coercer.face_saving": 0.0,
        "coercer.accepts_limited_deal": 0.0,
        "coercer.pressure.sanctions": 0.0, "coercer.pressure.isolation": 0.0,
        "coercer.pressure.military_threat": 0.5, "coercer.pressure.strikes": 0.0,
        "coercer.pressure.leader_threat": 0.0,
        "dynamics.war_rate": 1.0,            # war_rate·(0.5 + 0.5) = 1: escalation is war
        "dynamics.war_cost": p + c_b,
        "dynamics.escalation_cost": 0.0,     # Fearon's war has no cost short of war
    })
    return over


def b_utilities(x: float, p: float, c_b: float) -> tuple[float, float]:
    """B's (accept, war) utilities from the engine's terms."""
    ctx = decision_context(load_scenario("iran-2025-surrender", bargaining_overrides(x, p, c_b)))
    u = ctx.utility()[0]
    return float(u[CAPITULATE]), float(u[ESCALATE])


def b_accepts(x: float, p: float, c_b: float) -> bool:
    """Does B (the engine's leader) accept demand x rather than fight?"""
    accept, war = b_utilities(x, p, c_b)
    return accept >= war


def settlement_range(p: float, c_a: float, c_b: float) -> tuple[float, float]:
    """Demands both sides prefer to war: A's lower end (x = war value p − c_A, the coercer's
    indifference) and B's upper end (root of B's indifference in the engine's utilities).

    Both ends are capped to the good, [0, 1]: when p + c_B >= 1, B prefers giving up
    everything to war, so the upper end is 1 (Fearon's range is [p − c_A, min(1, p + c_B)])."""
    gap = lambda x: np.subtract(*b_utilities(x, p, c_b))  # noqa: E731
    upper = 1.0 if gap(1.0) >= 0 else brentq(gap, 0.0, 1.0, xtol=1e-12)
    return max(0.0, p - c_a), float(upper)


@dataclass
class Ultimatum:
    """A's optimal demand, B's acceptance probability and the probability of war."""

    demand: float
    p_accept: float
    p_war: float
    expected_payoff: float


def complete_information_ultimatum(p: float, c_a: float, c_b: float) -> Ultimatum:
    """A knows c_B: it demands the most B accepts."""
    _, upper = settlement_range(p, c_a, c_b)
    return Ultimatum(upper, 1.0, 0.0, upper)


def risk_return(p: float, c_a: float, c_max: float) -> Ultimatum:
    """A does not know c_B ~ U[0, c_max]: the acceptance cut-off on c_B for each demand
    is found from the engine's utilities; A maximises its expected payoff."""
    def cutoff(x: float) -> float:
        """Smallest c_B at which B accepts x (0 if all accept, c_max if none does)."""
        gap = lambda c: np.subtract(*b_utilities(x, p, c))  # noqa: E731
        if gap(0.0) >= 0:
            return 0.0
        if gap(c_max) < 0:
            return c_max
        return float(brentq(gap, 0.0, c_max, xtol=1e-12))

    def payoff(x: float) -> float:
        war = cutoff(x) / c_max
        return x * (1 - war) + (p - c_a) * war

    res = minimize_scalar(lambda x: -payoff(x), bounds=(p, min(1.0, p + c_max)),
                          method="bounded", options={"xatol": 1e-9})
    x = float(res.x)
    war = cutoff(x) / c_max
    return Ultimatum(x, 1 - war, war, payoff(x))
