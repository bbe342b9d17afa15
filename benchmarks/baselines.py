"""The baselines a user would write instead: the same model in plain Python and in Mesa.

Both run the engine's own per-run equations (``compellence.engine.kernel.step_run``)
uncompiled — the Python function numba compiles, with its helpers swapped for their
plain-Python originals — one run at a time, drawing their random numbers from
Python's ``random`` (Mesa: the model's ``random``), as a hand-written model would.
Their outcome shares therefore agree with the engine's within Monte Carlo error,
not bit for bit (tests/test_backends.py checks the agreement).
"""

from __future__ import annotations

import random
import types

import numpy as np

from compellence.engine import kernel as kn
from compellence.engine.fast import Packed
from compellence.engine.rng import DRAWS
from compellence.model.core import OUTCOMES
from compellence.scenario.schema import Scenario


def _pure_kernel() -> types.SimpleNamespace:
    """step_run and its helpers as plain Python functions (no numba anywhere)."""
    env = dict(vars(kn))
    names = ("_clip01", "_exp0", "_level", "_add", "_succeed", "step_run")
    pure = {}
    for name in names:
        f = getattr(kn, name)
        f = getattr(f, "py_func", f)
        pure[name] = types.FunctionType(f.__code__, env, f.__name__, f.__defaults__,
                                        f.__closure__)
    env.update(pure)
    return types.SimpleNamespace(**pure)


PURE = _pure_kernel()


def _shares(pk: Packed) -> dict[str, float]:
    out = pk.ci[:, kn.OUT]
    return {o: float((out == k).mean()) for k, o in enumerate(OUTCOMES)}


def run_plain_python(sc: Scenario, runs: int, seed: int = 0) -> dict[str, float]:
    """A loop over rounds and runs in plain Python; returns outcome shares."""
    rng = random.Random(seed)
    pk = Packed(sc, seed, 0, runs)
    u = np.empty((runs, len(DRAWS)))
    step = PURE.step_run
    for t in range(pk.T):
        for i in range(runs):
            for k in range(len(DRAWS)):
                u[i, k] = rng.random()
        args = (*pk.args(t, u)[:-1], pk.term_acc[0])   # one running total for all runs
        for i in range(runs):
            step(i, *args)
    return _shares(pk)


def run_mesa(sc: Scenario, runs: int, seed: int = 0) -> dict[str, float]:
    """One Mesa agent per run; the model steps all agents each round."""
    import mesa

    class RunAgent(mesa.Agent):
        """One run of the scenario (its index into the shared parameter arrays)."""

        def __init__(self, model: CoercionModel, index: int) -> None:
            super().__init__(model)
            self.index = index

        def step(self) -> None:
            m = self.model
            row = m.u[self.index]
            for k in range(len(DRAWS)):
                row[k] = m.random.random()
            PURE.step_run(self.index, *m.round_args)

    class CoercionModel(mesa.Model):
        """The coercion model as a Mesa model."""

        def __init__(self) -> None:
            super().__init__(seed=seed)
            self.pk = Packed(sc, seed, 0, runs)
            self.u = np.empty((runs, len(DRAWS)))
            self.t = 0
            for i in range(runs):
                RunAgent(self, i)

        def step(self) -> None:
            self.round_args = (*self.pk.args(self.t, self.u)[:-1], self.pk.term_acc[0])
            self.agents.do("step")
            self.t += 1

    model = CoercionModel()
    for _ in range(model.pk.T):
        model.step()
    return _shares(model.pk)
