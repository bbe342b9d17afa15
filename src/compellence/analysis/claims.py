"""The nine claims of docs/design.md as checks that can fail.

Each claim is an experiment decided in advance in :mod:`compellence.analysis.thresholds`:
a baseline scenario where its quantity can move, two arms run with the same seed and
run indices (common random numbers, so the interval is that of the per-run paired
difference), and a minimal effect the 95% interval must clear. It is measured for
the essay's profile, for a one-factor contrast (only the parameters of the claim's
mechanism changed), for the security-seeking rival (claims about refusal), and for
the essay's profile with the claim's mechanism switched off (attribution).

Verdicts (:func:`verdict`): "holds" (the essay's interval clears the minimal effect,
the contrast's interval lies on the other side, the rival does not satisfy it);
"fails" (the essay's figure does not clear it); "does not discriminate" (the contrast
or the rival satisfies it too, or the contrast is inconclusive); "untestable here"
(the essay's and the contrast's figures are both at a floor: 0 or 1 within Monte
Carlo error, or the essay's own figure at a floor where the claim needs it to move).
A claim that still holds with its mechanism switched off is marked "not attributable
to the mechanism". Every figure is conditional on the model and the stated baselines.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from compellence.analysis import thresholds as th
from compellence.engine import Results, simulate
from compellence.engine.simulate import one_thread
from compellence.scenario.loader import load_scenario

HOLDS, FAILS, NO_DISCRIMINATION, UNTESTABLE = ("holds", "fails", "does not discriminate",
                                               "untestable here")
NOT_ATTRIBUTABLE = "not attributable to the mechanism"
#: Ensembles smaller than this run on one thread (see :func:`one_thread`).
SMALL_ENSEMBLE = 5000
ATTRIBUTABLE = "attributable"


@dataclass
class Figure:
    """One measured figure with its 95% interval, judged against the claim."""

    value: float
    low: float
    high: float
    state: str                       # "holds" | "contradicts" | "inconclusive"
    at_floor: bool
    shares: dict[str, float] = field(default_factory=dict)  # what it is built from
    note: str = ""

    def text(self) -> str:
        return f"{self.value:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "state": self.state,
                "at_floor": self.at_floor, "shares": self.shares, "note": self.note}


@dataclass
class Ctx:
    """How a claim is run: runs, seed (None keeps the scenario's), map overrides applied
    over the baseline, forced overrides applied last (a mechanism off), and whether to
    judge point estimates (the map) instead of intervals."""

    runs: int
    seed: int | None = None
    over: dict[str, Any] = field(default_factory=dict)
    force: dict[str, Any] = field(default_factory=dict)
    point: bool = False


def _map_over(over: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """Map overrides as scenario paths: 'pressure' sets the fixed level where the
    baseline fixes one (it leaves the threat to the leader as the baseline has it)."""
    out = {k: v for k, v in over.items() if k != "pressure"}
    if "pressure" in over and "coercer.pressure.sanctions" in base:
        lv = float(over["pressure"])
        out.update({k: v for k, v in th.fixed_pressure(lv).items()
                    if k not in ("coercer.pressure.leader_threat",)})
    return out


def _run(ctx: Ctx, scenario: str, base: dict[str, Any], profile: dict[str, Any],
         arm: dict[str, Any]) -> Results:
    """One ensemble: baseline, then map, then profile, then arm, then forced overrides."""
    over = {**base, **_map_over(ctx.over, base), **profile, **arm, **ctx.force}
    sc = load_scenario(scenario, over)
    return simulate(sc, runs=ctx.runs, seed=ctx.seed)   # rows in run order


def _indicator(res: Results, outcomes: tuple[str, ...]) -> np.ndarray:
    return res.runs["outcome"].isin(outcomes).to_numpy(dtype=float)


def _wilson(p: float, n: int) -> tuple[float, float]:
    """95% Wilson score interval of a share p of n runs (closed form)."""
    z = th.Z95
    den = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return float(max(0.0, mid - half)), float(min(1.0, mid + half))


def share_at_floor(p: float, n: int, point: bool = False) -> bool:
    """Is a share at 0 or 1 within Monte Carlo error (its interval inside the floor)?"""
    lo, hi = (p, p) if point else _wilson(p, n)
    return hi <= th.FLOOR or lo >= 1 - th.FLOOR


def judge(low: float, high: float, bound: float, side: str) -> str:
    """'holds' when the interval lies wholly beyond ``bound`` on ``side`` ('above' or
    'below'), 'contradicts' when wholly on the other side, else 'inconclusive'."""
    if side == "above":
        return "holds" if low > bound else "contradicts" if high < bound else "inconclusive"
    return "holds" if high < bound else "contradicts" if low > bound else "inconclusive"


def combine(states: list[str]) -> str:
    """A claim of several parts holds when all hold and is contradicted when any is."""
    if all(s == "holds" for s in states):
        return "holds"
    return "contradicts" if "contradicts" in states else "inconclusive"


def _interval(d: np.ndarray, point: bool) -> tuple[float, float, float]:
    m = float(d.mean())
    if point:
        return m, m, m
    se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
    return m, m - th.Z95 * se, m + th.Z95 * se


def paired(ctx: Ctx, a: Results, b: Results, outcomes: tuple[str, ...], bound: float,
           side: str, labels: tuple[str, str] = ("A", "B")) -> Figure:
    """Share of ``outcomes`` in arm B minus arm A, paired run by run (same seed)."""
    if a.n != b.n:
        raise ValueError("paired arms need the same number of runs")
    ia, ib = _indicator(a, outcomes), _indicator(b, outcomes)
    m, lo, hi = _interval(ib - ia, ctx.point)
    pa, pb = float(ia.mean()), float(ib.mean())
    floor = share_at_floor(pa, a.n, ctx.point) and share_at_floor(pb, b.n, ctx.point)
    return Figure(m, lo, hi, judge(lo, hi, bound, side), floor,
                  {labels[0]: pa, labels[1]: pb})


# --------------------------------------------------------------------------- claims
@dataclass(frozen=True)
class ClaimSpec:
    """A claim: its words, the essay passage it tests, what it measures and how."""

    number: int
    claim: str
    passage: str
    quantity: str
    threshold: str
    contrast: dict[str, Any]
    contrast_label: str
    measure: Callable[[Ctx, dict[str, Any]], Figure]
    essay_must_move: bool           # the essay's figure must change (not "stays put")
    reason: str                     # why this contrast


def _m1(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    lo_arm, hi_arm = th.C1_ARMS
    a = _run(ctx, th.FLAGSHIP, th.C1_BASE, prof, lo_arm)
    b = _run(ctx, th.FLAGSHIP, th.C1_BASE, prof, hi_arm)
    f = paired(ctx, a, b, ("capitulation",), th.C1_MIN_RISE, "below",
               ("capitulation at pressure 0.3", "capitulation at pressure 0.9"))
    level = f.shares["capitulation at pressure 0.9"]
    f.state = combine([f.state, "holds" if level <= th.C1_MAX_CAPITULATION else "contradicts"])
    return f


def _m2(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    r = _run(ctx, th.FLAGSHIP, th.C2_BASE, prof, {})
    deal, cap = _indicator(r, ("deal",)), _indicator(r, ("capitulation",))
    m, lo, hi = _interval(deal - cap, ctx.point)
    pd_, pc = float(deal.mean()), float(cap.mean())
    floor = share_at_floor(pd_, r.n, ctx.point) and share_at_floor(pc, r.n, ctx.point)
    return Figure(m, lo, hi, judge(lo, hi, th.C2_MIN_GAP, "above"), floor,
                  {"deal": pd_, "capitulation": pc})


def _m3(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    a = _run(ctx, th.FLAGSHIP, th.C3_BASE, prof, th.C3_ARMS[0])
    b = _run(ctx, th.FLAGSHIP, th.C3_BASE, prof, th.C3_ARMS[1])
    return paired(ctx, a, b, ("deal", "capitulation"), th.C3_MIN_RISE, "below",
                  ("concession at threat 0", "concession at threat 0.9"))


def _m4(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    a = _run(ctx, "iran-2026-succession", th.C4_BASE, prof, th.C4_ARMS[0])
    b = _run(ctx, "iran-2026-succession", th.C4_BASE, prof, th.C4_ARMS[1])
    f = paired(ctx, a, b, ("deal",), th.C4_MIN_GAIN, "above",
               ("deal with the leader alive", "deal with his successor"))
    legacy = float(np.nanmean(b.runs["legacy"]))
    counter = float(np.nanmean(b.runs["legacy_if_capitulated"]))
    f.note = (f"legacy martyred {legacy:.2f} vs had he capitulated {counter:.2f} (this half "
              "holds by the equations of model/equations.py: reported, not tested)")
    return f


def _m5(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    a = _run(ctx, th.FLAGSHIP, th.C5_BASE, prof, th.C5_ARMS[0])
    b = _run(ctx, th.FLAGSHIP, th.C5_BASE, prof, th.C5_ARMS[1])
    return paired(ctx, a, b, ("capitulation",), -th.C5_MIN_FALL, "below",
                  ("capitulation with relief 0", "capitulation with relief 0.8"))


def _m6(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    kept = _run(ctx, "iran-2015-jcpoa", th.C6_BASE, prof, th.C6_ARMS[0])
    broken = _run(ctx, "iran-2015-jcpoa", th.C6_BASE, prof, th.C6_ARMS[1])
    # the claimed effect is a drop: B = kept, A = broken, so the figure is kept − broken
    return paired(ctx, broken, kept, ("deal",), th.C6_MIN_DROP, "above",
                  ("deal after reneging", "deal without reneging"))


def _m7(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    succ, founder = th.C7_SCENARIOS
    a = _run(ctx, succ, th.C7_BASE, prof, {})
    b = _run(ctx, founder, th.C7_BASE, prof, {})
    return paired(ctx, a, b, ("deal", "capitulation"), th.C7_MIN_GAP, "above",
                  ("acceptance, consistency-based successor", "acceptance, founder"))


def _base_mean(res: Results) -> tuple[float, float, int]:
    still = res.runs.loc[res.runs["outcome"] == "ongoing", "final_base"].to_numpy()
    if len(still) < 2:
        return float("nan"), float("nan"), len(still)
    return float(still.mean()), float(still.var(ddof=1)), len(still)


def _m8(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    stats = []
    for lv in th.C8_LEVELS:
        arm = {**th.fixed_pressure(lv), "coercer.pressure.strikes": 0.0}
        stats.append(_base_mean(_run(ctx, th.FLAGSHIP, th.C8_BASE, prof, arm)))
    (m0, v0, n0), (m1, v1, n1), (m2, v2, n2) = stats
    floor = any(n < th.C8_MIN_RESISTING for _, _, n in stats) or all(
        m <= th.FLOOR or m >= 1 - th.FLOOR for m, _, _ in stats)
    if any(n < 2 for _, _, n in stats):
        return Figure(float("nan"), float("nan"), float("nan"), "inconclusive", True,
                      {f"base at pressure {lv:g}": m for lv, (m, _, _) in
                       zip(th.C8_LEVELS, stats, strict=True)}, "too few runs still resisting")
    # Welch intervals: the runs still resisting differ between arms, so pairing is lost.
    z = 0.0 if ctx.point else th.Z95
    rise, se_r = m1 - m0, float(np.sqrt(v1 / n1 + v0 / n0))
    fall, se_f = m1 - m2, float(np.sqrt(v1 / n1 + v2 / n2))
    s_rise = judge(rise - z * se_r, rise + z * se_r, th.C8_MIN_RISE, "above")
    s_fall = judge(fall - z * se_f, fall + z * se_f, th.C8_MIN_FALL, "above")
    return Figure(rise, rise - z * se_r, rise + z * se_r, combine([s_rise, s_fall]), floor,
                  {f"base at pressure {lv:g}": m for lv, (m, _, _) in
                   zip(th.C8_LEVELS, stats, strict=True)},
                  f"fall from 0.5 to 1.0: {fall:+.3f} [{fall - z * se_f:+.3f}, "
                  f"{fall + z * se_f:+.3f}]; resisting runs {n0}/{n1}/{n2}")


def _m9(ctx: Ctx, prof: dict[str, Any]) -> Figure:
    a = _run(ctx, th.FLAGSHIP, th.C9_BASE, prof, th.C9_ARMS[0])
    b = _run(ctx, th.FLAGSHIP, th.C9_BASE, prof, th.C9_ARMS[1])
    deal = paired(ctx, a, b, ("deal",), th.C9_MIN_DEAL, "above",
                  ("deal without decline", "deal with decline"))
    cap = paired(ctx, a, b, ("capitulation",), th.C9_MAX_CAPITULATION, "below",
                 ("capitulation without decline", "capitulation with decline"))
    return Figure(deal.value, deal.low, deal.high, combine([deal.state, cap.state]),
                  deal.at_floor and cap.at_floor, {**deal.shares, **cap.shares},
                  f"capitulation change {cap.text()}")


PASSAGES = {
    1: "Khamenei will not accept “unconditional surrender,” not because he misreads the "
       "balance of power ... To concede under maximalist pressure would not simply be a "
       "tactical adjustment. It would be an existential rupture to his power and identity.",
    2: "Even the 2015 nuclear deal was narrated as “heroic flexibility,” not retreat. "
       "Flexibility was permitted. Surrender was not.",
    3: "the prospect of assassination or targeted killing does not necessarily produce "
       "deterrence. It may produce sanctification.",
    4: "A post-Khamenei leadership inheriting a sanctified legacy of the mantle of a "
       "“martyred” leader might possess greater flexibility to recalibrate domestic, nuclear, "
       "or regional policies without appearing weak.",
    5: "identity commitments are not easily traded for material relief. In Khamenei’s "
       "discourse, enrichment is repeatedly framed as a matter of dignity, independence, and "
       "refusal to kneel.",
    6: "When Trump withdrew from the deal, Khamenei’s long-standing view—that the United "
       "States is not trustworthy and concessions invite further demands—was again "
       "reinforced in Tehran.",
    7: "Unlike Khomeini, his authority rests less on personal charisma and more on "
       "ideological consistency and institutional control. To accept a settlement framed as "
       "“unconditional surrender” would not only undermine that consistency",
    8: "Sanctions, sabotage, and confrontation are not interruptions of normality. They are "
       "proof that the revolution remains alive.",
    9: "these pressures may well push Khamenei toward a feasible flexibility. Yet it would be "
       "equally misguided to assume that escalating pressure will yield unconditional "
       "surrender",
}

SPECS: tuple[ClaimSpec, ...] = (
    ClaimSpec(1, "Maximal demand + escalating pressure: the identity profile almost never "
              "capitulates; without the identity cost it does, more often as pressure grows",
              PASSAGES[1], "capitulation share at pressure 0.9 minus at 0.3 (flagship demand)",
              f"rise < {th.C1_MIN_RISE} and share at 0.9 <= {th.C1_MAX_CAPITULATION}",
              th.C1_CONTRAST, "identity weight 0.05", _m1, False,
              "M1 is the identity cost; its weight is the one parameter that makes "
              "conceding humiliation (the sacred premium scales with it)"),
    ClaimSpec(2, "A limited deal that keeps the core symbol is accepted far more often than "
              "capitulation ('heroic flexibility')", PASSAGES[2],
              "deal share minus capitulation share (maximal demand, a deal keeping the core "
              "accepted for certain)", f"> {th.C2_MIN_GAP}", th.C2_CONTRAST,
              "heroic flexibility 0", _m2, True,
              "M10's doctrine waives the identity cost of a core-keeping deal; without it "
              "the deal still concedes less than capitulation"),
    ClaimSpec(3, "Raising the threat to the leader's life does not raise concession when "
              "martyrdom is valued; it does when death is feared", PASSAGES[3],
              "concession share (deal + capitulation) at threat 0.9 minus at threat 0",
              f"rise < {th.C3_MIN_RISE}", th.C3_CONTRAST, "martyrdom valuation -0.6",
              _m3, False, "M7's valuation μ alone decides whether a threat sanctifies or deters"),
    ClaimSpec(4, "After the leader is killed in the confrontation, the successor is more "
              "flexible under the same offer", PASSAGES[4],
              "deal share with the successor (killed at round 0) minus with the leader alive",
              f"> {th.C4_MIN_GAIN}", th.C4_CONTRAST, "rigidity institutional (share 0)",
              _m4, True, "M8: only the personal share of rigidity dies with him"),
    ClaimSpec(5, "Money offered for the sacred core lowers acceptance for the identity "
              "profile (backfire)", PASSAGES[5],
              "capitulation share with relief 0.8 minus with relief 0 (a demand touching the "
              "core, no deal route)", f"< -{th.C5_MIN_FALL}", th.C5_CONTRAST,
              "taboo sensitivity 0", _m5, True,
              "M9's taboo multiplier β is what turns money into an insult"),
    ClaimSpec(6, "Reneging by the coercer lowers later flexibility (trust)", PASSAGES[6],
              "deal share without reneging minus with reneging at round 0 (JCPOA)",
              f"> {th.C6_MIN_DROP}", th.C6_CONTRAST, "future-demand weight 0", _m6, True,
              "the essay's channel is 'concessions invite further demands'; the relief "
              "discount by trust stays, as for any rational leader"),
    ClaimSpec(7, "Under the same pain, the charismatic founder accepts the chalice more often "
              "than the consistency-based successor", PASSAGES[7],
              "acceptance share (deal + capitulation), founder minus successor (1988)",
              f"> {th.C7_MIN_GAP}", th.C7_CONTRAST, "authority multiplier 0", _m7, True,
              "M5's α is how consistency raises the identity cost (zero by construction)"),
    ClaimSpec(8, "While resisting, the leader's standing with the base rises with pressure, "
              "until economic collapse outweighs it", PASSAGES[8],
              "mean base standing of runs still resisting, pressure 0.5 minus 0 (rise; the "
              "fall 0.5 → 1.0 in the note)",
              f"rise > {th.C8_MIN_RISE} and fall > {th.C8_MIN_FALL}", th.C8_CONTRAST,
              "pain valence 0", _m8, True,
              "M3's valence is what makes pressure a gain (zero rise by construction)"),
    ClaimSpec(9, "Exogenous decline raises face-saving deals, not capitulation", PASSAGES[9],
              "deal share with decline (M13) minus without (capitulation change in the note)",
              f"deal > {th.C9_MIN_DEAL}, capitulation < {th.C9_MAX_CAPITULATION}",
              th.C9_CONTRAST, "identity weight 0.05", _m9, True,
              "the claim's second half ('not capitulation') rests on the identity cost"),
)


# --------------------------------------------------------------------------- verdicts
def verdict(essay: Figure, contrast: Figure, rival: Figure | None,
            essay_must_move: bool) -> str:
    """The claim's verdict from its figures (see the module docstring)."""
    if (essay.at_floor and contrast.at_floor) or (essay_must_move and essay.at_floor):
        return UNTESTABLE
    if essay.state != "holds":
        return FAILS
    if contrast.state != "contradicts" or (rival is not None and rival.state == "holds"):
        return NO_DISCRIMINATION
    return HOLDS


def attribution(without: Figure) -> str:
    """A claim whose essay figure still holds with its mechanism off is not attributable."""
    return NOT_ATTRIBUTABLE if without.state == "holds" else ATTRIBUTABLE


@dataclass
class ClaimResult:
    """One row of the claims table."""

    number: int
    claim: str
    passage: str
    quantity: str
    threshold: str
    runs: int
    contrast_label: str
    essay: Figure
    contrast: Figure
    rival: Figure | None
    without: Figure            # the essay's profile with the claim's mechanism switched off
    mechanism: str
    verdict: str
    attribution: str
    reason: str = ""

    @property
    def holds(self) -> bool:
        return self.verdict == HOLDS

    @property
    def reference_share(self) -> float:
        """The essay's reference-arm share (the first the figure is built from)."""
        return next(iter(self.essay.shares.values()), float("nan"))

    @property
    def in_window(self) -> bool:
        """Does the essay's reference arm lie in the window where a share can move?"""
        lo, hi = th.WINDOW
        return lo <= self.reference_share <= hi

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "claim": self.claim, "passage": self.passage,
                "quantity": self.quantity, "threshold": self.threshold, "runs": self.runs,
                "contrast_label": self.contrast_label, "essay": self.essay.to_dict(),
                "contrast": self.contrast.to_dict(),
                "rival": self.rival.to_dict() if self.rival else None,
                "without_mechanism": self.without.to_dict(), "mechanism": self.mechanism,
                "verdict": self.verdict, "attribution": self.attribution,
                "reference_share": self.reference_share, "in_window": self.in_window,
                "contrast_reason": self.reason}


