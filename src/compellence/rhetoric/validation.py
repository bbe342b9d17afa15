"""Run the validation plan of :mod:`rules` on scored speeches; nothing here sets a rule.

Three kinds of test: known-group contrasts (speeches resampled within each group),
Spearman rank correlation with Profiler Plus (leaders resampled), and the lexicon's
precision on hand-read sentences (``handcoded.csv``: speech and sentence identifiers
with labels, never the text). A measure is claimed only if all its tests pass.
"""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from compellence.rhetoric import rules
from compellence.rhetoric.corpus import CorpusError
from compellence.rhetoric.measures import boot_pooled, pooled

#: Profiler Plus leaders found in the UN General Debate corpus: Profiler name →
#: (ISO code, speaker-key substring, first and last year in office). The years keep
#: George H. W. and George W. Bush apart, and Herbert Hoover Jr (1950s) out.
UN_LEADERS: dict[str, tuple[str, str, int, int]] = {
    "Dwight Eisenhower": ("USA", "eisenhower", 1953, 1960),
    "John Kennedy": ("USA", "kennedy", 1961, 1963),
    "Richard Nixon": ("USA", "nixon", 1969, 1974),
    "Jimmy Carter": ("USA", "carter", 1977, 1980),
    "Ronald Reagan": ("USA", "reagan", 1981, 1988),
    "GeorgeH.W. Bush": ("USA", "bush", 1989, 1992),
    "William Clinton": ("USA", "clinton", 1993, 2000),
    "GeorgeW Bush": ("USA", "bush", 2001, 2008),
    "Barack Obama": ("USA", "obama", 2009, 2016),
    "Donald Trump": ("USA", "trump", 2017, 2020),
    "Benjamin Netanyahu": ("ISR", "netanyahu", 1996, 2024),
    "Ehud Olmert": ("ISR", "olmert", 2006, 2009),
    "Ariel Sharon": ("ISR", "sharon", 2001, 2006),
}


