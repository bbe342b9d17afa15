"""CPU drivers of the model: the numba kernel (parallel over runs) and the Python reference.

Both call :func:`compellence.model.equations.simulate_run` for every run: the compiled
kernel with numba's ``prange`` over blocks of :data:`BLOCK_RUNS` runs, the reference with
the very same function uncompiled (``cpu_kernel.py_func``). Nothing here is an equation:
the driver allocates scratch arrays, loops over runs and sums each block's utility terms.

The compiled kernel is cached on disk. numba's cache would not notice an edit of the
model's modules (only of this file), so the cache folder is keyed by a hash of the
model's source (:func:`model_fingerprint`): edit an equation and the next run recompiles.
"""

from __future__ import annotations

import hashlib
import os
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

from numba import njit, prange  # noqa: E402

from compellence.model.equations import sample_params, simulate_run  # noqa: E402

#: Runs per block of the parallel loop: a block is simulated by one thread in run order and
#: sums its utility terms locally, so results never depend on the thread count.
BLOCK_RUNS = 64


#: numba's "numpy" error model: a float division by zero gives inf/nan, as the uncompiled
#: reference does on NumPy scalars, instead of raising (the model divides only by guarded
#: quantities). Without it every division carries an exception path, which roughly
#: doubles the compile time (benchmarks/variants.py).
ERROR_MODEL = "numpy"


@njit(parallel=True, cache=True, error_model=ERROR_MODEL)
def cpu_kernel(start, seed, T, kind, const, table, key, levels, scheduled, listed, M, kill_round,
               renege, LRN, HYP, CI, CF, TACC, want_traj, traj, alive, TRB, DRB, want_rec, rec,
               rec_terms):
    """Simulate the runs start … start+n−1 (rows of CI/CF); TACC[b] gets block b's Σ terms."""
    n = CI.shape[0]
    for b in prange(TACC.shape[0]):
        V = np.empty(lay.NVX)
        S = np.empty(lay.NS)
        O = np.empty(lay.NO)
        R = np.empty(lay.NR)
        U = np.empty((lay.NT, 4))
        P = np.empty(4)
        HV = np.empty(lay.NVX)
        bump = np.empty(5)
        u = np.empty(8)
        TS = np.empty((lay.NT, 4))
        acc = np.zeros((lay.NT, 4))
        tb = min(np.int64(b), TRB.shape[0] - 1)   # per-round sums: one row per block when recorded
        for i in range(b * BLOCK_RUNS, min(n, (b + 1) * BLOCK_RUNS)):
            simulate_run(i, start + i, seed, T, kind, const, table, key, levels, scheduled, listed,
                         M, kill_round, renege, LRN, HYP, V, S, O, R, U, P, HV, bump, u, CI[i],
                         CF[i], TS, want_traj, traj, alive, TRB[tb], DRB[tb], want_rec, rec,
                         rec_terms)
            for j in range(lay.NT):
                for a in range(4):
                    acc[j, a] += TS[j, a]
        for j in range(lay.NT):
            for a in range(4):
                TACC[b, j, a] = acc[j, a]


def blocks(n: int) -> int:
    """Number of blocks of :data:`BLOCK_RUNS` for n runs."""
    return -(-n // BLOCK_RUNS)




@njit(parallel=True, cache=True, error_model=ERROR_MODEL)
def sample_kernel(start, seed, kind, const, table, key, V):
    """The sampled parameter rows of runs start … start+n−1 (as the kernel samples them)."""
    for i in prange(V.shape[0]):
        sample_params(seed, start + i, kind, const, table, key, V[i])


__all__ = ["BLOCK_RUNS", "blocks", "cpu_kernel", "model_fingerprint", "sample_kernel"]
