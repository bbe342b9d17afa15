"""The GPU backend (optional extra ``compellence[gpu]``): the kernel's equations in JAX.

The same per-run equations as :mod:`compellence.engine.kernel`, written over whole
arrays (``jnp.where`` for the branches, the mechanism switches as static Python
flags) and scanned over rounds with ``jax.lax.scan`` under ``jax.jit``, so the
round loop runs on the accelerator. It draws its random numbers with JAX's own
counter-based generator (``jax.random``, keyed by the scenario seed, the chunk's
first run and the round) in float32 by default, so its numbers are not the CPU
backends' numbers: its outcome *distributions* agree with them within Monte Carlo
error (tests/test_backends.py checks this on CPU JAX). Set
``COMPELLENCE_JAX_X64=1`` for float64.

Not covered (use the CPU backends): the learning coercer, trajectories, records.
"""

from __future__ import annotations

import os
from functools import partial

import numpy as np

from compellence.engine import kernel as kn
from compellence.engine.fast import Packed, chunk_result
from compellence.engine.simulate import ChunkResult
from compellence.model.core import TERMS
from compellence.scenario.schema import Scenario


def available() -> bool:
    try:
        import jax  # noqa: F401
    except ImportError:
        return False
    return True


def _jax():
    import jax

    if os.environ.get("COMPELLENCE_JAX_X64") == "1":
        jax.config.update("jax_enable_x64", True)
    return jax


