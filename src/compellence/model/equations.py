"""The model, written once: every equation of one run, as scalar functions.

This module is the single definition of the model. Each function is plain Python
(read it, step through it, call it from a notebook) and is marked
``register_jitable``, so that numba compiles the very same function into every
backend: the CPU kernel (:mod:`compellence.engine.cpu`, threads over blocks of runs), the
CUDA kernel (:mod:`compellence.engine.gpu`), and — uncompiled — the Python reference.
``explain``, the game's payoffs and the claims call these functions too. To change a
mechanism, edit its function here; nothing else needs editing (a test proves it).

Conventions: utility is dimensionless, scaled so that the identity cost of an
unconditional surrender under full pressure for the essay's leader is about 2 before
the sacred premium. A decision is ``softmax(λ · Σ terms)`` over the four actions
(resist, escalate, deal, capitulate; logit quantal response). Arrays are flat rows
whose columns are named in :mod:`compellence.model.layout` (``V`` parameters, ``S``
state, ``O`` offer in force, ``R`` pressure, ``M`` switches). The parameters' units,
ranges and defaults are in :mod:`compellence.scenario.schema`; `docs/model.md` gives
the equations in mathematical form.

Order within a round (it shapes the numbers):
1. the offer in force (the Bayesian coercer may have switched to its limited offer);
2. scheduled events (a leader killed this round → succession, M8; reneging, M11);
3. the coercer's pressure (schedule + adaptive bump, M14) and a possible strike;
4. the leader's decision: logit choice over the summed utility terms;
5. its consequence: capitulation ends the run; a deal ends it if the coercer accepts;
   an escalation becomes war with the war probability;
6. for runs still in play: the leader may be killed (threat to his life) or die
   naturally (→ succession); the state moves on (dynamics); the regime may collapse;
7. the adaptive coercer raises pressure for the next round.
"""

from __future__ import annotations

import math

import numpy as np

from compellence.model.layout import (
    A_CAP,
    A_RET,
    A_STEP,
    ACC,
    ADAPT,
    ADMAX,
    ADR,
    ALPHA,
    AR,
    AXD,
    AXIS,
    BACKED,
    BASE,
    BEL,
    BELIEF,
    BETA,
    BG,
    BREV,
    C1,
    CAPITULATE,
    CAPITULATION,
    CAUD,
    CB,
    CBEL,
    CBELIEF,
    CBL,
    CC,
    CCORE,
    CDISC,
    CHOR,
    COLLAPSE,
    CONS,
    CORE,
    CPRES,
    CRED,
    CREMP,
    CREMV,
    CTHR,
    CU,
    CVAL,
    CWAR,
    CWARS,
    D1,
    DBROKE,
    DCONC,
    DEAL,
    DEAL_OUTCOME,
    DEALF,
    DEM,
    DESP,
    DETER,
    DMADE,
    DOFF,
    DREC,
    DVIOL,
    ECON,
    ECRIT,
    EREC,
    ES,
    ESCALATE,
    ESCC,
    ESCS,
    ESTR,
    EXIT,
    F1,
    FAC,
    FAC_STRIDE,
    FDW,
    FINAL,
    FL,
    FS,
    FS0,
    FSEL,
    FSUCC,
    FW,
    GEN,
    H0,
    HEROIC,
    IDS,
    ISO,
    KAPPA,
    KROUND,
    LAM,
    LEG,
    LEGCAP,
    LRN_DEM,
    LRN_FS,
    LRN_LAM,
    LRN_ON,
    LRN_PRIOR,
    LRN_REL,
    LRN_THR,
    LW,
    M1,
    M2,
    M3,
    M5,
    M6,
    M7,
    M8,
    M9,
    M10,
    M11,
    M12,
    M13,
    M14,
    M15,
    MART,
    MCRED,
    MEMO_CH,
    MEMO_FH,
    MIL,
    MRALLY,
    MU,
    MW,
    ND,
    NFAC,
    NFINAL,
    NL,
    NR,
    NS,
    NT,
    OUT,
    PDISC,
    PERS,
    PH,
    PHI,
    PIDX,
    PLAYED,
    POWS,
    PREB,
    PROG,
    PSTK,
    PSTR,
    PSUM,
    PV,
    PVAL,
    RALLY,
    REC_ACC,
    REC_ACT,
    REC_O,
    REC_P,
    REC_R,
    REC_S,
    REC_WAR,
    REC_WID,
    REL,
    REMOVED,
    REP,
    REPC,
    RES,
    RG,
    ROUNDS,
    SACS,
    SANC,
    SANCT,
    SCONC,
    SHARD,
    SMART,
    SOUST,
    SPREC,
    SPREM,
    SPRES,
    SRATE,
    STK,
    STRUCK,
    SUCC,
    SUCCF,
    SUP,
    SW,
    SWITCH,
    T_FUT,
    T_ID,
    T_LEG,
    T_MART,
    T_MAT,
    T_PV,
    T_SAC,
    T_SEC,
    T_SURV,
    THR,
    TPERC,
    TREC,
    TREN,
    TRUST,
    U_ACCEPT,
    U_CHOICE,
    U_COLLAPSE,
    U_KILL,
    U_NATURAL,
    U_SHOCK,
    U_STRIKE,
    U_WAR,
    ULT,
    UNR,
    UR,
    USR,
    USS,
    V_ACC,
    V_AXIS0,
    V_BASE0,
    V_CORE,
    V_DEAL0,
    V_DEM,
    V_ECON0,
    V_FS,
    V_PRESSURE,
    V_PROG0,
    V_REL,
    V_TRUST0,
    V_UNR0,
    W1,
    W2,
    W3,
    W4,
    W5,
    W6,
    W7,
    WAR,
    WC,
    WID,
    WR,
)
from compellence.model.random import (
    campaign_uniform,
    jitable,
    jitable_inline,
    param_uniform,
    round_uniforms,
    succession_uniform,
)

# --- constants of the model (each a modelling choice; see docs/model.md) ---------------
#: Weights of the pressure index P ∈ [0, 1] (what the leader and his base see as
#: coercion, M2/M3/M12): sanctions and the military threat dominate, isolation and the
#: strike tempo add. They sum to 1 so that P stays in [0, 1].
PW_SANCTIONS, PW_ISOLATION, PW_MILITARY, PW_STRIKES = 0.35, 0.15, 0.25, 0.25
#: Weights of per-round economic pain (material term): sanctions bite hardest.
PAIN_SANCTIONS, PAIN_ISOLATION, PAIN_STRIKES = 0.6, 0.2, 0.2
#: M12: visibility of coercion at zero pressure (share); it rises linearly to 1 at full
#: pressure. 0.4 keeps a concession made without pressure still somewhat costly.
VISIBILITY_FLOOR = 0.4
#: Standing with the base gained by retaliating (an escalation; with W6 on, only when there
#: is something to answer: a strike, an ultimatum, desperation), per round.
ESCALATION_RALLY = 0.05
#: Standing with the base gained from the rally after a strike on the country (M2).
STRIKE_BASE_RALLY = 0.02
#: A concession touches the core when it exceeds the core threshold by more than this.
CORE_TOL = 1e-12
#: W7: an action is dominated when it is no better than another in any term (by more than
#: this, utility units) and worse in at least one.
DOMINANCE_TOL = 1e-12
#: How a per-run parameter is sampled (engine/spec.py builds the tables): a constant; a
#: continuous distribution's quantile table read by linear interpolation; a discrete choice
#: (the row holds the K cumulative weights, then the K values; ``const`` is K).
KIND_CONST, KIND_LINEAR, KIND_CHOICE = 0, 1, 2


