"""From counts to measures: rates per 1,000 words, the VICS indices, pooled and bootstrapped.

Every measure is a function of summed counts, so a group of speeches (a leader, a
year) is scored by pooling its counts, and a bootstrap resamples whole speeches.
Index definitions follow Walker, Schafer & Young (1998) and Schafer & Walker (2006,
*Beliefs and Leadership in World Politics*), computed over this project's
rule-based attributions (an approximation of Profiler Plus's coding; docs/rhetoric.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compellence.rhetoric.coder import FRAME_NAMES

CATS = ("re", "pr", "ap", "op", "th", "pu")
_W = np.array([3, 2, 1, -1, -2, -3], dtype=float)
SELF_COLS = [f"self_{c}" for c in CATS]
OTHER_COLS = [f"other_{c}" for c in CATS]
FRAME_COLS = [f"f_{k}" for k in FRAME_NAMES]
COUNT_COLS = ["n_words", "other_sentences", "distrust_sentences", *FRAME_COLS, *SELF_COLS,
              *OTHER_COLS]

#: Measure → (what it is, its literature source). Framing rates are per 1,000 words.
MEASURES: dict[str, tuple[str, str]] = {
    "martyrdom": ("martyrdom vocabulary per 1,000 words", "project lexicon (lexicon.py)"),
    "dignity_humiliation": ("dignity/honour/humiliation per 1,000 words", "project lexicon"),
    "resistance": ("resistance/steadfastness per 1,000 words", "project lexicon"),
    "sacredness": ("sacred/religious vocabulary per 1,000 words", "project lexicon"),
    "arrogance_enemy": ("'arrogance', hegemony, enemy per 1,000 words", "project lexicon"),
    "flexibility": ("negotiation/compromise/flexibility per 1,000 words", "project lexicon"),
    "distrust": ("share of sentences naming another actor that carry a distrust word",
                 "after Hermann (2003), leadership-trait distrust"),
    "P1": ("nature of the political universe: (coop − conf) / other attributions",
           "Walker, Schafer & Young (1998)"),
    "P2": ("realization of political values: mean other intensity / 3", "ibid."),
    "P3": ("predictability: 1 − IQV of other attributions", "ibid."),
    "P4": ("historical control: self / (self + other) attributions", "ibid."),
    "P5": ("role of chance: 1 − P3 × P4", "ibid."),
    "I1": ("strategic approach: (coop − conf) / self attributions", "ibid."),
    "I2": ("intensity of tactics: mean self intensity / 3", "ibid."),
    "I3": ("risk orientation: 1 − IQV of self attributions", "ibid."),
    "I4a": ("timing, cooperation vs conflict: 1 − |coop − conf| share", "ibid."),
    "I4b": ("timing, words vs deeds: 1 − |words − deeds| share", "ibid."),
    "I5re": ("utility of reward: share of self attributions", "ibid."),
    "I5pu": ("utility of punishment: share of self attributions", "ibid."),
}
FRAMING = (*FRAME_NAMES, "distrust")
VICS = tuple(m for m in MEASURES if m[0] in "PI")
#: Fewest attributions for a single speech's VICS index to be reported (else NaN).
MIN_ATTRIBUTIONS = 5


def _iqv(c: np.ndarray, n: np.ndarray) -> np.ndarray:
    p = c / np.where(n > 0, n, 1)[..., None]
    return (6 / 5) * (1 - (p**2).sum(-1))


def measures(counts: np.ndarray, cols: list[str] = COUNT_COLS) -> dict[str, np.ndarray]:
    """Every measure from count rows (..., len(cols)); NaN where the denominator is 0."""
    ix = {c: i for i, c in enumerate(cols)}
    get = lambda name: counts[..., ix[name]].astype(float)  # noqa: E731
    words = get("n_words")
    per_k = np.where(words > 0, 1000 / np.where(words > 0, words, 1), np.nan)
    out = {k: get(f"f_{k}") * per_k for k in FRAME_NAMES}
    osent = get("other_sentences")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["distrust"] = np.where(osent > 0, get("distrust_sentences") / osent, np.nan)
        s = np.stack([get(c) for c in SELF_COLS], -1)
        o = np.stack([get(c) for c in OTHER_COLS], -1)
        ns, no = s.sum(-1), o.sum(-1)
        nan_s = np.where(ns > 0, 1.0, np.nan)
        nan_o = np.where(no > 0, 1.0, np.nan)
        ds, do = np.where(ns > 0, ns, 1), np.where(no > 0, no, 1)
        out["P1"] = (o[..., :3].sum(-1) - o[..., 3:].sum(-1)) / do * nan_o
        out["P2"] = (o @ _W) / (3 * do) * nan_o
        out["P3"] = (1 - _iqv(o, no)) * nan_o
        tot = ns + no
        out["P4"] = np.where(tot > 0, ns / np.where(tot > 0, tot, 1), np.nan)
        out["P5"] = 1 - out["P3"] * out["P4"]
        out["I1"] = (s[..., :3].sum(-1) - s[..., 3:].sum(-1)) / ds * nan_s
        out["I2"] = (s @ _W) / (3 * ds) * nan_s
        out["I3"] = (1 - _iqv(s, ns)) * nan_s
        coop, conf = s[..., :3].sum(-1) / ds, s[..., 3:].sum(-1) / ds
        out["I4a"] = (1 - np.abs(coop - conf)) * nan_s
        deeds = (s[..., 0] + s[..., 5]) / ds
        out["I4b"] = (1 - np.abs((1 - deeds) - deeds)) * nan_s
        out["I5re"] = s[..., 0] / ds * nan_s
        out["I5pu"] = s[..., 5] / ds * nan_s
    return out


def per_speech(df: pd.DataFrame) -> pd.DataFrame:
    """Each speech's measures; VICS indices NaN under MIN_ATTRIBUTIONS attributions."""
    m = measures(df[COUNT_COLS].to_numpy())
    out = pd.DataFrame(m, index=df.index)
    ns, no = df[SELF_COLS].sum(axis=1), df[OTHER_COLS].sum(axis=1)
    for k in VICS:
        base = no if k[:2] in ("P1", "P2", "P3") else ns if k[0] == "I" else ns + no
        out.loc[base < MIN_ATTRIBUTIONS, k] = np.nan
    return out


def pooled(df: pd.DataFrame) -> dict[str, float]:
    """A group's measures from its summed counts."""
    return {k: float(v) for k, v in measures(df[COUNT_COLS].to_numpy().sum(0)).items()}


def boot_pooled(df: pd.DataFrame, boot: int, seed: int) -> dict[str, np.ndarray]:
    """``boot`` bootstrap replicates of :func:`pooled`, resampling whole speeches."""
    x = df[COUNT_COLS].to_numpy().astype(float)
    rng = np.random.default_rng(seed)
    w = rng.multinomial(len(x), np.full(len(x), 1 / len(x)), size=boot).astype(float)
    return measures(w @ x)


def zscore(value: np.ndarray | float, ref: dict[str, float]) -> np.ndarray | float:
    """(value − reference mean) / reference sd."""
    return (value - ref["mean"]) / ref["sd"]


def reference_stats(ref_df: pd.DataFrame) -> pd.DataFrame:
    """Mean, sd and n of each measure over single reference speeches (the z-score base)."""
    m = per_speech(ref_df)
    rows = [{"measure": k, "mean": float(m[k].mean()), "sd": float(m[k].std(ddof=1)),
             "n": int(m[k].notna().sum())} for k in MEASURES]
    return pd.DataFrame(rows)
