"""The leader's utility, term by term: the one source of truth for engine, explain and game.

Every function here is pure: it takes per-run arrays (the leader's parameters
``L``, the coercer's offer ``O``, the state ``S``, this round's pressure ``R``,
the dynamics coefficients ``D``) and the mechanism switches ``M``, and returns
a (runs, 4) array with one column per action (resist, escalate, deal,
capitulate; :data:`compellence.model.core.ACTIONS`). A decision is
``softmax(λ · Σ terms)`` (logit quantal response; best response as λ → ∞).

Units: utility is dimensionless, scaled so that the identity cost of an
unconditional surrender under full pressure for the essay's leader is about 2
(before the sacred premium). The ranges and defaults of every parameter are in
:mod:`compellence.scenario.schema`; `docs/model.md` gives the equations.
"""

from __future__ import annotations

import numpy as np

from compellence.model.coercer import economic_pain
from compellence.model.core import CAPITULATE, DEAL, ESCALATE, RESIST, Bundle

#: M12: visibility of coercion at zero pressure (share); it rises linearly to 1 at
#: full pressure. 0.4 keeps a concession made without pressure still somewhat costly.
VISIBILITY_FLOOR = 0.4
#: Standing with the base gained by retaliating (an escalation), per round.
ESCALATION_RALLY = 0.05


def offer_geometry(L: Bundle, O: Bundle, S: Bundle, M: Bundle) -> Bundle:
    """What each action concedes: size x, face-saving σ_eff, whether it touches the core,
    and the chance the coercer accepts a deal (1 when the demand spares the core).

    A face-saving deal concedes min(demand, core_threshold) and so never touches the
    core (M10); capitulation concedes the whole demand with no face-saving.
    """
    n = np.shape(O.demand)[0]
    d = O.demand
    xd = np.minimum(d, O.core_threshold)
    x = np.zeros((n, 4))
    x[:, DEAL] = xd
    x[:, CAPITULATE] = d
    touches = x > (O.core_threshold + 1e-12)[:, None]
    h = L.heroic_flexibility if M.heroic_flexibility else 0.0
    sig = np.clip(O.face_saving + S.credit, 0.0, 1.0)
    sigma = np.zeros((n, 4))
    sigma[:, DEAL] = sig + (1.0 - sig) * h
    p_acc = np.where(d <= O.core_threshold + 1e-12, 1.0, O.accepts_limited_deal)
    return Bundle(x=x, touches=touches, sigma=sigma, p_acc=p_acc, x_deal=xd)


def _concession_scale(L: Bundle, S: Bundle, R: Bundle, M: Bundle) -> np.ndarray:
    """w_id × authority (M5) × visibility of coercion (M12) × resolve (M2), per run."""
    authority = 1.0 + L.authority_multiplier * L.consistency_share if M.consistency_authority \
        else 1.0
    vis = VISIBILITY_FLOOR + (1.0 - VISIBILITY_FLOOR) * R.P if M.coercion_visibility else 1.0
    resolve = 1.0 + S.resolve if M.pressure_resolve else 1.0
    return L.identity_weight * authority * vis * resolve


def identity_term(L: Bundle, O: Bundle, S: Bundle, R: Bundle, M: Bundle, G: Bundle) -> np.ndarray:
    """M1 (+M5, M10, M12, M2): conceding under coercion is humiliation, an existential
    rupture: − w_id·(1+α·c)·vis·(1+resolve)·x·(1−σ_eff). Material relief never enters it."""
    if not M.identity_cost:
        return np.zeros_like(G.x)
    return -_concession_scale(L, S, R, M)[:, None] * G.x * (1.0 - G.sigma)


def sacred_term(L: Bundle, O: Bundle, S: Bundle, R: Bundle, M: Bundle, G: Bundle) -> np.ndarray:
    """M9: touching the core symbol costs a sacred premium, and money offered for it
    makes it worse (taboo trade-off): − scale·S_premium·(1 + β·relief) where touched."""
    if not M.sacred_core:
        return np.zeros_like(G.x)
    premium = L.sacred_premium * (1.0 + L.taboo_sensitivity * O.relief)
    return -(_concession_scale(L, S, R, M) * premium)[:, None] * G.touches


