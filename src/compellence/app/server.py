"""The interactive page: a small FastAPI app serving one HTML page and a JSON API.

Why FastAPI + plotly.js rather than Streamlit, Dash or Panel: the page is one
file of HTML and JavaScript that a test can drive in a real browser with plain
element ids; the API is plain JSON that scripts can use too; plotly.js is served
from the plotly package itself, so the page works with no network at all; and
every request is one vectorised ensemble (10,000 runs in about a quarter of a
second), so no server-side session state is needed.

Endpoints:
- ``GET /``: the page; ``GET /static/plotly.min.js``: plotly.js from the package;
- ``GET /api/catalog``: built-in scenarios, strategies and the slider fields;
- ``POST /api/scenario``: a scenario's current slider values;
- ``POST /api/run``: outcomes, trajectories and terms (and a comparison run with a
  strategy applied);
- ``POST /api/scenario.toml``: the current scenario as TOML (download);
- ``POST /api/results.csv``: the per-run results as CSV (download).
A bad scenario (upload or field) answers 400 with the same one-line message as the
command line.

Security (the page is for one analyst's browser, not the open network):
- an upload may ``extends`` only a built-in and a comparison strategy must be a
  built-in: the server never opens a path a client names (a path is a clear 400);
- only the Host names the server was started for are answered (localhost names when
  bound to a loopback address; ``--allowed-host`` when bound wider), which defeats DNS
  rebinding; a cross-site Origin is refused too;
- the work of one request is bounded: body size, TOML nesting, runs × horizon, a time
  limit, and at most :data:`MAX_HEAVY` simulations at once; each refusal is a 4xx
  with a one-line message.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
import tomli_w
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from compellence.analysis.robust import apply_strategy, strategy_names
from compellence.engine import simulate
from compellence.engine.results import Results
from compellence.model.core import OUTCOMES, TERMS
from compellence.provenance import stamp
from compellence.report.jsonout import finite
from compellence.scenario.distributions import _Dist
from compellence.scenario.loader import (
    MAX_BYTES,
    ScenarioError,
    apply_overrides,
    builtin_names,
    load_raw,
    load_upload,
    validate,
)
from compellence.scenario.schema import Scenario

#: The fields the page offers as sliders: (path, label, low, high, step).
SLIDERS: list[tuple[str, str, float, float, float]] = [
    ("leader.identity_weight", "identity weight (M1)", 0.0, 3.0, 0.05),
    ("leader.martyrdom_valuation", "martyrdom valuation μ (M7)", -1.0, 1.0, 0.05),
    ("leader.pain_valence", "pain valence (M3)", -1.0, 1.0, 0.05),
    ("leader.consistency_share", "authority from consistency (M5)", 0.0, 1.0, 0.05),
    ("leader.material_weight", "material weight", 0.0, 3.0, 0.05),
    ("leader.survival_weight", "survival weight (M15)", 0.0, 3.0, 0.05),
    ("coercer.demand", "demand (1 = surrender)", 0.0, 1.0, 0.05),
    ("coercer.relief", "relief offered", 0.0, 1.0, 0.05),
    ("coercer.face_saving", "face-saving terms (M10)", 0.0, 1.0, 0.05),
    ("coercer.aims.core_value", "coercer's aim beyond the core (C1)", 0.0, 1.0, 0.05),
    ("coercer.aims.belief_cost_benefit", "coercer's belief: pressure works (C1)", 0.0, 1.0,
     0.05),
    ("coercer.pressure.sanctions", "sanctions", 0.0, 1.0, 0.05),
    ("coercer.pressure.military_threat", "military threat", 0.0, 1.0, 0.05),
    ("coercer.pressure.leader_threat", "threat to the leader's life", 0.0, 1.0, 0.05),
    ("dynamics.succession_effect", "a martyrdom frees (+) or binds (−) the successor (M8)",
     -1.0, 1.0, 0.1),
    ("selectorate.pragmatists.weight", "pragmatists' say in the selectorate (F1)", 0.0, 1.0,
     0.05),
]
TRAJ = ("economy", "unrest", "base", "trust")
MAX_RUNS = 100_000
#: Largest runs × horizon (× 2 with a comparison) one request may ask for: 100,000 runs
#: at the built-ins' 24-round horizon with a comparison, the page's largest ordinary
#: request (6.9 s and 645 MB peak on the 2-core dev machine under load 3: docs/report.md);
#: the command line has no such limit.
MAX_RUN_ROUNDS = 4_800_000
#: Largest request body in bytes: an uploaded scenario is a few kB (loader.MAX_BYTES).
MAX_BODY = 2 * MAX_BYTES
#: Seconds one simulation may take before the request is refused (checked per chunk).
TIME_LIMIT = 30.0
#: Runs per chunk on the page: the time limit is checked between chunks.
PAGE_CHUNK = 8192
#: Simulations the server runs at once; more requests get 429 (try again).
MAX_HEAVY = 2
#: Host names answered when bound to a loopback address.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class RequestRefused(Exception):
    """A request the server will not do: the status code and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        super().__init__(message)


