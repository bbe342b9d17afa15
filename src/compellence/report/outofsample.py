"""The out-of-sample section of the report: the four-way score table, the reliability
diagram and the per-group table (demand type, regime type), as self-contained HTML.
It renders from the frames ``backtest --icb --store`` writes to DuckDB, so that
``compellence report --oos FILE`` and ``backtest --icb --html`` show the same."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from compellence.analysis.outofsample import FORECASTERS, LABELS, OutOfSample
from compellence.evidence.icb import MAPPING_VERSION
from compellence.report import figures as fg
from compellence.report.html import CSS, _e, _table

METRICS = ("accuracy", "brier", "log_score")


def reliability_figure(rel: pd.DataFrame, split: str, n: int) -> fg.Figure:
    """Observed frequency against forecast probability, pooled over rows and classes."""
    fig, ax = plt.subplots(figsize=(6.2, 5))
    ax.plot([0, 1], [0, 1], color="gray", lw=0.8, ls="--", label="perfectly calibrated")
    colours = (*fg.COLOURS, "#8c564b", "#e377c2")
    for k, c in zip(FORECASTERS, colours[:len(FORECASTERS)], strict=True):
        r = rel[rel["forecaster"] == k].sort_values("bin")
        if r.empty:   # a run stored before this forecaster existed
            continue
        ax.plot(r["mean_forecast"], r["observed"], marker="o", color=c, label=LABELS[k])
    ax.set_xlabel("forecast probability of a class (bin mean)")
    ax.set_ylabel("observed frequency of that class")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8)
    fg._finish(fig, f"Reliability, {split} split ({n} held-out actors)")
    return fg.Figure(f"reliability-{split}", "Reliability diagram",
                     "Points on the diagonal: forecasts mean what they say; below it at high "
                     "forecasts: over-confident.", fig)


def section_from_frames(scores: pd.DataFrame, groups: pd.DataFrame, rel: pd.DataFrame,
                        header: str) -> str:
    """The section's HTML from stored frames: ``scores`` (split, forecaster, metrics,
    test_rows), ``groups`` (split, group_by, grp, forecaster, n, log_score),
    ``rel`` (split, forecaster, bin, mean_forecast, observed)."""
    parts = [f"<h2>Out of sample: ICB crisis actors (mapping {_e(MAPPING_VERSION)})</h2>",
             header]
    for split in scores["split"].drop_duplicates():
        sc = scores[scores["split"] == split].set_index("forecaster")
        n = int(sc["test_rows"].iloc[0])
        table = pd.DataFrame({"metric": list(METRICS),
                              **{LABELS[k]: [float(sc.loc[k, m]) for m in METRICS]
                                 for k in FORECASTERS if k in sc.index}})
        parts.append(f"<h3>{_e(split)} split: {n} held-out actors</h3>" + _table(table))
        f = reliability_figure(rel[rel["split"] == split], split, n)
        parts.append(f"<figure>{f.svg()}<figcaption class='caption'>{_e(f.caption)}"
                     "</figcaption></figure>")
        f.close()
        g = groups[(groups["split"] == split)
                   & groups["group_by"].isin(("demand_type", "regime_type"))]
        piv = g.pivot_table(index=["group_by", "grp"], columns="forecaster",
                            values="log_score").reset_index()
        counts = g.groupby(["group_by", "grp"])["n"].first().reset_index()
        piv = counts.merge(piv, on=["group_by", "grp"]).rename(
            columns={**LABELS, "grp": "group"})
        parts.append("<p>Mean log score by group (lower is better):</p>" + _table(piv))
    parts.append("<p class='caveat'>Every figure is conditional on the coding rules "
                 "(docs/evidence.md); none is a forecast of real events.</p>")
    return "\n".join(parts)


def _header(rows_coded: int, excluded: dict[str, int], command: str) -> str:
    return (f"<p>{rows_coded} crisis-actor rows coded; excluded: "
            + _e("; ".join(f"{k}: {v}" for k, v in excluded.items())) + ".</p>"
            f"<p class='muted'>Command: <code>{_e(command)}</code></p>")


def section(results: list[OutOfSample], rows_coded: int, excluded: dict[str, int],
            command: str) -> str:
    """The section's HTML from in-memory results."""
    scores = pd.DataFrame([{"split": r.split, "forecaster": k, **v,
                            "test_rows": r.n_test_rows}
                           for r in results for k, v in r.scores.items()])
    groups = pd.concat([r.by_group.assign(split=r.split) for r in results]).rename(
        columns={"group": "grp"})
    rel = pd.concat([r.reliability.assign(split=r.split) for r in results])
    return section_from_frames(scores, groups, rel, _header(rows_coded, excluded, command))


def section_from_store(path: str | Path) -> str:
    """The section of the newest backtest run stored in a DuckDB file."""
    import json

    import duckdb

    from compellence.analysis.store import StoreError

    if not Path(path).is_file():
        raise StoreError(f"{path}: no such results file")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise StoreError(f"{path}: cannot open it as a DuckDB file ({exc})") from None
    try:
        run = con.execute("SELECT * FROM oos_runs ORDER BY created DESC LIMIT 1").df()
    except duckdb.Error:
        con.close()
        raise StoreError(f"{path}: holds no out-of-sample results (write them with "
                         "`compellence backtest --icb ... --store FILE`)") from None
    try:
        if run.empty:
            raise StoreError(f"{path}: holds no out-of-sample run")
        rid = run["run_id"].iloc[0]
        frames = [con.execute(f"SELECT * FROM {t} WHERE run_id = ?", [rid]).df()
                  for t in ("oos_scores", "oos_groups", "oos_reliability")]
    finally:
        con.close()
    header = _header(int(run["rows_coded"].iloc[0]), json.loads(run["excluded"].iloc[0]),
                     str(run["command"].iloc[0]))
    return section_from_frames(*frames, header)


def write_section(path: str | Path, results: list[OutOfSample], rows_coded: int,
                  excluded: dict[str, int], command: str) -> None:
    """A standalone HTML page holding the section."""
    body = section(results, rows_coded, excluded, command)
    Path(path).write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>"
                          f"Out-of-sample backtest</title><style>{CSS}</style></head>"
                          f"<body>{body}</body></html>", "utf-8")
