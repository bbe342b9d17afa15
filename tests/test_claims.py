"""The claims as checks that can fail: verdict and floor logic, attribution marking,
the paired design and the holding map. The tests RECORD each claim's verdict (as a
test property) and never assert that a claim holds: figures change with the model."""

from __future__ import annotations

import math

import pytest

from compellence.analysis import thresholds as th
from compellence.analysis.claims import (
    ATTRIBUTABLE,
    FAILS,
    HOLDS,
    NO_DISCRIMINATION,
    NOT_ATTRIBUTABLE,
    SPECS,
    UNTESTABLE,
    Ctx,
    Figure,
    attribution,
    judge,
    one_thread,
    paired,
    run_claims,
    share_at_floor,
    verdict,
)
from compellence.engine import simulate
from compellence.scenario import load_scenario
from compellence.scenario.profiles import (
    COST_BENEFIT,
    IDENTITY_COMMITTED,
    IDENTITY_SPECIFIC,
    SECURITY_SEEKING,
)

RUNS = 300
VERDICTS = {HOLDS, FAILS, NO_DISCRIMINATION, UNTESTABLE}


def fig(state: str, floor: bool = False) -> Figure:
    return Figure(0.0, -0.1, 0.1, state, floor)


@pytest.fixture(scope="module")
def table():
    """The whole table once, small (the claims run many ensembles)."""
    return run_claims(RUNS, seed=7)


def test_verdict_logic():
    ok, no, floor = fig("holds"), fig("contradicts"), fig("contradicts", floor=True)
    assert verdict(ok, no, None, True) == HOLDS
    assert verdict(ok, no, no, True) == HOLDS
    assert verdict(fig("inconclusive"), no, None, True) == FAILS
    assert verdict(no, no, None, False) == FAILS
    assert verdict(ok, ok, None, True) == NO_DISCRIMINATION
    assert verdict(ok, fig("inconclusive"), None, True) == NO_DISCRIMINATION
    assert verdict(ok, no, ok, True) == NO_DISCRIMINATION
    # both figures at a floor: never passed, whatever their judgements say
    assert verdict(fig("holds", floor=True), floor, None, False) == UNTESTABLE
    # a claim that needs the essay's figure to move cannot pass with it at a floor
    assert verdict(fig("holds", floor=True), no, None, True) == UNTESTABLE
    assert verdict(fig("holds", floor=True), no, None, False) == HOLDS


def test_judge_needs_the_interval_beyond_the_minimal_effect():
    assert judge(0.06, 0.10, 0.05, "above") == "holds"
    assert judge(0.04, 0.10, 0.05, "above") == "inconclusive"   # the point alone is not enough
    assert judge(0.00, 0.04, 0.05, "above") == "contradicts"
    assert judge(-0.01, 0.02, 0.03, "below") == "holds"
    assert judge(0.02, 0.05, 0.03, "below") == "inconclusive"
    assert judge(0.04, 0.05, 0.03, "below") == "contradicts"


def test_floors():
    assert share_at_floor(0.0, 10_000) and share_at_floor(1.0, 10_000)
    assert share_at_floor(0.003, 10_000)
    assert not share_at_floor(0.003, 200)          # not distinguishable from 0.01 at 200 runs
    assert share_at_floor(0.003, 200, point=True)  # the map judges point estimates
    assert not share_at_floor(0.5, 100) and not share_at_floor(0.05, 10_000)


def test_attribution_marking():
    assert attribution(fig("holds")) == NOT_ATTRIBUTABLE
    assert attribution(fig("contradicts")) == ATTRIBUTABLE
    assert attribution(fig("inconclusive")) == ATTRIBUTABLE


@pytest.mark.parametrize("number", [s.number for s in SPECS],
                         ids=[f"claim_{s.number}" for s in SPECS])