@jitable
def clip01(x):
    """x clipped to [0, 1]: every state variable and probability lives there."""
    return min(max(x, 0.0), 1.0)


# --- parameters ------------------------------------------------------------------------
@jitable
def sample_value(u, kind, const, table):
    """One parameter's value from its uniform: a constant, its quantile table read by linear
    interpolation (continuous distributions), or the first value whose cumulative weight
    exceeds u (discrete choices, exactly as the inverse CDF)."""
    if kind == KIND_CONST:
        return const
    if kind == KIND_CHOICE:
        m = int(const)
        idx = 0
        for k in range(m):
            if table[k] <= u:
                idx += 1
        return table[m + min(idx, m - 1)]
    # the table's probabilities are p_k = (1 − cos(π·k/(q−1)))/2: dense in both tails
    q = table.shape[0]
    step = math.pi / (q - 1)
    k = min(int(math.acos(1.0 - 2.0 * u) / step), q - 2)
    p0 = 0.5 * (1.0 - math.cos(step * k))
    p1 = 0.5 * (1.0 - math.cos(step * (k + 1)))
    f = min(max((u - p0) / (p1 - p0), 0.0), 1.0)
    return table[k] + f * (table[k + 1] - table[k])


@jitable
def sample_params(seed, run, kind, const, table, key, V):
    """Every per-run parameter into V, each from its own counter-based uniform; the memo
    slots after them (layout.MEMO_FIELDS) emptied."""
    for j in range(kind.shape[0]):
        if kind[j] == KIND_CONST:
            V[j] = const[j]
        else:
            V[j] = sample_value(param_uniform(seed, run, key[j]), kind[j], const[j], table[j])
    for j in range(kind.shape[0], V.shape[0]):
        V[j] = np.nan


@jitable
def initial_state(V, S):
    """The regime's state at round 0 from the [regime] table; resolve and credit start at 0."""
    S[ECON] = V[V_ECON0]
    S[UNR] = V[V_UNR0]
    S[BASE] = V[V_BASE0]
    S[PROG] = V[V_PROG0]
    S[AXIS] = V[V_AXIS0]
    S[TRUST] = V[V_TRUST0]
    S[RES] = 0.0
    S[ADAPT] = 0.0
    S[CRED] = 0.0
    S[CBEL] = V[CBELIEF]
    S[DEALF] = V[V_DEAL0]
    # a deal in force at round 0: the factions' starting support already reflects it, so
    # breaking it restores no support (deterrence is priced by the programme's level)
    S[DCONC] = 0.0
    normalise_say(V)
    for k in range(NFAC):
        S[SUP + k] = faction(V, k, FS0)


@jitable
def offer_in_force(V, LRN, belief, O):
    """The coercer's offer this round: the scenario's, or the Bayesian coercer's limited offer
    once its belief that the leader is cost-benefit falls below its threshold. Returns
    whether the limited offer is in force."""
    O[DEM] = V[V_DEM]
    O[REL] = V[V_REL]
    O[FS] = V[V_FS]
    O[ACC] = V[V_ACC]
    O[CORE] = V[V_CORE]
    limited = LRN[LRN_ON] > 0.5 and belief < LRN[LRN_THR]
    if limited:
        O[DEM] = LRN[LRN_DEM]
        O[REL] = LRN[LRN_REL]
        O[FS] = LRN[LRN_FS]
    return limited


# --- the coercer's pressure (M14) ------------------------------------------------------
@jitable
def pressure_level(V, k, t, sched, is_sched, listed, bump):
    """Level of instrument k in force at round t: the schedule (or the fixed level) plus the
    adaptive bump, capped at the adaptive ceiling (never below the scheduled base)."""
    base = sched[k, t] if is_sched[k] else V[V_PRESSURE + k]
    ceiling = max(V[A_CAP], base) if listed[k] else 1.0
    return min(max(base + bump[k], 0.0), ceiling)


@jitable
def round_pressure(V, t, sched, is_sched, listed, bump, R):
    """The five instruments in force at round t and the pressure index P (a weighted mean)."""
    for k in range(5):
        R[k] = pressure_level(V, k, t, sched, is_sched, listed, bump)
    R[PIDX] = (PW_SANCTIONS * R[SANC] + PW_ISOLATION * R[ISO] + PW_MILITARY * R[MIL]
               + PW_STRIKES * R[STK])


@jitable
def adapt(V, listed, bump, escalated):
    """M14, 'escalate until they yield': raise each listed instrument by the step, and the
    military threat by the retaliation step after the leader escalated."""
    for k in range(5):
        if listed[k]:
            bump[k] = bump[k] + V[A_STEP]
    if escalated:
        bump[MIL] = bump[MIL] + V[A_RET]


@jitable
def discounted_rounds(h, r):
    """Σ_{τ<h} (1−r)^τ = (1 − (1−r)^h)/r: the weight, in rounds, of a per-round flow over a
    horizon of h rounds at discount rate r (h when r = 0)."""
    if r <= 1e-12:
        return h
    return (1.0 - (1.0 - r) ** h) / r


@jitable
def memo_discounted_rounds(V, slot, h, r):
    """:func:`discounted_rounds` (h, r), kept in V's memo slots slot … slot+2 with its inputs
    (layout.MEMO_FIELDS): computed once per run, and anew whenever h or r differ from the
    kept ones (the result is the same number either way)."""
    if V[slot] != h or V[slot + 1] != r:   # NaN (emptied) never equals
        V[slot] = h
        V[slot + 1] = r
        V[slot + 2] = discounted_rounds(h, r)
    return V[slot + 2]


@jitable
def flow_weight(V, M):
    """W1: the weight, in rounds, of a per-round flow (pain, relief, risk, validation) over
    the leader's horizon at his discount rate (undiscounted when W1 is off)."""
    return memo_discounted_rounds(V, MEMO_FH, V[PH], V[PDISC] if M[W1] else 0.0)


@jitable
def sanctions_bite(R, S, M):
    """W2: the sanctions that still bite once the economy has adapted: s × (1 − adaptation)."""
    return R[SANC] * (1.0 - S[ADAPT]) if M[W2] else R[SANC]


@jitable
def economic_pain(R, S, M):
    """Per-round material pain: instrument pain (sanctions at their adapted bite, W2) ×
    (1.5 − economy), so the same sanctions hurt more in a weaker economy (factor in
    [0.5, 1.5])."""
    return (PAIN_SANCTIONS * sanctions_bite(R, S, M) + PAIN_ISOLATION * R[ISO]
            + PAIN_STRIKES * R[STK]) * (1.5 - S[ECON])


@jitable
def war_triggered(V, S, R, M):
    """W6: an escalation can become war only with a trigger — a strike this round, a military
    threat at the ultimatum level, or economic desperation (economy below ``desperation``);
    with W6 off, always."""
    if not M[W6]:
        return True
    return R[STRUCK] > 0.5 or R[MIL] >= V[ULT] or S[ECON] < V[DESP]


