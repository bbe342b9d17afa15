"""Bounded load test of the page's API on localhost: latency and the server's peak memory.

Starts `compellence app` on 127.0.0.1 (a free port), sends ``--requests`` POSTs to
/api/run from ``--clients`` threads, including requests the server must refuse (a
foreign Host, runs × horizon over the bound, an oversized body), and reports the
latency of the answered runs (a client told 429, busy, waits 0.25 s and asks again),
how many 429 answers were given and the server's peak resident memory (VmHWM).
Never points at anything but 127.0.0.1.

    python benchmarks/app_load.py --requests 40 --clients 4 --runs 10000
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--runs", type=int, default=10_000)
    args = ap.parse_args()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "compellence.cli", "app", "--port",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(url + "/api/catalog", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        httpx.post(url + "/api/run", json={"runs": 100}, timeout=120)  # warm-up (compile)
        base_rss = _peak_rss_mb(proc.pid)

        retries = [0]

        def one(k: int) -> tuple[int, float]:
            # a client told 429 (busy) waits a quarter second and asks again, up to 40 times
            t0 = time.perf_counter()
            for _ in range(40):
                r = httpx.post(url + "/api/run", json={"runs": args.runs, "seed": k},
                               timeout=120)
                if r.status_code != 429:
                    break
                retries[0] += 1
                time.sleep(0.25)
            return r.status_code, time.perf_counter() - t0

        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            answers = list(pool.map(one, range(args.requests)))
        wall = time.perf_counter() - t0
        hostile = {
            "foreign Host": httpx.get(url + "/api/catalog", headers={"host": "evil.example"}),
            "runs x horizon": httpx.post(url + "/api/run", json={
                "runs": 100_000, "overrides": {"horizon": 600}}, timeout=30),
            "3 MB body": httpx.post(url + "/api/run", content=b"x" * 3_000_000,
                                    headers={"content-type": "application/json"}),
        }
        ok = sorted(s for code, s in answers if code == 200)
        busy = sum(code == 429 for code, _ in answers)
        print(f"{args.requests} requests of {args.runs:,} runs from {args.clients} clients "
              f"in {wall:.1f} s: {len(ok)} answered, {busy} still busy (429) after retries, "
              f"{len(answers) - len(ok) - busy} other; {retries[0]} answers of 429 (busy) "
              "along the way")
        if ok:
            q = statistics.quantiles(ok, n=20, method="inclusive") if len(ok) > 1 \
                else [ok[0]] * 19
            print(f"latency of answered runs (retries included): median "
                  f"{statistics.median(ok):.2f} s, p95 {q[18]:.2f} s, max {ok[-1]:.2f} s")
        for what, r in hostile.items():
            print(f"{what}: {r.status_code} {r.json().get('error', '')[:70]}")
        print(f"server peak memory: {_peak_rss_mb(proc.pid):.0f} MB "
              f"(after warm-up {base_rss:.0f} MB)")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
