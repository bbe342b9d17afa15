"""The coercion game as a finite extensive-form tree built from a scenario.

Nature draws the leader's type from the coercer's prior; the coercer, not seeing
the type, picks an item from its menu (after a succession at round 0 nature first draws,
once, which faction's candidate leads, as the simulator does — F1; both players see it);
the leader, knowing his type, answers (resist, escalate, deal, capitulate). Escalation, a
deal and capitulation end the game with their *expected* stage payoffs (the deal's
acceptance chance and the war risk are folded in, exactly as in the simulator);
resistance leads to the next stage, up to ``game.stages``. Stage payoffs are discounted
by ``game.discount``; the state is held at its round-0 value in every stage, the round is
one without a strike, and under C1 the coercer's acceptance of a deal reads its own
belief (``coercer.aims.belief_cost_benefit``), not the game's prior (documented
simplifications: the game asks what the coercer should demand, the simulator asks how
the state evolves).

The leader's stage payoffs are the simulator's utilities (:mod:`compellence.game.payoffs`
calls the same term functions), so one source of truth serves both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

import numpy as np

from compellence.game.payoffs import StagePayoffs, stage_cases
from compellence.model.core import ACTIONS, RESIST, TERMS
from compellence.model.equations import DOMINANCE_TOL, dominated
from compellence.scenario.schema import Scenario

COERCER, LEADER = 0, 1
PLAYERS = ("Coercer", "Leader")


class GameTooLarge(ValueError):
    """The game is too large for the requested exact method."""


@dataclass
class Node:
    """A node: chance (player None, kind 'chance'), decision, or terminal."""

    kind: str                      # "chance" | "decision" | "terminal"
    path: tuple[str, ...]          # action labels from the root
    player: int | None = None
    infoset: int | None = None
    actions: tuple[str, ...] = ()
    children: list[int] = field(default_factory=list)
    probs: tuple[float, ...] = ()  # chance probabilities
    payoff: tuple[float, float] = (0.0, 0.0)


@dataclass
class Infoset:
    """An information set: its owner, its actions and its member nodes."""

    key: str
    player: int
    actions: tuple[str, ...]
    members: list[int] = field(default_factory=list)


@dataclass
class GameTree:
    """A finite extensive-form game with perfect recall."""

    title: str
    types: tuple[str, ...]
    prior: tuple[float, ...]
    menu: tuple[str, ...]
    nodes: list[Node]
    infosets: list[Infoset]
    stage: dict[tuple[str, str], StagePayoffs]   # (type, menu label) -> first case's payoffs
    cases: dict[tuple[str, str], list[tuple[str, float, StagePayoffs]]] = field(
        default_factory=dict)                     # (type, menu label) -> every case

    def size(self) -> dict[str, int]:
        """Nodes, terminals, information sets and pure behavior profiles."""
        return {"nodes": len(self.nodes),
                "terminals": sum(n.kind == "terminal" for n in self.nodes),
                "infosets": len(self.infosets),
                "pure_profiles": prod(len(i.actions) for i in self.infosets)}

    def infoset_index(self, key: str) -> int:
        return next(k for k, i in enumerate(self.infosets) if i.key == key)


def _open_actions(pay: StagePayoffs, resist_continues: bool, prune: bool) -> list[int]:
    """The leader's actions at a node: all four, or (W7, as in the simulator's choice) those
    no other action beats in every stage term. Resisting is kept when it leads to a further
    stage, whose value the stage terms do not show."""
    if not prune:
        return list(range(len(ACTIONS)))
    U = np.stack([pay.terms[name] for name in TERMS])
    return [a for a in range(len(ACTIONS))
            if (a == RESIST and resist_continues) or not dominated(U, a, DOMINANCE_TOL)]


def build_game(sc: Scenario, prior: list[float] | None = None,
               stages: int | None = None) -> GameTree:
    """Build the game of a scenario (its ``[game]`` table), optionally with another prior
    over types or number of stages."""
    g = sc.game
    prior_vec = tuple(prior if prior is not None else g.prior_vector())
    if len(prior_vec) != len(g.types):
        raise ValueError(f"prior needs {len(g.types)} weights, one per type {g.types}")
    n_stages = stages or g.stages
    cases = {(t, m.label): stage_cases(sc, t, m) for t in g.types for m in g.menu}
    table = {key: c[0][2] for key, c in cases.items()}
    nodes: list[Node] = []
    infosets: list[Infoset] = []
    keys: dict[str, int] = {}

    def infoset_for(key: str, player: int, actions: tuple[str, ...], node_id: int) -> int:
        if key not in keys:
            keys[key] = len(infosets)
            infosets.append(Infoset(key, player, actions))
        infosets[keys[key]].members.append(node_id)
        return keys[key]

    def add(node: Node) -> int:
        nodes.append(node)
        return len(nodes) - 1

    def coercer_node(t: str, case: int, path: tuple[str, ...], public: tuple[str, ...],
                     stage: int, acc: np.ndarray) -> int:
        labels = tuple(m.label for m in g.menu)
        nid = add(Node("decision", path, COERCER, actions=labels))
        nodes[nid].infoset = infoset_for("C|" + "/".join(public), COERCER, labels, nid)
        for label in labels:
            nodes[nid].children.append(
                leader_node(t, case, cases[(t, label)][case][2], (*path, label),
                            (*public, label), stage, acc))
        return nid

    def leader_node(t: str, case: int, pay: StagePayoffs, path: tuple[str, ...],
                    public: tuple[str, ...], stage: int, acc: np.ndarray) -> int:
        acts = _open_actions(pay, resist_continues=stage + 1 < n_stages,
                             prune=sc.mechanisms.undominated_choice)
        names = tuple(ACTIONS[a] for a in acts)
        nid = add(Node("decision", path, LEADER, actions=names))
        nodes[nid].infoset = infoset_for(f"L|{t}|" + "/".join(public), LEADER, names, nid)
        weight = g.discount ** stage
        for a in acts:
            act = ACTIONS[a]
            total = acc + weight * np.array([pay.coercer[a], pay.leader[a]])
            child_path = (*path, act)
            if a == RESIST and stage + 1 < n_stages:
                child = coercer_node(t, case, child_path, (*public, act), stage + 1, total)
            else:
                child = add(Node("terminal", child_path, payoff=(float(total[0]),
                                                                  float(total[1]))))
            nodes[nid].children.append(child)
        return nid

    root = add(Node("chance", (), actions=tuple(g.types), probs=prior_vec))
    for t in g.types:
        # the round-0 situation (after a succession: who succeeded) is drawn once, before
        # the coercer's first move, as in the simulator; both players see it
        situations = cases[(t, g.menu[0].label)]
        if len(situations) == 1:
            nodes[root].children.append(coercer_node(t, 0, (t,), (), 0, np.zeros(2)))
            continue
        nid = add(Node("chance", (t,), actions=tuple(c for c, _, _ in situations),
                       probs=tuple(w for _, w, _ in situations)))
        nodes[root].children.append(nid)
        for k, (name, _, _) in enumerate(situations):
            nodes[nid].children.append(coercer_node(t, k, (t, name), (name,), 0, np.zeros(2)))
    return GameTree(title=sc.name, types=tuple(g.types), prior=prior_vec,
                    menu=tuple(m.label for m in g.menu), nodes=nodes, infosets=infosets,
                    stage=table, cases=cases)