class RunRequest(BaseModel):
    """What the page sends: a scenario (built-in name or uploaded TOML) and overrides."""

    scenario: str | None = Field("iran-2025-surrender", max_length=200)
    toml: str | None = Field(None, max_length=MAX_BYTES)
    filename: str = Field("uploaded.toml", max_length=200)
    overrides: dict[str, Any] = Field(default_factory=dict, max_length=200)
    runs: int = Field(10_000, ge=10, le=MAX_RUNS)
    compare_strategy: str | None = Field(None, max_length=200)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)


def _raw(req: RunRequest) -> tuple[dict[str, Any], str]:
    """The request's scenario as a raw dict (TOML upload or built-in); never a server path."""
    if req.toml is not None:
        return load_upload(req.toml, req.filename)
    name = req.scenario or "iran-2025-surrender"
    if name not in builtin_names():
        raise ScenarioError(name, "", "not a built-in scenario")
    return load_raw(name)[0], f"built-in '{name}'"


def build(req: RunRequest) -> Scenario:
    """The validated scenario with the page's overrides."""
    data, source = _raw(req)
    data = apply_overrides(data, req.overrides)
    return validate(data, source + (" with the page's settings" if req.overrides else ""))


def _number(v: Any) -> float | None:
    if isinstance(v, _Dist):
        return float(v.mean())
    if isinstance(v, int | float):
        return float(v)
    if hasattr(v, "schedule"):
        return float(v.schedule[0][1])
    return None


def slider_values(sc: Scenario) -> dict[str, float | None]:
    out = {}
    for path, *_ in SLIDERS:
        node: Any = sc
        for part in path.split("."):
            node = getattr(node, part)
        out[path] = _number(node)
    return out


def summarise(res: Results) -> dict[str, Any]:
    """What the page draws: outcome shares with intervals, medians over rounds, terms."""
    table = res.outcome_table()
    traj = res.trajectory_frame()
    curves = res.outcome_curves()
    terms = res.term_means()
    return {
        "runs": res.n,
        "outcomes": [{"outcome": r.outcome, "share": r.share, "ci": [r.ci_low, r.ci_high]}
                     for r in table.itertuples()],
        "trajectories": {v: {"round": traj[traj["variable"] == v]["round"].tolist(),
                             "median": traj[traj["variable"] == v]["median"].tolist()}
                         for v in TRAJ},
        "curves": {o: curves[o].tolist() for o in [*OUTCOMES[1:], "in_play"]},
        "terms": {t: (terms.loc[t, "resist"] - terms.loc[t, "capitulate"]) for t in TERMS},
        "events": res.event_table(),
    }


def _error(exc: Exception, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=status)


def download_name(name: str, suffix: str) -> str:
    """A file name safe in a Content-Disposition header: letters, digits, ``._-`` only."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80]
    return (safe or "scenario") + suffix


def _check_work(sc: Scenario, req: RunRequest) -> None:
    """Refuse a request whose runs × horizon exceeds the page's bound."""
    work = req.runs * sc.horizon * (2 if req.compare_strategy else 1)
    if work > MAX_RUN_ROUNDS:
        both = " × 2 strategies" if req.compare_strategy else ""
        raise RequestRefused(400, f"runs × horizon{both} = {work:,} run-rounds exceeds "
                             f"the page's limit of {MAX_RUN_ROUNDS:,}: lower the runs or the "
                             "horizon (the command line has no such limit)")


def _check_strategy(ref: str | None) -> None:
    if ref and ref not in strategy_names():
        raise RequestRefused(400, f"compare_strategy {ref[:80]!r}: expected a built-in "
                             f"strategy ({', '.join(strategy_names())}); the page reads no "
                             "files")


class Limiter:
    """At most ``slots`` simulations at once, each stopped after ``seconds``."""

    def __init__(self, slots: int, seconds: float) -> None:
        self.sem = threading.BoundedSemaphore(slots)
        self.slots, self.seconds = slots, seconds

    def simulate(self, sc: Scenario, runs: int, seed: int | None, trajectories: bool
                 ) -> Results:
        if not self.sem.acquire(blocking=False):
            raise RequestRefused(429, f"the server is already running {self.slots} "
                                 "simulations; try again in a few seconds")
        deadline = time.monotonic() + self.seconds

        def check(_k: int) -> None:
            if time.monotonic() > deadline:
                raise RequestRefused(400, f"the simulation took longer than the page's "
                                     f"limit of {self.seconds:g} s: lower the runs")
        try:
            return simulate(sc, runs=runs, seed=seed, trajectories=trajectories,
                            chunk_size=PAGE_CHUNK, progress=check)
        finally:
            self.sem.release()


def allowed_hosts(host: str, extra: Iterable[str] = ()) -> set[str]:
    """The Host names to answer: localhost names for a loopback bind, else those given."""
    names = {h.lower().strip("[]") for h in extra}
    if host in LOCAL_HOSTS or host.startswith("127."):
        names |= set(LOCAL_HOSTS) | {host}
    return names


