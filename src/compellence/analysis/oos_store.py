"""Out-of-sample backtest results in DuckDB (beside the sweeps' store, same engine).

Tables, one row set per backtest run (``run_id``, a hash of its content):
- ``oos_runs``: date, package and mapping versions, seed, runs per configuration,
  log-score floor, rows coded, exclusions (JSON) and the command line;
- ``oos_scores(run_id, split, forecaster, accuracy, brier, log_score, test_rows)``;
- ``oos_groups(run_id, split, group_by, grp, forecaster, n, log_score, brier, accuracy)``;
- ``oos_reliability(run_id, split, forecaster, bin, mean_forecast, observed, n)``;
- ``oos_forecasts(run_id, split, fold, forecaster, crisno, cracno, observed,
  p_ongoing, p_capitulation, p_deal)``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from compellence import __version__
from compellence.analysis.outofsample import FLOOR, Engine, OutOfSample
from compellence.analysis.store import StoreError
from compellence.evidence.icb import MAPPING_VERSION

SCHEMA = """
CREATE TABLE IF NOT EXISTS oos_runs(run_id VARCHAR PRIMARY KEY, created VARCHAR,
  version VARCHAR, mapping VARCHAR, seed BIGINT, runs_per_configuration INTEGER,
  log_score_floor DOUBLE, rows_coded INTEGER, excluded VARCHAR, command VARCHAR);
CREATE TABLE IF NOT EXISTS oos_scores(run_id VARCHAR, split VARCHAR, forecaster VARCHAR,
  accuracy DOUBLE, brier DOUBLE, log_score DOUBLE, test_rows INTEGER);
CREATE TABLE IF NOT EXISTS oos_groups(run_id VARCHAR, split VARCHAR, group_by VARCHAR,
  grp VARCHAR, forecaster VARCHAR, n INTEGER, log_score DOUBLE, brier DOUBLE,
  accuracy DOUBLE);
CREATE TABLE IF NOT EXISTS oos_reliability(run_id VARCHAR, split VARCHAR,
  forecaster VARCHAR, bin INTEGER, mean_forecast DOUBLE, observed DOUBLE, n INTEGER);
CREATE TABLE IF NOT EXISTS oos_forecasts(run_id VARCHAR, split VARCHAR, fold VARCHAR,
  forecaster VARCHAR, crisno INTEGER, cracno INTEGER, observed VARCHAR,
  p_ongoing DOUBLE, p_capitulation DOUBLE, p_deal DOUBLE);
"""


def write_results(path: str | Path, results: list[OutOfSample], eng: Engine,
                  rows_coded: int, excluded: dict[str, int], command: str) -> str:
    """Write one backtest run (replacing an identical earlier one); returns its id."""
    import duckdb

    scores = pd.DataFrame([{"split": r.split, "forecaster": k, **v,
                            "test_rows": r.n_test_rows}
                           for r in results for k, v in r.scores.items()])
    run_id = hashlib.sha256(json.dumps(
        {"s": scores.to_dict("records"), "seed": eng.seed, "runs": eng.runs,
         "mapping": MAPPING_VERSION}, sort_keys=True).encode()).hexdigest()[:16]
    groups = pd.concat([r.by_group.assign(split=r.split) for r in results]).rename(
        columns={"group": "grp"})
    rel = pd.concat([r.reliability.assign(split=r.split) for r in results])
    fc = pd.concat([r.forecasts.assign(split=r.split) for r in results]).rename(
        columns={"ongoing": "p_ongoing", "capitulation": "p_capitulation",
                 "deal": "p_deal"})
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot open it as a DuckDB file ({exc})") from None
    try:
        con.execute(SCHEMA)
        con.execute("BEGIN")
        for table in ("oos_runs", "oos_scores", "oos_groups", "oos_reliability",
                      "oos_forecasts"):
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        con.execute("INSERT INTO oos_runs VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [run_id, datetime.now(UTC).isoformat(timespec="seconds"), __version__,
                     MAPPING_VERSION, eng.seed, eng.runs, FLOOR, rows_coded,
                     json.dumps(excluded), command])
        _insert(con, "oos_scores", scores.assign(run_id=run_id),
                ["run_id", "split", "forecaster", "accuracy", "brier", "log_score",
                 "test_rows"])
        _insert(con, "oos_groups", groups.assign(run_id=run_id),
                ["run_id", "split", "group_by", "grp", "forecaster", "n", "log_score",
                 "brier", "accuracy"])
        _insert(con, "oos_reliability", rel.assign(run_id=run_id),
                ["run_id", "split", "forecaster", "bin", "mean_forecast", "observed", "n"])
        _insert(con, "oos_forecasts", fc.assign(run_id=run_id),
                ["run_id", "split", "fold", "forecaster", "crisno", "cracno", "observed",
                 "p_ongoing", "p_capitulation", "p_deal"])
        con.execute("COMMIT")
    finally:
        con.close()
    return run_id


def _insert(con: Any, table: str, frame: pd.DataFrame, cols: list[str]) -> None:
    part = frame[cols].reset_index(drop=True)  # noqa: F841  (read by DuckDB by name)
    con.execute(f"INSERT INTO {table} SELECT {', '.join(cols)} FROM part")


def read_scores(path: str | Path) -> pd.DataFrame:
    """Every stored run's scores, newest first."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT r.created, r.mapping, s.* FROM oos_scores s JOIN oos_runs r "
                           "USING (run_id) ORDER BY r.created DESC, split, forecaster").df()
    finally:
        con.close()
