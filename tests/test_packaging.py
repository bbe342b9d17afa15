"""A package ready to publish (issue 18): sdist and wheel that twine accepts, and a fresh
virtual environment with only the built wheel runs the flagship from Python.

Slow (a real build, a fresh venv and a pip install from the index: about 2–3 minutes on
two cores, most of it downloading and unpacking numba, SciPy, pandas and pyarrow, then
numba compiling the kernel once), so marked ``slow``."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ("import compellence as c; r = c.run(c.load('iran-2025-surrender'), runs=2000, "
            "seed=1); print(r.outcomes)")


#: The fresh venv must see only itself: no PYTHONPATH pointing at a source tree.
CLEAN = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def _run(*args: str, cwd: Path | None = None, timeout: int = 900) -> str:
    r = subprocess.run(list(args), capture_output=True, text=True, cwd=cwd, timeout=timeout,
                       env=CLEAN)
    assert r.returncode == 0, f"{args}: {r.stdout[-2000:]}\n{r.stderr[-4000:]}"
    return r.stdout


@pytest.mark.slow
def test_build_check_install_and_run_the_flagship(tmp_path):
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT))
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    assert "PASSED" in _run(sys.executable, "-m", "twine", "check", *map(str, wheels + sdists))
    names = zipfile.ZipFile(wheels[0]).namelist()
    for data in ("compellence/py.typed", "compellence/scenario/builtin/iran-2025-surrender.toml",
                 "compellence/evidence/sets/iran.toml", "compellence/app/page.html"):
        assert data in names, data
    assert not any(n.startswith(("tests/", "examples/")) for n in names)
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", str(venv))
    py = venv / "bin" / "python"
    _run(str(py), "-m", "pip", "install", "--quiet", str(wheels[0]))
    where = _run(str(py), "-c", "import compellence; print(compellence.__file__)", cwd=tmp_path)
    assert where.startswith(str(venv)), where  # the wheel, not the source tree
    out = _run(str(py), "-c", FLAGSHIP, cwd=tmp_path)
    for outcome in ("ongoing", "capitulation", "deal", "war", "collapse", "ci_low"):
        assert outcome in out, out
    # the core stays lean: the extras are not installed, and say so when needed
    missing = _run(str(py), "-c", "import importlib.util as u; print([m for m in ('fastapi', "
                   "'dask', 'pygambit', 'ema_workbench', 'sklearn') if u.find_spec(m)])")
    assert missing.strip() == "[]"
    err = subprocess.run([str(venv / "bin" / "compellence"), "app"], capture_output=True,
                         text=True, timeout=120, env=CLEAN)
    assert err.returncode == 2 and "pip install 'compellence[app]'" in err.stderr, err.stderr
