"""The public Python API: what ``import compellence`` offers notebooks and scripts.

Seven functions cover what the command line does — `load`, `run`,
`explain`, `claims`, `sweep`, `game`, `backtest` — and
return small result objects whose tables are tidy pandas DataFrames with 95% intervals
(``analysis/intervals.py``), with ``to_csv``/``to_parquet``, HTML for notebooks and plots
that return matplotlib figures. The command line is a shell over these functions.

Everything heavy (pandas, numba, matplotlib) is imported inside the functions, so
``import compellence`` stays fast. Every figure is conditional on the scenario's stated
assumptions; none is a forecast of real events.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd
    from matplotlib.figure import Figure

    from compellence.analysis.backtest import Backtest as _Backtest
    from compellence.analysis.claims import ClaimResult
    from compellence.engine.results import Results as EngineResults
    from compellence.scenario.schema import Scenario

CAVEAT = "Conditional on the scenario's stated assumptions; not a forecast of real events."


# --- scenarios -------------------------------------------------------------------------------

def _dotted(overrides: dict[str, Any]) -> dict[str, Any]:
    """Keyword overrides as dotted paths: ``a__b`` → ``a.b``."""
    return {k.replace("__", "."): v for k, v in overrides.items()}


def load(scenario: str | Path | Scenario, set: dict[str, Any] | None = None,
         **overrides: Any) -> Scenario:
    """A validated scenario: a built-in name, a TOML file, or a scenario to change.

    Overrides name fields by dotted path, in ``set={...}`` or as keywords (``__`` stands
    for the dot, or pass ``**{"leader.identity_weight": 0.5}``). Bad input raises
    `ScenarioError` naming the field and what was expected.

    Examples:
        >>> sc = load("iran-2025-surrender", leader__identity_weight=0.5)
        >>> sc.name, sc.leader.identity_weight
        ('iran-2025-surrender', 0.5)
        >>> load(sc, set={"leader.identity_weight": 0.2}).leader.identity_weight
        0.2
        >>> from compellence import ScenarioError
        >>> try:
        ...     load("iran-2025-surrender", leader__identity_weight="high")
        ... except ScenarioError as exc:
        ...     print(exc.field, "|", exc.expected[:17])
        leader.identity_weight | expected a number
    """
    from compellence.scenario.loader import apply_overrides, load_scenario, validate

    changes = {**(set or {}), **_dotted(overrides)}
    if isinstance(scenario, str | Path):
        return load_scenario(scenario, changes)
    raw = scenario.model_dump(mode="json", by_alias=True, exclude={"extends"})
    if not changes:
        return scenario
    return validate(apply_overrides(raw, changes), f"{scenario.name} with overrides")


def _scenario(scenario: str | Path | Scenario) -> Scenario:
    return scenario if not isinstance(scenario, str | Path) else load(scenario)


def scenarios() -> list[str]:
    """The names of the built-in scenarios (``compellence scenarios`` lists their titles).

    Examples:
        >>> "iran-2025-surrender" in scenarios()
        True
    """
    from compellence.scenario.loader import builtin_names

    return builtin_names()


# --- an ensemble -----------------------------------------------------------------------------

@dataclass
class Results:
    """An ensemble's results as tidy tables with 95% intervals.

    ``outcomes``, ``events``, ``terms`` and ``runs`` are pandas DataFrames; ``raw`` is the
    engine's own result object (its methods are the engine's and may change).

    Examples:
        >>> import tempfile, pathlib, pandas
        >>> r = run("generic-sanctions", runs=300, seed=2)
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> r.to_parquet(folder / "runs.parquet")
        >>> back = pandas.read_parquet(folder / "runs.parquet")
        >>> len(back), "leader.identity_weight" in back.columns
        (300, True)
        >>> type(r.plot_outcomes()).__name__, "<svg" in r._repr_html_()
        ('Figure', True)
    """

    scenario: Scenario
    raw: EngineResults

    # tables ----------------------------------------------------------------------------
    @property
    def n(self) -> int:
        """Number of runs."""
        return self.raw.n

    @property
    def seed(self) -> int:
        """The seed the ensemble ran with."""
        return self.raw.seed

    @property
    def outcomes(self) -> pd.DataFrame:
        """One row per outcome: share, 95% Wilson interval, runs, median rounds to it."""
        from compellence.analysis.intervals import outcome_intervals

        table = self.raw.outcome_table()
        ivs = outcome_intervals(self.raw)
        table["ci_low"] = [iv.low for iv in ivs]
        table["ci_high"] = [iv.high for iv in ivs]
        return table[["outcome", "share", "ci_low", "ci_high", "runs", "median_rounds"]]

    @property
    def events(self) -> pd.DataFrame:
        """One row per event: leader killed, any succession (shares), mean escalations (a
        mean), and the learning coercer's switch where it learns; estimate and interval."""
        import pandas as pd

        from compellence.analysis.intervals import event_intervals

        rows = [{"event": k, "estimate": iv.estimate, "ci_low": iv.low, "ci_high": iv.high,
                 "n": iv.n, "method": iv.method} for k, iv in event_intervals(self.raw).items()]
        return pd.DataFrame(rows)

    @property
    def terms(self) -> pd.DataFrame:
        """Mean utility of each term for each action per decision (long: term, action,
        mean); the engine keeps sums only, so these means carry no interval."""
        wide = self.raw.term_means()
        long = wide.rename_axis("term").reset_index().melt(
            id_vars="term", var_name="action", value_name="mean")
        return long

    @property
    def runs(self) -> pd.DataFrame:
        """One row per run: outcome, rounds, events and the leader's final state."""
        return self.raw.runs

    @property
    def parameters(self) -> pd.DataFrame:
        """One column per sampled (uncertain) parameter, one row per run, as the runs drew
        them (empty when the scenario samples nothing)."""
        from compellence.analysis.sampled import sampled_columns

        return sampled_columns(self.scenario, self.raw.seed, self.raw.n)

    @property
    def trajectories(self) -> pd.DataFrame:
        """Per-round quantiles of each state variable over the runs in play (needs
        ``run(..., trajectories=True)``)."""
        return self.raw.trajectory_frame()

    @property
    def curves(self) -> pd.DataFrame:
        """Share of all runs that have ended in each outcome by the end of each round."""
        return self.raw.outcome_curves()

    def share(self, outcome: str) -> float:
        """Share of runs that ended in ``outcome``."""
        return self.raw.share(outcome)

    def per_run(self, parameters: bool = True) -> pd.DataFrame:
        """The per-run table (outcome as text), with the sampled parameters joined."""
        frame = self.runs.assign(outcome=self.runs["outcome"].astype(str))
        if parameters:
            drawn = self.parameters
            if len(drawn.columns):
                frame = frame.join(drawn.set_axis(frame.index))
        return frame

    # files -----------------------------------------------------------------------------
    def to_csv(self, path: str | Path, parameters: bool = True) -> None:
        """Write the per-run table (and the sampled parameters) to a CSV file."""
        self.per_run(parameters).to_csv(path, index=False)

    def to_parquet(self, path: str | Path, parameters: bool = True) -> None:
        """Write the per-run table (and the sampled parameters) to a Parquet file; its
        schema metadata carries the provenance under ``compellence`` (as the CLI's)."""
        _write_parquet(self.per_run(parameters), path)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: what ``compellence run --json`` prints."""
        from compellence.analysis.intervals import event_intervals
        from compellence.provenance import stamp

        data = self.raw.to_dict()
        data["events"] = {k: v.to_dict() for k, v in event_intervals(self.raw).items()}
        if "switched_round" in self.runs:
            sw = self.runs["switched_round"]
            data["events"]["switched_median_round"] = (float(sw[sw >= 0].median())
                                                       if (sw >= 0).any() else None)
        data["provenance"] = stamp()
        return data

    # figures ---------------------------------------------------------------------------
    def plot_outcomes(self) -> Figure:
        """Outcome shares with their 95% intervals, as a matplotlib Figure."""
        from compellence.report.figures import outcome_bars

        return outcome_bars([self.raw], [self.scenario.name]).fig

    def plot_curves(self) -> Figure:
        """How the runs end over rounds (cumulative outcome shares), as a Figure."""
        from compellence.report.figures import outcome_curves

        return outcome_curves([self.raw], [self.scenario.name]).fig

    def plot_terms(self) -> Figure:
        """The mean utility terms behind the leader's choices round by round, as a Figure
        (needs ``run(..., trajectories=True)``)."""
        from compellence.report.figures import term_decomposition

        return term_decomposition([self.raw], [self.scenario.name]).fig

    def _small_svg(self) -> str:
        import io

        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from compellence.report.figures import OUTCOME_COLOURS

        t = self.outcomes
        fig, ax = plt.subplots(figsize=(3.6, 1.8))
        ax.barh(t["outcome"], t["share"], xerr=[t["share"] - t["ci_low"],
                                               t["ci_high"] - t["share"]],
                color=[OUTCOME_COLOURS.get(o, "grey") for o in t["outcome"]], capsize=2)
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_xlabel("share of runs (95% interval)", fontsize=7)
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        text = buf.getvalue()
        return text[text.index("<svg"):]

    def _repr_html_(self) -> str:
        """The outcome table and a small figure, for notebooks."""
        t = self.outcomes
        rows = "".join(
            f"<tr><td>{html.escape(r.outcome)}</td><td>{r.share:.3f}</td>"
            f"<td>[{r.ci_low:.3f}, {r.ci_high:.3f}]</td><td>{r.runs:,}</td>"
            f"<td>{'—' if r.median_rounds != r.median_rounds else f'{r.median_rounds:g}'}"
            "</td></tr>" for r in t.itertuples())
        head = ("<tr><th>outcome</th><th>share</th><th>95% interval</th><th>runs</th>"
                "<th>median rounds</th></tr>")
        title = html.escape(f"{self.scenario.name}: {self.n:,} runs, seed {self.seed}")
        return (f"<div><strong>{title}</strong><div style='display:flex;gap:1em;"
                f"align-items:flex-start'><table>{head}{rows}</table>{self._small_svg()}"
                f"</div><small>{html.escape(CAVEAT)}</small></div>")

    def __repr__(self) -> str:
        return (f"<Results {self.scenario.name}: {self.n:,} runs, seed {self.seed}; "
                ".outcomes .events .terms .runs>")


def _write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """A table to Parquet with the provenance in its schema metadata."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from compellence.provenance import stamp

    table = pa.Table.from_pandas(frame, preserve_index=False)
    meta = dict(table.schema.metadata or {})
    meta[b"compellence"] = json.dumps(stamp()).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


