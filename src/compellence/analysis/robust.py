"""Robust coercer strategies under uncertainty about the leader ("Washington's dilemma").

Each strategy (a ``[coercer]`` table: a built-in name from
``compellence/scenario/strategies`` or a TOML file) replaces the scenario's coercer
and is run over the *same* sample of leader uncertainty: the leader's type drawn
from a mixture (``--types identity-committed:0.5,cost-benefit:0.5``) and any
parameter ranges (``--over leader.martyrdom_valuation=-0.5:0.8``), sampled by a
Latin hypercube. Every strategy meets the same uncertainty points with the same
seeds (common random numbers), so differences are not sampling noise.

The coercer's value of a point is what it obtains, concession × (capitulation share
× demand + deal share × min(demand, core threshold)), plus weighted shares of the
costly outcomes (defaults in :data:`DEFAULT_VALUES`, a stated judgement a user can
change). Per strategy we
report the mean outcome shares, the mean value, the worst case (lowest value over
points), the regret (best strategy's value at a point minus this one's: mean and
maximum) and the satisficing score (share of points whose value reaches
``satisfice``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compellence.analysis.design import DesignError, ParamRange
from compellence.analysis.sweep import aggregate, point_seed, scenario_at
from compellence.engine import simulate
from compellence.scenario.loader import ScenarioError, merge
from compellence.scenario.profiles import PROFILES
from compellence.scenario.schema import Scenario

#: The coercer's values, as in the game's coercer payoff: each unit of the core
#: program conceded is worth ``concession`` (a capitulation concedes the demand, a
#: deal min(demand, core threshold)); a stalemate under sustained pressure, war,
#: regime collapse and a killed leader (martyrdom, escalation risk) are costs; backing
#: down costs its audience cost (−0.5, as [coercer.aims]); a regime removed by force is
#: counted as neither gain nor loss here (0: its worth is the user's judgement).
DEFAULT_VALUES = {"concession": 1.0, "ongoing": -0.2, "war": -1.0, "collapse": -0.5,
                  "leader_killed": -0.3, "backed_down": -0.5, "removed": 0.0}

STRATEGY_PACKAGE = "compellence.scenario.strategies"


def strategy_names() -> list[str]:
    files = resources.files(STRATEGY_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".toml") for f in files if f.name.endswith(".toml"))


def load_strategy(ref: str) -> tuple[str, dict[str, Any]]:
    """A strategy's name and its ``[coercer]`` table."""
    if ref in strategy_names():
        text = resources.files(STRATEGY_PACKAGE).joinpath(f"{ref}.toml").read_text("utf-8")
        source = f"strategy '{ref}'"
    elif Path(ref).is_file():
        text, source = Path(ref).read_text("utf-8"), ref
    else:
        raise ScenarioError(ref, "", "not a built-in strategy (" + ", ".join(strategy_names())
                            + ") nor a file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, "", f"malformed TOML: {exc}") from None
    if not isinstance(data.get("coercer"), dict):
        raise ScenarioError(source, "coercer", "a strategy file needs a [coercer] table")
    return str(data.get("name", Path(ref).stem)), data["coercer"]


def apply_strategy(sc: Scenario, ref: str) -> Scenario:
    """The scenario with a strategy's ``[coercer]`` table in force (named '<scenario> +
    <strategy>')."""
    from compellence.scenario.loader import validate

    name, coercer = load_strategy(ref)
    raw = merge(sc.model_dump(mode="json", by_alias=True, exclude={"extends"}),
                 {"coercer": coercer})
    raw["name"] = f"{sc.name} + {name}"
    raw["title"] = f"{sc.name} with the coercer of strategy '{name}'"
    own = strategy_description(ref)
    raw["description"] = (f"Strategy '{name}': {own}\n\nApplied to {sc.name}, whose leader, "
                          f"regime and dynamics it keeps.")
    return validate(raw, f"strategy '{name}'")


def strategy_description(ref: str) -> str:
    """A strategy file's own description (its ``description`` field), or a note that it
    has none."""
    if ref in strategy_names():
        text = resources.files(STRATEGY_PACKAGE).joinpath(f"{ref}.toml").read_text("utf-8")
    else:
        text = Path(ref).read_text("utf-8")
    desc = tomllib.loads(text).get("description", "")
    return " ".join(str(desc).split()) or "(the strategy file has no description)"


def is_strategy(ref: str) -> bool:
    """A built-in strategy name, or a TOML file holding a [coercer] table and nothing of a
    scenario's other tables."""
    if ref in strategy_names():
        return True
    path = Path(ref)
    if not (path.suffix == ".toml" and path.is_file()):
        return False
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return "coercer" in data and not {"leader", "regime", "dynamics", "extends"} & set(data)


#: How far the --types weights may sum from 1 (they are probabilities, typed by hand).
WEIGHT_TOLERANCE = 1e-6


def parse_types(text: str) -> dict[str, float]:
    """``identity-committed:0.5,cost-benefit:0.5`` → the type mixture's probabilities.

    Weights are probabilities: each in [0, 1], summing to 1 (a mixture summing to 1.1 is a
    typing error, not something to rescale silently). Names without weights
    (``identity-committed,cost-benefit``) get equal weights; mixing the two forms is an error.
    """
    out: dict[str, float | None] = {}
    for part in text.split(","):
        name, _, w = part.partition(":")
        name = name.strip()
        if name not in PROFILES:
            raise DesignError(f"--types: unknown profile '{name}' (expected one of "
                              f"{', '.join(PROFILES)})")
        if name in out:
            raise DesignError(f"--types: '{name}' is given twice")
        try:
            out[name] = float(w) if w.strip() else None
        except ValueError:
            raise DesignError(f"--types: weight of '{name}' must be a number, got "
                              f"{w!r}") from None
    given = [v for v in out.values() if v is not None]
    if not given:
        return {k: 1 / len(out) for k in out}
    if len(given) != len(out):
        raise DesignError("--types: give a weight to every type (e.g. identity-committed:0.7,"
                          "cost-benefit:0.3) or to none (equal weights)")
    if any(not 0 <= v <= 1 for v in given):
        raise DesignError("--types: each weight is a probability in [0, 1]")
    total = sum(given)
    if abs(total - 1) > WEIGHT_TOLERANCE:
        raise DesignError(f"--types: weights are probabilities and must sum to 1, got "
                          f"{total:g} ({text})")
    return {k: float(v) / total for k, v in out.items()}  # type: ignore[arg-type]


@dataclass
class RobustResult:
    """The per-strategy table and the per-point outcomes behind it."""

    table: pd.DataFrame
    points: pd.DataFrame
    values: dict[str, float]


def uncertainty_sample(over: list[ParamRange], types: dict[str, float], samples: int,
                       seed: int) -> pd.DataFrame:
    """A Latin hypercube over the parameter ranges plus one dimension for the type."""
    from scipy.stats import qmc
    unit = qmc.LatinHypercube(d=len(over) + 1, seed=np.random.default_rng(seed)).random(samples)
    frame = pd.DataFrame({p.path: p.low + unit[:, k] * (p.high - p.low)
                          for k, p in enumerate(over)})
    names = list(types)
    cdf = np.cumsum([types[n] for n in names])
    frame["leader.profile"] = [names[min(int(np.searchsorted(cdf, u, side="right")),
                                         len(names) - 1)] for u in unit[:, -1]]
    return frame


def robust(sc: Scenario, strategies: list[str], over: list[ParamRange],
           types: dict[str, float], samples: int = 64, runs: int = 500, seed: int = 0,
           satisfice: float = 0.3, values: dict[str, float] | None = None,
           progress: Callable[[int], None] | None = None) -> RobustResult:
    """Evaluate each strategy over the same sampled uncertainty about the leader
    (``progress(1)`` after each point of each strategy)."""
    values = {**DEFAULT_VALUES, **(values or {})}
    sample = uncertainty_sample(over, types, samples, seed)
    base = sc.model_dump(mode="json", by_alias=True, exclude={"extends"})
    rows = []
    for ref in strategies:
        name, coercer = load_strategy(ref)
        raw = merge(base, {"coercer": coercer})
        for k, point in sample.iterrows():
            params = {"leader.profile": point["leader.profile"],
                      **{p.path: float(point[p.path]) for p in over}}
            s = scenario_at(raw, params)
            agg = aggregate(simulate(s, runs=runs, seed=point_seed(seed, k)))
            value = coercer_value(s, agg, values)
            rows.append({"strategy": name, "point": k, "type": point["leader.profile"],
                         **{p.path: float(point[p.path]) for p in over}, **agg,
                         "value": value})
            if progress is not None:
                progress(1)
    pts = pd.DataFrame(rows)
    best = pts.groupby("point")["value"].transform("max")
    pts["regret"] = best - pts["value"]
    g = pts.groupby("strategy", sort=False)
    table = pd.DataFrame({
        "capitulation": g["capitulation"].mean(), "deal": g["deal"].mean(),
        "war": g["war"].mean(), "collapse": g["collapse"].mean(),
        "ongoing": g["ongoing"].mean(), "leader_killed": g["leader_killed"].mean(),
        "mean_value": g["value"].mean(), "worst_case": g["value"].min(),
        "mean_regret": g["regret"].mean(), "max_regret": g["regret"].max(),
        "satisficing": g["value"].apply(lambda v: float((v >= satisfice).mean())),
    }).reset_index()
    return RobustResult(table, pts, values)


#: The decision criteria, the per-point series each is computed from, and its direction.
CRITERIA = {"mean_value": ("value", np.mean, True), "worst_case": ("value", np.min, True),
            "max_regret": ("regret", np.max, False),
            "satisficing": ("value", None, True)}


def best_by(res: RobustResult, satisfice: float, seed: int = 0) -> dict[str, list[str]]:
    """For each criterion, the best strategy and every strategy tied with it within Monte
    Carlo error (a paired bootstrap over the shared uncertainty points; see
    :func:`compellence.analysis.intervals.leaders`). A list of two or more is a tie."""
    from compellence.analysis.intervals import leaders

    pts = res.points.sort_values(["strategy", "point"])
    out: dict[str, list[str]] = {}
    for crit, (column, stat, higher) in CRITERIA.items():
        fn = stat if stat is not None else (lambda v: float((v >= satisfice).mean()))
        samples = {name: g[column].to_numpy(float)
                   for name, g in pts.groupby("strategy", sort=False)}
        out[crit] = leaders(samples, fn, higher, seed=seed)
    return out


def intervals(res: RobustResult, satisfice: float) -> dict[str, dict[str, Any]]:
    """Per strategy: the mean value's interval over points and the satisficing share's."""
    from compellence.analysis import intervals as iv

    out = {}
    for name, g in res.points.groupby("strategy", sort=False):
        v = g["value"].to_numpy(float)
        out[str(name)] = {"mean_value": iv.mean(v).to_dict(),
                          "satisficing": iv.share(int((v >= satisfice).sum()), len(v)).to_dict()}
    return out


def _number(value: Any) -> float:
    return float(value.mean()) if hasattr(value, "mean") else float(value)


def coercer_value(s: Scenario, agg: dict[str, float], values: dict[str, float]) -> float:
    """The coercer's value of a point's outcome shares (see the module docstring)."""
    d = _number(s.coercer.demand)
    core = _number(s.regime.core_threshold)
    got = agg["capitulation"] * d + agg["deal"] * min(d, core)
    return values["concession"] * got + sum(
        values[k] * agg[k] for k in ("ongoing", "war", "collapse", "leader_killed",
                                     "backed_down", "removed"))
