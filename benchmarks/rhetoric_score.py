"""Benchmark: scoring a speech corpus and the UN General Debate reference (issue 17).

Times corpus loading and scoring (the work of `compellence rhetoric score`, without
validation or storage) on the user's copies, and prints words per second.
Usage: python benchmarks/rhetoric_score.py TARGET_DIR REFERENCE_DIR [--json]
"""

from __future__ import annotations

import argparse
import json
import time

from compellence.rhetoric.corpus import load_corpus
from compellence.rhetoric.score import score_both


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("target")
    ap.add_argument("reference")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    target, ref = load_corpus(args.target), load_corpus(args.reference)
    t1 = time.perf_counter()
    score_both(target, ref)
    t2 = time.perf_counter()
    words = int(target.meta["n_words"].sum() + ref.meta["n_words"].sum())
    res = {"speeches": len(target.meta) + len(ref.meta), "words": words,
           "load_s": round(t1 - t0, 2), "score_s": round(t2 - t1, 2),
           "words_per_s": round(words / (t2 - t1))}
    print(json.dumps(res) if args.json else "\n".join(f"{k}: {v}" for k, v in res.items()))


if __name__ == "__main__":
    main()
