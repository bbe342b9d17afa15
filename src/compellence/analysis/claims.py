"""The nine claims of docs/design.md as runnable checks, each against its contrast.

Every claim runs the engine on a built-in scenario (or a stated variant of it)
for the essay's profile and for the contrast, measures one figure for each and
compares it with a threshold from :mod:`compellence.analysis.thresholds`.
A claim *passes* only when the essay's profile meets the threshold and the
contrast does not: a claim that holds for every profile proves nothing.
Variants of a scenario share its seed (common random numbers), so a difference
between them is not sampling noise of two independent ensembles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from compellence.analysis import thresholds as th
from compellence.engine import Results, simulate
from compellence.scenario.loader import load_scenario

FLAGSHIP = "iran-2025-surrender"


@dataclass
class ClaimResult:
    """One row of the claims table."""

    number: int
    claim: str
    quantity: str
    threshold: str
    runs: int
    essay_label: str
    contrast_label: str
    essay: float
    contrast: float
    essay_holds: bool
    contrast_holds: bool
    detail: str = ""

    @property
    def passed(self) -> bool:
        """The claim holds for the essay's profile and fails for its contrast."""
        return self.essay_holds and not self.contrast_holds

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "passed": self.passed}


_SEED: dict[str, int | None] = {"seed": None}


def _run(name: str, runs: int, overrides: dict[str, Any] | None = None) -> Results:
    """One ensemble of a built-in scenario variant (the claims' common seed if one is set)."""
    return simulate(load_scenario(name, overrides or {}), runs=runs, seed=_SEED["seed"])


def fixed_pressure(level: float, leader_threat: float = 0.0) -> dict[str, Any]:
    """Overrides that hold every instrument at ``level`` (strikes at a third of it)."""
    return {
        "coercer.pressure.sanctions": level, "coercer.pressure.isolation": level,
        "coercer.pressure.military_threat": level, "coercer.pressure.strikes": level / 3,
        "coercer.pressure.leader_threat": leader_threat, "coercer.adaptive.enabled": False,
    }


CB = {"leader.profile": "cost-benefit"}


def claim_1(runs: int) -> ClaimResult:
    """Maximal demand + escalating pressure: identity almost never capitulates."""
    essay = _run(FLAGSHIP, runs).share("capitulation")
    contrast = _run(FLAGSHIP, runs, CB).share("capitulation")
    rising = [_run(FLAGSHIP, runs, {**CB, **fixed_pressure(lv)}).share("capitulation")
              for lv in (0.1, 0.3, 0.6)]
    ok = lambda v: v <= th.MAX_CAPITULATION  # noqa: E731
    return ClaimResult(
        1, "Maximal demand + escalating pressure: the identity profile almost never "
        "capitulates; the cost-benefit profile does, more often as pressure grows",
        "capitulation share", f"<= {th.MAX_CAPITULATION}", runs, "identity-committed",
        "cost-benefit", essay, contrast, ok(essay), ok(contrast),
        "cost-benefit at fixed pressure 0.1/0.3/0.6: " + "/".join(f"{v:.2f}" for v in rising))


def claim_2(runs: int) -> ClaimResult:
    """A limited deal keeping the core is accepted far more often than capitulation."""
    def ratio(res: Results) -> float:
        eps = 0.5 / res.n
        return (res.share("deal") + eps) / (res.share("capitulation") + eps)
    essay = ratio(_run("iran-2015-jcpoa", runs))
    contrast = ratio(_run("iran-2015-jcpoa", runs, CB))
    ok = lambda v: v >= th.MIN_DEAL_TO_CAPITULATION  # noqa: E731
    return ClaimResult(
        2, "A limited deal that keeps the core symbol is accepted far more often than "
        "capitulation ('heroic flexibility')", "deal share / capitulation share",
        f">= {th.MIN_DEAL_TO_CAPITULATION}", runs, "identity-committed", "cost-benefit",
        essay, contrast, ok(essay), ok(contrast), "scenario iran-2015-jcpoa")


def claim_3(runs: int) -> ClaimResult:
    """Threats to the leader's life do not raise capitulation when martyrdom is valued."""
    def effect(extra: dict[str, Any]) -> float:
        lo = _run(FLAGSHIP, runs, {**extra, **fixed_pressure(0.1, 0.0)})
        hi = _run(FLAGSHIP, runs, {**extra, **fixed_pressure(0.1, 0.9)})
        return hi.share("capitulation") - lo.share("capitulation")
    essay, contrast = effect({}), effect(CB)
    ok = lambda v: v <= th.MAX_THREAT_EFFECT  # noqa: E731
    return ClaimResult(
        3, "Raising the threat to the leader's life does not raise capitulation when "
        "martyrdom is valued; it does when it is feared",
        "capitulation share at threat 0.9 minus at threat 0", f"<= {th.MAX_THREAT_EFFECT}",
        runs, "identity (μ>0)", "cost-benefit (μ<0)", essay, contrast, ok(essay), ok(contrast),
        "flagship at fixed pressure 0.1, leader threat 0 vs 0.9")


