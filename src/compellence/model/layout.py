"""Where each quantity lives in the model's flat per-run arrays (names → column numbers).

The model (:mod:`compellence.model.equations`) is scalar code for one run that every
backend compiles, so its inputs are flat float arrays rather than named objects:

- ``V``: the run's parameters (leader, offer, initial regime, dynamics, pressure levels,
  adaptive rule), sampled once per run; succession rewrites two leader entries;
- ``S``: the regime's state, updated every round;
- ``O``: the offer in force this round (the Bayesian coercer may change it);
- ``R``: this round's pressure instruments and their index P;
- ``M``: the mechanism switches M1–M15, W1–W7, C1, F1, D1 (runtime values: no recompilation
  per switch).

This module holds only names and positions; it contains no equation. Each index is a
module-level constant so that numba folds it into the compiled code.
"""

from __future__ import annotations

#: Per-run parameters, by dotted scenario path, in column order of ``V``.
V_FIELDS: tuple[str, ...] = (
    # leader (M1–M15 parameters; see scenario/schema.py Leader)
    "leader.rationality", "leader.identity_weight", "leader.consistency_share",
    "leader.authority_multiplier", "leader.material_weight", "leader.pain_valence",
    "leader.resolve_gain", "leader.survival_weight", "leader.believed_collapse_base",
    "leader.believed_collapse_slope", "leader.martyrdom_valuation",
    "leader.personal_rigidity_share", "leader.sacred_premium", "leader.taboo_sensitivity",
    "leader.heroic_flexibility", "leader.future_demand_weight", "leader.legitimacy_weight",
    "leader.decline_sensitivity", "leader.martyr_credit", "leader.threat_perception",
    # the coercer's offer and what its demand puts at stake
    "coercer.demand", "coercer.relief", "coercer.face_saving", "coercer.accepts_limited_deal",
    "regime.core_threshold", "coercer.identity_stake", "coercer.sacred_stake",
    "coercer.power_stake", "coercer.exit_offer", "coercer.program_stake",
    # the regime at round 0
    "regime.economy", "regime.unrest", "regime.base_standing", "regime.core_program",
    "regime.axis", "regime.trust", "regime.program_deterrence",
    # dynamics coefficients
    "dynamics.econ_sanctions", "dynamics.econ_strike", "dynamics.econ_recovery",
    "dynamics.program_strike", "dynamics.unrest_rate", "dynamics.unrest_shock_rate",
    "dynamics.unrest_shock_size", "dynamics.rally", "dynamics.base_gain",
    "dynamics.econ_critical", "dynamics.base_econ_loss", "dynamics.concession_base_loss",
    "dynamics.trust_renege", "dynamics.trust_recovery", "dynamics.axis_decline",
    "dynamics.war_rate", "dynamics.war_cost", "dynamics.collapse_base",
    "dynamics.collapse_unrest", "dynamics.collapse_concession", "dynamics.assassination_rate",
    "dynamics.natural_death", "dynamics.pain_horizon", "dynamics.sanctification",
    "dynamics.martyr_rally", "dynamics.pain_discount", "dynamics.power_value",
    "dynamics.adaptation_rate", "dynamics.adaptation_max", "dynamics.repression",
    "dynamics.repression_cost", "dynamics.base_reversion", "dynamics.program_rebuild",
    "dynamics.escalation_cost", "dynamics.ultimatum_threat", "dynamics.desperation",
    # pressure levels (when not scheduled) and the adaptive rule (M14)
    "coercer.pressure.sanctions", "coercer.pressure.isolation",
    "coercer.pressure.military_threat", "coercer.pressure.strikes",
    "coercer.pressure.leader_threat",
    "coercer.adaptive.step", "coercer.adaptive.cap", "coercer.adaptive.retaliation_step",
    # the coercer's aims (its utility, when it decides: issue 12) and the deal phase
    "coercer.aims.demand_value", "coercer.aims.core_value", "coercer.aims.war_cost",
    "coercer.aims.pressure_cost", "coercer.aims.threat_cost", "coercer.aims.audience_cost",
    "coercer.aims.removal_value", "coercer.aims.removal_chance",
    "coercer.aims.belief_cost_benefit", "coercer.aims.horizon", "coercer.aims.discount",
    "regime.deal_in_force", "dynamics.deal_recovery", "dynamics.succession_effect",
    # the selectorate (F1): three factions (weight, support, line, successor) and its rates
    *(f"selectorate.{f}.{x}" for f in ("hardliners", "establishment", "pragmatists")
      for x in ("weight", "support", "line", "successor_identity")),
    "selectorate.rate", "selectorate.pressure_response", "selectorate.hardship_response",
    "selectorate.concession_response", "selectorate.martyrdom_response",
    "selectorate.ouster_rate", "selectorate.choice_precision",
)
NV = len(V_FIELDS)
(LAM, WID, CONS, ALPHA, MW, PV, RG, SW, H0, PHI, MU, PERS, SPREM, BETA, HEROIC, FDW, LW, KAPPA,
 MCRED, TPERC,
 V_DEM, V_REL, V_FS, V_ACC, V_CORE, IDS, SACS, POWS, EXIT, PSTK,
 V_ECON0, V_UNR0, V_BASE0, V_PROG0, V_AXIS0, V_TRUST0, DETER,
 ES, ESTR, EREC, PSTR, UR, USR, USS, RALLY, BG, ECRIT, BEL, CBL, TREN, TREC, AXD, WR, WC, CB,
 CU, CC, AR, ND, PH, SANCT, MRALLY, PDISC, PVAL, ADR, ADMAX, REP, REPC, BREV, PREB, ESCC, ULT,
 DESP,
 V_SANC, V_ISO, V_MIL, V_STK, V_THR,
 A_STEP, A_CAP, A_RET,
 CVAL, CCORE, CWAR, CPRES, CTHR, CAUD, CREMV, CREMP, CBELIEF, CHOR, CDISC,
 V_DEAL0, DREC, SUCC,
 FAC, _F01, _F02, _F03, _F10, _F11, _F12, _F13, _F20, _F21, _F22, _F23,
 SRATE, SPRES, SHARD, SCONC, SMART, SOUST, SPREC) = range(NV)
