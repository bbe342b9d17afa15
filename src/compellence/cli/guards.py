"""Guards shared by the commands: output paths checked before any work, finite numbers,
strict stamped JSON, stamped Parquet, and estimates and caps for large jobs.

Every guard fails with one line and exit code 2 (``common._fail``), never a traceback.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compellence.cli.common import _fail, err
from compellence.provenance import stamp
from compellence.report.jsonout import dumps
from compellence.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

#: The schema's cap on runs (``runs`` in a scenario file); the CLI's --runs has the same.
MAX_RUNS: int = next(m.le for m in Scenario.model_fields["runs"].metadata
                     if hasattr(m, "le"))
#: Peak bytes per run while a per-run table is kept, for the estimate and the memory and
#: disk refusals: the peak resident memory of `compellence run iran-2025-surrender --runs N
#: --no-stream --json` grew by 392 B per run from 10^3 to 10^6 runs (257 MB → 649 MB) and
#: by 407 B per run from 10^6 to 2×10^6 (1,056 MB; model version 5, 2026-12-01; the
#: chunks' columns and their concatenation are both held at the end;
#: benchmarks/results/memory.txt), rounded up so that a refusal errs on the safe side.
BYTES_PER_RUN = 450
#: Run-rounds per second of the compiled backend on a 2-core machine, counted as runs ×
#: horizon (benchmarks/results/run-2core.json: 5.3e6–6.2e6 at 10^5–10^7 runs of model
#: version 5, 4.0e6–5.1e6 in the run before; below the low end of both, so that an estimate
#: errs on the long side on a loaded machine).
RUN_ROUNDS_PER_SECOND = 4e6
#: Jobs larger than this many run-rounds print an estimate first.
ESTIMATE_ABOVE = 5e8


def output(path: Path | None, suffixes: tuple[str, ...], option: str) -> None:
    """Check an output file before any work: its suffix, a writable existing folder, not a
    folder itself."""
    if path is None:
        return
    if path.suffix.lower() not in suffixes:
        _fail(f"{path}: {option} expects a {' or '.join(suffixes)} file name")
    if path.is_dir():
        _fail(f"{path}: {option} names a folder; expected a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        _fail(f"{path}: {option}: no such folder {parent}")
    if not os.access(parent, os.W_OK | os.X_OK) or (path.exists() and
                                                    not os.access(path, os.W_OK)):
        _fail(f"{path}: {option}: not writable")


def finite(value: float | None) -> float | None:
    """A typer callback: refuse NaN and ±inf (they pass every range check)."""
    if value is not None and not math.isfinite(value):
        import typer

        raise typer.BadParameter(f"expected a finite number, got {value}")
    return value


def print_json(data: Any) -> None:
    """Print strict JSON (null for undefined figures), stamped with the provenance."""
    if isinstance(data, dict):
        data = {**data, "provenance": stamp()}
    print(dumps(data))


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write a table to .csv or .parquet (the Parquet file carries the provenance in its
    schema metadata under ``compellence``); a write failure is one line."""
    try:
        if path.suffix.lower() == ".csv":
            frame.to_csv(path, index=False)
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        meta = dict(table.schema.metadata or {})
        meta[b"compellence"] = json.dumps(stamp()).encode()
        pq.write_table(table.replace_schema_metadata(meta), path)
    except OSError as exc:
        _fail(f"{path}: cannot write: {exc}")


def runs_cap(runs: int | None) -> None:
    """The CLI's --runs has the schema's cap."""
    if runs is not None and runs > MAX_RUNS:
        _fail(f"--runs {runs:,}: at most {MAX_RUNS:,} (the scenario schema's cap)")


def _available_memory() -> int | None:
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return None


def estimate(runs: int, horizon: int, out_file: Path | None, keeps_table: bool,
             quiet: bool = False) -> None:
    """Print a time and memory estimate for a large job, and refuse a per-run table that
    cannot fit in memory or on the disk of ``out_file``."""
    table_bytes = runs * BYTES_PER_RUN
    if keeps_table:
        free = _available_memory()
        if free is not None and table_bytes > free:
            _fail(f"{runs:,} runs need about {table_bytes / 1e9:,.1f} GB for the per-run "
                  f"table, more than the {free / 1e9:,.1f} GB of free memory: use fewer "
                  "runs, or --stream without --out")
    if out_file is not None:
        folder = out_file.parent if str(out_file.parent) else Path(".")
        disk = shutil.disk_usage(folder).free
        if table_bytes > disk:
            _fail(f"{out_file}: {runs:,} runs need up to {table_bytes / 1e9:,.1f} GB, more "
                  f"than the {disk / 1e9:,.1f} GB free there")
    work = runs * horizon
    if work > ESTIMATE_ABOVE and not quiet:
        mem = f"about {table_bytes / 1e9:,.1f} GB for the per-run table" if keeps_table \
            else "bounded memory (no per-run table is kept)"
        minutes = work / RUN_ROUNDS_PER_SECOND / 60
        err.print(f"[dim]estimate: {runs:,} runs × {horizon} rounds ≈ {minutes:,.1f} min "
                  f"(compiled backend, 2 cores), {mem}[/]", highlight=False)