def material_weight(L: Bundle, S: Bundle, M: Bundle) -> np.ndarray:
    """M13: the material weight rises as the regional network unravels: w·(1 + κ·(1−axis))."""
    decline = (1.0 - S.axis) if M.exogenous_decline else 0.0
    return L.material_weight * (1.0 + L.decline_sensitivity * decline)


def trust_factor(S: Bundle, M: Bundle) -> np.ndarray | float:
    """M11: promised relief is discounted by trust in the coercer (1 when M11 is off)."""
    return S.trust if M.trust else 1.0


def war_probability(R: Bundle, D: Bundle) -> np.ndarray:
    """Chance that one escalation turns into war: war_rate × (0.5 + military threat)."""
    return np.clip(D.war_rate * (0.5 + R.military_threat), 0.0, 1.0)


def material_term(L: Bundle, O: Bundle, S: Bundle, R: Bundle, M: Bundle, G: Bundle,
                  D: Bundle) -> np.ndarray:
    """Relief received (discounted by trust, M11) minus the pain of pressure that continues
    for pain_horizon rounds; escalating adds the expected cost of war."""
    w = np.broadcast_to(material_weight(L, S, M), np.shape(G.p_acc))
    pain = economic_pain(R.sanctions, R.isolation, R.strikes, S.economy) * D.pain_horizon
    relief = O.relief * trust_factor(S, M)
    share = np.divide(G.x_deal, O.demand, out=np.ones_like(G.x_deal), where=O.demand > 0)
    out = np.empty_like(G.x)
    out[:, RESIST] = -pain
    out[:, ESCALATE] = -pain - war_probability(R, D) * D.war_cost
    out[:, DEAL] = G.p_acc * relief * share - (1.0 - G.p_acc) * pain
    out[:, CAPITULATE] = relief
    return w[:, None] * out


def collapse_hazard(S: Bundle, D: Bundle) -> np.ndarray:
    """True per-round hazard of regime collapse from unrest (the dynamics use it)."""
    return D.collapse_base + D.collapse_unrest * S.unrest**2


def believed_collapse(L: Bundle, D: Bundle, x: np.ndarray, M: Bundle) -> np.ndarray:
    """M6, the 1979 lesson: believed collapse probability after conceding x,
    h0 + φ·x; with M6 off the leader believes the true link instead."""
    if M.believed_collapse:
        return L.believed_collapse_base + L.believed_collapse_slope * x
    return D.collapse_base + D.collapse_concession * x


def survival_term(L: Bundle, O: Bundle, S: Bundle, R: Bundle, M: Bundle, G: Bundle,
                  D: Bundle) -> np.ndarray:
    """Regime and personal survival: resisting risks collapse (true hazard over the pain
    horizon) and his life (the threat level); conceding risks the believed collapse (M6).
    M15: the essay's leader weighs this little; off, survival weighs at least 1."""
    w = L.survival_weight if M.survival_discount else np.maximum(L.survival_weight, 1.0)
    w = np.broadcast_to(w, np.shape(G.p_acc))
    stay = collapse_hazard(S, D) * D.pain_horizon + R.leader_threat
    out = np.empty_like(G.x)
    out[:, RESIST] = -stay
    out[:, ESCALATE] = -stay - war_probability(R, D) * D.war_cost
    out[:, DEAL] = -(G.p_acc * believed_collapse(L, D, G.x_deal, M) + (1.0 - G.p_acc) * stay)
    out[:, CAPITULATE] = -believed_collapse(L, D, O.demand, M)
    return w[:, None] * out


