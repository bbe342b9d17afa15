"""The modeller's health check of a scenario: is the world it simulates behaving like one?

Five measures, each a pure function of a scenario (or of the engine's results) returning a
dataclass with tidy DataFrames, so that a change to the model can be judged before and after
(issue 11; ``compellence diagnose``, docs/diagnostics.md):

1. :func:`pinned_states` — states stuck at a bound (0 or 1) for many rounds while a run is
   in play: dynamics that saturate rather than adapt.
2. :func:`persistence` — the share of runs still in a standoff at long horizons, and how
   the long run ends: whether "ongoing" is a standoff or a transient.
3. :func:`war_at_zero_pressure` — war with every pressure instrument at 0 and no adaptive
   coercer: war that only choice noise can produce.
4. :func:`dominance` — decisions where some action is worse than another in every utility
   term, how often it is chosen, and how often the logit choice alone implies it would be.
5. :func:`sweep` — outcome shares as one parameter varies (by default the pain horizon):
   how much the result rests on one number.

Every figure is conditional on the scenario's stated assumptions; none is a forecast.
State names, term names and counts are read from :mod:`compellence.model.layout`, so new
states and terms are measured without a change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from compellence.analysis.intervals import Interval, share
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.scenario.schema import INSTRUMENTS, Scenario

#: A value this close to 0 or 1 counts as at the bound (the issue's criterion, issue 11).
PIN_TOLERANCE = 0.02
#: Consecutive rounds at a bound, while in play, that make a run "pinned" (issue 11).
PIN_ROUNDS = 6
#: Rounds at which the share of runs still in play is read (two years, eight, twenty, of
#: monthly rounds); the long runs are simulated to the last of them.
CHECKPOINTS = (24, 96, 240)
#: Runs per ensemble when the caller gives none (a few seconds on two cores).
DEFAULT_RUNS = 2000
#: Runs whose every decision is decomposed for the dominance check.
DOMINANCE_SAMPLE = 200
#: A dominated action's probability above this is one a reader would notice in the runs.
NOTABLE_PROBABILITY = 0.05
#: Two utilities closer than this are equal (rounding of the term sums, not a difference).
TIE_TOLERANCE = 1e-9
#: The default sweep of the pain horizon (rounds); issue 11 measured refusal on these.
PAIN_HORIZONS = (1.5, 3.0, 6.0, 12.0)
#: The default sweep of the per-round pain discount, where the schema has one.
PAIN_DISCOUNTS = (0.0, 0.05, 0.1, 0.2)

#: Thresholds above (or below) which a measure is flagged, each from issue 11's "Done when"
#: where it has one: any state pinned in at least this share of runs,
PINNED_WORRY = 0.20
#: fewer than this share still in play at the last checkpoint (the flagship's target),
STANDOFF_FLOOR = 0.10
#: war at zero pressure in at least this share of runs over the scenario's horizon,
WAR_WORRY = 0.02
#: a dominated action with probability > NOTABLE_PROBABILITY at this share of decisions
#: (noise that large shows in the runs; issue 11 has no figure for it),
NOTABLE_WORRY = 0.05
#: and a swing of capitulation across a sweep's values larger than this (ten points: more
#: than Monte Carlo error at the default runs; issue 11 has no figure for it).
SWING_WORRY = 0.10

#: What would be worrying in each measure, in a line a reader can act on.
WORRY = {
    "pinned": (f"Worrying: any state pinned in ≥ {PINNED_WORRY:.0%} of runs: stuck at a "
               "bound rather than adapting."),
    "persistence": (f"Worrying: < {STANDOFF_FLOOR:.0%} still in play at the last round: "
                    "'ongoing' is a transient, not a standoff that can last."),
    "war": (f"Worrying: ≥ {WAR_WORRY:.0%} war here: made by choice noise alone, as "
            "nothing provokes it."),
    "dominance": (f"Worrying: a dominated action with probability > "
                  f"{NOTABLE_PROBABILITY:.0%} at ≥ {NOTABLE_WORRY:.0%} of decisions (noise, "
                  "not the utilities, makes those choices), or an observed rate outside the "
                  "band the probabilities imply (the draws disagree with the model)."),
    "sweep": (f"Worrying: capitulation moving by more than {SWING_WORRY:.2f} across the "
              "values: the result rests on that one number, which needs a stated reason."),
}


@dataclass(frozen=True)
class Verdict:
    """Whether a measure crosses its threshold, and the figure that says so, in words."""

    worrying: bool
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"worrying": self.worrying, "text": self.text}


class DiagnosticsError(ValueError):
    """A bad option of the health check: the message names it and what was expected."""


def instruments() -> tuple[str, ...]:
    """Trajectory variables that are the coercer's instruments, not the regime's state
    (those not in ``layout.S_FIELDS``: the pressure index and the threat to the leader)."""
    return tuple(v for v in lay.TRAJECTORY_VARS if v not in lay.S_FIELDS)


def _ci(iv: Interval) -> list[float]:
    return [iv.low, iv.high]


# --- 1. pinned states --------------------------------------------------------------------

def longest_streak(flags: np.ndarray) -> np.ndarray:
    """Longest run of consecutive True along axis 0 of a (rounds, runs) array, per run."""
    flags = np.asarray(flags, bool)
    cur = np.zeros(flags.shape[1:], np.int64)
    best = np.zeros_like(cur)
    for row in flags:
        cur = np.where(row, cur + 1, 0)
        np.maximum(best, cur, out=best)
    return best


def pinned_runs(values: np.ndarray, alive: np.ndarray, tolerance: float = PIN_TOLERANCE,
                rounds: int = PIN_ROUNDS) -> tuple[np.ndarray, np.ndarray]:
    """(at 0, at 1): per run, whether the variable stayed within ``tolerance`` of that bound
    for at least ``rounds`` consecutive rounds in play. values, alive: (rounds + 1, runs)."""
    alive = np.asarray(alive, bool)
    low = longest_streak((values <= tolerance) & alive) >= rounds
    high = longest_streak((values >= 1.0 - tolerance) & alive) >= rounds
    return low, high


@dataclass
class Pinned:
    """Per variable, the runs pinned at a bound; and the runs with any *state* pinned."""

    table: pd.DataFrame   # variable, kind, runs, share, ci_low, ci_high, at_0, at_1
    any_state: Interval   # share of runs with any state (not instrument) pinned
    runs: int
    long_runs: int        # runs in play for at least `rounds` rounds (the ones that can pin)
    tolerance: float
    rounds: int

    def verdict(self) -> Verdict:
        states = self.table[self.table["kind"] == "state"]
        bad = self.any_state.estimate >= PINNED_WORRY
        if states.empty or states["share"].max() == 0:
            return Verdict(False, "no state pinned in any run")
        top = states.loc[states["share"].idxmax()]
        return Verdict(bad, f"any state pinned in {self.any_state.estimate:.3f} of runs "
                            f"(most: {top['variable']}, {top['share']:.3f})"
                            + (": worrying" if bad else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"tolerance": self.tolerance, "rounds": self.rounds, "runs": self.runs,
                "runs_in_play_long_enough": self.long_runs,
                "any_state": {"share": self.any_state.estimate,
                              "ci95": _ci(self.any_state)},
                "variables": self.table.to_dict(orient="records"),
                "verdict": self.verdict().to_dict(), "worry": WORRY["pinned"]}


def pinned_states(trajectories: dict[str, np.ndarray], alive: np.ndarray,
                  tolerance: float = PIN_TOLERANCE, rounds: int = PIN_ROUNDS) -> Pinned:
    """Share of runs with each trajectory variable pinned at a bound (see
    :func:`pinned_runs`); "any" counts the states only, not the coercer's instruments."""
    alive = np.asarray(alive, bool)
    n = alive.shape[1]
    inst = set(instruments())
    rows = []
    any_state = np.zeros(n, bool)
    for var in lay.TRAJECTORY_VARS:
        low, high = pinned_runs(trajectories[var], alive, tolerance, rounds)
        pinned = low | high
        if var not in inst:
            any_state |= pinned
        iv = share(int(pinned.sum()), n)
        rows.append({"variable": var, "kind": "instrument" if var in inst else "state",
                     "runs": int(pinned.sum()), "share": iv.estimate, "ci_low": iv.low,
                     "ci_high": iv.high, "at_0": float(low.mean()), "at_1": float(high.mean())})
    long_runs = int((alive.sum(axis=0) >= rounds).sum())
    return Pinned(pd.DataFrame(rows), share(int(any_state.sum()), n), n, long_runs,
                  tolerance, rounds)


