"""The project's own solvers: pure agent Nash equilibria, the logit agent QRE, and the
coercer's best demand as a function of its prior.

- Pure equilibria are enumerated over all pure behavior profiles (one action per
  information set), keeping those from which no single information set gains by
  deviating (agent Nash equilibria, as Gambit's ``enumpure_agent_solve``). The
  count of profiles is checked first: beyond :data:`MAX_PURE_PROFILES` the method
  refuses with the size and a suggestion, rather than hang.
- The logit agent QRE (McKelvey & Palfrey 1998) is the fixed point
  b_I = softmax(λ · v_I(b)) at every information set I, with v_I the expected
  payoffs of I's actions given I is reached. It is traced from λ = 0 (uniform play)
  along the principal branch by small steps in λ, with damped fixed-point
  iteration at each step.
- The best-response (λ → ∞) answer of a one-stage game is backward induction:
  each type best-responds, the coercer maximises its expected payoff.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compellence.game.tree import COERCER, LEADER, GameTooLarge, GameTree

#: Largest number of pure behavior profiles the exact enumeration will take on.
MAX_PURE_PROFILES = 2_000_000

Behavior = list[np.ndarray]   # one probability vector per information set


def _terminal_requirements(tree: GameTree) -> list[tuple[float, list[tuple[int, int]],
                                                         tuple[float, float]]]:
    """For each terminal: nature's probability, the (infoset, action) pairs on its path,
    and its payoffs."""
    out = []

    def walk(nid: int, prob: float, reqs: list[tuple[int, int]]) -> None:
        node = tree.nodes[nid]
        if node.kind == "terminal":
            out.append((prob, reqs, node.payoff))
            return
        for a, child in enumerate(node.children):
            if node.kind == "chance":
                walk(child, prob * node.probs[a], reqs)
            else:
                walk(child, prob, [*reqs, (node.infoset, a)])  # type: ignore[list-item]

    walk(0, 1.0, [])
    return out


def pure_equilibria(tree: GameTree, tol: float = 1e-12) -> list[dict[str, str]]:
    """All pure agent Nash equilibria, each as {infoset key: action label}."""
    radices = [len(i.actions) for i in tree.infosets]
    total = int(np.prod(np.array(radices, dtype=float)))
    if total > MAX_PURE_PROFILES:
        raise GameTooLarge(
            f"{tree.size()['pure_profiles']:,} pure profiles over {len(radices)} information "
            f"sets exceed the exact limit of {MAX_PURE_PROFILES:,}: use fewer stages, a "
            "coarser menu or fewer types, or ask for the QRE only (--lambda / --qre-path)")
    strides = np.cumprod([1, *radices[:-1]]).astype(np.int64)
    idx = np.arange(total, dtype=np.int64)
    digits = [(idx // strides[k]) % radices[k] for k in range(len(radices))]
    payoff = np.zeros((total, 2))
    for prob, reqs, pay in _terminal_requirements(tree):
        mask = np.ones(total, bool)
        for inf, a in reqs:
            mask &= digits[inf] == a
        payoff[mask] += prob * np.asarray(pay)
    ok = np.ones(total, bool)
    for k, inf in enumerate(tree.infosets):
        for a in range(radices[k]):
            dev = idx + (a - digits[k]) * strides[k]
            ok &= payoff[idx, inf.player] >= payoff[dev, inf.player] - tol
    return [{inf.key: inf.actions[int(digits[k][i])] for k, inf in enumerate(tree.infosets)}
            for i in np.flatnonzero(ok)]


def _values(tree: GameTree, b: Behavior) -> tuple[np.ndarray, np.ndarray]:
    """Reach probability of every node and its expected payoffs under b."""
    n = len(tree.nodes)
    reach = np.zeros(n)
    reach[0] = 1.0
    for nid, node in enumerate(tree.nodes):           # nodes are in pre-order
        if node.kind == "terminal":
            continue
        probs = node.probs if node.kind == "chance" else b[node.infoset]  # type: ignore[index]
        for a, child in enumerate(node.children):
            reach[child] = reach[nid] * probs[a]
    value = np.zeros((n, 2))
    for nid in range(n - 1, -1, -1):
        node = tree.nodes[nid]
        if node.kind == "terminal":
            value[nid] = node.payoff
        else:
            probs = node.probs if node.kind == "chance" else b[node.infoset]  # type: ignore[index]
            value[nid] = sum(p * value[c] for p, c in zip(probs, node.children, strict=True))
    return reach, value


def action_values(tree: GameTree, b: Behavior) -> list[np.ndarray]:
    """Expected payoff of each action at each information set, given it is reached
    (beliefs by Bayes' rule from nature and b; uniform over members if unreached)."""
    reach, value = _values(tree, b)
    out = []
    for inf in tree.infosets:
        w = np.array([reach[m] for m in inf.members])
        w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1.0 / len(w))
        v = np.zeros(len(inf.actions))
        for weight, m in zip(w, inf.members, strict=True):
            v += weight * np.array([value[c][inf.player] for c in tree.nodes[m].children])
        out.append(v)
    return out


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


