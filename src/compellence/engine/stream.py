"""Ensembles larger than memory: chunks are simulated and folded into running totals.

Memory is bounded by the chunk size, not the number of runs: each chunk's per-run
columns are reduced to counts (outcomes, events, a histogram of rounds per outcome
for exact medians) and sums (escalations, utility terms), then dropped. The
summary equals the one computed from the full per-run table (a test checks it),
because every statistic here is a sum over runs and chunking never changes a
run's numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from compellence.engine import chunks
from compellence.engine.results import OutcomeRow, outcome_frame, terms_table, wilson
from compellence.model.core import OUTCOMES, TERMS
from compellence.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Summary:
    """Streaming totals of an ensemble (the statistics `compellence run` prints)."""

    scenario_name: str
    seed: int
    horizon: int
    n: int = 0
    rounds_hist: np.ndarray = field(default_factory=lambda: np.zeros((5, 1), np.int64))
    martyred: int = 0
    succession: int = 0
    escalations: int = 0
    term_sums: np.ndarray = field(default_factory=lambda: np.zeros((len(TERMS), 4)))
    decisions: int = 0

    def add(self, cols: dict[str, np.ndarray], term_sums: np.ndarray, decisions: int) -> None:
        """Fold one chunk's per-run columns into the totals."""
        out = cols["outcome"].astype(np.int64)
        rounds = cols["rounds"].astype(np.int64)
        hist = np.zeros_like(self.rounds_hist)
        np.add.at(hist, (out, rounds), 1)
        self.add_totals(hist, int(cols["martyred"].sum()),
                        int((cols["leader_generation"] > 0).sum()),
                        int(cols["escalations"].sum()), term_sums, decisions)

    def add_totals(self, rounds_hist: np.ndarray, martyred: int, succession: int,
                   escalations: int, term_sums: np.ndarray, decisions: int) -> None:
        """Fold one chunk's totals (as :meth:`add` computes them from its columns, or the GPU
        on the device, :func:`..gpu.stream_chunk_cuda`) into the running ones."""
        self.rounds_hist = self.rounds_hist + rounds_hist
        self.n += int(rounds_hist.sum())
        self.martyred += martyred
        self.succession += succession
        self.escalations += escalations
        self.term_sums = self.term_sums + term_sums
        self.decisions += decisions

    def share(self, outcome: str) -> float:
        return float(self.rounds_hist[OUTCOMES.index(outcome)].sum() / self.n)

    def outcome_rows(self) -> list[OutcomeRow]:
        rows = []
        for k, name in enumerate(OUTCOMES):
            hist = self.rounds_hist[k]
            count = int(hist.sum())
            lo, hi = wilson(count, self.n)
            med = float("nan")
            if count and name != "ongoing":
                med = float(_median_from_hist(hist) + 1)
            rows.append(OutcomeRow(name, count / self.n, lo, hi, count, med))
        return rows

    def outcome_table(self) -> pd.DataFrame:
        return outcome_frame(self.outcome_rows())

    def event_table(self) -> dict[str, float]:
        return {"leader_killed": self.martyred / self.n, "succession": self.succession / self.n,
                "mean_escalations": self.escalations / self.n}

    def term_array(self) -> np.ndarray:
        return self.term_sums / max(self.decisions, 1)

    def term_means(self) -> pd.DataFrame:
        return terms_table(self.term_array())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario_name, "runs": self.n, "seed": self.seed,
            "horizon": self.horizon,
            "outcomes": {r.outcome: {"share": r.share, "ci95": [r.ci_low, r.ci_high],
                                     "median_rounds": None if np.isnan(r.median_rounds)
                                     else r.median_rounds}
                         for r in self.outcome_rows()},
            "events": self.event_table(), "term_means": self.term_means().to_dict(),
            "note": "conditional on the scenario's stated assumptions; not a forecast",
        }


def _median_from_hist(hist: np.ndarray) -> float:
    """The median of values given as a histogram over 0..len-1 (numpy's convention)."""
    total = int(hist.sum())
    cum = np.cumsum(hist)
    lo = int(np.searchsorted(cum, (total - 1) // 2 + 1))
    hi = int(np.searchsorted(cum, total // 2 + 1))
    return (lo + hi) / 2.0


def simulate_stream(sc: Scenario, runs: int, seed: int | None = None, *,
                    chunk_size: int = 262_144, backend: str = "auto",
                    progress: Callable[[int], None] | None = None) -> Summary:
    """Run ``runs`` runs in chunks, keeping only running totals."""
    from compellence.engine import resolve_backend, run_chunk

    seed = sc.seed if seed is None else seed
    spans = chunks(runs, chunk_size)
    which = resolve_backend(sc, backend)
    summary = Summary(sc.name, seed, sc.horizon,
                      rounds_hist=np.zeros((len(OUTCOMES), sc.horizon + 1), np.int64))
    for start, stop in spans:
        if which == "cuda":   # totals reduced on the GPU: no per-run column leaves it
            from compellence.engine.gpu import stream_chunk_cuda

            summary.add_totals(*stream_chunk_cuda(sc, seed, start, stop))
        else:
            part = run_chunk(sc, seed, start, stop, which)
            summary.add(part.columns, part.term_sums, part.decisions)
        if progress is not None:
            progress(stop - start)
    return summary
