"""The compiled backend: one fused per-run step per round, in numba.

This is the same model as :mod:`compellence.model` (the NumPy backend, kept as the
reference), written as scalar code for one run so that numba can fuse a whole
round into one pass over memory. Each equation mirrors the reference's
operation order exactly, and the random numbers are the reference's own
(:class:`compellence.engine.rng.RoundStreams`), so the two backends give
identical outcomes, rounds, events and states. The one difference: NumPy's
vectorised ``exp`` and the C library's ``exp`` (used here) may differ in the last
bit, so the mean choice probabilities (``p_*``) agree to about 1e-15, not
bitwise (a draw could flip only if it fell within 1e-16 of a boundary; the tests
check that none does). The same step runs uncompiled as the plain-Python
baseline (``step_run.py_func``), which is what a user would write by hand.

Not covered here (the engine falls back to NumPy): the learning coercer,
trajectories and per-decision records.
"""

from __future__ import annotations

import math

import numpy as np

try:
    import numba
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover - exercised where numba is absent
    HAVE_NUMBA = False

    def njit(*args, **kwargs):  # type: ignore[no-redef]
        def wrap(f):
            f.py_func = f
            return f
        return wrap(args[0]) if args and callable(args[0]) else wrap

    prange = range  # type: ignore[assignment]

# Column order of the packed arrays (see engine/fast.py).
L_FIELDS = ("rationality", "identity_weight", "consistency_share", "authority_multiplier",
            "material_weight", "pain_valence", "resolve_gain", "survival_weight",
            "believed_collapse_base", "believed_collapse_slope", "martyrdom_valuation",
            "personal_rigidity_share", "sacred_premium", "taboo_sensitivity",
            "heroic_flexibility", "future_demand_weight", "legitimacy_weight",
            "decline_sensitivity", "martyr_credit")
(LAM, WID, CONS, ALPHA, MW, PV, RG, SW, H0, PHI, MU, PERS, SPREM, BETA, HEROIC, FDW, LW,
 KAPPA, MCRED) = range(len(L_FIELDS))
D_FIELDS = ("econ_sanctions", "econ_strike", "econ_recovery", "program_strike", "unrest_rate",
            "unrest_shock_rate", "unrest_shock_size", "rally", "base_gain", "econ_critical",
            "base_econ_loss", "concession_base_loss", "trust_renege", "trust_recovery",
            "axis_decline", "war_rate", "war_cost", "collapse_base", "collapse_unrest",
            "collapse_concession", "assassination_rate", "natural_death", "pain_horizon",
            "sanctification", "martyr_rally")
(ES, ESTR, EREC, PSTR, UR, USR, USS, RALLY, BG, ECRIT, BEL, CBL, TREN, TREC, AXD, WR, WC, CB,
 CU, CC, AR, ND, PH, SANCT, MRALLY) = range(len(D_FIELDS))
O_FIELDS = ("demand", "relief", "face_saving", "accepts_limited_deal", "core_threshold")
DEM, REL, FS, ACC, CORE = range(len(O_FIELDS))
S_FIELDS = ("economy", "unrest", "base", "program", "axis", "trust", "resolve", "credit")
ECON, UNR, BASE, PROG, AXIS, TRUST, RES, CRED = range(len(S_FIELDS))
M_FIELDS = ("identity_cost", "pressure_resolve", "pain_valence", "leader_profile",
            "consistency_authority", "believed_collapse", "martyrdom", "sanctified_succession",
            "sacred_core", "heroic_flexibility", "trust", "coercion_visibility",
            "exogenous_decline", "adaptive_coercer", "survival_discount")
(M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13, M14, M15) = range(15)
# Per-run integer/float columns written by the kernel.
C_INT = ("outcome", "rounds", "leader_generation", "martyred", "killed_round", "escalations",
         "deal_offers")
OUT, ROUNDS, GEN, MART, KROUND, ESCS, DOFF = range(len(C_INT))
C_FLT = ("legacy", "legacy_if_capitulated")
LEG, LEGCAP = range(2)
# Draw columns (engine/rng.py DRAWS order).
UCH, UACC, UWAR, USTR, UKILL, UNAT, UCOL, USHK = range(8)
N_TERMS = 8
VIS_FLOOR = 0.4
ESC_RALLY = 0.05
STRIKE_BASE = 0.02
PW = (0.35, 0.15, 0.25, 0.25)      # pressure index weights (model/coercer.py)
PAIN = (0.6, 0.2, 0.2)             # economic pain weights (model/coercer.py)


@njit(cache=True)
def _clip01(x):
    return min(max(x, 0.0), 1.0)


