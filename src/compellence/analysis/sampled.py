"""The per-run values of a scenario's sampled parameters, for the per-run output.

A parameter given as a distribution is drawn once per run; ``compellence run --out``
adds one column per such parameter (named by its dotted path) so that outcomes can be
read against the draws that produced them. The values come from the engine's own
:func:`compellence.engine.params.materialize`, so they are the ones the runs used.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from compellence.scenario.distributions import _Dist

#: Which RunParams bundle holds the parameters under each scenario table.
_BUNDLES = (("coercer.pressure.", "pressure"), ("coercer.adaptive.", "adaptive"),
            ("coercer.aims.", "aims"), ("selectorate.", "selectorate"),
            ("coercer.", "offer"), ("leader.", "leader"), ("regime.", "regime"),
            ("dynamics.", "dynamics"))


def sampled_paths(sc: BaseModel, prefix: str = "") -> list[str]:
    """Dotted paths of every field of the scenario given as a distribution."""
    paths: list[str] = []
    for name in type(sc).model_fields:
        value = getattr(sc, name)
        if isinstance(value, _Dist):
            paths.append(prefix + name)
        elif isinstance(value, BaseModel):
            paths.extend(sampled_paths(value, f"{prefix}{name}."))
    return paths


def _lookup(params: Any, path: str) -> np.ndarray | None:
    for head, bundle in _BUNDLES:
        if path.startswith(head):
            value = getattr(params, bundle).get(path.removeprefix(head))
            return value if isinstance(value, np.ndarray) else None
    return None


def sampled_columns(sc: Any, seed: int, runs: int, chunk: int = 65_536) -> pd.DataFrame:
    """One column per sampled parameter, one row per run (empty when nothing is sampled)."""
    from compellence.engine.params import materialize

    paths = sampled_paths(sc)
    parts: dict[str, list[np.ndarray]] = {p: [] for p in paths}
    for start in range(0, runs, chunk) if paths else ():
        params = materialize(sc, seed, start, min(start + chunk, runs))
        for p in paths:
            values = _lookup(params, p)
            if values is not None:
                parts[p].append(values)
    return pd.DataFrame({p: np.concatenate(v) for p, v in parts.items() if v})
