"""Test helpers: the decision context of a scenario's first round, its terms and choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from compellence.engine.simulate import Context, decision_context
from compellence.scenario import load_scenario


def context(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
            **switches: bool) -> Context:
    """The round-0 decision context of a scenario, with mechanism switches applied."""
    over = dict(overrides or {})
    over.update({f"mechanisms.{k}": v for k, v in switches.items()})
    return decision_context(load_scenario(name, over))


def terms(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
          **switches: bool) -> dict[str, np.ndarray]:
    """The utility terms of run 0, round 0: {term: array of 4 actions}."""
    return {k: v[0] for k, v in context(name, overrides, **switches).terms().items()}


def probabilities(name: str = "iran-2025-surrender", overrides: dict[str, Any] | None = None,
                  **switches: bool) -> np.ndarray:
    """The logit choice probabilities of run 0, round 0 (resist, escalate, deal, capitulate)."""
    return context(name, overrides, **switches).probabilities()[0]


#: The real coercion data sets (never committed): ../shared/data/coercion beside the repo.
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "coercion"


def need_data(name: str) -> Path:
    """The path of a reference data file, or skip the test with the reason when it is absent."""
    path = DATA / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the reference data set is not on this machine "
                    "(it is never committed; see docs/evidence.md)")
    return path
