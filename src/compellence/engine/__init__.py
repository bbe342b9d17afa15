"""The engine: owns randomness and the round loop; returns :class:`Results`."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from compellence.engine.results import Results
from compellence.engine.simulate import ChunkResult, simulate_chunk
from compellence.model.core import TERMS
from compellence.scenario.schema import Scenario

#: Default runs per chunk: large enough to amortise the per-call overhead, small enough to
#: keep memory at a few hundred MB.
DEFAULT_CHUNK = 65_536

#: ``auto``: the compiled CPU kernel; ``numba``: the same, explicitly; ``python``: the model
#: uncompiled (the readable reference, ~10⁴ run-rounds/s); ``cuda``: the model compiled for
#: an NVIDIA GPU (needs a CUDA toolkit; tested on numba's CUDA simulator).
BACKENDS = ("auto", "numba", "python", "cuda")


def chunks(runs: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """Consecutive [start, stop) ranges of at most chunk_size runs; both must be positive
    (checked here, at the call, for every ensemble driver)."""
    if runs < 1 or chunk_size < 1:
        raise ValueError("runs and chunk_size must be positive")
    return ((start, min(runs, start + chunk_size)) for start in range(0, runs, chunk_size))


def resolve_backend(sc: Scenario, backend: str, trajectories: bool = False) -> str:
    """The backend that will run. Every backend runs every request the same model, except that
    ``cuda`` records no trajectories (a clear error, never a silent fallback)."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend '{backend}'; expected one of {', '.join(BACKENDS)}")
    if backend == "auto":
        return "numba"
    if backend == "cuda":
        from compellence.engine.gpu import available

        if not available():
            raise ValueError("the cuda backend needs an NVIDIA GPU and numba's CUDA target: "
                             "pip install 'compellence[gpu]' (with the CUDA libraries: "
                             "pip install 'numba-cuda[cu12]'); NUMBA_ENABLE_CUDASIM=1 runs "
                             "it on numba's simulator")
        if trajectories:
            raise ValueError("the cuda backend records no trajectories; use --backend numba")
    return backend


def run_chunk(sc: Scenario, seed: int, start: int, stop: int, which: str,
              trajectories: bool = False) -> ChunkResult:
    """The runs [start, stop) on a resolved backend (see :func:`resolve_backend`)."""
    return simulate_chunk(sc, seed, start, stop, trajectories=trajectories, backend=which)


def simulate(sc: Scenario, runs: int | None = None, seed: int | None = None, *,
             chunk_size: int = DEFAULT_CHUNK, trajectories: bool = False,
             progress: Callable[[int], None] | None = None, backend: str = "auto") -> Results:
    """Run an ensemble of a scenario. The same scenario and seed give identical per-run numbers
    for any ``chunk_size``, thread count and CPU backend (counter-based random numbers); the
    utility-term sums agree to rounding across chunk sizes."""
    runs = sc.runs if runs is None else runs
    seed = sc.seed if seed is None else seed
    spans = chunks(runs, chunk_size)
    which = resolve_backend(sc, backend, trajectories)
    parts: list[ChunkResult] = []
    for start, stop in spans:
        parts.append(run_chunk(sc, seed, start, stop, which, trajectories))
        if progress is not None:
            progress(stop - start)
    columns = {k: np.concatenate([p.columns[k] for p in parts]) for k in parts[0].columns}
    traj = alive = term_rounds = by_round = None
    if trajectories:
        term_rounds = sum(p.term_rounds for p in parts)  # type: ignore[misc]
        by_round = sum(p.decisions_by_round for p in parts)  # type: ignore[misc]
        traj = {k: np.concatenate([p.trajectories[k] for p in parts], axis=1)  # type: ignore
                for k in parts[0].trajectories}  # type: ignore[union-attr]
        alive = np.concatenate([p.alive for p in parts], axis=1)  # type: ignore[misc]
    return Results(
        scenario_name=sc.name, seed=seed, horizon=sc.horizon, columns=columns,
        term_sums=sum((p.term_sums for p in parts), np.zeros((len(TERMS), 4))),
        decisions=sum(p.decisions for p in parts), trajectories=traj, alive=alive,
        term_rounds=term_rounds, decisions_by_round=by_round,
    )


def explain_run(sc: Scenario, run: int, seed: int | None = None) -> list[dict]:
    """Every decision of one run, term by term (simulated alone: same numbers as in
    the ensemble)."""
    seed = sc.seed if seed is None else seed
    return simulate_chunk(sc, seed, run, run + 1, record_run=run).record


__all__ = ["BACKENDS", "DEFAULT_CHUNK", "Results", "chunks", "explain_run", "resolve_backend",
           "run_chunk", "simulate"]
