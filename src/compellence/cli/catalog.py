"""What a user can set, read from the one source of truth: the scenario schema's fields
(their unit, range and mechanism in ``json_schema_extra``), the built-in strategies and
the built-in scenarios. Used by ``compellence params``, ``strategies`` and ``scenarios``."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class ParamInfo:
    """One numeric scenario parameter: dotted name, unit, range, default, mechanism, doc."""

    name: str
    unit: str
    low: float
    high: float
    default: Any
    mechanism: str
    doc: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _doc(description: str | None) -> str:
    """The field's description without the '(M1; unit: …; range […])' suffix."""
    return re.sub(r"\s*\([^()]*unit:[^()]*\)\s*$", "", description or "").strip()


def parameters() -> list[ParamInfo]:
    """Every numeric parameter of a scenario file, in schema order (leader defaults are the
    identity-committed profile's; ``profile`` presets replace them)."""
    from pydantic import BaseModel

    from compellence.scenario.schema import Scenario

    rows: list[ParamInfo] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            path = f"{prefix}{field.alias or name}"
            extra = field.json_schema_extra
            if isinstance(extra, dict) and "range" in extra:
                lo, hi = extra["range"]
                default = field.get_default(call_default_factory=True)
                rows.append(ParamInfo(path, str(extra.get("unit", "")), float(lo), float(hi),
                                      default, str(extra.get("mechanism", "")),
                                      _doc(field.description)))
                continue
            ann = field.annotation
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                walk(ann, path + ".")

    walk(Scenario, "")
    return rows


def mechanism_switches() -> list[tuple[str, bool, str]]:
    """The ``[mechanisms]`` switches: (name, default, description)."""
    from compellence.scenario.schema import Mechanisms

    return [(n, bool(f.default), f.description or "") for n, f in Mechanisms.model_fields.items()]


def strategies() -> list[dict[str, Any]]:
    """The built-in coercer strategies: name, title and their ``[coercer]`` table."""
    import tomllib
    from importlib import resources

    from compellence.analysis.robust import STRATEGY_PACKAGE, strategy_names

    out = []
    for name in strategy_names():
        text = resources.files(STRATEGY_PACKAGE).joinpath(f"{name}.toml").read_text("utf-8")
        data = tomllib.loads(text)
        out.append({"name": name, "title": str(data.get("title", "")),
                    "description": str(data.get("description", "")).strip(),
                    "coercer": data.get("coercer", {}), "toml": text})
    return out


def scenario_text(name: str) -> str:
    """The TOML text of a built-in scenario, as shipped."""
    from importlib import resources

    from compellence.scenario.loader import BUILTIN_PACKAGE

    return resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.toml").read_text("utf-8")
