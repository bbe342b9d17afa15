#!/usr/bin/env bash
# The prepared check for a lent GPU machine (issue 10: the GPU and 16-thread figures), run
# there from the repo root, after `bash tools/device_wheels.sh` here (and, to be sure the
# kernels compile, `python tools/ptx_check.py`, see its docstring):
#     device run: command "bash tools/device_check.sh", carry [".whl"], timeout_s 420
# Each step has its own time limit (75 + 110 + 40 + 105 + 55 s), so one that hangs cannot
# take the lease (about 6.5 min in all, the machine's start apart); everything lands under $OUT: device-check.txt (the
# log), scaling.json, gpu-float64.json, gpu-float32.json. Steps:
#   0. tools/ptx_check.py: the CUDA kernels compile there (if not, the GPU steps are skipped);
#   1. tests/test_gpu.py: the cuda backend on the GPU beside the CPU kernel (float64 run for
#      run, float32 within Monte Carlo error, a streamed ensemble's totals), three built-ins;
#   2. benchmarks/scaling.py: the CPU kernel on 1, 2, 4, 8, 16 threads;
#   3. benchmarks/gpu.py in float64, then float32: 10^7, 10^8, 10^9 runs streamed, each
#      with the GPU floor, sizes projected past the step's budget reported as skipped.
# It exits 1 if a step failed, with one line per step at the end.
# To try it here first, on numba's CUDA simulator with a few runs (step 0 is skipped there):
#     PYTHON=python WHEELS=none NUMBA_ENABLE_CUDASIM=1 COMPELLENCE_GPU_TEST_SIM=1 \
#     COMPELLENCE_GPU_TEST_RUNS=100 SCALING_RUNS=20000 GPU_SIZES=100,200 GPU_CHUNK=100 \
#     bash tools/device_check.sh
set -uo pipefail
OUT=${OUT:-/tmp/compellence-device}
mkdir -p "$OUT"
PY=${PYTHON:-python3}
WHEELS=${WHEELS:-.whl}   # the carried wheels (WHEELS=none: use what is installed)
summary=()

step() {   # step LIMIT_SECONDS COMMAND...: run it, print its exit status and its time
    local limit=$1 t0=$SECONDS rc
    shift
    echo "== $* (limit ${limit} s)"
    timeout -k 5 "$limit" "$@"
    rc=$?
    echo "== exit ${rc} after $((SECONDS - t0)) s"
    summary+=("exit ${rc} in $((SECONDS - t0)) s: $*")
    return "$rc"
}

main() {
    if [ -d "$WHEELS" ]; then
        "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
            --target /tmp/site "$WHEELS"/*.whl || return 1
    elif [ "$WHEELS" != none ]; then
        echo "warning: no $WHEELS folder: run tools/device_wheels.sh here and carry it"
    fi
    export PYTHONPATH="$PWD/src:/tmp/site${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
    export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/compellence-numba-cache}
    # numba-cuda finds NVVM in pip packages, conda or CUDA_HOME; the image's toolkit is the
    # system one (nvcc 13.0, matching the driver), so point it there if nothing else does
    if [ -z "${CUDA_HOME:-}${CUDA_PATH:-}" ] && [ -d /usr/local/cuda/nvvm ]; then
        export CUDA_HOME=/usr/local/cuda
    fi
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
    "$PY" - <<'EOF'
import os, sys
import numba, numpy
from numba import cuda
try:
    import numba_cuda
    nc = numba_cuda.__version__
except ImportError:
    nc = "not installed"
print("python", sys.version.split()[0], "numba", numba.__version__, "numba-cuda", nc,
      "numpy", numpy.__version__, "cpus", os.cpu_count(), "CUDA target",
      getattr(cuda, "implementation", "?"), "CUDA_HOME", os.environ.get("CUDA_HOME"))
try:
    from numba.cuda.cudadrv.nvvm import NVVM
    print("NVVM", NVVM().get_version())
except Exception as exc:   # logged, not fatal: step 0 says whether the kernels compile
    print("NVVM not loaded:", type(exc).__name__, exc)
EOF
    local gpu=1
    if [ "${NUMBA_ENABLE_CUDASIM:-0}" != 1 ]; then
        step 75 "$PY" tools/ptx_check.py || gpu=0
    fi
    local scaling=150   # alone, it also compiles the CPU kernel (about 30 s)
    if [ "$gpu" = 1 ]; then
        step 110 "$PY" -m pytest -q -s -p no:cacheprovider tests/test_gpu.py
        scaling=40   # the tests have compiled (cached) the CPU kernel
    fi
    step "$scaling" "$PY" benchmarks/scaling.py --runs "${SCALING_RUNS:-1000000}" --repeat 1 \
        --json "$OUT/scaling.json"
    if [ "$gpu" = 1 ]; then
        local sizes=(--sizes "${GPU_SIZES:-1e7,1e8,1e9}" --chunk "${GPU_CHUNK:-10000000}")
        step 105 "$PY" benchmarks/gpu.py "${sizes[@]}" --budget 90 \
            --json "$OUT/gpu-float64.json"
        COMPELLENCE_CUDA_FLOAT32=1 step 55 "$PY" benchmarks/gpu.py "${sizes[@]}" --budget 40 \
            --json "$OUT/gpu-float32.json"
    else
        summary+=("skipped: the GPU tests and benchmarks (the kernels did not compile)")
    fi
    echo "== summary"
    printf '%s\n' "${summary[@]}"
    for line in "${summary[@]}"; do
        case $line in "exit 0 "*) ;; *) return 1 ;; esac
    done
}

main 2>&1 | tee "$OUT/device-check.txt"