@jitable
def war_probability(V, S, R, M):
    """Chance that one escalation turns into war: war_rate × (0.5 + military threat) when
    triggered (W6), else 0."""
    if not war_triggered(V, S, R, M):
        return 0.0
    return clip01(V[WR] * (0.5 + R[MIL]))


@jitable
def kill_probability(V, R):
    """True chance that the leader is killed this round: assassination_rate × threat."""
    return clip01(V[AR] * R[THR])


@jitable
def believed_kill(V, R, M):
    """The chance of being killed this round as he believes it (M6: × threat_perception;
    M6 off: the true one). The survival and martyrdom terms both use it, once. Both values
    are computed and one is selected (no load under a branch), so that a loop over runs
    side by side can be vectorized: ``benchmarks/lanes.py``."""
    true = kill_probability(V, R)
    perceived = clip01(true * V[TPERC])
    return perceived if M[M6] else true


@jitable
def collapse_hazard(V, S, M):
    """True per-round hazard of losing power from within: collapse from unrest, and (F1) an
    ouster by a selectorate that has withdrawn its support."""
    return V[CB] + V[CU] * (S[UNR] * S[UNR]) + ouster_hazard(V, S, M)


# --- the selectorate (F1) ---------------------------------------------------------------
@jitable
def faction(V, k, x):
    """Parameter x (layout.FW, FS0, FL, FSUCC) of faction k."""
    return V[FAC + FAC_STRIDE * k + x]


@jitable
def normalise_say(V):
    """F1: turn the factions' weights into shares of the selectorate's say, summing to 1
    (equal shares if every weight is 0, as a sampled weight may be); done once per run, at
    round 0, so that every later use reads the share directly."""
    total = 0.0
    for j in range(NFAC):
        total += max(faction(V, j, FW), 0.0)
    for j in range(NFAC):
        col = FAC + FAC_STRIDE * j + FW
        V[col] = max(V[col], 0.0) / total if total > 0.0 else 1.0 / NFAC


@jitable
def faction_say(V, k):
    """F1: faction k's share of the selectorate's say (normalised at round 0 by
    :func:`normalise_say`)."""
    return faction(V, k, FW)


@jitable
def selectorate_support(V, S):
    """F1: the selectorate's support for the leader, its factions' support weighted by their
    say."""
    num = 0.0
    for k in range(NFAC):
        num += faction_say(V, k) * S[SUP + k]
    return num


@jitable
def initial_support(V):
    """F1: the selectorate's support at round 0 (its factions' starting support, weighted)."""
    num = 0.0
    for k in range(NFAC):
        num += faction_say(V, k) * faction(V, k, FS0)
    return num


@jitable
def ouster_hazard(V, S, M):
    """F1: per-round chance that the selectorate removes him: ouster_rate × 2 × (0.5 −
    support) below half support, 0 above (and with F1 off)."""
    hazard = V[SOUST] * 2.0 * max(0.5 - selectorate_support(V, S), 0.0)
    return hazard if M[F1] else 0.0   # computed, then selected: see believed_kill


@jitable
def concession_shift(V, k, conceded):
    """F1: faction k's change of support when a concession ``conceded`` = x·(1 − σ) takes
    effect: hard-liners (line > 0.5) lose, conciliatory factions gain."""
    return V[SCONC] * conceded * (1.0 - 2.0 * faction(V, k, FL))


@jitable
def concession_support_change(V, S, M, conceded):
    """F1: the change of the selectorate's support a concession would bring (what the leader
    weighs in his legitimacy term)."""
    if not M[F1]:
        return 0.0
    num = 0.0
    for k in range(NFAC):
        num += faction_say(V, k) * (clip01(S[SUP + k] + concession_shift(V, k, conceded))
                                    - S[SUP + k])
    return num


@jitable
def apply_concession(V, S, M, conceded):
    """F1: a concession takes effect: each faction's support jumps by its shift."""
    if M[F1]:
        for k in range(NFAC):
            S[SUP + k] = clip01(S[SUP + k] + concession_shift(V, k, conceded))


@jitable
def support_target(V, S, R, k):
    """F1: where faction k's support is heading: its round-0 support, up under pressure for
    hard-liners and down for conciliatory factions (pressure_response × P × (2·line − 1)),
    down with the economic loss since round 0 (hardship_response × loss × (1 − line))."""
    line = faction(V, k, FL)
    loss = max(V[V_ECON0] - S[ECON], 0.0)
    return clip01(faction(V, k, FS0) + V[SPRES] * R[PIDX] * (2.0 * line - 1.0)
                  - V[SHARD] * loss * (1.0 - line))


@jitable
def successor_probability(V, S, k):
    """F1: the chance that the selectorate chooses faction k's candidate: ∝ exp(κ × say_k ×
    support_k) over the factions with a say (say: :func:`faction_say`; κ =
    choice_precision); a faction with no say fields no candidate."""
    if faction_say(V, k) <= 0.0:
        return 0.0
    top = -1e300
    for j in range(NFAC):
        if faction_say(V, j) > 0.0:
            top = max(top, V[SPREC] * faction_say(V, j) * S[SUP + j])
    total = 0.0
    for j in range(NFAC):
        if faction_say(V, j) > 0.0:
            total += math.exp(V[SPREC] * faction_say(V, j) * S[SUP + j] - top)
    return math.exp(V[SPREC] * faction_say(V, k) * S[SUP + k] - top) / total


@jitable
def choose_successor(V, S, u):
    """F1: the selectorate chooses the successor from the factions' candidates, candidate k
    with :func:`successor_probability`, drawn with the succession's own uniform u ∈ (0, 1);
    u = −(k + 1) forces candidate k (the game's expectation over candidates)."""
    if u < 0.0:
        return int(-u) - 1
    acc = 0.0
    last = 0
    for k in range(NFAC):
        p = successor_probability(V, S, k)
        if p > 0.0:
            last = k
            acc += p
            if u < acc:
                return k
    return last


# --- the coercer that decides (C1): its utility -----------------------------------------
@jitable
def coercer_flow_weight(V, M):
    """The coercer's weight, in rounds, of a per-round cost over its horizon (as W1)."""
    return memo_discounted_rounds(V, MEMO_CH, V[CHOR], V[CDISC] if M[W1] else 0.0)


@jitable
def concession_value(V, O, x):
    """What a concession x (a share of the core programme) is worth to the coercer:
    demand_value × ((1 − core_value) × the share of the programme up to the core threshold
    it gets + core_value × the share beyond it). A whole programme is worth demand_value;
    what a deal that keeps the core can give, 1 − core_value of it."""
    core = O[CORE]
    inside = min(x, core) / core if core > 0.0 else 0.0
    beyond = max(x - core, 0.0) / (1.0 - core) if core < 1.0 else 0.0
    return V[CVAL] * ((1.0 - V[CCORE]) * inside + V[CCORE] * beyond)


@jitable
def coercer_keep_value(V, O, S, R, M):
    """Its value of keeping up pressure: a cost-benefit leader (its belief b) gives in to the
    whole demand, an identity-committed one does not; meanwhile pressure and the threat to
    his life cost it every round over its horizon."""
    cost = (V[CPRES] * R[PIDX] + V[CTHR] * R[THR]) * coercer_flow_weight(V, M)
    return S[CBEL] * concession_value(V, O, O[DEM]) - cost


