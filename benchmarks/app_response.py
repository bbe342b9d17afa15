"""Benchmark: the interactive page's response time (POST /api/run) at 10,000 runs.

Measures the whole request through the ASGI app (validation, the ensemble with
trajectories, the summary, JSON), as the page's slider triggers it, and prints
the median and spread over repetitions, side by side with the bare engine call.
Usage: python benchmarks/app_response.py [--runs 10000] [--repeat 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from fastapi.testclient import TestClient

from compellence.app.server import create_app
from compellence.engine import simulate
from compellence.scenario import load_scenario


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    client.post("/api/run", json={"runs": 100})            # warm-up (imports, caches)
    sc = load_scenario("iran-2025-surrender")
    api, engine = [], []
    for k in range(args.repeat):
        body = {"runs": args.runs, "overrides": {"leader.identity_weight": 0.5 + 0.05 * k}}
        t = time.perf_counter()
        r = client.post("/api/run", json=body)
        api.append(time.perf_counter() - t)
        assert r.status_code == 200
        t = time.perf_counter()
        simulate(sc, runs=args.runs, trajectories=True)
        engine.append(time.perf_counter() - t)
    out = {"runs": args.runs, "repeat": args.repeat,
           "api_median_s": statistics.median(api), "api_max_s": max(api),
           "engine_median_s": statistics.median(engine),
           "api_over_engine": statistics.median(api) / statistics.median(engine)}
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"POST /api/run, {args.runs:,} runs: median {out['api_median_s']:.3f} s "
              f"(max {out['api_max_s']:.3f} s) over {args.repeat} requests")
        print(f"bare engine with trajectories: median {out['engine_median_s']:.3f} s; "
              f"request / engine = {out['api_over_engine']:.2f}")


if __name__ == "__main__":
    main()
