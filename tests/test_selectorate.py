"""The selectorate (F1): its factions' support moves with pressure, hardship, concessions and
martyrdom, enters the leader's legitimacy and survival, chooses the successor — and its
switch removes every one of these effects (docs/model.md, "The selectorate and succession").
Contrasts change one cause each and are measured where the quantity can move."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import context

from compellence.engine import simulate
from compellence.model import equations as eq
from compellence.model import layout as lay
from compellence.scenario import load_scenario

FLAG = "iran-2025-surrender"
SUCC = "iran-2026-succession"
#: Who has the say: a selectorate led by pragmatists, and one led by the security apparatus.
PRAGMATIST_LED = {"selectorate.pragmatists.weight": 0.6, "selectorate.hardliners.weight": 0.2,
                  "selectorate.establishment.weight": 0.2}
HARDLINE_LED = {"selectorate.pragmatists.weight": 0.05, "selectorate.hardliners.weight": 0.6,
                "selectorate.establishment.weight": 0.35}
#: A selectorate that has withdrawn its support.
DEFECTED = {f"selectorate.{f}.support": 0.2 for f in lay.FACTIONS}


def _support(S):
    return np.array([S[lay.SUP + k] for k in range(lay.NFAC)])


def test_pressure_rallies_hardliners_and_costs_pragmatists():
    ctx = context()
    V, M = ctx.V[0].copy(), ctx.M
    moved = {}
    for P in (0.0, 1.0):
        S, R = ctx.S[0].copy(), ctx.R[0].copy()
        R[lay.PIDX] = P
        eq.advance_state(V, S, R, M, 0.0, 0.0)
        moved[P] = _support(S) - _support(ctx.S[0])
    hard, _, prag = range(lay.NFAC)
    assert moved[1.0][hard] > moved[0.0][hard] + 1e-3
    assert moved[1.0][prag] < moved[0.0][prag] - 1e-3
    # with F1 off nothing moves
    off = context(selectorate=False)
    S, R = off.S[0].copy(), off.R[0].copy()
    R[lay.PIDX] = 1.0
    eq.advance_state(off.V[0].copy(), S, R, off.M, 0.0, 0.0)
    assert (_support(S) == _support(off.S[0])).all()


def test_economic_loss_costs_conciliatory_factions_most():
    ctx = context()
    V, R = ctx.V[0], ctx.R[0].copy()
    R[lay.PIDX] = 0.0
    S = ctx.S[0].copy()
    S[lay.ECON] = S[lay.ECON] - 0.4
    drop = [eq.faction(V, k, lay.FS0) - eq.support_target(V, S, R, k) for k in range(lay.NFAC)]
    assert drop[2] > drop[1] > drop[0] > 0


def test_a_concession_loses_hardliners_and_wins_pragmatists():
    ctx = context()
    V, S, M = ctx.V[0], ctx.S[0].copy(), ctx.M
    before = _support(S)
    eq.apply_concession(V, S, M, 0.5)
    change = _support(S) - before
    assert change[0] < 0 < change[2]
    # the leader weighs it: conceding costs more legitimacy before a hard-line selectorate
    hard = context(overrides=HARDLINE_LED).terms()["legitimacy"][0]
    prag = context(overrides=PRAGMATIST_LED).terms()["legitimacy"][0]
    assert hard[lay.CAPITULATE] < prag[lay.CAPITULATE] - 0.01
    off_h = context(overrides=HARDLINE_LED, selectorate=False).terms()["legitimacy"][0]
    off_p = context(overrides=PRAGMATIST_LED, selectorate=False).terms()["legitimacy"][0]
    assert off_h[lay.CAPITULATE] == off_p[lay.CAPITULATE]


def test_martyrdom_tilts_the_choice_toward_the_hardliners_candidate():
    ctx = context(SUCC)

    def chosen(martyred: bool) -> np.ndarray:
        picks = np.zeros(lay.NFAC)
        for u in np.linspace(0.0005, 0.9995, 1000):
            V, S = ctx.V[0].copy(), ctx.S[0].copy()
            ci, cf = np.zeros(lay.NCI, np.int64), np.zeros(lay.NCF)
            eq.succeed(0, martyred, V, S, ctx.O[0], ctx.M, ci, cf, u)
            picks[ci[lay.SUCCF]] += 1
        return picks / picks.sum()
    killed, natural = chosen(True), chosen(False)
    assert killed[0] > natural[0] + 0.03          # the hard-line candidate gains
    assert killed[2] < natural[2]                 # the pragmatist loses
    assert natural[2] > 0.02 and killed[0] < 0.98  # a choice, not a certainty


def test_the_successor_is_his_factions_candidate():
    ctx = context(SUCC, {"selectorate.choice_precision": 100.0, **PRAGMATIST_LED})
    V, S = ctx.V[0].copy(), ctx.S[0].copy()
    ci, cf = np.zeros(lay.NCI, np.int64), np.zeros(lay.NCF)
    w0 = V[lay.WID]
    eq.succeed(0, False, V, S, ctx.O[0], ctx.M, ci, cf, 0.5)
    assert ci[lay.SUCCF] == 2                      # the best-backed wins at κ = 100
    assert V[lay.WID] == pytest.approx(w0 * eq.faction(V, 2, lay.FSUCC))


def test_who_chooses_hardens_or_softens_the_successor():
    # both directions reachable: a pragmatist-led selectorate picks a freer successor who
    # concedes more; a hard-line-led one a harder successor who concedes less
    conceded = lambda r: r.share("deal") + r.share("capitulation")  # noqa: E731
    prag = simulate(load_scenario(SUCC, PRAGMATIST_LED), 2000)
    hard = simulate(load_scenario(SUCC, HARDLINE_LED), 2000)
    assert (prag.runs.successor_faction == 2).mean() > 0.5
    assert (hard.runs.successor_faction == 0).mean() > 0.8
    assert prag.share("capitulation") > hard.share("capitulation") + 0.05
    assert conceded(prag) > conceded(hard) + 0.03
    # switched off, who has the say changes nothing
    off = {"mechanisms.selectorate": False}
    a = simulate(load_scenario(SUCC, {**PRAGMATIST_LED, **off}), 500).runs
    b = simulate(load_scenario(SUCC, {**HARDLINE_LED, **off}), 500).runs
    assert (a.outcome.values == b.outcome.values).all()
    assert (a.successor_faction == -1).all()


def test_a_selectorate_that_defects_can_oust_him():
    ctx = context(overrides=DEFECTED)
    assert eq.ouster_hazard(ctx.V[0], ctx.S[0], ctx.M) == pytest.approx(0.05 * 2 * 0.3)
    assert eq.ouster_hazard(context().V[0], context().S[0], context().M) == 0.0  # above half
    low = simulate(load_scenario(FLAG, DEFECTED), 2000)
    base = simulate(load_scenario(FLAG), 2000)
    assert low.share("collapse") > base.share("collapse") + 0.1
    off = {"mechanisms.selectorate": False}
    low_off = simulate(load_scenario(FLAG, {**DEFECTED, **off}), 2000)
    base_off = simulate(load_scenario(FLAG, off), 2000)
    assert (low_off.runs.outcome.values == base_off.runs.outcome.values).all()


def test_a_divided_regime_is_easier_to_remove_and_a_rallied_one_harder():
    ctx = context()
    V, M = ctx.V[0], ctx.M
    p0 = eq.removal_probability(V, ctx.S[0], M)
    assert p0 == pytest.approx(V[lay.CREMP])          # as written, at round 0
    divided, rallied = ctx.S[0].copy(), ctx.S[0].copy()
    for k in range(lay.NFAC):
        divided[lay.SUP + k] -= 0.3
        rallied[lay.SUP + k] += 0.2
    assert eq.removal_probability(V, divided, M) == pytest.approx(V[lay.CREMP] * (1 + 2 * 0.3))
    full = context(overrides={f"selectorate.{f}.support": 1.0 for f in lay.FACTIONS})
    assert eq.removal_probability(full.V[0], full.S[0], full.M) == pytest.approx(
        V[lay.CREMP])                                  # as written at round 0, whatever Σ₀
    assert eq.removal_probability(V, rallied, M) < p0 < eq.removal_probability(V, divided, M)
    off = context(selectorate=False)
    assert eq.removal_probability(off.V[0], divided, off.M) == pytest.approx(V[lay.CREMP])


def test_the_selectorate_can_defect_on_its_own():
    # a selectorate led by pragmatists, under sanctions that cost the economy, withdraws its
    # support below half without anyone setting it there, and may then oust the leader
    led = {"selectorate.pragmatists.weight": 0.8, "selectorate.hardliners.weight": 0.1,
           "selectorate.establishment.weight": 0.1, "selectorate.pragmatists.support": 0.55,
           "selectorate.hardship_response": 1.5}
    on = simulate(load_scenario("iran-2018-max-pressure", led), 2000)
    off = simulate(load_scenario("iran-2018-max-pressure",
                                 {**led, "mechanisms.selectorate": False}), 2000)
    assert (on.runs.final_selectorate < 0.5).mean() > 0.3
    assert on.share("collapse") > off.share("collapse") + 0.02
    assert off.runs.final_selectorate.isna().all()     # F1 off: no selectorate to report


def test_selectorate_support_is_recorded_and_never_pinned():
    r = simulate(load_scenario("iran-2018-max-pressure"), 500, trajectories=True)
    assert "final_selectorate" in r.runs
    for f in lay.FACTIONS:
        tr = r.trajectories[f"support_{f}"][1:][r.alive[1:]]
        assert tr.min() > 0.02 and tr.max() < 0.98
        assert tr.std() > 1e-3                     # it moves