def run(scenario: str | Path | Scenario, runs: int | None = None, seed: int | None = None,
        *, trajectories: bool = False, backend: str = "auto", chunk_size: int = 65_536,
        progress: Callable[[int], None] | None = None) -> Results:
    """Run an ensemble of a scenario (a name, a file or a `load` result).

    ``runs`` and ``seed`` default to the scenario's own; the same scenario and seed give
    the same numbers. ``trajectories=True`` also records the state round by round;
    ``backend`` is ``auto``/``numba``, ``python`` or ``cuda``; ``chunk_size`` bounds memory
    (never the numbers); ``progress`` is called with the runs done after each chunk.

    Examples:
        >>> r = run("iran-2025-surrender", runs=500, seed=1)
        >>> r.outcomes.columns.tolist()
        ['outcome', 'share', 'ci_low', 'ci_high', 'runs', 'median_rounds']
        >>> round(float(r.outcomes["share"].sum()), 9), int(r.outcomes["runs"].sum())
        (1.0, 500)
        >>> bool((r.outcomes["ci_low"] <= r.outcomes["share"]).all())
        True
        >>> r.events["event"].tolist()[:3]
        ['leader_killed', 'succession', 'mean_escalations']
        >>> run("iran-2025-surrender", runs=500, seed=1).outcomes.equals(r.outcomes)
        True
    """
    from compellence.engine import simulate

    sc = _scenario(scenario)
    return Results(sc, simulate(sc, runs=runs, seed=seed, chunk_size=chunk_size,
                                trajectories=trajectories, progress=progress,
                                backend=backend))