# --- 2. standoff persistence -------------------------------------------------------------

def ongoing_at(runs: pd.DataFrame, rounds: int) -> np.ndarray:
    """Per run, whether it was still in play after ``rounds`` rounds (``rounds`` in the
    per-run table is the 0-based round a run ended; an ongoing run has the horizon)."""
    return ((runs["outcome"] == "ongoing") | (runs["rounds"] >= rounds)).to_numpy()


@dataclass
class Persistence:
    """Share of runs still in play at each checkpoint, and the long run's outcome shares."""

    ongoing: pd.DataFrame    # round, share, ci_low, ci_high
    outcomes: pd.DataFrame   # outcome, share, ci_low, ci_high (at the longest horizon)
    horizon: int
    runs: int

    def verdict(self) -> Verdict:
        last = self.ongoing.iloc[-1]
        bad = last["share"] < STANDOFF_FLOOR
        return Verdict(bad, f"{last['share']:.3f} of runs still in play after round "
                            f"{int(last['round'])}" + (": worrying" if bad else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"horizon": self.horizon, "runs": self.runs,
                "ongoing": self.ongoing.to_dict(orient="records"),
                "outcomes_at_horizon": self.outcomes.to_dict(orient="records"),
                "verdict": self.verdict().to_dict(), "worry": WORRY["persistence"]}


def parse_checkpoints(text: str) -> tuple[int, ...]:
    """``24,96,240`` → (24, 96, 240): positive round counts, at most the schema's horizon
    cap."""
    cap = next(m.le for m in Scenario.model_fields["horizon"].metadata if hasattr(m, "le"))
    try:
        rounds = tuple(int(v) for v in text.split(","))
    except ValueError:
        raise DiagnosticsError(f"--checkpoints {text!r}: expected whole round counts "
                               "separated by commas, e.g. 24,96,240") from None
    if not rounds or min(rounds) < 1 or max(rounds) > cap:
        raise DiagnosticsError(f"--checkpoints {text!r}: each round count must lie in "
                               f"[1, {cap}] (the schema's horizon cap)")
    return rounds


def with_changes(sc: Scenario, changes: dict[str, Any]) -> Scenario:
    """The scenario with dotted-path fields set, validated as a file would be (a bad value
    raises ScenarioError naming the field)."""
    from compellence.api import load

    return load(sc, set=changes)


def persistence(sc: Scenario, runs: int = DEFAULT_RUNS, seed: int | None = None,
                checkpoints: Sequence[int] = CHECKPOINTS) -> Persistence:
    """The scenario simulated to the last checkpoint (its own settings otherwise): the share
    still in play at each checkpoint, and how runs end by then. The first rounds are the
    same runs as at the scenario's own horizon (counter-based random numbers)."""
    from compellence.engine import simulate

    if not checkpoints or min(checkpoints) < 1:
        raise DiagnosticsError("checkpoints: expected positive round counts")
    horizon = max(checkpoints)
    res = simulate(with_changes(sc, {"horizon": horizon}), runs, seed)
    rows = []
    for t in sorted(set(checkpoints)):
        iv = share(int(ongoing_at(res.runs, t).sum()), res.n)
        rows.append({"round": t, "share": iv.estimate, "ci_low": iv.low, "ci_high": iv.high})
    outcomes = res.outcome_table()[["outcome", "share", "ci_low", "ci_high"]]
    return Persistence(pd.DataFrame(rows), outcomes, horizon, res.n)


# --- 3. war at zero pressure -------------------------------------------------------------

def zero_pressure(sc: Scenario) -> Scenario:
    """The scenario with every pressure instrument at 0 (schedules included: no scheduled
    strikes or threat) and the adaptive coercer off. The offer, the leader, the regime and
    scheduled events (a leader killed at a set round, reneging) are kept."""
    changes: dict[str, Any] = {f"coercer.pressure.{k}": 0.0 for k in INSTRUMENTS}
    changes["coercer.adaptive.enabled"] = False
    return with_changes(sc, changes)


@dataclass
class WarAtZero:
    """War share over the scenario's horizon with no pressure, with its 95% interval."""

    war: Interval
    escalated: Interval       # share of runs with at least one escalation
    horizon: int
    kept_events: list[str] = field(default_factory=list)

    def verdict(self) -> Verdict:
        bad = self.war.estimate >= WAR_WORRY
        return Verdict(bad, f"war in {self.war.estimate:.3f} of runs with no pressure"
                            + (": worrying" if bad else ""))

    def to_dict(self) -> dict[str, Any]:
        return {"horizon": self.horizon, "runs": self.war.n,
                "war": {"share": self.war.estimate, "ci95": _ci(self.war)},
                "escalated": {"share": self.escalated.estimate, "ci95": _ci(self.escalated)},
                "kept_events": self.kept_events, "verdict": self.verdict().to_dict(),
                "worry": WORRY["war"]}


def war_at_zero_pressure(sc: Scenario, runs: int = DEFAULT_RUNS,
                         seed: int | None = None) -> WarAtZero:
    """Share of runs ending in war, and with any escalation, under :func:`zero_pressure`."""
    from compellence.engine import simulate
    from compellence.engine.results import wilson

    res = simulate(zero_pressure(sc), runs, seed)
    k = int((res.runs["outcome"] == "war").sum())
    lo, hi = wilson(k, res.n)
    war = Interval(k / res.n, lo, hi, res.n, "wilson")
    esc = share(int((res.runs["escalations"] > 0).sum()), res.n)
    kept = []
    if sc.events.leader_killed_round is not None:
        kept.append(f"leader killed at round {sc.events.leader_killed_round}")
    if sc.coercer.renege_rounds:
        kept.append("coercer reneges at rounds " + ", ".join(map(str, sc.coercer.renege_rounds)))
    return WarAtZero(war, esc, sc.horizon, kept)


# --- 4. dominated choices ----------------------------------------------------------------

def dominated(U: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """Which actions (columns of a terms × actions matrix) are dominated: weakly worse than
    some other action in every term and strictly worse in at least one — the model's own
    test (:func:`compellence.model.equations.dominated`, W7). Equal columns (a tie in every
    term) dominate neither; differences within ``tol`` count as equal."""
    U = np.asarray(U, float)
    if U.ndim != 2:
        raise ValueError(f"expected a terms × actions matrix, got shape {U.shape}")
    return np.array([eq.dominated(U, a, tol) for a in range(U.shape[1])], bool)


def decision_matrix(record: dict) -> np.ndarray:
    """The terms × actions utility matrix of one decision of ``engine.explain_run``."""
    return np.array([record["terms"][t] for t in lay.TERMS], float)


@dataclass
class Dominance:
    """Dominated actions over every decision of a sample of runs."""

    runs: int                 # runs decomposed
    decisions: int            # decisions examined
    with_dominated: int       # decisions where some action is dominated
    chosen: int               # of those, decisions where a dominated action was chosen
    implied: float            # mean probability of the dominated actions at those decisions
    implied_sd: float         # sd of the chosen count if drawn from those probabilities
    notable: int              # decisions where a dominated action had probability > 0.05
    by_action: pd.DataFrame   # action, dominated, chosen, expected

    @property
    def observed(self) -> Interval:
        """Rate a dominated action was chosen, at decisions that had one (Wilson 95%)."""
        return share(self.chosen, self.with_dominated)

    @property
    def band(self) -> tuple[float, float]:
        """The 95% range of the observed rate if choices follow their own probabilities
        (normal approximation to the Poisson-binomial count)."""
        if self.with_dominated == 0:
            return float("nan"), float("nan")
        half = 1.96 * self.implied_sd / self.with_dominated
        return max(0.0, self.implied - half), min(1.0, self.implied + half)

    def verdict(self) -> Verdict:
        if self.with_dominated == 0:
            return Verdict(False, "no decision had a dominated action")
        notable = self.notable / max(self.decisions, 1)
        lo, hi = self.band
        outside = not lo <= self.observed.estimate <= hi
        bad = notable >= NOTABLE_WORRY or outside
        text = (f"a dominated action chosen at {self.observed.estimate:.3f} of the "
                f"decisions that had one, the logit implies {self.implied:.3f} ("
                + ("outside its band" if outside else "noise alone explains it")
                + f"); probability > {NOTABLE_PROBABILITY:.0%} at {notable:.3f} of all "
                "decisions")
        return Verdict(bad, text + (": worrying" if bad else ""))

    def to_dict(self) -> dict[str, Any]:
        obs = self.observed
        return {"runs": self.runs, "decisions": self.decisions,
                "with_dominated": self.with_dominated,
                "with_dominated_share": self.with_dominated / max(self.decisions, 1),
                "chosen": self.chosen,
                "observed_rate": {"share": obs.estimate, "ci95": _ci(obs)},
                "implied_rate": self.implied, "implied_band95": list(self.band),
                "notable_probability": NOTABLE_PROBABILITY,
                "notable_share": self.notable / max(self.decisions, 1),
                "by_action": self.by_action.to_dict(orient="records"),
                "verdict": self.verdict().to_dict(), "worry": WORRY["dominance"]}


def dominance_of(records: Sequence[Sequence[dict]], tol: float = TIE_TOLERANCE) -> Dominance:
    """The dominance summary of decision records (one list per run, as ``explain_run``)."""
    A = len(lay.ACTIONS)
    dom_count = np.zeros(A, np.int64)
    chosen_count = np.zeros(A, np.int64)
    expected = np.zeros(A)
    decisions = with_dom = chosen = notable = 0
    p_dom: list[float] = []
    for run in records:
        for rec in run:
            decisions += 1
            mask = dominated(decision_matrix(rec), tol)
            if not mask.any():
                continue
            P = np.asarray(rec["probabilities"], float)
            with_dom += 1
            dom_count += mask
            expected += np.where(mask, P, 0.0)
            p_dom.append(float(P[mask].sum()))
            notable += bool((P[mask] > NOTABLE_PROBABILITY).any())
            if mask[rec["action"]]:
                chosen += 1
                chosen_count[rec["action"]] += 1
    p = np.asarray(p_dom)
    implied = float(p.mean()) if p.size else float("nan")
    sd = float(np.sqrt((p * (1 - p)).sum())) if p.size else float("nan")
    by_action = pd.DataFrame({"action": list(lay.ACTIONS), "dominated": dom_count,
                              "chosen": chosen_count, "expected": expected})
    return Dominance(len(records), decisions, with_dom, chosen, implied, sd, notable,
                     by_action)


def dominance(sc: Scenario, sample: int = DOMINANCE_SAMPLE, seed: int | None = None,
              tol: float = TIE_TOLERANCE) -> Dominance:
    """:func:`dominance_of` every decision of runs 0 … sample − 1 (``engine.explain_run``:
    the same numbers as those runs in the ensemble)."""
    from compellence.engine import explain_run

    if sample < 1:
        raise DiagnosticsError(f"--sample {sample}: expected at least 1 run")
    return dominance_of([explain_run(sc, r, seed) for r in range(sample)], tol)


# --- 5. one-parameter sweeps -------------------------------------------------------------

def parse_vary(text: str, option: str = "--vary") -> tuple[str, tuple[float, ...]]:
    """``PATH=V1,V2,...`` → (path, values), checked against the schema's numeric parameters
    and their declared ranges (``option`` names the option in an error)."""
    from compellence.analysis.design import numeric_parameters

    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not raw.strip():
        raise DiagnosticsError(f"{option} {text!r}: expected PATH=V1,V2,..., e.g. "
                               "dynamics.pain_horizon=1.5,3,6,12")
    known = numeric_parameters()
    if path not in known:
        import difflib

        hint = difflib.get_close_matches(path, list(known), n=1)
        did = f"; did you mean '{hint[0]}'?" if hint else ""
        raise DiagnosticsError(f"{option} {path!r}: not a numeric scenario parameter{did} "
                               "(see `compellence params`)")
    try:
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise DiagnosticsError(f"{option} {text!r}: values must be numbers separated by "
                               "commas") from None
    lo, hi = known[path][0], known[path][1]
    bad = [v for v in values if not (np.isfinite(v) and lo <= v <= hi)]
    if bad:
        raise DiagnosticsError(f"{option} {path}: {bad[0]:g} leaves the declared range "
                               f"[{lo:g}, {hi:g}]")
    return path, values


def default_sweeps(horizons: Sequence[float] = PAIN_HORIZONS) -> list[tuple[str, tuple]]:
    """The pain horizon, and the pain discount where the schema has one (issue 11)."""
    from compellence.scenario.schema import Dynamics

    out: list[tuple[str, tuple]] = [("dynamics.pain_horizon", tuple(horizons))]
    if "pain_discount" in Dynamics.model_fields:
        out.append(("dynamics.pain_discount", PAIN_DISCOUNTS))
    return out


@dataclass
class Sweep:
    """Outcome shares (95% intervals) of the scenario at each value of one parameter."""

    path: str
    table: pd.DataFrame   # value, then per outcome: share, ci_low, ci_high columns
    runs: int

    def verdict(self) -> Verdict:
        cap = self.table["capitulation"]
        swing = float(cap.max() - cap.min())
        bad = swing > SWING_WORRY
        return Verdict(bad, f"capitulation from {cap.min():.3f} to {cap.max():.3f} across "
                            f"the values of {self.path}" + (": worrying" if bad else ""))

    def to_dict(self) -> dict[str, Any]:
        rows = []
        for r in self.table.to_dict(orient="records"):
            rows.append({"value": r["value"], **{
                o: {"share": r[o], "ci95": [r[f"{o}_low"], r[f"{o}_high"]]}
                for o in lay.OUTCOMES}})
        return {"parameter": self.path, "runs": self.runs, "points": rows,
                "verdict": self.verdict().to_dict(), "worry": WORRY["sweep"]}


def sweep(sc: Scenario, path: str, values: Sequence[float], runs: int = DEFAULT_RUNS,
          seed: int | None = None) -> Sweep:
    """The scenario with ``path`` set to each value in turn (same seed: common random
    numbers), every outcome's share with its interval."""
    from compellence.engine import simulate

    rows = []
    for v in values:
        res = simulate(with_changes(sc, {path: v}), runs, seed)
        row: dict[str, float] = {"value": float(v)}
        for o in lay.OUTCOMES:
            iv = share(int((res.runs["outcome"] == o).sum()), res.n)
            row.update({o: iv.estimate, f"{o}_low": iv.low, f"{o}_high": iv.high})
        rows.append(row)
    return Sweep(path, pd.DataFrame(rows), runs)


# --- all of it ---------------------------------------------------------------------------

@dataclass
class Diagnosis:
    """Every measure of the health check for one scenario, seed and run count."""

    scenario: str
    seed: int
    runs: int
    horizon: int
    pinned: Pinned
    persistence: Persistence
    war: WarAtZero
    dominance: Dominance
    sweeps: list[Sweep]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "seed": self.seed, "runs": self.runs,
                "horizon": self.horizon, "pinned": self.pinned.to_dict(),
                "persistence": self.persistence.to_dict(), "war_at_zero_pressure":
                self.war.to_dict(), "dominance": self.dominance.to_dict(),
                "sweeps": [s.to_dict() for s in self.sweeps],
                "note": "conditional on the scenario's stated assumptions; not a forecast"}


def diagnose(sc: Scenario, runs: int = DEFAULT_RUNS, seed: int | None = None, *,
             sample: int = DOMINANCE_SAMPLE, checkpoints: Sequence[int] = CHECKPOINTS,
             sweeps: Sequence[tuple[str, Sequence[float]]] | None = None) -> Diagnosis:
    """Run every measure on the scenario (its own seed unless ``seed``); ``sweeps`` are
    (path, values) pairs, :func:`default_sweeps` when None."""
    from compellence.engine import simulate

    seed = sc.seed if seed is None else seed
    if runs < 1:
        raise DiagnosticsError(f"--runs {runs}: expected at least 1")
    res = simulate(sc, runs, seed, trajectories=True)
    assert res.trajectories is not None and res.alive is not None
    pinned = pinned_states(res.trajectories, res.alive)
    todo = default_sweeps() if sweeps is None else sweeps
    return Diagnosis(
        sc.name, seed, runs, sc.horizon, pinned, persistence(sc, runs, seed, checkpoints),
        war_at_zero_pressure(sc, runs, seed), dominance(sc, min(sample, runs), seed),
        [sweep(sc, p, v, runs, seed) for p, v in todo])
