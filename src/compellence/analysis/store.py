"""Results storage in DuckDB: experiments, their design points and outcome aggregates.

Tables (``SCHEMA_VERSION`` in ``meta``):
- ``meta(key, value)``: the storage schema version and the package that wrote it;
- ``experiments``: one row per experiment (id, date, package version, scenario
  name and full validated scenario as JSON, design spec, seed, runs per point,
  number of points, the command line, the model version and random-number scheme);
- ``points(experiment, point, seed, params)``: the whole design, written first
  (params as JSON);
- ``aggregates(experiment, point, ...)``: outcome shares and means per point,
  written as points complete, one transaction per batch;
- ``runs(experiment, point, run, ...)``: per-run outcomes, only with --store-runs.

An experiment's id is a hash of everything that determines its numbers: the
scenario, the design spec and every design point's values, the seed, the runs, the
package and model versions and the random-number scheme (:mod:`compellence.provenance`).
The same command under the same versions finds its own experiment and resumes it;
any change starts a new experiment instead of mixing results. Version 1 files are
migrated in place (their experiments' model version reads ``unknown``, so they are
shown and exported but never resumed).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from compellence.provenance import stamp

SCHEMA_VERSION = 3
#: What a migrated version-1 experiment records as its model version and scheme.
UNKNOWN = "unknown (stored before provenance)"

#: Columns of the aggregates table, in order (shares and means over a point's runs).
AGGREGATES = ("ongoing", "capitulation", "deal", "war", "collapse", "leader_killed",
              "mean_rounds", "mean_p_capitulate", "mean_p_deal", "mean_final_base",
              "mean_final_economy", "backed_down", "removed")
#: Aggregate columns added by schema version 3 (the coercer's outcomes, issue 12).
ADDED_IN_3 = ("backed_down", "removed")


class StoreError(RuntimeError):
    """The results file cannot be used: names the file and what is wrong."""


def points_digest(points: pd.DataFrame, seeds: list[int]) -> str:
    """A hash of every design point's values (as stored: JSON) and seed."""
    text = json.dumps({"cols": list(points.columns),
                       "rows": [json.dumps(r) for r in points.to_dict("records")],
                       "seeds": [int(s) for s in seeds]})
    return hashlib.sha256(text.encode()).hexdigest()


def experiment_id(scenario_json: str, spec: dict[str, Any], seed: int, runs: int,
                  digest: str = "", provenance: dict[str, str] | None = None) -> str:
    """Stable id of an experiment: scenario, design spec and points, seed, runs per point,
    package and model version, random-number scheme."""
    text = json.dumps({"s": scenario_json, "d": spec, "seed": seed, "runs": runs,
                       "points": digest, "provenance": provenance or stamp()},
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
            if row is not None and row[0] == "1":
                self._migrate_1()
                row = ("2",)
            if row is not None and row[0] == "2":
                self._migrate_2()
                return
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
                         [str(SCHEMA_VERSION), stamp()["package"]])
        self.con.execute("""create table experiments(id varchar primary key, created timestamp,
            package varchar, scenario_name varchar, scenario_json varchar, design_json varchar,
            seed bigint, runs_per_point integer, n_points integer, command varchar,
            model_version varchar, rng_scheme varchar)""")
        self.con.execute("""create table points(experiment varchar, point integer, seed ubigint,
            params varchar, primary key (experiment, point))""")
        self.con.execute(f"""create table aggregates(experiment varchar, point integer, {aggs},
            primary key (experiment, point))""")
        self.con.execute("""create table runs(experiment varchar, point integer, run integer,
            outcome varchar, rounds integer, martyred boolean, leader_generation integer,
            p_capitulate double, p_deal double)""")
        self.con.execute("commit")

    def _migrate_1(self) -> None:
        """Version 1 → 2: add the model version and scheme columns (unknown for old rows)."""
        self.con.execute("begin")
        for col in ("model_version", "rng_scheme"):
            self.con.execute(f"alter table experiments add column {col} varchar")
            self.con.execute(f"update experiments set {col} = ?", [UNKNOWN])
        self.con.execute("update meta set value = ? where key = 'schema_version'",
                         [str(SCHEMA_VERSION)])
        self.con.execute("commit")

    def _migrate_2(self) -> None:
        """Version 2 → 3: add the coercer's outcomes to the aggregates (null for old rows:
        those experiments ran a model without them)."""
        have = {r[0] for r in self.con.execute(
            "select column_name from information_schema.columns where table_name = "
            "'aggregates'").fetchall()}
        self.con.execute("begin")
        for col in ADDED_IN_3:
            if col not in have:
                self.con.execute(f"alter table aggregates add column {col} double")
        self.con.execute("update meta set value = ? where key = 'schema_version'",
                         [str(SCHEMA_VERSION)])
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
        prov = stamp()
        self.con.execute("insert into experiments values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [exp, datetime.now(UTC).replace(tzinfo=None), prov["package_version"],
                          scenario_name, scenario_json, json.dumps(spec), seed, runs,
                          len(points), command, prov["model_version"], prov["rng_scheme"]])
        rows = pd.DataFrame({"experiment": exp, "point": range(len(points)),
                             "seed": seeds,
                             "params": [json.dumps(r) for r in points.to_dict("records")]})
        self.con.register("new_points", rows)
        self.con.execute("insert into points select * from new_points")
        self.con.unregister("new_points")
        self.con.execute("commit")

    def stored_design(self, exp: str) -> tuple[list[dict[str, Any]], list[int]]:
        """The design points (as parameter dicts) and seeds stored for an experiment."""
        rows = self.con.execute("select params, seed from points where experiment = ? "
                                "order by point", [exp]).fetchall()
        return [json.loads(p) for p, _ in rows], [int(s) for _, s in rows]

    def provenance(self, exp: str) -> dict[str, str]:
        """The package, model version and random-number scheme an experiment was made with."""
        row = self.con.execute("select package, model_version, rng_scheme from experiments "
                               "where id = ?", [exp]).fetchone()
        return {"package_version": row[0], "model_version": row[1], "rng_scheme": row[2]}

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
            e.n_points, count(a.point) as done, e.package, e.model_version, e.rng_scheme,
            e.command from experiments e
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
