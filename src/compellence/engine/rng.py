"""Randomness: counter-style streams so a run's numbers never depend on chunking.

Runs are grouped in fixed blocks of :data:`BLOCK` runs. Each block has its own
``numpy.random.SeedSequence`` child for the per-round draws, and each uncertain
parameter has one per block too (keyed by the parameter's path). A chunk that
covers part of a block still draws the whole block and keeps its slice, so run
``r`` sees the same numbers whether it is simulated alone, in a chunk of 1,000
or in one chunk of a million: results are identical whatever the chunk size,
backend or number of workers.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

#: Runs per random-number block. Changing it changes every stream (a new seed in effect).
BLOCK = 4096

#: Uniform draws per run per round, by purpose (columns of :meth:`RoundStreams.draw`).
DRAWS = ("choice", "accept", "war", "strike", "kill", "natural", "collapse", "shock")
U = {name: k for k, name in enumerate(DRAWS)}

_ROUND_STREAM, _PARAM_STREAM = 0, 1


@dataclass(frozen=True)
class Segment:
    """The part [lo, hi) of block ``block`` that a chunk covers (offsets within the block)."""

    block: int
    lo: int
    hi: int


def segments(start: int, stop: int) -> list[Segment]:
    """Split the run range [start, stop) into per-block segments."""
    out = []
    b = start // BLOCK
    while b * BLOCK < stop:
        lo = max(start, b * BLOCK) - b * BLOCK
        hi = min(stop, (b + 1) * BLOCK) - b * BLOCK
        out.append(Segment(b, lo, hi))
        b += 1
    return out


def _generator(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def param_uniforms(seed: int, path: str, start: int, stop: int) -> np.ndarray:
    """One uniform per run in [start, stop) for the uncertain parameter at ``path``."""
    key = zlib.crc32(path.encode())
    parts = [_generator(seed, _PARAM_STREAM, key, s.block).random(BLOCK)[s.lo:s.hi]
             for s in segments(start, stop)]
    return np.concatenate(parts)


class RoundStreams:
    """Per-round uniform draws for the runs [start, stop), one generator per block."""

    def __init__(self, seed: int, start: int, stop: int) -> None:
        self._segs = segments(start, stop)
        self._gens = [_generator(seed, _ROUND_STREAM, s.block) for s in self._segs]

    def draw(self) -> np.ndarray:
        """The next round's draws, shape (runs, len(DRAWS))."""
        parts = [g.random((BLOCK, len(DRAWS)))[s.lo:s.hi] for g, s in zip(self._gens,
                                                                            self._segs,
                                                                            strict=True)]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def chunks(runs: int, chunk_size: int) -> Iterator[tuple[int, int]]:
    """Consecutive [start, stop) ranges of at most chunk_size runs."""
    for start in range(0, runs, chunk_size):
        yield start, min(runs, start + chunk_size)
