"""How much the outcomes depend on the implied priors: the base scenario, the generated
one, and each grounded parameter alone at its prior's 2.5% and 97.5% points."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compellence.engine import simulate
from compellence.model.core import OUTCOMES
from compellence.rhetoric.priors import Prior
from compellence.scenario.loader import load_scenario


def _shares(sc, runs: int, seed: int) -> dict[str, float]:
    res = simulate(sc, runs=runs, seed=seed)
    return {o: res.share(o) for o in OUTCOMES}


def sensitivity(base: str, generated: Path, priors: list[Prior], runs: int, seed: int
                ) -> pd.DataFrame:
    """Outcome shares (one row per variant) under the same seed."""
    rows = [{"variant": f"{base} (hand-set)", **_shares(load_scenario(base), runs, seed)},
            {"variant": "implied priors (all)", **_shares(load_scenario(generated), runs, seed)}]
    for p in priors:
        for label, v in zip(("2.5%", "97.5%"), p.interval(), strict=True):
            sc = load_scenario(base, {p.mapping.param: round(v, 4)})
            rows.append({"variant": f"{p.mapping.param} at {label} = {v:.2f}",
                         **_shares(sc, runs, seed)})
    return pd.DataFrame(rows)
