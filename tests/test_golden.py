"""Golden figures: every built-in scenario's outcome counts at its own seed, pinned exactly on
the CPU backends (the compiled kernel at 2,000 runs, the uncompiled Python reference at 100).

A change to the model that moves any figure must update ``tests/golden/outcomes.json`` in the
same commit (``python tests/test_golden.py --update``) and say in CHANGELOG.md what changed
and why; the file records the model version it was written for.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from compellence.engine import simulate
from compellence.model.layout import OUTCOMES
from compellence.provenance import MODEL_VERSION
from compellence.scenario import load_scenario
from compellence.scenario.loader import builtin_names

GOLDEN = Path(__file__).parent / "golden" / "outcomes.json"
#: (backend, runs) pinned per scenario.
BACKENDS = {"numba": 2000, "python": 100}


def counts(name: str, backend: str, runs: int) -> dict[str, int]:
    """Outcome counts of a built-in at its seed."""
    res = simulate(load_scenario(name), runs=runs, backend=backend)
    vc = res.runs["outcome"].value_counts()
    return {o: int(vc.get(o, 0)) for o in OUTCOMES}


def current() -> dict:
    """Every pinned figure, computed now."""
    return {"model_version": MODEL_VERSION,
            "runs": BACKENDS,
            "scenarios": {name: {b: counts(name, b, n) for b, n in BACKENDS.items()}
                          for name in builtin_names()}}


def _golden() -> dict:
    return json.loads(GOLDEN.read_text())


def test_golden_file_is_for_this_model_version():
    assert _golden()["model_version"] == MODEL_VERSION, (
        "the model version changed: rerun `python tests/test_golden.py --update` and say in "
        "CHANGELOG.md what changed")
    assert sorted(_golden()["scenarios"]) == sorted(builtin_names())


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("backend", list(BACKENDS))
def test_outcome_counts_are_pinned(name, backend):
    want = _golden()["scenarios"][name][backend]
    got = counts(name, backend, BACKENDS[backend])
    assert got == want, (f"{name} on {backend} moved: {want} → {got}; if the model changed on "
                         "purpose, update tests/golden/outcomes.json and CHANGELOG.md")


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_golden.py --update")
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(current(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {GOLDEN}")
