"""Engine behaviour: outcomes, events, trajectories."""

from __future__ import annotations

import numpy as np

from compellence.engine import simulate
from compellence.engine.simulate import TRAJECTORY_VARS
from compellence.scenario import load_scenario


def test_outcome_shares_and_rounds_are_consistent():
    res = simulate(load_scenario("iran-2025-surrender"), runs=3000)
    t = res.outcome_table()
    assert abs(t["share"].sum() - 1) < 1e-12
    ended = res.runs[res.runs["outcome"] != "ongoing"]
    assert (ended["rounds"] < res.horizon).all()
    assert (res.runs.loc[res.runs["outcome"] == "ongoing", "rounds"] == res.horizon).all()


def test_war_needs_escalation_and_deals_need_offers():
    r = simulate(load_scenario("iran-2025-surrender"), runs=3000).runs
    assert (r.loc[r["outcome"] == "war", "escalations"] >= 1).all()
    assert (r.loc[r["outcome"] == "deal", "deal_offers"] >= 1).all()


def test_no_war_without_escalation_option_being_taken():
    sc = load_scenario("iran-2015-jcpoa", {"dynamics.war_rate": 0.0})
    assert simulate(sc, runs=1000).share("war") == 0.0


def test_scheduled_killing_makes_every_run_a_succession():
    r = simulate(load_scenario("iran-2026-succession"), runs=500).runs
    assert r["martyred"].all() and (r["killed_round"] == 0).all()
    assert (r["leader_generation"] >= 1).all()


def test_no_threat_means_no_killing():
    sc = load_scenario("iran-2015-jcpoa", {"dynamics.natural_death": 0.0})
    r = simulate(sc, runs=1000).runs
    assert not r["martyred"].any() and (r["leader_generation"] == 0).all()


def test_trajectories_have_one_row_per_round():
    res = simulate(load_scenario("iran-2018-max-pressure"), runs=200, trajectories=True)
    for var in TRAJECTORY_VARS:
        assert res.trajectories[var].shape == (res.horizon + 1, 200)
    frame = res.trajectory_frame()
    assert set(frame["variable"]) == set(TRAJECTORY_VARS)
    econ = frame[frame["variable"] == "economy"].set_index("round")["median"]
    assert econ.iloc[-1] < econ.iloc[0]  # escalating sanctions erode the economy
    assert np.all(res.alive[0])


def test_renege_lowers_trust_before_the_decision():
    from compellence.engine import explain_run
    # reneging breaks a deal in force (issue 12): the run starts under one, broken at round 0
    sc = load_scenario("iran-2015-jcpoa", {"coercer.renege_rounds": [0],
                                           "regime.deal_in_force": True})
    rec = explain_run(sc, 0)
    assert rec[0]["state"]["trust"] < sc.regime.trust


def _child_outcomes(q) -> None:
    from compellence.engine.simulate import simulate_chunk

    q.put(simulate_chunk(load_scenario("iran-2025-surrender"), 1, 0, 8000).columns["outcome"])


def test_a_forked_child_runs_the_kernel_on_its_own_threads():
    """The CPU kernel's thread pool is per process: a child forked after an ensemble ran gets
    the same numbers from a pool of its own (an inherited pool has no threads and would hang)."""
    import multiprocessing

    from compellence.engine.simulate import simulate_chunk

    parent = simulate_chunk(load_scenario("iran-2025-surrender"), 1, 0, 8000).columns["outcome"]
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child_outcomes, args=(q,))
    p.start()
    p.join(120)
    alive = p.is_alive()
    if alive:
        p.kill()
    assert not alive, "the forked child hung"
    assert np.array_equal(q.get(timeout=10), parent)


def test_the_collector_is_paused_only_for_a_kernels_first_call(monkeypatch):
    """fan_out turns Python's garbage collector off while a dispatcher is compiled or loaded
    (its first call, in the calling thread, on one thread or many), and back on after, also
    when the call fails; later calls, plain functions and calls from other threads run with
    the collector as it was (its switch is one for the process)."""
    import gc
    import threading

    import pytest
    from numba import njit

    from compellence.engine import cpu

    seen = []

    class Kernel:
        """A stand-in for a numba dispatcher: no signatures until its first call."""

        def __init__(self, fail=False):
            self.signatures, self.fail = [], fail

        def __call__(self, lo, hi):
            seen.append(gc.isenabled())
            self.signatures.append("compiled")
            if self.fail:
                raise RuntimeError("compile error")

    assert gc.isenabled()
    k = Kernel()
    cpu.fan_out(k, 10, 100, (), serial=True)
    cpu.fan_out(k, 10, 100, (), serial=True)
    cpu.fan_out(lambda lo, hi: seen.append(gc.isenabled()), 10, 100, (), serial=True)
    assert seen == [False, True, True] and gc.isenabled()
    with pytest.raises(RuntimeError):
        cpu.fan_out(Kernel(fail=True), 10, 100, (), serial=True)
    assert seen[-1] is False and gc.isenabled()
    gc.disable()
    try:   # a caller that turned it off keeps it off
        cpu.fan_out(Kernel(), 10, 100, (), serial=True)
        assert not gc.isenabled()
    finally:
        gc.enable()
    # on two threads: the first piece (in this thread) paused, the pool's pieces not
    monkeypatch.setattr(cpu, "threads", lambda: 2)
    seen.clear()
    cpu.fan_out(Kernel(), 40, 10, ())
    assert seen == [False, True, True, True] and gc.isenabled()
    # from another thread: never paused
    seen.clear()
    worker = threading.Thread(target=cpu.fan_out, args=(Kernel(), 10, 100, ()),
                              kwargs={"serial": True})
    worker.start()
    worker.join()
    assert seen == [True] and gc.isenabled()

    @njit
    def dispatcher(lo, hi):   # what fan_out reads: no signatures before the first call
        return lo + hi

    assert not dispatcher.signatures
    dispatcher(0, 1)
    assert dispatcher.signatures
