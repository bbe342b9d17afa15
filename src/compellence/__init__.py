"""compellence: an executable model of coercion against an identity-committed leader.

The public API is what ``__all__`` lists (see docs/api.md)::

    import compellence as c
    r = c.run(c.load("iran-2025-surrender", leader__identity_weight=0.5), runs=2000, seed=1)
    r.outcomes          # a DataFrame: share of each outcome with its 95% interval

Every figure it prints is conditional on the scenario's stated assumptions; it is
not a forecast of real events. The functions live in `api` and are
imported on first use, so ``import compellence`` (and ``compellence --help``) stay fast.
"""

from __future__ import annotations

from importlib import metadata as _metadata
from typing import TYPE_CHECKING, Any

try:
    #: The installed distribution's version: pyproject.toml is the one place it is written.
    __version__ = _metadata.version("compellence")
except _metadata.PackageNotFoundError:  # pragma: no cover - a source tree never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "BacktestResult",
    "Claims",
    "Decision",
    "GameAnalysis",
    "MissingExtra",
    "Results",
    "ScenarioError",
    "Sweep",
    "__version__",
    "backtest",
    "claims",
    "explain",
    "game",
    "load",
    "run",
    "run_outcomes",
    "scenarios",
    "sweep",
]

_FROM = {"ScenarioError": "compellence.scenario.loader", "MissingExtra": "compellence.extras"}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors
    from compellence.api import (
        BacktestResult,
        Claims,
        Decision,
        GameAnalysis,
        Results,
        Sweep,
        backtest,
        claims,
        explain,
        game,  # at run time the callable subpackage compellence.game
        load,
        run,
        run_outcomes,
        scenarios,
        sweep,
    )
    from compellence.extras import MissingExtra
    from compellence.scenario.loader import ScenarioError


def __getattr__(name: str) -> Any:
    """Import the public API on first use (PEP 562), keeping ``import compellence`` light."""
    if name not in __all__:
        raise AttributeError(f"module 'compellence' has no attribute {name!r}")
    import importlib

    if name == "game":  # the subpackage, callable as compellence.api.game (game/__init__.py)
        return importlib.import_module("compellence.game")
    value = getattr(importlib.import_module(_FROM.get(name, "compellence.api")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
