"""CUDA driver of the model: one GPU thread per run, every round inside the thread.

The kernel calls :func:`compellence.model.equations.simulate_run`, the same function the
CPU kernel and the Python reference run, compiled by numba for CUDA. Parameters are
sampled and random numbers drawn on the GPU (counter-based Philox), so nothing per run
travels from the host but the results. Each thread adds its utility-term sums into one of
:data:`SLOTS` rows with atomics, to spread contention.

Precision: float64 by default (the CPU backends' numbers up to the GPU's ``exp``, which
may differ from the C library's in the last bits); ``COMPELLENCE_CUDA_FLOAT32=1`` computes
the state and utilities in float32 (faster on consumer GPUs; outcome shares agree with the
CPU within Monte Carlo error, tests/test_backends.py, on numba's CUDA simulator).
Not covered: trajectories and single-run records (use the numba backend). A streamed
ensemble (:func:`stream_chunk_cuda`) is reduced on the GPU: only its totals cross to the host.
"""

from __future__ import annotations

import os
from functools import cache

import numpy as np
from numba import cuda, float32, float64, int64

from compellence.engine.simulate import ChunkResult, chunk_result
from compellence.engine.spec import spec_of
from compellence.model import layout as lay
from compellence.scenario.schema import Scenario

#: Rows of the term-sum accumulator that threads add into (thread i uses row i mod SLOTS).
SLOTS = 1024
#: Threads per CUDA block.
THREADS = 128

_KERNELS: dict[str, object] = {}


def available() -> bool:
    """Is a CUDA device (or numba's CUDA simulator) usable here?"""
    try:
        return bool(cuda.is_available())
    except Exception:  # pragma: no cover - depends on the machine
        return False


def _float_type() -> str:
    return "float32" if os.environ.get("COMPELLENCE_CUDA_FLOAT32") == "1" else "float64"


@cache
def cuda_overloads() -> None:
    """Give every :func:`..model.random.jitable_inline` function a plain CUDA overload (no IR
    inlining; NVVM inlines what it will), which CUDA's typing picks before the generic one
    it cannot type (see :data:`..model.random.INLINED`). The same functions, not copies.
    Nothing to do on numba's simulator, which runs them as Python."""
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        return
    try:
        from numba.cuda.extending import register_jitable as cuda_jitable
    except ImportError:   # an older CUDA target without it types through numba.core's
        return

    import compellence.model.equations  # noqa: F401  (defines the functions)
    from compellence.model.random import INLINED

    for fn in INLINED:
        cuda_jitable(_nrt=False)(fn)


def _kernel(ftype: str):
    if ftype in _KERNELS:
        return _KERNELS[ftype]
    cuda_overloads()
    from compellence.model.equations import simulate_run

    F = float32 if ftype == "float32" else float64
    NVX, NS, NO, NR, NT = lay.NVX, lay.NS, lay.NO, lay.NR, lay.NT

    @cuda.jit
    def kernel(start, seed, T, kind, const, table, key, levels, scheduled, listed, M,
               kill_round, renege, LRN, HYP, CI, CF, TACC, traj, alive, TRB, DRB, rec,
               rec_terms):
        i = cuda.grid(1)
        if i >= CI.shape[0]:
            return
        V = cuda.local.array(NVX, F)
        S = cuda.local.array(NS, F)
        O = cuda.local.array(NO, F)
        R = cuda.local.array(NR, F)
        U = cuda.local.array((NT, 4), F)
        P = cuda.local.array(4, F)
        HV = cuda.local.array(NVX, F)
        bump = cuda.local.array(5, F)
        u = cuda.local.array(8, float64)
        TS = cuda.local.array((NT, 4), float64)
        simulate_run(i, start + i, seed, T, kind, const, table, key, levels, scheduled, listed,
                     M, kill_round, renege, LRN, HYP, V, S, O, R, U, P, HV, bump, u, CI,
                     CF, TS, False, traj, alive, TRB[0], DRB[0], False, rec, rec_terms)
        slot = i % TACC.shape[0]
        for j in range(NT):
            for a in range(4):
                cuda.atomic.add(TACC, (slot, j, a), TS[j, a])

    _KERNELS[ftype] = kernel
    return kernel