def _round(carry, xs, *, M, listed, is_sched, n, key, dtype):
    """One round for every run (kernel.step_run over arrays)."""
    import jax
    import jax.numpy as jnp

    (L, S, bump, out, rounds, gen, mart, kround, escs, doff, leg, legcap, prob_sum,
     term_sum, active) = carry
    D, O, lev_const, cap, step, ret_step = xs["static"]
    t, kill_now, renege_now, sched = xs["t"], xs["kill"], xs["renege"], xs["sched"]
    u = jax.random.uniform(jax.random.fold_in(key, t), (n, 8), dtype=dtype)
    one = jnp.asarray(1.0, dtype)
    zero = jnp.asarray(0.0, dtype)

    def col(a, k):
        return a[:, k]

    def succeed(L, S, gen, mart, kround, leg, legcap, who, martyred):
        base, econ = col(S, kn.BASE), col(S, kn.ECON)
        ordinary = 0.5 * base + 0.5 * econ
        legacy = jnp.where(martyred & M[kn.M8],
                           jnp.clip(base + col(D, kn.SANCT) * col(L, kn.PERS), 0, 1), ordinary)
        first = who & (gen == 0)
        leg = jnp.where(first, legacy, leg)
        capleg = 0.5 * base * (1.0 - col(O, kn.DEM)) + \
            0.5 * jnp.minimum(econ + col(O, kn.REL), 1.0)
        legcap = jnp.where(first, capleg, legcap)
        kround = jnp.where(first & martyred, t, kround)
        gen = gen + who.astype(gen.dtype)
        mart = mart | (who & martyred)
        if M[kn.M8]:
            pers = col(L, kn.PERS)
            credit = jnp.where(martyred, col(L, kn.MCRED) * legacy * pers, 0.0)
            wid = jnp.where(who & martyred, col(L, kn.WID) * (1.0 - pers), col(L, kn.WID))
            L = L.at[:, kn.WID].set(wid)
            L = L.at[:, kn.PERS].set(jnp.where(who & martyred, 0.0, pers))
            S = S.at[:, kn.CRED].set(jnp.where(who, credit, col(S, kn.CRED)))
            unrest = jnp.where(who & martyred,
                               jnp.clip(col(S, kn.UNR) - col(D, kn.MRALLY), 0, 1),
                               col(S, kn.UNR))
            S = S.at[:, kn.UNR].set(unrest)
        else:
            S = S.at[:, kn.CRED].set(jnp.where(who, 0.0, col(S, kn.CRED)))
        return L, S, gen, mart, kround, leg, legcap

    L, S, gen, mart, kround, leg, legcap = succeed(L, S, gen, mart, kround, leg, legcap,
                                                   active & kill_now, active & kill_now)
    S = S.at[:, kn.TRUST].set(jnp.where(active & renege_now,
                                        col(S, kn.TRUST) * (1.0 - col(D, kn.TREN)),
                                        col(S, kn.TRUST)))
    levels = []
    for k in range(5):
        base = sched[k] * jnp.ones(n, dtype) if is_sched[k] else lev_const[:, k]
        ceiling = jnp.maximum(cap, base) if listed[k] else one
        levels.append(jnp.minimum(jnp.maximum(base + bump[:, k], 0.0), ceiling))
    s, iso, m, stk, thr = levels
    P = kn.PW[0] * s + kn.PW[1] * iso + kn.PW[2] * m + kn.PW[3] * stk
    strike = (u[:, kn.USTR] < stk).astype(dtype)
    shock = (u[:, kn.USHK] < col(D, kn.USR)).astype(dtype)

    d, core = col(O, kn.DEM), col(O, kn.CORE)
    xd = jnp.minimum(d, core)
    h = col(L, kn.HEROIC) if M[kn.M10] else zero
    sig = jnp.clip(col(O, kn.FS) + col(S, kn.CRED), 0, 1)
    sig_deal = sig + (1.0 - sig) * h
    p_acc = jnp.where(d <= core + 1e-12, one, col(O, kn.ACC))
    touch_deal = (xd > core + 1e-12).astype(dtype)
    touch_cap = (d > core + 1e-12).astype(dtype)
    authority = 1.0 + col(L, kn.ALPHA) * col(L, kn.CONS) if M[kn.M5] else one
    vis = kn.VIS_FLOOR + (1.0 - kn.VIS_FLOOR) * P if M[kn.M12] else one
    resolve = 1.0 + col(S, kn.RES) if M[kn.M2] else one
    scale = col(L, kn.WID) * authority * vis * resolve
    zeros = jnp.zeros(n, dtype)
    terms = []
    terms.append((zeros, zeros, -scale * xd * (1.0 - sig_deal) if M[kn.M1] else zeros,
                  -scale * d if M[kn.M1] else zeros))
    if M[kn.M9]:
        sp = -(scale * (col(L, kn.SPREM) * (1.0 + col(L, kn.BETA) * col(O, kn.REL))))
        terms.append((zeros, zeros, sp * touch_deal, sp * touch_cap))
    else:
        terms.append((zeros, zeros, zeros, zeros))
    decline = 1.0 - col(S, kn.AXIS) if M[kn.M13] else zero
    w_mat = col(L, kn.MW) * (1.0 + col(L, kn.KAPPA) * decline)
    pain = (kn.PAIN[0] * s + kn.PAIN[1] * iso + kn.PAIN[2] * stk) * (1.5 - col(S, kn.ECON)) \
        * col(D, kn.PH)
    relief = col(O, kn.REL) * (col(S, kn.TRUST) if M[kn.M11] else one)
    share = jnp.where(d > 0, xd / jnp.where(d > 0, d, 1.0), 1.0)
    p_war = jnp.clip(col(D, kn.WR) * (0.5 + m), 0, 1)
    terms.append((w_mat * -pain, w_mat * (-pain - p_war * col(D, kn.WC)),
                  w_mat * (p_acc * relief * share - (1.0 - p_acc) * pain), w_mat * relief))
    w_s = col(L, kn.SW) if M[kn.M15] else jnp.maximum(col(L, kn.SW), 1.0)
    unr = col(S, kn.UNR)
    stay = (col(D, kn.CB) + col(D, kn.CU) * unr * unr) * col(D, kn.PH) + thr
    if M[kn.M6]:
        bel_d = col(L, kn.H0) + col(L, kn.PHI) * xd
        bel_c = col(L, kn.H0) + col(L, kn.PHI) * d
    else:
        bel_d = col(D, kn.CB) + col(D, kn.CC) * xd
        bel_c = col(D, kn.CB) + col(D, kn.CC) * d
    terms.append((w_s * -stay, w_s * (-stay - p_war * col(D, kn.WC)),
                  w_s * -(p_acc * bel_d + (1.0 - p_acc) * stay), w_s * -bel_c))
    v = col(L, kn.MU) * thr if M[kn.M7] else zeros
    terms.append((v, v, (1.0 - p_acc) * v, zeros))
    v = col(L, kn.PV) * P if M[kn.M3] else zeros
    terms.append((v, v, (1.0 - p_acc) * v, zeros))
    gain = col(D, kn.BG) * col(L, kn.PV) * P * (1.0 - col(S, kn.BASE)) if M[kn.M2] else zero
    hard = jnp.maximum(col(D, kn.ECRIT) - col(S, kn.ECON), 0.0) / \
        jnp.maximum(col(D, kn.ECRIT), 1e-9)
    bstay = gain - col(D, kn.BEL) * hard
    lw = col(L, kn.LW)
    terms.append((lw * bstay, lw * (bstay + kn.ESC_RALLY),
                  lw * (-p_acc * col(D, kn.CBL) * xd * (1.0 - sig_deal) + (1.0 - p_acc) * bstay),
                  lw * -(col(D, kn.CBL) * d)))
    if M[kn.M11]:
        tr = col(S, kn.TRUST)
        terms.append((zeros, zeros, -col(L, kn.FDW) * (xd * (1.0 - tr) * p_acc),
                      -col(L, kn.FDW) * (d * (1.0 - tr))))
    else:
        terms.append((zeros, zeros, zeros, zeros))
    T_ = jnp.stack([jnp.stack(tt, axis=1) for tt in terms])      # (8, n, 4)
    U = T_.sum(axis=0)
    prob = jax.nn.softmax(col(L, kn.LAM)[:, None] * U, axis=1)
    cum = jnp.cumsum(prob, axis=1)
    action = (u[:, kn.UCH][:, None] > cum[:, :3]).sum(axis=1)
    accepted = (action == 2) & (u[:, kn.UACC] < p_acc)
    war = (action == 1) & (u[:, kn.UWAR] < p_war)
    af = active.astype(dtype)
    prob_sum = prob_sum + prob * af[:, None]
    term_sum = term_sum + (T_ * af[None, :, None]).sum(axis=1)
    escs = escs + (active & (action == 1)).astype(escs.dtype)
    doff = doff + (active & (action == 2)).astype(doff.dtype)
    ended = active & ((action == 3) | accepted | war)
    code = jnp.where(action == 3, 1, jnp.where(accepted, 2, 3))
    out = jnp.where(ended, code, out)
    rounds = jnp.where(ended, t, rounds)
    first_cap = ended & (action == 3) & (gen == 0)
    leg = jnp.where(first_cap, 0.5 * col(S, kn.BASE) * (1.0 - d) +
                    0.5 * jnp.minimum(col(S, kn.ECON) + col(O, kn.REL), 1.0), leg)
    still = active & ~ended
    killed = still & (u[:, kn.UKILL] < col(D, kn.AR) * thr)
    natural = still & ~killed & (u[:, kn.UNAT] < col(D, kn.ND))
    L, S, gen, mart, kround, leg, legcap = succeed(L, S, gen, mart, kround, leg, legcap,
                                                   killed | natural, killed)
    e_old = col(S, kn.ECON)
    econ = jnp.clip(e_old - (col(D, kn.ES) * (s + iso / 3.0) + col(D, kn.ESTR) * strike)
                    + col(D, kn.EREC) * (1.0 - e_old) * (1.0 - P), 0, 1)
    unrest = jnp.clip(col(S, kn.UNR) + col(D, kn.UR) * ((1.0 - econ) - col(S, kn.UNR))
                      + (col(D, kn.USS) * shock - col(D, kn.RALLY) * strike), 0, 1)
    g2 = col(D, kn.BG) * col(L, kn.PV) * P * (1.0 - col(S, kn.BASE)) if M[kn.M2] else zero
    h2 = jnp.maximum(col(D, kn.ECRIT) - e_old, 0.0) / jnp.maximum(col(D, kn.ECRIT), 1e-9)
    base = jnp.clip(col(S, kn.BASE) + ((g2 - col(D, kn.BEL) * h2) + kn.STRIKE_BASE * strike),
                    0, 1)
    trust = jnp.clip(col(S, kn.TRUST) + col(D, kn.TREC) * (1.0 - col(S, kn.TRUST)), 0, 1)
    axis = jnp.clip(col(S, kn.AXIS) * (1.0 - col(D, kn.AXD)), 0, 1)
    res = jnp.clip(col(S, kn.RES) + col(L, kn.RG) * P * (1.0 - col(S, kn.RES)), 0, 1) \
        if M[kn.M2] else col(S, kn.RES)
    prog = jnp.clip(col(S, kn.PROG) - col(D, kn.PSTR) * strike + 0.01 * (1.0 - col(S, kn.PROG)),
                    0, 1)
    new = jnp.stack([econ, unrest, base, prog, axis, trust, res, col(S, kn.CRED)], axis=1)
    S = jnp.where(still[:, None], new, S)
    collapse = still & (u[:, kn.UCOL] < col(D, kn.CB) + col(D, kn.CU) * unrest * unrest)
    out = jnp.where(collapse, 4, out)
    rounds = jnp.where(collapse, t, rounds)
    active = still & ~collapse
    for k in range(5):
        if listed[k]:
            bump = bump.at[:, k].add(step)
    bump = bump.at[:, 2].add(ret_step * ((action == 1) & active).astype(dtype))
    return (L, S, bump, out, rounds, gen, mart, kround, escs, doff, leg, legcap, prob_sum,
            term_sum, active), None


