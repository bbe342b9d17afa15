#!/usr/bin/env bash
# The prepared check for a lent GPU machine (issue 10: the GPU and 16-thread figures), run
# there from the repo root, after `bash tools/device_wheels.sh` here:
#     device run: command "bash tools/device_check.sh", carry [".whl"], timeout_s 480
# Each step has its own time limit, so one that hangs cannot take the lease (about 7 min in
# all, the machine's start apart); everything lands under $OUT: device-check.txt (the log),
# scaling.json, gpu-float64.json, gpu-float32.json. Steps:
#   1. tests/test_gpu.py: the cuda backend on the GPU beside the CPU kernel (float64 run for
#      run, float32 within Monte Carlo error), three built-ins;
#   2. benchmarks/scaling.py: the CPU kernel on 1, 2, 4, 8, 16 threads;
#   3. benchmarks/gpu.py in float64, then float32: 10^7, 10^8, 10^9 runs streamed, each
#      with the GPU floor, sizes past the step's budget reported as skipped.
# To try it here first, on numba's CUDA simulator with a few runs:
#     PYTHON=python WHEELS=none NUMBA_ENABLE_CUDASIM=1 COMPELLENCE_GPU_TEST_SIM=1 \
#     COMPELLENCE_GPU_TEST_RUNS=100 SCALING_RUNS=20000 GPU_SIZES=100,200 GPU_CHUNK=100 \
#     bash tools/device_check.sh
set -uo pipefail
OUT=${OUT:-/tmp/compellence-device}
mkdir -p "$OUT"
exec > >(tee "$OUT/device-check.txt") 2>&1
PY=${PYTHON:-python3}
WHEELS=${WHEELS:-.whl}   # the carried wheels (WHEELS=none: use what is installed)
if [ -d "$WHEELS" ]; then
    "$PY" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site "$WHEELS"/*.whl || exit 1
fi
export PYTHONPATH="$PWD/src:/tmp/site${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
export NUMBA_CACHE_DIR=${NUMBA_CACHE_DIR:-/tmp/compellence-numba-cache}
date -u
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
"$PY" -c "import os, sys, numba, numpy; print('python', sys.version.split()[0], 'numba',
numba.__version__, 'numpy', numpy.__version__, 'cpus', os.cpu_count())"

step() {   # step LIMIT_SECONDS COMMAND...: run it, print its exit status and its time
    local limit=$1 t0=$SECONDS rc
    shift
    echo "== $* (limit ${limit} s)"
    timeout "$limit" "$@"
    rc=$?
    echo "== exit ${rc} after $((SECONDS - t0)) s"
}

step 150 "$PY" -m pytest -q -s -p no:cacheprovider tests/test_gpu.py
step 60 "$PY" benchmarks/scaling.py --runs "${SCALING_RUNS:-1000000}" --repeat 1 \
    --json "$OUT/scaling.json"
sizes=(--sizes "${GPU_SIZES:-1e7,1e8,1e9}" --chunk "${GPU_CHUNK:-10000000}")
step 150 "$PY" benchmarks/gpu.py "${sizes[@]}" --budget 100 --json "$OUT/gpu-float64.json"
COMPELLENCE_CUDA_FLOAT32=1 step 80 "$PY" benchmarks/gpu.py "${sizes[@]}" --budget 40 \
    --json "$OUT/gpu-float32.json"
