"""The health check (analysis/diagnostics.py, `compellence diagnose`): each measure on a small
case whose answer can be reasoned out, the pure helpers on hand-built inputs, and the
command. No figure of the current model is pinned: the model is being rewritten."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from compellence.analysis import diagnostics as dg
from compellence.cli import app
from compellence.engine import simulate
from compellence.model import layout as lay
from compellence.scenario import load_scenario
from compellence.scenario.schema import INSTRUMENTS, Dynamics

FLAG = "iran-2025-surrender"
runner = CliRunner()


def _sc(**over):
    """The flagship, short, with some fields set (dotted paths as keywords with __)."""
    return load_scenario(FLAG, {"horizon": 12, **{k.replace("__", "."): v
                                                  for k, v in over.items()}})


# --- the dominance helper on hand-built utility matrices ------------------------------------

def test_dominated_detects_worse_in_every_term_and_spares_ties_and_trade_offs():
    # terms × actions: a1 ≤ a0 everywhere and < in term 0; a2 ≤ a0 everywhere and < in term 1
    U = np.array([[1.0, 0.0, 1.0],
                  [2.0, 2.0, 1.0]])
    assert dg.dominated(U).tolist() == [False, True, True]
    # equal in every term: a tie, neither is dominated
    assert not dg.dominated(np.array([[1.0, 1.0], [2.0, 2.0]])).any()
    # equal within rounding is still a tie
    assert not dg.dominated(np.array([[1.0, 1.0 + 1e-12], [0.0, 0.0]])).any()
    # better in one term, worse in another: a trade-off, not dominance
    assert not dg.dominated(np.array([[1.0, 0.0], [0.0, 1.0]])).any()
    # weakly worse than a tied pair is still dominated by either of them
    assert dg.dominated(np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 0.5]])).tolist() == [
        False, False, True]
    with pytest.raises(ValueError, match="terms × actions"):
        dg.dominated(np.zeros(3))


def _record(U, P, action):
    U = np.asarray(U, float)
    return {"terms": {t: U[j].tolist() for j, t in enumerate(lay.TERMS)},
            "probabilities": list(P), "action": action}


def test_dominance_summary_counts_choices_and_the_rate_the_logit_implies():
    A, T = len(lay.ACTIONS), len(lay.TERMS)
    free = np.zeros((T, A))
    free[0] = np.arange(A)          # a strict trade-off in the first two terms: none dominated
    free[1] = -np.arange(A)
    worst = np.zeros((T, A))
    worst[0, -1] = -1.0             # the last action is worse in one term, equal elsewhere
    def probs(last):
        return [(1 - last) / (A - 1)] * (A - 1) + [last]

    p_low, p_high = probs(0.1), probs(0.4)
    runs = [[_record(free, [1 / A] * A, 0), _record(worst, p_low, A - 1)],
            [_record(worst, p_high, 0)]]
    d = dg.dominance_of(runs)
    assert (d.runs, d.decisions, d.with_dominated, d.chosen) == (2, 3, 2, 1)
    assert d.implied == pytest.approx((0.1 + 0.4) / 2)
    assert d.notable == 2   # 0.1 and 0.4 are both above 0.05
    row = d.by_action.set_index("action").loc[lay.ACTIONS[-1]]
    assert (row["dominated"], row["chosen"]) == (2, 1)
    assert row["expected"] == pytest.approx(0.5)
    assert d.observed.estimate == pytest.approx(0.5)
    lo, hi = d.band
    assert lo <= d.implied <= hi
    assert not dg.dominance_of([[_record(free, [1 / A] * A, 0)]]).verdict().worrying


def test_dominance_on_a_scenario_decomposes_every_decision_of_the_sample():
    sc = _sc()
    d = dg.dominance(sc, sample=15)
    played = simulate(sc, 15)
    # explain_run replays the same runs: one decision per round played
    assert d.decisions == int((played.runs["rounds"].clip(upper=sc.horizon - 1) + 1).sum())
    assert 0 <= d.chosen <= d.with_dominated <= d.decisions
    assert int(d.by_action["dominated"].sum()) >= d.with_dominated
    with pytest.raises(dg.DiagnosticsError):
        dg.dominance(sc, sample=0)


# --- pinned states ----------------------------------------------------------------------

def test_streaks_count_only_consecutive_rounds_in_play():
    flags = np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1], [1, 1, 1]], bool)
    assert dg.longest_streak(flags).tolist() == [2, 4, 3]
    values = np.zeros((10, 2))
    alive = np.ones((10, 2), bool)
    alive[4:, 1] = False            # run 1 ends after 4 rounds: it cannot be pinned for 6
    low, high = dg.pinned_runs(values, alive, rounds=6)
    assert low.tolist() == [True, False] and not high.any()
    low, high = dg.pinned_runs(np.full((10, 2), 0.99), alive, rounds=6)
    assert high.tolist() == [True, False] and not low.any()
    middle = {v: np.full((10, 2), 0.5) for v in lay.TRAJECTORY_VARS}
    calm = dg.pinned_states(middle, alive)
    assert calm.any_state.estimate == 0 and calm.verdict().text == "no state pinned in any run"
    state = next(v for v in lay.TRAJECTORY_VARS if v not in dg.instruments())
    stuck = dg.pinned_states({**middle, state: np.zeros((10, 2))}, alive)
    assert stuck.any_state.estimate == 0.5 and stuck.verdict().worrying


def _pinned(sc, runs=300):
    res = simulate(sc, runs, trajectories=True)
    return dg.pinned_states(res.trajectories, res.alive).table.set_index("variable"), res


def test_a_huge_economic_decay_pins_the_economy_and_none_leaves_it_free():
    tab, res = _pinned(_sc(dynamics__econ_sanctions=0.5, dynamics__econ_recovery=0.0,
                           regime__economy=0.0, dynamics__war_rate=0.0,
                           coercer__aims__enabled=False, coercer__accepts_limited_deal=0.0,
                           leader__material_weight=0.0))
    # the economy starts at 0 and cannot recover (sanctions destroy a share of what is
    # left): every run in play for PIN_ROUNDS rounds is pinned, no run in play for fewer
    in_play = res.alive.sum(axis=0)
    assert (in_play > dg.PIN_ROUNDS).mean() > 0.3      # enough runs in play to pin at all
    assert (in_play > dg.PIN_ROUNDS).mean() <= tab.loc["economy", "at_0"] <= \
        (in_play >= dg.PIN_ROUNDS).mean()
    assert tab.loc["economy", "at_1"] == 0.0
    still = {"dynamics.econ_sanctions": 0.0, "dynamics.econ_strike": 0.0,
             "dynamics.econ_recovery": 0.0, "regime.economy": 0.5}
    tab, _ = _pinned(load_scenario(FLAG, {"horizon": 12, **still}))
    assert tab.loc["economy", "share"] == 0.0


def test_any_counts_states_not_instruments_and_names_come_from_the_layout():
    sc = _sc(**{"coercer.pressure.leader_threat": 1.0})
    res = simulate(sc, 200, trajectories=True)
    p = dg.pinned_states(res.trajectories, res.alive)
    assert p.table["variable"].tolist() == list(lay.TRAJECTORY_VARS)
    kinds = p.table.set_index("variable")["kind"]
    assert set(kinds[kinds == "instrument"].index) == set(dg.instruments())
    assert {"pressure", "leader_threat"} <= set(dg.instruments())
    assert not set(dg.instruments()) & set(lay.S_FIELDS)
    # the threat at its cap throughout is pinned, but it is not a state
    assert kinds["leader_threat"] == "instrument"
    assert p.table.set_index("variable").loc["leader_threat", "share"] > 0.3
    states = p.table[p.table["kind"] == "state"]
    assert states["share"].max() <= p.any_state.estimate <= min(1.0, states["share"].sum())
    assert p.any_state.low <= p.any_state.estimate <= p.any_state.high


# --- standoff persistence ---------------------------------------------------------------

def test_the_long_run_replays_the_short_one_and_ongoing_never_rises():
    sc = _sc()
    s = dg.persistence(sc, runs=300, checkpoints=(6, 12, 48))
    shares = s.ongoing["share"].tolist()
    assert shares == sorted(shares, reverse=True) and s.horizon == 48
    short = simulate(sc, 300)
    assert shares[1] == pytest.approx(short.share("ongoing"))   # common random numbers
    assert s.outcomes["share"].sum() == pytest.approx(1.0)
    assert s.ongoing.iloc[-1]["share"] == pytest.approx(
        float(s.outcomes.set_index("outcome").loc["ongoing", "share"]))
    with pytest.raises(dg.DiagnosticsError):
        dg.persistence(sc, 10, checkpoints=())


def test_ongoing_at_reads_the_zero_based_ending_round():
    import pandas as pd

    runs = pd.DataFrame({"outcome": ["deal", "war", "ongoing"], "rounds": [5, 6, 12]})
    assert dg.ongoing_at(runs, 6).tolist() == [False, True, True]
    assert dg.ongoing_at(runs, 12).tolist() == [False, False, True]


# --- war at zero pressure ---------------------------------------------------------------

def test_zero_pressure_clears_every_instrument_and_the_adaptive_coercer():
    sc = load_scenario(FLAG, {"coercer.pressure.strikes": {"schedule": [[0, 0.2], [3, 0.9]]}})
    z = dg.zero_pressure(sc)
    assert all(getattr(z.coercer.pressure, k) == 0.0 for k in INSTRUMENTS)
    assert not z.coercer.adaptive.enabled and sc.coercer.adaptive.enabled
    assert z.leader == sc.leader and z.horizon == sc.horizon


def test_no_war_without_a_war_rate_and_some_with_noise_and_certain_war():
    none = dg.war_at_zero_pressure(_sc(dynamics__war_rate=0.0), runs=300)
    assert none.war.estimate == 0.0 and none.war.low == 0.0 and none.war.high > 0
    # with war needing a trigger (W6), zero pressure means no war even with random choice
    calm = dg.war_at_zero_pressure(_sc(dynamics__war_rate=1.0, leader__rationality=0.0),
                                   runs=300)
    assert calm.war.estimate == 0.0   # (escalating is dominated there: W7 never picks it)
    some = dg.war_at_zero_pressure(_sc(dynamics__war_rate=1.0, leader__rationality=0.0,
                                       mechanisms__war_trigger=False), runs=300)
    assert some.war.estimate > 0 and some.war.low > 0 and some.verdict().worrying
    assert some.escalated.estimate >= some.war.estimate
    kept = dg.war_at_zero_pressure(_sc(events__leader_killed_round=2), runs=20)
    assert kept.kept_events == ["leader killed at round 2"]


# --- sweeps -----------------------------------------------------------------------------

def test_parse_vary_checks_names_ranges_and_numbers():
    assert dg.parse_vary("dynamics.pain_horizon=1.5,3") == ("dynamics.pain_horizon", (1.5, 3.0))
    with pytest.raises(dg.DiagnosticsError, match=r"did you mean 'dynamics\.pain_horizon'"):
        dg.parse_vary("dynamics.pain_horizn=1")
    with pytest.raises(dg.DiagnosticsError, match=r"leaves the declared range \[0, 240\]"):
        dg.parse_vary("dynamics.pain_horizon=1,300")
    with pytest.raises(dg.DiagnosticsError, match="numbers separated by commas"):
        dg.parse_vary("dynamics.pain_horizon=1,high")
    with pytest.raises(dg.DiagnosticsError, match=r"^--horizons .*expected PATH=V1"):
        dg.parse_vary("dynamics.pain_horizon=", "--horizons")
    assert dg.parse_checkpoints("24,96") == (24, 96)
    for bad in ("0,24", "24,x", "601"):
        with pytest.raises(dg.DiagnosticsError, match="--checkpoints"):
            dg.parse_checkpoints(bad)


def test_default_sweeps_follow_the_schema():
    paths = [p for p, _ in dg.default_sweeps((1.5, 6.0))]
    assert paths[0] == "dynamics.pain_horizon" and dg.default_sweeps((1.5, 6.0))[0][1] == (1.5, 6)
    assert ("dynamics.pain_discount" in paths) == ("pain_discount" in Dynamics.model_fields)


def test_a_sweep_sets_the_value_it_names():
    sc = _sc(leader__rationality=0.0, **{"coercer.pressure.military_threat": 0.5})
    sw = dg.sweep(sc, "dynamics.war_rate", (0.0, 1.0), runs=200)
    war = sw.table.set_index("value")["war"]
    assert war[0.0] == 0.0 and war[1.0] > 0
    total = sum(sw.table[o] for o in lay.OUTCOMES)
    assert np.allclose(total, 1.0)
    assert (sw.table["capitulation_low"] <= sw.table["capitulation"]).all()
    data = sw.to_dict()
    assert data["parameter"] == "dynamics.war_rate" and len(data["points"]) == 2


# --- the command ------------------------------------------------------------------------

def _args(path, *extra):
    return ["diagnose", str(path), "--runs", "200", "--sample", "10", "--checkpoints",
            "12,36", "--horizons", "1.5,6", *extra]


def test_the_command_prints_json_with_every_measure(tmp_toml):
    path = tmp_toml(f'extends = "{FLAG}"\nname = "tiny"\nhorizon = 12\n')
    r = runner.invoke(app, _args(path, "--json"))
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["scenario"] == "tiny" and data["runs"] == 200 and "provenance" in data
    assert [v["variable"] for v in data["pinned"]["variables"]] == list(lay.TRAJECTORY_VARS)
    assert [row["round"] for row in data["persistence"]["ongoing"]] == [12, 36]
    lo, hi = data["war_at_zero_pressure"]["war"]["ci95"]
    assert lo <= data["war_at_zero_pressure"]["war"]["share"] <= hi
    assert data["dominance"]["runs"] == 10
    assert data["sweeps"][0]["parameter"] == "dynamics.pain_horizon"
    assert [p["value"] for p in data["sweeps"][0]["points"]] == [1.5, 6.0]
    for key in ("pinned", "persistence", "war_at_zero_pressure", "dominance"):
        assert isinstance(data[key]["verdict"]["worrying"], bool) and data[key]["worry"]
    again = json.loads(runner.invoke(app, _args(path, "--json")).output)
    assert {k: v for k, v in again.items() if k != "provenance"} == \
        {k: v for k, v in data.items() if k != "provenance"}      # same seed, same numbers


def test_the_command_fits_80_columns_and_says_what_is_worrying(tmp_toml):
    path = tmp_toml(f'extends = "{FLAG}"\nhorizon = 12\n')
    r = runner.invoke(app, _args(path, "--vary", "coercer.demand=0.4,1"),
                      env={"COLUMNS": "80"})
    assert r.exit_code == 0, r.output
    assert all(len(line) <= 80 for line in r.output.splitlines())
    assert "…" not in r.output and "nan" not in r.output
    for text in ("Pinned states", "Standoff persistence", "War at zero pressure",
                 "Dominated choices", "coercer.demand", "Worrying:", "not a forecast"):
        assert text in r.output
    assert "dynamics.pain_horizon varies" not in r.output    # --vary replaces the default


@pytest.mark.parametrize(("extra", "message"), [
    (["--vary", "dynamics.bogus=1"], "not a numeric scenario parameter"),
    (["--horizons", "1,999"], "--horizons dynamics.pain_horizon: 999 leaves"),
    (["--checkpoints", "0"], "--checkpoints"),
])
def test_bad_options_are_one_line_errors(tmp_toml, extra, message):
    path = tmp_toml(f'extends = "{FLAG}"\nhorizon = 12\n')
    r = runner.invoke(app, [*_args(path), *extra])
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_dominance_diagnosis_agrees_with_the_models_choice_rule():
    """The diagnosis (any matrix) and the model's W7 test (equations.dominated) must agree."""
    from compellence.model import equations as eq

    rng = np.random.default_rng(7)
    for _ in range(300):
        U = rng.integers(-2, 3, size=(lay.NT, 4)).astype(float)   # ties are common
        model = [bool(eq.dominated(U, a, eq.DOMINANCE_TOL)) for a in range(4)]
        assert dg.dominated(U).tolist() == model
    # near the tolerance: differences of a few tol, checked against the definition written
    # independently (vectorised over terms)
    tol = eq.DOMINANCE_TOL

    def by_definition(U, a):   # every pair, every term
        return any(b != a and (U[:, a] - U[:, b] <= tol).all() and (U[:, a] - U[:, b] < -tol).any()
                   for b in range(U.shape[1]))

    found = 0
    for _ in range(2000):
        U = rng.normal(0.0, 3.0, size=(lay.NT, 1)) + rng.integers(-2, 3, size=(lay.NT, 4)) * tol
        model = [bool(eq.dominated(U, a, tol)) for a in range(4)]
        assert model == [by_definition(U, a) for a in range(4)]
        found += sum(model)
    assert found > 100   # the near-tie cases include dominated actions
    # large magnitudes (rounding of a column's sum would exceed tol) and tol = 0
    for scale in (1e4, 1e8):
        for _ in range(500):
            U = (rng.normal(0.0, scale, size=(lay.NT, 1))
                 + rng.integers(-2, 3, size=(lay.NT, 4)) * tol)
            assert [bool(eq.dominated(U, a, tol)) for a in range(4)] == [
                by_definition(U, a) for a in range(4)]
    U = np.array([[1.0, 1.0], [0.0, 1e-17]])
    assert eq.dominated(U, 0, 0.0) and not eq.dominated(U, 1, 0.0)
