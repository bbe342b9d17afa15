"""The ICB → episode mapping (evidence/icb.py): hand-checked rows, the rules, the file."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from helpers import need_data
from typer.testing import CliRunner

from compellence.cli import app
from compellence.evidence import icb
from compellence.evidence import loaders as ld
from compellence.evidence.episodes import episode_scenario, load_episodes

runner = CliRunner()


@pytest.fixture(scope="module")
def coded() -> icb.Coded:
    return icb.code_icb(ld.load_icb(need_data("icb2v14.csv")),
                        ld.load_archigos(need_data("archigos_v4.1.csv")))


def _row(coded: icb.Coded, crisno: int, actor: str) -> pd.Series:
    r = coded.rows[(coded.rows["crisno"] == crisno) & (coded.rows["actor"] == actor)]
    assert len(r) == 1, (crisno, actor)
    return r.iloc[0]


def test_every_rule_has_a_reason_and_a_version():
    assert icb.MAPPING_VERSION.startswith("icb-")
    assert len(icb.RULES) >= 10 and all(len(v) > 60 for v in icb.RULES.values())
    assert set(icb.GRAVITY_TO_TYPE.values()) == set(icb.DEMAND_TYPES)


def test_profile_rule_uses_regime_and_entry_only():
    assert icb.profile_of("democracy", "irregular")[0] == "cost-benefit"
    assert icb.profile_of("military", "irregular")[0] == "charismatic-founder"
    assert icb.profile_of("civil-authoritarian", "irregular-chain")[0] == "identity-committed"
    assert icb.profile_of("civil-authoritarian", "regular")[0] == "cost-benefit"
    assert icb.profile_of("civil-authoritarian", "unknown")[0] == "cost-benefit"
    weights = [icb.profile_of(*a)[1] for a in (("democracy", "regular"),
                                                ("military", "regular"),
                                                ("military", "irregular"))]
    assert weights == sorted(weights) and all(0 < w < 1 for w in weights)


def test_origin_walks_back_through_regular_successions():
    spells = pd.DataFrame({"ccode": [1, 1, 1, 2, 2], "leader": list("abcde"),
                           "startdate": pd.to_datetime(["1900", "1910", "1920", "1900",
                                                        "1910"]),
                           "enddate": pd.to_datetime(["1910", "1920", "1930", "1910",
                                                      "1920"]),
                           "entry": ["Irregular", "Regular", "Regular", "Foreign Imposition",
                                     "Regular"]})
    assert [icb._origin(spells, i) for i in range(5)] == [
        "irregular", "irregular-chain", "irregular-chain", "foreign", "regular"]


def test_iran_override_puts_the_supreme_leader_in_office():
    arch = pd.DataFrame({"ccode": [630, 630, 630], "leader": ["Khomeini", "Rafsanjani",
                                                              "Khatami"],
                         "startdate": ["1979-02-01", "1989-08-17", "1997-08-03"],
                         "enddate": ["1989-06-03", "1997-08-03", "2005-08-03"],
                         "entry": ["Irregular", "Regular", "Regular"]})
    spells = icb.leaders(arch)
    name, origin = icb._leader_at(spells, 630, pd.Timestamp("2003-06-13"))
    assert name.startswith("Khamenei") and origin == "irregular-chain"
    assert "Rafsanjani" not in set(spells["leader"])


def test_overrides_follow_the_rules():
    o = icb.overrides("existence", "violent", 4, True)
    assert o["coercer.demand"] == 1.0 and o["coercer.pressure.strikes"] == 0.5
    assert o["coercer.pressure.military_threat"] == 1.0   # 0.8 + 0.2 (P3)
    assert o["coercer.pressure.leader_threat"] == 0.3
    p = icb.overrides("policy", "economic", 1, False)
    assert p["coercer.demand"] <= p["regime.core_threshold"]   # a deal can concede it all
    assert p["coercer.pressure.sanctions"] == 0.6 and p["coercer.pressure.strikes"] == 0.0


def test_hand_checked_rows(coded):
    # Iran, 1988 (crisis 385, Iraq recaptures al-Faw): violent trigger (triggr 9),
    # territorial threat (gravty 3), full-scale war (sevvio 4), US semi-military (usinv 7),
    # Khomeini entered irregularly (1979), defeat (outcom 4).
    r = _row(coded, 385, "IRN")
    assert (r.demand_type, r.trigger_class, r.violence, r.major_power) == \
        ("territory", "violent", 4, True)
    assert (r.leader, r.profile, r.outcome) == ("Ayatollah Khomeini", "charismatic-founder",
                                                "capitulation")
    # Iran nuclear I (442, 2003): external change (triggr 4), influence (gravty 4), no
    # violence; Archigos has Khatami, the override Khamenei after Khomeini; compromise.
    r = _row(coded, 442, "IRN")
    assert (r.demand_type, r.trigger_class, r.violence) == ("influence", "non-military", 1)
    assert r.leader.startswith("Khamenei") and r.profile == "identity-committed"
    assert r.outcome == "deal" and r.year == 2003
    # Cuban missiles (196): the US, a democracy, existence threat, victory -> ongoing.
    r = _row(coded, 196, "USA")
    assert (r.regime_type, r.profile, r.demand_type, r.outcome) == \
        ("democracy", "cost-benefit", "existence", "ongoing")
    assert r.region == "Americas"


def test_internal_triggers_are_not_coercion_targets(coded):
    # Iran, Azerbaijan 1945 (108): an internal challenge (triggr 6) -> excluded by T1
    ex = coded.excluded[(coded.excluded["crisno"] == 108) & (coded.excluded["actor"] == "IRN")]
    assert list(ex["rule"]) == ["T1: not triggered by another state"]
    assert len(coded.rows) + len(coded.excluded) == 1078
    assert not set(coded.rows["outcome"]) - {"ongoing", "deal", "capitulation"}


def test_episode_file_round_trip(coded, tmp_path):
    out = tmp_path / "icb.toml"
    r = runner.invoke(app, ["data", "episodes", "--icb", str(need_data("icb2v14.csv")),
                            "--archigos", str(need_data("archigos_v4.1.csv")), "-o", str(out),
                            "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.output)
    assert summary["episodes"] == len(coded.rows) and summary["mapping"] == icb.MAPPING_VERSION
    eps, folder, _ = load_episodes(out)
    assert len(eps.episode) == len(coded.rows)
    ep = next(e for e in eps.episode if e.id.startswith("icb-385-") and "IRN" in e.coding)
    sc = episode_scenario(ep, folder)
    assert sc.leader.profile == "charismatic-founder" and sc.coercer.demand == 0.7
    assert sc.horizon == icb.HORIZON and ep.outcome == "capitulation"
