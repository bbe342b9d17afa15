"""Episode sets: situations at a decision point with the outcome observed, as TOML.

An episode names a scenario (built-in or a path relative to the episode file),
optional field overrides (``[episode.set]``, dotted paths as in ``--set``), the
horizon in rounds, the observed outcome class (one of the model's outcomes), how
that class was coded, and its sources. See docs/evidence.md for the format and a
worked example for another country.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compellence.scenario.loader import (
    ScenarioError,
    apply_overrides,
    check_schema_version,
    load_raw,
    merge,
    validate,
)
from compellence.scenario.schema import Scenario

Outcome = Literal["ongoing", "capitulation", "deal", "war", "collapse", "backed_down",
                  "removed"]
PACKAGE = "compellence.evidence.sets"


class Episode(BaseModel):
    """One decision point and what happened."""

    model_config = ConfigDict(extra="forbid")
    id: str
    when: str = ""
    scenario: str = Field(description="Built-in scenario name or a path (relative to the file).")
    set: dict[str, Any] = Field(default_factory=dict, description=(
        "Field overrides: dotted paths (\"coercer.demand\" = 0.5) or nested tables "
        "([episode.set.coercer]); tables merge deeply, as `extends` does."))
    horizon: int | None = Field(None, ge=1, le=600, description="Rounds (default: scenario's).")
    outcome: Outcome
    coding: str = Field(min_length=1, description="Why this outcome class.")
    sources: list[str] = Field(min_length=1)


class EpisodeSet(BaseModel):
    """A named set of episodes."""

    model_config = ConfigDict(extra="forbid")
    schema_version: int = Field(1, description="Format of episode files (as scenario files).")
    name: str
    description: str = ""
    runs: int = Field(1000, ge=10)
    episode: list[Episode] = Field(min_length=1)


def builtin_sets() -> list[str]:
    return sorted(f.name.removesuffix(".toml") for f in resources.files(PACKAGE).iterdir()
                  if f.name.endswith(".toml"))


def load_episodes(ref: str | Path | None = None) -> tuple[EpisodeSet, Path | None, str]:
    """An episode set by built-in name (default: iran) or path; its folder and label."""
    ref = "iran" if ref is None else str(ref)
    if ref in builtin_sets():
        text = resources.files(PACKAGE).joinpath(f"{ref}.toml").read_text("utf-8")
        folder, source = None, f"built-in episodes '{ref}'"
    else:
        path = Path(ref)
        if not path.is_file():
            raise ScenarioError(ref, "", "no such episode file (built-in sets: "
                                + ", ".join(builtin_sets()) + ")")
        text, folder, source = path.read_text("utf-8"), path.parent, str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(source, "", f"malformed TOML: {exc}") from None
    check_schema_version(data, source)
    try:
        eps = EpisodeSet.model_validate(data)
    except ValidationError as exc:
        e = exc.errors(include_url=False)[0]
        raise ScenarioError(source, ".".join(map(str, e["loc"])), e["msg"]) from None
    ids = [e.id for e in eps.episode]
    if len(set(ids)) != len(ids):
        raise ScenarioError(source, "episode.id", f"episode ids must be unique, got {ids}")
    return eps, folder, source


def _is_leaf(value: Any) -> bool:
    """A value that replaces rather than merges: anything but a table, or a table that is
    itself one value (a distribution ``{dist = ...}`` or a ``{schedule = ...}``)."""
    return not isinstance(value, Mapping) or "dist" in value or "schedule" in value


def split_overrides(over: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split episode overrides into nested tables (deep-merged, as ``extends`` merges) and
    leaf values by dotted path (set last). ``"coercer.pressure" = {sanctions = 0.9}`` and
    ``[episode.set.coercer.pressure]`` both merge into the scenario's pressure table."""
    tables: dict[str, Any] = {}
    leaves: dict[str, Any] = {}
    for key, value in over.items():
        if _is_leaf(value):
            leaves[key] = value
            continue
        node = tables
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = merge(node.get(parts[-1], {}), value) \
            if isinstance(node.get(parts[-1]), dict) else dict(value)
    return tables, leaves


def episode_scenario(ep: Episode, folder: Path | None,
                     extra: dict[str, Any] | None = None) -> Scenario:
    """The scenario of an episode with its overrides (and any extra ones) applied: nested
    tables of ``[episode.set]`` deep-merge over the scenario, then dotted values, then the
    extra ones (a refit's grid point), then the horizon."""
    ref = ep.scenario
    if folder is not None and not Path(ref).is_absolute() and (folder / ref).is_file():
        ref = str(folder / ref)
    data, source = load_raw(ref)
    tables, leaves = split_overrides(ep.set)
    data = merge(data, tables)
    over = {**leaves, **(extra or {})}
    if ep.horizon is not None:
        over["horizon"] = ep.horizon
    data = apply_overrides(data, over)
    if ep.set or extra:
        source += f" with the overrides of episode '{ep.id}'"
    return validate(data, source)