@dataclass
class QRE:
    """A logit agent QRE: behavior per information set, at a given λ."""

    lam: float
    behavior: Behavior
    values: list[np.ndarray]

    def as_dict(self, tree: GameTree) -> dict[str, dict[str, float]]:
        return {inf.key: dict(zip(inf.actions, map(float, self.behavior[k]), strict=True))
                for k, inf in enumerate(tree.infosets)}


def logit_qre(tree: GameTree, lam: float, steps: int | None = None, tol: float = 1e-13,
              max_iter: int = 20_000) -> QRE:
    """The logit agent QRE at λ on the principal branch (traced from λ = 0)."""
    b: Behavior = [np.full(len(i.actions), 1.0 / len(i.actions)) for i in tree.infosets]
    steps = steps or max(1, int(np.ceil(lam / 0.25)))
    for lam_k in np.linspace(lam / steps, lam, steps):
        b = _fixed_point(tree, b, float(lam_k), tol, max_iter)
    return QRE(lam, b, action_values(tree, b))


def _fixed_point(tree: GameTree, b: Behavior, lam: float, tol: float,
                 max_iter: int) -> Behavior:
    step = 1.0
    prev_gap = np.inf
    for _ in range(max_iter):
        v = action_values(tree, b)
        new = [_softmax(lam * vk) for vk in v]
        gap = max(float(np.max(np.abs(n - o))) for n, o in zip(new, b, strict=True))
        if gap < tol:
            return new
        if gap > prev_gap:
            step = max(step * 0.5, 0.05)
        prev_gap = gap
        b = [(1 - step) * o + step * n for n, o in zip(new, b, strict=True)]
    raise RuntimeError(f"logit QRE did not converge at lambda={lam}")


def qre_path(tree: GameTree, lambdas: list[float]) -> list[QRE]:
    """The QRE correspondence's principal branch at increasing λ values."""
    out = []
    b: Behavior = [np.full(len(i.actions), 1.0 / len(i.actions)) for i in tree.infosets]
    last = 0.0
    for lam in sorted(lambdas):
        steps = max(1, int(np.ceil((lam - last) / 0.25)))
        for lam_k in np.linspace(last + (lam - last) / steps, lam, steps):
            b = _fixed_point(tree, b, float(lam_k), 1e-13, 20_000)
        out.append(QRE(lam, b, action_values(tree, b)))
        last = lam
    return out


def backward_induction(tree: GameTree) -> dict[str, str]:
    """The best-response answer of a one-stage game: each type best-responds to each menu
    item; the coercer picks the item with the highest expected payoff (λ → ∞ limit)."""
    if any(inf.player == COERCER and inf.key != "C|" for inf in tree.infosets):
        raise GameTooLarge("backward induction here covers one-stage games; use the QRE "
                           "(large λ) for several stages")
    b: Behavior = [np.zeros(len(i.actions)) for i in tree.infosets]
    for k, inf in enumerate(tree.infosets):
        if inf.player == LEADER:
            node = tree.nodes[inf.members[0]]
            pay = [tree.nodes[c].payoff[LEADER] for c in node.children]
            b[k][int(np.argmax(pay))] = 1.0
    root = tree.infoset_index("C|")
    b[root][:] = 1.0 / len(b[root])
    v = action_values(tree, b)[root]
    b[root][:] = 0.0
    b[root][int(np.argmax(v))] = 1.0
    return {inf.key: inf.actions[int(np.argmax(b[k]))] for k, inf in enumerate(tree.infosets)}
