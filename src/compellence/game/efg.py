"""Export a game tree to Gambit's .efg text format (version 4).

Chance probabilities are written as exact rationals that sum to 1; payoffs as
decimals with 17 significant digits (Gambit reads them exactly). Information sets
are numbered per player; actions keep their labels, so a solution read back from
Gambit maps onto our tree by the path of action labels.
"""

from __future__ import annotations

from fractions import Fraction

from compellence.game.tree import PLAYERS, GameTree


def _rationals(probs: tuple[float, ...]) -> list[str]:
    fr = [Fraction(p).limit_denominator(10**9) for p in probs[:-1]]
    fr.append(1 - sum(fr, Fraction(0)))
    if fr[-1] < 0:
        raise ValueError(f"chance probabilities do not sum to 1: {probs}")
    return [f"{f.numerator}/{f.denominator}" for f in fr]


def _q(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


def to_efg(tree: GameTree) -> str:
    """The game as .efg text."""
    numbers: dict[int, int] = {}
    per_player = [0, 0]
    for k, inf in enumerate(tree.infosets):
        per_player[inf.player] += 1
        numbers[k] = per_player[inf.player]
    lines = [f"EFG 2 R {_q('compellence: ' + tree.title)} {{ "
             + " ".join(_q(p) for p in PLAYERS) + " }", '""', ""]
    outcome = 0
    chance = 0

    def walk(nid: int) -> None:
        nonlocal outcome, chance
        node = tree.nodes[nid]
        if node.kind == "chance":   # each chance node its own chance information set
            chance += 1
            pairs = " ".join(f"{_q(a)} {p}" for a, p in zip(node.actions,
                                                             _rationals(node.probs),
                                                             strict=True))
            lines.append(f'c "" {chance} {_q(f"nature {chance}")} {{ {pairs} }} 0')
        elif node.kind == "decision":
            inf = tree.infosets[node.infoset]  # type: ignore[index]
            acts = " ".join(_q(a) for a in node.actions)
            lines.append(f'p "" {inf.player + 1} {numbers[node.infoset]} {_q(inf.key)} '  # type: ignore[index]
                         f"{{ {acts} }} 0")
        else:
            outcome += 1
            pay = ", ".join(f"{v:.17g}" for v in node.payoff)
            lines.append(f't "" {outcome} "" {{ {pay} }}')
            return
        for child in node.children:
            walk(child)

    walk(0)
    return "\n".join(lines) + "\n"