#: Memo slots of ``V``, after the parameters: the flow weights (W1) of the leader and of the
#: coercer, which need a ``pow`` and depend only on per-run parameters, are computed once
#: per run and kept with the inputs they were computed from (horizon, rate, weight); a
#: call that finds other inputs (W1 switched off, a caller or test that sets the horizon or
#: the rate) computes them anew. Not parameters: nothing samples or reports them.
MEMO_FIELDS: tuple[str, ...] = ("flow_horizon", "flow_rate", "flow", "coercer_flow_horizon",
                                "coercer_flow_rate", "coercer_flow")
(MEMO_FH, MEMO_FR, MEMO_F, MEMO_CH, MEMO_CR, MEMO_C) = range(NV, NV + len(MEMO_FIELDS))
#: Length of a run's ``V`` row: the parameters, then the memo slots.
NVX = NV + len(MEMO_FIELDS)
#: The selectorate's factions (F1): faction k's weight, support at round 0, line and
#: candidate's identity multiple are V[FAC + FAC_STRIDE·k + FW / FS0 / FL / FSUCC].
FACTIONS: tuple[str, ...] = ("hardliners", "establishment", "pragmatists")
NFAC = len(FACTIONS)
FAC_STRIDE = 4
FW, FS0, FL, FSUCC = range(FAC_STRIDE)
#: The leader's parameters are the first NL columns (a hypothesised type replaces them).
NL = TPERC + 1
#: Column of the first pressure instrument in V (instrument k is at V_SANC + k).
V_PRESSURE = V_SANC

#: The regime's state, in column order of ``S``.
S_FIELDS: tuple[str, ...] = ("economy", "unrest", "base", "program", "axis", "trust",
                             "resolve", "adaptation", "credit", "coercer_belief", "deal",
                             "deal_conceded", *(f"support_{f}" for f in FACTIONS))
NS = len(S_FIELDS)
(ECON, UNR, BASE, PROG, AXIS, TRUST, RES, ADAPT, CRED, CBEL, DEALF, DCONC,
 SUP) = range(NS - NFAC + 1)
#: deal_conceded: what is left of the concession x·(1 − σ) by which the deal in force shifted
#: the factions' support (it decays as support returns to its targets; F1, D1).
#: Faction k's support for the leader is S[SUP + k].
#: The states reported as final values (the regime's: not the successor's credit, the
#: coercer's belief or whether a deal is in force).
NFINAL = CRED

#: The offer in force (``O``).
O_FIELDS: tuple[str, ...] = ("demand", "relief", "face_saving", "accepts_limited_deal",
                             "core_threshold")
NO = len(O_FIELDS)
DEM, REL, FS, ACC, CORE = range(NO)

#: This round's pressure (``R``): the five instruments, the index P, and whether a strike
#: hit this round (1/0: a trigger for war).
R_FIELDS: tuple[str, ...] = ("sanctions", "isolation", "military_threat", "strikes",
                             "leader_threat", "P", "struck")
NR = len(R_FIELDS)
SANC, ISO, MIL, STK, THR, PIDX, STRUCK = range(NR)

#: Mechanism switches (``M``), M1 … M15 in order.
M_FIELDS: tuple[str, ...] = (
    "identity_cost", "pressure_resolve", "pain_valence", "leader_profile",
    "consistency_authority", "believed_collapse", "martyrdom", "sanctified_succession",
    "sacred_core", "heroic_flexibility", "trust", "coercion_visibility", "exogenous_decline",
    "adaptive_coercer", "survival_discount",
    # the world's mechanisms (issue 11, docs/model.md: W1–W7)
    "time_discount", "economic_adaptation", "repression", "base_reversion", "program_value",
    "war_trigger", "undominated_choice",
    # the coercer that decides (issue 12, docs/model.md: C1)
    "coercer_decides",
    # the selectorate (issue 12, docs/model.md: F1)
    "selectorate",
    # the leader may break a deal in force (issue 12, docs/model.md: D1)
    "deal_violation")