# --- one decision ----------------------------------------------------------------------------

def _run_ending(sc: Scenario, run_index: int, seed: int | None) -> dict[str, Any]:
    """How one run ended: its outcome, the round, whether the leader was killed, and
    whether a successor ruled (the ensemble's row for that run: runs are independent of how
    many are simulated, so the first run_index + 1 suffice)."""
    from compellence.engine import simulate

    row = simulate(sc, runs=run_index + 1, seed=seed).runs.iloc[run_index]
    outcome = str(row["outcome"])
    rounds = int(row["rounds"])
    if outcome == "ongoing":
        text = f"(still resisting at the horizon, round {sc.horizon})"
    else:
        text = f"in round {rounds} (after {rounds + 1} of {sc.horizon} rounds)"
    killed = bool(row["martyred"])
    generation = int(row["leader_generation"])
    if killed:
        text += "; the leader was killed in a confrontation"
    successor = None
    if generation > 0:
        text += f"; a successor ruled (generation {generation})"
        k = int(row.get("successor_faction", -1))
        if k >= 0:
            from compellence.model.layout import FACTIONS

            successor = FACTIONS[k]
            text += f", the candidate of the {successor}, chosen by the selectorate"
    if int(row.get("deals_violated", 0)) > 0:
        text += f"; the leader broke a deal ({int(row['deals_violated'])}×)"
    return {"outcome": outcome, "rounds": rounds, "leader_killed": killed,
            "leader_generation": generation, "successor_faction": successor,
            "escalations": int(row["escalations"]), "text": text}


