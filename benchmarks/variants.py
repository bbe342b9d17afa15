"""Side by side: the engine as it is against copies of it with one compiler choice undone.

Each variant is a copy of this checkout's package in a temporary folder with one change:
``no-inline`` (every ``jitable_inline`` back to ``jitable``: LLVM alone decides what to
inline), ``python-errors`` (numba's default error model: every division raises on zero),
``inline-only:f+g`` (inlining kept only on the functions f and g), ``inline:f+g`` (the
functions f and g inlined as well, ``jitable`` → ``jitable_inline``). And one knock-out,
which removes work the results need, to measure what that work costs: ``no-term-sums``
(``simulate_run`` no longer adds each decision's utility terms and probabilities into the
run's sums; only those sums change).
Every variant compiles into its own fresh cache (the compile time is reported), then the
variants are timed in turn, alternating, in fresh processes; the minimum over the repeats is
quoted (noise on a shared machine only adds time). The numbers of every variant are the
same (the script checks the decisions and outcome counts agree, and the utility-term sums
except for a knock-out).

Usage: python benchmarks/variants.py [--runs N] [--repeat K] [--threads T]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CODE = """
import time, sys, warnings
warnings.simplefilter("ignore")
import compellence
print("package", compellence.__file__)
t0 = time.perf_counter()
from compellence.engine.simulate import simulate_chunk
from compellence.scenario import load_scenario
sc = load_scenario("iran-2025-surrender")
t1 = time.perf_counter()
simulate_chunk(sc, 1, 0, 5000)
t2 = time.perf_counter()
n = int(sys.argv[1])
if n:
    t = time.perf_counter(); r = simulate_chunk(sc, 1, 0, n); d = time.perf_counter() - t
    import numpy as np
    sig = f"{np.bincount(r.columns['outcome']).tolist()}/{r.term_sums.sum():.17g}"
    print(d, r.decisions, sig.replace(" ", ""))
else:
    print(t2 - t1)