def _host_of(value: str) -> str:
    """The name part of a Host header or Origin authority (no port, no brackets)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class GuardMiddleware:
    """Pure ASGI guard: refuses foreign Host or Origin headers (DNS rebinding, cross-site
    requests) and bodies larger than ``max_body`` before the app reads them."""

    def __init__(self, app: Any, hosts: set[str], max_body: int) -> None:
        self.app, self.hosts, self.max_body = app, hosts, max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        host = _host_of(headers.get("host", ""))
        if host not in self.hosts:
            await _refuse(send, 400, f"host {host[:80]!r} is not served here (start the "
                          "app with --allowed-host NAME to serve it)")
            return
        origin = headers.get("origin")
        if origin and origin != "null" and _host_of(origin.split("://", 1)[-1]) \
                not in self.hosts:
            await _refuse(send, 403, "cross-site request refused")
            return
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _refuse(send, 413, f"request body larger than {self.max_body:,} bytes")
            return
        seen = 0

        async def bounded() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise RequestRefused(413, f"request body larger than {self.max_body:,} bytes")
            return message

        started = False

        async def tracked(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, bounded, tracked)
        except RequestRefused as exc:
            if started:
                raise
            await _refuse(send, exc.status, exc.message)


async def _refuse(send: Any, status: int, message: str) -> None:
    body = JSONResponse({"error": message}).body
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _page() -> str:
    return resources.files("compellence.app").joinpath("page.html").read_text("utf-8")


def create_app(host: str = "127.0.0.1", allowed: Iterable[str] = (),
               limiter: Limiter | None = None) -> Any:
    """The application for a server bound to ``host``, answering the Host names
    :func:`allowed_hosts` gives (the FastAPI app wrapped in :class:`GuardMiddleware`)."""
    app = FastAPI(title="compellence", docs_url=None, redoc_url=None)
    lim = limiter or Limiter(MAX_HEAVY, TIME_LIMIT)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

    @app.get("/", response_class=HTMLResponse)
    def page() -> str:
        return _page()

    @app.get("/static/plotly.min.js")
    def plotly_file() -> FileResponse:
        return FileResponse(plotly_js, media_type="application/javascript")

    @app.get("/api/catalog")
    def catalog() -> dict[str, Any]:
        return {"scenarios": builtin_names(), "strategies": strategy_names(),
                "sliders": [{"path": p, "label": lab, "min": lo, "max": hi, "step": st}
                            for p, lab, lo, hi, st in SLIDERS]}

    @app.exception_handler(ScenarioError)
    def scenario_error(_request: Any, exc: ScenarioError) -> JSONResponse:
        return _error(exc)

    @app.exception_handler(RequestRefused)
    def refused(_request: Any, exc: RequestRefused) -> JSONResponse:
        return _error(exc, exc.status)

    @app.exception_handler(RequestValidationError)
    def bad_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "bad request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _error(f"request field '{where}': {first.get('msg', 'invalid')}", 422)

    @app.post("/api/scenario")
    def scenario(req: RunRequest) -> Any:
        sc = build(req)
        return {"name": sc.name, "title": sc.title, "description": sc.description,
                "values": slider_values(sc)}

    @app.post("/api/run")
    def run(req: RunRequest) -> Any:
        _check_strategy(req.compare_strategy)
        sc = build(req)
        _check_work(sc, req)
        out: dict[str, Any] = {"name": sc.name, "title": sc.title,
                               "a": summarise(lim.simulate(sc, req.runs, req.seed, True))}
        if req.compare_strategy:
            sb = apply_strategy(sc, req.compare_strategy)
            out["b"] = summarise(lim.simulate(sb, req.runs, req.seed, True))
            out["b_label"] = sb.name
        out["note"] = "conditional on the scenario's stated assumptions; not a forecast"
        out["provenance"] = stamp()
        return finite(out)

    @app.post("/api/scenario.toml")
    def scenario_toml(req: RunRequest) -> Any:
        sc = build(req)
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True,
                             exclude={"extends"})
        text = "# compellence scenario saved from the interactive page\n" + tomli_w.dumps(data)
        return Response(text, media_type="application/toml", headers={
            "Content-Disposition":
                f'attachment; filename="{download_name(sc.name, ".toml")}"'})

    @app.post("/api/results.csv")
    def results_csv(req: RunRequest) -> Any:
        sc = build(req)
        _check_work(sc, req)
        res = lim.simulate(sc, req.runs, req.seed, False)
        buf = io.StringIO()
        res.runs.assign(outcome=res.runs["outcome"].astype(str)).to_csv(buf, index=False)
        return Response(buf.getvalue(), media_type="text/csv", headers={
            "Content-Disposition":
                f'attachment; filename="{download_name(sc.name, "-runs.csv")}"',
            "X-Compellence-Provenance": "; ".join(f"{k}={v}" for k, v in stamp().items())})

    return GuardMiddleware(app, allowed_hosts(host, allowed), MAX_BODY)


def serve(host: str = "127.0.0.1", port: int = 8050, allowed: Iterable[str] = ()) -> None:
    """Run the app with uvicorn (blocking)."""
    import uvicorn

    uvicorn.run(create_app(host, allowed), host=host, port=port, log_level="warning")
