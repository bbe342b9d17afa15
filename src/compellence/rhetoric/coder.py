"""Score one speech: framing counts, distrust, and VICS-style verb attributions.

Rule-based, by design (docs/rhetoric.md says why no statistical parser is used): a
VICS verb from :data:`lexicon.VERBS` is attributed to the nearest actor before it in
the same clause (at most :data:`WINDOW` tokens back, never across a comma, a relative
pronoun or a subordinating word). "I"/"we" and the speaker's own state are *self*;
"they", adversary nouns and other states are *other*. A verb form right after a
determiner or possessive is taken as a noun and skipped; a negation between actor
and verb turns the verb into ±1 of the opposite sign (a "will not help" is opposition,
a "will not attack" is a weak cooperative signal). What this cannot see: passives,
pronouns resolved across sentences, subjects after long noun phrases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from compellence.rhetoric import lexicon as lx
from compellence.rhetoric.text import sentences, tokens, word_count

#: How many tokens back from a verb the attribution looks for its actor.
WINDOW = 6
FRAME_NAMES = tuple(lx.FRAMES)
_PHRASE_RE = re.compile(r"(?<![a-z])(" + "|".join(
    re.escape(k) for k in sorted(lx.PHRASES, key=len, reverse=True)) + r")(?![a-z])", re.I)


@dataclass
class SpeechCounts:
    """What the coder counted in one speech (all the scores derive from these)."""

    n_words: int = 0
    n_sentences: int = 0
    frames: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FRAME_NAMES, 0))
    #: sentences naming an other-actor, and those of them that also carry a distrust word
    other_sentences: int = 0
    distrust_sentences: int = 0
    #: attributions by intensity, in the order of lexicon.SCALE
    self_verbs: np.ndarray = field(default_factory=lambda: np.zeros(6, dtype=np.int64))
    other_verbs: np.ndarray = field(default_factory=lambda: np.zeros(6, dtype=np.int64))

    def row(self) -> dict[str, int]:
        """Flat columns for storage."""
        out = {"n_words": self.n_words, "n_sentences": self.n_sentences,
               "other_sentences": self.other_sentences,
               "distrust_sentences": self.distrust_sentences}
        out |= {f"f_{k}": v for k, v in self.frames.items()}
        for who, arr in (("self", self.self_verbs), ("other", self.other_verbs)):
            out |= {f"{who}_{_cat(k)}": int(v) for k, v in zip(lx.SCALE, arr, strict=True)}
        return out


def _cat(k: int) -> str:
    return {3: "re", 2: "pr", 1: "ap", -1: "op", -2: "th", -3: "pu"}[k]


def actor_sets(iso: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(self words, other words) for a speaker of state ``iso``."""
    own = lx.COUNTRY_NAMES.get(iso or "", ())
    others = [n for k, names in lx.COUNTRY_NAMES.items() if k != iso for n in names]
    return (frozenset(lx.SELF_PRONOUNS + own),
            frozenset(lx.OTHER_GENERIC + lx.OTHER_COUNTRIES + tuple(others)) - set(own))


def attribute(toks: list[str], self_w: frozenset[str], other_w: frozenset[str]
              ) -> list[tuple[str, int]]:
    """(``self``/``other``, intensity) for every attributed VICS verb in one sentence."""
    verbs = lx.verb_table()
    found = []
    for i, t in enumerate(toks):
        k = verbs.get(t)
        if k is None or (i and toks[i - 1] in lx.NOUN_MARKERS):
            continue
        negated = False
        for j in range(i - 1, max(-1, i - 1 - WINDOW), -1):
            w = toks[j]
            if w in lx.BOUNDARIES:
                break
            if w in lx.NEGATIONS:
                negated = True
            who = "self" if w in self_w else "other" if w in other_w else None
            if who:
                found.append((who, (-1 if k > 0 else 1) if negated else k))
                break
    return found


def score_text(text: str, iso: str | None) -> SpeechCounts:
    """Count frames, distrust and attributions in one speech by a speaker of ``iso``."""
    c = SpeechCounts(n_words=word_count(text))
    self_w, other_w = actor_sets(iso)
    fp, dp = lx.frame_patterns(), lx.distrust_pattern()
    for k, pat in fp.items():
        c.frames[k] = len(pat.findall(text))
    pos = {k: i for i, k in enumerate(lx.SCALE)}
    for s in sentences(text):
        c.n_sentences += 1
        toks = tokens(_PHRASE_RE.sub(lambda m: lx.PHRASES[m.group(1).lower()], s))
        if any(t in other_w for t in toks):
            c.other_sentences += 1
            c.distrust_sentences += bool(dp.search(s))
        for who, k in attribute(toks, self_w, other_w):
            (c.self_verbs if who == "self" else c.other_verbs)[pos[k]] += 1
    return c
