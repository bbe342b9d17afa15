"""The validation plan, written before any score was computed (issue 17).

Each test names a measure, what it compares and the sign expected; the pass rules
are fixed here so that the results cannot choose them. A measure is *claimed*
(validated) only if every test that applies to it passes, and at least one does
apply. Committed before the first run of ``compellence rhetoric score`` on the
real corpora; changing a rule after seeing results must be a visible commit.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Bootstrap replicates for every interval (speeches, or leaders, resampled).
BOOT = 2000
#: Two-sided level of every interval.
LEVEL = 0.95
#: Rank-correlation rule: Spearman ρ at least this, and its interval's low end above 0.
RHO_MIN = 0.3
#: Fewest overlapping leaders for a rank correlation to be computed at all (else: fails).
MIN_LEADERS = 8
#: Lexicon rule: precision of a framing category on the hand-read sentences at least this.
PRECISION_MIN = 0.7


@dataclass(frozen=True)
class Group:
    """Speeches selected by speaker key (letters only, lower case, substring),
    country code and an inclusive year range; ``corpus`` is "target" or "reference"."""

    corpus: str
    speaker: str | None = None
    iso: str | None = None
    years: tuple[int, int] = (1900, 2100)
    label: str = ""


@dataclass(frozen=True)
class Contrast:
    """Known-group contrast: measure(A) − measure(B) should have ``sign``; passes when
    it does and its 95% bootstrap interval (speeches resampled in each group) excludes 0."""

    name: str
    measure: str
    a: Group
    b: Group
    sign: int
    why: str


KH_PRE = Group("target", "khamenei", None, (1997, 2012), "Khamenei 1997-2012")
KH_POST = Group("target", "khamenei", None, (2013, 2016), "Khamenei 2013-2016")
ROUHANI = Group("reference", "rouhani", "IRN", (2013, 2020), "Rouhani at the UN")
AHMADINEJAD = Group("reference", "ahmadinejad", "IRN", (2005, 2012), "Ahmadinejad at the UN")
KHATAMI = Group("reference", "khatami", "IRN", (1997, 2005), "Khatami at the UN")
IRAN_UN = Group("reference", None, "IRN", (1946, 2100), "Iran at the UN")
USA_UN = Group("reference", None, "USA", (1946, 2100), "USA at the UN")

CONTRASTS: tuple[Contrast, ...] = (
    Contrast("martyrdom: Iran vs USA at the UN", "martyrdom", IRAN_UN, USA_UN, +1,
             "the Islamic Republic's official rhetoric honours martyrs; US rhetoric seldom"),
    Contrast("resistance: Iran vs USA at the UN", "resistance", IRAN_UN, USA_UN, +1,
             "'resistance' is a self-description of the Islamic Republic and its axis"),
    Contrast("sacredness: Iran vs USA at the UN", "sacredness", IRAN_UN, USA_UN, +1,
             "a theocracy's envoys invoke God and the sacred more than a secular state's"),
    Contrast("arrogance/enemy: Iran vs USA at the UN", "arrogance_enemy", IRAN_UN, USA_UN, +1,
             "'global arrogance', hegemony and the enemy are Iranian revolutionary vocabulary"),
    Contrast("arrogance/enemy: Ahmadinejad vs Rouhani", "arrogance_enemy", AHMADINEJAD,
             ROUHANI, +1, "Ahmadinejad's confrontational presidency vs Rouhani's engagement"),
    Contrast("dignity/humiliation: Iran vs USA at the UN", "dignity_humiliation", IRAN_UN,
             USA_UN, +1, "the essay: refusal of humiliation is central to Iran's discourse"),
    Contrast("flexibility: Khamenei after vs before 2013", "flexibility", KH_POST, KH_PRE, +1,
             "'heroic flexibility' (Sept 2013) and the nuclear talks that led to the JCPOA"),
    Contrast("flexibility: Rouhani vs Ahmadinejad", "flexibility", ROUHANI, AHMADINEJAD, +1,
             "Rouhani ran on engagement and negotiated the JCPOA"),
    Contrast("I-1: Rouhani vs Ahmadinejad", "I1", ROUHANI, AHMADINEJAD, +1,
             "a more cooperative strategic approach under Rouhani"),
    Contrast("I-1: Khatami vs Ahmadinejad", "I1", KHATAMI, AHMADINEJAD, +1,
             "Khatami's 'dialogue among civilizations'"),
    Contrast("P-1: Rouhani vs Ahmadinejad", "P1", ROUHANI, AHMADINEJAD, +1,
             "Ahmadinejad depicted a hostile world order more than Rouhani"),
    Contrast("distrust: Ahmadinejad vs Rouhani", "distrust", AHMADINEJAD, ROUHANI, +1,
             "Ahmadinejad's conspiratorial framing of the West"),
)

#: Rank correlations with Profiler Plus (shared/data/leaders), leaders present in both:
#: (our measure, Profiler Plus file stem, column). Only these six are tested, to keep
#: the number of chances small; the other indices are reported but never claimed.
CORRELATIONS: tuple[tuple[str, str, str], ...] = (
    ("P1", "opcode", "p1"),
    ("P2", "opcode", "p2"),
    ("P4", "opcode", "p4"),
    ("I1", "opcode", "i1"),
    ("I2", "opcode", "i2"),
    ("distrust", "lta", "distrust"),
)

#: Framing categories validated also by precision on the hand-read sentences.
LEXICON_TESTED = ("martyrdom", "dignity_humiliation", "resistance", "sacredness",
                  "arrogance_enemy", "flexibility")