@jitable
def removal_probability(V, S, M):
    """Chance that a campaign removes the regime: removal_chance as the regime stands at
    round 0; with F1 it moves with the support the selectorate has withdrawn since, ×
    (1 + 2 × (Σ₀ − Σ)), in [0, 1]: a selectorate that rallies makes the regime harder to
    topple, one that defects easier (a fall of half the support doubles the chance)."""
    if not M[F1]:
        return V[CREMP]
    return clip01(V[CREMP] * (1.0 + 2.0 * (initial_support(V) - selectorate_support(V, S))))


@jitable
def coercer_removal_value(V, S, M):
    """Its value of a campaign to remove the regime: a war in any case, won with the removal
    probability."""
    return removal_probability(V, S, M) * V[CREMV] - V[CWAR]


@jitable
def coercer_decides(M):
    """Whether the coercer decides by its utility (C1) rather than by its script."""
    return M[C1]


@jitable
def coercer_accepts(V, O, S, R, M, x):
    """C1: it accepts a deal conceding x when that is worth at least keeping up pressure."""
    return concession_value(V, O, x) >= coercer_keep_value(V, O, S, R, M) - CORE_TOL


#: The coercer's moves between rounds (C1): keep up pressure, back down, or start a
#: campaign to remove the regime.
KEEP, BACK_DOWN, CAMPAIGN = 0, 1, 2


@jitable_inline
def coercer_move(V, O, S, R, M):
    """C1: its best response this round — keep up pressure, back down (− audience_cost), or
    start a campaign to remove the regime; ties keep the pressure on."""
    keep = coercer_keep_value(V, O, S, R, M)
    back = -V[CAUD]
    remove = coercer_removal_value(V, S, M)
    if back > keep and back >= remove:
        return BACK_DOWN
    if remove > keep:
        return CAMPAIGN
    return KEEP


# --- what each action concedes (M9, M10) -----------------------------------------------
@jitable_inline
def offer_geometry(V, O, S, R, M):
    """(x_deal, x_cap, σ_deal, p_acc, deal touches core, capitulation touches core).

    A face-saving deal concedes min(demand, core threshold) and so never touches the core
    (M10); capitulation concedes the whole demand with no face-saving. The coercer takes a
    deal for sure when its demand spares the core; otherwise a deciding coercer (C1) takes
    it when it is worth at least keeping up pressure (p_acc 1 or 0: the leader knows its
    payoffs), a scripted one with the fixed chance accepts_limited_deal.
    """
    d = O[DEM]
    core = O[CORE]
    xd = min(d, core)
    h = V[HEROIC] if M[M10] else 0.0
    sig = clip01(O[FS] + S[CRED])
    sig_deal = sig + (1.0 - sig) * h
    if d <= core + CORE_TOL:
        p_acc = 1.0
    elif coercer_decides(M):
        p_acc = 1.0 if coercer_accepts(V, O, S, R, M, xd) else 0.0
    else:
        p_acc = O[ACC]
    touch_deal = 1.0 if xd > core + CORE_TOL else 0.0
    touch_cap = 1.0 if d > core + CORE_TOL else 0.0
    return xd, d, sig_deal, p_acc, touch_deal, touch_cap


@jitable
def concession_scale(V, S, R, M):
    """w_id × authority (M5) × visibility of coercion (M12) × resolve (M2)."""
    authority = 1.0 + V[ALPHA] * V[CONS] if M[M5] else 1.0
    vis = VISIBILITY_FLOOR + (1.0 - VISIBILITY_FLOOR) * R[PIDX] if M[M12] else 1.0
    resolve = 1.0 + S[RES] if M[M2] else 1.0
    return V[WID] * authority * vis * resolve


@jitable
def coercer_payoffs(V, O, S, R, M, g):
    """The coercer's payoff of each answer of the leader in one exchange (the game's stage,
    from the same utility as its decisions): resisting leaves it keeping up pressure (its
    cost over its horizon); escalating is war with the war probability; a deal is worth its
    concession if accepted; capitulation the whole demand."""
    xd, d, _, p_acc, _, _ = g
    quo = -(V[CPRES] * R[PIDX] + V[CTHR] * R[THR]) * coercer_flow_weight(V, M)
    p_war = war_probability(V, S, R, M)
    return (quo, p_war * -V[CWAR] + (1.0 - p_war) * quo,
            p_acc * concession_value(V, O, xd) + (1.0 - p_acc) * quo,
            concession_value(V, O, d))


# --- the utility terms: each returns (resist, escalate, deal, capitulate) ---------------
@jitable
def identity_term(V, O, S, R, M, g):
    """M1 (+M5, M10, M12, M2): conceding under coercion is humiliation, an existential
    rupture: − scale·identity_stake·x·(1 − σ). Material relief never enters it."""
    if not M[M1]:
        return 0.0, 0.0, 0.0, 0.0
    xd, d, sig_deal, _, _, _ = g
    scale = concession_scale(V, S, R, M) * V[IDS]
    return 0.0, 0.0, -scale * xd * (1.0 - sig_deal), -scale * d * (1.0 - 0.0)


@jitable
def sacred_term(V, O, S, R, M, g):
    """M9: touching the core symbol costs a sacred premium, and money offered for it makes
    it worse (taboo trade-off): − scale·premium·sacred_stake·(1 + β·relief) where touched,
    × the programme's level with W5 when the demand is the programme (less symbol left,
    less to defend)."""
    if not M[M9]:
        return 0.0, 0.0, 0.0, 0.0
    _, _, _, _, touch_deal, touch_cap = g
    level = program_level(V, S, M)
    sp = -(concession_scale(V, S, R, M) * (V[SPREM] * V[SACS] * level
                                            * (1.0 + V[BETA] * O[REL])))
    return 0.0, 0.0, sp * touch_deal, sp * touch_cap


@jitable
def material_weight(V, S, M):
    """M13: the material weight rises as the regional network unravels: w·(1 + κ·(1−axis))."""
    decline = (1.0 - S[AXIS]) if M[M13] else 0.0
    return V[MW] * (1.0 + V[KAPPA] * decline)


@jitable
def trust_factor(S, M):
    """M11: promised relief is discounted by trust in the coercer (1 when M11 is off)."""
    return S[TRUST] if M[M11] else 1.0


@jitable
def material_term(V, O, S, R, M, g, f, p_war):
    """The flows of relief (discounted by trust, M11) and of the pain of continued pressure,
    each weighed over the horizon (W1: flow_weight rounds); escalating adds the expected cost
    of war and the cost of an escalation short of it (f: flow_weight; p_war:
    war_probability)."""
    xd, d, _, p_acc, _, _ = g
    w = material_weight(V, S, M)
    pain = economic_pain(R, S, M) * f
    relief = O[REL] * trust_factor(S, M) * f
    share = xd / d if d > 0 else 1.0
    return (w * -pain, w * (-pain - p_war * V[WC] - V[ESCC]),
            w * (p_acc * relief * share - (1.0 - p_acc) * pain), w * relief)


