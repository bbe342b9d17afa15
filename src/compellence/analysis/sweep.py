"""Run a design: one vectorised ensemble per design point, stored as it goes, resumable,
on one process, a local process pool, or a dask.distributed cluster.

Each design point's seed is derived from the experiment seed and the point's index
(``SeedSequence(seed, spawn_key=(2, point))``), so a point's numbers never depend
on which worker ran it, in which order, or how points were batched: one worker,
two, or a cluster give identical results, and a resumed sweep ends identical to an
uninterrupted one. Points travel in batches (``batch`` points each) so each task
carries enough work (>~100 ms) to amortise the pool's overhead.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compellence.analysis.design import Design
from compellence.analysis.store import AGGREGATES, Store, experiment_id
from compellence.engine import simulate
from compellence.engine.results import Results
from compellence.scenario.loader import apply_overrides, validate
from compellence.scenario.schema import Scenario

#: Fault injection for tests: a worker whose batch holds this point exits once (the
#: marker file records that it did), so the sweep must recover from a dead worker.
KILL_POINT_ENV = "COMPELLENCE_TEST_KILL_POINT"
KILL_MARKER_ENV = "COMPELLENCE_TEST_KILL_MARKER"
#: How often a broken process pool is rebuilt before the sweep gives up.
MAX_POOL_RESTARTS = 5


def point_seed(seed: int, point: int) -> int:
    """The seed of one design point, derived from the experiment seed and its index."""
    return int(np.random.SeedSequence(seed, spawn_key=(2, point)).generate_state(1)[0])


def aggregate(res: Results) -> dict[str, float]:
    """The per-point summary stored in ``aggregates`` (see AGGREGATES)."""
    r = res.runs
    out = {o: float((r["outcome"] == o).mean()) for o in
           ("ongoing", "capitulation", "deal", "war", "collapse")}
    out.update({
        "leader_killed": float(r["martyred"].mean()),
        "mean_rounds": float(r["rounds"].mean()),
        "mean_p_capitulate": float(r["p_capitulate"].mean()),
        "mean_p_deal": float(r["p_deal"].mean()),
        "mean_final_base": float(r["final_base"].mean()),
        "mean_final_economy": float(r["final_economy"].mean()),
    })
    return {k: out[k] for k in AGGREGATES}


@dataclass(frozen=True)
class Task:
    """A batch of design points to compute (picklable: plain data only)."""

    scenario: dict[str, Any]
    points: tuple[tuple[int, int, tuple[tuple[str, float], ...]], ...]  # (point, seed, params)
    runs: int
    store_runs: bool


def scenario_at(raw: dict[str, Any], params: dict[str, float] | tuple) -> Scenario:
    """The scenario with a design point's parameter values set."""
    return validate(apply_overrides(raw, dict(params)), "design point")


def run_task(task: Task) -> list[tuple[int, dict[str, float], pd.DataFrame | None]]:
    """Compute one batch; runs in a worker process."""
    kill = os.environ.get(KILL_POINT_ENV)
    marker = os.environ.get(KILL_MARKER_ENV)
    if kill is not None and marker and any(p[0] == int(kill) for p in task.points) and \
            not Path(marker).exists():
        Path(marker).write_text("killed once")
        os._exit(17)
    out = []
    for point, seed, params in task.points:
        res = simulate(scenario_at(task.scenario, params), runs=task.runs, seed=seed)
        runs = None
        if task.store_runs:
            r = res.runs
            runs = pd.DataFrame({"point": point, "run": r["run"], "outcome":
                                 r["outcome"].astype(str), "rounds": r["rounds"],
                                 "martyred": r["martyred"],
                                 "leader_generation": r["leader_generation"].astype(int),
                                 "p_capitulate": r["p_capitulate"], "p_deal": r["p_deal"]})
        out.append((point, aggregate(res), runs))
    return out


def _tasks(raw: dict[str, Any], design: Design, seeds: list[int], todo: list[int], runs: int,
           store_runs: bool, batch: int) -> list[Task]:
    cols = list(design.points.columns)
    values = design.points.to_numpy(float)
    tasks = []
    for k in range(0, len(todo), batch):
        pts = tuple((p, seeds[p], tuple(zip(cols, map(float, values[p]), strict=True)))
                    for p in todo[k:k + batch])
        tasks.append(Task(raw, pts, runs, store_runs))
    return tasks


def _serial(tasks: list[Task]) -> Iterator[list]:
    for t in tasks:
        yield run_task(t)


def _pool(tasks: list[Task], workers: int) -> Iterator[list]:
    """Run tasks on a process pool; a dead worker breaks the pool, so the pool is rebuilt
    and the unfinished tasks resubmitted (their results are identical by construction)."""
    pending = list(tasks)
    restarts = 0
    while pending:
        # spawn, not fork: a forked child inherits the parent's numba thread pool and dies
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(run_task, t): t for t in pending}
            broken = False
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for f in done:
                    task = futures.pop(f)
                    try:
                        result = f.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    pending.remove(task)
                    yield result
                if broken:
                    break
        if broken:
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise RuntimeError(f"worker processes died {restarts} times; giving up "
                                   "(the results stored so far are kept)")


def _dask(tasks: list[Task], address: str) -> Iterator[list]:
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        futures = client.map(run_task, tasks, pure=False)
        for fut in as_completed(futures):
            yield fut.result()


@dataclass
class SweepResult:
    """What a sweep did: its experiment id, points computed now and in all."""

    experiment: str
    computed: int
    total: int


def run_sweep(sc: Scenario, design: Design, store: Store, runs: int, seed: int, *,
              workers: int = 1, scheduler: str | None = None, store_runs: bool = False,
              batch: int = 8, command: str = "",
              progress: Callable[[int, int], None] | None = None) -> SweepResult:
    """Compute the design points not yet stored for this experiment, storing each batch."""
    raw = sc.model_dump(mode="json", by_alias=True, exclude={"extends"})
    scenario_json = sc.model_dump_json(by_alias=True)
    spec = {**design.spec, "store_runs": store_runs}
    exp = experiment_id(scenario_json, spec, seed, runs)
    seeds = [point_seed(seed, k) for k in range(len(design.points))]
    if not store.has_experiment(exp):
        store.add_experiment(exp, sc.name, scenario_json, spec, seed, runs, design.points,
                             seeds, command)
    done = store.done_points(exp)
    todo = [k for k in range(len(design.points)) if k not in done]
    if progress is not None:
        progress(len(done), len(design.points))
    tasks = _tasks(raw, design, seeds, todo, runs, store_runs, batch)
    if scheduler:
        stream = _dask(tasks, scheduler)
    elif workers > 1:
        stream = _pool(tasks, workers)
    else:
        stream = _serial(tasks)
    computed = 0
    for result in stream:
        rows = [{"point": p, **agg} for p, agg, _ in result]
        frames = [r for _, _, r in result if r is not None]
        store.write_batch(exp, rows, pd.concat(frames) if frames else None)
        computed += len(rows)
        if progress is not None:
            progress(len(rows), len(design.points))
    return SweepResult(exp, computed, len(design.points))
