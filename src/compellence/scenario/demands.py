"""Kinds of demand: what a coercer asks for, and what conceding it puts at stake.

Giving up a programme, a territory, influence, the political system or the state itself
does not sit on one scale with one set of stakes. A demand type sets three stakes that
multiply the leader's utility terms (``model/equations.py``):

- ``identity_stake`` multiplies the identity cost of conceding (M1) — how much of who he
  is the concession touches;
- ``sacred_stake`` multiplies the sacred premium (M9) — how far the demand reaches the
  core symbol;
- ``power_stake`` is the share of his hold on power that conceding the whole demand
  gives up (0: he stays in power; 1: he leaves it), charged as a certain loss of power
  (survival term, × ``dynamics.power_stake`` × survival weight) unless an exit is offered
  (``coercer.exit_offer``: exile with amnesty preserves part of what he would lose);
- ``program_stake`` is whether the demand is the core programme itself (1: its level
  scales the sacred cost, conceding it gives up its deterrent value and a deal gives it
  up; 0: the demand is something else — territory, influence, the regime — and the
  programme stays).

The names are ICB's gravity-of-threat classes as the out-of-sample scorer maps them
(``evidence/icb.py: GRAVITY_TO_TYPE``): 0/1 → policy, 2 political → political_system,
3 → territory, 4 → influence, 5 grave damage / 6 existence → existence. Every value is an
assumption (round numbers ordered by ICB's gravity scale and by the essay), documented in
``docs/model.md``; a scenario may override any stake beside its ``demand_type``.
"""

from __future__ import annotations

from typing import Literal

DemandType = Literal["policy", "influence", "territory", "political_system", "existence"]

#: Stakes per demand type. Why each:
#: - policy (a programme or a policy, e.g. enrichment): the essay's case, the unit of the
#:   scale (1, 1); he stays in power (0).
#: - influence (a regional network, allies): less of the self and of the symbol than the
#:   programme (0.6, 0.3); no power lost.
#: - territory (land): national identity as much as the programme (1.0) and often holy or
#:   founding ground (sacred 1.0); a defeat that may cost some power (0.1).
#: - political_system (the regime, or the leader leaving power): the revolution itself
#:   (identity 1.5, sacred 1.0); conceding all of it means leaving power (1.0).
#: - existence (the state's survival, grave damage): the most of the self (2.0, 1.0) and
#:   all of his power (1.0).
STAKES: dict[str, dict[str, float]] = {
    "policy": {"identity_stake": 1.0, "sacred_stake": 1.0, "power_stake": 0.0,
               "program_stake": 1.0},
    "influence": {"identity_stake": 0.6, "sacred_stake": 0.3, "power_stake": 0.0,
                  "program_stake": 0.0},
    "territory": {"identity_stake": 1.0, "sacred_stake": 1.0, "power_stake": 0.1,
                  "program_stake": 0.0},
    "political_system": {"identity_stake": 1.5, "sacred_stake": 1.0, "power_stake": 1.0,
                         "program_stake": 0.0},
    "existence": {"identity_stake": 2.0, "sacred_stake": 1.0, "power_stake": 1.0,
                  "program_stake": 0.0},
}

DEMAND_TYPES: tuple[str, ...] = tuple(STAKES)

DESCRIPTIONS: dict[str, str] = {
    "policy": "a programme or a policy (the essay's case: enrichment)",
    "influence": "regional influence: a network of allies and proxies",
    "territory": "territory",
    "political_system": "the political system: the regime, or the leader leaving power",
    "existence": "the state's existence or grave damage to it",
}