@jitable
def believed_collapse(V, x, M):
    """M6, the 1979 lesson: believed collapse probability after conceding x, h0 + φ·x; with
    M6 off the leader believes the true link instead."""
    believed = V[H0] + V[PHI] * x
    true = V[CB] + V[CC] * x
    return believed if M[M6] else true   # computed, then selected: see believed_kill


@jitable
def survival_weight(V, M):
    """M15: the essay's leader weighs survival little; off, survival weighs at least 1."""
    w = V[SW]
    return w if M[M15] else max(w, 1.0)


@jitable
def power_lost(V, x, M):
    """Chance of losing power by conceding x: the believed collapse (M6) or being made to
    leave (power_stake × x × (1 − exit_offer): a demand for the political system), either."""
    b = clip01(believed_collapse(V, x, M))
    forced = clip01(V[POWS] * x * (1.0 - V[EXIT]))
    return 1.0 - (1.0 - b) * (1.0 - forced)


@jitable_inline
def survival_term(V, O, S, R, M, g, f, p_war):
    """Regime and personal survival, in the right unit: resisting carries the per-round
    hazards of collapse and of being killed (the believed chance, M6) over the horizon
    (W1); conceding carries the chance of losing power; each × power_value × the survival
    weight (M15)."""
    xd, d, _, p_acc, _, _ = g
    ws = survival_weight(V, M)
    w = ws * V[PVAL]
    stay = (collapse_hazard(V, S, M) + believed_kill(V, R, M)) * f
    return (w * -stay, w * -stay - ws * p_war * V[WC],
            w * -(p_acc * power_lost(V, xd, M) + (1.0 - p_acc) * stay),
            w * -power_lost(V, d, M))


@jitable
def program_level(V, S, M):
    """W5: the share of the core symbol still standing, as the sacred term weighs it: the
    programme's level for a demand on the programme (program_stake 1), 1 for a demand on
    something else (a territory is not smaller because a reactor was struck)."""
    if not M[W5]:
        return 1.0
    return 1.0 - V[PSTK] + V[PSTK] * S[PROG]


@jitable
def security_term(V, S, M, g):
    """W5: the programme's security (deterrent) value, weighed by every leader through his
    survival weight: conceding x of a programme at level ℓ gives up deterrence·ℓ·x (× the
    demand's program_stake: conceding territory gives up no deterrent)."""
    if not M[W5]:
        return 0.0, 0.0, 0.0, 0.0
    xd, d, _, p_acc, _, _ = g
    v = -survival_weight(V, M) * V[DETER] * S[PROG] * V[PSTK]
    return 0.0, 0.0, v * xd * p_acc, v * d


@jitable
def defiance(v, p_acc):
    """Spread a value of defiance over the actions: full when resisting or escalating,
    (1 − p_acc) for a deal offer (defiance only if refused), none for capitulation."""
    return v, v, (1.0 - p_acc) * v, 0.0


@jitable
def martyrdom_term(V, R, M, g, f):
    """M7: resisting while his life is threatened adds μ × the same believed chance of being
    killed the survival term charges, × power_value, over the horizon (μ>0 sanctifies, μ<0
    deters); a deal offer is defiance only if refused, capitulation none."""
    if not M[M7]:
        return 0.0, 0.0, 0.0, 0.0
    return defiance(V[MU] * V[PVAL] * believed_kill(V, R, M) * f, g[3])


@jitable
def pain_valence_term(V, R, M, g, f):
    """M3: struggle with pain is moral validation: each round of resisting under pressure P
    adds v·P, weighed over the horizon like the pain itself (W1)."""
    if not M[M3]:
        return 0.0, 0.0, 0.0, 0.0
    return defiance(V[PV] * R[PIDX] * f, g[3])


@jitable
def base_change_resisting(V, S, R, M):
    """Per-round change of standing with the base while resisting (M2): steadfastness under
    pressure raises it (× pain valence), economic collapse below econ_critical erodes a
    share of it."""
    gain = V[BG] * V[PV] * R[PIDX] * (1.0 - S[BASE]) if M[M2] else 0.0
    hardship = max(V[ECRIT] - S[ECON], 0.0) / max(V[ECRIT], 1e-9)
    return gain - V[BEL] * hardship * S[BASE]


@jitable_inline
def legitimacy_term(V, O, S, R, M, g, f):
    """The expected change of standing with the hardline base, × legitimacy weight: its flow
    while resisting over the horizon (W1), the rally of a retaliation (with W6, only when
    there is something to answer), the loss of conceding without face — and, with F1, the
    change of the selectorate's support that conceding brings (hard-liners lost,
    pragmatists won)."""
    xd, d, sig_deal, p_acc, _, _ = g
    stay = base_change_resisting(V, S, R, M) * f
    loss_d = V[CBL] * xd * (1.0 - sig_deal) - concession_support_change(
        V, S, M, xd * (1.0 - sig_deal))
    loss_c = V[CBL] * d * (1.0 - 0.0) - concession_support_change(V, S, M, d)
    lw = V[LW]
    rally = ESCALATION_RALLY if war_triggered(V, S, R, M) else 0.0
    return (lw * stay, lw * (stay + rally),
            lw * (-p_acc * loss_d + (1.0 - p_acc) * stay), lw * -loss_c)


@jitable
def future_demands_term(V, S, M, g):
    """M11: a concession is expected to invite a further demand, larger when trust is low:
    − w_f·x·(1 − trust) (a deal only if the coercer takes it)."""
    if not M[M11]:
        return 0.0, 0.0, 0.0, 0.0
    xd, d, _, p_acc, _, _ = g
    return (0.0, 0.0, -V[FDW] * (xd * (1.0 - S[TRUST]) * p_acc),
            -V[FDW] * (d * (1.0 - S[TRUST])))


@jitable
def _put(U, j, a):
    U[j, 0] = a[0]
    U[j, 1] = a[1]
    U[j, 2] = a[2]
    U[j, 3] = a[3]


@jitable_inline
def utility_terms(V, O, S, R, M, U):
    """Every named term for every action into U (terms × actions; rows as layout.TERMS)."""
    g = offer_geometry(V, O, S, R, M)
    f = flow_weight(V, M)               # once per decision: every flow term uses it
    p_war = war_probability(V, S, R, M)
    _put(U, T_ID, identity_term(V, O, S, R, M, g))
    _put(U, T_SAC, sacred_term(V, O, S, R, M, g))
    _put(U, T_MAT, material_term(V, O, S, R, M, g, f, p_war))
    _put(U, T_SURV, survival_term(V, O, S, R, M, g, f, p_war))
    _put(U, T_MART, martyrdom_term(V, R, M, g, f))
    _put(U, T_PV, pain_valence_term(V, R, M, g, f))
    _put(U, T_LEG, legitimacy_term(V, O, S, R, M, g, f))
    _put(U, T_FUT, future_demands_term(V, S, M, g))
    _put(U, T_SEC, security_term(V, S, M, g))
    return g


#: Below this log-weight an action's weight is taken as 0 (e^-40 ≈ 4e-18: a probability no
#: run count could detect), which skips most calls to exp.
EXP_CUTOFF = -40.0