def select(g: rules.Group, target: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The speeches of one group."""
    df = target if g.corpus == "target" else reference
    keep = df["year"].between(*g.years)
    if g.speaker:
        keep &= df["speaker_key"].str.contains(g.speaker, regex=False)
    if g.iso:
        keep &= df["iso"] == g.iso
    return df[keep]


def _interval(x: np.ndarray) -> tuple[float, float]:
    a = (1 - rules.LEVEL) / 2
    x = x[np.isfinite(x)]
    return (float(np.quantile(x, a)), float(np.quantile(x, 1 - a))) if len(x) else (np.nan,) * 2


def contrast(c: rules.Contrast, target: pd.DataFrame, reference: pd.DataFrame,
             seed: int = 17) -> dict:
    """One known-group contrast, judged by the rule written in :mod:`rules`."""
    a, b = select(c.a, target, reference), select(c.b, target, reference)
    row = {"test": c.name, "kind": "contrast", "measure": c.measure, "n": f"{len(a)} vs {len(b)}",
           "expected": f"{'>' if c.sign > 0 else '<'} 0", "estimate": np.nan, "lo": np.nan,
           "hi": np.nan, "passed": False}
    if len(a) < 2 or len(b) < 2:
        return row | {"detail": "too few speeches in a group"}
    est = pooled(a)[c.measure] - pooled(b)[c.measure]
    d = boot_pooled(a, rules.BOOT, seed)[c.measure] - boot_pooled(b, rules.BOOT, seed + 1)[
        c.measure]
    lo, hi = _interval(d)
    ok = bool(np.sign(est) == c.sign and (lo > 0 if c.sign > 0 else hi < 0))
    return row | {"estimate": est, "lo": lo, "hi": hi, "passed": ok, "detail": c.why}


def load_profiler(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The Profiler Plus tables (opcode, lta) of ``shared/data/leaders``, indexed by name."""
    folder = Path(folder)
    out = {}
    for stem in ("opcode", "lta"):
        f = folder / f"data_csv_leader_{stem}.csv"
        if not f.exists():
            raise CorpusError(f, "file", "expected the Profiler Plus table here")
        df = pd.read_csv(f)
        if "name" not in df.columns:
            raise CorpusError(f, "name", "expected a 'name' column")
        df["name"] = df["name"].astype(str).str.strip()
        out[stem] = df.set_index("name")
    return out


def leader_scores(reference: pd.DataFrame) -> pd.DataFrame:
    """Each Profiler Plus leader's pooled measures over his UN speeches (if any)."""
    rows = []
    for name, (iso, key, y0, y1) in UN_LEADERS.items():
        g = reference[(reference["iso"] == iso) & reference["year"].between(y0, y1)
                      & reference["speaker_key"].str.contains(key, regex=False)]
        if len(g):
            rows.append({"leader": name, "speeches": len(g), **pooled(g)})
    return pd.DataFrame(rows).set_index("leader") if rows else pd.DataFrame()


def correlation(measure: str, stem: str, col: str, ours: pd.DataFrame,
                profiler: dict[str, pd.DataFrame], seed: int = 17) -> dict:
    """Spearman ρ of our measure with Profiler Plus's, over the leaders in both."""
    row = {"test": f"{measure} vs Profiler Plus {col}", "kind": "spearman", "measure": measure,
           "expected": f"rho >= {rules.RHO_MIN}, CI > 0", "estimate": np.nan, "lo": np.nan,
           "hi": np.nan, "passed": False, "detail": ""}
    if ours.empty:
        return row | {"n": "0", "detail": "no overlapping leader"}
    both = ours[[measure]].rename(columns={measure: "ours"}).join(
        profiler[stem][[col]].rename(columns={col: "profiler"}), how="inner").dropna()
    n = len(both)
    row["n"] = str(n)
    if n < rules.MIN_LEADERS:
        return row | {"detail": f"fewer than {rules.MIN_LEADERS} leaders"}
    x, y = both["ours"].to_numpy(), both["profiler"].to_numpy()
    rho = float(stats.spearmanr(x, y).statistic)
    rng = np.random.default_rng(seed)
    reps = []
    for _ in range(rules.BOOT):
        i = rng.integers(0, n, n)
        if np.ptp(x[i]) > 0 and np.ptp(y[i]) > 0:
            reps.append(stats.spearmanr(x[i], y[i]).statistic)
    lo, hi = _interval(np.asarray(reps, float))
    return row | {"estimate": rho, "lo": lo, "hi": hi,
                  "passed": bool(rho >= rules.RHO_MIN and lo > 0),
                  "detail": ", ".join(both.index)}


def handcoded() -> list[dict[str, str]]:
    """The hand-read sample: speech_id, sentence index, stratum, labels (no text)."""
    ref = resources.files("compellence.rhetoric").joinpath("handcoded.csv")
    with ref.open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def lexicon_tests(corpus_roots: dict[str, Path]) -> list[dict]:
    """Precision (and recall on the random stratum) of each framing category on the
    hand-read sentences, re-read from the user's corpora by their identifiers."""
    from compellence.rhetoric import lexicon as lx
    from compellence.rhetoric.corpus import _body
    from compellence.rhetoric.text import sentences

    sample = handcoded()
    cache: dict[str, list[str]] = {}
    judged = []
    for r in sample:
        folder, _, fname = r["speech_id"].partition("/")
        root = corpus_roots.get(folder)
        if root is None:
            continue
        if r["speech_id"] not in cache:
            kind = "ungdc" if "_" in fname else "khamenei"
            cache[r["speech_id"]] = sentences(_body(root / fname, kind))
        sents = cache[r["speech_id"]]
        i = int(r["sentence"])
        if i >= len(sents):
            raise CorpusError(r["speech_id"], "sentence", f"index {i} beyond its {len(sents)} "
                              "sentences: the corpus or the splitter changed")
        labels = set(filter(None, r["labels"].split(";")))
        judged.append((r["stratum"], sents[i], labels))
    out = []
    missing = "" if judged else ("the hand-read sentences are in corpus folders named "
                                 + ", ".join(sorted({r["speech_id"].split("/")[0]
                                                     for r in sample}))
                                 + "; none was scored in this run")
    for cat in rules.LEXICON_TESTED:
        pat = lx.frame_patterns()[cat]
        hits = [lab for _, s, lab in judged if pat.search(s)]
        rel_random = [bool(pat.search(s)) for st, s, lab in judged if st == "random"
                      and cat in lab]
        prec = sum(cat in lab for lab in hits) / len(hits) if hits else np.nan
        rec = sum(rel_random) / len(rel_random) if rel_random else np.nan
        out.append({"test": f"{cat}: lexicon precision", "kind": "precision", "measure": cat,
                    "n": str(len(hits)), "expected": f">= {rules.PRECISION_MIN}",
                    "estimate": prec, "lo": np.nan, "hi": np.nan,
                    "passed": bool(hits and prec >= rules.PRECISION_MIN),
                    "detail": missing or (f"recall on the random stratum {rec:.2f} "
                                          f"(n={len(rel_random)} relevant)" if rel_random
                                          else "recall: no relevant sentence in the random "
                                          "stratum")})
    return out


def validate(target: pd.DataFrame, reference: pd.DataFrame, leaders: Path | None,
             corpus_roots: dict[str, Path]) -> pd.DataFrame:
    """Every test of the plan, one row each, with passed / failed and the figures."""
    rows = [contrast(c, target, reference) for c in rules.CONTRASTS]
    if leaders is not None:
        prof = load_profiler(leaders)
        ours = leader_scores(reference)
        rows += [correlation(m, s, c, ours, prof) for m, s, c in rules.CORRELATIONS]
    rows += lexicon_tests(corpus_roots)
    return pd.DataFrame(rows)


def claimed(table: pd.DataFrame) -> dict[str, bool]:
    """Measure → validated (every test that applies passed; at least one applied)."""
    return {m: bool(g["passed"].all()) for m, g in table.groupby("measure")}