@njit(cache=True, inline="always")
def _exp0(x):
    """exp, skipping the call at 0 (exp(0) is exactly 1 in every implementation)."""
    return 1.0 if x == 0.0 else math.exp(x)


@njit(cache=True, inline="always")
def _level(k, i, t, lev_const, lev_sched, is_sched, listed, cap, bump):
    """Level of instrument k in force for run i at round t (model/coercer.py)."""
    base = lev_sched[k, t] if is_sched[k] else lev_const[i, k]
    ceiling = max(cap[i], base) if listed[k] else 1.0
    return min(max(base + bump[i, k], 0.0), ceiling)


@njit(cache=True, inline="always")
def _add(term_acc, i, j, u0, u1, u2, u3, v0, v1, v2, v3):
    """Add term j's values to the utilities (in the reference's order) and to the block's
    running totals (``term_acc``: a small (terms, 4) array shared by a block of runs)."""
    term_acc[j, 0] += v0
    term_acc[j, 1] += v1
    term_acc[j, 2] += v2
    term_acc[j, 3] += v3
    return u0 + v0, u1 + v1, u2 + v2, u3 + v3


@njit(cache=True)
def _succeed(i, t, martyred, L, S, O, D, M, ci, cf):
    """Succession for run i (model/succession.py)."""
    ordinary = 0.5 * S[i, BASE] + 0.5 * S[i, ECON]
    legacy = _clip01(S[i, BASE] + D[i, SANCT] * L[i, PERS]) if martyred and M[M8] \
        else ordinary
    if ci[i, GEN] == 0:
        cf[i, LEG] = legacy
        cf[i, LEGCAP] = 0.5 * S[i, BASE] * (1.0 - O[i, DEM]) + \
            0.5 * min(S[i, ECON] + O[i, REL], 1.0)
        if martyred:
            ci[i, KROUND] = t
    ci[i, GEN] += 1
    if martyred:
        ci[i, MART] = 1
    if M[M8]:
        personal = L[i, PERS]
        if martyred:
            credit = L[i, MCRED] * legacy * personal
            L[i, WID] = L[i, WID] * (1.0 - personal)
            L[i, PERS] = 0.0
        else:
            credit = 0.0
        S[i, CRED] = credit
        if martyred:
            S[i, UNR] = _clip01(S[i, UNR] - D[i, MRALLY])
    else:
        S[i, CRED] = 0.0


