"""Store scores in one DuckDB file: speeches (metadata, counts, measures, z), the
reference statistics, the validation table and provenance. Texts are never stored."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

TABLES = ("speeches", "reference_stats", "validation", "meta")


class StoreError(ValueError):
    """A scores file that cannot be read: the file, the table, what was expected."""


def write(path: Path, speeches: pd.DataFrame, stats: pd.DataFrame, validation: pd.DataFrame,
          meta: dict[str, str]) -> Path:
    """Replace the file's tables with these (one scoring run per file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    try:
        frames = {"speeches": speeches, "reference_stats": stats, "validation": validation,
                  "meta": pd.DataFrame(sorted(meta.items()), columns=["key", "value"])}
        for name, df in frames.items():
            con.register("df_view", df)
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM df_view")
            con.unregister("df_view")
    finally:
        con.close()
    return path


def read(path: Path) -> dict[str, pd.DataFrame]:
    """Every table of a scores file."""
    if not Path(path).exists():
        raise StoreError(f"{path}: file: not found; run `compellence rhetoric score` first")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{path}: file: not a DuckDB scores file ({exc})") from exc
    try:
        have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                .fetchall()}
        missing = [t for t in TABLES if t not in have]
        if missing:
            raise StoreError(f"{path}: tables: expected {', '.join(TABLES)}; missing "
                             f"{', '.join(missing)} (not written by `compellence rhetoric score`)")
        return {t: con.execute(f"SELECT * FROM {t}").df() for t in TABLES}
    finally:
        con.close()
