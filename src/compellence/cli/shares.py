"""The intervals the command line and the report print for an ensemble's shares and means,
all from :mod:`compellence.analysis.intervals`."""

from __future__ import annotations

from typing import Any

from compellence.analysis import intervals as iv


def outcome_intervals(res: Any) -> list[iv.Interval]:
    """Each outcome's share with its Wilson interval, in the order of ``outcome_table``."""
    table = res.outcome_table()
    return [iv.share(int(r.runs), res.n) for r in table.itertuples()]


def event_intervals(res: Any) -> dict[str, iv.Interval]:
    """Leader killed, any succession (shares) and mean escalations (a mean), with intervals.

    A streamed ensemble keeps no per-run table: its event shares come from its totals."""
    runs = getattr(res, "runs", None)
    if runs is None or not len(runs):
        ev = res.event_table()
        n = res.n
        nan = float("nan")
        return {"leader_killed": iv.share_of(ev["leader_killed"], n),
                "succession": iv.share_of(ev["succession"], n),
                "mean_escalations": iv.Interval(ev["mean_escalations"], nan, nan, n, "none")}
    out = {"leader_killed": iv.share(int(runs["martyred"].sum()), len(runs)),
           "succession": iv.share(int((runs["leader_generation"] > 0).sum()), len(runs)),
           "mean_escalations": iv.mean(runs["escalations"].to_numpy(float))}
    if "switched_round" in runs:
        out["switched"] = iv.share(int((runs["switched_round"] >= 0).sum()), len(runs))
    return out
