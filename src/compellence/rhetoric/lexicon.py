"""The project's lexicons: the essay's framing vocabulary, distrust words, VICS verbs, actors.

Built for this project from the essay's own vocabulary (martyrdom, dignity and
humiliation, resistance, the sacred, "global arrogance" and the enemy, "heroic
flexibility") and from the operational-code verb scale of Walker, Schafer & Young
(1998, *Int. Studies Quarterly* 42:175-190): +3 reward, +2 promise, +1 appeal/support,
−1 oppose/resist, −2 threaten, −3 punish. Entries are lower-case patterns; a trailing
``*`` matches any ending (``martyr*`` → martyr, martyrs, martyrdom, martyred). Every
entry is English as translated: the measures read translated, public rhetoric only.
Precision and recall are measured on hand-read sentences (``handcoded.csv``).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Version of the lexicons; stored with every score so results name what produced them.
VERSION = "2026.12-1"

#: Framing categories: the essay's vocabulary. Multi-word entries match as phrases.
FRAMES: dict[str, tuple[str, ...]] = {
    "martyrdom": ("martyr*", "shahid*", "shaheed*", "self-sacrific*", "ashura", "karbala",
                  "gave their lives", "give their lives", "laid down their lives",
                  "sacrificed their lives", "blood of the", "pure blood"),
    "dignity_humiliation": ("dignity", "dignified", "honour", "honor", "honourable",
                            "honorable", "humiliat*", "disgrace*", "self-respect", "insult*",
                            "abase*", "indignit*", "national pride", "glory", "glorious"),
    "resistance": ("resist*", "steadfast*", "persever*", "stand firm", "stood firm",
                   "standing firm", "defian*", "defy", "defied", "unyielding", "not surrender",
                   "never surrender", "not bow", "never bow", "not yield", "never yield"),
    "sacredness": ("sacred", "holy", "sanctit*", "sanctif*", "divine", "god", "god's", "allah",
                   "allah's", "quran", "koran", "prophet*", "blessed", "spiritual*",
                   "almighty"),
    "arrogance_enemy": ("arrogan*", "enemy", "enemies", "enemy's", "hegemon*", "imperialis*",
                        "colonialis*", "bully*", "bullies", "domineer*", "great satan",
                        "zionis*", "oppressor*", "tyrant*", "tyrann*", "aggressor*",
                        "global arrogance"),
    "flexibility": ("flexib*", "compromis*", "negotiat*", "dialogue*", "diplomac*",
                    "diplomatic", "concession*", "accommodat*", "give and take", "win-win",
                    "mutual respect", "engagement"),
}

#: Distrust words (after Hermann's leadership-trait distrust: suspicion of others' motives).
DISTRUST: tuple[str, ...] = (
    "deceiv*", "deceit*", "decepti*", "lie", "lies", "lied", "liar*", "lying", "betray*",
    "trick*", "treacher*", "untrustworth*", "distrust*", "mistrust*", "hypocri*", "plot",
    "plots", "plotting", "conspir*", "bad faith", "cheat*", "insincer*", "duplicit*",
    "renege*", "cannot be trusted", "not be trusted", "can't be trusted", "suspicio*",
    "ulterior", "hidden agenda", "pretext*", "false promise*", "broken promise*",
)

#: VICS verb scale: intensity → base forms (inflected by :func:`inflections`).
VERBS: dict[int, tuple[str, ...]] = {
    3: ("help", "aid", "assist", "give", "provide", "grant", "reward", "rescue", "protect",
        "save", "cooperate", "contribute", "invest", "sign", "liberate", "donate", "build",
        "release", "lift", "share", "serve", "feed", "heal", "reconstruct"),
    2: ("promise", "pledge", "commit", "guarantee", "vow", "assure", "undertake", "offer"),
    1: ("support", "appeal", "urge", "invite", "welcome", "praise", "thank", "congratulate",
        "endorse", "encourage", "request", "propose", "agree", "approve", "recommend",
        "respect", "negotiate", "consult", "favor", "favour", "applaud", "commend"),
    -1: ("oppose", "resist", "reject", "condemn", "denounce", "criticize", "criticise",
         "deny", "refuse", "protest", "object", "accuse", "blame", "disagree", "dispute",
         "challenge", "confront", "defy", "boycott", "veto", "deplore", "insult"),
    -2: ("threaten", "warn", "menace", "intimidate", "blackmail", "coerce", "pressure",
         "demand", "bully"),
    -3: ("attack", "kill", "destroy", "invade", "bomb", "punish", "sanction", "occupy",
         "murder", "massacre", "assassinate", "seize", "oppress", "slaughter", "fight",
         "crush", "impose", "torture", "plunder", "loot", "expel", "strike", "wage",
         "violate", "besiege", "annex", "harm", "damage", "hurt", "deprive", "undermine",
         "weaken", "dominate", "interfere", "starve", "humiliate", "terrorize", "terrorise"),
}
_IRREGULAR = {"give": ("gave", "given"), "build": ("built",), "fight": ("fought",),
              "strike": ("struck", "stricken"), "undertake": ("undertook", "undertaken"),
              "lift": ()}

#: Intensity categories in the order of the I-5 shares: reward, promise, appeal, oppose,
#: threaten, punish (Profiler Plus columns i5re, i5pr, i5ap, i5op, i5th, i5pu).
SCALE = (3, 2, 1, -1, -2, -3)

#: First-person subjects: the speaker (and the state he speaks for).
SELF_PRONOUNS = ("i", "we")
#: Third-party subjects that are other actors whatever the speaker.
OTHER_GENERIC = ("they", "enemy", "enemies", "arrogance", "imperialists", "imperialism",
                 "zionists", "zionist_regime", "west", "westerners", "europeans", "europe",
                 "powers", "superpowers", "governments", "regimes", "terrorists", "aggressors",
                 "occupiers", "oppressors", "colonialists", "nato", "council", "agency",
                 "iaea", "soviets", "communists", "taliban", "daesh", "isis", "saddam",
                 "baathists", "hezbollah", "hamas")
#: Names of the five UN General Debate states (self when the speaker's own, else other).
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "IRN": ("iran", "iranians", "tehran", "islamic_republic", "iranian_nation"),
    "USA": ("united_states", "america", "americans", "washington"),
    "ISR": ("israel", "israelis", "zionist_regime"),
    "IRQ": ("iraq", "iraqis", "baghdad"),
    "PRK": ("dprk", "pyongyang", "north_korea"),
}
OTHER_COUNTRIES = ("russia", "soviet_union", "britain", "england", "france", "china",
                   "germany", "japan", "saudi", "saudis", "pakistan", "india", "syria",
                   "lebanon", "egypt", "turkey", "afghanistan", "kuwait", "palestinians",
                   "south_korea", "ukraine", "cuba", "vietnam")
#: Multi-word actor names, joined before attribution (order matters: longest first).
PHRASES: dict[str, str] = {
    "islamic republic of iran": "islamic_republic", "islamic republic": "islamic_republic",
    "iranian nation": "iranian_nation", "zionist regime": "zionist_regime",
    "soviet union": "soviet_union", "north korea": "north_korea",
    "south korea": "south_korea", "democratic people's republic of korea": "dprk",
    "security council": "council", "atomic energy agency": "agency",
}
#: Words that, just before a verb form, show it is a noun ("our support", "the attack").
NOUN_MARKERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "our", "their",
                          "his", "her", "its", "my", "your", "of", "such", "any", "every",
                          "no", "whose", "for", "in", "by", "with"})
NEGATIONS = frozenset({"not", "never", "no", "cannot", "don't", "doesn't", "didn't", "won't",
                       "wouldn't", "shouldn't", "isn't", "aren't", "can't", "nor"})
#: Clause boundaries: attribution never looks back across these.
BOUNDARIES = frozenset({",", ";", ":", "(", ")", "that", "which", "who", "whom", "but",
                        "because", "if", "when", "while", "although", "whereas"})


def inflections(base: str) -> set[str]:
    """Regular English forms of a verb (base, -s, -ed, -ing) plus listed irregular ones."""
    forms = {base}
    stem = base[:-1] if base.endswith("e") else base
    forms.add(base + ("es" if base.endswith(("s", "sh", "ch", "x")) else "s"))
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    else:
        forms |= {stem + "ed", stem + "ing"}
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", base):  # rob → robbed (one syllable)
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    if base.endswith("it") or base.endswith("el"):  # commit → committed
        forms |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    forms |= set(_IRREGULAR.get(base, ()))
    return forms


@lru_cache(maxsize=1)
def verb_table() -> dict[str, int]:
    """Every inflected verb form → its VICS intensity."""
    return {f: k for k, bases in VERBS.items() for b in bases for f in inflections(b)}


def pattern(entries: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex for a list of entries (``*`` = any word ending)."""
    alts = []
    for e in sorted(entries, key=len, reverse=True):
        body = re.escape(e.rstrip("*")).replace(r"\ ", r"\s+")
        alts.append(body + (r"[a-z'’]*" if e.endswith("*") else ""))
    return re.compile(r"(?<![a-z])(?:" + "|".join(alts) + r")(?![a-z])", re.I)


@lru_cache(maxsize=1)
def frame_patterns() -> dict[str, re.Pattern[str]]:
    """The compiled framing patterns, one per category."""
    return {k: pattern(v) for k, v in FRAMES.items()}


@lru_cache(maxsize=1)
def distrust_pattern() -> re.Pattern[str]:
    """The compiled distrust pattern."""
    return pattern(DISTRUST)
