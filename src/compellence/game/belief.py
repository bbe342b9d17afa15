"""The coercer's best demand as a function of its prior belief that the leader is
cost-benefit, and the threshold belief above which a maximal demand pays.

The belief p is the prior weight of the ``cost-benefit`` type; the other types
share 1 − p in the proportions of the scenario's prior. For each p the game is
solved (logit QRE at λ, or best response when λ is None) and the coercer's
expected payoff of each menu item is read at its first information set. The
threshold is the smallest p at which the menu item with the largest demand is at
least as good as every other item (found on a grid, refined by bisection).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from compellence.game.solve import action_values, backward_induction, logit_qre
from compellence.game.tree import GameTree, build_game
from compellence.scenario.schema import Scenario

CB = "cost-benefit"


def prior_for(sc: Scenario, p: float) -> list[float]:
    """The prior over the scenario's game types that puts p on the cost-benefit type."""
    types = sc.game.types
    if CB not in types:
        raise ValueError(f"the game's types {types} do not include '{CB}'")
    base = sc.game.prior_vector()
    rest = sum(w for t, w in zip(types, base, strict=True) if t != CB)
    others = len(types) - 1
    return [p if t == CB else (1 - p) * (w / rest if rest > 0 else 1 / max(others, 1))
            for t, w in zip(types, base, strict=True)]


def coercer_values(tree: GameTree, lam: float | None) -> dict[str, float]:
    """Expected payoff of each menu item at the coercer's first information set."""
    root = tree.infoset_index("C|")
    if lam is None:
        pure = backward_induction(tree)
        b = [np.array([1.0 if a == pure[inf.key] else 0.0 for a in inf.actions])
             for inf in tree.infosets]
        b[root][:] = 1.0 / len(b[root])
        values = action_values(tree, b)[root]
    else:
        values = logit_qre(tree, lam).values[root]
    return dict(zip(tree.menu, map(float, values), strict=True))


@dataclass
class BeliefAnalysis:
    """Best menu item per prior, and the threshold belief for the maximal demand."""

    maximal: str
    lam: float | None
    grid: list[tuple[float, str, dict[str, float]]]
    threshold: float | None     # None: the maximal demand never pays on [0, 1]


def analyse_beliefs(sc: Scenario, lam: float | None = None, points: int = 21) -> BeliefAnalysis:
    """The coercer's best demand across priors and the threshold belief."""
    maximal = max(sc.game.menu, key=lambda m: m.demand).label

    def values(p: float) -> dict[str, float]:
        return coercer_values(build_game(sc, prior=prior_for(sc, p)), lam)

    def edge(p: float) -> float:
        v = values(p)
        others = [x for k, x in v.items() if k != maximal]
        return v[maximal] - max(others) if others else 1.0

    grid = []
    for p in np.linspace(0, 1, points):
        v = values(float(p))
        grid.append((float(p), max(v, key=v.__getitem__), v))
    ps = np.linspace(0, 1, 101)
    edges = [edge(float(p)) for p in ps]
    threshold: float | None = None
    if edges[0] >= 0:
        threshold = 0.0
    else:
        for k in range(1, len(ps)):
            if edges[k] >= 0:
                threshold = float(brentq(edge, ps[k - 1], ps[k], xtol=1e-10))
                break
    return BeliefAnalysis(maximal, lam, grid, threshold)
