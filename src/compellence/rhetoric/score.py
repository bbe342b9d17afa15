"""Score a corpus speech by speech, and z-score every measure against a reference."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from compellence.rhetoric.coder import score_text
from compellence.rhetoric.corpus import Corpus
from compellence.rhetoric.measures import MEASURES, per_speech, reference_stats


def subsample(corpus: Corpus, max_speeches: int | None) -> Corpus:
    """At most ``max_speeches`` speeches, chosen deterministically (every k-th by speech
    id, so the same folder always gives the same subsample); None keeps all."""
    n = len(corpus.meta)
    if not max_speeches or n <= max_speeches:
        return corpus
    idx = sorted(range(n), key=lambda i: corpus.meta["speech_id"].iat[i])
    keep = [idx[round(j * n / max_speeches)] for j in range(max_speeches)]
    meta = corpus.meta.iloc[sorted(keep)].reset_index(drop=True)
    return Corpus(corpus.root, corpus.kind, meta, corpus.skipped_short,
                  [*corpus.notes, f"subsampled {max_speeches} of {n} speeches (every "
                   f"{n / max_speeches:.2f}-th by speech id)"])


def score_corpus(corpus: Corpus, progress: Callable[[], None] | None = None) -> pd.DataFrame:
    """Metadata plus counts of every speech (one row each); ``progress`` after each."""
    rows = []
    for (sid, text), iso in zip(corpus.texts(), corpus.meta["iso"], strict=True):
        rows.append({"speech_id": sid, **score_text(text, iso).row()})
        if progress:
            progress()
    counts = pd.DataFrame(rows).drop(columns=["n_words"])
    return corpus.meta.merge(counts, on="speech_id", how="left")


def with_measures(scored: pd.DataFrame, ref: pd.DataFrame) -> pd.DataFrame:
    """Add each speech's measures and their z-scores against the reference statistics."""
    m = per_speech(scored)
    stats = ref.set_index("measure")
    z = pd.DataFrame({f"z_{k}": (m[k] - stats.at[k, "mean"]) / stats.at[k, "sd"]
                      for k in MEASURES if stats.at[k, "sd"] > 0}, index=m.index)
    return pd.concat([scored, m, z], axis=1)


def score_both(target: Corpus, reference: Corpus,
               progress: Callable[[], None] | None = None
               ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(target rows, reference rows, reference statistics), both scored by the same code."""
    t = score_corpus(target, progress)
    r = score_corpus(reference, progress)
    stats = reference_stats(r)
    return with_measures(t, stats), with_measures(r, stats), stats