@jitable
def _expneg(x):
    """exp(x) for x ≤ 0, exactly 1 at 0 and 0 below :data:`EXP_CUTOFF`."""
    if x == 0.0:
        return 1.0
    if x < EXP_CUTOFF:
        return 0.0
    return math.exp(x)


@jitable_inline
def dominated(U, a, tol):
    """W7: whether action a (a column of the terms × actions matrix U) is no better than
    some other action in every term and worse in at least one, differences within tol
    counting as ties (ties are not dominance). The choice rule uses DOMINANCE_TOL; the game
    and the diagnosis call it from Python with any matrix shape."""
    for b in range(U.shape[1]):
        if b == a:
            continue
        worse = False
        never_better = True
        for j in range(U.shape[0]):
            diff = U[j, a] - U[j, b]
            if diff > tol:
                never_better = False
                break
            if diff < -tol:
                worse = True
        if never_better and worse:
            return True
    return False


@jitable_inline
def logit_choice(lam, U, P, undominated):
    """Logit (quantal-response) choice: P = softmax(λ·Σ terms), summed in term order and
    computed stably; with ``undominated`` (W7) over the actions no other beats in every
    term, so choice noise never picks an action that is worse in every respect."""
    u0 = 0.0
    u1 = 0.0
    u2 = 0.0
    u3 = 0.0
    for j in range(NT):
        u0 += U[j, 0]
        u1 += U[j, 1]
        u2 += U[j, 2]
        u3 += U[j, 3]
    z0, z1, z2, z3 = lam * u0, lam * u1, lam * u2, lam * u3
    if undominated:   # an excluded action gets weight 0 (one action is always undominated)
        # The test in a loop, P holding its answers until the weights are known: written
        # once, the inlined test is compiled once instead of four times (compile time).
        for a in range(4):
            P[a] = 1.0 if dominated(U, a, DOMINANCE_TOL) else 0.0
        lo = -1e300
        z0 = lo if P[0] > 0.0 else z0
        z1 = lo if P[1] > 0.0 else z1
        z2 = lo if P[2] > 0.0 else z2
        z3 = lo if P[3] > 0.0 else z3
    zm = max(max(z0, z1), max(z2, z3))
    e0, e1, e2, e3 = _expneg(z0 - zm), _expneg(z1 - zm), _expneg(z2 - zm), _expneg(z3 - zm)
    tot = e0 + e1 + e2 + e3
    P[0] = e0 / tot
    P[1] = e1 / tot
    P[2] = e2 / tot
    P[3] = e3 / tot


@jitable
def draw_action(P, u):
    """The action whose cumulative probability first exceeds the uniform u."""
    c0 = P[0]
    c1 = c0 + P[1]
    c2 = c1 + P[2]
    return (1 if u > c0 else 0) + (1 if u > c1 else 0) + (1 if u > c2 else 0)


# --- succession (M8) -------------------------------------------------------------------
@jitable
def ordinary_legacy(S):
    """Legacy of a tenure that ends without martyrdom: steadfastness and the material record
    count equally."""
    return 0.5 * S[BASE] + 0.5 * S[ECON]


@jitable
def martyr_legacy(V, S, M):
    """Legacy of a leader killed in confrontation: the material record is forgotten and the
    sacrifice adds sanctification × personal rigidity share (M8 on)."""
    if not M[M8]:
        return ordinary_legacy(S)
    return clip01(S[BASE] + V[SANCT] * V[PERS])


@jitable
def capitulation_legacy(S, O):
    """Legacy the same leader would have had by capitulating to the demand now."""
    return 0.5 * S[BASE] * (1.0 - O[DEM]) + 0.5 * min(S[ECON] + O[REL], 1.0)


@jitable
def succeed(t, martyred, V, S, O, M, ci, cf, u):
    """The leader dies (martyred: killed in confrontation); his successor takes over.

    M8 on, after a martyrdom, with e = succession_effect: e ≥ 0 frees the successor —
    identity weight × (1 − e × personal rigidity share) and a face-saving credit
    martyr_credit × legacy × personal share × e (the essay's hypothesis at e = 1); e < 0
    binds him to the martyr's line — identity weight × (1 + |e| × personal share), no
    credit. Either way his rigidity is institutional (personal share 0) and the martyrdom
    rallies the public (unrest − martyr_rally). After a natural death, or with M8 off, the
    successor inherits the predecessor's parameters and no credit.

    F1 first: a martyrdom rallies each faction by martyrdom_response × its line; the
    selectorate then chooses the successor (:func:`choose_successor`, with the
    succession's uniform u), whose identity weight is his faction's successor_identity ×
    the predecessor's — before M8's effect, which applies to the chosen candidate.
    """
    legacy = martyr_legacy(V, S, M) if martyred else ordinary_legacy(S)
    if ci[GEN] == 0:
        cf[LEG] = legacy
        cf[LEGCAP] = capitulation_legacy(S, O)
        if martyred:
            ci[KROUND] = t
    ci[GEN] += 1
    if martyred:
        ci[MART] = 1
    if M[F1]:   # the selectorate chooses (after a martyrdom has rallied it to his line)
        if martyred:
            for k in range(NFAC):
                S[SUP + k] = clip01(S[SUP + k] + V[SMART] * faction(V, k, FL))
        chosen = choose_successor(V, S, u)
        ci[SUCCF] = chosen
        V[WID] = V[WID] * faction(V, chosen, FSUCC)
    if M[M8]:
        if martyred:
            personal = V[PERS]
            e = V[SUCC]   # e < 0 raises the weight: 1 − e·personal = 1 + |e|·personal
            S[CRED] = V[MCRED] * legacy * personal * e if e >= 0.0 else 0.0
            V[WID] = V[WID] * (1.0 - e * personal)
            V[PERS] = 0.0
            S[UNR] = clip01(S[UNR] - V[MRALLY])
        else:
            S[CRED] = 0.0
    else:
        S[CRED] = 0.0


@jitable
def scheduled_events(t, killed, reneges, V, S, O, M, ci, cf, u):
    """The round's scheduled events, before the pressure and the decision: the leader killed
    in confrontation (succession, M8/F1, with the succession's uniform u), then the coercer
    reneging (M11), which breaks a deal in force and destroys trust."""
    if killed:
        succeed(t, True, V, S, O, M, ci, cf, u)
    if reneges and S[DEALF] > 0.5:
        S[TRUST] = S[TRUST] * (1.0 - V[TREN])
        end_deal(V, S, M, ci)


@jitable
def end_deal(V, S, M, ci):
    """A deal in force breaks (reneged on or violated): confrontation resumes, the programme
    may be rebuilt again, and what is left of the concession's shift of the factions'
    support is undone (F1: deal_conceded decays as support returns to its targets, so an
    old deal's break restores less)."""
    S[DEALF] = 0.0
    apply_concession(V, S, M, -S[DCONC])
    S[DCONC] = 0.0
    ci[DBROKE] += 1


# --- the leader's side of a deal in force (D1) ------------------------------------------
@jitable
def deal_keep_value(V, O, S, R, M, f):
    """D1: what keeping the deal in force is worth to him over his horizon (f rounds), as
    the material term weighs it: its relief (× trust, M11) and the pain of the pressure the
    coercer would resume (R: its pressure this round had there been no deal)."""
    return material_weight(V, S, M) * (O[REL] * trust_factor(S, M) + economic_pain(R, S, M)) * f


