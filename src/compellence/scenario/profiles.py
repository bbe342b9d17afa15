"""Leader profiles (M4): named presets of the leader's parameters.

M4 of docs/design.md: leaders who treat compromise as a tactic can be pressured into
it, leaders who treat capitulation as identity collapse cannot. The profiles
below differ in exactly the parameters that carry that difference (identity
weight, pain valence, martyrdom valuation, sacred premium, taboo sensitivity,
heroic flexibility, believed collapse link, survival weight, share of authority
from consistency). Every value is an assumption read from the essay, not an
estimate; `docs/model.md` says why each was chosen. A scenario selects one with
``[leader] profile = "..."`` and may override any field.
"""

from __future__ import annotations

from typing import Any

#: identity-committed — the essay's Khamenei: refusal is identity; pain validates;
#: martyrdom sanctifies; authority rests on ideological consistency (M5).
IDENTITY_COMMITTED: dict[str, Any] = {
    "rationality": 4.0,
    "identity_weight": 1.0,
    "consistency_share": 0.85,
    "authority_multiplier": 1.0,
    # calibrated to the Iran record (docs/model.md, "Profiles"): with pain weighed over a
    # discounted two-year horizon, 0.25 is the largest round value at which neither episode
    # we observe (2018-2020 maximum pressure, June 2025) shows capitulation within 24 months
    # in the model; at 0.35 the June 2025 scenario capitulates in 59% of runs.
    "material_weight": 0.25,
    "pain_valence": 0.4,
    "resolve_gain": 0.08,
    "survival_weight": 0.2,
    "believed_collapse_base": 0.05,
    "believed_collapse_slope": 0.6,
    "martyrdom_valuation": 0.6,
    "personal_rigidity_share": 0.6,
    "sacred_premium": 1.5,
    "taboo_sensitivity": 1.0,
    "heroic_flexibility": 0.7,
    "future_demand_weight": 0.8,
    "legitimacy_weight": 0.5,
    "decline_sensitivity": 1.5,
    "martyr_credit": 0.6,
    "threat_perception": 1.0,
}

#: cost-benefit — Washington's "familiar assumption": concessions are tactical,
#: pain is only pain, death is feared, no sacred core, no 1979 lesson.
COST_BENEFIT: dict[str, Any] = {
    **IDENTITY_COMMITTED,
    "identity_weight": 0.05,
    "consistency_share": 0.5,
    "material_weight": 1.0,
    "pain_valence": 0.0,
    "resolve_gain": 0.0,
    "survival_weight": 1.0,
    "believed_collapse_slope": 0.1,
    "martyrdom_valuation": -0.6,
    "personal_rigidity_share": 0.0,
    "sacred_premium": 0.0,
    "taboo_sensitivity": 0.0,
    "heroic_flexibility": 0.0,
    "future_demand_weight": 0.3,
    "legitimacy_weight": 0.3,
}

#: charismatic-founder — Khomeini in 1988: identity-committed, but his authority
#: rests on charisma, not on consistency, so he can "drink the chalice" (M5).
CHARISMATIC_FOUNDER: dict[str, Any] = {
    **IDENTITY_COMMITTED,
    "consistency_share": 0.15,
    "personal_rigidity_share": 0.8,
}

#: The parameters that distinguish an identity leader from a cost-benefit one;
#: switching M4 off replaces them by the cost-benefit values.
IDENTITY_SPECIFIC: tuple[str, ...] = (
    "identity_weight",
    "pain_valence",
    "resolve_gain",
    "survival_weight",
    "believed_collapse_slope",
    "martyrdom_valuation",
    "sacred_premium",
    "taboo_sensitivity",
    "heroic_flexibility",
    "material_weight",
)