def kernel_args(spec, ftype: str, start: int, seed: int, CI, CF, TACC, put=cuda.to_device):
    """The CUDA kernel's arguments for the runs of CI's rows from ``start``: the scenario's
    arrays (float ones in ``ftype``) passed through ``put`` (to the GPU; ``np.asarray`` for
    host arrays of the same types, as tools/ptx_check.py compiles with), then the outputs,
    then the unused trajectory and record arrays."""
    dt = np.float32 if ftype == "float32" else np.float64
    dummy = (np.zeros((1, 1, lay.NTRAJ)), np.zeros((1, 1), np.bool_),
             np.zeros((1, 1, lay.NT, 4)), np.zeros((1, 1)), np.zeros((1, lay.NREC)),
             np.zeros((1, lay.NT, 4)))
    return (start, seed, spec.horizon, put(spec.kind), put(spec.const.astype(dt)),
            put(spec.table.astype(dt)), put(spec.key), put(spec.sched.astype(dt)),
            put(spec.is_sched), put(spec.listed), put(spec.M), spec.kill_round,
            put(spec.renege), put(spec.LRN.astype(dt)), put(spec.HYP.astype(dt)),
            CI, CF, TACC, *(put(a) for a in dummy))


def _launch(sc: Scenario, seed: int, start: int, stop: int):
    """Simulate the runs [start, stop) on the GPU; their results stay there (CI, CF, TACC)."""
    ftype = _float_type()
    n = stop - start
    CI = cuda.device_array((n, lay.NCI), np.int64)
    CF = cuda.device_array((n, lay.NCF), np.float64)
    TACC = cuda.to_device(np.zeros((SLOTS, lay.NT, 4)))
    args = kernel_args(spec_of(sc), ftype, start, seed, CI, CF, TACC)
    _kernel(ftype)[-(-n // THREADS), THREADS](*args)
    return CI, CF, TACC


def simulate_chunk_cuda(sc: Scenario, seed: int, start: int, stop: int) -> ChunkResult:
    """The runs [start, stop) on the GPU (same model, same random numbers as the CPU)."""
    CI, CF, TACC = _launch(sc, seed, start, stop)
    cuda.synchronize()
    return chunk_result(sc, CI.copy_to_host(), CF.copy_to_host(),
                        TACC.copy_to_host().sum(axis=0))


@cuda.jit
def _summarise(CI, hist, counts):
    """A streamed summary's totals of the chunk's runs: each run adds its (outcome, rounds)
    cell and its counts (martyred, succeeded, escalations, rounds played) to its block's
    copy in shared memory (sized at launch: the cells, then the four counts); then each
    block adds its non-zero cells to the totals with one atomic each, not one per run (the
    totals' few addresses would serialise them)."""
    cell = cuda.shared.array(0, int64)
    tid = cuda.threadIdx.x
    width = hist.shape[1]
    cells = hist.shape[0] * width
    for k in range(tid, cells + 4, cuda.blockDim.x):
        cell[k] = 0
    cuda.syncthreads()
    i = cuda.grid(1)
    if i < CI.shape[0]:   # no early return: every thread reaches the barriers
        cuda.atomic.add(cell, CI[i, lay.OUT] * width + CI[i, lay.ROUNDS], 1)
        if CI[i, lay.MART] != 0:
            cuda.atomic.add(cell, cells, CI[i, lay.MART])
        if CI[i, lay.GEN] > 0:
            cuda.atomic.add(cell, cells + 1, 1)
        if CI[i, lay.ESCS] != 0:
            cuda.atomic.add(cell, cells + 2, CI[i, lay.ESCS])
        cuda.atomic.add(cell, cells + 3, CI[i, lay.PLAYED])
    cuda.syncthreads()
    for k in range(tid, cells, cuda.blockDim.x):
        if cell[k] != 0:
            cuda.atomic.add(hist, (k // width, k % width), cell[k])
    if tid < 4 and cell[cells + tid] != 0:
        cuda.atomic.add(counts, tid, cell[cells + tid])


def stream_chunk_cuda(sc: Scenario, seed: int, start: int, stop: int
                      ) -> tuple[np.ndarray, int, int, int, np.ndarray, int]:
    """The runs [start, stop) on the GPU, reduced there to what a streamed summary keeps
    (:meth:`..stream.Summary.add_totals`'s arguments): only a histogram of outcome × rounds,
    four counts and the term sums cross to the host, not the per-run columns (at 10^7 runs a
    chunk those are gigabytes, and building them is host work the GPU would wait on)."""
    CI, _, TACC = _launch(sc, seed, start, stop)
    hist = cuda.to_device(np.zeros((len(lay.OUTCOMES), sc.horizon + 1), np.int64))
    counts = cuda.to_device(np.zeros(4, np.int64))
    shared = (hist.shape[0] * hist.shape[1] + 4) * 8   # bytes: 1.4 KB at 24 rounds
    _summarise[-(-CI.shape[0] // THREADS), THREADS, 0, shared](CI, hist, counts)
    cuda.synchronize()
    c = counts.copy_to_host()
    return (hist.copy_to_host(), int(c[0]), int(c[1]), int(c[2]),
            TACC.copy_to_host().sum(axis=0), int(c[3]))


__all__ = ["available", "cuda_overloads", "kernel_args", "simulate_chunk_cuda",
           "stream_chunk_cuda"]