@njit(cache=True, inline="always")
def step_run(i, t, u, L, S, O, D, M, lev_const, lev_sched, is_sched, listed, cap, bump,
             step, ret_step, kill_now, renege_now, active, ci, cf, prob_sum, term_acc):
    """One round of one run, in place. Mirrors engine/simulate.py's order of events."""
    if not active[i]:
        return
    if kill_now:
        _succeed(i, t, True, L, S, O, D, M, ci, cf)
    if renege_now:
        S[i, TRUST] = S[i, TRUST] * (1.0 - D[i, TREN])
    # pressure in force (model/coercer.py effective_level, pressure_index)
    s = _level(0, i, t, lev_const, lev_sched, is_sched, listed, cap, bump)
    iso = _level(1, i, t, lev_const, lev_sched, is_sched, listed, cap, bump)
    m = _level(2, i, t, lev_const, lev_sched, is_sched, listed, cap, bump)
    stk = _level(3, i, t, lev_const, lev_sched, is_sched, listed, cap, bump)
    thr = _level(4, i, t, lev_const, lev_sched, is_sched, listed, cap, bump)
    P = PW[0] * s + PW[1] * iso + PW[2] * m + PW[3] * stk
    strike = 1.0 if u[i, USTR] < stk else 0.0
    shock = 1.0 if u[i, USHK] < D[i, USR] else 0.0

    # offer geometry
    d = O[i, DEM]
    core = O[i, CORE]
    xd = min(d, core)
    h = L[i, HEROIC] if M[M10] else 0.0
    sig = _clip01(O[i, FS] + S[i, CRED])
    sig_deal = sig + (1.0 - sig) * h
    p_acc = 1.0 if d <= core + 1e-12 else O[i, ACC]
    touch_deal = 1.0 if xd > core + 1e-12 else 0.0
    touch_cap = 1.0 if d > core + 1e-12 else 0.0
    # concession scale (M1, M5, M12, M2)
    authority = 1.0 + L[i, ALPHA] * L[i, CONS] if M[M5] else 1.0
    vis = VIS_FLOOR + (1.0 - VIS_FLOOR) * P if M[M12] else 1.0
    resolve = 1.0 + S[i, RES] if M[M2] else 1.0
    scale = L[i, WID] * authority * vis * resolve

    u0 = 0.0
    u1 = 0.0
    u2 = 0.0
    u3 = 0.0
    # identity (M1)
    v2 = -scale * xd * (1.0 - sig_deal) if M[M1] else 0.0
    v3 = -scale * d * (1.0 - 0.0) if M[M1] else 0.0
    u0, u1, u2, u3 = _add(term_acc, i, 0, u0, u1, u2, u3, 0.0, 0.0, v2, v3)
    # sacred (M9)
    if M[M9]:
        sp = -(scale * (L[i, SPREM] * (1.0 + L[i, BETA] * O[i, REL])))
        v2, v3 = sp * touch_deal, sp * touch_cap
    else:
        v2, v3 = 0.0, 0.0
    u0, u1, u2, u3 = _add(term_acc, i, 1, u0, u1, u2, u3, 0.0, 0.0, v2, v3)
    # material
    decline = (1.0 - S[i, AXIS]) if M[M13] else 0.0
    w_mat = L[i, MW] * (1.0 + L[i, KAPPA] * decline)
    pain = (PAIN[0] * s + PAIN[1] * iso + PAIN[2] * stk) * (1.5 - S[i, ECON]) * D[i, PH]
    trust_f = S[i, TRUST] if M[M11] else 1.0
    relief = O[i, REL] * trust_f
    share = xd / d if d > 0 else 1.0
    p_war = _clip01(D[i, WR] * (0.5 + m))
    u0, u1, u2, u3 = _add(term_acc, i, 2, u0, u1, u2, u3, w_mat * -pain,
                          w_mat * (-pain - p_war * D[i, WC]),
                          w_mat * (p_acc * relief * share - (1.0 - p_acc) * pain),
                          w_mat * relief)
    # survival (M6, M15)
    w_s = L[i, SW] if M[M15] else max(L[i, SW], 1.0)
    hazard = D[i, CB] + D[i, CU] * (S[i, UNR] * S[i, UNR])
    stay = hazard * D[i, PH] + thr
    if M[M6]:
        bel_d = L[i, H0] + L[i, PHI] * xd
        bel_c = L[i, H0] + L[i, PHI] * d
    else:
        bel_d = D[i, CB] + D[i, CC] * xd
        bel_c = D[i, CB] + D[i, CC] * d
    u0, u1, u2, u3 = _add(term_acc, i, 3, u0, u1, u2, u3, w_s * -stay,
                          w_s * (-stay - p_war * D[i, WC]),
                          w_s * -(p_acc * bel_d + (1.0 - p_acc) * stay), w_s * -bel_c)
    # martyrdom (M7) and pain valence (M3): defiance, full unless conceding
    v = L[i, MU] * thr if M[M7] else 0.0
    u0, u1, u2, u3 = _add(term_acc, i, 4, u0, u1, u2, u3, v, v,
                          (1.0 - p_acc) * v if M[M7] else 0.0, 0.0)
    v = L[i, PV] * P if M[M3] else 0.0
    u0, u1, u2, u3 = _add(term_acc, i, 5, u0, u1, u2, u3, v, v,
                          (1.0 - p_acc) * v if M[M3] else 0.0, 0.0)
    # legitimacy
    gain = D[i, BG] * L[i, PV] * P * (1.0 - S[i, BASE]) if M[M2] else 0.0
    hard = max(D[i, ECRIT] - S[i, ECON], 0.0) / max(D[i, ECRIT], 1e-9)
    bstay = gain - D[i, BEL] * hard
    loss_d = D[i, CBL] * xd * (1.0 - sig_deal)
    loss_c = D[i, CBL] * d * (1.0 - 0.0)
    lw = L[i, LW]
    u0, u1, u2, u3 = _add(term_acc, i, 6, u0, u1, u2, u3, lw * bstay, lw * (bstay + ESC_RALLY),
                          lw * (-p_acc * loss_d + (1.0 - p_acc) * bstay), lw * -loss_c)
    # future demands (M11)
    if M[M11]:
        v2 = -L[i, FDW] * (xd * (1.0 - S[i, TRUST]) * p_acc)
        v3 = -L[i, FDW] * (d * (1.0 - S[i, TRUST]))
    else:
        v2, v3 = 0.0, 0.0
    u0, u1, u2, u3 = _add(term_acc, i, 7, u0, u1, u2, u3, 0.0, 0.0, v2, v3)
    # logit choice
    lam = L[i, LAM]
    z0, z1, z2, z3 = lam * u0, lam * u1, lam * u2, lam * u3
    zm = max(max(z0, z1), max(z2, z3))
    e0, e1, e2, e3 = _exp0(z0 - zm), _exp0(z1 - zm), _exp0(z2 - zm), _exp0(z3 - zm)
    tot = e0 + e1 + e2 + e3
    p0, p1, p2, p3 = e0 / tot, e1 / tot, e2 / tot, e3 / tot
    c0 = p0
    c1 = c0 + p1
    c2 = c1 + p2
    uc = u[i, UCH]
    action = (1 if uc > c0 else 0) + (1 if uc > c1 else 0) + (1 if uc > c2 else 0)
    accepted = action == 2 and u[i, UACC] < p_acc
    war = action == 1 and u[i, UWAR] < p_war
    prob_sum[i, 0] += p0
    prob_sum[i, 1] += p1
    prob_sum[i, 2] += p2
    prob_sum[i, 3] += p3
    if action == 1:
        ci[i, ESCS] += 1
    if action == 2:
        ci[i, DOFF] += 1
    if action == 3 or accepted or war:
        ci[i, OUT] = 1 if action == 3 else (2 if accepted else 3)
        ci[i, ROUNDS] = t
        if action == 3 and ci[i, GEN] == 0:
            cf[i, LEG] = 0.5 * S[i, BASE] * (1.0 - d) + 0.5 * min(S[i, ECON] + O[i, REL], 1.0)
        active[i] = False
    else:
        killed = u[i, UKILL] < D[i, AR] * thr
        natural = (not killed) and u[i, UNAT] < D[i, ND]
        if killed or natural:
            _succeed(i, t, killed, L, S, O, D, M, ci, cf)
        # dynamics (model/dynamics.py), from the state as it stands now
        e_old = S[i, ECON]
        decay = D[i, ES] * (s + iso / 3.0) + D[i, ESTR] * strike
        recovery = D[i, EREC] * (1.0 - e_old) * (1.0 - P)
        econ = _clip01(e_old - decay + recovery)
        drift = D[i, UR] * ((1.0 - econ) - S[i, UNR])
        unrest = _clip01(S[i, UNR] + drift + (D[i, USS] * shock - D[i, RALLY] * strike))
        g2 = D[i, BG] * L[i, PV] * P * (1.0 - S[i, BASE]) if M[M2] else 0.0
        h2 = max(D[i, ECRIT] - e_old, 0.0) / max(D[i, ECRIT], 1e-9)
        base = _clip01(S[i, BASE] + ((g2 - D[i, BEL] * h2) + STRIKE_BASE * strike))
        trust = _clip01(S[i, TRUST] + D[i, TREC] * (1.0 - S[i, TRUST]))
        axis = _clip01(S[i, AXIS] * (1.0 - D[i, AXD]))
        res = _clip01(S[i, RES] + L[i, RG] * P * (1.0 - S[i, RES])) if M[M2] else S[i, RES]
        prog = _clip01(S[i, PROG] - D[i, PSTR] * strike + 0.01 * (1.0 - S[i, PROG]))
        S[i, ECON] = econ
        S[i, UNR] = unrest
        S[i, BASE] = base
        S[i, TRUST] = trust
        S[i, AXIS] = axis
        S[i, RES] = res
        S[i, PROG] = prog
        if u[i, UCOL] < D[i, CB] + D[i, CU] * (unrest * unrest):
            ci[i, OUT] = 4
            ci[i, ROUNDS] = t
            active[i] = False
    # the adaptive coercer (M14), for every run as in the reference
    for k in range(5):
        if listed[k]:
            bump[i, k] = bump[i, k] + step[i]
    esc = 1.0 if (action == 1 and active[i]) else 0.0
    bump[i, 2] = bump[i, 2] + ret_step[i] * esc


