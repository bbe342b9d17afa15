"""Where each claim holds: a Latin hypercube over the essay profile's uncertain parameters.

`compellence claims --map` draws :data:`~compellence.analysis.thresholds.MAP_POINTS`
points over :data:`~compellence.analysis.thresholds.MAP_RANGES` (scipy's Latin
hypercube via :func:`compellence.analysis.design.lhs`), measures every claim's essay
figure at each point (point estimates, :func:`compellence.analysis.claims.map_holds`),
stores design and figures in DuckDB (:class:`compellence.analysis.store.Store`, plus a
``claim_map`` table) and, per claim, reports the share of the space where it holds and
a PRIM box (:func:`compellence.analysis.discovery.discover`) of where it breaks.
Every point uses the same seed, so neighbouring points differ by their parameters,
not by their random numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from compellence.analysis import thresholds as th
from compellence.analysis.claims import SPECS, Ctx, map_holds
from compellence.analysis.design import ParamRange, lhs
from compellence.analysis.discovery import Box, discover
from compellence.analysis.store import Store, experiment_id
from compellence.engine.simulate import one_thread


@dataclass
class ClaimRegion:
    """One claim's holding region over the map."""

    number: int
    holding_share: float
    floor_share: float           # share of points where the essay's figure is at a floor
    box: Box | None              # where it breaks (None: it never or always breaks)
    note: str = ""

    def main_limits(self, keep: float = th.MAP_BOX_KEEP) -> pd.DataFrame:
        """The box's limits on the parameters it really restricts: those whose box range
        is at most ``keep`` of the mapped range (PRIM also lists barely peeled ones)."""
        if self.box is None or self.box.limits.empty:
            return pd.DataFrame(columns=["low", "high"])
        lim = self.box.limits
        width = [(lim.loc[k, "high"] - lim.loc[k, "low"]) /
                 (th.MAP_RANGES[k][1] - th.MAP_RANGES[k][0]) for k in lim.index]
        return lim[[w <= keep for w in width]]

    def sliver(self) -> bool:
        """Holds in less than a quarter of the plausible space."""
        return self.holding_share < 0.25

    def to_dict(self) -> dict[str, Any]:
        box = None
        if self.box is not None:
            box = {"coverage": self.box.coverage, "density": self.box.density,
                   "limits": {k: [float(v["low"]), float(v["high"])]
                              for k, v in self.box.limits.iterrows()},
                   "main_limits": {k: [float(v["low"]), float(v["high"])]
                                   for k, v in self.main_limits().iterrows()}}
        return {"number": self.number, "holding_share": self.holding_share,
                "floor_share": self.floor_share, "breaks_box": box, "note": self.note}


@dataclass
class ClaimMap:
    """The map's points, per-point figures and per-claim regions."""

    experiment: str
    points: pd.DataFrame
    figures: pd.DataFrame            # point, claim, value, state, at_floor, holds
    regions: list[ClaimRegion] = field(default_factory=list)
    runs: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"experiment": self.experiment, "points": len(self.points), "runs": self.runs,
                "ranges": {k: [lo, hi] for k, (lo, hi, _) in th.MAP_RANGES.items()},
                "claims": [r.to_dict() for r in self.regions]}


def _design(points: int, seed: int):
    params = [ParamRange(k, lo, hi) for k, (lo, hi, _) in th.MAP_RANGES.items()]
    return lhs(params, points, seed)


def _ensure_table(store: Store) -> None:
    store.con.execute("""create table if not exists claim_map(experiment varchar,
        point integer, claim integer, value double, state varchar, at_floor boolean,
        holds boolean, primary key (experiment, point, claim))""")


def compute_map(points: int = th.MAP_POINTS, runs: int = th.MAP_RUNS, seed: int = th.MAP_SEED,
                out: str | Path = ":memory:", command: str = "",
                progress: Callable[[int, int], None] | None = None) -> ClaimMap:
    """Measure every claim at every design point (resuming what ``out`` already holds)."""
    design = _design(points, seed)
    store = Store(out)
    try:
        _ensure_table(store)
        spec_json = json.dumps({"claims-map": sorted(th.MAP_RANGES)})
        exp = experiment_id(spec_json, design.spec, seed, runs)
        if not store.has_experiment(exp):
            store.add_experiment(exp, "claims-map", spec_json, design.spec, seed, runs,
                                 design.points, [seed] * len(design.points), command)
        done = {r[0] for r in store.con.execute(
            "select distinct point from claim_map where experiment = ?", [exp]).fetchall()}
        with one_thread():
            for i, row in design.points.iterrows():
                if int(i) in done:
                    continue
                ctx = Ctx(runs, seed, over=row.to_dict(), point=True)
                recs = []
                for spec in SPECS:
                    f = spec.measure(ctx, {})
                    recs.append([exp, int(i), spec.number, f.value, f.state, f.at_floor,
                                 map_holds(spec, f)])
                store.con.execute("begin")
                store.con.executemany("insert into claim_map values (?, ?, ?, ?, ?, ?, ?)",
                                      recs)
                store.con.execute("commit")
                if progress is not None:
                    progress(int(i) + 1, len(design.points))
        figures = store.con.execute("select point, claim, value, state, at_floor, holds from "
                                    "claim_map where experiment = ? order by claim, point",
                                    [exp]).df()
    finally:
        store.close()
    pts = design.points.reset_index(drop=True)
    cmap = ClaimMap(exp, pts, figures, runs=runs)
    cmap.regions = [_region(spec.number, pts, figures) for spec in SPECS]
    return cmap


def _region(number: int, pts: pd.DataFrame, figures: pd.DataFrame) -> ClaimRegion:
    f = figures[figures["claim"] == number].sort_values("point")
    holds = f["holds"].to_numpy(dtype=bool)
    table = pts.iloc[f["point"].to_numpy()].reset_index(drop=True).copy()
    table["breaks"] = (~holds).astype(float)
    share = float(holds.mean()) if len(holds) else float("nan")
    floor = float(f["at_floor"].mean()) if len(f) else float("nan")
    try:
        box = discover(table, list(th.MAP_RANGES), "breaks", 0.5)
        note = ""
    except ValueError as exc:
        box, note = None, str(exc).replace("breaks >= 0.5", "a break")
    return ClaimRegion(number, share, floor, box, note)