def run_claim(spec: ClaimSpec, runs: int, seed: int | None = None,
              over: dict[str, Any] | None = None) -> ClaimResult:
    """Measure one claim for the essay, the contrast, the rival and without its mechanism.
    ``over`` changes assumptions under every arm (applied over the baseline, as the map's
    points are; the claim's profile and arms still set their own fields)."""
    over = dict(over or {})
    ctx = Ctx(runs, seed, over=over)
    essay = spec.measure(ctx, {})
    contrast = spec.measure(ctx, spec.contrast)
    rival = spec.measure(ctx, th.RIVAL) if spec.number in th.RIVAL_CLAIMS else None
    switch = th.MECHANISM[spec.number]
    without = spec.measure(Ctx(runs, seed, over=over, force={f"mechanisms.{switch}": False}),
                           {})
    return ClaimResult(spec.number, spec.claim, spec.passage, spec.quantity, spec.threshold,
                       runs, spec.contrast_label, essay, contrast, rival, without, switch,
                       verdict(essay, contrast, rival, spec.essay_must_move),
                       attribution(without), spec.reason)


def run_claims(runs: int = th.DEFAULT_RUNS, seed: int | None = None,
               progress: Callable[[ClaimResult], None] | None = None) -> list[ClaimResult]:
    """All nine claims with ``runs`` runs per ensemble; ``seed`` replaces every scenario's
    own seed (None keeps them)."""
    out = []
    with one_thread() if runs < SMALL_ENSEMBLE else nullcontext():
        for spec in SPECS:
            res = run_claim(spec, runs, seed)
            out.append(res)
            if progress is not None:
                progress(res)
    return out


def map_holds(spec: ClaimSpec, fig: Figure) -> bool:
    """At one map point: the essay's figure satisfies the claim (point estimate) and is not
    at a floor where the claim needs it to move."""
    return fig.state == "holds" and not (spec.essay_must_move and fig.at_floor)
