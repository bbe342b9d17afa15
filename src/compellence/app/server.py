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
"""

from __future__ import annotations

import io
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import plotly
import tomli_w
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field

from compellence.analysis.robust import apply_strategy, strategy_names
from compellence.engine import simulate
from compellence.engine.results import Results
from compellence.model.core import OUTCOMES, TERMS
from compellence.scenario.distributions import _Dist
from compellence.scenario.loader import (
    ScenarioError,
    apply_overrides,
    builtin_names,
    load_raw,
    merge,
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
    ("coercer.accepts_limited_deal", "coercer accepts a core-keeping deal", 0.0, 1.0, 0.05),
    ("coercer.pressure.sanctions", "sanctions", 0.0, 1.0, 0.05),
    ("coercer.pressure.military_threat", "military threat", 0.0, 1.0, 0.05),
    ("coercer.pressure.leader_threat", "threat to the leader's life", 0.0, 1.0, 0.05),
]
TRAJ = ("economy", "unrest", "base", "trust")
MAX_RUNS = 100_000


class RunRequest(BaseModel):
    """What the page sends: a scenario (built-in name or uploaded TOML) and overrides."""

    scenario: str | None = "iran-2025-surrender"
    toml: str | None = None
    filename: str = "uploaded.toml"
    overrides: dict[str, Any] = Field(default_factory=dict)
    runs: int = Field(10_000, ge=10, le=MAX_RUNS)
    compare_strategy: str | None = None
    seed: int | None = None


def _raw(req: RunRequest) -> tuple[dict[str, Any], str]:
    """The request's scenario as a raw dict (TOML upload or built-in)."""
    if req.toml is not None:
        try:
            data = tomllib.loads(req.toml)
        except tomllib.TOMLDecodeError as exc:
            raise ScenarioError(req.filename, "", f"malformed TOML: {exc}") from None
        if "extends" in data:
            parent, _ = load_raw(str(data["extends"]))
            data = merge(parent, data)
        return data, req.filename
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


def _error(exc: Exception) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=400)


def _page() -> str:
    return resources.files("compellence.app").joinpath("page.html").read_text("utf-8")


def create_app() -> FastAPI:
    """The FastAPI application."""
    app = FastAPI(title="compellence", docs_url=None, redoc_url=None)
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

    @app.post("/api/scenario")
    def scenario(req: RunRequest) -> Any:
        sc = build(req)
        return {"name": sc.name, "title": sc.title, "description": sc.description,
                "values": slider_values(sc)}

    @app.post("/api/run")
    def run(req: RunRequest) -> Any:
        sc = build(req)
        out: dict[str, Any] = {"name": sc.name, "title": sc.title,
                               "a": summarise(simulate(sc, runs=req.runs, seed=req.seed,
                                                       trajectories=True))}
        if req.compare_strategy:
            sb = apply_strategy(sc, req.compare_strategy)
            out["b"] = summarise(simulate(sb, runs=req.runs, seed=req.seed, trajectories=True))
            out["b_label"] = sb.name
        out["note"] = "conditional on the scenario's stated assumptions; not a forecast"
        return out

    @app.post("/api/scenario.toml")
    def scenario_toml(req: RunRequest) -> Any:
        sc = build(req)
        data = sc.model_dump(mode="json", by_alias=True, exclude_none=True,
                             exclude={"extends"})
        text = "# compellence scenario saved from the interactive page\n" + tomli_w.dumps(data)
        return Response(text, media_type="application/toml", headers={
            "Content-Disposition": f'attachment; filename="{sc.name}.toml"'})

    @app.post("/api/results.csv")
    def results_csv(req: RunRequest) -> Any:
        sc = build(req)
        res = simulate(sc, runs=req.runs, seed=req.seed)
        buf = io.StringIO()
        res.runs.assign(outcome=res.runs["outcome"].astype(str)).to_csv(buf, index=False)
        return Response(buf.getvalue(), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{sc.name}-runs.csv"'})

    return app


def serve(host: str = "127.0.0.1", port: int = 8050) -> None:
    """Run the app with uvicorn (blocking)."""
    import uvicorn

    uvicorn.run(create_app(), host=host, port=port, log_level="warning")
