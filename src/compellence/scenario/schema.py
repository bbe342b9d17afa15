"""The scenario schema: every parameter the model reads, validated with pydantic v2.

Each numeric parameter is declared with :func:`param`, which records its unit,
range and the mechanism (M1–M15 of docs/design.md) it implements; the range is
enforced for plain numbers and for the support of distributions alike. Any
numeric parameter may be a :mod:`distribution <compellence.scenario.distributions>`
sampled per run. Rounds are the model's time step (``round_months`` months).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from compellence.scenario.demands import STAKES, DemandType
from compellence.scenario.distributions import Distribution, _Dist
from compellence.scenario.profiles import IDENTITY_COMMITTED as _ID

Num = float | Distribution


def param(default: Any, lo: float, hi: float, unit: str, mechanism: str, doc: str) -> Any:
    """Declare a numeric parameter with its range, unit and mechanism (shown in the schema)."""
    return Field(
        default,
        description=f"{doc} ({mechanism}; unit: {unit}; range [{lo}, {hi}])",
        json_schema_extra={"unit": unit, "mechanism": mechanism, "range": [lo, hi]},
    )


class Section(BaseModel):
    """A scenario table: unknown keys are errors; declared ranges are enforced."""

    # allow_inf_nan=False: `nan` passes every range check (comparisons with NaN are
    # false), so NaN and ±inf are refused wherever a number is read.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _in_range(cls, value: Any, info: ValidationInfo) -> Any:
        extra = cls.model_fields[info.field_name].json_schema_extra
        if not isinstance(extra, dict) or "range" not in extra:
            return value
        lo, hi = extra["range"]
        if isinstance(value, _Dist):
            s_lo, s_hi = value.support()
            if s_lo < lo or s_hi > hi:
                raise ValueError(
                    f"distribution support [{s_lo}, {s_hi}] leaves the range [{lo}, {hi}]"
                )
        elif isinstance(value, int | float) and not (lo <= value <= hi):
            raise ValueError(f"expected a number in [{lo}, {hi}], got {value}")
        return value


ProfileName = Literal["identity-committed", "cost-benefit", "charismatic-founder",
                      "security-seeking", "personalist", "institutional-successor"]


class Leader(Section):
    """The target leader. Defaults are the identity-committed profile (the essay's)."""

    profile: ProfileName = Field(
        "identity-committed",
        description="Preset the fields below start from (M4); explicit fields override it.",
    )
    rationality: Num = param(
        _ID["rationality"], 0, 20, "1/utility", "logit choice",
        "Logit precision λ: 0 picks at random, large values approach best response.")
    identity_weight: Num = param(
        _ID["identity_weight"], 0, 3, "utility", "M1",
        "Weight of the identity cost of conceding under coercion (humiliation).")
    consistency_share: Num = param(
        _ID["consistency_share"], 0, 1, "share", "M5",
        "Share of the leader's authority resting on ideological consistency, not charisma.")
    authority_multiplier: Num = param(
        _ID["authority_multiplier"], 0, 3, "ratio", "M5",
        "α in the identity multiplier 1 + α·consistency_share.")
    material_weight: Num = param(
        _ID["material_weight"], 0, 3, "utility", "material",
        "Weight of economic pain and material relief.")
    pain_valence: Num = param(
        _ID["pain_valence"], -1, 1, "utility per unit pressure", "M3",
        "Suffering under pressure counted as a gain (>0) while resisting; 0 = pain is only pain.")
    resolve_gain: Num = param(
        _ID["resolve_gain"], 0, 1, "per round per unit pressure", "M2",
        "Rate at which resisting under pressure hardens resolve (raises the identity cost).")
    survival_weight: Num = param(
        _ID["survival_weight"], 0, 3, "utility", "M15",
        "Weight of the leader's personal and regime survival risk.")
    believed_collapse_base: Num = param(
        _ID["believed_collapse_base"], 0, 1, "probability", "M6",
        "Believed probability of regime collapse after any concession (h0); default: Archigos'"
        " irregular or foreign removals, 20.7% of spells over 4.09 years ≈ 5% a year.")
    believed_collapse_slope: Num = param(
        _ID["believed_collapse_slope"], 0, 1, "probability per unit concession", "M6",
        "Believed extra collapse probability per unit conceded: the 1979 lesson (φ).")
    martyrdom_valuation: Num = param(
        _ID["martyrdom_valuation"], -1, 1, "utility per unit threat", "M7",
        "μ: >0 a threat to his life sanctifies resistance; <0 it is feared (deterrence works).")
    personal_rigidity_share: Num = param(
        _ID["personal_rigidity_share"], 0, 1, "share", "M8",
        "Share of the rigidity that is personal; it dies with him and sanctifies his legacy.")
    sacred_premium: Num = param(
        _ID["sacred_premium"], 0, 5, "utility", "M9",
        "Extra identity cost of a concession that touches the core symbol (sacred value).")
    taboo_sensitivity: Num = param(
        _ID["taboo_sensitivity"], 0, 5, "ratio per unit relief", "M9",
        "β: relief offered for the sacred core multiplies its cost by 1 + β·relief.")
    heroic_flexibility: Num = param(
        _ID["heroic_flexibility"], 0, 1, "share", "M10",
        "Share of the identity cost waived for a deal that keeps the core ('heroic flexibility').")
    future_demand_weight: Num = param(
        _ID["future_demand_weight"], 0, 3, "utility", "M11",
        "Weight of the further demands a concession is expected to invite when trust is low.")
    legitimacy_weight: Num = param(
        _ID["legitimacy_weight"], 0, 3, "utility", "legitimacy",
        "Weight of the expected change of standing with the hardline base.")
    decline_sensitivity: Num = param(
        _ID["decline_sensitivity"], 0, 5, "ratio", "M13",
        "κ: material weight is multiplied by 1 + κ·(1 − axis) as the regional network unravels.")
    martyr_credit: Num = param(
        _ID["martyr_credit"], 0, 1, "share", "M8",
        "Face-saving credit a successor gets for deals framed as honouring a martyred leader.")
    threat_perception: Num = param(
        _ID["threat_perception"], 0, 5, "ratio", "M6/M7",
        "Believed chance of being killed ÷ the true one (M6's 'believed' link for his life): "
        ">1 he overrates the threat, <1 he discounts it; 1 = he knows it. M6 off: 1.")


Level = float | Distribution


class Schedule(BaseModel):
    """Step schedule: ``schedule = [[round, level], ...]``; each level holds until the next."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    schedule: list[tuple[int, float]] = Field(min_length=1)

    @field_validator("schedule")
    @classmethod
    def _valid(cls, v: list[tuple[int, float]]) -> list[tuple[int, float]]:
        rounds = [r for r, _ in v]
        if rounds != sorted(rounds) or len(set(rounds)) != len(rounds) or rounds[0] < 0:
            raise ValueError("schedule rounds must be non-negative and strictly increasing")
        if any(not 0 <= lvl <= 1 for _, lvl in v):
            raise ValueError("schedule levels must lie in [0, 1]")
        return v

    def at(self, t: int) -> float:
        """Level in force at round t (0 before the first step)."""
        level = 0.0
        for r, lvl in self.schedule:
            if r <= t:
                level = lvl
        return level


Instrument = float | Distribution | Schedule
INSTRUMENTS = ("sanctions", "isolation", "military_threat", "strikes", "leader_threat")


def _instrument(default: float, doc: str, mechanism: str) -> Any:
    return param(default, 0, 1, "level", mechanism,
                 doc + " A number, a distribution or a schedule.")


class Pressure(Section):
    """Pressure instruments, each a level in [0, 1]."""

    sanctions: Instrument = _instrument(0.5, "Economic sanctions.", "material")
    isolation: Instrument = _instrument(0.3, "Diplomatic isolation.", "material")
    military_threat: Instrument = _instrument(
        0.2, "Credible threat of force; raises war risk.", "M12")
    strikes: Instrument = _instrument(0.0, "Per-round probability of a military strike.", "M2")
    leader_threat: Instrument = _instrument(
        0.0, "Threat to the leader's life: drives the assassination hazard.", "M7")


class Adaptive(Section):
    """An adaptive coercer (M14): escalate each round the leader has not yielded."""

    enabled: bool = Field(False, description="Escalate while the leader resists (M14).")
    step: Num = param(0.05, 0, 1, "level per round", "M14", "Raise per round without yielding.")
    cap: Num = param(1.0, 0, 1, "level", "M14", "Ceiling of each escalated instrument.")
    retaliation_step: Num = param(
        0.1, 0, 1, "level", "M14", "Extra rise of the military threat after the leader escalates.")
    instruments: list[Literal["sanctions", "isolation", "military_threat", "strikes",
                              "leader_threat"]] = Field(
        default_factory=lambda: ["sanctions", "military_threat"],
        description="Instruments the adaptive rule raises.")


class Learning(Section):
    """A Bayesian coercer (issue: the game): it updates its belief that the leader is
    cost-benefit from the answers it sees, and offers the limited deal once that belief
    falls below the threshold at which a maximal demand stops paying (``compellence game``)."""

    enabled: bool = Field(False, description="Learn the leader's type from his answers.")
    prior_cost_benefit: float = param(0.5, 0, 1, "probability", "game",
                                      "Initial belief that the leader is cost-benefit.")
    threshold: float = param(0.35, 0, 1, "probability", "game",
                             "Belief below which the coercer switches to the limited offer; "
                             "the default is what `compellence game iran-2025-surrender` prints.")
    hypothesis_rationality: float = param(
        1.0, 0.01, 20, "1/utility", "game",
        "λ the coercer attributes to the leader when reading his answers: low values make "
        "resistance weak evidence against a cost-benefit leader, so learning is slow.")
    limited_demand: float = param(0.4, 0, 1, "share", "M10", "Demand of the limited offer.")
    limited_relief: float = param(0.6, 0, 1, "share", "material", "Relief of the limited offer.")
    limited_face_saving: float = param(0.6, 0, 1, "share", "M10",
                                       "Face-saving of the limited offer.")


class Aims(Section):
    """The coercer's utility (issue 12; docs/model.md, "The coercer that decides"). With
    ``enabled`` the coercer decides each round by best response to it: whether to accept a
    core-keeping deal the leader offers, to keep up pressure, to back down, or to start a
    campaign to remove the regime; the game (``compellence game``) takes its coercer payoffs
    from the same utility. Off: the scripted policy (schedule, adaptive rule and the fixed
    chance ``accepts_limited_deal``), as the built-in strategies are."""

    enabled: bool = Field(True, description="The coercer decides by its utility (off: the "
                          "scripted policy with the fixed acceptance chance).")
    demand_value: Num = param(
        1.0, 0, 10, "coercer utility", "C1",
        "What the whole demand, conceded, is worth to the coercer: the unit of its scale.")
    core_value: Num = param(
        0.5, 0, 1, "share of the demand's value", "C1",
        "Share of the demand's value that lies beyond the core threshold — what a "
        "core-keeping deal does not give (0.5: half; a coercer that wants the core itself, "
        "zero enrichment, puts most of the value there).")
    war_cost: Num = param(1.0, 0, 10, "coercer utility", "C1",
                          "What a war costs the coercer (the unit: the whole demand).")
    pressure_cost: Num = param(
        0.02, 0, 1, "coercer utility per round at P = 1", "C1",
        "Cost of sustaining the pressure (sanctions enforcement, a military posture, allies' "
        "patience): at full pressure, two years cost it about 40% of the demand's value.")
    threat_cost: Num = param(
        0.01, 0, 1, "coercer utility per round at threat 1", "C1",
        "Cost of sustaining a threat to the leader's life (risk, legitimacy).")
    audience_cost: Num = param(
        0.5, 0, 10, "coercer utility", "C1",
        "Cost of backing down from a public demand (audience costs: Fearon 1994): half the "
        "demand's value.")
    removal_value: Num = param(
        1.0, 0, 10, "coercer utility", "C1",
        "Worth to the coercer of the regime removed by force (1: as much as the demand).")
    removal_chance: Num = param(
        0.3, 0, 1, "probability", "C1",
        "Chance that a campaign to remove the regime succeeds (else it is a war), as the "
        "regime stands at round 0; with the selectorate (F1) it moves with the support the "
        "selectorate has withdrawn since, × (1 + 2 × (Σ₀ − Σ)). 0.3: "
        "foreign-imposed regime change is rare and costly (Archigos: 2.2% of ended spells "
        "are foreign removals).")
    belief_cost_benefit: Num = param(
        0.5, 0, 1, "probability", "C1",
        "The coercer's belief that the leader is cost-benefit (that pressure will make him "
        "give in), when it does not learn; with [coercer.learning] the Bayesian belief.")
    horizon: Num = param(24, 0, 240, "rounds", "C1/W1",
                         "Rounds over which the coercer weighs the cost of keeping pressure.")
    discount: Num = param(0.02, 0, 1, "per round", "C1/W1",
                          "The coercer's discount rate for those costs (as the leader's).")


class Coercer(Section):
    """The coercer: demand, offer and pressure (constant within a run unless scheduled)."""

    demand_type: DemandType = Field(
        "policy", description="What is demanded (scenario/demands.py): policy (a programme or "
        "a policy), influence, territory, political_system (the regime or leaving power), "
        "existence. It sets the three stakes below unless they are written beside it.")
    identity_stake: Num = param(
        STAKES["policy"]["identity_stake"], 0, 3, "ratio", "M1/demand type",
        "Multiplier of the identity cost of conceding this kind of demand (policy 1).")
    sacred_stake: Num = param(
        STAKES["policy"]["sacred_stake"], 0, 3, "ratio", "M9/demand type",
        "Multiplier of the sacred premium for this kind of demand (policy 1).")
    power_stake: Num = param(
        STAKES["policy"]["power_stake"], 0, 1, "share of his power", "survival/demand type",
        "Share of his hold on power that conceding the whole demand gives up (policy 0; "
        "political_system 1: he leaves power).")
    program_stake: Num = param(
        STAKES["policy"]["program_stake"], 0, 1, "share", "W5/demand type",
        "How far the demand is the core programme itself (policy 1, other types 0): its "
        "level scales the sacred cost, conceding it gives up its deterrent value, and a "
        "deal concedes it.")
    exit_offer: Num = param(
        0.0, 0, 1, "share of the stake of power", "survival/exit",
        "An exit when power is demanded (exile with amnesty): the share of what losing power "
        "costs him that the exit preserves (his life, freedom, wealth); 0 = none offered. "
        "0.6 is a credible amnesty: life and liberty kept, power lost.")
    demand: Num = param(1.0, 0, 1, "share of the core symbol", "M9/M14",
                        "Share of the core program to give up; 1 = unconditional surrender.")
    relief: Num = param(0.2, 0, 1, "share", "material/M9",
                        "Material relief offered for compliance.")
    face_saving: Num = param(0.0, 0, 1, "share", "M10",
                             "σ: recognition, framing, a mediator, the right kept in name.")
    accepts_limited_deal: Num = param(
        0.3, 0, 1, "probability per offer", "M10",
        "Chance a *scripted* coercer ([coercer.aims] enabled = false) accepts a deal that keeps "
        "the core when its demand touches the core; a deciding coercer (the default) accepts "
        "by its utility and ignores this.")
    renege_rounds: list[int] = Field(
        default_factory=list,
        description="Rounds at whose start the coercer reneges on a deal in force (M11): it "
        "breaks the deal and destroys trust; with no deal in force it does nothing.")
    pressure: Pressure = Field(default_factory=Pressure)
    adaptive: Adaptive = Field(default_factory=Adaptive)
    learning: Learning = Field(default_factory=Learning)
    aims: Aims = Field(default_factory=Aims)

    @model_validator(mode="before")
    @classmethod
    def _stakes_from_type(cls, data: Any) -> Any:
        """Fill the stakes the file does not write from its demand type's row of STAKES."""
        if isinstance(data, dict):
            kind = data.get("demand_type", "policy")
            if isinstance(kind, str) and kind in STAKES:
                data = {**STAKES[kind], **data}
        return data


class Regime(Section):
    """The regime's state at round 0."""

    economy: Num = param(0.6, 0, 1, "index", "state", "Economic health (1 = unsanctioned).")
    unrest: Num = param(0.3, 0, 1, "index", "state", "Public discontent and unrest.")
    base_standing: Num = param(0.6, 0, 1, "index", "M2/M8",
                               "The leader's standing with the hardline base.")
    core_program: Num = param(0.8, 0, 1, "index", "M9", "The core-symbol program (enrichment).")
    axis: Num = param(0.7, 0, 1, "index", "M13", "The regional network ('axis of resistance').")
    trust: Num = param(0.5, 0, 1, "index", "M11", "Trust that the coercer keeps its word.")
    core_threshold: Num = param(
        0.5, 0, 1, "share", "M9/M10",
        "Largest concession that leaves the core symbol standing; a deal concedes at most this.")
    deal_in_force: bool = Field(
        False, description="A deal is in force at round 0 (the JCPOA in May 2018): the "
        "coercer's reneging breaks it (M11).")
    program_deterrence: Num = param(
        1.0, 0, 10, "utility of a whole programme", "W5 program value",
        "Security (deterrent) value of the whole programme: insurance against attack and "
        "regime change, lost in proportion to what is conceded × the programme's level, "
        "weighed by every leader through his survival weight. 1.0: half the identity cost of "
        "unconditional surrender for the essay's leader — a latent capability deters, but "
        "Iran's was struck in 2025 all the same (docs/iran-timeline.md).")


class Dynamics(Section):
    """Coefficients of the between-round dynamics (per round unless stated)."""

    econ_sanctions: Num = param(
        0.06, 0, 0.5, "share of the economy lost per round at full sanctions", "material",
        "Economic decay under sanctions' effective bite (and a third of it for isolation), "
        "in proportion to what is left: a sanctioned economy shrinks toward a depressed level, "
        "not to zero. 0.06 with recovery 0.02: full sanctions and no adaptation hold the "
        "economy near 0.25 (Iran's GDP per head fell about a quarter in 2018-2020 and stayed "
        "there).")
    econ_strike: Num = param(0.04, 0, 0.5, "share of the economy per strike", "material",
                             "Economic damage of one strike.")
    econ_recovery: Num = param(0.02, 0, 0.5, "share of the gap per round", "material",
                               "Pull of the economy back toward health (half the gap in about "
                               "three years), under pressure too: the economy works around it.")
    adaptation_rate: Num = param(
        0.04, 0, 1, "share of the gap per round", "W2 economic adaptation",
        "Speed at which the economy adapts to sanctions (evasion, substitution, new buyers): "
        "the adaptation state moves toward adaptation_max × sanctions. 0.04: half-way in "
        "about 17 months, as Iran's oil exports recovered from 2019 to 2023.")
    adaptation_max: Num = param(
        0.5, 0, 1, "share of the bite", "W2 economic adaptation",
        "Largest share of sanctions' bite that adaptation removes. 0.5: Iran's oil exports "
        "fell from about 2.5 to 0.4 million barrels a day in 2019 and recovered to about 1.5 "
        "by 2023, half the loss.")
    program_strike: Num = param(0.1, 0, 1, "share of the program per strike", "M9/W5",
                                "Damage of one strike to the core program (a share of it).")
    program_rebuild: Num = param(
        0.01, 0, 0.5, "share of the gap per round", "W5 program value",
        "Rebuilding of the programme toward a whole one (half the gap in about 6 years).")
    unrest_rate: Num = param(0.08, 0, 1, "share of the gap per round", "state",
                             "Speed at which unrest follows economic hardship (1 − economy).")
    repression: Num = param(
        0.05, 0, 1, "share of unrest per round at full base standing", "W3 repression",
        "Unrest the security forces suppress each round, × unrest × base standing (their "
        "loyalty). 0.05 with unrest_rate 0.08: repression holds unrest about a fifth below "
        "where hardship alone would take it.")
    repression_cost: Num = param(
        0.2, 0, 2, "base standing per unit unrest repressed", "W3 repression",
        "What repressing costs: each unit of unrest suppressed spends that much base "
        "standing (the security forces' loyalty is used up; cracks appear).")
    unrest_shock_rate: Num = param(0.05, 0, 1, "probability per round", "state",
                                   "Chance of an exogenous unrest shock (protests, a spark).")
    unrest_shock_size: Num = param(0.15, 0, 1, "unrest per shock", "state",
                                   "Jump in unrest when a shock happens.")
    rally: Num = param(0.05, 0, 1, "unrest per event", "M2",
                       "Unrest removed by the rally after a strike on the country.")
    base_gain: Num = param(0.05, 0, 1, "standing per round per unit pressure", "M2/M3",
                           "Rise of base standing while resisting, × pain valence × pressure.")
    econ_critical: Num = param(0.3, 0, 1, "economy", "M2",
                               "Economy below which hardship erodes the base (economic collapse).")
    base_econ_loss: Num = param(0.12, 0, 1, "share of standing per round at economy 0", "M2",
                                "Erosion of base standing below the critical economy (a share "
                                "of the standing left).")
    base_reversion: Num = param(
        0.02, 0, 0.5, "share of the gap per round", "W4 base reversion",
        "Pull of base standing back toward its starting level (institutional loyalty, the "
        "rally around the flag after losses): half the gap in about three years.")
    concession_base_loss: Num = param(0.5, 0, 2, "standing per unit concession", "legitimacy",
                                      "Loss of base standing for conceding without face-saving.")
    trust_renege: Num = param(0.6, 0, 1, "share of trust lost", "M11",
                              "Share of trust destroyed when the coercer reneges.")
    trust_recovery: Num = param(0.01, 0, 0.5, "share of the gap per round", "M11",
                                "Slow recovery of trust.")
    axis_decline: Num = param(0.02, 0, 0.5, "share per round", "M13",
                              "Exogenous unravelling of the regional network.")
    war_rate: Num = param(0.05, 0, 1, "probability per escalation", "escalation",
                          "War risk of one escalation, × (0.5 + military threat).")
    war_cost: Num = param(5.0, 0, 10, "utility", "escalation",
                          "Material and survival cost of war weighed when escalating.")
    escalation_cost: Num = param(
        0.25, 0, 5, "utility", "escalation",
        "Expected cost of an escalation short of war (a retaliation, tighter sanctions), "
        "× material weight: an eighth of the identity cost of surrender.")
    ultimatum_threat: Num = param(
        0.75, 0, 1, "military threat level", "W6 war trigger",
        "Military threat at or above which an escalation can turn into war without a strike: "
        "an explicit ultimatum of force (June 2025's 'unconditional surrender' came with one).")
    desperation: Num = param(
        0.15, 0, 1, "economy", "W6 war trigger",
        "Economy below which the regime may lash out (an escalation can become war without "
        "a strike or an ultimatum): Japan under the 1941 oil embargo is the type case. 0.15 "
        "lies below the depressed level full sanctions hold (about 0.25), so chronic "
        "sanctions alone are no trigger; Iran's economy never fell that far.")
    collapse_base: Num = param(0.001, 0, 0.2, "probability per round", "state",
                               "True background hazard of regime collapse.")
    collapse_unrest: Num = param(0.02, 0, 0.5, "probability per round at unrest 1", "state",
                                 "True collapse hazard from unrest (× unrest²).")
    collapse_concession: Num = param(0.1, 0, 1, "probability per unit concession", "M6",
                                     "True collapse link of a concession (vs the believed one).")
    assassination_rate: Num = param(0.02, 0, 1, "probability per round at threat 1", "M7/M8",
                                    "Per-round chance the leader is killed, × threat to his life.")
    natural_death: Num = param(0.003, 0, 0.1, "probability per round", "M8",
                               "Per-round chance of natural death.")
    pain_horizon: Num = param(
        24, 0, 240, "rounds", "W1 time discount",
        "Rounds ahead over which the leader weighs the flows of resisting (pain, relief, risk, "
        "validation): two years, a leader's planning horizon and the flagship's.")
    pain_discount: Num = param(
        0.02, 0, 1, "per round", "W1 time discount",
        "Rate at which he discounts those flows: the chance the pressure ends (concluded GSDB "
        "sanction episodes last 6.5 years on average: 1.3% a month) plus time preference "
        "(10% a year: 0.9% a month). With the horizon, the weight of a flow is "
        "(1 − (1 − r)^H)/r rounds: 19 at the defaults.")
    power_value: Num = param(
        10.0, 0, 50, "utility", "survival",
        "What losing power costs him — killed, overthrown or forced out — before the survival "
        "weight: five times the identity cost of unconditional surrender for the essay's "
        "leader, so that for a leader who does not hold death sacred, life and power outweigh "
        "any single policy.")
    sanctification: Num = param(0.4, 0, 1, "legacy", "M8",
                                "Legacy gained by dying in confrontation (× personal rigidity).")
    martyr_rally: Num = param(0.15, 0, 1, "unrest removed", "M8",
                              "Rally after the leader's killing in confrontation.")
    succession_effect: Num = param(
        1.0, -1, 1, "signed share", "M8",
        "What a martyrdom does to the successor: > 0 frees him (identity weight × (1 − e × "
        "personal share), a face-saving credit × e: the essay's hypothesis, 1 by default); "
        "< 0 binds him to the martyr's line (identity weight × (1 + |e| × personal share), no "
        "credit); 0: he inherits the rigidity unchanged.")
    deal_recovery: Num = param(
        0.05, 0, 1, "share of the gap per round", "deal phase",
        "While a deal is in force the pressure is lifted and the economy recovers this much "
        "faster toward health, × the relief granted.")


class Faction(Section):
    """One faction of the selectorate (F1; docs/model.md, "The selectorate and succession"):
    its share of the say, its support for the leader, how hard its line is, and the
    candidate it backs at a succession. Each of the three slots has its own defaults
    (:func:`_faction`), so a file that sets one field keeps the slot's other values."""

    label: str = Field("", description="Who the faction is in this scenario (display only).")


def _faction(name: str, label: str, weight: float, support: float, line: float,
             successor: float) -> type[Faction]:
    """A faction slot whose defaults are the Iranian faction it stands for."""
    fields: dict[str, Any] = {
        "label": (str, Field(label, description="Who the faction is in this scenario "
                             "(display only).")),
        "weight": (Num, param(weight, 0, 1, "share of the selectorate's say", "F1",
                              "How much the faction counts when the selectorate's support is "
                              "summed and when it chooses a successor (weights are "
                              "normalised).")),
        "support": (Num, param(support, 0, 1, "index", "F1",
                               "Its support for the leader at round 0; support drifts back "
                               "toward it.")),
        "line": (Num, param(line, 0, 1, "index (0 conciliatory, 1 hard-line)", "F1",
                            "How hard-line it is: pressure raises the support of factions "
                            "above 0.5 and lowers it below; a concession does the opposite.")),
        "successor_identity": (Num, param(
            successor, 0, 2, "ratio", "F1/M8",
            "Its candidate's identity weight as a multiple of the predecessor's (1: "
            "continuity; below 1 a more flexible successor; above 1 a harder one).")),
    }
    return create_model(name, __base__=Faction, __doc__=f"The {label} (F1).", **fields)


#: The three slots. Iran: the security apparatus (its line the hardest; its candidate
#: harder than the predecessor), the clerical establishment (continuity), the elected
#: pragmatists (a more flexible candidate; a smaller say and less support under pressure).
Hardliners = _faction("Hardliners", "security apparatus (IRGC)", 0.4, 0.7, 0.9, 1.2)
Establishment = _faction("Establishment", "clerical establishment", 0.4, 0.7, 0.6, 1.0)
Pragmatists = _faction("Pragmatists", "elected pragmatists", 0.2, 0.5, 0.2, 0.5)


class Selectorate(Section):
    """The selectorate (F1): three factions whose support enters the leader's legitimacy
    (a concession loses hard-liners and gains pragmatists) and survival (a selectorate that
    withdraws its support can oust him), moves with pressure, hardship, concessions and
    martyrdom, and chooses the successor. Defaults: Iran — the security apparatus (IRGC),
    the clerical establishment (the Assembly of Experts that chose Khamenei in 1989 and
    Mojtaba Khamenei in March 2026, docs/iran-timeline.md) and the elected pragmatists."""

    hardliners: Hardliners = Field(default_factory=Hardliners)  # type: ignore[valid-type]
    establishment: Establishment = Field(  # type: ignore[valid-type]
        default_factory=Establishment)
    pragmatists: Pragmatists = Field(default_factory=Pragmatists)  # type: ignore[valid-type]
    rate: Num = param(
        0.05, 0, 1, "share of the gap per round", "F1",
        "Speed at which each faction's support moves toward its target (half-way in about "
        "14 months: factional alignments shift over a year or two, not a month).")
    pressure_response: Num = param(
        0.3, 0, 1, "support per unit of P × (2·line − 1)", "F1",
        "Pressure rallies hard-line factions to the leader and costs him conciliatory ones: "
        "under full pressure a faction of line 0.9 moves its target up 0.24, one of line 0.2 "
        "down 0.18 (the rally-round-the-flag of hard-liners, the pragmatists' case against "
        "confrontation).")
    hardship_response: Num = param(
        0.5, 0, 2, "support per unit of economic loss × (1 − line)", "F1",
        "Economic loss since round 0 costs support, most among conciliatory factions (whose "
        "constituency is the economy): a loss of 0.5 on the economy index lowers a "
        "pragmatist target by 0.2.")
    concession_response: Num = param(
        0.5, 0, 2, "support per unit conceded without face × (1 − 2·line)", "F1",
        "A deal that takes effect moves support at once: hard-liners lose it, pragmatists "
        "gain it, in proportion to what is conceded without face (x·(1 − σ)).")
    martyrdom_response: Num = param(
        0.2, 0, 1, "support per unit of line", "F1/M8",
        "A leader killed in confrontation rallies the factions to his line: each gains "
        "0.2 × its line (hard-liners most), so a martyrdom tilts the choice of successor "
        "toward the hard-liners' candidate (53% instead of 46% at the defaults; the mean "
        "identity multiple of the chosen candidate is 1.08 after a martyrdom, 1.05 after a "
        "natural death).")
    ouster_rate: Num = param(
        0.05, 0, 1, "probability per round at support 0", "F1",
        "Hazard that a selectorate that has withdrawn its support removes the leader (a "
        "palace coup, counted as collapse): ouster_rate × 2 × (0.5 − support) below half "
        "support, none above — a leader keeps power while most of his selectorate backs him.")
    choice_precision: Num = param(
        10.0, 0, 100, "1/weighted support", "F1",
        "How surely the best-backed candidate wins a succession: P(candidate) ∝ exp(κ × "
        "normalised weight × support of his faction), over the factions with a say. 10: "
        "with the defaults at round 0 the hard-line and establishment candidates win 46% "
        "each and the pragmatist 8%; after a martyrdom 53%, 42% and 5%. 0: a lottery; 100: "
        "the best-backed nearly always.")

    @model_validator(mode="after")
    def _someone_has_a_say(self) -> Selectorate:
        """Weights written as numbers must not all be 0 (no one would choose a successor)."""
        ws = [f.weight for f in (self.hardliners, self.establishment, self.pragmatists)]
        if all(isinstance(w, int | float) for w in ws) and sum(ws) <= 0:
            raise ValueError("selectorate: at least one faction needs a weight above 0 "
                             "(hardliners.weight, establishment.weight, pragmatists.weight)")
        return self


class MenuItem(Section):
    """One coercer option in the game: a demand with its offer and pressure."""

    label: str = Field(description="Action label in the game tree (unique).")
    demand: float = param(1.0, 0, 1, "share of the core symbol", "M9", "Demand.")
    relief: float = param(0.2, 0, 1, "share", "material", "Relief offered.")
    face_saving: float = param(0.0, 0, 1, "share", "M10", "Face-saving terms.")
    accepts_limited_deal: float = param(0.3, 0, 1, "probability", "M10",
                                        "Chance a deal that keeps the core is accepted.")
    pressure: float = param(0.5, 0, 1, "level", "M12",
                            "Sanctions, isolation and military threat (strikes at a third).")
    leader_threat: float = param(0.0, 0, 1, "level", "M7", "Threat to the leader's life.")


def _default_menu() -> list[MenuItem]:
    return [MenuItem(label="maximal", demand=1.0, relief=0.2, face_saving=0.0,
                     accepts_limited_deal=0.05, pressure=0.9, leader_threat=0.7),
            MenuItem(label="limited", demand=0.4, relief=0.6, face_saving=0.6,
                     accepts_limited_deal=1.0, pressure=0.5, leader_threat=0.0)]


_MOVED_TO_AIMS = {"concession_value": "demand_value", "war_value": "war_cost",
                  "pressure_cost": "pressure_cost", "threat_cost": "threat_cost"}


class Game(Section):
    """The coercion game (`compellence game`): nature draws the leader's type from the
    coercer's prior, the coercer picks from a menu, the leader answers; 1-3 stages."""

    types: list[ProfileName] = Field(
        default_factory=lambda: ["identity-committed", "cost-benefit"], min_length=1,
        max_length=4, description="Leader types nature draws from (profile names).")
    prior: list[float] | None = Field(
        None, description="Coercer's prior over types (sums to 1); default uniform.")
    stages: int = Field(1, ge=1, le=3, description="Rounds of demand and answer; only "
                        "resistance leads to the next stage.")
    discount: float = param(0.9, 0, 1, "ratio", "game", "Weight of each later stage.")
    rationality: float = param(4.0, 0, 50, "1/utility", "game",
                               "λ of the logit QRE reported by default.")
    menu: list[MenuItem] = Field(default_factory=_default_menu, min_length=1,
                                 description="The coercer's options.")

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        """The coercer's payoffs moved to [coercer.aims] (one definition for the simulator
        and the game, issue 12): name the new field instead of 'extra inputs'."""
        if isinstance(data, dict):
            for old, new in _MOVED_TO_AIMS.items():
                if old in data:
                    raise ValueError(
                        f"game.{old} moved to coercer.aims.{new} (the game and the simulator "
                        "share the coercer's utility); note: war_cost is a cost (= −war_value), "
                        "pressure_cost and threat_cost are per round over coercer.aims.horizon, "
                        "demand_value is the worth of a whole programme")
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Game:
        labels = [m.label for m in self.menu]
        if len(set(labels)) != len(labels):
            raise ValueError(f"menu labels must be unique, got {labels}")
        if len(set(self.types)) != len(self.types):
            raise ValueError(f"types must be distinct, got {self.types}")
        if self.prior is not None and (len(self.prior) != len(self.types) or
                                       any(p < 0 for p in self.prior) or
                                       abs(sum(self.prior) - 1.0) > 1e-9):
            raise ValueError("prior needs one non-negative weight per type, summing to 1")
        return self

    def prior_vector(self) -> list[float]:
        """The prior over types (uniform when not given)."""
        return list(self.prior) if self.prior is not None else [1.0 / len(self.types)] * \
            len(self.types)


class Events(Section):
    """Scheduled events."""

    leader_killed_round: int | None = Field(
        None, ge=0,
        description="Round at which the leader is killed in confrontation (M8); none if unset.")


MECHANISMS = {
    "M1": "identity_cost", "M2": "pressure_resolve", "M3": "pain_valence",
    "M4": "leader_profile", "M5": "consistency_authority", "M6": "believed_collapse",
    "M7": "martyrdom", "M8": "sanctified_succession", "M9": "sacred_core",
    "M10": "heroic_flexibility", "M11": "trust", "M12": "coercion_visibility",
    "M13": "exogenous_decline", "M14": "adaptive_coercer", "M15": "survival_discount",
    "W1": "time_discount", "W2": "economic_adaptation", "W3": "repression",
    "W4": "base_reversion", "W5": "program_value", "W6": "war_trigger",
    "W7": "undominated_choice", "C1": "coercer_decides", "F1": "selectorate",
    "D1": "deal_violation",
}


class Mechanisms(Section):
    """Off-switches: set a mechanism to false to ask 'what if it did not exist'."""

    identity_cost: bool = Field(True, description="M1: identity cost of conceding.")
    pressure_resolve: bool = Field(True, description="M2: pressure hardens resolve and the base.")
    pain_valence: bool = Field(True, description="M3: suffering under pressure counts as gain.")
    leader_profile: bool = Field(True, description="M4: off = every leader is cost-benefit.")
    consistency_authority: bool = Field(True, description="M5: identity cost × 1 + α·consistency.")
    believed_collapse: bool = Field(True, description="M6: off = he believes the true link.")
    martyrdom: bool = Field(True, description="M7: a threat to his life valued by μ.")
    sanctified_succession: bool = Field(True, description="M8: martyr legacy, freer successor.")
    sacred_core: bool = Field(True, description="M9: sacred premium and taboo trade-off.")
    heroic_flexibility: bool = Field(True, description="M10: face-saving deals cost less.")
    trust: bool = Field(True, description="M11: trust discounts relief, future demands.")
    coercion_visibility: bool = Field(
        True, description="M12: pressure makes conceding humiliating.")
    exogenous_decline: bool = Field(True, description="M13: decline raises the material weight.")
    adaptive_coercer: bool = Field(True, description="M14: the adaptive escalation rule.")
    survival_discount: bool = Field(True, description="M15: off = survival weighs at least 1.")
    time_discount: bool = Field(
        True, description="W1: flows are discounted (off: weighed undiscounted over the horizon).")
    economic_adaptation: bool = Field(
        True, description="W2: the economy adapts to sanctions (their bite decays).")
    repression: bool = Field(True, description="W3: the regime represses unrest at a cost.")
    base_reversion: bool = Field(
        True, description="W4: base standing is pulled back toward its starting level.")
    program_value: bool = Field(
        True, description="W5: the programme's level scales the sacred cost and carries a "
        "deterrent value (off: a fixed symbol with no security value).")
    war_trigger: bool = Field(
        True, description="W6: an escalation becomes war only after a strike, under an "
        "ultimatum or in economic desperation (off: any escalation can).")
    undominated_choice: bool = Field(
        True, description="W7: an action worse than another in every term is never chosen.")
    coercer_decides: bool = Field(
        True, description="C1: the coercer decides by its utility where [coercer.aims] is "
        "enabled (off: every coercer is scripted).")
    selectorate: bool = Field(
        True, description="F1: the selectorate's support enters legitimacy and survival and "
        "chooses the successor (off: the successor inherits his predecessor's weights and "
        "support plays no part).")
    deal_violation: bool = Field(
        True, description="D1: the leader breaks a deal in force when what it conceded (the "
        "programme's deterrence, the hard-liners' support) is worth more than its relief and "
        "the pressure it spares him (off: only the coercer's reneging breaks a deal).")


class Scenario(Section):
    """A whole scenario: who faces whom, with what, for how long."""

    name: str = Field("custom", description="Short name.")
    title: str = Field("", description="One-line title.")
    description: str = Field("", description="The essay passage and facts it rests on.")
    extends: str | None = Field(None, description="A built-in name or a path this file extends.")
    schema_version: int = Field(
        1, ge=1, le=1, description="Scenario file format this file was written for (the "
        "loader names an unknown or old one clearly); 1 is the current format.")
    runs: int = Field(10_000, ge=1, le=1_000_000_000, description="Monte Carlo runs.")
    seed: int = Field(0, ge=0, description="Key of the counter-based random numbers (Philox).")
    horizon: int = Field(24, ge=1, le=600, description="Rounds simulated.")
    round_months: float = Field(1.0, gt=0, le=120, description="Months per round (labels only).")
    leader: Leader = Field(default_factory=Leader)
    coercer: Coercer = Field(default_factory=Coercer)
    regime: Regime = Field(default_factory=Regime)
    dynamics: Dynamics = Field(default_factory=Dynamics)
    selectorate: Selectorate = Field(default_factory=Selectorate)
    events: Events = Field(default_factory=Events)
    game: Game = Field(default_factory=Game)
    mechanisms: Mechanisms = Field(default_factory=Mechanisms)
