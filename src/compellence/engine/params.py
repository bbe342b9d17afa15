"""Per-run parameter values by name, exactly as the kernel samples them (for tables and tests).

The kernel samples its parameters itself (:func:`compellence.model.equations.sample_params`);
this module reads the same rows back and names them by section, so that a per-run table can
show the sampled values beside the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from compellence.engine.simulate import sample_params
from compellence.engine.spec import spec_of
from compellence.model import layout as lay
from compellence.model.core import Bundle
from compellence.scenario.schema import Scenario


@dataclass
class RunParams:
    """The sampled parameters of runs [start, stop), by section (``leader``, ``offer`` …)."""

    leader: Bundle
    offer: Bundle
    regime: Bundle
    dynamics: Bundle
    pressure: Bundle
    adaptive: Bundle
    aims: Bundle
    selectorate: Bundle
    n: int

    def by_path(self) -> dict[str, np.ndarray]:
        """{dotted scenario path: per-run values}."""
        out = {}
        for path in lay.V_FIELDS:
            section, name = locate(path)
            out[path] = getattr(self, section)[name]
        return out


#: Which section of RunParams holds each scenario table.
_SECTION = {"coercer": "offer", "coercer.pressure": "pressure", "coercer.adaptive": "adaptive",
            "coercer.aims": "aims"}


def locate(path: str) -> tuple[str, str]:
    """(RunParams section, name in it) of a parameter path: the selectorate's names keep
    their faction (``hardliners.weight``)."""
    if path.startswith("selectorate."):
        return "selectorate", path.removeprefix("selectorate.")
    section, name = path.rsplit(".", 1)
    return _SECTION.get(section, section), name


def materialize(sc: Scenario, seed: int, start: int, stop: int) -> RunParams:
    """Per-run arrays of every numeric parameter for the runs [start, stop)."""
    V = sample_params(spec_of(sc), seed, start, stop)
    parts: dict[str, Bundle] = {k: Bundle() for k in ("leader", "offer", "regime", "dynamics",
                                                      "pressure", "adaptive", "aims",
                                                      "selectorate")}
    for j, path in enumerate(lay.V_FIELDS):
        section, name = locate(path)
        if path == "regime.core_threshold":
            parts["offer"][name] = V[:, j]
        parts[section][name] = V[:, j]
    return RunParams(n=stop - start, **parts)


__all__ = ["RunParams", "materialize"]
