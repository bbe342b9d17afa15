"""Counter-based random numbers: every uniform is a pure function of (seed, run, round, purpose).

Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011)
maps a 128-bit counter and a 64-bit key to four 32-bit words. Here the key is the
scenario seed and the counter is (run low word, run high word, round or parameter key,
purpose), so a run's numbers never depend on chunking, thread count, worker count or
backend: there is no generator state to split or carry. It is written as scalar code
so that the same function runs uncompiled, under numba on the CPU and on CUDA (no
library offers a counter-based generator callable inside all three). The test suite
checks it against the Random123 known-answer vectors.

Uniforms have 32-bit resolution: u = (x + 0.5)·2⁻³², never 0 or 1. The engine compares
them with probabilities (an event happens when u < p), so a probability below 2⁻³²
(2.3e-10) per draw acts as 0; every event in the model has a hazard far above that or
exactly 0.
"""

from __future__ import annotations

import warnings

import numpy as np
from numba.core.errors import NumbaIRAssumptionWarning
from numba.extending import register_jitable

from compellence.provenance import RNG_SCHEME


def jitable(fn):
    """Mark a model function: plain Python when called from Python, compiled into any numba
    kernel (CPU or CUDA) that calls it. Compiled without numba's reference counting (the
    model allocates nothing), so passing arrays between functions costs no atomic
    operations and LLVM can inline the small functions into the hot loop."""
    return register_jitable(_nrt=False)(fn)


#: Callers that get a call, not an inlined copy, of a :func:`jitable_inline` function: the
#: learning coercer's likelihood (M13) evaluates the leader's choice for each hypothesis, and
#: a second inlined copy of the whole decision took 5.1 s of numba's compile events in one
#: first compile (benchmarks/results/compile.txt) for a path that runs only when the coercer
#: learns.
NOT_INLINED_INTO = frozenset({"hypothesis_likelihood"})


def _inline_here(expr, caller_info, callee_info) -> bool:
    """numba's inlining cost model: inline unless the caller is in :data:`NOT_INLINED_INTO`."""
    return caller_info.func_ir.func_id.func_name not in NOT_INLINED_INTO


#: Every :func:`jitable_inline` function, in definition order. The CUDA driver gives each a
#: plain CUDA overload of its own (:func:`compellence.engine.gpu.cuda_overloads`): numba-cuda
#: cannot type a call of a generic overload whose ``inline`` is set ("No implementation of
#: function add(omitted(default=Undefined), ...)", numba-cuda 0.30), which the CUDA
#: simulator never shows because it compiles nothing.
INLINED: list = []


def jitable_inline(fn):
    """Mark a model function as :func:`jitable`, and have numba inline it into its callers
    (at numba's IR level) except those in :data:`NOT_INLINED_INTO`. Used for the few
    functions of the per-round hot path that LLVM's own inliner leaves as calls because
    they are large: a call passes every array as seven machine words, which costs more than
    the arithmetic of a short function (`python benchmarks/variants.py` measures it).
    Inlining changes no number: no floating-point operation is reordered."""
    INLINED.append(fn)
    return register_jitable(_nrt=False, inline=_inline_here)(fn)


# numba's IR inliner trips an internal pedantic scope check (numba issues #7802, #9489) that
# it reports as a warning asking for a bug report; every backend compiles through here, and
# the compiled kernels are checked bitwise against the uncompiled reference
# (tests/test_backends.py), so this one message is not shown.
warnings.filterwarnings("ignore", message=r"(?s).*variable .* is not in scope",
                        category=NumbaIRAssumptionWarning)


_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_TWO32_INV = 2.0 ** -32

#: Purposes (the counter's fourth word): the per-round draws come in two blocks of four;
#: per-run parameters use their own purpose with the parameter's key as third word.
PURPOSE_ROUND_A = 0
PURPOSE_ROUND_B = 1
PURPOSE_PARAM = 2
#: Drawn only in a round where the coercer starts a campaign to remove the regime (its
#: first word decides whether the regime falls), so no other draw moves.
PURPOSE_CAMPAIGN = 3
#: Drawn only in a round where a succession happens (F1: which candidate the selectorate
#: chooses), so no other draw moves.
PURPOSE_SUCCESSION = 4
#: Name of this scheme, stamped on outputs (kept in provenance.py, which stays light to
#: import): changing the scheme changes every figure.
SCHEME = RNG_SCHEME