@jitable
def deal_break_value(V, S, M):
    """D1: what breaking it would win back: the deterrent value of the programme rebuilt
    within his horizon (W5, × his survival weight, priced by level as the security term
    prices it: deterrence × program_stake × the level regained, (1 − level) × (1 − (1 −
    program_rebuild)^H)), and the support the concession cost (F1, × legitimacy weight:
    the reverse of the concession that took effect, x·(1 − σ))."""
    sec = 0.0
    if M[W5]:
        regained = (1.0 - S[PROG]) * (1.0 - (1.0 - V[PREB]) ** max(V[PH], 0.0))
        sec = survival_weight(V, M) * V[DETER] * V[PSTK] * regained
    return sec + V[LW] * concession_support_change(V, S, M, -S[DCONC])


@jitable
def leader_breaks_deal(V, O, S, R, M):
    """D1: the leader breaks a deal in force when what breaking wins back is worth more than
    keeping it (ties keep it); with D1 off, never."""
    if not M[D1]:
        return False
    return deal_break_value(V, S, M) > deal_keep_value(V, O, S, R, M, flow_weight(V, M))


# --- the regime's dynamics --------------------------------------------------------------
@jitable
def advance_state(V, S, R, M, strike, shock):
    """Move the state of a run still in play to the next round (all from this round's state):
    economy (sanctions at their adapted bite and strikes erode a share of it; it is pulled
    back toward health), adaptation (W2: moves toward adaptation_max × sanctions), unrest
    (follows hardship, jumps with shocks, drops in a strike's rally, is repressed at a cost
    in base standing, W3), base standing (M2; pulled back toward its start, W4), trust
    (recovers toward 1, M11), axis (unravels, M13), resolve (moves toward the pressure
    while he resists, M2), programme (strikes destroy a share; rebuilt slowly, W5, except
    under a deal in force), the factions' support (F1: toward their targets)."""
    e_old = S[ECON]
    loss = V[ES] * (sanctions_bite(R, S, M) + R[ISO] / 3.0) + V[ESTR] * strike
    econ = clip01(e_old - e_old * loss + V[EREC] * (1.0 - e_old))
    adapted = S[ADAPT] + V[ADR] * (V[ADMAX] * R[SANC] - S[ADAPT]) if M[W2] else S[ADAPT]
    drift = V[UR] * ((1.0 - econ) - S[UNR])
    repressed = V[REP] * S[BASE] * S[UNR] if M[W3] else 0.0
    unrest = clip01(S[UNR] + drift + (V[USS] * shock - V[RALLY] * strike) - repressed)
    pull = V[BREV] * (V[V_BASE0] - S[BASE]) if M[W4] else 0.0
    base = clip01(S[BASE] + (base_change_resisting(V, S, R, M) + STRIKE_BASE_RALLY * strike)
                  + pull - V[REPC] * repressed)
    trust = clip01(S[TRUST] + V[TREC] * (1.0 - S[TRUST]))
    axis = clip01(S[AXIS] * (1.0 - V[AXD]))
    res = clip01(S[RES] + V[RG] * (R[PIDX] - S[RES])) if M[M2] else S[RES]
    rebuild = V[PREB] * (1.0 - S[PROG]) * (1.0 - S[DEALF])   # a deal in force caps it
    prog = clip01(S[PROG] - V[PSTR] * strike * S[PROG] + rebuild)
    S[ADAPT] = clip01(adapted)
    S[ECON] = econ
    S[UNR] = unrest
    S[BASE] = base
    S[TRUST] = trust
    S[AXIS] = axis
    S[RES] = res
    S[PROG] = prog
    if M[F1]:   # factions move toward their targets (from this round's pressure, new economy)
        for k in range(NFAC):
            S[SUP + k] = clip01(S[SUP + k] + V[SRATE] * (support_target(V, S, R, k)
                                                          - S[SUP + k]))
        S[DCONC] = S[DCONC] * (1.0 - V[SRATE])   # what is left of a deal's shift of support


# --- the Bayesian coercer ---------------------------------------------------------------
@jitable
def hypothesis_likelihood(V, HV, h, HYP, lam, O, S, R, M, U, P, action):
    """Probability that a leader of hypothesised type h (its preset parameters in HYP[h])
    takes ``action`` in the same state and offer: the model's own logit choice."""
    for j in range(V.shape[0]):
        HV[j] = V[j]
    for j in range(NL):
        HV[j] = HYP[h, j]
    utility_terms(HV, O, S, R, M, U)
    logit_choice(lam, U, P, M[W7])
    return P[action]


@jitable
def update_belief(belief, V, HV, HYP, LRN, O, S, R, M, U, P, action):
    """Bayes' rule on the observed action: HYP[0] identity-committed, HYP[1] cost-benefit."""
    like_cb = hypothesis_likelihood(V, HV, 1, HYP, LRN[LRN_LAM], O, S, R, M, U, P, action)
    like_id = hypothesis_likelihood(V, HV, 0, HYP, LRN[LRN_LAM], O, S, R, M, U, P, action)
    num = belief * like_cb
    den = num + (1.0 - belief) * like_id
    return num / max(den, 1e-300) if den > 0 else belief


# --- one run ----------------------------------------------------------------------------
@jitable
def record_state(row, S, R):
    """Trajectory row (layout.TRAJECTORY_VARS): economy, unrest, base, trust, programme, axis,
    resolve, adaptation, P, threat, the factions' support."""
    row[0] = S[ECON]
    row[1] = S[UNR]
    row[2] = S[BASE]
    row[3] = S[TRUST]
    row[4] = S[PROG]
    row[5] = S[AXIS]
    row[6] = S[RES]
    row[7] = S[ADAPT]
    row[8] = R[PIDX]
    row[9] = R[THR]
    for k in range(NFAC):
        row[10 + k] = S[SUP + k]


