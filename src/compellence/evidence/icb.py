"""ICB crisis-actor records → coded episodes: a documented, versioned mapping.

Every choice is a named rule (``RULES``: name → what and why) fixed before any model
output was looked at; docs/evidence.md gives the commit that fixed it. Changing a
rule means raising ``MAPPING_VERSION``. The rules use only covariates that do not
include the outcome (the trigger, gravity of threat, violence, major-power
involvement, regime type, the leader's entry); the outcome is coded last, by O1.

ICB v14 actor-level codes used (Brecher, Wilkenfeld et al., codebook v14):
``triggr`` 1 verbal, 2 political, 3 economic, 4 external change, 5 other non-violent,
6 internal challenge to the regime, 7 non-violent military, 8 indirect violent,
9 violent act; ``trigent`` the triggering entity (a COW state code; 995 a global
organisation, 996 several states, 997 a non-state actor); ``gravty`` 0 economic
threat, 1 limited military damage, 2 political threat (overthrow, regime change),
3 territorial, 4 influence, 5 grave damage, 6 existence, 7 other; ``sevvio`` 1 no
violence, 2 minor clashes, 3 serious clashes, 4 full-scale war; ``usinv``/``suinv``
7 semi-military, 8 direct military involvement; ``regime`` 1 democratic, 2 civil
authoritarian, 3–5 military; ``outcom`` 1 victory, 2 compromise, 3 stalemate,
4 defeat, 5 other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: Raise on any change of a rule or of a number below.
MAPPING_VERSION = "icb-1"

#: The scenario every coded episode starts from (scenario/builtin/generic-crisis.toml).
BASE_SCENARIO = "generic-crisis"

RULES: dict[str, str] = {
    "T1-target": (
        "A crisis-actor row is a coercion target when another state (or several, trigent "
        "996) triggered its crisis: trigent is a state code or 996, and the trigger is not "
        "an internal challenge to the regime (triggr 6). Both sides of a crisis count when "
        "each was triggered by the other: each row is one state facing another's pressure. "
        "Why: the model is a leader answering a coercer's demand; non-state (997), "
        "global-organisation (995) and internal triggers have no coercing state."),
    "T2-coded": (
        "Excluded: outcome other or missing (outcom 5, 9, blank: no class to score), "
        "gravity 'other' or missing (gravty 7: no demand type), regime type missing. "
        "Why: nothing can be coded for them without guessing."),
    "D1-demand-type": (
        "gravty → demand type: 0 economic and 1 limited military damage → policy "
        "(programme or policy); 2 political threat → political_system; 3 → territory; "
        "4 → influence; 5 grave damage and 6 existence → existence. Why: ICB's gravity is "
        "the value the actor saw threatened, the nearest coded proxy for what was "
        "demanded; 5 and 6 are both threats to the population or the state itself."),
    "D2-demand-parameters": (
        "Each type sets coercer.demand_type (its identity, sacred and power stakes: "
        "scenario/demands.py) and coercer.demand with regime.core_threshold = 0.5: policy 0.4 "
        "and influence 0.5 (a deal can concede all of it: the core is not touched), territory "
        "0.7, political_system 0.9, existence 1.0 (touch the core: the sacred premium applies). "
        "The coercer decides by its utility at the schema's middle values (coercer.aims: "
        "belief 0.5 that the leader gives in, core value 0.5); accepts_limited_deal = 0.3 "
        "is kept for a scripted coercer. "
        "political_system and existence also threaten the leader: leader_threat 0.3; no exit "
        "is offered (coercer.exit_offer 0). Why: the ordering follows ICB's gravity scale; "
        "the values are round numbers."),
    "P1-trigger": (
        "triggr → instruments (sanctions, isolation, military_threat): economic (3) → "
        "0.6/0.3/0.1; non-violent military (7) → 0.2/0.3/0.6; violent (8, 9) → 0.2/0.3/0.8; "
        "verbal, political, external change, other (1, 2, 4, 5) → 0.2/0.5/0.2. Why: the "
        "trigger is the coercer's first instrument; the others stay at low levels."),
    "P2-violence": (
        "sevvio → strikes (per-round strike probability): 1 → 0, 2 → 0.1, 3 → 0.3, "
        "4 → 0.5. Caveat: ICB's violence spans the whole crisis, so it is partly "
        "contemporaneous with the outcome; the logistic baseline sees the same covariate."),
    "P3-major-power": (
        "US or USSR/Russia semi-military or direct military involvement (usinv or suinv "
        "7 or 8) raises military_threat by 0.2 (at most 1). ICB does not say on whose "
        "side; the rule reads involvement as more force in play."),
    "R1-leader": (
        "The leader at the actor's trigger date is the Archigos spell of the actor's "
        "state covering that date (ccode = cracid); day 15 when the day is missing. "
        "Rows without a covering spell (Archigos ends in 2015) keep leader unknown."),
    "R2-iran-override": (
        "Archigos codes Iran's president as its leader after Khomeini's death; the "
        "Supreme Leader holds the decision. From 4 Jun 1989 Iran's leader is Khamenei, "
        "entered regularly (chosen by the Assembly of Experts), succeeding Khomeini."),
    "R3-profile": (
        "Profile by rule, from regime type and leader entry only: democracy (regime 1) → "
        "cost-benefit; a non-democracy whose leader himself entered irregularly "
        "(revolution, coup) → charismatic-founder; a non-democracy whose leader entered "
        "regularly in an unbroken chain of regular successions back to an irregular "
        "entry (a regime founded by revolution or coup: Khamenei after Khomeini) → "
        "identity-committed; any other (regular origin, foreign imposition, unknown "
        "leader) → cost-benefit. Why: the essay's M5 — identity-committed authority rests "
        "on consistency with a founding rupture; its founder's rests on charisma."),
    "R4-mixture": (
        "Mixture mode: the probability that the leader is of the rule's non-cost-benefit "
        "type is 0.7 where R3 names one, 0.3 for other non-democracies, 0.1 for "
        "democracies; the forecast mixes that type's forecast with the cost-benefit one. "
        "Which non-cost-benefit type: R3's, else identity-committed. Why: R3 is a coarse "
        "proxy; the weights are round priors, not fitted."),
    "H1-horizon": (
        "Every episode runs 12 rounds (a year of one-month rounds). Why: ICB's crisis "
        "durations (median 71 days, 75% under 6 months) are known only after the fact; "
        "one horizon for all keeps the outcome out of the coding."),
    "O1-outcome": (
        "ICB outcome → the model's classes: 1 victory (the actor achieved its goals: it "
        "did not concede) and 3 stalemate → ongoing (resisted); 2 compromise → deal; "
        "4 defeat → capitulation. ICB codes neither war nor collapse as an outcome, so "
        "scoring folds the model's war and collapse into ongoing (neither conceded): "
        "three classes are scored."),
    "S1-split": (
        "Splits are by crisis (crisno), never by row. Time: a crisis belongs to the year "
        "its system-level trigger began (the earliest systrgyr of its rows); before 1990 "
        "trains, 1990 on is scored. Region: the crisis's modal geog code (ties: the "
        "lowest), grouped by its tens digit: 10-14 Asia, 15 Middle East, 2x Africa, "
        "3x Europe, 4x Americas, 9 Euro-Asia."),
}

DEMAND_TYPES = ("policy", "influence", "territory", "political_system", "existence")
GRAVITY_TO_TYPE = {0: "policy", 1: "policy", 2: "political_system", 3: "territory",
                   4: "influence", 5: "existence", 6: "existence"}
DEMAND = {"policy": 0.4, "influence": 0.5, "territory": 0.7, "political_system": 0.9,
          "existence": 1.0}
LEADER_THREAT = {"political_system": 0.3, "existence": 0.3}
CORE_THRESHOLD = 0.5
ACCEPTS_LIMITED_DEAL = 0.3

TRIGGER_CLASS = {1: "non-military", 2: "non-military", 4: "non-military", 5: "non-military",
                 3: "economic", 7: "military", 8: "violent", 9: "violent"}
TRIGGER_INSTRUMENTS = {  # sanctions, isolation, military_threat
    "economic": (0.6, 0.3, 0.1), "military": (0.2, 0.3, 0.6), "violent": (0.2, 0.3, 0.8),
    "non-military": (0.2, 0.5, 0.2)}
VIOLENCE_STRIKES = {1: 0.0, 2: 0.1, 3: 0.3, 4: 0.5}
MAJOR_POWER_BUMP = 0.2
REGIME_TYPE = {1: "democracy", 2: "civil-authoritarian", 3: "military", 4: "military",
               5: "military"}
MIXTURE_WEIGHT = {"rule": 0.7, "non-democracy": 0.3, "democracy": 0.1}
HORIZON = 12
OUTCOME = {1: "ongoing", 2: "deal", 3: "ongoing", 4: "capitulation"}
IRAN, KHAMENEI_FROM = 630, pd.Timestamp("1989-06-04")


def region_of(geog: float) -> str:
    """S1: the ICB geog code's region."""
    g = int(geog)
    if g == 15:
        return "Middle East"
    return {1: "Asia", 2: "Africa", 3: "Europe", 4: "Americas"}.get(g // 10, "Euro-Asia")


def leaders(arch: pd.DataFrame) -> pd.DataFrame:
    """Archigos spells with R2 applied: Iran after 4 Jun 1989 is Khamenei's one spell."""
    a = arch[["ccode", "leader", "startdate", "enddate", "entry"]].copy()
    a["startdate"] = pd.to_datetime(a["startdate"], errors="coerce")
    a["enddate"] = pd.to_datetime(a["enddate"], errors="coerce")
    iran_after = (a["ccode"] == IRAN) & (a["startdate"] >= KHAMENEI_FROM)
    a = a[~iran_after]
    a = pd.concat([a, pd.DataFrame([{"ccode": IRAN, "leader": "Khamenei (override R2)",
                                     "startdate": KHAMENEI_FROM,
                                     "enddate": pd.Timestamp("2100-01-01"),
                                     "entry": "Regular"}])], ignore_index=True)
    return a.sort_values(["ccode", "startdate"]).reset_index(drop=True)


def _origin(spells: pd.DataFrame, idx: int) -> str:
    """R3: how the leader at ``idx`` came in: 'irregular' (himself), 'irregular-chain'
    (regular successions back to an irregular entry), else 'regular', 'foreign', 'unknown'."""
    entry = spells.at[idx, "entry"]
    if entry == "Irregular":
        return "irregular"
    if entry == "Foreign Imposition":
        return "foreign"
    if entry != "Regular":
        return "unknown"
    ccode = spells.at[idx, "ccode"]
    j = idx - 1
    while j >= 0 and spells.at[j, "ccode"] == ccode:
        e = spells.at[j, "entry"]
        if e == "Irregular":
            return "irregular-chain"
        if e != "Regular":
            return "regular"
        j -= 1
    return "regular"


def _leader_at(spells: pd.DataFrame, ccode: int, when: pd.Timestamp) -> tuple[str, str]:
    rows = spells.index[(spells["ccode"] == ccode) & (spells["startdate"] <= when)
                        & (spells["enddate"] >= when)]
    if len(rows) == 0:
        return "", "unknown"
    idx = int(rows[-1])
    return str(spells.at[idx, "leader"]), _origin(spells, idx)


def profile_of(regime_type: str, origin: str) -> tuple[str, float, str]:
    """R3 and R4: the rule's profile, the mixture weight of the non-cost-benefit type, and
    that type."""
    if regime_type == "democracy":
        return "cost-benefit", MIXTURE_WEIGHT["democracy"], "identity-committed"
    if origin == "irregular":
        return "charismatic-founder", MIXTURE_WEIGHT["rule"], "charismatic-founder"
    if origin == "irregular-chain":
        return "identity-committed", MIXTURE_WEIGHT["rule"], "identity-committed"
    return "cost-benefit", MIXTURE_WEIGHT["non-democracy"], "identity-committed"


def overrides(demand_type: str, trigger_class: str, violence: int,
              major_power: bool) -> dict[str, Any]:
    """D2, P1–P3: the scenario overrides of one coded configuration (profile apart)."""
    sanctions, isolation, threat = TRIGGER_INSTRUMENTS[trigger_class]
    if major_power:
        threat = min(1.0, threat + MAJOR_POWER_BUMP)
    return {"coercer.demand_type": demand_type,
            "coercer.demand": DEMAND[demand_type],
            "regime.core_threshold": CORE_THRESHOLD,
            "coercer.accepts_limited_deal": ACCEPTS_LIMITED_DEAL,
            "coercer.pressure.sanctions": sanctions,
            "coercer.pressure.isolation": isolation,
            "coercer.pressure.military_threat": round(threat, 3),
            "coercer.pressure.strikes": VIOLENCE_STRIKES[violence],
            "coercer.pressure.leader_threat": LEADER_THREAT.get(demand_type, 0.0)}


@dataclass
class Coded:
    """Coded target rows (one per crisis-actor) and the excluded rows with the rule why."""

    rows: pd.DataFrame
    excluded: pd.DataFrame


def _date(year: Any, month: Any, day: Any) -> pd.Timestamp:
    m = 6 if pd.isna(month) else int(month)
    d = 15 if pd.isna(day) else int(day)
    try:
        return pd.Timestamp(int(year), m, d)
    except ValueError:
        return pd.Timestamp(int(year), m, 15)


def code_icb(icb: pd.DataFrame, arch: pd.DataFrame | None) -> Coded:
    """Apply the rules to ICB actor-level rows (and Archigos spells, for R1–R3)."""
    spells = leaders(arch) if arch is not None else None
    first_year = icb.groupby("crisno")["systrgyr"].min()
    geog = icb.dropna(subset=["geog"]).groupby("crisno")["geog"].agg(
        lambda g: sorted(g.mode())[0])
    kept, dropped = [], []
    for r in icb.itertuples(index=False):
        base = {"crisno": int(r.crisno), "cracno": int(r.cracno), "actor": r.actor,
                "crisname": r.crisname}
        why = None
        if pd.isna(r.trigent) or r.trigent in (995, 997) or r.triggr == 6 \
                or pd.isna(r.triggr):
            why = "T1: not triggered by another state"
        elif pd.isna(r.outcom) or int(r.outcom) not in OUTCOME:
            why = "T2: outcome other or missing"
        elif pd.isna(r.gravty) or int(r.gravty) not in GRAVITY_TO_TYPE:
            why = "T2: gravity other or missing"
        elif pd.isna(r.regime) or pd.isna(r.sevvio):
            why = "T2: regime type or violence missing"
        if why:
            dropped.append({**base, "rule": why})
            continue
        when = _date(r.yrtrig, r.motrig, r.datrig)
        leader, origin = ("", "unknown") if spells is None else \
            _leader_at(spells, int(r.cracid), when)
        rtype = REGIME_TYPE[int(r.regime)]
        profile, weight, alt = profile_of(rtype, origin)
        dtype = GRAVITY_TO_TYPE[int(r.gravty)]
        tclass = TRIGGER_CLASS[int(r.triggr)]
        mp = bool(r.usinv in (7, 8) or r.suinv in (7, 8))
        over = overrides(dtype, tclass, int(r.sevvio), mp)
        kept.append({**base, "cracid": int(r.cracid), "year": int(first_year[r.crisno]),
                     "trigger_date": when.date().isoformat(),
                     "region": region_of(geog.get(r.crisno, 9)),
                     "demand_type": dtype, "trigger_class": tclass,
                     "violence": int(r.sevvio), "major_power": mp, "regime_type": rtype,
                     "leader": leader, "origin": origin, "profile": profile,
                     "mixture_weight": weight, "mixture_type": alt,
                     "icb_outcome": int(r.outcom), "outcome": OUTCOME[int(r.outcom)],
                     "config": json.dumps(over, sort_keys=True)})
    return Coded(pd.DataFrame(kept), pd.DataFrame(dropped, columns=[
        "crisno", "cracno", "actor", "crisname", "rule"]))


def episode_dicts(coded: pd.DataFrame) -> list[dict[str, Any]]:
    """The coded rows as [[episode]] tables of an episode file."""
    out = []
    for r in coded.itertuples(index=False):
        over = {"leader.profile": r.profile, **json.loads(r.config)}
        out.append({
            "id": f"icb-{r.crisno}-{r.cracno}", "when": r.trigger_date,
            "scenario": BASE_SCENARIO, "horizon": HORIZON, "outcome": r.outcome,
            "coding": (f"ICB v14 crisis {r.crisno} ({r.crisname}), actor {r.actor}: "
                       f"outcom {r.icb_outcome} -> {r.outcome} (O1); demand type "
                       f"{r.demand_type} (D1), trigger {r.trigger_class} (P1), violence "
                       f"{r.violence} (P2), major power {r.major_power} (P3); "
                       f"{r.regime_type}, leader {r.leader or 'unknown'} ({r.origin}) -> "
                       f"{r.profile} (R3). Mapping {MAPPING_VERSION}."),
            "sources": [f"ICB v14 actor level, crisno {r.crisno}, cracno {r.cracno}",
                        "Archigos 4.1 (leader entry)"],
            "set": over})
    return out


def episodes_toml(coded: pd.DataFrame, name: str = "icb") -> str:
    """An episode file (TOML) of the coded rows, loadable by ``compellence backtest``."""
    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int | float | np.floating | np.integer):
            return repr(float(v)) if isinstance(v, float | np.floating) else str(int(v))
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return json.dumps(str(v))

    lines = [f"# Coded from ICB v14 by compellence's mapping {MAPPING_VERSION} "
             "(docs/evidence.md, rules in evidence/icb.py). Not redistributable data: "
             "derived codes only.",
             f"name = {json.dumps(name)}",
             f"description = \"ICB crisis actors as coercion targets, mapping "
             f"{MAPPING_VERSION}\"", "runs = 400", ""]
    for ep in episode_dicts(coded):
        lines.append("[[episode]]")
        for k in ("id", "when", "scenario", "horizon", "outcome", "coding", "sources"):
            lines.append(f"{k} = {val(ep[k])}")
        lines.append("[episode.set]")
        lines.extend(f"{json.dumps(k)} = {val(v)}" for k, v in ep["set"].items())
        lines.append("")
    return "\n".join(lines)
