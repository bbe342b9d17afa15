"""Compile the CUDA kernels to PTX without a GPU: the check to run before a GPU lease.

numba's CUDA simulator runs the model as Python and compiles nothing, so a kernel that
numba-cuda cannot type passes every simulator test and fails on the GPU. This compiles the
cuda backend's kernels (float64 and float32) and the streamed summary's reduction for a
Hopper GPU (compute capability 9.0, the lent H200) with numba-cuda and NVIDIA's NVVM from
pip, installed into a folder of their own so that nothing here changes (about 400 MB,
seconds from the registry; numba itself is this environment's):

    python -m pip install -q --target /tmp/cuda-site --no-deps numba-cuda cuda-bindings \
        cuda-core cuda-pathfinder nvidia-nvvm nvidia-cuda-nvrtc nvidia-cuda-runtime \
        nvidia-cuda-cccl
    python tools/ptx_check.py /tmp/cuda-site [PTX_FOLDER]

It prints each kernel's PTX size and compile time, and exits 1 if one does not compile;
with PTX_FOLDER it writes each kernel's PTX there (for ``ptxas -v``: registers, spills).
"""

from __future__ import annotations

import os
import site
import sys
import time
from pathlib import Path


def main() -> int:
    if len(sys.argv) > 1:
        site.addsitedir(sys.argv[1])   # its .pth points numba.cuda to numba-cuda
        toolkits = sorted(Path(sys.argv[1]).glob("nvidia/cu*"))
        if toolkits and "CUDA_HOME" not in os.environ:   # where NVRTC and NVVM are found
            os.environ["CUDA_HOME"] = str(toolkits[-1])
    import numba
    import numba.cuda.dispatcher as dispatcher
    import numpy as np
    from numba import cuda

    class _Hopper:   # compile_ptx asks the current device; there is none here
        compute_capability = (9, 0)

    dispatcher.get_current_device = lambda: _Hopper()

    from compellence.engine import gpu
    from compellence.engine.spec import spec_of
    from compellence.model import layout as lay
    from compellence.scenario import load_scenario

    spec = spec_of(load_scenario("iran-2025-surrender"))

    def kernel_types(ftype: str) -> tuple:
        args = gpu.kernel_args(spec, ftype, 0, 1, np.zeros((2, lay.NCI), np.int64),
                               np.zeros((2, lay.NCF)), np.zeros((gpu.SLOTS, lay.NT, 4)),
                               put=np.asarray)
        return tuple(numba.typeof(a) for a in args)

    jobs = {"model, float64": (lambda: gpu._kernel("float64").py_func, kernel_types("float64")),
            "model, float32": (lambda: gpu._kernel("float32").py_func, kernel_types("float32")),
            "streamed summary": (lambda: gpu._summarise.py_func,
                                 (numba.typeof(np.zeros((2, lay.NCI), np.int64)),
                                  numba.typeof(np.zeros((len(lay.OUTCOMES), 25), np.int64)),
                                  numba.typeof(np.zeros(4, np.int64))))}
    print(f"numba {numba.__version__}, CUDA target {getattr(cuda, 'implementation', '?')}")
    failed = 0
    for name, (fn, types) in jobs.items():
        t = time.perf_counter()
        try:
            ptx, _ = cuda.compile_ptx(fn(), types, cc=(9, 0))
        except Exception as exc:   # report and go on: every kernel's verdict is wanted
            failed += 1
            print(f"  {name:18s} FAILED: {type(exc).__name__}: {str(exc)[:300]}")
            continue
        print(f"  {name:18s} {len(ptx):>9,} characters of PTX in "
              f"{time.perf_counter() - t:.1f} s")
        if len(sys.argv) > 2:
            folder = Path(sys.argv[2])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / (name.replace(", ", "-").replace(" ", "-") + ".ptx")).write_text(ptx)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