@dataclass
class Decision:
    """One decision of one run, term by term, and how the run ended."""

    scenario: Scenario
    run: int
    record: dict[str, Any]
    ending: dict[str, Any]

    @property
    def round(self) -> int:
        """The round of this decision."""
        return int(self.record["round"])

    @property
    def action(self) -> str:
        """The action the leader chose."""
        from compellence.model.core import ACTIONS

        return ACTIONS[self.record["action"]]

    @property
    def terms(self) -> pd.DataFrame:
        """Utility by term (rows) and action (columns), with a ``total`` row."""
        import pandas as pd

        from compellence.model.core import ACTIONS

        frame = pd.DataFrame(self.record["terms"], index=list(ACTIONS)).T
        frame.loc["total"] = list(self.record["utility"])
        return frame.rename_axis("term")

    @property
    def probabilities(self) -> pd.Series:
        """The logit choice probability of each action."""
        import pandas as pd

        from compellence.model.core import ACTIONS

        return pd.Series(list(self.record["probabilities"]), index=list(ACTIONS),
                         name="probability")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what ``compellence explain --json`` prints."""
        from compellence.provenance import stamp

        return {"scenario": self.scenario.name, "run": self.run, **self.record,
                "ending": self.ending, "provenance": stamp()}

    def __repr__(self) -> str:
        return (f"<Decision {self.scenario.name} run {self.run}, round {self.round}: "
                f"{self.action}; ended {self.ending['outcome']}>")


def explain(scenario: str | Path | Scenario, run: int = 0, round: int | None = None,
            seed: int | None = None) -> Decision:
    """One decision of run ``run`` (default: its last), decomposed term by term.

    Examples:
        >>> d = explain("iran-2025-surrender", run=3)
        >>> d.terms.columns.tolist()
        ['resist', 'escalate', 'deal', 'capitulate']
        >>> round(float(d.probabilities.sum()), 9)
        1.0
        >>> d.action in d.terms.columns, d.ending["outcome"] in run_outcomes()
        (True, True)
    """
    from compellence.engine import explain_run

    sc = _scenario(scenario)
    if run < 0:
        raise ValueError(f"run {run}: expected a run number >= 0")
    record = explain_run(sc, run, seed)
    if round is None:
        dec = record[-1]
    else:
        match = [d for d in record if d["round"] == round]
        if not match:
            last = record[-1]["round"]
            raise ValueError(f"round {round}: run {run} made decisions in rounds 0..{last} "
                             "only")
        dec = match[0]
    return Decision(sc, run, dec, _run_ending(sc, run, seed))


def run_outcomes() -> tuple[str, ...]:
    """The outcomes a run can end in, in the order of every outcome table.

    Examples:
        >>> run_outcomes()
        ('ongoing', 'capitulation', 'deal', 'war', 'collapse', 'backed_down', 'removed')
    """
    from compellence.model.core import OUTCOMES

    return tuple(OUTCOMES)


# --- the essay's claims ----------------------------------------------------------------------

@dataclass
class Claims:
    """The essay's claims, each against its contrast, rival and mechanism off."""

    results: list[ClaimResult]
    runs: int
    changes: dict[str, Any] = field(default_factory=dict)

    @property
    def all_hold(self) -> bool:
        """True when every claim measured holds."""
        return all(r.holds for r in self.results)

    @property
    def verdicts(self) -> dict[int, str]:
        """Claim number → verdict (holds, fails, does not discriminate, untestable here)."""
        return {r.number: r.verdict for r in self.results}

    @property
    def table(self) -> pd.DataFrame:
        """One row per claim: verdict, attribution, and each arm's figure with its 95%
        interval and judgement (``essay``, ``contrast``, ``rival``, ``without`` mechanism;
        NaN where a claim has no rival arm)."""
        import pandas as pd

        rows = []
        for r in self.results:
            row: dict[str, Any] = {"number": r.number, "claim": r.claim,
                                   "verdict": r.verdict, "attribution": r.attribution,
                                   "quantity": r.quantity, "threshold": r.threshold}
            for arm, fig in (("essay", r.essay), ("contrast", r.contrast),
                             ("rival", r.rival), ("without", r.without)):
                nan = float("nan")
                row[arm] = fig.value if fig is not None else nan
                row[f"{arm}_low"] = fig.low if fig is not None else nan
                row[f"{arm}_high"] = fig.high if fig is not None else nan
                row[f"{arm}_state"] = fig.state if fig is not None else None
            row["in_window"] = r.in_window
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (the rows of ``compellence claims --json``)."""
        from compellence.provenance import stamp

        return {"runs": self.runs, "all_hold": self.all_hold, "changes": self.changes,
                "verdicts": {str(k): v for k, v in self.verdicts.items()},
                "claims": [r.to_dict() for r in self.results], "provenance": stamp()}

    def _repr_html_(self) -> str:
        cols = ["number", "claim", "verdict", "essay", "essay_low", "essay_high"]
        return self.table[cols].to_html(index=False, float_format=lambda v: f"{v:+.3f}")

    def __repr__(self) -> str:
        v = ", ".join(f"{k}: {x}" for k, x in self.verdicts.items())
        return f"<Claims ({self.runs:,} runs per ensemble) {v}>"


def claims(runs: int | None = None, seed: int | None = None, *,
           numbers: list[int] | None = None, set: dict[str, Any] | None = None,
           ) -> Claims:
    """The essay's claims (docs/claims.md) with paired effects and 95% intervals.

    ``numbers`` picks claims (default all nine); ``set`` changes assumptions under every
    claim (applied over each claim's baseline, as the holding map does; each claim's own
    profile and contrast still set their fields). Runs per ensemble default to 10,000.

    Examples:
        >>> c = claims(runs=200, seed=1, numbers=[1, 3])
        >>> list(c.verdicts)
        [1, 3]
        >>> set(c.verdicts.values()) <= {"holds", "fails", "does not discriminate",
        ...                              "untestable here"}
        True
        >>> t = c.table
        >>> bool(((t["essay_low"] <= t["essay"]) & (t["essay"] <= t["essay_high"])).all())
        True
    """
    from compellence.analysis import thresholds as th
    from compellence.analysis.claims import SPECS, run_claim, run_claims

    n = runs or th.DEFAULT_RUNS
    known = [s.number for s in SPECS]
    if numbers is not None:
        bad = [k for k in numbers if k not in known]
        if bad:
            raise ValueError(f"claims {bad}: expected numbers in {known}")
    changes = dict(set or {})
    if numbers is None and not changes:
        return Claims(run_claims(n, seed), n)
    specs = [s for s in SPECS if numbers is None or s.number in numbers]
    return Claims([run_claim(s, n, seed, over=changes) for s in specs], n, changes)


# --- experiments -----------------------------------------------------------------------------

@dataclass
class Sweep:
    """A design over parameters and the outcome shares at each point.

    Examples:
        >>> s = sweep("iran-2025-surrender", {"leader.identity_weight": (0.25, 1.5),
        ...           "leader.rationality": (1.0, 10.0)}, runs=50, seed=1,
        ...           method="sobol", n=8)
        >>> len(s.table), s.sensitivity("deal")["parameter"].nunique()
        (48, 2)
        >>> type(s.plot("leader.rationality")).__name__
        'Figure'
    """

    scenario: Scenario
    parameters: list[str]
    runs: int
    table: pd.DataFrame
    experiment: str
    design: Any = None

    @property
    def outcomes(self) -> pd.DataFrame:
        """Long and tidy: one row per point and outcome, with the share's 95% interval."""
        from compellence.analysis.intervals import share_of

        cols = [c for c in run_outcomes() if c in self.table]
        long = self.table.melt(id_vars=["point", *self.parameters], value_vars=cols,
                               var_name="outcome", value_name="share")
        ivs = [share_of(p, self.runs) for p in long["share"]]
        long["ci_low"] = [iv.low for iv in ivs]
        long["ci_high"] = [iv.high for iv in ivs]
        return long.sort_values(["point", "outcome"], ignore_index=True)

    def sensitivity(self, outcome: str = "capitulation") -> pd.DataFrame:
        """SALib indices of ``outcome`` (a ``method="sobol"`` or ``"morris"`` sweep)."""
        from compellence.analysis.sensitivity import analyse

        return analyse(self.design, self.table, outcome)

    def plot(self, parameter: str | None = None, outcomes: tuple[str, ...] = (
             "capitulation", "deal", "ongoing")) -> Figure:
        """Outcome shares against one parameter (default: the first), with 95% intervals."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from compellence.report.figures import OUTCOME_COLOURS

        p = parameter or self.parameters[0]
        if p not in self.parameters:
            raise ValueError(f"parameter {p!r}: expected one of {', '.join(self.parameters)}")
        long = self.outcomes
        fig, ax = plt.subplots(figsize=(6, 3.5))
        for o in outcomes:
            d = long[long["outcome"] == o].sort_values(p)
            ax.errorbar(d[p], d["share"], yerr=[d["share"] - d["ci_low"],
                                                d["ci_high"] - d["share"]],
                        fmt="o" if len(self.parameters) > 1 else "o-", ms=3, capsize=2,
                        label=o, color=OUTCOME_COLOURS.get(o))
        ax.set_xlabel(p)
        ax.set_ylabel(f"share of runs ({self.runs} per point, 95% interval)")
        ax.set_ylim(0, 1)
        ax.legend(fontsize=8)
        ax.set_title(f"{self.scenario.name}: outcomes over {p}", fontsize=10)
        fig.tight_layout()
        return fig

    def to_csv(self, path: str | Path) -> None:
        """Write the points table to CSV."""
        self.table.to_csv(path, index=False)

    def to_parquet(self, path: str | Path) -> None:
        """Write the points table to Parquet (with the provenance in its metadata)."""
        _write_parquet(self.table, path)


def sweep(scenario: str | Path | Scenario, params: dict[str, tuple], runs: int = 200,
          seed: int | None = None, *, method: str = "grid", n: int | None = None,
          store: str | Path = ":memory:", workers: int = 1) -> Sweep:
    """Run a design over parameters: ``params`` maps a dotted path to ``(low, high, levels)``
    for a grid or ``(low, high)`` for ``method="lhs"``/``"sobol"``/``"morris"`` with ``n``
    points (base samples for Sobol). ``store`` is a DuckDB file (the same call resumes) or
    ``":memory:"``.

    Examples:
        >>> s = sweep("iran-2025-surrender", {"leader.identity_weight": (0.2, 1.2, 3)},
        ...           runs=100, seed=1)
        >>> s.table[["point", "leader.identity_weight"]].values.tolist()
        [[0.0, 0.2], [1.0, 0.7], [2.0, 1.2]]
        >>> sorted(s.outcomes["outcome"].unique())[:2]
        ['backed_down', 'capitulation']
    """
    from compellence.analysis import design as dz
    from compellence.analysis.store import Store
    from compellence.analysis.sweep import run_sweep

    sc = _scenario(scenario)
    seed = sc.seed if seed is None else seed
    grid = method == "grid"
    if method not in ("grid", "lhs", "sobol", "morris"):
        raise ValueError(f"method {method!r}: expected grid, lhs, sobol or morris")
    if not params:
        raise ValueError("params: give at least one parameter, e.g. "
                         "{'leader.identity_weight': (0.2, 1.2, 5)}")
    ranges = [dz.parse_param(f"{k}=" + ":".join(str(v) for v in rng), grid)
              for k, rng in params.items()]
    if grid:
        design = dz.grid(ranges)
    else:
        if n is None:
            raise ValueError(f"method {method!r} needs n, the number of points")
        design = getattr(dz, method)(ranges, n, seed)
    st = Store(store)
    try:
        res = run_sweep(sc, design, st, runs, seed, workers=workers,
                        command=f"compellence.sweep({sc.name!r}, {params!r})")
        table = st.table(res.experiment)
    finally:
        st.close()
    return Sweep(sc, [r.path for r in ranges], runs, table, res.experiment, design)


# --- the game --------------------------------------------------------------------------------

@dataclass
class GameAnalysis:
    """The coercion game solved: equilibria, logit QRE and the coercer's beliefs."""

    scenario: Scenario
    data: dict[str, Any]
    tree: Any = None

    @property
    def qre(self) -> pd.DataFrame:
        """The logit QRE as a table: information set, action, probability."""
        import pandas as pd

        beh = self.data["qre"]["behavior"]
        return pd.DataFrame([{"infoset": k, "action": a, "probability": p}
                             for k, acts in beh.items() for a, p in acts.items()])

    @property
    def pure_equilibria(self) -> list[dict[str, str]] | None:
        """Every pure-strategy equilibrium (None when the game is too large to enumerate)."""
        return self.data["pure_equilibria"]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: what ``compellence game --json`` prints."""
        from compellence.provenance import stamp

        return {**self.data, "provenance": stamp()}


def game(scenario: str | Path | Scenario, *, lam: float | None = None,
         prior: float | None = None, stages: int | None = None, qre_path: bool = False,
         check_gambit: bool = False, export: str | Path | None = None) -> GameAnalysis:
    """Solve the coercion game of a scenario (docs/game.md): pure equilibria, the logit QRE
    at ``lam`` (default ``game.rationality``), the coercer's best demand by ``prior`` that
    the leader is cost-benefit, and the threshold belief. ``export`` writes Gambit .efg.

    Examples:
        >>> g = game("iran-2025-surrender")
        >>> bool(g.qre.groupby("infoset")["probability"].sum().round(9).eq(1).all())
        True
        >>> sorted(g.to_dict())[:3]
        ['backward_induction', 'beliefs', 'gambit_check']
    """
    from compellence.game import solve
    from compellence.game.belief import analyse_beliefs, prior_for
    from compellence.game.efg import to_efg
    from compellence.game.tree import GameTooLarge, build_game

    sc = _scenario(scenario)
    if stages is not None:
        sc = sc.model_copy(deep=True)
        sc.game.stages = stages
    pri = prior_for(sc, prior) if prior is not None else None
    tree = build_game(sc, prior=pri)
    size = tree.size()
    if size["nodes"] > 200_000:
        raise ValueError(f"the game has {size['nodes']:,} nodes, too many to solve: use fewer "
                         "stages or a coarser menu")
    if export is not None:
        Path(export).write_text(to_efg(tree))
    lam_value = sc.game.rationality if lam is None else lam
    only_qre = lam is not None or qre_path
    pure: list[dict[str, str]] | None = None
    try:
        pure = solve.pure_equilibria(tree)
    except GameTooLarge as exc:
        if not only_qre:
            raise ValueError(f"{sc.name}: {exc}") from None
    qre = solve.logit_qre(tree, lam_value)
    path = solve.qre_path(tree, [0.5, 1, 2, 4, 8, 16, 32]) if qre_path else []
    spe = solve.backward_induction(tree) if sc.game.stages == 1 else None
    beliefs = {"best_response": analyse_beliefs(sc, None) if sc.game.stages == 1 else None,
               "qre": analyse_beliefs(sc, lam_value)} \
        if "cost-benefit" in sc.game.types else {}
    check = _check_gambit(tree, pure, qre) if check_gambit else None
    data = {
        "scenario": sc.name, "size": size, "types": list(tree.types),
        "prior": list(tree.prior), "menu": list(tree.menu),
        "pure_equilibria": pure, "backward_induction": spe,
        "qre": {"lambda": lam_value, "behavior": qre.as_dict(tree)},
        "qre_path": [{"lambda": q.lam, "behavior": q.as_dict(tree)} for q in path],
        "beliefs": {k: None if v is None else {
            "maximal": v.maximal, "threshold": v.threshold,
            "grid": [{"prior_cost_benefit": p, "best": b, "values": vals}
                     for p, b, vals in v.grid]} for k, v in beliefs.items()},
        "gambit_check": check,
        "note": "conditional on the scenario's stated assumptions; not a forecast",
    }
    return GameAnalysis(sc, data, tree)


def _check_gambit(tree: Any, pure: list[dict[str, str]] | None, qre: Any) -> dict[str, Any]:
    """Solve with pygambit too and compare (raises gambit.MissingExtra without it)."""
    from compellence.game import gambit

    result: dict[str, Any] = {}
    if pure is not None:
        key = lambda e: tuple(sorted(e.items()))  # noqa: E731
        theirs = gambit.pure_equilibria(tree)
        result["pure_sets_equal"] = set(map(key, pure)) == set(map(key, theirs))
    try:
        g = gambit.qre(tree, qre.lam)
    except gambit.SolverShortfall as exc:
        result["qre_skipped"] = str(exc)
        return result
    ours = qre.as_dict(tree)
    result["qre_max_abs_diff"] = max(abs(ours[k][a] - g[k][a]) for k in ours for a in ours[k])
    return result


# --- evidence --------------------------------------------------------------------------------

@dataclass
class BacktestResult:
    """The model, the cost-benefit model and the base rate scored on observed episodes."""

    raw: _Backtest
    source: str

    @property
    def episodes(self) -> pd.DataFrame:
        """One row per episode: the probability each model gave to the observed outcome."""
        import pandas as pd

        return pd.json_normalize(self.raw.episodes, sep=".")

    @property
    def scores(self) -> pd.DataFrame:
        """Summary scores (long: sample, model, score, value)."""
        import pandas as pd

        return pd.DataFrame([{"sample": s, "model": m, "score": k, "value": v}
                             for s, models in self.raw.summary.items()
                             for m, scores in models.items() for k, v in scores.items()])

    @property
    def warnings(self) -> list[str]:
        """Fits that sat at the edge of their grid (read those scores with care)."""
        return list(self.raw.warnings)


def backtest(episodes: str | Path | None = None, runs: int | None = None,
             seed: int | None = None, *, as_coded: bool = False,
             select: list[str] | None = None) -> BacktestResult:
    """Score the model against the base rate and a cost-benefit model on observed episodes
    (default: the six shipped Iran episodes), leave-one-out unless ``as_coded``. A handful
    of cases: a consistency check, never a validation.

    Examples:
        >>> b = backtest(runs=50, seed=1, as_coded=True, select=["2013-jcpoa"])
        >>> b.episodes["id"].tolist()
        ['2013-jcpoa']
        >>> sorted(b.scores["model"].unique())
        ['base_rate', 'cost_benefit', 'model']
    """
    from compellence.analysis.backtest import run_backtest, select_episodes
    from compellence.evidence.episodes import load_episodes

    eps, folder, source = load_episodes(episodes)
    eps = select_episodes(eps, list(select or []), source)
    return BacktestResult(run_backtest(eps, folder, runs, None, as_coded=as_coded, seed=seed),
                          source)