def simulate_chunk_jax(sc: Scenario, seed: int, start: int, stop: int) -> ChunkResult:
    """The runs [start, stop) in JAX (on the default device: a GPU where present)."""
    jax = _jax()
    import jax.numpy as jnp

    dtype = jnp.float64 if jax.config.read("jax_enable_x64") else jnp.float32
    pk = Packed(sc, seed, start, stop)
    n, T = pk.n, pk.T
    key = jax.random.fold_in(jax.random.key(seed % (2**31)), start)
    M = tuple(bool(x) for x in pk.M)
    step_fn = partial(_round, M=M, listed=tuple(bool(x) for x in pk.listed),
                      is_sched=tuple(bool(x) for x in pk.is_sched), n=n, key=key, dtype=dtype)
    f = lambda a: jnp.asarray(a, dtype)  # noqa: E731
    carry = (f(pk.L), f(pk.S), f(pk.bump), jnp.zeros(n, jnp.int32),
             jnp.full(n, T, jnp.int32), jnp.zeros(n, jnp.int32), jnp.zeros(n, bool),
             jnp.full(n, -1, jnp.int32), jnp.zeros(n, jnp.int32), jnp.zeros(n, jnp.int32),
             jnp.full(n, jnp.nan, dtype), jnp.full(n, jnp.nan, dtype), jnp.zeros((n, 4), dtype),
             jnp.zeros((len(TERMS), 4), dtype), jnp.ones(n, bool))
    static = (f(pk.D), f(pk.O), f(pk.lev_const), f(pk.cap), f(pk.step), f(pk.ret_step))
    ts = np.arange(T)
    xs = {"t": jnp.asarray(ts, jnp.int32),
          "kill": jnp.asarray(ts == (pk.kill_round if pk.kill_round is not None else -1)),
          "renege": jnp.asarray([t in pk.renege for t in ts]),
          "sched": f(pk.lev_sched[:, :T].T)}

    @jax.jit
    def run(carry, xs, static):
        def body(c, x):
            return step_fn(c, {**x, "static": static})
        return jax.lax.scan(body, carry, xs)[0]

    (_, S, _, out, rounds, gen, mart, kround, escs, doff, leg, legcap, prob_sum, term_sum,
     _) = run(carry, xs, static)
    return chunk_result(T, out, rounds, gen, mart, kround, leg, legcap, escs, doff, prob_sum,
                        S, term_sum)