@jitable
def u32(x):
    """x as a uint64 holding its low 32 bits (a counter or key word)."""
    return np.uint64(x) & _MASK


@jitable
def philox_round(c0, c1, c2, c3, k0, k1, r):
    """Round r (0 … 9) of Philox4x32 under the key (k0, k1): two 32×32→64-bit
    multiplications, their halves crossed and xored with the round key, which is the key
    plus r times the Weyl constants (mod 2³²). Returns the counter's next four words, as
    uint64 holding 32 bits."""
    rk0 = (k0 + np.uint64(r) * _W0) & _MASK
    rk1 = (k1 + np.uint64(r) * _W1) & _MASK
    p0 = _M0 * c0
    p1 = _M1 * c2
    return (((p1 >> _S32) ^ c1 ^ rk0) & _MASK, p1 & _MASK,
            ((p0 >> _S32) ^ c3 ^ rk1) & _MASK, p0 & _MASK)


@jitable
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32 with 10 rounds: four uint32 counter words and two key words (as uint64
    holding 32-bit values) → four 32-bit words (as uint64)."""
    c0, c1, c2, c3, k0, k1 = u32(c0), u32(c1), u32(c2), u32(c3), u32(k0), u32(k1)
    for r in range(10):
        c0, c1, c2, c3 = philox_round(c0, c1, c2, c3, k0, k1, r)
    return c0, c1, c2, c3


@jitable
def philox4x32x2(c0, c1, c2, c3a, c3b, k0, k1):
    """:func:`philox4x32` for two counters that differ only in their fourth word, (c0, c1,
    c2, c3a) and (c0, c1, c2, c3b), under one key: eight 32-bit words (as uint64). A round's
    two blocks of draws go through one loop, one call instead of two
    (``benchmarks/results/philox-pair.txt``)."""
    a0, a1, a2, a3, k0, k1 = u32(c0), u32(c1), u32(c2), u32(c3a), u32(k0), u32(k1)
    b0, b1, b2, b3 = a0, a1, a2, u32(c3b)
    for r in range(10):
        a0, a1, a2, a3 = philox_round(a0, a1, a2, a3, k0, k1, r)
        b0, b1, b2, b3 = philox_round(b0, b1, b2, b3, k0, k1, r)
    return a0, a1, a2, a3, b0, b1, b2, b3


@jitable
def to_unit(x):
    """A 32-bit word → a uniform in (0, 1): (x + 0.5)·2⁻³²."""
    return (np.float64(x) + 0.5) * _TWO32_INV


@jitable
def uniform4(seed, run, word, purpose):
    """Four uniforms for (seed, run, word, purpose); word is a round or a parameter key."""
    s = np.uint64(seed)
    r = np.uint64(run)
    x0, x1, x2, x3 = philox4x32(r & _MASK, r >> _S32, np.uint64(word), np.uint64(purpose),
                                s & _MASK, s >> _S32)
    return to_unit(x0), to_unit(x1), to_unit(x2), to_unit(x3)


@jitable
def round_uniforms(seed, run, t, u):
    """The eight per-round draws of one run into u[0:8] (order: layout.DRAWS): the blocks of
    purposes A and B, computed together."""
    s = np.uint64(seed)
    r = np.uint64(run)
    x = philox4x32x2(r & _MASK, r >> _S32, np.uint64(t), np.uint64(PURPOSE_ROUND_A),
                     np.uint64(PURPOSE_ROUND_B), s & _MASK, s >> _S32)
    for k in range(8):
        u[k] = to_unit(x[k])


@jitable
def campaign_uniform(seed, run, t):
    """The uniform that decides a campaign to remove the regime started in round t."""
    a0, _, _, _ = uniform4(seed, run, t, PURPOSE_CAMPAIGN)
    return a0


@jitable
def succession_uniform(seed, run, t):
    """The uniform that decides which candidate succeeds a leader who dies in round t."""
    a0, _, _, _ = uniform4(seed, run, t, PURPOSE_SUCCESSION)
    return a0


@jitable
def param_uniform(seed, run, key):
    """The uniform that samples the parameter with key ``key`` (CRC-32 of its path) for a run."""
    a0, _, _, _ = uniform4(seed, run, key, PURPOSE_PARAM)
    return a0
