"""The honest floor of the engine's speed: its own random numbers and one pass over the state.

For each run the floor kernel draws exactly the uniforms the engine draws (the same
counter-based generator, :func:`compellence.model.random.round_uniforms`, eight per
run-round, for the rounds the run is actually in play) and adds them into an eight-variable
state, on all cores (numba ``prange``; the engine runs its serial kernel on a pool of as
many threads). The engine cannot be faster than this; its time over the floor's is the cost
of the model itself.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from compellence.model.random import round_uniforms


# Not cached: numba's cache would not notice an edit of model/random.py (only of this file),
# and a stale floor would be measured against a new engine. Compiling it takes seconds.
@njit(parallel=True)
def floor_kernel(seed, start, rounds, out):
    """Draw rounds[i] rounds of uniforms for run start+i and fold them into out[i]."""
    for i in prange(rounds.shape[0]):
        u = np.empty(8)
        s = np.zeros(8)
        for t in range(rounds[i]):
            round_uniforms(seed, start + i, t, u)
            for k in range(8):
                s[k] += u[k]
        for k in range(8):
            out[i, k] = s[k]


def floor(rounds: np.ndarray, seed: int = 0, chunk: int = 1 << 20) -> None:
    """Run the floor kernel over per-run round counts, chunk by chunk like the engine."""
    for start in range(0, rounds.size, chunk):
        part = np.ascontiguousarray(rounds[start:start + chunk], dtype=np.int64)
        floor_kernel(seed, start, part, np.empty((part.size, 8)))
