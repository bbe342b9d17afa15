"""Sentences and tokens, by rule (no statistical model; see docs/rhetoric.md for why).

The sentence splitter is part of the hand-coded sample's identifiers (speech, sentence
index), so it must stay stable: change it only together with ``handcoded.csv``.
"""

from __future__ import annotations

import re

_ABBREV = ("mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "e.g", "i.e", "u.s", "u.n",
           "jr", "sr", "prof", "gen", "col", "messrs")
_ABBR_RE = re.compile(r"\b(" + "|".join(re.escape(a) for a in _ABBREV) + r")\.", re.I)
_SPLIT_RE = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]*[A-Z0-9])|\n\s*\n|\n(?=\s*[A-Z\"“])")
_TOKEN_RE = re.compile(r"[A-Za-z_]+(?:['’][A-Za-z]+)?(?:-[A-Za-z]+)*|[,;:()]")
_MARK = "\u0000"


def sentences(text: str) -> list[str]:
    """Split a speech into sentences (full stops after common abbreviations do not split)."""
    protected = _ABBR_RE.sub(lambda m: m.group(1) + _MARK, text.replace(_MARK, ""))
    parts = (p.replace(_MARK, ".").strip() for p in _SPLIT_RE.split(protected))
    return [p for p in parts if p and any(c.isalpha() for c in p)]


def tokens(sentence: str) -> list[str]:
    """Word tokens in lower case, with clause punctuation (, ; : parentheses) kept as tokens;
    "U.S." and "US" become ``united_states`` so the pronoun "us" stays a pronoun."""
    s = re.sub(r"\bU\.\s?S\.(?:\s?A\.)?|\bUSA\b|\bUS\b", " united_states ", sentence)
    return [t.lower().replace("’", "'") for t in _TOKEN_RE.findall(s)] if s else []


def word_count(text: str) -> int:
    """Number of word tokens (the denominator of every rate per 1,000 words)."""
    return len(re.findall(r"[A-Za-z]+(?:['’][A-Za-z]+)?", text))
