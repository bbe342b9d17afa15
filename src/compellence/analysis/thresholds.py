"""What the nine claims of docs/design.md are measured against, decided before they are computed.

Everything a claim's verdict depends on is stated here, with its reason, so that
nobody (the author included) can tune it after seeing the figures: the baseline
scenario of each claim (where its quantity can move), its two arms, its one-factor
contrast (only the parameters of the mechanism the claim is about), the minimal
effect size the 95% interval must clear, the mechanism switch used for the
attribution check, and the plausible ranges of the holding-region map.
This file was committed before the table it feeds was first computed (issue 13);
change a value only with a reason written next to it, and say so in the history.

Conventions.
- Figures are shares of runs ending in an outcome (or, for claim 8, a mean state),
  and effects are *paired* differences between two arms run with the same seed and
  run indices: the engine's randomness is keyed by (seed, run), so the arms use
  common random numbers and the interval is that of the per-run difference.
- A claim "holds" for a profile when the whole 95% interval lies beyond the minimal
  effect on the claimed side; it is "contradicted" when the whole interval lies on
  the other side; otherwise it is inconclusive.
- A figure is "at a floor" when every share it is built from has its 95% interval
  inside [0, FLOOR] or [1 − FLOOR, 1]: it cannot move there, so comparing it proves
  nothing. A claim whose essay figure and contrast figure are both at a floor is
  "untestable here", never passed.
"""

from __future__ import annotations

from typing import Any

#: Two-sided 95% normal quantile for the intervals.
Z95 = 1.96

#: A share whose 95% interval lies within this distance of 0 or 1 is at a floor.
#: 0.01 is about one run in a hundred: below it, a 24-round share is decided by a
#: utility gap, not by the mechanism under study (issue 13: claim 5 compared
#: 4.7e-9 with 4.7e-7).
FLOOR = 0.01

#: The window in which a baseline share "can move" (issue 13, item 2). The table
#: reports, per claim, whether the essay's reference arm lies in it.
WINDOW = (0.05, 0.95)

#: Runs per ensemble of `compellence claims` by default. The engine does 10,000 runs
#: of the flagship in well under a second; at 10,000 runs a paired share difference
#: has a standard error of at most 0.007, so the intervals are narrower than every
#: minimal effect below.
DEFAULT_RUNS = 10_000


def fixed_pressure(level: float, leader_threat: float = 0.0) -> dict[str, Any]:
    """Overrides that hold sanctions, isolation and military threat at ``level``
    (strikes at a third of it) with the adaptive coercer off."""
    return {
        "coercer.pressure.sanctions": level, "coercer.pressure.isolation": level,
        "coercer.pressure.military_threat": level, "coercer.pressure.strikes": level / 3,
        "coercer.pressure.leader_threat": leader_threat, "coercer.adaptive.enabled": False,
    }


#: No assassination within the horizon: used where the claim is about the leader's
#: *answer* to a threat or a state, so that killings (and the successor they bring,
#: claim 4's mechanism) do not mix a second cause into the contrast.
NO_KILLING = {"dynamics.assassination_rate": 0.0, "events.leader_killed_round": None}

FLAGSHIP = "iran-2025-surrender"

#: A scripted coercer (issue 12): claims 2, 3, 5 and 9 are about the leader's answer to an
#: offer accepted with a stated chance, so their baselines fix that chance instead of
#: letting the deciding coercer's utility set it (which would mix a second cause in).
SCRIPTED = {"coercer.aims.enabled": False}

# ---------------------------------------------------------------------------------
# Claim 1. Maximal demand + escalating pressure: the identity profile almost never
# capitulates; without the identity cost it does, more often as pressure grows.
#: Baseline: the flagship (maximal demand, its relief and state), pressure fixed and no
#: threat to the leader's life (that is claim 3's mechanism) nor killings.
C1_BASE = {**NO_KILLING}
#: Arms: pressure 0.3 (low) against 0.9 (the flagship's sanctions level).
C1_ARMS = (fixed_pressure(0.3), fixed_pressure(0.9))
#: Minimal effect: a rise of capitulation by less than 0.03 (three runs in a hundred)
#: from low to high pressure counts as "pressure does not yield surrender".
C1_MIN_RISE = 0.03
#: "Almost never": capitulation share at high pressure at most this (point estimate).
C1_MAX_CAPITULATION = 0.05
#: One-factor contrast (M1): the identity weight at the cost-benefit value, nothing else.
C1_CONTRAST = {"leader.identity_weight": 0.05}

# Claim 2. A limited deal that keeps the core is accepted far more often than
# capitulation ("heroic flexibility").
#: Baseline: the flagship's maximal demand, but a coercer that accepts a deal keeping the
#: core for certain, so both a deal and capitulation are really on offer and differ in
#: what they concede (not two labels for one concession, as in the JCPOA scenario).
#: Pressure fixed at 0.6, no threat to the leader.
C2_BASE = {**fixed_pressure(0.6), **NO_KILLING, **SCRIPTED,
           "coercer.accepts_limited_deal": 1.0}