def claim_4(runs: int) -> ClaimResult:
    """After a martyrdom the successor is more flexible, the legacy higher."""
    def gain(extra: dict[str, Any]) -> tuple[float, float, float]:
        killed = _run("iran-2026-succession", runs, extra)
        alive = _run("iran-2026-succession", runs, {**extra, "events.leader_killed_round": None})
        legacy = float(np.nanmean(killed.runs["legacy"]))
        counter = float(np.nanmean(killed.runs["legacy_if_capitulated"]))
        return killed.share("deal") - alive.share("deal"), legacy, counter
    e, e_leg, e_cap = gain({})
    c, c_leg, c_cap = gain({"leader.personal_rigidity_share": 0.0})
    ok = lambda v, leg, cap: v >= th.MIN_SUCCESSOR_GAIN and leg > cap  # noqa: E731
    return ClaimResult(
        4, "After the leader is killed in the confrontation, the successor is more flexible "
        "under the same offer, and the legacy is higher than had he capitulated",
        "deal share with the successor minus with the leader (and legacy > capitulation's)",
        f">= {th.MIN_SUCCESSOR_GAIN} and legacy higher", runs, "rigidity personal",
        "rigidity institutional", e, c, ok(e, e_leg, e_cap), ok(c, c_leg, c_cap),
        f"legacy martyred {e_leg:.2f} vs if capitulated {e_cap:.2f} "
        f"(contrast {c_leg:.2f} vs {c_cap:.2f})")


def claim_5(runs: int) -> ClaimResult:
    """Money for the sacred core backfires for the identity profile."""
    def ratio(extra: dict[str, Any]) -> float:
        base = {**extra, **fixed_pressure(0.3)}
        no = _run(FLAGSHIP, runs, {**base, "coercer.relief": 0.0}).runs["p_capitulate"].mean()
        yes = _run(FLAGSHIP, runs, {**base, "coercer.relief": 0.8}).runs["p_capitulate"].mean()
        return float(yes / no) if no > 0 else float("inf")
    essay, contrast = ratio({}), ratio(CB)
    ok = lambda v: v <= th.MAX_TABOO_RATIO  # noqa: E731
    return ClaimResult(
        5, "Money offered for the sacred core lowers acceptance for the identity profile "
        "(backfire) and raises it for the cost-benefit profile",
        "mean P(capitulate) with relief 0.8 / with relief 0", f"<= {th.MAX_TABOO_RATIO}", runs,
        "identity-committed", "cost-benefit", essay, contrast, ok(essay), ok(contrast),
        "flagship demand (touches the core) at fixed pressure 0.3")


def claim_6(runs: int) -> ClaimResult:
    """Reneging lowers later flexibility through trust (M11)."""
    def drop(extra: dict[str, Any]) -> float:
        kept = _run("iran-2015-jcpoa", runs, extra).runs["p_deal"].mean()
        broken = _run("iran-2015-jcpoa", runs, {**extra, "coercer.renege_rounds": [0]})
        return float((kept - broken.runs["p_deal"].mean()) / kept)
    essay, contrast = drop({}), drop({"mechanisms.trust": False})
    ok = lambda v: v >= th.MIN_TRUST_DROP  # noqa: E731
    return ClaimResult(
        6, "Reneging by the coercer lowers later flexibility (trust)",
        "relative drop of mean P(deal) after reneging", f">= {th.MIN_TRUST_DROP}", runs,
        "trust on (M11)", "trust off", essay, contrast, ok(essay), ok(contrast),
        "scenario iran-2015-jcpoa, renege at round 0 vs never")


