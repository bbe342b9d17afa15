"""The game: extensive-form construction from the utility terms, solvers, .efg export.

The package is also the public function ``compellence.game(scenario, ...)``: calling it
calls `compellence.api.game` (the name is both, so that neither ``c.game(sc)`` nor
``import compellence.game.tree`` shadows the other).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    """This package, callable as `compellence.api.game`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from compellence.api import game

        return game(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
