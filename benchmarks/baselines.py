"""The baselines a user would write instead: the same model in plain Python and in Mesa.

Both run the model's one definition (:func:`compellence.model.equations.simulate_run`)
uncompiled, one run at a time: plain Python as a loop over runs (this is the ``python``
backend), Mesa with one agent per run that simulates its run when stepped. They draw the
engine's own counter-based random numbers, so their results equal the engine's run for
run (tests/test_backends.py checks it); the benchmark measures only how fast each is.
"""

from __future__ import annotations

import numpy as np

from compellence.engine import simulate
from compellence.engine.spec import spec_of
from compellence.model import layout as lay
from compellence.model.core import OUTCOMES
from compellence.model.equations import simulate_run
from compellence.scenario.schema import Scenario


def _shares(outcome: np.ndarray) -> dict[str, float]:
    return {o: float((outcome == k).mean()) for k, o in enumerate(OUTCOMES)}


def run_plain_python(sc: Scenario, runs: int, seed: int = 0) -> dict[str, float]:
    """A loop over runs in plain Python (the uncompiled model); returns outcome shares."""
    res = simulate(sc, runs=runs, seed=seed, backend="python")
    return _shares(res.runs["outcome"].cat.codes.to_numpy())


def run_mesa(sc: Scenario, runs: int, seed: int = 0) -> dict[str, float]:
    """One Mesa agent per run; stepping the model simulates every agent's run."""
    import mesa

    spec = spec_of(sc)
    T = spec.horizon

    class RunAgent(mesa.Agent):
        """One run of the scenario, with its own state and scratch arrays."""

        def __init__(self, model: CoercionModel, index: int) -> None:
            super().__init__(model)
            self.index = index

        def step(self) -> None:
            m = self.model
            i = self.index
            simulate_run(i, i, seed, T, spec.kind, spec.const, spec.table, spec.key,
                         spec.sched, spec.is_sched, spec.listed, spec.M, spec.kill_round,
                         spec.renege, spec.LRN, spec.HYP, np.empty(lay.NVX), np.empty(lay.NS),
                         np.empty(lay.NO), np.empty(lay.NR), np.empty((lay.NT, 4)),
                         np.empty(4), np.empty(lay.NVX), np.empty(5), np.empty(8), m.CI,
                         m.CF, np.empty((lay.NT, 4)), False, m.d3, m.d2, m.d3, m.d2[0],
                         False, m.d2, m.d3)

    class CoercionModel(mesa.Model):
        """The coercion model as a Mesa model (its randomness is the engine's, by counter)."""

        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.CI = np.zeros((runs, lay.NCI), np.int64)
            self.CF = np.zeros((runs, lay.NCF))
            self.d2 = np.zeros((1, 1))
            self.d3 = np.zeros((1, 1, 1))
            for i in range(runs):
                RunAgent(self, i)

        def step(self) -> None:
            self.agents.do("step")

    model = CoercionModel()
    model.step()
    return _shares(model.CI[:, lay.OUT])
