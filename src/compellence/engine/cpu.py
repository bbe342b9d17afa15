"""CPU drivers of the model: the numba kernel (threads over blocks of runs) and the Python
reference.

Both call :func:`compellence.model.equations.simulate_run` for every run: the compiled
:func:`block_kernel` (serial, without the GIL) on a pool of threads that take blocks of
:data:`BLOCK_RUNS` runs :data:`STEP_BLOCKS` at a time, the reference with the very same
function uncompiled (:func:`reference_kernel`). Nothing here is an equation: the driver
allocates scratch arrays, loops over runs and sums each block's utility terms.

Why threads and not numba's ``prange``: the parallel compiler builds and optimises the whole
inlined model a further time for its work-sharing wrapper (6.6 s in numba's compile events
of one first compile; the first compile fell by about 6 s without it,
benchmarks/results/compile.txt), and splits the blocks evenly between threads ahead of
time, while runs differ in length; here a thread takes the next blocks when it is done.

The compiled kernel is cached on disk. numba's cache would not notice an edit of the
model's modules (only of this file), so the cache folder is keyed by a hash of the
model's source (:func:`model_fingerprint`): edit an equation and the next run recompiles.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from compellence.model import layout as lay


def model_fingerprint() -> str:
    """Hash of the model's source files and numba's version (the compiled cache's key)."""
    import numba

    import compellence.model as model_pkg

    h = hashlib.sha256(numba.__version__.encode())
    root = Path(model_pkg.__file__).parent
    for name in ("equations.py", "layout.py", "random.py"):
        h.update((root / name).read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def _set_cache_dir() -> None:
    import numba

    if os.environ.get("NUMBA_CACHE_DIR"):
        base = Path(os.environ["NUMBA_CACHE_DIR"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "compellence"
    numba.config.CACHE_DIR = str(base / f"numba-{model_fingerprint()}")


_set_cache_dir()

from numba import njit  # noqa: E402

from compellence.model.equations import sample_params, simulate_run  # noqa: E402
from compellence.model.random import jitable  # noqa: E402

#: Runs per block: a block is simulated by one thread in run order and sums its utility
#: terms locally, so results never depend on the thread count.
BLOCK_RUNS = 64

#: Blocks a thread takes at a time (512 runs, a few milliseconds of work): small enough that
#: threads finish together although runs differ in length, large enough that handing out
#: work costs nothing measurable.
STEP_BLOCKS = 8

#: Below this many runs a call runs on one thread: handing the work to the pool costs more
#: than it saves (tens of milliseconds on a busy machine). The numbers do not depend on it.
SERIAL_BELOW = 4096


#: numba's "numpy" error model: a float division by zero gives inf/nan, as the uncompiled
#: reference does on NumPy scalars, instead of raising (the model divides only by guarded
#: quantities). Without it every division carries an exception path, which roughly
#: doubles the compile time (benchmarks/variants.py).
ERROR_MODEL = "numpy"


@njit(nogil=True, cache=True, error_model=ERROR_MODEL)
def block_kernel(b0, b1, start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
                 kill_round, renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB,
                 want_rec, rec, rec_terms):
    """Simulate blocks b0 … b1−1 of the runs start … start+n−1 (rows of CI/CF), in run order;
    TACC[b] gets block b's Σ terms. Compiled without the GIL, so threads run blocks at once.
    It allocates the scratch arrays and hands the loop to :func:`run_blocks`."""
    run_blocks(b0, b1, start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
               kill_round, renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB,
               want_rec, rec, rec_terms, np.empty(lay.NVX), np.empty(lay.NS), np.empty(lay.NO),
               np.empty(lay.NR), np.empty((lay.NT, 4)), np.empty(4), np.empty(lay.NVX),
               np.empty(5), np.empty(8), np.empty((lay.NT, 4)), np.empty((lay.NT, 4)))


@jitable
def run_blocks(b0, b1, start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
               kill_round, renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB,
               want_rec, rec, rec_terms, V, S, O, R, U, P, HV, bump, u, TS, acc):
    """The loop of :func:`block_kernel` over its blocks and their runs, with its scratch
    arrays. Compiled without reference counting (:func:`jitable`): called from the kernel,
    which counts references because it allocates, each call of ``simulate_run`` counted
    every array it passed, about 50 atomic operations per run (2.6% of the kernel's
    samples)."""
    n = CI.shape[0]
    for b in range(b0, b1):
        for j in range(lay.NT):
            for a in range(4):
                acc[j, a] = 0.0
        tb = min(np.int64(b), TRB.shape[0] - 1)   # per-round sums: one row per block when recorded
        TR = TRB[tb]
        DR = DRB[tb]
        for i in range(b * BLOCK_RUNS, min(n, (b + 1) * BLOCK_RUNS)):
            simulate_run(i, start + i, seed, T, kind, const, table, key, levels, scheduled, listed,
                         M, kill_round, renege, LRN, HYP, V, S, O, R, U, P, HV, bump, u, CI,
                         CF, TS, want_traj, traj, alive, TR, DR, want_rec, rec, rec_terms)
            for j in range(lay.NT):
                for a in range(4):
                    acc[j, a] += TS[j, a]
        for j in range(lay.NT):
            for a in range(4):
                TACC[b, j, a] = acc[j, a]


@njit(nogil=True, cache=True, error_model=ERROR_MODEL)
def sample_block(i0, i1, start, seed, kind, const, table, key, V):
    """Rows i0 … i1−1 of V: the sampled parameters of runs start+i0 … (as the kernel samples
    them)."""
    for i in range(i0, i1):
        sample_params(seed, start + i, kind, const, table, key, V[i])


def blocks(n: int) -> int:
    """Number of blocks of :data:`BLOCK_RUNS` for n runs."""
    return -(-n // BLOCK_RUNS)


def threads() -> int:
    """Threads the kernels use: numba's thread count (``NUMBA_NUM_THREADS``, or
    ``numba.set_num_threads`` in this thread, as :func:`..simulate.one_thread` does)."""
    import numba

    return numba.get_num_threads()


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()
# A forked child inherits the pools but not their threads: it starts its own.
os.register_at_fork(after_in_child=_POOLS.clear)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """With ``pause``, in the main thread, Python's cyclic garbage collector off for the
    duration (then as it was): loading the compiled kernel from the cache creates about 6e4
    long-lived objects (numba's registries), which the collector would traverse again and
    again while they are made, 0.08 s in 139 collections of a 2 s start-up
    (``benchmarks/results/startup.txt``). Used for a kernel's first call only; a first
    compile with it peaks about 100 MB higher (390 MB against 289 MB), which the next
    collection frees. The collector's switch is one for the process, so only the main
    thread pauses it: two threads saving and restoring it in turn (a server's first
    requests) could leave it off."""
    if not (pause and threading.current_thread() is threading.main_thread()):
        yield
        return
    was = gc.isenabled()
    try:
        gc.disable()
        yield
    finally:
        if was:
            gc.enable()


def fan_out(kernel, n: int, step: int, args: tuple, serial: bool = False) -> None:
    """Call ``kernel(lo, hi, *args)`` over [0, n) in pieces of ``step`` on :func:`threads`
    threads, each taking the next piece when it is done (the pieces write disjoint rows and
    are the same for any thread count, so the numbers do not depend on which thread ran
    which); with ``serial``, or one thread, or one piece, as one call in this thread. An
    interrupt cancels the pieces not started."""
    k = threads()
    first = not getattr(kernel, "signatures", True)   # a dispatcher not yet compiled or loaded
    if serial or k <= 1 or n <= step:
        with _collector_paused(first):
            kernel(0, n, *args)
        return
    # The first piece in the calling thread: a first call compiles (or loads) the kernel
    # there, where an interrupt stops it, before any other thread calls it.
    with _collector_paused(first):
        kernel(0, step, *args)
    with _POOLS_LOCK:
        pool = _POOLS.get(k)
        if pool is None:
            pool = _POOLS[k] = ThreadPoolExecutor(k, thread_name_prefix="compellence")
    futures = [pool.submit(kernel, lo, min(n, lo + step), *args) for lo in range(step, n, step)]
    try:
        for f in futures:
            f.result()
    except BaseException:
        for f in futures:
            f.cancel()
        raise


def cpu_kernel(start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
               kill_round, renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB,
               want_rec, rec, rec_terms) -> None:
    """Simulate the runs start … start+n−1 (rows of CI/CF) on all threads (one below
    :data:`SERIAL_BELOW` runs); TACC[b] gets block b's Σ terms."""
    fan_out(block_kernel, TACC.shape[0], STEP_BLOCKS,
            (start, seed, T, kind, const, table, key, levels, scheduled, listed, M, kill_round,
             renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB, want_rec, rec,
             rec_terms), serial=CI.shape[0] < SERIAL_BELOW)


def reference_kernel(start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
                     kill_round, renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB,
                     DRB, want_rec, rec, rec_terms) -> None:
    """:func:`cpu_kernel` uncompiled: every block in turn through ``simulate_run`` as plain
    Python (the readable reference, about 10⁴ run-rounds/s)."""
    block_kernel.py_func(0, TACC.shape[0], start, seed, T, kind, const, table, key, levels,
                         scheduled, listed, M, kill_round, renege, LRN, HYP, CI, CF, TACC,
                         want_traj, traj, alive, TRB, DRB, want_rec, rec, rec_terms)


def sample_kernel(start, seed, kind, const, table, key, V) -> None:
    """The sampled parameter rows of runs start … start+n−1 (as the kernel samples them)."""
    fan_out(sample_block, V.shape[0], STEP_BLOCKS * BLOCK_RUNS,
            (start, seed, kind, const, table, key, V))


__all__ = ["BLOCK_RUNS", "SERIAL_BELOW", "STEP_BLOCKS", "block_kernel", "blocks", "cpu_kernel",
           "fan_out", "model_fingerprint", "reference_kernel", "run_blocks", "sample_block",
           "sample_kernel", "threads"]