#: security-seeking — the strong rival of the refusal claims (issue 13): a rational
#: leader with no identity terms (every identity-specific parameter at its cost-benefit
#: value: no identity cost to speak of, no pain valence, death feared, nothing sacred)
#: who values regime and personal survival highly (survival weight 2.0, twice the
#: cost-benefit leader's; range [0, 3]) and sees concession as dangerous (believed
#: collapse slope 0.9: conceding everything is believed to bring collapse with
#: probability 0.95). Every other parameter is the essay's profile's, so the rival
#: differs from it only in the identity-specific parameters.
#: Since issue 11 the programme carries a deterrent value (regime.program_deterrence)
#: that every leader weighs through his survival weight, so this rival also keeps the
#: programme as insurance (twice as much as the cost-benefit leader). It fears threats to
#: its life (μ = −0.6), so threats deter it: in the June 2025 scenario it capitulates.
SECURITY_SEEKING: dict[str, Any] = {
    **IDENTITY_COMMITTED,
    **{k: COST_BENEFIT[k] for k in IDENTITY_SPECIFIC},
    "survival_weight": 2.0,
    "believed_collapse_slope": 0.9,
}

#: personalist — survival first (issue 12): a ruler whose authority is his own person, not
#: a doctrine (consistency share 0.1, every bit of rigidity personal), who fears for his
#: life (survival weight 2.5, martyrdom −0.8) and keeps a modest pride (identity weight
#: 0.3) and no sacred core; concession is believed dangerous to his rule (slope 0.5).
#: Material weight 0.6: he cares about the economy mostly as it threatens his hold.
#: Why: Geddes' personalist regimes, whose leaders fear the fate of the ousted (Archigos:
#: 19% of irregular exits end in death), trade policy for survival.
PERSONALIST: dict[str, Any] = {
    **COST_BENEFIT,
    "identity_weight": 0.3,
    "consistency_share": 0.1,
    "material_weight": 0.6,
    "survival_weight": 2.5,
    "believed_collapse_slope": 0.5,
    "martyrdom_valuation": -0.8,
    "personal_rigidity_share": 1.0,
    "legitimacy_weight": 0.2,
}

#: institutional-successor — a successor chosen by the system (issue 12): the doctrine is
#: the institution's, not his (personal rigidity share 0, consistency share 0.9), so his
#: identity cost is smaller than the founder's generation (0.6) and a deal the institution
#: can frame is easier (heroic flexibility 0.8); martyrdom is valued less (0.3) and
#: survival a little more (0.4): he inherits a system to keep. Every other parameter is
#: the essay's profile's. Why: the essay's successor "without appearing weak" — bound by
#: institutions rather than by a personal legend.
INSTITUTIONAL_SUCCESSOR: dict[str, Any] = {
    **IDENTITY_COMMITTED,
    "identity_weight": 0.6,
    "consistency_share": 0.9,
    "personal_rigidity_share": 0.0,
    "heroic_flexibility": 0.8,
    "martyrdom_valuation": 0.3,
    "survival_weight": 0.4,
}

PROFILES: dict[str, dict[str, Any]] = {
    "identity-committed": IDENTITY_COMMITTED,
    "cost-benefit": COST_BENEFIT,
    "charismatic-founder": CHARISMATIC_FOUNDER,
    "security-seeking": SECURITY_SEEKING,
    "personalist": PERSONALIST,
    "institutional-successor": INSTITUTIONAL_SUCCESSOR,
}

PROFILE_DESCRIPTIONS: dict[str, str] = {
    "identity-committed": "the essay's leader: capitulation is identity collapse (Khamenei)",
    "cost-benefit": "the 'familiar assumption': concession is a tactical cost-benefit choice",
    "charismatic-founder": "identity-committed, authority from charisma (Khomeini, 1988)",
    "security-seeking": "rival: no identity terms; survival first (the programme as "
                        "deterrent), concession believed dangerous",
    "personalist": "survival first: authority is his person; fears for his life",
    "institutional-successor": "a successor bound by institutions, not a personal legend",
}