#: "Far more often": deal share minus capitulation share at least 0.10.
C2_MIN_GAP = 0.10
#: One-factor contrast (M10): no heroic-flexibility doctrine (the cost-benefit value).
C2_CONTRAST = {"leader.heroic_flexibility": 0.0}

# Claim 3. A threat to the leader's life does not raise concession when martyrdom is
# valued; it does when death is feared.
#: Baseline: flagship demand, pressure fixed at 0.5, a coercer that accepts a deal that
#: keeps the core with chance 0.3 (so conceding can move: deal or capitulation), and no
#: killings (the threat is perceived; killing him is claim 4's mechanism).
C3_BASE = {**fixed_pressure(0.5), **NO_KILLING, **SCRIPTED,
           "coercer.accepts_limited_deal": 0.3}
#: Arms: threat to his life 0 against 0.9.
C3_ARMS = ({"coercer.pressure.leader_threat": 0.0}, {"coercer.pressure.leader_threat": 0.9})
#: Minimal effect: a rise of the concession share (deal + capitulation) below 0.03.
C3_MIN_RISE = 0.03
#: One-factor contrast (M7): martyrdom feared (μ = −0.6, the cost-benefit value).
C3_CONTRAST = {"leader.martyrdom_valuation": -0.6}

# Claim 4. After the leader is killed in the confrontation, the successor is more
# flexible under the same offer (and the legacy higher than had he capitulated).
#: Baseline: iran-2026-succession (same coercer and offer), no other killing.
C4_BASE = {"dynamics.assassination_rate": 0.0}
#: Arms: the leader alive for the whole horizon against killed at round 0.
C4_ARMS = ({"events.leader_killed_round": None}, {"events.leader_killed_round": 0})
#: Minimal effect: the deal share rises by at least 0.05 with the successor.
C4_MIN_GAIN = 0.05
#: One-factor contrast (M8): rigidity institutional, not personal (share 0).
C4_CONTRAST = {"leader.personal_rigidity_share": 0.0}

# Claim 5. Money offered for the sacred core lowers acceptance for the identity profile
# (backfire) and raises it without the taboo.
#: Baseline: a demand that touches the core (0.6 > core threshold 0.5), no deal route
#: (the coercer never accepts less: acceptance is the core trade), pressure 0.5.
C5_BASE = {**fixed_pressure(0.5), **NO_KILLING, "coercer.demand": 0.6,
           **SCRIPTED, "coercer.accepts_limited_deal": 0.0}
#: Arms: relief 0 against 0.8.
C5_ARMS = ({"coercer.relief": 0.0}, {"coercer.relief": 0.8})
#: Minimal effect: capitulation must fall by at least 0.02 (backfire).
C5_MIN_FALL = 0.02
#: One-factor contrast (M9): no taboo trade-off (β = 0, the cost-benefit value).
C5_CONTRAST = {"leader.taboo_sensitivity": 0.0}

# Claim 6. Reneging by the coercer lowers later flexibility (trust, M11).
#: Baseline: iran-2015-jcpoa (a limited deal on offer; deal share well inside the window).
C6_BASE: dict[str, Any] = {}
#: Arms: the coercer never reneges against reneging at round 6 (trust falls by 60%).
#: Reneging breaks a deal in force (issue 12: deals live), so it comes after the deal the
#: JCPOA leader makes at once: round 6, half a year in; the leader may then deal again.
C6_ARMS = ({"coercer.renege_rounds": []}, {"coercer.renege_rounds": [6]})
#: Minimal effect: the deal share (the outcome, not a per-decision probability) falls by
#: at least 0.03.
C6_MIN_DROP = 0.03
#: One-factor contrast (M11's leader-side part): concessions are not expected to invite
#: further demands (future-demand weight 0); promised relief is still discounted by trust,
#: as any rational leader would. Switching trust off altogether (the old contrast) makes
#: the effect zero by construction.
C6_CONTRAST = {"leader.future_demand_weight": 0.0}

# Claim 7. Under the same pain, the charismatic founder accepts the chalice more often
# than the consistency-based successor.
#: Arms: iran-1988-chalice-successor (consistency 0.85) against iran-1988-chalice (0.15);
#: the successor file extends the founder's and keeps its seed (common random numbers).
C7_SCENARIOS = ("iran-1988-chalice-successor", "iran-1988-chalice")
C7_BASE: dict[str, Any] = {}
#: Minimal effect: acceptance (deal + capitulation) at least 0.10 higher for the founder.
C7_MIN_GAP = 0.10
#: One-factor contrast (M5): authority from consistency does not raise the identity cost
#: (α = 0). The two arms differ only in consistency share, so this contrast is zero by
#: construction; the test of the claim is its interval, its floors and its map.
C7_CONTRAST = {"leader.authority_multiplier": 0.0}

