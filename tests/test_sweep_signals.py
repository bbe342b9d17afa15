"""Ctrl-C stops a parallel sweep within seconds, keeping what was stored; workers exit
by themselves when their parent dies (kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compellence.analysis.store import Store

FLAG = "iran-2025-surrender"
#: A sweep that takes minutes on two workers: 2,000 points × 20,000 runs (sized for the
#: compiled engine: the interrupt must land while points are still being computed).
LONG = ["sweep", FLAG, "--lhs", "2000", "--param", "coercer.relief=0:1", "--runs", "20000",
        "--workers", "2", "--batch", "1"]

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for_workers(proc: subprocess.Popen, n: int, timeout: float = 120) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        kids = [k for k in _children(proc.pid)
                if b"multiprocessing" in Path(f"/proc/{k}/cmdline").read_bytes()
                and b"resource_tracker" not in Path(f"/proc/{k}/cmdline").read_bytes()]
        if len(kids) >= n:
            return kids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    pytest.fail("workers did not start")


def _default_sigint() -> None:
    """In the child before exec: Ctrl-C as a terminal delivers it. A test runner started in
    the background by a non-interactive shell (``cmd &``) has SIGINT ignored, the child
    would inherit that, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "compellence.cli", *LONG, "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=_default_sigint)


def test_ctrl_c_stops_the_workers_within_seconds_and_keeps_what_was_stored(tmp_path):
    out = tmp_path / "r.duckdb"
    proc = _start(out)
    workers = _wait_for_workers(proc, 2)
    time.sleep(8)  # let some batches land
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        text, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        for pid in [proc.pid, *workers]:
            os.kill(pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("the sweep did not stop within 30 s of Ctrl-C")
    stopped = time.monotonic() - t0
    assert proc.returncode == 130, text
    assert stopped < 10, f"took {stopped:.1f} s to stop"
    assert b"interrupted:" in text and b"Traceback" not in text
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)
    store = Store(out, create=False)
    exp = store.resolve(None)
    done = len(store.done_points(exp))
    assert f"{done} of {LONG[LONG.index('--lhs') + 1]} points".encode() in text


def test_workers_exit_when_the_parent_dies(tmp_path):
    proc = _start(tmp_path / "r.duckdb")
    workers = _wait_for_workers(proc, 2)
    time.sleep(2)
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _alive(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    assert not left, "workers outlived their parent"