def claim_7(runs: int) -> ClaimResult:
    """Under the same pain the charismatic founder drinks the chalice more often."""
    def gap(extra_founder: dict[str, Any], extra_successor: dict[str, Any]) -> float:
        f = _run("iran-1988-chalice", runs, extra_founder)
        s = _run("iran-1988-chalice-successor", runs, extra_successor)
        accept = lambda r: r.share("capitulation") + r.share("deal")  # noqa: E731
        return accept(f) - accept(s)
    essay = gap({}, {})
    equal = {"leader.consistency_share": 0.5}
    contrast = gap(equal, equal)
    ok = lambda v: v >= th.MIN_CHALICE_GAP  # noqa: E731
    return ClaimResult(
        7, "Under the same pain, the charismatic founder accepts the chalice more often than "
        "the consistency-based successor",
        "acceptance share, founder minus successor", f">= {th.MIN_CHALICE_GAP}", runs,
        "authority 0.15 vs 0.85 consistency", "equal shares (0.5 / 0.5)", essay, contrast,
        ok(essay), ok(contrast), "scenarios iran-1988-chalice and iran-1988-chalice-successor")


BASE_LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)


def base_by_pressure(runs: int, extra: dict[str, Any]) -> list[float]:
    """Mean standing with the base at the horizon, among runs still resisting, per level."""
    out = []
    for lv in BASE_LEVELS:
        over = {**extra, **fixed_pressure(lv), "coercer.pressure.strikes": 0.0,
                "regime.economy": 0.7, "events.leader_killed_round": None}
        r = _run(FLAGSHIP, runs, over).runs
        still = r[r["outcome"] == "ongoing"]
        out.append(float(still["final_base"].mean()) if len(still) else float("nan"))
    return out


def claim_8(runs: int) -> ClaimResult:
    """Standing with the base rises with pressure until economic collapse outweighs it."""
    def hump(extra: dict[str, Any]) -> tuple[float, float, list[float]]:
        b = base_by_pressure(runs, extra)
        peak = float(np.nanmax(b))
        return peak - b[0], peak - b[-1], b
    e_rise, e_fall, e_b = hump({})
    c_rise, c_fall, c_b = hump({"leader.pain_valence": 0.0})
    ok = lambda rise, fall: rise >= th.MIN_BASE_RISE and fall >= th.MIN_BASE_FALL  # noqa: E731
    return ClaimResult(
        8, "While resisting, the leader's standing with the base rises with pressure, until "
        "economic collapse outweighs it", "rise of base standing from pressure 0 to its peak",
        f">= {th.MIN_BASE_RISE} (and a fall >= {th.MIN_BASE_FALL} at full pressure)", runs,
        "pain valence 0.4", "pain valence 0", e_rise, c_rise, ok(e_rise, e_fall),
        ok(c_rise, c_fall),
        "base at pressure " + "/".join(f"{lv:g}" for lv in BASE_LEVELS) + ": "
        + "/".join(f"{v:.2f}" for v in e_b) + " (contrast " + "/".join(f"{v:.2f}" for v in c_b)
        + ")")


def claim_9(runs: int) -> ClaimResult:
    """Exogenous decline raises face-saving deals, not capitulation."""
    def effect(extra: dict[str, Any]) -> tuple[float, float]:
        base = {**extra, **fixed_pressure(0.3), "coercer.accepts_limited_deal": 0.2}
        on = _run(FLAGSHIP, runs, base)
        off = _run(FLAGSHIP, runs, {**base, "mechanisms.exogenous_decline": False})
        return (on.share("deal") - off.share("deal"),
                on.share("capitulation") - off.share("capitulation"))
    e_deal, e_cap = effect({})
    c_deal, c_cap = effect(CB)
    ok = lambda d, c: d >= th.MIN_DECLINE_DEAL and c <= th.MAX_DECLINE_CAPITULATION  # noqa: E731
    return ClaimResult(
        9, "Exogenous decline raises face-saving deals, not capitulation",
        "deal share with decline (M13) minus without",
        f">= {th.MIN_DECLINE_DEAL} while capitulation rises <= {th.MAX_DECLINE_CAPITULATION}",
        runs, "identity-committed", "cost-benefit", e_deal, c_deal, ok(e_deal, e_cap),
        ok(c_deal, c_cap),
        f"capitulation change: identity {e_cap:+.3f}, cost-benefit {c_cap:+.3f}; "
        "flagship at fixed pressure 0.3, a deal that keeps the core accepted with chance 0.2")


CLAIMS: tuple[Callable[[int], ClaimResult], ...] = (
    claim_1, claim_2, claim_3, claim_4, claim_5, claim_6, claim_7, claim_8, claim_9,
)


def run_claims(runs: int = 2000, seed: int | None = None,
               progress: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    """Run all nine claims with ``runs`` runs per ensemble; ``seed`` replaces every
    scenario's own seed (None keeps them)."""
    out = []
    _SEED["seed"] = seed
    try:
        for fn in CLAIMS:
            res = fn(runs)
            out.append(res)
            if progress is not None:
                progress(res)
    finally:
        _SEED["seed"] = None
    return out
