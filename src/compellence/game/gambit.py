"""Gambit as the oracle: solve our games with pygambit and read the answers back by label.

Games travel as .efg text (:func:`compellence.game.efg.to_efg`). A profile is read
back at each of our information sets through the path of action labels to one of
its member nodes (``pygambit.H.path``), so nothing depends on Gambit's numbering.
Written for pygambit 17 (``pip install 'compellence[game]'``).
"""

from __future__ import annotations

import io
from typing import Any

from compellence.game.efg import to_efg
from compellence.game.tree import GameTree


class MissingExtra(RuntimeError):
    """pygambit is not installed."""


class SolverShortfall(RuntimeError):
    """Gambit's solver returned an answer for another λ than the one asked for."""


def _gbt() -> Any:
    try:
        import pygambit
    except ImportError:
        raise MissingExtra("pygambit is not installed: pip install 'compellence[game]' "
                           "(pygambit >= 17.0.0b2 ships Linux wheels)") from None
    if not hasattr(pygambit, "H"):
        raise MissingExtra(f"pygambit {pygambit.__version__} is too old: "
                           "pip install 'pygambit>=17.0.0b2'")
    return pygambit


def load(tree: GameTree) -> Any:
    """The tree as a pygambit game (through its .efg text)."""
    gbt = _gbt()
    return gbt.read_efg(io.BytesIO(to_efg(tree).encode()))


def _read(tree: GameTree, profile: Any) -> dict[str, dict[str, float]]:
    gbt = _gbt()
    out = {}
    for inf in tree.infosets:
        node = tree.nodes[inf.members[0]]
        probs = profile[gbt.H.path(*node.path)]
        out[inf.key] = {a: float(probs[a]) for a in inf.actions}
    return out


def pure_equilibria(tree: GameTree) -> list[dict[str, str]]:
    """Gambit's pure agent Nash equilibria (``enumpure_agent_solve``), by label."""
    gbt = _gbt()
    result = gbt.nash.enumpure_agent_solve(load(tree))
    out = []
    for eq in result.equilibria:
        probs = _read(tree, eq)
        out.append({k: max(v, key=v.__getitem__) for k, v in probs.items()})
    return out


def qre(tree: GameTree, lam: float) -> dict[str, dict[str, float]]:
    """Gambit's logit QRE at λ on the principal branch (``qre.logit_solve_lambda``)."""
    gbt = _gbt()
    result = gbt.qre.logit_solve_lambda(load(tree), lam=[lam])
    reached = float(result[0].lam)
    if abs(reached - lam) > 1e-6 * max(1.0, lam):
        # pygambit's path follower stops at λ = 0 (uniform play) when a chance branch has
        # probability exactly 0, e.g. a prior of 0 or 1: its answer is not a QRE at λ.
        raise SolverShortfall(f"Gambit's logit solver stopped at λ = {reached:g}, not "
                              f"{lam:g} (it does when a chance branch has probability 0, "
                              "e.g. prior 0 or 1); no comparison made")
    return _read(tree, result[0].profile)


def limiting_qre(tree: GameTree) -> dict[str, dict[str, float]]:
    """Gambit's limiting logit QRE (``nash.logit_solve``): a subgame-perfect-style answer."""
    gbt = _gbt()
    return _read(tree, gbt.nash.logit_solve(load(tree)).equilibrium)
