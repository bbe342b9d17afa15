"""Rhetoric: corpus loading, coder, measures, validation rules, priors and the CLI, on
short fixture texts written for these tests (never the real corpora)."""

from __future__ import annotations

import csv
import math
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from compellence.cli import app
from compellence.rhetoric import lexicon as lx
from compellence.rhetoric import rules
from compellence.rhetoric.coder import actor_sets, attribute, score_text
from compellence.rhetoric.corpus import CorpusError, load_corpus, speaker_key
from compellence.rhetoric.measures import COUNT_COLS, measures
from compellence.rhetoric.priors import MAPPINGS, implied, leader_priors, scenario_toml
from compellence.rhetoric.score import score_both, subsample
from compellence.rhetoric.text import sentences, tokens
from compellence.rhetoric.validation import claimed, contrast, correlation
from compellence.scenario.loader import load_scenario

runner = CliRunner()

HARD = ("We honour our martyrs. The martyrdom of our youth is sacred, and God is with us. "
        "The enemy threatens us; the arrogant powers want to humiliate the nation. "
        "We will resist, and we will never surrender to America. They lie and they deceive. "
        "America attacked our people. We reject their demands. ") * 6
SOFT = ("We welcome dialogue and negotiation. We will negotiate with flexibility and seek a "
        "compromise. We support cooperation among all nations. We will help our neighbours. "
        "The United States has offered talks, and they support a diplomatic solution. ") * 6


def _khamenei(folder, texts: dict[str, tuple[int, str]]):
    folder.mkdir()
    for name, (year, body) in texts.items():
        (folder / name).write_text(f'\n<meta year="{year}" title="Fixture {name}"/>\n{body}')
    return folder


def _ungdc(folder, speeches: dict[tuple[str, int, int], tuple[str, str]]):
    import openpyxl

    folder.mkdir()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"])
    for (iso, session, year), (name, body) in speeches.items():
        (folder / f"{iso}_{session:02d}_{year}.txt").write_text(body)
        ws.append([year, session, iso, iso, name, "President"])
    wb.save(folder / "Speakers_by_session.xlsx")
    return folder


@pytest.fixture
def corpora(tmp_path):
    kh = _khamenei(tmp_path / "kh", {"1.txt": (2010, HARD), "2.txt": (2011, HARD),
                                     "3.txt": (2014, SOFT), "4.txt": (2015, SOFT),
                                     "5.txt": (2012, "Too short.")})
    un = {}
    for k, y in enumerate(range(2005, 2013)):
        un[("IRN", 60 + k, y)] = ("Mahmoud Ahmadinejad", HARD)
    for k, y in enumerate(range(2013, 2021)):
        un[("IRN", 68 + k, y)] = ("Hassan Rouhani", SOFT)
    for k, y in enumerate(range(2001, 2009)):
        un[("USA", 56 + k, y)] = ("George W. Bush", SOFT)
    return kh, _ungdc(tmp_path / "un", un)


def test_sentences_keep_abbreviations_and_tokens_keep_us_a_pronoun():
    assert sentences("Mr. Obama spoke. Then the U.S. delegation left! Why?") == [
        "Mr. Obama spoke.", "Then the U.S. delegation left!", "Why?"]
    assert tokens("The U.S. will help us.") == ["the", "united_states", "will", "help", "us"]


def test_lexicon_matches_inflections_and_phrases():
    p = lx.frame_patterns()
    assert len(p["martyrdom"].findall("martyr, martyrs, martyrdom, martyred; pure  blood")) == 5
    assert not p["martyrdom"].search("a smart yr")
    assert {"committed", "gave", "denied"} <= set(lx.verb_table())
    assert lx.verb_table()["attacked"] == -3 and lx.verb_table()["helps"] == 3


def test_attribution_self_other_negation_and_nouns():
    s, o = actor_sets("IRN")
    assert attribute(tokens("Iran will help them."), s, o) == [("self", 3)]
    assert attribute(tokens("America threatens Iran."), s, o) == [("other", -2)]
    assert attribute(tokens("We will never help them."), s, o) == [("self", -1)]
    assert attribute(tokens("We will not attack anyone."), s, o) == [("self", 1)]
    assert attribute(tokens("Our support for them"), s, o) == []
    # a clause boundary stops the look-back: "they" is not the subject of "help"
    assert attribute(tokens("They came, help arrived."), s, o) == []
    # the speaker's own state is self for its speakers and other for everyone else
    su, ou = actor_sets("USA")
    assert "iran" in ou and "america" in su and "america" in o