"""

SRC = Path(__file__).resolve().parents[1] / "src"

#: Variants that remove work the results need: only their utility-term sums (and the mean
#: probabilities) may differ from the others'.
KNOCKOUTS = frozenset({"no-term-sums"})


def make_variant(root: Path, name: str) -> Path:
    """A copy of the package with the variant's change; returns the folder for PYTHONPATH.

    The folder is named by the variant with every character but letters, digits, '-' and
    '_' replaced: a ':' in PYTHONPATH splits it, and Python then imported the checkout's
    own package instead of the copy (until 2026-12-07, the ``inline-only:`` variants timed
    the unchanged engine; :func:`run` now checks where the package came from)."""
    dst = root / re.sub(r"[^A-Za-z0-9_-]", "_", name)
    shutil.copytree(SRC / "compellence", dst / "compellence",
                    ignore=shutil.ignore_patterns("__pycache__"))
    model = dst / "compellence" / "model"
    if name == "no-inline":
        changed = 0
        for f in (model / "equations.py", model / "random.py"):
            text, k = re.subn(r"^@jitable_inline$", "@jitable", f.read_text(), flags=re.M)
            f.write_text(text)
            changed += k
        if not changed:
            raise SystemExit("no-inline: no @jitable_inline function found")
    elif name.startswith("inline-only:"):
        keep = set(name.split(":", 1)[1].split("+"))
        inlined = {fn for f in (model / "equations.py", model / "random.py")
                   for fn in re.findall(r"^@jitable_inline\ndef (\w+)", f.read_text(), flags=re.M)}
        if keep - inlined:   # a name that is not inlined now would silently un-inline everything
            raise SystemExit(f"{name}: no @jitable_inline function {sorted(keep - inlined)}")
        changed = 0
        for f in (model / "equations.py", model / "random.py"):
            def sub(m: re.Match) -> str:
                return m.group(0) if m.group(1) in keep else "@jitable\ndef " + m.group(1)
            text, k = re.subn(r"^@jitable_inline\ndef (\w+)", sub, f.read_text(), flags=re.M)
            f.write_text(text)
            changed += k
        if not changed:
            raise SystemExit(f"{name}: no @jitable_inline function found")
    elif name.startswith("inline:"):
        for fn in name.split(":", 1)[1].split("+"):
            for f in (model / "equations.py", model / "random.py"):
                text, k = re.subn(rf"^@jitable\ndef {re.escape(fn)}\(",
                                  f"@jitable_inline\ndef {fn}(",
                                  f.read_text(), flags=re.M)
                if k:
                    f.write_text(text)
                    break
            else:
                raise SystemExit(f"{name}: no @jitable function {fn}")
    elif name == "no-term-sums":
        eq = model / "equations.py"
        text = eq.read_text()
        for sums in ("        for j in range(NT):\n            for a in range(4):\n"
                     "                TS[j, a] += U[j, a]\n",
                     "        for a in range(4):\n            cf[PSUM + a] += P[a]\n"):
            if text.count(sums) != 1:
                raise SystemExit("no-term-sums: the per-decision sums in simulate_run not found")
            text = text.replace(sums, "")
        eq.write_text(text)
    elif name == "python-errors":
        cpu = dst / "compellence" / "engine" / "cpu.py"
        old = cpu.read_text()
        new = old.replace('ERROR_MODEL = "numpy"', 'ERROR_MODEL = "python"')
        if new == old:
            raise SystemExit('python-errors: no ERROR_MODEL = "numpy" in engine/cpu.py')
        cpu.write_text(new)
    else:
        raise SystemExit(f"unknown variant {name!r} (as-is, no-inline, inline-only:f+g, "
                         "inline:f+g, no-term-sums, python-errors)")
    return dst


def run(src: Path, cache: Path, runs: int, threads: int) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(cache),
           "NUMBA_NUM_THREADS": str(threads)}
    out = subprocess.run([sys.executable, "-c", CODE, str(runs)], env=env, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()
    package = Path(next(line for line in out if line.startswith("package "))
                   .split(" ", 1)[1]).resolve()
    if not package.is_relative_to(src.resolve()):
        raise SystemExit(f"{src}: the package was imported from {package}, not from the variant")
    return out[-1].split(" ", 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--variants", default="as-is,no-inline,python-errors")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="compellence-variants-"))
    names = args.variants.split(",")
    srcs = {n: (SRC if n == "as-is" else make_variant(root, n)) for n in names}
    caches = {n: root / f"cache-{n}" for n in names}
    compile_s = {n: float(run(srcs[n], caches[n], 0, args.threads)[0]) for n in names}
    times: dict[str, list[float]] = {n: [] for n in names}
    seen: dict[str, tuple[str, str]] = {}
    for _ in range(args.repeat):
        for n in names:
            secs, decisions, outcomes = run(srcs[n], caches[n], args.runs, args.threads)
            times[n].append(float(secs))
            seen[n] = (decisions, outcomes)
    # decisions and outcome counts agree everywhere; the term sums except a knock-out's
    core = {(d, o.split("/")[0]) for d, o in seen.values()}
    full = {v for n, v in seen.items() if n not in KNOCKOUTS}
    same = len(core) == 1 and len(full) <= 1
    first = min(times[names[0]])
    print(f"flagship, {args.runs:,} runs, {args.threads} thread(s), minimum of {args.repeat} "
          "alternating runs per variant")
    w = max(14, *map(len, names))
    print(f"{'variant':>{w}} {'compile s':>10} {'kernel s':>9} {'run-rounds/s':>13} "
          f"{'time ÷ as-is':>13}")
    for n in names:
        best = min(times[n])
        print(f"{n:>{w}} {compile_s[n]:>10.1f} {best:>9.3f} {args.runs * 24 / best:>13.3g} "
              f"{best / first:>13.2f}")
    print("numbers identical across variants (outcome counts, decisions, Σ utility terms; "
          "a knock-out's Σ excepted):", "yes" if same else f"NO {seen}")
    shutil.rmtree(root, ignore_errors=True)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
