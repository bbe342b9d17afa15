"""Where the kernel spends its time: run it under ``perf`` with its JIT functions named.

numba's machine code has no symbols ``perf`` can see. This script compiles the CPU kernel
afresh (no cache, so the code is in memory with its library), writes ``/tmp/perf-PID.map``
naming every function numba emitted (the model's functions that were not inlined keep their
own symbol, e.g. ``eq.hypothesis_likelihood``; inlined ones count in their caller's),
then runs the flagship on one thread. Run it from another checkout with
``PYTHONPATH=OTHER/src`` to profile that one.

Usage::

    perf record -F 2000 -o perf.data python benchmarks/perf_profile.py [--runs N]
    perf report -i perf.data --sort sym | grep -E "eq\\.|rnd\\.|cpu\\.|ieee754|exp|pow"

The shares are of the whole process (the compile and the imports too); divide by the sum
of the listed kernel symbols and libm's ``pow``/``exp`` for the kernel's own split.

(Not named profile.py: a script run from benchmarks/ would import it in place of the
standard library's ``profile``, which ``cProfile`` and so ``numba.cuda`` import.)
"""

from __future__ import annotations

import argparse
import os
import re
import time
import warnings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=400_000)
    args = ap.parse_args()
    os.environ["NUMBA_DISABLE_CACHING"] = "1"
    warnings.simplefilter("ignore")
    import importlib

    import numba

    from compellence.engine import cpu
    from compellence.scenario import load_scenario

    # the module, not the package's ``simulate`` function of the same name
    sim = importlib.import_module("compellence.engine.simulate")

    numba.set_num_threads(1)
    error_model = getattr(cpu, "ERROR_MODEL", "python")   # older checkouts: numba's default
    if hasattr(cpu, "block_kernel"):    # threads over a serial kernel
        kernel = numba.njit(nogil=True, error_model=error_model)(cpu.block_kernel.py_func)
        cpu.block_kernel = kernel
    else:                                # older checkouts: one prange kernel
        kernel = numba.njit(parallel=True, error_model=error_model)(cpu.cpu_kernel.py_func)
        cpu.cpu_kernel = kernel
        sim._kernel = lambda backend: kernel
    sc = load_scenario("iran-2025-surrender")
    sim.simulate_chunk(sc, 1, 0, 5000)                       # compile
    lib = kernel.overloads[kernel.signatures[0]].library
    names = {line[:-1] for line in lib.get_asm_str().splitlines()
             if re.match(r"^[A-Za-z_.$][^\s]*:$", line)}
    engine = lib.codegen._engine
    found = sorted((engine.get_function_address(n), n) for n in names
                   if engine.get_function_address(n))
    with open(f"/tmp/perf-{os.getpid()}.map", "w") as out:
        for k, (addr, name) in enumerate(found):
            size = found[k + 1][0] - addr if k + 1 < len(found) else 0x10000
            short = (name.replace("_ZN11compellence5model9equations", "eq.")
                     .replace("_ZN11compellence5model6random", "rnd.")
                     .replace("_ZN11compellence6engine3cpu", "cpu."))
            out.write(f"{addr:x} {min(size, 0x100000):x} {re.sub(r'B[0-9].*$', '', short)}\n")
    t = time.perf_counter()
    sim.simulate_chunk(sc, 1, 0, args.runs)
    print(f"{args.runs:,} runs on one thread in {time.perf_counter() - t:.2f} s "
          f"({len(found)} functions named in /tmp/perf-{os.getpid()}.map)")


if __name__ == "__main__":
    main()