def test_score_text_counts_frames_and_distrust():
    c = score_text(HARD, "IRN")
    assert c.frames["martyrdom"] == 12 and c.frames["flexibility"] == 0
    assert c.distrust_sentences > 0 and c.other_sentences >= c.distrust_sentences
    assert c.self_verbs.sum() > 0 and c.other_verbs.sum() > 0
    soft = score_text(SOFT, "IRN")
    assert soft.frames["flexibility"] > 0 and soft.frames["martyrdom"] == 0


def test_indices_from_known_counts():
    row = dict.fromkeys(COUNT_COLS, 0)
    row |= {"n_words": 2000, "f_martyrdom": 4, "self_re": 3, "self_pu": 1, "other_th": 2}
    m = measures(np.array([row[c] for c in COUNT_COLS]))
    assert m["martyrdom"] == pytest.approx(2.0)
    assert m["I1"] == pytest.approx(0.5)          # (3 - 1) / 4
    assert m["I2"] == pytest.approx((9 - 3) / 12)
    assert m["P1"] == pytest.approx(-1.0) and m["P2"] == pytest.approx(-2 / 3)
    assert m["P4"] == pytest.approx(4 / 6)
    assert math.isnan(measures(np.zeros(len(COUNT_COLS)))["I1"])


def test_load_khamenei_and_ungdc_formats(corpora):
    kh, un = corpora
    c = load_corpus(kh)
    assert c.kind == "khamenei" and len(c.meta) == 4 and c.skipped_short == 1
    assert set(c.meta["year"]) == {2010, 2011, 2014, 2015}
    u = load_corpus(un)
    assert u.kind == "ungdc" and len(u.meta) == 24
    assert "rouhani" in set(u.meta["speaker_key"].str.replace("hassan", ""))
    assert speaker_key("Mr. Mhmoud Ahmadi-Nejad") == "mrmhmoudahmadinejad"


def test_corpus_errors_name_file_and_field(tmp_path, corpora):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "1.txt").write_text("no meta line here\ntext")
    with pytest.raises(CorpusError, match=r"1\.txt: line 1: expected <meta"):
        load_corpus(bad)
    _, un = corpora
    (un / "Speakers_by_session.xlsx").unlink()
    with pytest.raises(CorpusError, match=r"Speakers_by_session\.xlsx"):
        load_corpus(un)
    with pytest.raises(CorpusError, match="expected a folder"):
        load_corpus(tmp_path / "missing")


def test_subsample_is_deterministic(corpora):
    u = load_corpus(corpora[1])
    a, b = subsample(u, 10), subsample(u, 10)
    assert len(a.meta) == 10 and list(a.meta["speech_id"]) == list(b.meta["speech_id"])
    assert "subsampled 10 of 24" in a.notes[-1]


def test_contrast_passes_only_with_the_expected_sign(corpora):
    t, r, _ = score_both(load_corpus(corpora[0]), load_corpus(corpora[1]))
    flex = next(c for c in rules.CONTRASTS if c.name.startswith("flexibility: Rouhani"))
    assert contrast(flex, t, r)["passed"]
    backwards = rules.Contrast("x", "flexibility", flex.b, flex.a, +1, "reversed")
    assert not contrast(backwards, t, r)["passed"]
    same = rules.Contrast("y", "flexibility", flex.a, flex.a, +1, "a group vs itself")
    assert not contrast(same, t, r)["passed"]


def test_correlation_needs_enough_leaders():
    ours = pd.DataFrame({"P1": [0.1, 0.2]}, index=["A", "B"])
    prof = {"opcode": pd.DataFrame({"p1": [0.3, 0.1]}, index=["A", "B"])}
    row = correlation("P1", "opcode", "p1", ours, prof)
    assert not row["passed"] and row["n"] == "2" and "fewer than" in row["detail"]


def test_claimed_requires_every_test_to_pass():
    table = pd.DataFrame({"measure": ["a", "a", "b"], "passed": [True, False, True]})
    assert claimed(table) == {"a": False, "b": True}


