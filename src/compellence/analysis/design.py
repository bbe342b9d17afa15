"""Experimental designs over named scenario parameters: full grids, Latin hypercubes, Sobol.

A parameter is named by its dotted path in the scenario (``leader.identity_weight``,
``coercer.pressure.sanctions``); only numeric parameters with a declared range can
be varied, and a range must be non-empty and inside the declared one. A design is
a DataFrame with one row per design point and one column per parameter; its
``spec`` (a plain dict) identifies it for storage and resumption.

- grid: ``--param PATH=LO:HI:N`` for each parameter; the Cartesian product.
- lhs: ``--lhs N`` with ``--param PATH=LO:HI``: scipy's Latin hypercube, seeded.
- sobol: ``--sobol N`` with ``--param PATH=LO:HI``: SALib's Saltelli sampling,
  N·(2D + 2) points, the design SALib's Sobol analysis expects.
- morris: SALib's Morris trajectories (N trajectories, N·(D + 1) points).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from compellence.scenario.schema import Scenario


class DesignError(ValueError):
    """A bad parameter name or range: the message says which and what was expected."""


def numeric_parameters(model: type[BaseModel] = Scenario, prefix: str = "") -> dict[str,
                                                                                     tuple]:
    """Every variable parameter: {path: (low, high, unit, mechanism)}."""
    out: dict[str, tuple] = {}
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        extra = info.json_schema_extra
        if isinstance(extra, dict) and "range" in extra:
            lo, hi = extra["range"]
            out[path] = (float(lo), float(hi), extra.get("unit", ""), extra.get("mechanism", ""))
            continue
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel) and name != "game":
            out.update(numeric_parameters(ann, path + "."))
    return out


@dataclass(frozen=True)
class ParamRange:
    """A parameter to vary and its range (``levels`` for a grid)."""

    path: str
    low: float
    high: float
    levels: int | None = None


def parse_param(text: str, grid: bool) -> ParamRange:
    """Parse ``PATH=LO:HI[:N]`` and check the name and range against the schema."""
    path, sep, rng = text.partition("=")
    path = path.strip()
    known = numeric_parameters()
    if not sep:
        raise DesignError(f"--param {text!r}: expected PATH=LO:HI" + (":N" if grid else ""))
    if path not in known:
        import difflib
        hint = difflib.get_close_matches(path, list(known), n=1)
        did = f"; did you mean '{hint[0]}'?" if hint else ""
        raise DesignError(f"--param {path!r}: not a numeric scenario parameter{did} "
                          "(see `compellence schema`)")
    parts = rng.split(":")
    want = 3 if grid else 2
    if len(parts) != want:
        raise DesignError(f"--param {text!r}: expected {path}=LO:HI" + (":N" if grid else "")
                          + (" (a grid needs the number of levels)" if grid else ""))
    try:
        low, high = float(parts[0]), float(parts[1])
        levels = int(parts[2]) if grid else None
    except ValueError:
        raise DesignError(f"--param {text!r}: LO and HI must be numbers"
                          + (", N an integer" if grid else "")) from None
    lo_ok, hi_ok = known[path][0], known[path][1]
    if not low < high:
        raise DesignError(f"--param {path}: empty or inverted range {low}:{high} "
                          "(expected LO < HI)")
    if low < lo_ok or high > hi_ok:
        raise DesignError(f"--param {path}: range {low}:{high} leaves the declared range "
                          f"[{lo_ok}, {hi_ok}]")
    if levels is not None and levels < 2:
        raise DesignError(f"--param {path}: a grid needs at least 2 levels, got {levels}")
    return ParamRange(path, low, high, levels)


@dataclass
class Design:
    """Design points (rows) over parameters (columns), with the spec that made them."""

    points: pd.DataFrame
    spec: dict[str, Any]


def grid(params: list[ParamRange]) -> Design:
    """Full factorial grid."""
    axes = [np.linspace(p.low, p.high, p.levels or 2) for p in params]
    rows = list(itertools.product(*axes))
    frame = pd.DataFrame(rows, columns=[p.path for p in params])
    return Design(frame, {"kind": "grid", "params": [p.__dict__ for p in params]})


def _problem(params: list[ParamRange]) -> dict[str, Any]:
    return {"num_vars": len(params), "names": [p.path for p in params],
            "bounds": [[p.low, p.high] for p in params]}


def lhs(params: list[ParamRange], n: int, seed: int) -> Design:
    """Latin hypercube of n points (scipy.stats.qmc), seeded."""
    from scipy.stats import qmc
    unit = qmc.LatinHypercube(d=len(params), seed=np.random.default_rng(seed)).random(n)
    lo = np.array([p.low for p in params])
    hi = np.array([p.high for p in params])
    frame = pd.DataFrame(lo + unit * (hi - lo), columns=[p.path for p in params])
    return Design(frame, {"kind": "lhs", "n": n, "params": [p.__dict__ for p in params]})


def sobol(params: list[ParamRange], n: int, seed: int) -> Design:
    """SALib Saltelli/Sobol sample: n·(2D + 2) points (n a power of two is best)."""
    from SALib.sample import sobol as sobol_sample
    values = sobol_sample.sample(_problem(params), n, calc_second_order=True, seed=seed)
    frame = pd.DataFrame(values, columns=[p.path for p in params])
    return Design(frame, {"kind": "sobol", "n": n, "params": [p.__dict__ for p in params]})


def morris(params: list[ParamRange], n: int, seed: int) -> Design:
    """SALib Morris trajectories: n·(D + 1) points."""
    from SALib.sample import morris as morris_sample
    values = morris_sample.sample(_problem(params), n, num_levels=4, seed=seed)
    frame = pd.DataFrame(values, columns=[p.path for p in params])
    return Design(frame, {"kind": "morris", "n": n, "params": [p.__dict__ for p in params]})


def problem(design: Design) -> dict[str, Any]:
    """The SALib problem dict of a design."""
    return _problem([ParamRange(**p) for p in design.spec["params"]])
