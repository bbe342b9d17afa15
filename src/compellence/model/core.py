"""Shared vocabulary of the model: actions, outcomes, utility terms, and a named bundle.

The names live in :mod:`compellence.model.layout` with the kernel's column positions;
they are re-exported here for the modules that only need the vocabulary.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from compellence.model.layout import (
    ACTIONS,
    CAPITULATE,
    CAPITULATION,
    COLLAPSE,
    DEAL,
    DEAL_OUTCOME,
    ESCALATE,
    ONGOING,
    OUTCOMES,
    RESIST,
    TERMS,
    WAR,
)

__all__ = ["ACTIONS", "CAPITULATE", "CAPITULATION", "COLLAPSE", "DEAL", "DEAL_OUTCOME",
           "ESCALATE", "ONGOING", "OUTCOMES", "RESIST", "TERMS", "WAR", "Bundle"]


class Bundle(dict[str, Any]):
    """A dict of per-run arrays with attribute access (``b.economy``)."""

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