@jitable
def simulate_run(i, run, seed, T, kind, const, table, key, sched, is_sched, listed, M,
                 kill_round, renege, LRN, HYP, V, S, O, R, U, P, HV, bump, u, CI, CF, TS,
                 want_traj, traj, alive, TR, DR, want_rec, rec, rec_terms):
    """Simulate run number ``run`` (row i of the outputs) over T rounds, in place.

    Outputs: CI[i]/CF[i] (this run's integer and float results, layout.CI_FIELDS/CF_FIELDS;
    the row is taken here, so that a driver passes the arrays, not a view per run), TS
    (Σ over its decisions of each term, terms × actions); with want_traj the state each
    round (traj[t, i]), whether it is in play (alive[t, i]) and per-round term sums (TR[t],
    decisions DR[t], shared by the rows a driver groups together; rounds under a deal in
    force are recorded but not in play); with want_rec each
    decision of the run (rec[t], rec_terms[t]). The rest are scratch arrays. After a run
    ends, its trajectory rows hold its final state and its last pressure (they are masked
    by ``alive``; the pressure of an ended run no longer follows the schedule).
    """
    ci = CI[i]
    cf = CF[i]
    sample_params(seed, run, kind, const, table, key, V)
    initial_state(V, S)
    for k in range(5):
        bump[k] = 0.0
    for j in range(NT):
        for a in range(4):
            TS[j, a] = 0.0
    ci[OUT] = 0
    ci[ROUNDS] = T
    ci[GEN] = 0
    ci[MART] = 0
    ci[KROUND] = -1
    ci[ESCS] = 0
    ci[DOFF] = 0
    ci[SWITCH] = -1
    ci[PLAYED] = 0
    ci[DMADE] = 0
    ci[DBROKE] = 0
    ci[CWARS] = 0
    ci[SUCCF] = -1
    ci[DVIOL] = 0
    for k in range(cf.shape[0]):
        cf[k] = 0.0
    cf[LEG] = np.nan
    cf[LEGCAP] = np.nan
    belief = LRN[LRN_PRIOR]
    learning = LRN[LRN_ON] > 0.5
    if learning:
        S[CBEL] = belief
    adaptive = M[M14]
    deciding = coercer_decides(M)
    active = True
    t_end = T
    decisions = 0
    deal_round = -1
    for t in range(T):
        round_uniforms(seed, run, t, u)
        limited = offer_in_force(V, LRN, belief, O)
        if limited and ci[SWITCH] < 0:
            ci[SWITCH] = t
        if kill_round == t or renege[t]:   # only when due: a call passes six arrays
            scheduled_events(t, kill_round == t, renege[t], V, S, O, M, ci, cf,
                             succession_uniform(seed, run, t) if kill_round == t else 0.0)
        shock = 1.0 if u[U_SHOCK] < V[USR] else 0.0
        if S[DEALF] > 0.5 and M[D1]:   # D1: he breaks the deal when it no longer pays him
            round_pressure(V, t, sched, is_sched, listed, bump, R)   # what would resume
            if leader_breaks_deal(V, O, S, R, M):
                end_deal(V, S, M, ci)
                ci[DVIOL] += 1
        if S[DEALF] > 0.5:
            # a deal in force: pressure lifted, no decision; relief speeds recovery
            for k in range(NR):
                R[k] = 0.0
            if want_traj:   # recorded, but not in play: the confrontation is settled
                record_state(traj[t, i], S, R)
                alive[t, i] = False
            if want_rec:
                rec[t, REC_ACT] = -1.0
            if u[U_NATURAL] < V[ND]:
                succeed(t, False, V, S, O, M, ci, cf, succession_uniform(seed, run, t))
            advance_state(V, S, R, M, 0.0, shock)
            S[ECON] = clip01(S[ECON] + V[DREC] * O[REL] * (1.0 - S[ECON]))
            if u[U_COLLAPSE] < collapse_hazard(V, S, M):
                ci[OUT] = COLLAPSE
                ci[ROUNDS] = t
                active = False
                t_end = t + 1
                break
            continue
        round_pressure(V, t, sched, is_sched, listed, bump, R)
        strike = 1.0 if u[U_STRIKE] < R[STK] else 0.0
        R[STRUCK] = strike
        if want_traj:
            record_state(traj[t, i], S, R)
            alive[t, i] = True

        g = utility_terms(V, O, S, R, M, U)
        logit_choice(V[LAM], U, P, M[W7])
        action = draw_action(P, u[U_CHOICE])
        p_acc = g[3]
        accepted = action == DEAL and u[U_ACCEPT] < p_acc
        war = action == ESCALATE and u[U_WAR] < war_probability(V, S, R, M)
        decisions += 1
        for j in range(NT):
            for a in range(4):
                TS[j, a] += U[j, a]
        if want_traj:
            for j in range(NT):
                for a in range(4):
                    TR[t, j, a] += U[j, a]
            DR[t] += 1.0
        for a in range(4):
            cf[PSUM + a] += P[a]
        if want_rec:
            rec[t, REC_ACT] = action
            rec[t, REC_ACC] = 1.0 if accepted else 0.0
            rec[t, REC_WAR] = 1.0 if war else 0.0
            for a in range(4):
                rec[t, REC_P + a] = P[a]
            rec[t, REC_WID] = V[WID]
            for k in range(NS):
                rec[t, REC_S + k] = S[k]
            for k in range(NR):
                rec[t, REC_R + k] = R[k]
            for k in range(3):
                rec[t, REC_O + k] = O[k]
            for j in range(NT):
                for a in range(4):
                    rec_terms[t, j, a] = U[j, a]
        if learning:   # reuses U and P as scratch: nothing below reads this round's values
            belief = update_belief(belief, V, HV, HYP, LRN, O, S, R, M, U, P, action)
            S[CBEL] = belief
        if action == ESCALATE:
            ci[ESCS] += 1
        if action == DEAL:
            ci[DOFF] += 1
        if accepted:   # the deal enters into force at the end of this round; what it concedes
            S[DEALF] = 1.0   # of a programme demand is given up (and not rebuilt under it)
            S[PROG] = S[PROG] * (1.0 - V[PSTK] * g[0])
            S[DCONC] = g[0] * (1.0 - g[2])                   # conceded without face
            apply_concession(V, S, M, S[DCONC])              # F1: the factions react
            ci[DMADE] += 1
            deal_round = t
        if action == CAPITULATE or war:
            ci[OUT] = CAPITULATION if action == CAPITULATE else WAR
            ci[ROUNDS] = t
            if action == CAPITULATE and ci[GEN] == 0:
                cf[LEG] = capitulation_legacy(S, O)
            active = False
        else:
            killed = u[U_KILL] < kill_probability(V, R)
            natural = (not killed) and u[U_NATURAL] < V[ND]
            if killed or natural:
                succeed(t, killed, V, S, O, M, ci, cf,
                        succession_uniform(seed, run, t))
            advance_state(V, S, R, M, strike, shock)
            if u[U_COLLAPSE] < collapse_hazard(V, S, M):
                ci[OUT] = COLLAPSE
                ci[ROUNDS] = t
                active = False
            elif deciding and S[DEALF] < 0.5:
                move = coercer_move(V, O, S, R, M)
                if move == BACK_DOWN:
                    ci[OUT] = BACKED
                    ci[ROUNDS] = t
                    active = False
                elif move == CAMPAIGN:
                    won = campaign_uniform(seed, run, t) < removal_probability(V, S, M)
                    ci[OUT] = REMOVED if won else WAR
                    ci[CWARS] = 0 if won else 1
                    ci[ROUNDS] = t
                    active = False
        if adaptive and S[DEALF] < 0.5:
            adapt(V, listed, bump, action == ESCALATE and active)
        if not active:
            t_end = t + 1
            break
    if active and S[DEALF] > 0.5:   # a deal in force at the horizon: it held
        ci[OUT] = DEAL_OUTCOME
        ci[ROUNDS] = deal_round if deal_round >= 0 else 0
    ci[PLAYED] = t_end
    if want_traj:
        round_pressure(V, t_end, sched, is_sched, listed, bump, R)
        for t in range(t_end, T + 1):
            record_state(traj[t, i], S, R)
            alive[t, i] = active and t == T and S[DEALF] < 0.5
    made = max(decisions, 1)
    for a in range(4):
        cf[PSUM + a] = cf[PSUM + a] / made
    cf[BELIEF] = belief if learning else np.nan
    for k in range(NFINAL):
        cf[FINAL + k] = S[k]
    cf[FSEL] = selectorate_support(V, S) if M[F1] else np.nan
