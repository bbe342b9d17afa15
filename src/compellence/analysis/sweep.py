"""Run a design: one vectorised ensemble per design point, stored as it goes, resumable,
on one process, a local process pool, or a dask.distributed cluster.

Each design point's seed is derived from the experiment seed and the point's index
(``SeedSequence(seed, spawn_key=(2, point))``), so a point's numbers never depend
on which worker ran it, in which order, or how points were batched: one worker,
two, or a cluster give identical results, and a resumed sweep ends identical to an
uninterrupted one. Points travel in batches (``batch`` points each) so each task
carries enough work (>~100 ms) to amortise the pool's overhead.

Integrity: resuming first checks that the regenerated design equals the stored
points (values and seeds) and that the experiment was made by this package, model
version and random-number scheme; otherwise it refuses (:class:`SweepError`).
Ctrl-C (or any error) terminates the pool's workers at once, keeping every stored
batch; a worker exits by itself within a second when its parent dies.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compellence.analysis.design import Design
from compellence.analysis.store import AGGREGATES, Store, experiment_id, points_digest
from compellence.engine import simulate
from compellence.engine.results import Results
from compellence.model.layout import OUTCOMES
from compellence.provenance import stamp
from compellence.scenario.loader import apply_overrides, validate
from compellence.scenario.schema import Scenario

#: Fault injection for tests: a worker whose batch holds this point exits once (the
#: marker file records that it did), so the sweep must recover from a dead worker.
KILL_POINT_ENV = "COMPELLENCE_TEST_KILL_POINT"
KILL_MARKER_ENV = "COMPELLENCE_TEST_KILL_MARKER"
#: How often a broken process pool is rebuilt before the sweep gives up.
MAX_POOL_RESTARTS = 5
#: Seconds between a worker's checks that its parent is still alive.
PARENT_POLL_S = 0.5
#: Seconds to wait for a dask scheduler before giving up.
DASK_TIMEOUT_S = 10


class SweepError(RuntimeError):
    """A sweep cannot go on: the message says why and what to do (one line)."""


def point_seed(seed: int, point: int) -> int:
    """The seed of one design point, derived from the experiment seed and its index."""
    return int(np.random.SeedSequence(seed, spawn_key=(2, point)).generate_state(1)[0])


def aggregate(res: Results) -> dict[str, float]:
    """The per-point summary stored in ``aggregates`` (see AGGREGATES)."""
    r = res.runs
    out = {o: float((r["outcome"] == o).mean()) for o in OUTCOMES}
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


def _watch_parent(parent: int) -> None:
    """Worker initializer: ignore Ctrl-C (the parent handles it and stops the pool) and
    exit when the parent process dies (Linux: at once by PR_SET_PDEATHSIG; elsewhere
    within PARENT_POLL_S by polling), so no worker is left blocked on a dead queue."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)

    def poll() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=poll, daemon=True, name="parent-watch").start()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: drop queued tasks and terminate the workers (no waiting)."""
    processes = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(timeout=2)


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
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_watch_parent, initargs=(os.getpid(),))
        broken = False
        try:
            futures = {pool.submit(run_task, t): t for t in pending}
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
        finally:
            # Ctrl-C, an error, a broken pool or the consumer stopping: never wait for
            # queued tasks whose results would be thrown away
            _stop(pool)
        if broken:
            restarts += 1
            if restarts > MAX_POOL_RESTARTS:
                raise SweepError(f"worker processes died {restarts} times; giving up "
                                 "(the results stored so far are kept; run the same command "
                                 "to resume)")


def _dask(tasks: list[Task], address: str) -> Iterator[list]:
    from compellence.extras import require

    require("dask.distributed", "a sweep on a dask scheduler (--scheduler)")
    from dask.distributed import Client, as_completed

    try:
        client = Client(address, timeout=DASK_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SweepError(f"--scheduler {address}: cannot reach the dask scheduler "
                         f"({type(exc).__name__}: {str(exc).splitlines()[0][:120]})") from None
    with client:
        futures = client.map(run_task, tasks, pure=False)
        try:
            for fut in as_completed(futures):
                yield fut.result()
        except (OSError, TimeoutError) as exc:
            raise SweepError(f"--scheduler {address}: lost the dask scheduler "
                             f"({type(exc).__name__}); the results stored so far are kept"
                             ) from None
        finally:
            client.cancel(futures)


def verify_resume(store: Store, exp: str, design: Design, seeds: list[int]) -> None:
    """Refuse to resume unless the stored experiment was made by this package, model and
    random-number scheme, and its stored points equal the regenerated design exactly."""
    mine = stamp()
    theirs = store.provenance(exp)
    for key in ("package_version", "model_version", "rng_scheme"):
        if theirs[key] != mine[key]:
            raise SweepError(f"{store.path}: experiment {exp} was stored with {key} "
                             f"{theirs[key]!r}, this compellence has {mine[key]!r}: results "
                             "would be mixed; write to a new --out file")
    stored, stored_seeds = store.stored_design(exp)
    current = [dict(zip(design.points.columns, map(float, row), strict=True))
               for row in design.points.to_numpy(float)]
    if len(stored) != len(current):
        raise SweepError(f"{store.path}: experiment {exp} stores {len(stored)} design points, "
                         f"the design now has {len(current)}: refusing to resume; write to a "
                         "new --out file")
    for k, (a, b) in enumerate(zip(stored, current, strict=True)):
        if a != b or stored_seeds[k] != seeds[k]:
            diff = next((f"{p}: stored {a.get(p)!r}, now {b.get(p)!r}" for p in
                         sorted(set(a) | set(b)) if a.get(p) != b.get(p)),
                        f"seed: stored {stored_seeds[k]}, now {seeds[k]}")
            raise SweepError(f"{store.path}: experiment {exp}: the regenerated design differs "
                             f"from the stored one at point {k} ({diff}); refusing to resume "
                             "(a library upgrade can change a design): write to a new --out "
                             "file")


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
    seeds = [point_seed(seed, k) for k in range(len(design.points))]
    exp = experiment_id(scenario_json, spec, seed, runs, points_digest(design.points, seeds))
    if not store.has_experiment(exp):
        store.add_experiment(exp, sc.name, scenario_json, spec, seed, runs, design.points,
                             seeds, command)
    else:
        verify_resume(store, exp, design, seeds)
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
    try:
        for result in stream:
            rows = [{"point": p, **agg} for p, agg, _ in result]
            frames = [r for _, _, r in result if r is not None]
            store.write_batch(exp, rows, pd.concat(frames) if frames else None)
            computed += len(rows)
            if progress is not None:
                progress(len(rows), len(design.points))
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops the pool's workers at once on Ctrl-C or an error
    return SweepResult(exp, computed, len(design.points))
