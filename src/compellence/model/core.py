"""Shared vocabulary of the model: actions, outcomes, utility terms, array bundles."""

from __future__ import annotations

from typing import Any

import numpy as np

#: The leader's actions, in the column order of every (runs, 4) utility array.
ACTIONS: tuple[str, ...] = ("resist", "escalate", "deal", "capitulate")
RESIST, ESCALATE, DEAL, CAPITULATE = range(4)

#: How a run ends (ONGOING: still resisting at the horizon). A leader's death is an
#: event, not an outcome: succession goes on.
OUTCOMES: tuple[str, ...] = ("ongoing", "capitulation", "deal", "war", "collapse")
ONGOING, CAPITULATION, DEAL_OUTCOME, WAR, COLLAPSE = range(5)

#: The named terms of the leader's utility, each produced by one function in
#: :mod:`compellence.model.utility`; a decision is their sum.
TERMS: tuple[str, ...] = (
    "identity",        # M1, M5, M10, M12 (+ M2 resolve)
    "sacred",          # M9
    "material",        # material weight, M11 trust discount, M13 decline
    "survival",        # M6 believed collapse, M15 survival weight
    "martyrdom",       # M7
    "pain_valence",    # M3
    "legitimacy",      # standing with the base (M2)
    "future_demands",  # M11
)


class Bundle(dict[str, Any]):
    """A dict of per-run arrays with attribute access (``b.economy``), for readable equations."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def take(self, idx: np.ndarray) -> Bundle:
        """The same bundle restricted to the rows idx (scalars are kept as they are)."""
        return Bundle({k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in self.items()})
