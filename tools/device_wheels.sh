#!/usr/bin/env bash
# Fetch, here, the wheels that a lent GPU machine lacks for tools/device_check.sh. Its image
# (the device tool's KINDS.md) has Python 3.12 with numba, numba-cuda, numpy, pandas, pyarrow,
# scipy, rich, typer, psutil, pyyaml and pytest, and reaches no registry; of what the engine
# imports it lacks pydantic and three of its dependencies, and its typing-extensions may be
# older than pydantic needs (4.16 or later). This downloads their cp312 manylinux
# wheels, at the versions installed here (so they fit together), into .whl/ (ignored by git;
# under 3 MB, well inside the 64 MiB a device call carries). Run from the repo root.
set -euo pipefail
PY=${PYTHON:-python}
mkdir -p .whl
for name in pydantic pydantic-core annotated-types typing-inspection typing-extensions; do
    version=$("$PY" -m pip show "$name" | awk '/^Version:/ {print $2}')
    "$PY" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        --platform manylinux1_x86_64 -d .whl "$name==$version"
done
ls -l .whl
