"""Results storage in DuckDB: experiments, their design points and outcome aggregates.

Tables (``SCHEMA_VERSION`` in ``meta``):
- ``meta(key, value)``: the storage schema version and the package that wrote it;
- ``experiments``: one row per experiment (id, date, package version, scenario
  name and full validated scenario as JSON, design spec, seed, runs per point,
  number of points, the command line);
- ``points(experiment, point, seed, params)``: the whole design, written first
  (params as JSON);
- ``aggregates(experiment, point, ...)``: outcome shares and means per point,
  written as points complete, one transaction per batch;
- ``runs(experiment, point, run, ...)``: per-run outcomes, only with --store-runs.

An experiment's id is a hash of its scenario, design, seed and runs, so the
same command finds its own experiment and resumes it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from compellence import __version__

SCHEMA_VERSION = 1

#: Columns of the aggregates table, in order (shares and means over a point's runs).
AGGREGATES = ("ongoing", "capitulation", "deal", "war", "collapse", "leader_killed",
              "mean_rounds", "mean_p_capitulate", "mean_p_deal", "mean_final_base",
              "mean_final_economy")


class StoreError(RuntimeError):
    """The results file cannot be used: names the file and what is wrong."""


def experiment_id(scenario_json: str, spec: dict[str, Any], seed: int, runs: int) -> str:
    """Stable id of an experiment (scenario, design, seed, runs per point)."""
    text = json.dumps({"s": scenario_json, "d": spec, "seed": seed, "runs": runs},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class Store:
    """A DuckDB results file."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        import duckdb

        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such results file")
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a readable DuckDB results file ({exc})") \
                from None
        self._init()

    def _init(self) -> None:
        tables = {r[0] for r in self.con.execute("select table_name from "
                                                 "information_schema.tables").fetchall()}
        if "meta" in tables:
            row = self.con.execute("select value from meta where key = 'schema_version'"
                                   ).fetchone()
            if row is None or int(row[0]) != SCHEMA_VERSION:
                found = row[0] if row else "none"
                raise StoreError(f"{self.path}: results schema version {found}, this "
                                 f"compellence reads version {SCHEMA_VERSION}; export it with "
                                 "the version that wrote it, or write to a new file")
            return
        if tables:
            raise StoreError(f"{self.path}: a DuckDB file, but not a compellence results file")
        aggs = ", ".join(f"{c} DOUBLE" for c in AGGREGATES)
        self.con.execute("begin")
        self.con.execute("create table meta(key varchar primary key, value varchar)")
        self.con.execute("insert into meta values ('schema_version', ?), ('package', ?)",
                         [str(SCHEMA_VERSION), f"compellence {__version__}"])
        self.con.execute("""create table experiments(id varchar primary key, created timestamp,
            package varchar, scenario_name varchar, scenario_json varchar, design_json varchar,
            seed bigint, runs_per_point integer, n_points integer, command varchar)""")
        self.con.execute("""create table points(experiment varchar, point integer, seed ubigint,
            params varchar, primary key (experiment, point))""")
        self.con.execute(f"""create table aggregates(experiment varchar, point integer, {aggs},
            primary key (experiment, point))""")
        self.con.execute("""create table runs(experiment varchar, point integer, run integer,
            outcome varchar, rounds integer, martyred boolean, leader_generation integer,
            p_capitulate double, p_deal double)""")
        self.con.execute("commit")

    def close(self) -> None:
        self.con.close()

    def has_experiment(self, exp: str) -> bool:
        return self.con.execute("select count(*) from experiments where id = ?",
                                [exp]).fetchone()[0] > 0

    def add_experiment(self, exp: str, scenario_name: str, scenario_json: str,
                       spec: dict[str, Any], seed: int, runs: int, points: pd.DataFrame,
                       seeds: list[int], command: str) -> None:
        """Record an experiment and its whole design (before any point is computed)."""
        self.con.execute("begin")
        self.con.execute("insert into experiments values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [exp, datetime.now(UTC).replace(tzinfo=None), __version__,
                          scenario_name, scenario_json, json.dumps(spec), seed, runs,
                          len(points), command])
        rows = pd.DataFrame({"experiment": exp, "point": range(len(points)),
                             "seed": seeds,
                             "params": [json.dumps(r) for r in points.to_dict("records")]})
        self.con.register("new_points", rows)
        self.con.execute("insert into points select * from new_points")
        self.con.unregister("new_points")
        self.con.execute("commit")

    def done_points(self, exp: str) -> set[int]:
        return {r[0] for r in self.con.execute(
            "select point from aggregates where experiment = ?", [exp]).fetchall()}

    def write_batch(self, exp: str, rows: list[dict[str, Any]],
                    runs: pd.DataFrame | None = None) -> None:
        """Store computed points atomically (a batch lands whole or not at all)."""
        frame = pd.DataFrame(rows)[["point", *AGGREGATES]]
        frame.insert(0, "experiment", exp)
        self.con.execute("begin")
        self.con.register("new_aggs", frame)
        self.con.execute("insert into aggregates select * from new_aggs")
        self.con.unregister("new_aggs")
        if runs is not None and len(runs):
            runs = runs.assign(experiment=exp)[["experiment", "point", "run", "outcome",
                                                "rounds", "martyred", "leader_generation",
                                                "p_capitulate", "p_deal"]]
            self.con.register("new_runs", runs)
            self.con.execute("insert into runs select * from new_runs")
            self.con.unregister("new_runs")
        self.con.execute("commit")

    def experiments(self) -> pd.DataFrame:
        """All experiments with their progress."""
        return self.con.execute("""select e.id, e.created, e.scenario_name, e.runs_per_point,
            e.n_points, count(a.point) as done, e.package, e.command from experiments e
            left join aggregates a on a.experiment = e.id group by all order by e.created
            """).df()

    def resolve(self, exp: str | None) -> str:
        """An experiment id (the latest when None); a clear error when unknown."""
        ids = self.experiments()["id"].tolist()
        if not ids:
            raise StoreError(f"{self.path}: holds no experiment")
        if exp is None:
            return ids[-1]
        match = [i for i in ids if i.startswith(exp)]
        if len(match) != 1:
            raise StoreError(f"{self.path}: no single experiment matches '{exp}' "
                             f"(have: {', '.join(ids)})")
        return match[0]

    def meta(self, exp: str) -> dict[str, Any]:
        row = self.con.execute("select * from experiments where id = ?", [exp]).df()
        rec = row.iloc[0].to_dict()
        rec["design"] = json.loads(rec.pop("design_json"))
        return rec

    def table(self, exp: str) -> pd.DataFrame:
        """Design points with their parameters as columns and their aggregates."""
        pts = self.con.execute("select point, seed, params from points where experiment = ? "
                               "order by point", [exp]).df()
        params = pd.DataFrame([json.loads(p) for p in pts["params"]], index=pts.index)
        aggs = self.con.execute("select * exclude (experiment) from aggregates where "
                                "experiment = ? order by point", [exp]).df()
        wide = pd.concat([pts[["point", "seed"]], params], axis=1)
        return wide.merge(aggs, on="point", how="inner")

    def runs(self, exp: str) -> pd.DataFrame:
        return self.con.execute("select * from runs where experiment = ? order by point, run",
                                [exp]).df()