# Claim 8. While resisting, standing with the base rises with pressure until economic
# collapse outweighs it.
#: Baseline: flagship, strikes 0, a healthier economy (0.7) so the economic collapse
#: comes from pressure within the horizon, no killings.
C8_BASE = {**NO_KILLING, "regime.economy": 0.7}
#: Arms: pressure 0, 0.5, 1.0 (strikes 0): the rise is 0 → 0.5, the fall 0.5 → 1.0.
C8_LEVELS = (0.0, 0.5, 1.0)
#: Minimal effects on mean standing with the base among runs still resisting.
C8_MIN_RISE = 0.03
C8_MIN_FALL = 0.03
#: Fewer runs than this still resisting in an arm: the mean is not measured (a floor).
C8_MIN_RESISTING = 30
#: One-factor contrast (M3): pain is only pain (valence 0). Base gain is proportional
#: to the valence, so the rise is zero by construction under it.
C8_CONTRAST = {"leader.pain_valence": 0.0}

# Claim 9. Exogenous decline raises face-saving deals, not capitulation.
#: Baseline: flagship demand, pressure 0.3, the coercer accepts a deal keeping the core
#: with chance 0.2, no killings.
C9_BASE = {**fixed_pressure(0.3), **NO_KILLING, **SCRIPTED,
           "coercer.accepts_limited_deal": 0.2}
#: Arms: decline (M13) off against on.
C9_ARMS = ({"mechanisms.exogenous_decline": False}, {"mechanisms.exogenous_decline": True})
#: Minimal effects: deals rise by at least 0.03 while capitulation rises by less than 0.02.
C9_MIN_DEAL = 0.03
C9_MAX_CAPITULATION = 0.02
#: One-factor contrast (M1): without the identity cost, does decline bring surrender?
C9_CONTRAST = {"leader.identity_weight": 0.05}

#: The mechanism switch (schema.Mechanisms) each claim is about: the attribution check
#: re-measures the essay's figure with only this switch off; a claim that still holds is
#: "not attributable to the mechanism".
MECHANISM = {1: "identity_cost", 2: "heroic_flexibility", 3: "martyrdom",
             4: "sanctified_succession", 5: "sacred_core", 6: "trust",
             7: "consistency_authority", 8: "pressure_resolve", 9: "exogenous_decline"}

#: Claims about refusal (DESIGN.md contrasts them with the cost-benefit leader): they
#: also face the security-seeking rival (scenario/profiles.py).
RIVAL_CLAIMS = (1, 2, 3, 5, 9)
RIVAL = {"leader.profile": "security-seeking"}

# ---------------------------------------------------------------------------------
# The holding-region map (`compellence claims --map`): the essay profile's uncertain
# parameters over plausible ranges. Each point overrides the claim's baseline (not its
# arms, which define the experiment).
#: path: (low, high, reason). "pressure" is the level of fixed_pressure in baselines
#: that fix it (claims 2, 3, 5, 9).
MAP_RANGES: dict[str, tuple[float, float, str]] = {
    "leader.identity_weight": (0.25, 1.5, "0.25 is the backtest's fitted value, 1.0 the "
                               "essay's default; 1.5 a stronger identity"),
    "leader.rationality": (1.0, 10.0, "λ from noisy (1) to near best response; the "
                           "backtest fits 8, the default is 4"),
    "leader.martyrdom_valuation": (0.0, 1.0, "the essay: he does not seek death (≥ 0) but "
                                   "knows its symbolic capital"),
    "leader.heroic_flexibility": (0.3, 1.0, "the 2013 doctrine waives some to all of a "
                                  "core-keeping deal's cost"),
    "leader.believed_collapse_slope": (0.2, 0.9, "how strongly 1979 ties concession to "
                                       "collapse in his belief"),
    "leader.personal_rigidity_share": (0.3, 0.9, "how much of the rigidity is his own"),
    "dynamics.pain_horizon": (0.5, 6.0, "rounds (months) of continued pain he weighs"),
    "regime.trust": (0.05, 0.6, "trust in the coercer: after 2018 (low) to 2015 (moderate)"),
    "coercer.accepts_limited_deal": (0.05, 0.5, "the coercer's willingness to settle for a "
                                     "deal that keeps the core"),
    "pressure": (0.2, 1.0, "level of sanctions, isolation and military threat"),
}
#: Default size of the map: 64 Latin-hypercube points × 200 runs per ensemble; at 200
#: runs a share's standard error is at most 0.035, so the map uses point estimates
#: against the minimal effects (and the floors), not intervals: it shows where a claim
#: holds, the table says whether it holds at the baseline.
#: Display only: a PRIM box restriction is shown when it keeps at most this share of the
#: parameter's mapped range (PRIM also lists parameters it barely peeled).
MAP_BOX_KEEP = 0.8
MAP_POINTS = 64
MAP_RUNS = 200
MAP_SEED = 13