NM = len(M_FIELDS)
(M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M11, M12, M13, M14, M15,
 W1, W2, W3, W4, W5, W6, W7, C1, F1, D1) = range(NM)

#: The leader's actions (columns of every utility row) and the utility terms (rows).
ACTIONS: tuple[str, ...] = ("resist", "escalate", "deal", "capitulate")
RESIST, ESCALATE, DEAL, CAPITULATE = range(4)
TERMS: tuple[str, ...] = ("identity", "sacred", "material", "survival", "martyrdom",
                          "pain_valence", "legitimacy", "future_demands", "security")
NT = len(TERMS)
T_ID, T_SAC, T_MAT, T_SURV, T_MART, T_PV, T_LEG, T_FUT, T_SEC = range(NT)

#: How a run ends (ongoing: still resisting at the horizon).
#: deal: a deal in force at the horizon (one that broke and was not renewed is not one);
#: backed_down: the coercer gave up its demand; removed: the regime removed by force (a
#: campaign the coercer started; one that fails is a war).
OUTCOMES: tuple[str, ...] = ("ongoing", "capitulation", "deal", "war", "collapse",
                             "backed_down", "removed")
ONGOING, CAPITULATION, DEAL_OUTCOME, WAR, COLLAPSE, BACKED, REMOVED = range(7)

#: Per-run integer results (``CI``) and float results (``CF``).
CI_FIELDS: tuple[str, ...] = ("outcome", "rounds", "leader_generation", "martyred",
                              "killed_round", "escalations", "deal_offers", "switched_round",
                              "rounds_played", "deals_made", "deals_broken",
                              "coercer_started_war", "successor_faction", "deals_violated")
NCI = len(CI_FIELDS)
(OUT, ROUNDS, GEN, MART, KROUND, ESCS, DOFF, SWITCH, PLAYED, DMADE, DBROKE,
 CWARS, SUCCF, DVIOL) = range(NCI)
CF_FIELDS: tuple[str, ...] = ("legacy", "legacy_if_capitulated", "belief_cost_benefit",
                              "p_resist", "p_escalate", "p_deal", "p_capitulate",
                              "final_economy", "final_unrest", "final_base", "final_program",
                              "final_axis", "final_trust", "final_resolve", "final_adaptation",
                              "final_selectorate")
NCF = len(CF_FIELDS)
LEG, LEGCAP, BELIEF, PSUM = 0, 1, 2, 3          # PSUM … PSUM+3: Σ choice probabilities
FINAL = 7                                       # FINAL + k: final value of S[k], k < NFINAL
FSEL = FINAL + NFINAL                           # the selectorate's weighted support (F1)

#: State recorded in trajectories (``TRAJ``), per round.
TRAJECTORY_VARS: tuple[str, ...] = ("economy", "unrest", "base", "trust", "program", "axis",
                                    "resolve", "adaptation", "pressure", "leader_threat",
                                    *(f"support_{f}" for f in FACTIONS))
NTRAJ = len(TRAJECTORY_VARS)

#: Per-decision record of one run (explain): columns of ``REC`` besides the term block.
REC_FIELDS: tuple[str, ...] = ("action", "accepted", "war", "p_resist", "p_escalate",
                               "p_deal", "p_capitulate", "identity_weight", *S_FIELDS,
                               *R_FIELDS, "demand", "relief", "face_saving")
NREC = len(REC_FIELDS)
REC_ACT, REC_ACC, REC_WAR, REC_P, REC_WID = 0, 1, 2, 3, 7
REC_S = 8
REC_R = REC_S + NS
REC_O = REC_R + NR

#: Learning coercer constants (``LRN``).
LRN_FIELDS: tuple[str, ...] = ("enabled", "prior_cost_benefit", "threshold",
                               "hypothesis_rationality", "limited_demand", "limited_relief",
                               "limited_face_saving")
LRN_ON, LRN_PRIOR, LRN_THR, LRN_LAM, LRN_DEM, LRN_REL, LRN_FS = range(len(LRN_FIELDS))

#: Uniform draws per run-round, by purpose: two counter blocks of four (Philox4x32 gives
#: four 32-bit words per call).
DRAWS: tuple[str, ...] = ("choice", "accept", "war", "strike", "kill", "natural", "collapse",
                          "shock")
U_CHOICE, U_ACCEPT, U_WAR, U_STRIKE, U_KILL, U_NATURAL, U_COLLAPSE, U_SHOCK = range(8)