def test_claim_recorded_with_its_mechanism_off(table, number, record_property):
    """Each claim's verdict, and its figure with its own mechanism switch off (and only
    that one), are recorded; the table's marking follows from the switched-off figure."""
    r = next(x for x in table if x.number == number)
    record_property("verdict", r.verdict)
    record_property("without_mechanism", f"{r.mechanism}: {r.without.state}")
    assert r.verdict in VERDICTS
    assert r.mechanism == th.MECHANISM[number]
    assert r.attribution == attribution(r.without)
    assert (r.attribution == NOT_ATTRIBUTABLE) == (r.without.state == "holds")
    # the switched-off figure is the essay's figure measured with that switch forced off
    spec = next(s for s in SPECS if s.number == number)
    with one_thread():
        again = spec.measure(Ctx(RUNS, 7, force={f"mechanisms.{r.mechanism}": False}), {})
    assert again.state == r.without.state
    assert again.value == pytest.approx(r.without.value, nan_ok=True)
    assert r.verdict == verdict(r.essay, r.contrast, r.rival, spec.essay_must_move)


def test_no_claim_passes_with_both_figures_at_a_floor(table):
    for r in table:
        if r.verdict == HOLDS:
            assert not (r.essay.at_floor and r.contrast.at_floor), r.number
        if r.essay.at_floor and r.contrast.at_floor:
            assert r.verdict == UNTESTABLE, r.number


def test_rows_carry_what_the_table_shows(table):
    for r in table:
        d = r.to_dict()
        assert d["passage"] and d["quantity"] and d["threshold"] and d["runs"] == RUNS
        for key in ("essay", "contrast", "without_mechanism"):
            f = d[key]
            assert math.isnan(f["value"]) or f["low"] <= f["value"] <= f["high"]
        assert (d["rival"] is not None) == (r.number in th.RIVAL_CLAIMS)
        assert d["in_window"] == (th.WINDOW[0] <= d["reference_share"] <= th.WINDOW[1])


def test_each_contrast_changes_only_its_mechanisms_parameters():
    for spec in SPECS:
        assert spec.contrast, spec.number
        assert all(k.startswith("leader.") for k in spec.contrast), spec.number
        assert len(spec.contrast) == 1, spec.number


def test_paired_arms_use_common_random_numbers():
    """The same scenario and seed twice: the paired difference is exactly zero."""
    sc = load_scenario("iran-2015-jcpoa")
    a, b = simulate(sc, runs=RUNS, seed=3), simulate(sc, runs=RUNS, seed=3)
    f = paired(Ctx(RUNS), a, b, ("deal",), 0.03, "above")
    assert f.value == 0 and f.low == 0 and f.high == 0 and f.state == "contradicts"


def test_claims_are_reproducible_with_a_seed(table):
    spec = SPECS[2]
    with one_thread():
        f = spec.measure(Ctx(RUNS, 7), {})
    r = next(x for x in table if x.number == spec.number)
    assert (f.value, f.low, f.high) == (r.essay.value, r.essay.low, r.essay.high)


def test_security_seeking_rival_has_no_identity_terms():
    for k in IDENTITY_SPECIFIC:
        if k not in ("survival_weight", "believed_collapse_slope"):
            assert SECURITY_SEEKING[k] == COST_BENEFIT[k], k
    assert SECURITY_SEEKING["survival_weight"] > COST_BENEFIT["survival_weight"]
    assert SECURITY_SEEKING["believed_collapse_slope"] > COST_BENEFIT["believed_collapse_slope"]
    for k, v in IDENTITY_COMMITTED.items():
        if k not in IDENTITY_SPECIFIC:
            assert SECURITY_SEEKING[k] == v, k
    sc = load_scenario("iran-2025-surrender", {"leader.profile": "security-seeking"})
    assert sc.leader.survival_weight == SECURITY_SEEKING["survival_weight"]


def test_holding_map_is_stored_and_resumes(tmp_path):
    pytest.importorskip("ema_workbench")
    from compellence.analysis.claims_map import compute_map

    db = tmp_path / "map.duckdb"
    m = compute_map(points=8, runs=60, out=db)
    assert len(m.points) == 8 and len(m.figures) == 8 * len(SPECS)
    assert set(m.points.columns) == set(th.MAP_RANGES)
    for reg in m.regions:
        assert 0 <= reg.holding_share <= 1 and 0 <= reg.floor_share <= 1
        assert (reg.box is None) == bool(reg.note)
    again = compute_map(points=8, runs=60, out=db)     # read back, nothing recomputed
    assert again.experiment == m.experiment
    assert again.figures["holds"].tolist() == m.figures["holds"].tolist()