#: Runs per block of the parallel loop: each block sums its utility terms in a small local
#: array, so the totals cost no memory traffic per run.
BLOCK_RUNS = 256


@njit(cache=True, parallel=True)
def round_kernel(t, u, L, S, O, D, M, lev_const, lev_sched, is_sched, listed, cap, bump, step,
                 ret_step, kill_now, renege_now, active, ci, cf, prob_sum, term_acc):
    """One round for every run, in parallel over blocks of runs; ``term_acc`` has one
    (terms, 4) row per block."""
    n = active.size
    for b in prange(term_acc.shape[0]):
        acc = np.zeros((N_TERMS, 4))
        for i in range(b * BLOCK_RUNS, min(n, (b + 1) * BLOCK_RUNS)):
            step_run(i, t, u, L, S, O, D, M, lev_const, lev_sched, is_sched, listed, cap, bump,
                     step, ret_step, kill_now, renege_now, active, ci, cf, prob_sum, acc)
        for j in range(N_TERMS):
            for a in range(4):
                term_acc[b, j, a] += acc[j, a]


def available() -> bool:
    """Is the compiled backend usable here (numba installed)?"""
    return HAVE_NUMBA


__all__ = ["HAVE_NUMBA", "available", "numba", "round_kernel", "step_run"]
