"""Stage payoffs of the game, from the simulator's own utility terms.

The leader's payoff for each action is exactly the utility the simulator's
logit choice uses at round 0 of the scenario with that type and menu item
(:func:`compellence.model.equations.utility_terms`, via
:class:`compellence.engine.simulate.Context`). The coercer's payoff is the
simulator's coercer utility ([coercer.aims]; :func:`compellence.model.equations.
coercer_payoffs`), from the same offer geometry and war probability:

- resist: − (pressure_cost · P + threat_cost · threat) × its flow weight (pressure goes on);
- escalate: − p_war · war_cost + (1 − p_war) · resist;
- deal: p_acc · value(x_deal) + (1 − p_acc) · resist;
- capitulate: value(demand), where value() is its concession value (core_value).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from compellence.engine.simulate import Context, decision_context
from compellence.model.core import TERMS
from compellence.scenario.distributions import _Dist
from compellence.scenario.loader import apply_overrides, validate
from compellence.scenario.schema import MenuItem, Scenario


@dataclass(frozen=True)
class StagePayoffs:
    """One stage's payoffs for the four leader actions, and the leader's terms."""

    leader: np.ndarray      # (4,)
    coercer: np.ndarray     # (4,)
    terms: dict[str, np.ndarray]
    rationality: float


def menu_overrides(item: MenuItem) -> dict[str, Any]:
    """Scenario overrides that put a menu item in force (fixed pressure, no adaptation)."""
    return {
        "coercer.demand": item.demand, "coercer.relief": item.relief,
        "coercer.face_saving": item.face_saving,
        "coercer.accepts_limited_deal": item.accepts_limited_deal,
        "coercer.pressure.sanctions": item.pressure, "coercer.pressure.isolation": item.pressure,
        "coercer.pressure.military_threat": item.pressure,
        "coercer.pressure.strikes": item.pressure / 3,
        "coercer.pressure.leader_threat": item.leader_threat,
        "coercer.adaptive.enabled": False,
    }


def type_scenario(sc: Scenario, leader_type: str, item: MenuItem) -> Scenario:
    """The scenario as the given type faces the given menu item. The scenario's own leader
    (with its overrides) is used for its own profile; other types are the presets."""
    data = sc.model_dump(mode="json", by_alias=True, exclude={"extends"})
    over = menu_overrides(item)
    if leader_type != sc.leader.profile:
        over["leader.profile"] = leader_type
    out = validate(apply_overrides(data, over), f"game type {leader_type}, menu {item.label}")
    sel = out.selectorate
    for section in (out.leader, out.coercer, out.coercer.pressure, out.coercer.aims,
                    out.coercer.learning, out.regime, out.dynamics, sel, sel.hardliners,
                    sel.establishment, sel.pragmatists):
        for name in type(section).model_fields:
            value = getattr(section, name)
            if isinstance(value, _Dist):  # an uncertain parameter enters the game at its mean
                setattr(section, name, value.mean())
    return out


def coercer_payoffs(sc: Scenario, item: MenuItem, ctx: Context) -> np.ndarray:
    """The coercer's stage payoff for each leader action: the simulator's own coercer
    utility ([coercer.aims], :func:`compellence.model.equations.coercer_payoffs`)."""
    return ctx.coercer_payoffs(0)


def contexts(sc: Scenario) -> list[tuple[str, float, Context]]:
    """The round-0 situations the simulator can face, each with its label and chance: round
    0's scheduled events applied (reneging on a deal in force; after a succession, each
    faction's candidate with the chance that the selectorate chooses him, F1 — drawn once,
    before the coercer's first move, and seen by both players). The round is one
    without a strike: under W6 a strike would make an escalation a war even below the
    ultimatum level; splitting on it would double the game for a detail of one round
    (docs/game.md says so)."""
    from compellence.model import equations as eq
    from compellence.model import layout as lay

    if sc.events.leader_killed_round == 0 and sc.mechanisms.selectorate:
        cases = []
        for k, name in enumerate(lay.FACTIONS):
            ctx = decision_context(sc, events=True, successor=k)
            cases.append((f"successor {name}", eq.successor_probability(ctx.V[0], ctx.S[0], k),
                          ctx))
        return [c for c in cases if c[1] > 0.0]
    return [("", 1.0, decision_context(sc, events=True))]


def _payoffs(sc: Scenario, item: MenuItem, ctx: Context) -> StagePayoffs:
    terms = ctx.terms()
    return StagePayoffs(leader=np.asarray(sum(terms[t] for t in TERMS)[0], float),
                        coercer=coercer_payoffs(sc, item, ctx),
                        terms={k: v[0] for k, v in terms.items()},
                        rationality=float(ctx.param("leader.rationality")[0]))


def stage_cases(sc: Scenario, leader_type: str, item: MenuItem
                ) -> list[tuple[str, float, StagePayoffs]]:
    """(label, chance, payoffs) of each round-0 situation (:func:`contexts`) when a leader of
    ``leader_type`` faces ``item``; the chances sum to 1."""
    return [(label, w, _payoffs(sc, item, ctx))
            for label, w, ctx in contexts(type_scenario(sc, leader_type, item))]


def stage_payoffs(sc: Scenario, leader_type: str, item: MenuItem) -> StagePayoffs:
    """Leader and coercer payoffs when a leader of ``leader_type`` faces ``item``, in the
    first situation of :func:`stage_cases` (after a succession, the hard-liners'
    candidate)."""
    return stage_cases(sc, leader_type, item)[0][2]


__all__ = ["StagePayoffs", "coercer_payoffs", "contexts", "menu_overrides", "stage_cases",
           "stage_payoffs",
           "type_scenario"]
