"""Test helpers: the decision context of a scenario's first round, its terms and choice."""

from __future__ import annotations

from typing import Any

import numpy as np

from compellence.engine.simulate import decision_context
from compellence.model.core import Bundle
from compellence.model.utility import choice_probabilities, decision_terms
from compellence.scenario import load_scenario


def context(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
            **switches: bool) -> tuple[Bundle, ...]:
    """(L, O, S, R, D, M) at round 0 of a scenario, with mechanism switches applied."""
    over = dict(overrides or {})
    over.update({f"mechanisms.{k}": v for k, v in switches.items()})
    return decision_context(load_scenario(name, over))


def terms(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
          **switches: bool) -> dict[str, np.ndarray]:
    """The utility terms of run 0, round 0: {term: array of 4 actions}."""
    return {k: v[0] for k, v in decision_terms(*context(name, overrides, **switches)).items()}


def probabilities(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
                  **switches: bool) -> np.ndarray:
    """The logit choice probabilities of run 0, round 0 (resist, escalate, deal, capitulate)."""
    L, O, S, R, D, M = context(name, overrides, **switches)
    u = sum(decision_terms(L, O, S, R, D, M).values())
    return choice_probabilities(u, L.rationality)[0]