def test_handcoded_sample_holds_identifiers_and_labels_only():
    ref = resources.files("compellence.rhetoric").joinpath("handcoded.csv")
    with ref.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert rows and set(rows[0]) == {"speech_id", "sentence", "stratum", "labels"}
    cats = set(lx.FRAMES)
    for r in rows:
        assert r["sentence"].isdigit() and r["speech_id"].endswith(".txt")
        assert r["stratum"] == "random" or r["stratum"].split(":")[1] in cats
        assert set(filter(None, r["labels"].split(";"))) <= cats


def test_mapping_is_monotone_and_centred():
    for m in MAPPINGS:
        assert m.lo <= m.value(0) <= m.hi
        assert m.value(0) == pytest.approx(min(m.hi, max(m.lo, m.mid)))
        lo, hi = m.value(-3), m.value(3)
        assert (hi >= lo) if m.half > 0 else (hi <= lo)
    mu = next(m for m in MAPPINGS if m.param == "leader.martyrdom_valuation")
    p = implied(mu, 2.0, 1.0, 3.0)
    assert -1 <= p.low < p.mode < p.high <= 1
    a, b = p.interval()
    assert p.low <= a < p.mode < b <= p.high


def test_priors_scenario_extends_the_builtin_and_loads(tmp_path, corpora):
    t, _, stats = score_both(load_corpus(corpora[0]), load_corpus(corpora[1]))
    priors = leader_priors(t, stats, {"martyrdom": True, "distrust": False})
    assert [p.mapping.measure for p in priors] == ["martyrdom"]
    path = tmp_path / "priors.toml"
    path.write_text(scenario_toml("iran-2025-surrender", "x", priors, ["test"]))
    sc, base = load_scenario(path), load_scenario("iran-2025-surrender")
    assert sc.leader.martyrdom_valuation.dist == "triangular"
    assert sc.regime.trust == base.regime.trust          # not mapped: hand-set kept
    assert sc.coercer.demand == base.coercer.demand


def test_cli_load_score_profile_plot(tmp_path, corpora):
    kh, un = corpora
    env = {"COLUMNS": "200"}
    r = runner.invoke(app, ["rhetoric", "load", str(kh)], env=env)
    assert r.exit_code == 0 and "speeches kept" in r.output and "skipped" in r.output
    db = tmp_path / "s.duckdb"
    r = runner.invoke(app, ["rhetoric", "score", str(kh), "--reference", str(un),
                            "--out", str(db)], env=env)
    assert r.exit_code == 0, r.output
    assert "Validation" in r.output and "not a measurement" in r.output
    from compellence.rhetoric.store import read

    tables = read(db)
    assert len(tables["speeches"]) == 4 + 24
    assert {"z_martyrdom", "I1", "speech_id"} <= set(tables["speeches"].columns)
    assert "text" not in tables["speeches"].columns
    out = tmp_path / "p.toml"
    r = runner.invoke(app, ["rhetoric", "profile", "--scores", str(db), "--out", str(out),
                            "--runs", "0"], env=env)
    assert r.exit_code == 0, r.output
    assert "hand-set" in r.output and "leader.martyrdom_valuation" in r.output
    assert load_scenario(out).name == "iran-2025-surrender-rhetoric"
    png = tmp_path / "m.png"
    page = tmp_path / "r.html"
    r = runner.invoke(app, ["rhetoric", "plot", "--scores", str(db), "-o", str(png),
                            "--html", str(page)], env=env)
    assert r.exit_code == 0 and png.stat().st_size > 1000
    assert "Validation" in page.read_text() and "not a measurement" in page.read_text()
    report = tmp_path / "report.html"
    r = runner.invoke(app, ["report", "iran-2025-surrender", "-o", str(report), "--runs", "200",
                            "--no-claims", "--claims-map", "0", "--rhetoric", str(db)], env=env)
    assert r.exit_code == 0, r.output
    text = report.read_text()
    assert "Validation" in text and "not a measurement" in text   # the section is in the report


def test_cli_bad_input_is_one_line_exit_2(tmp_path, corpora):
    r = runner.invoke(app, ["rhetoric", "load", str(tmp_path / "nope")])
    assert r.exit_code == 2 and "expected a folder" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["rhetoric", "profile", "--scores", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 2 and "rhetoric score" in r.output
    r = runner.invoke(app, ["rhetoric", "score", str(corpora[0]), "--reference",
                            str(corpora[0]), "--out", str(tmp_path / "y.duckdb")])
    assert r.exit_code == 2 and "UN General Debate" in r.output