def _defiance(G: Bundle, value: np.ndarray) -> np.ndarray:
    """Spread a per-run value of defiance over actions: full when resisting or escalating,
    (1 − p_acc) for a deal offer (it is defiance if refused), none for capitulation."""
    out = np.zeros_like(G.x)
    out[:, RESIST] = value
    out[:, ESCALATE] = value
    out[:, DEAL] = (1.0 - G.p_acc) * value
    return out


def martyrdom_term(L: Bundle, R: Bundle, M: Bundle, G: Bundle) -> np.ndarray:
    """M7: resisting while his life is threatened adds μ·threat (μ>0 sanctifies, μ<0 deters)."""
    if not M.martyrdom:
        return np.zeros_like(G.x)
    return _defiance(G, L.martyrdom_valuation * R.leader_threat)


def pain_valence_term(L: Bundle, R: Bundle, M: Bundle, G: Bundle) -> np.ndarray:
    """M3: struggle with pain is moral validation: resisting under pressure P adds v·P."""
    if not M.pain_valence:
        return np.zeros_like(G.x)
    return _defiance(G, L.pain_valence * R.P)


def base_change_resisting(L: Bundle, S: Bundle, R: Bundle, D: Bundle, M: Bundle) -> np.ndarray:
    """Per-round change of standing with the base while resisting (M2): steadfastness under
    pressure raises it (× pain valence), economic collapse below econ_critical erodes it."""
    gain = D.base_gain * L.pain_valence * R.P * (1.0 - S.base) if M.pressure_resolve else 0.0
    hardship = np.maximum(D.econ_critical - S.economy, 0.0) / np.maximum(D.econ_critical, 1e-9)
    return gain - D.base_econ_loss * hardship


def legitimacy_term(L: Bundle, S: Bundle, R: Bundle, M: Bundle, G: Bundle,
                    D: Bundle) -> np.ndarray:
    """The expected change of standing with the hardline base, × legitimacy weight."""
    stay = base_change_resisting(L, S, R, D, M)
    loss = D.concession_base_loss[:, None] * G.x * (1.0 - G.sigma)
    out = np.empty_like(G.x)
    out[:, RESIST] = stay
    out[:, ESCALATE] = stay + ESCALATION_RALLY
    out[:, DEAL] = -G.p_acc * loss[:, DEAL] + (1.0 - G.p_acc) * stay
    out[:, CAPITULATE] = -loss[:, CAPITULATE]
    return L.legitimacy_weight[:, None] * out


def future_demands_term(L: Bundle, S: Bundle, M: Bundle, G: Bundle) -> np.ndarray:
    """M11: a concession is expected to invite a further demand, larger when trust is
    low: − w_f·x·(1 − trust) (a deal only if the coercer takes it)."""
    if not M.trust:
        return np.zeros_like(G.x)
    out = G.x * (1.0 - S.trust)[:, None]
    out[:, DEAL] *= G.p_acc
    return -L.future_demand_weight[:, None] * out


def decision_terms(L: Bundle, O: Bundle, S: Bundle, R: Bundle, D: Bundle,
                   M: Bundle) -> dict[str, np.ndarray]:
    """Every named utility term for every action: {term: (runs, 4)} (keys as TERMS)."""
    G = offer_geometry(L, O, S, M)
    terms = {
        "identity": identity_term(L, O, S, R, M, G),
        "sacred": sacred_term(L, O, S, R, M, G),
        "material": material_term(L, O, S, R, M, G, D),
        "survival": survival_term(L, O, S, R, M, G, D),
        "martyrdom": martyrdom_term(L, R, M, G),
        "pain_valence": pain_valence_term(L, R, M, G),
        "legitimacy": legitimacy_term(L, S, R, M, G, D),
        "future_demands": future_demands_term(L, S, M, G),
    }
    return terms


def choice_probabilities(utility: np.ndarray, rationality: np.ndarray) -> np.ndarray:
    """Logit (quantal-response) choice: softmax(λ·U) row-wise, computed stably."""
    z = np.asarray(rationality, float).reshape(-1, 1) * utility
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
